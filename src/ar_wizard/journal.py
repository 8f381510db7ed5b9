"""The journal: which change is in flight, and the state lock.

Before a transaction's first write, ``$XDG_STATE_HOME/ar-wizard/journal``
names its backup set; every file and secret is recorded in that set's manifest
before it is written, and the journal goes once the set is complete or rolled
back. A journal found at the start of a command therefore names a change that
was cut short, which ``recovery`` rolls back. Every command's start imports
this module for ``needs_recovery``, so it imports nothing heavier than paths.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from . import paths
from .errors import UserError
from .fileio import TEMP_SUFFIX, fsync_dir, read, write_atomically

LOCK_TIMEOUT = 30


def journal_file(state: Path) -> Path:
    return state / "journal"


def needs_recovery(state: Path | None = None) -> bool:
    """Cheap enough for every start: one directory listing of the state dir."""
    state = state or paths.state_dir()
    try:
        names = os.listdir(state)
    except OSError:
        return False  # no state yet (or none we can read): nothing was ever in flight
    return "journal" in names or any(n.endswith(TEMP_SUFFIX) for n in names)


@contextmanager
def locked(state: Path):
    """The state lock every writer holds; a killed holder releases it with its process."""
    from filelock import FileLock, Timeout  # ~5 ms; only writers and recovery need it

    try:
        with FileLock(str(state / "lock"), timeout=LOCK_TIMEOUT):
            yield
    except Timeout:
        raise UserError(f"Another ar-wizard is writing (lock {state / 'lock'}): wait for it and run again.") from None


def begin(state: Path, backup_id: str) -> None:
    write_atomically(journal_file(state), backup_id.encode() + b"\n", 0o600)


def end(state: Path) -> None:
    try:
        journal_file(state).unlink()
    except FileNotFoundError:
        return
    fsync_dir(state)


def in_flight(state: Path | None = None) -> str | None:
    state = state or paths.state_dir()
    try:
        data = read(journal_file(state))
    except OSError:
        return None
    return data.decode("ascii", "replace").strip() if data else None
