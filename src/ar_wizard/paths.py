"""Where each file lives, following the XDG rules uv and pip use on Linux and macOS."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    return Path(os.path.expanduser("~"))


def _xdg(var: str, default: str) -> Path:
    value = os.environ.get(var)
    return Path(value) if value and os.path.isabs(value) else home() / default


def config_home() -> Path:
    return _xdg("XDG_CONFIG_HOME", ".config")


def state_dir() -> Path:
    """ar-wizard's own state: backups, the journal and the lock."""
    return _xdg("XDG_STATE_HOME", ".local/state") / "ar-wizard"


def user_uv_toml() -> Path:
    return config_home() / "uv" / "uv.toml"


def project_uv_config(project_dir: Path) -> Path:
    """uv reads a project's ``uv.toml`` in preference to ``pyproject.toml``."""
    uv_toml = project_dir / "uv.toml"
    return uv_toml if uv_toml.exists() else project_dir / "pyproject.toml"


def pip_conf() -> Path:
    configured = os.environ.get("PIP_CONFIG_FILE")
    if configured and configured != os.devnull:
        return Path(configured)
    return config_home() / "pip" / "pip.conf"


def legacy_pip_conf() -> Path:
    """pip reads this too, after the XDG file, so its settings win."""
    return home() / ".pip" / "pip.conf"


def pypirc() -> Path:
    return home() / ".pypirc"


def netrc() -> Path:
    configured = os.environ.get("NETRC")
    return Path(configured) if configured else home() / ".netrc"


def shown(path: Path) -> str:
    """``path`` as a person would write it: ``~/.config/uv/uv.toml``."""
    text = str(path)
    root = str(home())
    if root not in ("", "/") and (text == root or text.startswith(root + os.sep)):
        return "~" + text[len(root):]
    return text
