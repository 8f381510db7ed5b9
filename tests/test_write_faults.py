"""Faults of the machine: a read-only directory, a file where a directory belongs, a full disk.

Each is one sentence that names the real file (never a temp file) and what to
do, with every file left as it was.
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

URL = "https://registry.example/simple/"


def setup(home, *extra, store="netrc", targets="uv"):
    return home.wizard("setup", "--index", "acme", "--url", URL, "--username", "me", "--password-stdin",
                       "--store", store, "--targets", targets, "--no-validate", "--yes", *extra,
                       input="s3cret-value\n")


def user_files(home):
    """Everything but the wizard's own lock and state, which a refused run may create."""
    return {p: b for p, b in home.files().items() if "ar-wizard" not in p.parts}


def assert_one_sentence(result, *words, exit_code=2):
    said = result.stderr.strip()
    assert result.returncode == exit_code, result.stdout + result.stderr
    assert "Traceback" not in said and ".ar-wizard" not in said
    assert len(said.splitlines()) == 1, said
    for word in words:
        assert word in said, said


def mount(*argv) -> bool:
    return subprocess.run(["mount", *argv], capture_output=True).returncode == 0


@contextmanager
def read_only(directory: Path):
    """``directory`` read-only for this user: a read-only bind mount for root (who ignores modes), else 0555."""
    if os.geteuid() != 0:
        mode = directory.stat().st_mode
        directory.chmod(0o555)
        try:
            yield
        finally:
            directory.chmod(mode)
        return
    if not (mount("--bind", str(directory), str(directory))
            and mount("-o", "remount,bind,ro", str(directory), str(directory))):
        subprocess.run(["umount", str(directory)], capture_output=True)
        pytest.skip("cannot make a read-only mount here")
    try:
        yield
    finally:
        subprocess.run(["umount", str(directory)], check=True)


def test_a_read_only_project_dir_names_pyproject_and_changes_nothing(home):
    before = user_files(home)
    with read_only(home.project):
        result = setup(home, store="env")
    assert_one_sentence(result, "~/work/demo/pyproject.toml cannot be written", "run again" if os.geteuid() else "read-only")
    assert user_files(home) == before


def test_a_read_only_backups_dir_is_one_sentence_and_changes_nothing(home):
    backups = home.root / ".local" / "state" / "ar-wizard" / "backups"
    backups.mkdir(parents=True)
    before = user_files(home)
    with read_only(backups):
        result = setup(home)
    assert_one_sentence(result, "backups", "cannot be written")
    assert user_files(home) == before


def test_a_file_where_the_pip_config_dir_belongs_is_one_sentence(home):
    (home.root / ".config").mkdir()
    (home.root / ".config" / "pip").write_text("not a directory\n")
    before = user_files(home)
    result = setup(home, targets="uv,pip")
    assert_one_sentence(result, "pip.conf", "a file stands where a directory belongs")
    assert user_files(home) == before


def test_a_file_where_local_belongs_is_one_sentence(home):
    (home.root / ".local").write_text("not a directory\n")
    before = user_files(home)
    result = setup(home)
    assert_one_sentence(result, "~/.local/state/ar-wizard", "move")
    assert user_files(home) == before
    assert home.wizard("undo", "--list").returncode == 0, "a later command starts all the same"


def test_a_full_disk_puts_everything_back_and_names_the_file(home, tmp_path):
    project = home.project
    saved = {p.name: p.read_bytes() for p in project.iterdir()}
    if not mount("-t", "tmpfs", "-o", "size=64k", "tmpfs", str(project)):
        pytest.skip("cannot mount a small tmpfs here")
    try:
        for name, data in saved.items():
            (project / name).write_bytes(data)
        before = user_files(home)
        with open(project / "filler", "wb", buffering=0) as filler:  # the disk is full from here on
            try:
                while True:
                    filler.write(b"\0" * 4096)
            except OSError:
                pass
        before[project / "filler"] = (project / "filler").read_bytes()
        result = setup(home, store="env")
        assert_one_sentence(result, "~/work/demo/pyproject.toml could not be written", "free some disk space",
                            "put back", exit_code=3)
        assert user_files(home) == before
        assert not list(project.glob(".*.ar-wizard"))
    finally:
        subprocess.run(["umount", str(project)], check=True)
