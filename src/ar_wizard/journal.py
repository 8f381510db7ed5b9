"""The journal: which change is in flight, and recovery from one a kill interrupted.

Before a transaction's first write, ``$XDG_STATE_HOME/ar-wizard/journal``
names its backup set; every file and secret is recorded in that set's manifest
before it is written, and the journal goes once the set is complete or rolled
back. A journal found at the start of a command therefore names a change that
was cut short: it is rolled back in reverse (files byte for byte, secrets to
their old values), the temp files its writes may have left are removed, and
the user is told in one sentence. All of it runs under the state lock, so a
change another ar-wizard is making right now is never mistaken for one.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from . import backups, paths
from .errors import UserError
from .fileio import TEMP_SUFFIX, fsync_dir, read, remove_stray_temps, write_atomically
from .model import Secret, sha256
from .paths import shown
from .stores import put_secret, store_module

LOCK_TIMEOUT = 30
_NOTHING_WRITTEN = "An earlier ar-wizard change was interrupted before it wrote anything; its temp files were removed."


def _journal(state: Path) -> Path:
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
    write_atomically(_journal(state), backup_id.encode() + b"\n", 0o600)


def end(state: Path) -> None:
    try:
        _journal(state).unlink()
    except FileNotFoundError:
        return
    fsync_dir(state)


def in_flight(state: Path | None = None) -> str | None:
    state = state or paths.state_dir()
    try:
        data = read(_journal(state))
    except OSError:
        return None
    return data.decode("ascii", "replace").strip() if data else None


def recover() -> str | None:
    """Roll back what a killed ar-wizard left half-done; the sentence to tell the user, or None."""
    state = paths.state_dir()
    if not needs_recovery(state):
        return None
    with locked(state):
        return recover_locked(state)


def recover_locked(state: Path) -> str | None:
    temps = remove_stray_temps(_journal(state))
    backup_id = in_flight(state)
    if backup_id is None:
        return _NOTHING_WRITTEN if temps else None
    directory = backups.root() / backup_id
    if not (directory / "manifest.json").exists():
        # Killed before the set's first manifest was whole: nothing was written yet.
        if directory.is_dir() and not directory.is_symlink():
            backups.BackupSet(directory, {}).discard()
        end(state)
        return _NOTHING_WRITTEN
    try:
        backup = backups.BackupSet.load(backup_id)
    except UserError as err:
        raise UserError(
            f"An interrupted ar-wizard change cannot be rolled back ({str(err).rstrip('.')}); once the files "
            f"are as you want them, delete {_journal(state)} to go on."
        ) from None
    if backup.status != "pending":
        end(state)  # killed after the set was whole, before the journal went
        return None

    put_back, secrets, edited, failed, swept = roll_back(backup)
    temps += swept
    if failed:
        raise UserError(
            f"ar-wizard was interrupted during {backup.manifest['label']!r} and {', '.join(failed)} could not be "
            f"put back yet: fix that and run ar-wizard again, which retries (`ar-wizard undo --list` shows the set)."
        )
    backup.save(status="rolled-back")
    end(state)
    if not edited:
        backup.discard()
    done = [f"put back {_join(put_back)}"] if put_back else []
    if secrets:
        done.append(f"restored {secrets} secret{'s' if secrets != 1 else ''}")
    if temps:
        done.append(f"removed {temps} temp file{'s' if temps != 1 else ''}")
    if edited:
        done.append(f"left {_join(edited)} as edited since then (the copies from before are in {backup.dir})")
    what = "; ".join(done) if done else "nothing had been written yet"
    return f"An earlier ar-wizard {backup.manifest['label']!r} was interrupted and has been rolled back: {what}."


def roll_back(backup) -> tuple[list[str], int, list[str], list[str], int]:
    """Undo a pending set in reverse: secrets (written last) first, then files, newest first."""
    put_back, edited, failed = [], [], []
    secrets = temps = 0
    for entry in reversed(backup.secret_entries()):
        old = Secret(backup.read_copy(entry.copy).decode()) if entry.copy else None
        try:
            put_secret(store_module(entry.store), entry.service, entry.username, old)
            secrets += 1
        except (UserError, OSError) as err:
            why = str(err).split(": ")[0] if isinstance(err, UserError) else err.strerror
            failed.append(f"the secret for {entry.service} ({why})")
    for entry in reversed(backup.file_entries()):
        temps += remove_stray_temps(entry.path)
        try:
            current = read(entry.path)
            if sha256(current) == entry.before_sha256:
                continue
            if sha256(current) != entry.after_sha256:
                edited.append(shown(entry.shown))
                continue
            original = backup.read_copy(entry.copy) if entry.copy else None
            write_atomically(entry.path, original, entry.mode if entry.mode is not None else entry.new_mode)
            put_back.append(shown(entry.shown))
        except OSError as err:
            failed.append(f"{shown(entry.shown)} ({err.strerror})")
    for leftover in backup.dir.glob("*" + TEMP_SUFFIX):
        leftover.unlink(missing_ok=True)
        temps += 1
    return put_back, secrets, edited, failed, temps


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
