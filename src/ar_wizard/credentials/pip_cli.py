"""The pip that will run for the user, and whether it can ask a keyring at all.

pip reads ``keyring-provider`` from pip 23.1 on; an older pip ignores the
setting, never asks the keyring, and gets a 401 (Ubuntu 22.04 ships pip 22.0.2).
"""

from __future__ import annotations

import os
from pathlib import Path

from .. import userpath
from .process import shown_version, version_of

KEYRING_PROVIDER = (23, 1)


def executable(project_dir: Path) -> str | None:
    """The project's own pip (its ``.venv``), else the first pip on the user's PATH."""
    venv = project_dir / ".venv"
    for candidate in (venv / "bin" / "pip", venv / "Scripts" / "pip.exe"):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return userpath.which("pip") or userpath.which("pip3")


def keyring_provider_problem(project_dir: Path) -> tuple[str, str] | None:
    """Why the pip that will run cannot ask the keyring, and the command that upgrades it; None when it can.

    No pip at all is not a problem here: pip.conf is written for whichever pip comes later."""
    pip = executable(project_dir)
    if pip is None:
        return None
    found = version_of(pip)
    if not found or found >= KEYRING_PROVIDER:
        return None
    return (
        f"pip {shown_version(found)} ({pip}) ignores keyring-provider, which arrived in pip 23.1, so it would "
        "never ask the keyring and would get 401",
        f"{pip} install --upgrade pip",
    )
