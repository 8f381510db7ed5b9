"""The whole product under a Windows and a macOS profile, on this Linux machine.

The wizard runs as a user runs it, but with ``paths`` told it is on Windows or macOS
(the OS is a value there; nothing else is changed), in a temp profile whose
``%USERPROFILE%``, ``%APPDATA%`` and ``%LOCALAPPDATA%`` (or macOS's ``~/Library``)
are real folders, and with the tools on PATH under the names that OS gives them
(``uv.exe``, ``pip.exe``). Setup, doctor, rotate and undo must all find the files
where that OS's uv and pip read them; the real uv and pip then read those files
(pointed at them with ``UV_CONFIG_FILE``/``PIP_CONFIG_FILE``, since this uv and pip
are Linux builds) and install the private package.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conftest import PACKAGE, VENV_BIN

pytestmark = pytest.mark.integration

# The wizard's own entry point with the OS given as the first argument.
SHIM = ("import sys, ar_wizard.paths as p; os_ = sys.argv.pop(1); p._running_os = lambda: os_; "
        "from ar_wizard.cli import run; raise SystemExit(run(sys.argv[1:]))")


def as_os(home, os_: str, *args: str, input: str | None = None):
    return home.run(sys.executable, "-c", SHIM, os_, *args, input=input)


@pytest.fixture
def windows_home(home, tmp_path):
    """A Windows profile: its folders, and uv and pip found as uv.exe and pip.exe on PATH."""
    profile = home.root
    home.env |= {"USERPROFILE": str(profile), "APPDATA": str(profile / "AppData" / "Roaming"),
                 "LOCALAPPDATA": str(profile / "AppData" / "Local"), "PATHEXT": ".COM;.EXE;.BAT;.CMD"}
    bin_dir = tmp_path / "windows-bin"
    bin_dir.mkdir()
    for tool in ("uv", "pip"):
        (bin_dir / f"{tool}.exe").symlink_to(VENV_BIN / tool)
    home.put_first_on_path(bin_dir)
    return home


def setup_user_scope(home, os_: str, index, user: str, password: str):
    return as_os(home, os_, "setup", "--provider", "generic", "--index", "acme", "--url", index.simple_url,
                 "--auth", "token", "--username", user, "--password-stdin", "--store", "netrc", "--scope", "user",
                 "--targets", "uv,pip", "--yes", input=password + "\n")


def doctor_sources(home, os_: str) -> dict[str, set[str]]:
    report = as_os(home, os_, "doctor", "--json", "--offline")
    assert report.returncode in (0, 1), report.stderr
    out: dict[str, set[str]] = {}
    for index in json.loads(report.stdout)["indexes"]:
        out.setdefault(index["tool"], set()).add(index["source"])
    return out


def test_a_user_scope_setup_on_windows_writes_appdata_uv_toml_and_pip_ini_and_every_command_finds_them(
    windows_home, private_index, account, tmp_path
):
    home, (user, password) = windows_home, account
    appdata = Path(home.env["APPDATA"])

    result = setup_user_scope(home, "windows", private_index, user, password)

    assert result.returncode == 0, result.stdout + result.stderr
    uv_toml, pip_ini = appdata / "uv" / "uv.toml", appdata / "pip" / "pip.ini"
    assert 'name = "acme"' in uv_toml.read_text()
    assert private_index.simple_url in pip_ini.read_text()
    assert not (home.root / ".config" / "uv" / "uv.toml").exists()  # the Linux place stays untouched
    assert list((Path(home.env["LOCALAPPDATA"]) / "ar-wizard" / "backups").iterdir())
    # The files are what uv and pip on Windows read: the real clients install from them.
    assert home.uv("add", PACKAGE, env={"UV_CONFIG_FILE": str(uv_toml)}).returncode == 0
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", PACKAGE, env={"PIP_CONFIG_FILE": str(pip_ini)})
    assert downloaded.returncode == 0, downloaded.stderr

    sources = doctor_sources(home, "windows")
    assert str(Path("%APPDATA%", "uv", "uv.toml")) in sources["uv"]
    assert str(Path("%APPDATA%", "pip", "pip.ini")) in sources["pip"]

    private_index.set_password(user, "rotated-" + password)
    rotated = as_os(home, "windows", "rotate", "--index", "acme", "--password-stdin", "--yes",
                    input="rotated-" + password + "\n")
    assert rotated.returncode == 0, rotated.stdout + rotated.stderr
    assert "rotated-" + password in (home.root / ".netrc").read_text()

    undone = as_os(home, "windows", "undo", "--yes")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert "rotated-" not in (home.root / ".netrc").read_text()
    assert password in (home.root / ".netrc").read_text()


def test_on_macos_with_application_support_pip_present_pip_conf_is_written_there_and_found_again(
    home, private_index, account, tmp_path
):
    user, password = account
    home.env.pop("XDG_DATA_HOME", None)  # (pip 26 would look for its folder there instead)
    support = home.root / "Library" / "Application Support" / "pip"
    support.mkdir(parents=True)

    result = setup_user_scope(home, "macos", private_index, user, password)

    assert result.returncode == 0, result.stdout + result.stderr
    pip_conf = support / "pip.conf"
    assert private_index.simple_url in pip_conf.read_text()
    assert not (home.root / ".config" / "pip" / "pip.conf").exists()  # pip ignores it while the folder exists
    assert 'name = "acme"' in (Path(home.env["XDG_CONFIG_HOME"]) / "uv" / "uv.toml").read_text()  # uv: XDG on macOS
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", PACKAGE, env={"PIP_CONFIG_FILE": str(pip_conf)})
    assert downloaded.returncode == 0, downloaded.stderr
    assert "~/Library/Application Support/pip/pip.conf" in doctor_sources(home, "macos")["pip"]

    undone = as_os(home, "macos", "undo", "--yes")
    assert undone.returncode == 0, undone.stdout + undone.stderr
    assert not pip_conf.exists()


def test_a_windows_user_who_keeps_pip_ini_in_the_legacy_profile_folder_is_told_which_file_wins(
    windows_home, private_index, account
):
    home, (user, password) = windows_home, account
    legacy = home.root / "pip" / "pip.ini"
    legacy.parent.mkdir()
    legacy.write_text("[global]\r\nextra-index-url = https://other.example/simple/\r\n")

    result = setup_user_scope(home, "windows", private_index, user, password)

    assert result.returncode == 0, result.stdout + result.stderr
    assert str(Path("%USERPROFILE%", "pip", "pip.ini")) in result.stdout + result.stderr
    assert legacy.read_bytes().count(b"\r\n") == 2  # the user's file, CRLF and all, is left as it was


def test_help_on_windows_names_appdata_and_survives_argparses_percent_formatting(windows_home):
    result = as_os(windows_home, "windows", "setup", "--help")
    assert result.returncode == 0, result.stderr
    assert str(Path("%APPDATA%", "uv", "uv.toml")) in " ".join(result.stdout.split())
