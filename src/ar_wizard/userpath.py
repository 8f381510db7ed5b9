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
import sys
from pathlib import Path

from .paths import Platform, current

#: What Windows tries after a bare command name when ``PATHEXT`` is unset.
_DEFAULT_PATHEXT = ".COM;.EXE;.BAT;.CMD"


def scripts_dir_name(platform: Platform) -> str:
    """A virtual environment's executables: ``Scripts`` on Windows, ``bin`` elsewhere (``venv``, uv)."""
    return "Scripts" if platform.windows else "bin"


def own_scripts_dir(platform: Platform | None = None) -> Path | None:
    """The wizard's own environment's scripts directory, when it runs in one (uvx, uv run, a venv).

    Outside a virtual environment (``pip install --user``) the scripts
    directory is the user's own, such as ``~/.local/bin``, and stays."""
    if sys.prefix == sys.base_prefix:
        return None
    return Path(sys.prefix) / scripts_dir_name(platform or current())


def _path_variable(platform: Platform) -> str:
    # (Windows names it Path: Platform.var ignores case there, as Windows does)
    return platform.var("PATH") or ("" if platform.windows else os.defpath)


def path_separator(platform: Platform) -> str:
    return platform.pathsep


def user_path(platform: Platform | None = None) -> str:
    platform = platform or current()
    separator = path_separator(platform)
    entries = _path_variable(platform).split(separator)
    own = own_scripts_dir(platform)
    if own is None:
        return separator.join(entries)
    own = _resolved(own)
    return separator.join(e for e in entries if not e or _resolved(Path(e)) != own)


def path_entries(platform: Platform | None = None) -> list[str]:
    """The user's PATH as a list of directories."""
    platform = platform or current()
    return [e for e in user_path(platform).split(path_separator(platform)) if e]


def which(tool: str, platform: Platform | None = None, *, search: list[str] | None = None) -> str | None:
    """``tool`` as the user's shell would find it: the first match on the user's PATH (or in ``search``).

    On Windows a bare name is tried with each ``PATHEXT`` extension in turn, so ``gcloud``
    finds ``gcloud.cmd`` and ``uv`` finds ``uv.exe``, and a file needs no execute bit; on
    Linux and macOS it must be an executable file."""
    platform = platform or current()
    names = _candidates(tool, platform)
    for entry in search if search is not None else path_entries(platform):
        if not entry:
            continue
        for name in names:
            candidate = Path(entry) / name
            if candidate.is_file() and (platform.windows or os.access(candidate, os.X_OK)):
                return str(candidate)
    return None


def _candidates(tool: str, platform: Platform) -> list[str]:
    if not platform.windows:
        return [tool]
    extensions = [e for e in (platform.var("PATHEXT") or _DEFAULT_PATHEXT).split(";") if e]
    if any(tool.lower().endswith(e.lower()) for e in extensions):
        return [tool]
    return [tool + e.lower() for e in extensions]


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
