"""The PATH the user's shell gives uv and pip: the current PATH without the wizard's own environment.

``uvx ar-wizard`` and ``uv run ar-wizard`` put the wizard's environment's
scripts directory first on PATH. That directory holds a ``keyring`` (twine and
the wizard's own dependencies bring one) and may hold a ``uv`` or ``pip`` the
user's shell never runs: a secret written with that keyring is one uv never
finds, and a plugin check there says nothing about the user's keyring. So every
tool the wizard runs or checks is looked up on this PATH, and runs with it.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path


def own_scripts_dir() -> Path | None:
    """The wizard's own environment's scripts directory, when it runs in one (uvx, uv run, a venv).

    Outside a virtual environment (``pip install --user``) the scripts
    directory is the user's own, such as ``~/.local/bin``, and stays."""
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / ("Scripts" if os.name == "nt" else "bin")


def user_path() -> str:
    own = own_scripts_dir()
    entries = os.environ.get("PATH", os.defpath).split(os.pathsep)
    if own is None:
        return os.pathsep.join(entries)
    own = _resolved(own)
    return os.pathsep.join(e for e in entries if not e or _resolved(Path(e)) != own)


def which(tool: str) -> str | None:
    """``tool`` as the user's shell would find it."""
    return shutil.which(tool, path=user_path())


# Variables the wizard read a secret from (``--token-env VAR``): no tool it runs needs them,
# and a child that logs its environment would show them.
_withheld: set[str] = set()


def withhold(var: str) -> None:
    """Keep ``var`` out of every child environment from now on."""
    _withheld.add(var)


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for a tool the wizard runs: the user's PATH, and not the wizard's venv as the active one."""
    env = dict(os.environ)
    env["PATH"] = user_path()
    active = env.get("VIRTUAL_ENV")
    if active and _resolved(Path(active)) == _resolved(Path(sys.prefix)):
        del env["VIRTUAL_ENV"]  # `uv run` sets it; a child uv would otherwise act on the wizard's venv
    for var in _withheld:
        env.pop(var, None)
    env.update(extra or {})
    return env


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:
        return path
