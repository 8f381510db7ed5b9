"""The journal: which change is in flight, which child it is waiting on, and the state lock.

Before a transaction's first write, ``$XDG_STATE_HOME/ar-wizard/journal``
names its backup set; every file and secret is recorded in that set's manifest
before it is written, and the journal goes once the set is complete or rolled
back. A journal found at the start of a command therefore names a change that
was cut short, which ``recovery`` rolls back. While a store command (``keyring
set``, ``uv auth login``) runs for the change, the journal also names that
child's PID, so recovery can stop it before putting the old secret back.

The journal is untrusted input like a manifest: anyone who can write the state
directory could write it. It is read strictly (the ID form ``backups`` makes,
one optional ``child PID START`` line, a few hundred bytes at most); anything
else is ``Damaged``, and recovery sets it aside (``set_aside``: renamed into
``damaged/``, never deleted) instead of acting on what it names. Every
command's start imports this module for ``needs_recovery``, so it imports
nothing heavier than paths.
"""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import UserError
from .fileio import TEMP_SUFFIX, fsync_dir, write_atomically

LOCK_TIMEOUT = 30
#: A journal is one ID line and one child line; anything longer was not written by ar-wizard.
MAX_BYTES = 256
#: Where damaged journals and backup sets are moved, for `undo --purge` to delete when the user says so.
DAMAGED = "damaged"


def journal_file(state: Path) -> Path:
    return state / "journal"


def damaged_dir(state: Path) -> Path:
    return state / DAMAGED


class Damaged(Exception):
    """The journal is not one ar-wizard wrote; ``str()`` says why, in words."""


@dataclass(frozen=True)
class Child:
    """A process the change started: its PID and, where the OS says, its start time (so a reused PID is not it)."""

    pid: int
    started: int


@dataclass(frozen=True)
class Entry:
    backup_id: str
    child: Child | None = None


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
    except PermissionError as err:
        if err.filename is None or Path(os.fsdecode(err.filename)) != state / "lock":
            raise
        # Nothing was attempted yet: a usage problem (exit 2), not a failed change.
        raise UserError(f"{paths.shown(state / 'lock')} cannot be made ({err.strerror}): make "
                        f"{paths.shown(state)} yours (or move it aside) and run again.") from None


def begin(state: Path, backup_id: str) -> None:
    _write(state, Entry(backup_id))


def record_child(state: Path, backup_id: str, child: Child | None) -> None:
    """Name the child the change is waiting on (``None``: it has ended)."""
    _write(state, Entry(backup_id, child))


def _write(state: Path, entry: Entry) -> None:
    text = entry.backup_id + "\n"
    if entry.child is not None:
        text += f"child {entry.child.pid} {entry.child.started}\n"
    write_atomically(journal_file(state), text.encode("ascii"), 0o600)


def end(state: Path) -> None:
    try:
        journal_file(state).unlink()
    except FileNotFoundError:
        return
    fsync_dir(state)


def read_entry(state: Path | None = None) -> Entry | None:
    """The change in flight, or None; ``Damaged`` when the journal is not one ar-wizard wrote."""
    import re

    from .backups import is_id

    state = state or paths.state_dir()
    path = journal_file(state)
    try:
        if path.is_symlink() or (path.exists() and not path.is_file()):
            raise Damaged("it is not a plain file")
        with open(path, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except FileNotFoundError:
        return None
    except OSError as err:
        raise Damaged(f"it cannot be read: {err.strerror}") from None
    if len(data) > MAX_BYTES:
        raise Damaged(f"it is longer than the {MAX_BYTES} bytes ar-wizard writes")
    try:
        lines = data.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise Damaged("it is not plain text") from None
    if lines[-1] != "" or len(lines) not in (2, 3):
        raise Damaged("it is not one backup ID and at most one child line")
    backup_id = lines[0]
    if not is_id(backup_id):
        raise Damaged(f"{backup_id!r} is not a backup ID" if backup_id else "it is blank")
    child = None
    if len(lines) == 3:
        match = re.fullmatch(r"child ([1-9]\d{0,9}) (\d{1,20})", lines[1])
        if not match:
            raise Damaged(f"{lines[1][:40]!r} is not a child line")
        child = Child(int(match[1]), int(match[2]))
    return Entry(backup_id, child)


def in_flight(state: Path | None = None) -> str | None:
    """The backup ID of the change in flight; None when there is none or the journal is damaged."""
    try:
        entry = read_entry(state)
    except Damaged:
        return None
    return entry.backup_id if entry else None


def set_aside(state: Path, path: Path) -> Path:
    """Move ``path`` (the journal or a backup set) into ``damaged/``, never deleting it; where it went."""
    aside = damaged_dir(state)
    try:
        aside.mkdir(mode=0o700, exist_ok=True)
        target = aside / f"{path.name}-{time.time_ns()}"
        os.rename(path, target)
    except OSError as err:
        raise UserError(
            f"{paths.shown(path)} is damaged and could not be moved aside ({err.strerror}): move it out of "
            f"{paths.shown(state)} yourself and run again."
        ) from None
    fsync_dir(state)
    return target
