"""Writes on Windows: a file another program holds open, and modes that mean nothing there."""

from __future__ import annotations

import os
import stat

import pytest

from ar_wizard import fileio, paths
from ar_wizard.paths import Platform


@pytest.fixture
def on(monkeypatch):
    def switch(os_: str) -> None:
        monkeypatch.setattr(paths, "_running_os", lambda: os_)
        monkeypatch.setattr(fileio, "REPLACE_RETRIES", (0.0, 0.0, 0.0))

    return switch


def _held_open(monkeypatch, times: int) -> list[str]:
    """os.replace answers as Windows does while another process has the target open without
    FILE_SHARE_DELETE (winerror 32, surfaced by Python as PermissionError), ``times`` times."""
    calls: list[str] = []
    real = os.replace

    def replace(src, dst):
        calls.append(str(dst))
        if len(calls) <= times:
            raise PermissionError(13, "The process cannot access the file because it is being used by another process",
                                  str(dst))
        real(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    return calls


def test_on_windows_a_file_held_open_for_a_moment_is_replaced_once_it_is_let_go(tmp_path, monkeypatch, on):
    on("windows")
    calls = _held_open(monkeypatch, 2)
    target = tmp_path / "pip.ini"
    fileio.write_atomically(target, b"[global]\r\n", 0o600)
    assert target.read_bytes() == b"[global]\r\n" and len(calls) == 3


def test_on_windows_a_file_held_open_for_good_is_explained_and_no_temp_file_stays(tmp_path, monkeypatch, on):
    on("windows")
    _held_open(monkeypatch, 99)
    target = tmp_path / "uv.toml"
    target.write_text("old\n")
    with pytest.raises(fileio.FileInUse) as caught:
        fileio.write_atomically(target, b"new\n", 0o600)
    sentence = fileio.describe_os_error(caught.value)
    assert "open in another program" in sentence and "close it" in sentence and "uv.toml" in sentence
    assert target.read_text() == "old\n" and fileio.stray_temps(target) == []


def test_on_linux_a_permission_error_is_not_retried(tmp_path, monkeypatch, on):
    on("linux")
    calls = _held_open(monkeypatch, 99)
    with pytest.raises(PermissionError):
        fileio.write_atomically(tmp_path / "f", b"x", 0o600)
    assert len(calls) == 1


def test_modes_are_set_on_linux_even_without_fchmod_and_left_to_the_acl_on_windows(tmp_path, monkeypatch, on):
    monkeypatch.delattr(os, "fchmod")
    on("linux")
    fileio.write_atomically(tmp_path / "a", b"x", 0o640)
    assert stat.S_IMODE((tmp_path / "a").stat().st_mode) == 0o640
    on("windows")
    fileio.write_atomically(tmp_path / "b", b"x", 0o640)
    assert (tmp_path / "b").read_bytes() == b"x"
    assert not Platform("windows").applies_modes
