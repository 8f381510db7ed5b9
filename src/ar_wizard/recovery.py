"""Recovery: rolling back a change a kill cut short, at the start of the next command.

The journal (``journal.py``) names the change; its backup set's manifest lists
every file and secret recorded before it was written. A store command the
change was waiting on is let finish or stopped first (its PID is in the
journal), so it cannot write its secret after the old one is back. Then they
are put back in reverse (files byte for byte, decided from each file's bytes,
so recovery can itself be cut short and run again; secrets to their old
values, each read back), the temp files the writes may have left are removed,
and the user is told in one sentence. All of it runs under the state lock, so
a change another ar-wizard is making right now is never mistaken for one.

Neither the journal nor the set is trusted: a journal that is not one
ar-wizard wrote, or a set that cannot be read whole, is set aside (moved into
``damaged/``, never deleted, for ``undo --purge``) with one sentence, and the
command goes on.
"""

from __future__ import annotations

import os
from pathlib import Path

from . import backups, journal, paths
from .credentials import process
from .errors import UserError
from .fileio import TEMP_SUFFIX, read, real_name, remove_stray_temps, write_atomically
from .model import sha256
from .paths import shown
from .stores import put_secret, store_module

_NOTHING_WRITTEN = "An earlier ar-wizard change was interrupted before it wrote anything; its temp files were removed."
_PURGE = "`ar-wizard undo --purge` deletes it"


def recover() -> str | None:
    """Roll back what a killed ar-wizard left half-done; the sentence to tell the user, or None."""
    state = paths.state_dir()
    if not journal.needs_recovery(state):
        return None
    with journal.locked(state):
        return recover_locked(state)


def recover_locked(state: Path) -> str | None:
    temps = remove_stray_temps(journal.journal_file(state))
    _sweep_state_temps(state)
    try:
        entry = journal.read_entry(state)
    except journal.Damaged as why:
        aside = journal.set_aside(state, journal.journal_file(state))
        return (f"ar-wizard's journal was not one it wrote ({why}), so nothing was rolled back: it was moved to "
                f"{shown(aside)} ({_PURGE}).")
    if entry is None:
        return _NOTHING_WRITTEN if temps else None
    if entry.child is not None:
        process.stop(entry.child.pid, entry.child.started)
    directory = backups.root() / entry.backup_id
    if not (directory / "manifest.json").exists():
        # Killed before the set's first manifest was whole: nothing was written yet.
        _drop_unstarted(state, directory)
        journal.end(state)
        return _NOTHING_WRITTEN
    try:
        backup = backups.BackupSet.load(entry.backup_id)
        if backup.status == "pending":
            backup.check_copies()
    except UserError as err:
        return _set_aside(state, directory, str(err))
    if backup.status != "pending":
        journal.end(state)  # killed after the set was whole, before the journal went
        return None

    with process.watching(lambda pid: journal.record_child(state, backup.id, _child(pid))):
        put_back, secrets, edited, failed, swept = roll_back(backup)
    temps += swept
    if failed:
        raise UserError(
            f"ar-wizard was interrupted during {backup.manifest['label']!r} and {', '.join(failed)} could not be "
            f"put back yet: fix that and run ar-wizard again, which retries (`ar-wizard undo --list` shows the set)."
        )
    backup.save(status="rolled-back")
    journal.end(state)
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


def _sweep_state_temps(state: Path) -> None:
    """The temp files a kill left beside the state dir's own records (index names, expiry): none is the user's."""
    try:
        names = os.listdir(state)
    except OSError:
        return
    for name in names:
        real = real_name(name)
        if real is not None and name.endswith(TEMP_SUFFIX) and real not in (name, "journal"):
            remove_stray_temps(state / real)


def _child(pid: int | None) -> journal.Child | None:
    return None if pid is None else journal.Child(pid, process.started(pid))


def _drop_unstarted(state: Path, directory: Path) -> None:
    """A set with no manifest yet holds at most a temp file: remove that; anything else is set aside."""
    if directory.is_symlink() or not directory.is_dir():
        return
    for leftover in directory.glob("*" + TEMP_SUFFIX):
        leftover.unlink(missing_ok=True)
    try:
        directory.rmdir()
    except OSError:
        journal.set_aside(state, directory)


def _set_aside(state: Path, directory: Path, why: str) -> str:
    """The journal names a set that cannot be used: move it aside, end the journal, say so."""
    aside = journal.set_aside(state, directory) if directory.is_dir() and not directory.is_symlink() else None
    journal.end(state)
    where = f"it was moved to {shown(aside)} ({_PURGE})" if aside else "there was no set to keep"
    return (f"An interrupted ar-wizard change could not be rolled back ({why.rstrip('.')}), so its files and "
            f"secrets were left as they are: {where}.")


def roll_back(backup) -> tuple[list[str], int, list[str], list[str], int]:
    """Undo a pending set in reverse: secrets (written last) first, then files, newest first.

    Each secret is read back after it is put back, so "restored" is said only when the store holds
    the old value (or none, where there was none)."""
    put_back, edited, failed = [], [], []
    secrets = temps = 0
    for entry in reversed(backup.secret_entries()):
        old = backup.read_secret(entry.copy)
        store = store_module(entry.store)
        try:
            put_secret(store, entry.service, entry.username, old)
            if store.read(entry.service, entry.username) != old:
                raise UserError("the store gave back another value: the store command may still be running")
            secrets += 1
        except (UserError, OSError) as err:
            why = str(err).split(": ")[0] if isinstance(err, UserError) else err.strerror
            failed.append(f"the secret for {entry.service} ({why})")
    for entry in reversed(backup.file_entries()):
        temps += remove_stray_temps(entry.path)
        try:
            if Path(os.path.realpath(entry.shown)) != entry.path:
                failed.append(f"{shown(entry.shown)} (it no longer leads to {entry.path})")
                continue
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
