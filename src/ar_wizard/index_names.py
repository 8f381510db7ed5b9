"""The name each index was set up under, for the tools whose files keep no name.

uv's config names an index and ``.pypirc`` names a repository, but ``pip.conf`` holds only a URL:
an index set up for pip alone (``--targets pip --index acme``) would come back as its host name.
``$XDG_STATE_HOME/ar-wizard/index-names.json`` maps each URL setup wrote to the name it was given,
so setup, rotate, doctor and the wizard all call it ``acme``. It holds no secret; a lost or
unreadable file only brings the host names back.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import paths
from .fileio import write_atomically
from .urls import without_userinfo


def _file() -> Path:
    return paths.state_dir() / "index-names.json"


def _key(url: str) -> str:
    return without_userinfo(url).rstrip("/")


def _load() -> dict:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def remember(url: str, name: str) -> None:
    data = _load()
    if data.get(_key(url)) == name:
        return
    data[_key(url)] = name
    write_atomically(_file(), (json.dumps(data, indent=2, sort_keys=True) + "\n").encode(), 0o600)


def name_for(url: str) -> str | None:
    """The name ``url`` was set up under, or None when ar-wizard did not set it up."""
    name = _load().get(_key(url))
    return name if isinstance(name, str) and name else None
