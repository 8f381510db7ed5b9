"""Recovery: rolling back a change a kill cut short, at the start of the next command.

The journal (``journal.py``) names the change; its backup set's manifest lists
every file and secret recorded before it was written. They are put back in
reverse (files byte for byte, decided from each file's bytes, so recovery can
itself be cut short and run again; secrets to their old values), the temp
files the writes may have left are removed, and the user is told in one
sentence. All of it runs under the state lock, so a change another ar-wizard
is making right now is never mistaken for one.
"""

from __future__ import annotations

from pathlib import Path

from . import backups, journal, paths
from .errors import UserError
from .fileio import TEMP_SUFFIX, read, remove_stray_temps, write_atomically
from .model import Secret, sha256
from .paths import shown
from .stores import put_secret, store_module

_NOTHING_WRITTEN = "An earlier ar-wizard change was interrupted before it wrote anything; its temp files were removed."


def recover() -> str | None:
    """Roll back what a killed ar-wizard left half-done; the sentence to tell the user, or None."""
    state = paths.state_dir()
    if not journal.needs_recovery(state):
        return None
    with journal.locked(state):
        return recover_locked(state)


def recover_locked(state: Path) -> str | None:
    temps = remove_stray_temps(journal.journal_file(state))
    backup_id = journal.in_flight(state)
    if backup_id is None:
        return _NOTHING_WRITTEN if temps else None
    directory = backups.root() / backup_id
    if not (directory / "manifest.json").exists():
        # Killed before the set's first manifest was whole: nothing was written yet.
        if directory.is_dir() and not directory.is_symlink():
            backups.BackupSet(directory, {}).discard()
        journal.end(state)
        return _NOTHING_WRITTEN
    try:
        backup = backups.BackupSet.load(backup_id)
    except UserError as err:
        raise UserError(
            f"An interrupted ar-wizard change cannot be rolled back ({str(err).rstrip('.')}); once the files "
            f"are as you want them, delete {journal.journal_file(state)} to go on."
        ) from None
    if backup.status != "pending":
        journal.end(state)  # killed after the set was whole, before the journal went
        return None

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
