"""Where each tool reads its files on Linux, macOS and Windows, asked of `paths.Platform` as a value.

Every answer is checked against the source of the tool that reads the file; the
lines followed are named in each docstring (uv as of its 0.13 line, pip 26).
Directories that a rule tests for (macOS's Application Support, Windows' `_netrc`)
are made for real in a temp dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ar_wizard.paths import Platform


def windows(tmp_path: Path, **extra: str) -> Platform:
    home = tmp_path / "Users" / "alice"
    env = {"USERPROFILE": str(home), "APPDATA": str(home / "AppData" / "Roaming"),
           "LOCALAPPDATA": str(home / "AppData" / "Local")} | extra
    return Platform("windows", env)


def macos(tmp_path: Path, **extra: str) -> Platform:
    return Platform("macos", {"HOME": str(tmp_path / "Users" / "alice")} | extra)


def linux(tmp_path: Path, **extra: str) -> Platform:
    return Platform("linux", {"HOME": str(tmp_path / "home" / "alice")} | extra)


# --- uv ------------------------------------------------------------------------------------------

def test_uv_reads_its_user_config_from_appdata_on_windows(tmp_path):
    """uv-dirs ``user_config_dir``: etcetera's ``choose_base_strategy`` is its ``Windows`` strategy there,
    whose ``config_dir`` is ``%APPDATA%``; uv-settings ``FilesystemOptions::user`` adds ``uv/uv.toml``."""
    p = windows(tmp_path)
    assert p.user_uv_toml() == Path(p.env["APPDATA"]) / "uv" / "uv.toml"


def test_uv_on_windows_without_appdata_falls_back_to_the_roaming_folder_of_the_profile(tmp_path):
    p = Platform("windows", {"USERPROFILE": str(tmp_path)})
    assert p.user_uv_toml() == tmp_path / "AppData" / "Roaming" / "uv" / "uv.toml"


@pytest.mark.parametrize("make", [linux, macos])
def test_uv_follows_xdg_config_home_on_linux_and_on_macos_too(tmp_path, make):
    """etcetera's ``choose_base_strategy`` is ``Xdg`` on every Unix, macOS included: uv reads
    ``$XDG_CONFIG_HOME/uv/uv.toml``, not ``~/Library/Application Support``."""
    p = make(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    assert p.user_uv_toml() == tmp_path / "cfg" / "uv" / "uv.toml"
    assert make(tmp_path).user_uv_toml() == make(tmp_path).home / ".config" / "uv" / "uv.toml"


def test_a_relative_xdg_config_home_is_ignored_as_the_xdg_spec_says(tmp_path):
    """uv-dirs ``parse_xdg_path``: "Relative paths are considered invalid"."""
    p = linux(tmp_path, XDG_CONFIG_HOME="relative/cfg")
    assert p.user_uv_toml() == p.home / ".config" / "uv" / "uv.toml"


@pytest.mark.parametrize("make", [linux, macos, windows])
def test_uv_config_file_replaces_the_user_file_on_every_os(tmp_path, make):
    """crates/uv/src/lib.rs: ``--config-file``/``UV_CONFIG_FILE`` is read *instead of* discovery."""
    p = make(tmp_path, UV_CONFIG_FILE=str(tmp_path / "team-uv.toml"))
    assert p.user_uv_toml() == tmp_path / "team-uv.toml"


def test_uv_credentials_live_in_uv_state_directory_on_each_os(tmp_path):
    """uv-auth ``TextCredentialStore::directory_path`` → uv-state ``StateStore::from_settings``:
    the legacy native data dir when it exists, else uv-dirs ``user_state_dir`` (XDG data, or
    ``%APPDATA%\\uv`` on Windows), then the ``credentials`` bucket."""
    lin = linux(tmp_path)
    assert lin.uv_credentials_dir() == lin.home / ".local" / "share" / "uv" / "credentials"
    mac = macos(tmp_path)
    assert mac.uv_credentials_dir() == mac.home / ".local" / "share" / "uv" / "credentials"
    legacy = mac.home / "Library" / "Application Support" / "uv"
    legacy.mkdir(parents=True)
    assert mac.uv_credentials_dir() == legacy / "credentials"
    win = windows(tmp_path)
    assert win.uv_credentials_dir() == win.appdata / "uv" / "credentials"
    assert windows(tmp_path, UV_CREDENTIALS_DIR=str(tmp_path / "c")).uv_credentials_dir() == tmp_path / "c"


def test_uv_tool_bin_dir_is_dot_local_bin_under_the_profile_even_on_windows(tmp_path):
    """uv-dirs ``user_executable_directory``: ``UV_TOOL_BIN_DIR``, ``XDG_BIN_HOME``,
    ``XDG_DATA_HOME/../bin``, else ``$HOME/.local/bin`` "On all platforms"."""
    win = windows(tmp_path)
    assert win.uv_tool_bin_dir() == win.home / ".local" / "bin"
    assert linux(tmp_path, XDG_DATA_HOME=str(tmp_path / "d" / "share")).uv_tool_bin_dir() == tmp_path / "d" / "bin"
    assert macos(tmp_path, XDG_BIN_HOME=str(tmp_path / "b")).uv_tool_bin_dir() == tmp_path / "b"


# --- pip -----------------------------------------------------------------------------------------

def test_pip_reads_appdata_pip_pip_ini_on_windows_after_the_legacy_profile_file(tmp_path):
    """pip ``configuration.py``: ``CONFIG_BASENAME = "pip.ini" if WINDOWS``; ``legacy_config_file`` is
    ``~\\pip\\pip.ini`` on Windows; ``new_config_file`` is ``appdirs.user_config_dir("pip")``, which is
    platformdirs' roaming ``%APPDATA%\\pip``; ``Kind.USER: [legacy_config_file, new_config_file]``."""
    p = windows(tmp_path)
    assert p.pip_files() == [p.home / "pip" / "pip.ini", p.appdata / "pip" / "pip.ini"]
    assert p.pip_conf() == p.appdata / "pip" / "pip.ini"


def test_pip_on_macos_uses_application_support_only_when_that_folder_exists(tmp_path):
    """pip ``utils/appdirs.py`` ``_macos_user_config_dir``: ``~/Library/Application Support/pip`` "if the
    directory exists", else the Linux-like ``~/.config/pip`` — which ignores ``XDG_CONFIG_HOME``."""
    p = macos(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    assert p.pip_conf() == p.home / ".config" / "pip" / "pip.conf"
    support = p.home / "Library" / "Application Support" / "pip"
    support.mkdir(parents=True)
    assert p.pip_conf() == support / "pip.conf"
    assert p.pip_files() == [p.home / ".pip" / "pip.conf", support / "pip.conf"]


def test_pip_on_macos_honours_xdg_data_home_for_its_application_support_folder(tmp_path):
    """pip 26 vendors platformdirs whose ``MacOS`` class mixes in ``XDGMixin``: ``user_data_dir`` is
    ``$XDG_DATA_HOME/pip`` when that variable is absolute (the isdir rule still applies)."""
    data = tmp_path / "data"
    (data / "pip").mkdir(parents=True)
    assert macos(tmp_path, XDG_DATA_HOME=str(data)).pip_conf() == data / "pip" / "pip.conf"


def test_pip_on_linux_follows_xdg_config_home(tmp_path):
    p = linux(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    assert p.pip_files() == [p.home / ".pip" / "pip.conf", tmp_path / "cfg" / "pip" / "pip.conf"]


@pytest.mark.parametrize("make", [linux, macos, windows])
def test_pip_config_file_is_written_when_set_and_an_existing_one_hides_the_user_files(tmp_path, make):
    """pip ``configuration.py`` ``iter_config_files``: user files load only if ``PIP_CONFIG_FILE`` does not
    name an existing file; ``_get_parser_to_modify`` writes to ``PIP_CONFIG_FILE`` when it is set."""
    override = tmp_path / "ci-pip.conf"
    p = make(tmp_path, PIP_CONFIG_FILE=str(override))
    assert p.pip_conf() == override
    assert p.pip_files()[-1] == override and len(p.pip_files()) == 3
    override.write_text("[global]\n")
    assert p.pip_files() == [override]


@pytest.mark.parametrize(("make", "null"), [(linux, "/dev/null"), (windows, "nul")])
def test_pip_config_file_set_to_the_null_device_is_not_a_file_to_write(tmp_path, make, null):
    p = make(tmp_path, PIP_CONFIG_FILE=null)
    assert p.pip_conf() == p.pip_user_conf()


# --- twine, netrc, gcloud, ar-wizard --------------------------------------------------------------

@pytest.mark.parametrize("make", [linux, macos, windows])
def test_pypirc_is_in_the_home_directory_on_every_os(tmp_path, make):
    """twine ``utils.py``: ``DEFAULT_CONFIG_FILE = "~/.pypirc"``, expanded by ``os.path.expanduser``
    (``%USERPROFILE%`` on Windows)."""
    p = make(tmp_path)
    assert p.pypirc() == p.home / ".pypirc"


def test_windows_home_is_userprofile_not_home(tmp_path):
    """Python's ``ntpath.expanduser`` and the ``home`` crate both read ``USERPROFILE`` on Windows."""
    p = windows(tmp_path, HOME=str(tmp_path / "msys-home"))
    assert p.home == tmp_path / "Users" / "alice"
    assert Platform("windows", {"HOMEDRIVE": "D:", "HOMEPATH": "\\Users\\bob"}).home == Path("D:\\Users\\bob")


def test_netrc_on_windows_keeps_a_users_existing_underscore_netrc(tmp_path):
    """uv-netrc ``get_file`` (Windows): ``NETRC``, then ``%USERPROFILE%\\.netrc``, then ``_netrc``, the first
    that exists; requests ``get_netrc_auth`` tries ``~/.netrc`` then ``~/_netrc`` too. A new file is
    ``.netrc``, which both read first."""
    p = windows(tmp_path)
    assert p.netrc() == p.home / ".netrc"
    p.home.mkdir(parents=True)
    (p.home / "_netrc").write_text("machine a login b password c\n")
    assert p.netrc() == p.home / "_netrc"
    (p.home / ".netrc").write_text("")
    assert p.netrc() == p.home / ".netrc"


def test_underscore_netrc_is_not_read_by_uv_on_linux_or_macos(tmp_path):
    p = linux(tmp_path)
    p.home.mkdir(parents=True)
    (p.home / "_netrc").write_text("")
    assert p.netrc() == p.home / ".netrc"


@pytest.mark.parametrize("make", [linux, macos, windows])
def test_netrc_variable_names_the_file_on_every_os(tmp_path, make):
    assert make(tmp_path, NETRC=str(tmp_path / "n")).netrc() == tmp_path / "n"


def test_gcloud_credentials_are_in_appdata_on_windows_and_dot_config_elsewhere(tmp_path):
    """google-auth ``_cloud_sdk.get_config_path``: ``CLOUDSDK_CONFIG``; on Windows ``%APPDATA%\\gcloud``;
    else ``~/.config/gcloud`` — without ``XDG_CONFIG_HOME``."""
    win = windows(tmp_path)
    assert win.gcloud_adc_file() == win.appdata / "gcloud" / "application_default_credentials.json"
    lin = linux(tmp_path, XDG_CONFIG_HOME=str(tmp_path / "cfg"))
    assert lin.gcloud_adc_file() == lin.home / ".config" / "gcloud" / "application_default_credentials.json"


def test_ar_wizard_keeps_its_state_in_local_appdata_on_windows_and_xdg_state_elsewhere(tmp_path):
    win = windows(tmp_path)
    assert win.state_dir() == win.local_appdata / "ar-wizard"
    mac = macos(tmp_path)
    assert mac.state_dir() == mac.home / ".local" / "state" / "ar-wizard"
    assert linux(tmp_path, XDG_STATE_HOME=str(tmp_path / "s")).state_dir() == tmp_path / "s" / "ar-wizard"


def test_undo_may_restore_each_os_own_user_files(tmp_path):
    win = windows(tmp_path)
    assert {win.appdata / "uv" / "uv.toml", win.appdata / "pip" / "pip.ini", win.home / "pip" / "pip.ini",
            win.home / ".pypirc", win.home / ".netrc"} <= set(win.user_files())


def test_paths_are_shown_as_a_user_of_each_os_writes_them(tmp_path):
    win = windows(tmp_path)
    # (a Windows profile's paths built on this machine join with this machine's separator)
    assert win.shown(win.appdata / "uv" / "uv.toml") == str(Path("%APPDATA%", "uv", "uv.toml"))
    assert win.shown(win.home / ".netrc") == str(Path("%USERPROFILE%", ".netrc"))
    lin = linux(tmp_path)
    assert lin.shown(lin.home / ".netrc") == "~/.netrc"


def test_file_protection_is_worded_for_each_os():
    assert "0600" in Platform("linux").private_file()
    words = Platform("windows").private_file()
    assert "0600" not in words and "ACL" in words
    assert Platform("macos").applies_modes and not Platform("windows").applies_modes


def test_a_netrc_variable_starting_with_a_tilde_is_under_that_platforms_home(tmp_path):
    """uv-netrc ``get_file``: ``shellexpand::path::tilde`` on ``NETRC``; requests: ``os.path.expanduser``."""
    win = windows(tmp_path, NETRC="~\\_netrc-work")
    assert win.netrc() == win.home / "_netrc-work"
    lin = linux(tmp_path, NETRC="~/secrets/netrc")
    assert lin.netrc() == lin.home / "secrets" / "netrc"
