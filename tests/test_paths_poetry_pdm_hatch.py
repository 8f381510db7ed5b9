"""Where Poetry, PDM and Hatch keep their user config on Linux, macOS and Windows, asked of `paths.Platform`.

Each tool asks platformdirs in its own way (Poetry: ``user_config_path("pypoetry", appauthor=False,
roaming=True)``; PDM: ``user_config_path("pdm")``; Hatch: ``user_config_dir("hatch", appauthor=False)``),
so each answer is checked against platformdirs itself, run with the same environment: its ``Unix``,
``MacOS`` and ``Windows`` classes (Windows' known folders read from ``%APPDATA%``/``%LOCALAPPDATA%``,
which is what the known folders hold unless the user redirected one without the other).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, TypedDict

import pytest
from platformdirs import macos, unix, windows
from platformdirs.api import PlatformDirsABC

from ar_wizard.paths import OS, Platform


class PlatformdirsArgs(TypedDict, total=False):
    appname: str
    appauthor: Literal[False]
    roaming: bool


TOOLS: dict[str, tuple[str, PlatformdirsArgs, str]] = {
    # method, platformdirs arguments the tool passes, the file under the directory
    "poetry": ("poetry_config_toml", dict(appname="pypoetry", appauthor=False, roaming=True), "config.toml"),
    "poetry-auth": ("poetry_auth_toml", dict(appname="pypoetry", appauthor=False, roaming=True), "auth.toml"),
    "pdm": ("pdm_config_toml", dict(appname="pdm"), "config.toml"),
    "hatch": ("hatch_config_toml", dict(appname="hatch", appauthor=False), "config.toml"),
}


def profile(os_name: OS, tmp_path: Path, **extra: str) -> Platform:
    if os_name == "windows":
        home = tmp_path / "Users" / "alice"
        env = {"USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
               "LOCALAPPDATA": str(home / "AppData" / "Local")}
    elif os_name == "macos":
        env = {"HOME": str(tmp_path / "Users" / "alice")}
    else:
        env = {"HOME": str(tmp_path / "home" / "alice")}
    return Platform(os_name, env | extra)


def platformdirs_answer(platform: Platform, kwargs: PlatformdirsArgs, monkeypatch) -> Path:
    """What the tool's own platformdirs call returns under this platform's environment."""
    for key in ("HOME", "XDG_CONFIG_HOME", "APPDATA", "LOCALAPPDATA", "USERPROFILE"):
        monkeypatch.delenv(key, raising=False)
    for key, value in platform.env.items():
        monkeypatch.setenv(key, value)
    if platform.os == "windows":
        folders = {"CSIDL_APPDATA": platform.env["APPDATA"], "CSIDL_LOCAL_APPDATA": platform.env["LOCALAPPDATA"]}
        monkeypatch.setattr(windows, "get_win_folder", folders.__getitem__)
        cls: type[PlatformDirsABC] = windows.Windows
    else:
        cls = macos.MacOS if platform.os == "macos" else unix.Unix
    return Path(cls(**kwargs).user_config_dir)


@pytest.mark.parametrize("os_name", ["linux", "macos", "windows"])
@pytest.mark.parametrize("tool", list(TOOLS))
def test_each_tools_config_file_is_where_its_own_platformdirs_call_puts_it(tmp_path, monkeypatch, os_name, tool):
    method, kwargs, filename = TOOLS[tool]
    platform = profile(os_name, tmp_path)
    assert getattr(platform, method)() == platformdirs_answer(platform, kwargs, monkeypatch) / filename


@pytest.mark.parametrize("os_name", ["linux", "macos"])
@pytest.mark.parametrize("tool", list(TOOLS))
def test_xdg_config_home_moves_each_tools_config_on_linux_and_macos(tmp_path, monkeypatch, os_name, tool):
    method, kwargs, filename = TOOLS[tool]
    platform = profile(os_name, tmp_path, XDG_CONFIG_HOME=str(tmp_path / "xdg"))
    assert getattr(platform, method)() == tmp_path / "xdg" / kwargs["appname"] / filename
    assert getattr(platform, method)() == platformdirs_answer(platform, kwargs, monkeypatch) / filename


def test_a_relative_xdg_config_home_is_ignored_as_platformdirs_ignores_it(tmp_path):
    platform = profile("linux", tmp_path, XDG_CONFIG_HOME="relative/dir")
    assert platform.pdm_config_toml() == Path(platform.env["HOME"]) / ".config" / "pdm" / "config.toml"


def test_on_windows_poetry_roams_while_pdm_and_hatch_stay_local(tmp_path):
    p = profile("windows", tmp_path)
    assert p.poetry_auth_toml() == Path(p.env["APPDATA"]) / "pypoetry" / "auth.toml"
    # PDM passes no appauthor, so platformdirs names the folder twice.
    assert p.pdm_config_toml() == Path(p.env["LOCALAPPDATA"]) / "pdm" / "pdm" / "config.toml"
    assert p.hatch_config_toml() == Path(p.env["LOCALAPPDATA"]) / "hatch" / "config.toml"


@pytest.mark.parametrize("os_name", ["linux", "macos", "windows"])
def test_each_tools_own_variable_wins_over_the_default_place(tmp_path, os_name):
    p = profile(os_name, tmp_path, POETRY_CONFIG_DIR=str(tmp_path / "pc"), PDM_CONFIG_FILE=str(tmp_path / "pdm.toml"),
                HATCH_CONFIG=str(tmp_path / "hatch.toml"))
    assert p.poetry_config_toml() == tmp_path / "pc" / "config.toml"
    assert p.poetry_auth_toml() == tmp_path / "pc" / "auth.toml"
    assert p.pdm_config_toml() == tmp_path / "pdm.toml"
    assert p.hatch_config_toml() == tmp_path / "hatch.toml"


@pytest.mark.parametrize("os_name", ["linux", "macos", "windows"])
def test_undo_may_restore_poetry_pdm_and_hatch_user_files(tmp_path, os_name):
    p = profile(os_name, tmp_path)
    files = p.user_files()
    for path in (p.poetry_config_toml(), p.poetry_auth_toml(), p.pdm_config_toml(), p.hatch_config_toml()):
        assert path in files
