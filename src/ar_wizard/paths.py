"""Where each file lives on Linux, macOS and Windows: the one place that knows the platform.

A :class:`Platform` is a value (the OS and an environment), so a test on Linux
can ask where pip reads its user config on Windows with a given ``%APPDATA%``.
Every rule follows the tool's own source, cited in each method; the
module-level functions answer for the machine the wizard runs on.
"""

from __future__ import annotations

import os
import posixpath
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

OS = Literal["linux", "macos", "windows"]


def _running_os() -> OS:
    if sys.platform == "win32":
        return "windows"
    return "macos" if sys.platform == "darwin" else "linux"


@dataclass(frozen=True)
class Platform:
    """An OS and the environment its tools see (``os.environ`` for the running machine)."""

    os: OS
    env: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: How PATH separates its entries: the OS's own (``;`` on Windows) for a platform described as a value,
    #: ``os.pathsep`` for the running process, whose PATH is written in the convention of the host it runs on.
    pathsep: str = ""

    def __post_init__(self) -> None:
        if not self.pathsep:
            object.__setattr__(self, "pathsep", ";" if self.os == "windows" else ":")

    @classmethod
    def current(cls) -> Platform:
        return cls(_running_os(), os.environ, os.pathsep)

    @property
    def windows(self) -> bool:
        return self.os == "windows"

    def var(self, name: str) -> str | None:
        """An environment variable, or ``None`` when unset or blank (as every tool here treats blank).

        Windows' environment ignores case (``Path``, ``PSModulePath``), so a Windows profile does too."""
        value = self.env.get(name, "")
        if not value and self.windows:
            value = next((v for k, v in self.env.items() if k.upper() == name.upper()), "")
        return value.strip() or None

    # --- the user's directories -------------------------------------------------------------

    @property
    def home(self) -> Path:
        """``~``: ``%USERPROFILE%`` on Windows (Python's ``expanduser`` and the ``home`` crate uv uses), else ``$HOME``."""
        if self.windows:
            profile = self.var("USERPROFILE")
            if profile:
                return Path(profile)
            drive, rest = self.var("HOMEDRIVE"), self.var("HOMEPATH")
            if drive and rest:
                return Path(drive + rest)
        elif self.var("HOME"):
            return Path(self.env["HOME"])
        return Path(os.path.expanduser("~"))

    def _xdg(self, name: str, default: str) -> Path:
        """An XDG base directory: the variable when it is absolute (the spec ignores a relative one), else the default."""
        value = self.var(name)
        return Path(value) if value and posixpath.isabs(value) else self.home / default

    @property
    def appdata(self) -> Path:
        """Windows' roaming application data, ``%APPDATA%``.

        pip (platformdirs ``CSIDL_APPDATA``) and uv (etcetera's ``Windows`` strategy) read the
        known folder, which ``%APPDATA%`` names unless the user redirected one without the other."""
        value = self.var("APPDATA")
        return Path(value) if value else self.home / "AppData" / "Roaming"

    @property
    def local_appdata(self) -> Path:
        value = self.var("LOCALAPPDATA")
        return Path(value) if value else self.home / "AppData" / "Local"

    def config_home(self) -> Path:
        """``$XDG_CONFIG_HOME`` or ``~/.config`` (Linux and macOS)."""
        return self._xdg("XDG_CONFIG_HOME", ".config")

    # --- uv -----------------------------------------------------------------------------------

    def user_uv_toml(self) -> Path:
        """The user-level ``uv.toml`` uv reads.

        ``UV_CONFIG_FILE`` replaces every other file (uv ``crates/uv/src/lib.rs``: ``--config-file``
        is read instead of the discovered ones). Otherwise ``uv-dirs``' ``user_config_dir``:
        etcetera's base strategy, which is XDG on Linux *and* macOS and ``%APPDATA%`` on Windows,
        then ``uv/uv.toml`` (``uv-settings`` ``FilesystemOptions::user``)."""
        configured = self.var("UV_CONFIG_FILE")
        if configured:
            return Path(configured)
        base = self.appdata if self.windows else self.config_home()
        return base / "uv" / "uv.toml"

    def uv_credentials_dir(self) -> Path:
        """Where ``uv auth login`` keeps its plain-text store (``uv auth dir`` prints it).

        ``uv-auth`` ``TextCredentialStore::directory_path``: ``UV_CREDENTIALS_DIR``, else the
        ``credentials`` bucket of uv's state store (``uv-state`` ``StateStore::from_settings``): the
        legacy native directory when it exists (``~/Library/Application Support/uv`` on macOS,
        ``%APPDATA%\\uv\\data`` on Windows), else ``uv-dirs``' ``user_state_dir``
        (``$XDG_DATA_HOME/uv``, ``~/.local/share/uv``; ``%APPDATA%\\uv`` on Windows)."""
        configured = self.var("UV_CREDENTIALS_DIR")
        if configured:
            return Path(configured)
        if self.windows:
            legacy, modern = self.appdata / "uv" / "data", self.appdata / "uv"
        else:
            modern = self._xdg("XDG_DATA_HOME", ".local/share") / "uv"
            legacy = self.home / "Library" / "Application Support" / "uv" if self.os == "macos" else modern
        return (legacy if legacy.exists() else modern) / "credentials"

    def uv_tool_bin_dir(self) -> Path:
        """Where ``uv tool install`` links executables, on every OS (``uv-dirs`` ``user_executable_directory``):
        ``UV_TOOL_BIN_DIR``, ``$XDG_BIN_HOME``, ``$XDG_DATA_HOME/../bin``, else ``~/.local/bin``
        (``%USERPROFILE%\\.local\\bin`` on Windows)."""
        configured = self.var("UV_TOOL_BIN_DIR")
        if configured:
            return Path(configured)
        for name in ("XDG_BIN_HOME", "XDG_DATA_HOME"):
            value = self.var(name)
            if value and posixpath.isabs(value):
                return Path(value) if name == "XDG_BIN_HOME" else Path(value).parent / "bin"
        return self.home / ".local" / "bin"

    # --- pip ----------------------------------------------------------------------------------

    @property
    def pip_config_name(self) -> str:
        """pip ``configuration.py``: ``CONFIG_BASENAME = "pip.ini" if WINDOWS else "pip.conf"``."""
        return "pip.ini" if self.windows else "pip.conf"

    @property
    def devnull(self) -> str:
        return "nul" if self.windows else "/dev/null"

    def pip_user_conf(self) -> Path:
        """pip's own user file (``new_config_file`` in pip's ``configuration.py``), by ``appdirs.user_config_dir("pip")``.

        - Windows: platformdirs' ``user_config_dir`` with ``roaming=True``: ``%APPDATA%\\pip``.
        - macOS (pip ``utils/appdirs.py`` ``_macos_user_config_dir``): platformdirs' ``user_data_dir``,
          ``~/Library/Application Support/pip`` (``$XDG_DATA_HOME/pip`` in pip 26's platformdirs),
          *if that directory exists*; else ``~/.config/pip``, which ignores ``$XDG_CONFIG_HOME``.
        - Linux: ``$XDG_CONFIG_HOME/pip`` (absolute only) or ``~/.config/pip``."""
        if self.windows:
            directory = self.appdata / "pip"
        elif self.os == "macos":
            data = self.var("XDG_DATA_HOME")
            support = Path(data) / "pip" if data and posixpath.isabs(data) else (
                self.home / "Library" / "Application Support" / "pip")
            directory = support if support.is_dir() else self.home / ".config" / "pip"
        else:
            directory = self.config_home() / "pip"
        return directory / self.pip_config_name

    def legacy_pip_conf(self) -> Path:
        """pip ``configuration.py`` ``legacy_config_file``: ``~/.pip/pip.conf``, ``%USERPROFILE%\\pip\\pip.ini`` on Windows.

        pip reads it before :meth:`pip_user_conf`, so the newer file's settings win."""
        return self.home / ("pip" if self.windows else ".pip") / self.pip_config_name

    def pip_config_env(self) -> Path | None:
        """``PIP_CONFIG_FILE``, unless it is the null device (which turns every file off)."""
        configured = self.var("PIP_CONFIG_FILE")
        if configured is None or configured == self.devnull or configured == os.devnull:
            return None
        return Path(configured)

    def pip_files(self) -> list[Path]:
        """The files pip reads, in the order it reads them: a later file's setting wins.

        pip ``configuration.py`` ``iter_config_files``: the user files (legacy, then new) are skipped
        when ``PIP_CONFIG_FILE`` names a file that exists; that file comes last."""
        env_file = self.pip_config_env()
        user = [self.legacy_pip_conf(), self.pip_user_conf()]
        if env_file is not None and env_file.exists():
            return [env_file]
        return user + ([env_file] if env_file is not None else [])

    def pip_conf(self) -> Path:
        """The file ar-wizard writes pip's settings to: ``PIP_CONFIG_FILE`` when set (``pip config --user`` does the same), else pip's user file."""
        return self.pip_config_env() or self.pip_user_conf()

    # --- twine, netrc, gcloud -----------------------------------------------------------------

    def pypirc(self) -> Path:
        """twine ``settings.py``/``utils.py``: ``~/.pypirc`` (``os.path.expanduser``, so ``%USERPROFILE%`` on Windows)."""
        return self.home / ".pypirc"

    def netrc(self) -> Path:
        """The netrc file uv and pip both read.

        uv (``uv-netrc`` ``get_file``) and requests (``utils.get_netrc_auth``) take ``$NETRC``, else
        ``~/.netrc``, else ``~/_netrc`` (uv: on Windows only; curl and Git for Windows use that name).
        A user who keeps ``_netrc`` gets their file edited; a new one is ``.netrc``, which both read first."""
        configured = self.var("NETRC")
        if configured:
            # uv expands a leading ~ (shellexpand::tilde), as requests does (os.path.expanduser)
            return self.home / configured[1:].lstrip("/\\") if configured.startswith("~") else Path(configured)
        dotted = self.home / ".netrc"
        underscored = self.home / "_netrc"
        if self.windows and not dotted.exists() and underscored.exists():
            return underscored
        return dotted

    def gcloud_adc_file(self) -> Path:
        """Where ``gcloud auth application-default login`` writes, the place google-auth looks
        (``google/auth/_cloud_sdk.py`` ``get_config_path``: ``CLOUDSDK_CONFIG``, else ``%APPDATA%\\gcloud``
        on Windows, else ``~/.config/gcloud``, without ``XDG_CONFIG_HOME``)."""
        configured = self.var("CLOUDSDK_CONFIG")
        if configured:
            root = Path(configured)
        elif self.windows:
            root = self.appdata / "gcloud"
        else:
            root = self.home / ".config" / "gcloud"
        return root / "application_default_credentials.json"

    # --- Poetry, PDM, Hatch ---------------------------------------------------------------------

    def _platformdirs_config(self, app: str, *, roaming: bool, author: bool) -> Path:
        """platformdirs' ``user_config_path(app, …)`` (4.x): ``$XDG_CONFIG_HOME/APP`` (absolute only) or
        ``~/.config/APP`` on Linux; on macOS the same variable, else ``~/Library/Application Support/APP``
        (``platformdirs/macos.py`` ``MacOS(XDGMixin, …)``); on Windows ``%APPDATA%`` when ``roaming`` else
        ``%LOCALAPPDATA%``, then ``APP\\APP`` unless ``appauthor=False`` (``windows.py`` ``_append_parts``)."""
        if self.windows:
            base = self.appdata if roaming else self.local_appdata
            return base / app / app if author else base / app
        xdg = self.var("XDG_CONFIG_HOME")
        if xdg and posixpath.isabs(xdg):
            return Path(xdg) / app
        if self.os == "macos":
            return self.home / "Library" / "Application Support" / app
        return self.home / ".config" / app

    def poetry_config_dir(self) -> Path:
        """Poetry's config directory (``poetry/locations.py`` ``CONFIG_DIR``): ``POETRY_CONFIG_DIR``, else
        ``user_config_path("pypoetry", appauthor=False, roaming=True)``."""
        configured = self.var("POETRY_CONFIG_DIR")
        if configured:
            return Path(configured)
        return self._platformdirs_config("pypoetry", roaming=True, author=False)

    def poetry_config_toml(self) -> Path:
        """Where ``poetry config repositories.NAME URL`` writes (``poetry/config/config.py`` ``Config.create``)."""
        return self.poetry_config_dir() / "config.toml"

    def poetry_auth_toml(self) -> Path:
        """Where ``poetry config http-basic.NAME`` keeps credentials when no keyring is usable
        (``Config.create``: ``CONFIG_DIR / "auth.toml"``; ``PasswordManager.set_http_password``)."""
        return self.poetry_config_dir() / "auth.toml"

    def pdm_config_toml(self) -> Path:
        """PDM's global config (``pdm/core.py``: ``PDM_CONFIG_FILE``; ``pdm/project/core.py`` ``Project.__init__``:
        ``platformdirs.user_config_path("pdm") / "config.toml"``, so ``%LOCALAPPDATA%\\pdm\\pdm`` on Windows)."""
        configured = self.var("PDM_CONFIG_FILE")
        if configured:
            return Path(configured)
        return self._platformdirs_config("pdm", roaming=False, author=True) / "config.toml"

    def hatch_config_toml(self) -> Path:
        """Hatch's config (``hatch/config/user.py`` ``ConfigFile.get_default_location``: ``HATCH_CONFIG``, else
        ``user_config_dir("hatch", appauthor=False) / "config.toml"``)."""
        configured = self.var("HATCH_CONFIG")
        if configured:
            return Path(configured)
        return self._platformdirs_config("hatch", roaming=False, author=False) / "config.toml"

    # --- ar-wizard's own ----------------------------------------------------------------------

    def state_dir(self) -> Path:
        """ar-wizard's own state: backups (which hold old secrets), the journal and the lock.

        ``%LOCALAPPDATA%\\ar-wizard`` on Windows: local, so old secrets never roam to other
        machines with the profile. XDG on Linux and macOS (``$XDG_STATE_HOME``, ``~/.local/state``),
        as uv prefers XDG on macOS too."""
        if self.windows:
            return self.local_appdata / "ar-wizard"
        return self._xdg("XDG_STATE_HOME", ".local/state") / "ar-wizard"

    def user_files(self) -> tuple[Path, ...]:
        """Every user-level file ar-wizard may write on this platform (undo restores only these and project files)."""
        return (self.user_uv_toml(), self.pip_conf(), self.pip_user_conf(), self.legacy_pip_conf(),
                self.pypirc(), self.netrc(), self.poetry_config_toml(), self.poetry_auth_toml(),
                self.pdm_config_toml(), self.hatch_config_toml())

    # --- how a file is protected ----------------------------------------------------------------

    @property
    def applies_modes(self) -> bool:
        """POSIX modes protect a file on Linux and macOS; on Windows the folder's ACL does, and ``chmod`` sets only read-only."""
        return not self.windows

    def private_file(self) -> str:
        """How a file holding a secret is kept from other users, in words true for this OS."""
        if self.windows:
            return "readable by your account only through your user profile's permissions (its ACL)"
        return "readable by you only (mode 0600)"

    def shown(self, path: Path) -> str:
        """``path`` as a person would write it: ``~/.config/uv/uv.toml``, ``%APPDATA%\\uv\\uv.toml``."""
        text = str(path)
        roots = [("%APPDATA%", str(self.appdata)), ("%LOCALAPPDATA%", str(self.local_appdata))] if self.windows else []
        roots.append(("%USERPROFILE%" if self.windows else "~", str(self.home)))
        for name, root in roots:
            for sep in {os.sep, "\\", "/"}:
                if root not in ("", "/", "\\") and (text == root or text.startswith(root + sep)):
                    return name + text[len(root):]
        return text


def current() -> Platform:
    return Platform.current()


# The running machine's answers, for callers that do not take a platform.

def home() -> Path:
    return current().home


def config_home() -> Path:
    return current().config_home()


def state_dir() -> Path:
    return current().state_dir()


def user_uv_toml() -> Path:
    return current().user_uv_toml()


def project_uv_config(project_dir: Path) -> Path:
    """uv reads a project's ``uv.toml`` in preference to ``pyproject.toml`` (``FilesystemOptions::from_directory``)."""
    uv_toml = project_dir / "uv.toml"
    return uv_toml if uv_toml.exists() else project_dir / "pyproject.toml"


def pip_conf() -> Path:
    return current().pip_conf()


def pip_user_conf() -> Path:
    return current().pip_user_conf()


def pip_files() -> list[Path]:
    return current().pip_files()


def legacy_pip_conf() -> Path:
    return current().legacy_pip_conf()


def pypirc() -> Path:
    return current().pypirc()


def netrc() -> Path:
    return current().netrc()


def shown(path: Path) -> str:
    return current().shown(path)


def poetry_config_toml() -> Path:
    return current().poetry_config_toml()


def poetry_auth_toml() -> Path:
    return current().poetry_auth_toml()


def pdm_config_toml() -> Path:
    return current().pdm_config_toml()


def hatch_config_toml() -> Path:
    return current().hatch_config_toml()
