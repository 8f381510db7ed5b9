"""The transaction: every file and secret of a plan is written, or none is.

Under a lock, each file is re-checked against the bytes the preview showed,
its original is copied into a backup set, and the new bytes go to a temp file
beside the real (symlink-resolved) target, are fsynced, take the right mode and
replace the target with ``os.replace``. Secrets are handed to their stores
after their old values are saved, and read back. Any failure puts back
everything already done, in reverse order. The journal (``journal.py``) names
the change in flight, so one a kill cuts short is rolled back at the next
start. ``undo`` replays a backup set the same way, as a change of its own.
"""

from __future__ import annotations

import os
import signal
import stat
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

from . import backups, journal, paths, recovery
from .backups import BackupInfo
from .credentials import process
from .errors import ApplyFailed, UserError
from .fileio import TEMP_SUFFIX, crash_point, read, write_atomically
from .model import FileChange, Plan, Secret, SecretWrite, mask, sha256
from .paths import shown
from .stores import put_secret, store_module

__all__ = ["ApplyResult", "BackupInfo", "UndoPlan", "apply", "list_backups", "plan_undo", "run_transaction", "undo",
           "write_atomically"]


@dataclass
class ApplyResult:
    backup_id: str | None
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # files that did not exist before the change undone
    secrets_removed: list[str] = field(default_factory=list)
    recovered: str | None = None  # the sentence about an interrupted change rolled back first


def apply(plan: Plan, *, label: str = "setup") -> ApplyResult:
    result = run_transaction(plan.changes, plan.secret_writes, label=label)
    _note_expiry(plan)
    _note_name(plan)
    return result


def _note_name(plan: Plan) -> None:
    """Remember the name a setup gave its index, for pip.conf, which keeps none (one name everywhere)."""
    draft = plan.draft
    if draft.mode not in ("setup", "join") or not draft.index_name:
        return
    from . import index_names
    from .plan import resolve

    try:
        index_names.remember(resolve(draft, need_secret=False).simple_url, draft.index_name)
    except OSError:
        pass  # only the name is lost: the index is found by its host name instead


def _note_expiry(plan: Plan) -> None:
    """Remember when a minted token stops working; a typed one's expiry is unknown."""
    draft = plan.draft
    if not draft.stores_secret or draft.secret is None:
        return
    from . import expiry
    from .plan import resolve

    url = resolve(draft).simple_url
    if draft.minted is not None and draft.minted.secret == draft.secret:
        expiry.record(url, draft, draft.minted)
    else:
        expiry.forget(url)


def run_transaction(
    changes: list[FileChange], secret_writes: list[SecretWrite], *, label: str, undoes: str | None = None
) -> ApplyResult:
    state = _state_dir()
    with journal.locked(state), _interrupts_deferred():
        recovered = recovery.recover_locked(state)
        result = _run_locked(state, changes, secret_writes, label, undoes)
        result.recovered = recovered
        return result


def _state_dir() -> Path:
    state = paths.state_dir()
    try:
        state.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as err:
        raise UserError(
            f"ar-wizard keeps its backups in {shown(state)}, which cannot be made ({err.strerror}): {_advice(err)}."
        ) from None
    if not state.is_dir():
        raise UserError(f"ar-wizard keeps its backups in {shown(state)}, which is not a directory: move it aside and run again.")
    if not os.access(state, os.W_OK | os.X_OK):
        # Refused here, before the lock is taken, so that nothing is attempted (exit 2, not 3).
        raise UserError(f"ar-wizard keeps its backups in {shown(state)}, which you cannot write: make it yours "
                        "(or move it aside) and run again.")
    return state


def _run_locked(state: Path, changes, secret_writes, label, undoes) -> ApplyResult:
    result = ApplyResult(backup_id=None)
    pending = []
    for change in changes:
        real = Path(os.path.realpath(change.path))
        current = _read_current(change.path, real)
        if sha256(current) != sha256(change.before):
            raise ApplyFailed(
                f"{shown(change.path)} changed since the preview, so nothing was written: run ar-wizard "
                "again to see a plan that includes the new content.",
                in_wizard=f"{shown(change.path)} changed since the preview, so nothing was written: Back to "
                "Preview plans again with its new content.",
            )
        if change.after == current:
            result.unchanged.append(change.path)
        else:
            pending.append((change, real, current))
    if not pending and not secret_writes:
        return result
    # Every output is checked before the first write, so a refusal leaves nothing changed.
    for change, real, _current in pending:
        _check_writable(change.path, real)
    _check_writable(state / "backups" / "x", state / "backups" / "x")
    for write in secret_writes:
        if write.secret is not None:
            check_secret_fits(write.store, write.secret)

    backup_id = backups.new_id()
    journal.begin(state, backup_id)  # first: a kill from here on is found and rolled back
    try:
        backup = backups.BackupSet.create(backup_id, label, undoes=undoes)
        backup.save()
    except OSError as err:
        backups.remove(backup_id)
        journal.end(state)
        raise UserError(
            f"Could not make a backup in {shown(state / 'backups')} ({err.strerror}): {_advice(err)}."
        ) from None
    result.backup_id = backup.id
    # What was done so far, newest last: each with how to put it back and how to name it.
    undo_steps: list[tuple[str, object]] = []
    def watched():
        return process.watching(lambda pid: journal.record_child(state, backup_id, _child(pid)))

    try:
        with watched():
            for change, real, current in pending:
                mode = _mode_for(change, real, current)
                with _naming(backup.dir):
                    backup.add_file(change.path, real, current, change.after, mode, holds_secret=change.holds_secret)
                    backup.save()
                with _naming(change.path):
                    write_atomically(real, change.after, mode)
                restore_mode = backup.manifest["files"][-1]["mode"] or mode
                undo_steps.append((shown(change.path),
                                   lambda real=real, current=current, m=restore_mode: write_atomically(real, current, m)))
                (result.removed if change.after is None else result.written).append(change.path)
            for write in secret_writes:
                store = store_module(write.store)
                old = store.read(write.service, write.username)
                backup.add_secret(write, old)
                backup.save()
                undo_steps.append((f"the secret for {write.service}",
                                   lambda store=store, w=write, old=old: _put_back_secret(store, w, old)))
                put_secret(store, write.service, write.username, write.secret)
                crash_point(f"the secret for {write.service} put in {write.store}")
                _check_read_back(store, write)
                if write.secret is not None:
                    result.secrets.append(write.summary)
                else:
                    where = "uv's credential store" if write.store == "uv" else "the keyring"
                    result.secrets_removed.append(f"the secret for {write.service} ({write.username}) from {where}")
    except BaseException as err:
        with watched():
            failed = _roll_back(undo_steps)
        if failed:
            # The journal stays: the next command finishes the roll-back from the set (recovery.py).
            left = "; ".join(f"{what} could not be put back yet ({why})" for what, why in failed)
            rest = [what for what, _ in undo_steps if what not in dict(failed)]
            back = f"; {_join_names(rest)} {'is' if len(rest) == 1 else 'are'} as before" if rest else ""
            raise ApplyFailed(
                f"Writing failed ({_describe(err)}): {left}{back}. The next ar-wizard command finishes putting "
                f"them back once that is fixed (`ar-wizard undo --list` shows the set {backup.id})."
            ) from None
        try:
            backup.save(status="rolled-back")
            journal.end(state)
            backup.discard()
        except OSError:
            pass  # everything is put back; the journal left behind only makes the next start check again
        if isinstance(err, _WriteFailed):
            raise ApplyFailed(f"{err.what}, so everything already written was put back: {err.advice}.") from None
        if isinstance(err, (UserError, OSError)):
            raise ApplyFailed(f"{_describe(err)}; everything already written was put back.") from None
        raise
    try:
        backup.save(status="complete")
    except OSError as err:
        # Everything is written, but the set cannot say so: the journal still names it as pending,
        # so the next command rolls the change back whole, as it would after a kill here.
        raise ApplyFailed(
            f"Every file and secret was written, but backup {backup.id} could not be marked complete "
            f"({err.strerror or err}): the next ar-wizard command rolls this change back; {_advice(err)}."
        ) from None
    crash_point("the change complete, before the journal ends")
    journal.end(state)
    return result


def _child(pid: int | None) -> journal.Child | None:
    return None if pid is None else journal.Child(pid, process.started(pid))


def _put_back_secret(store, write: SecretWrite, old: Secret | None) -> None:
    """Put the old secret back and read it back: "put back" is said only when the store holds it."""
    put_secret(store, write.service, write.username, old)
    if store.read(write.service, write.username) != old:
        raise UserError("the store gave back another value")


def _join_names(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


class _WriteFailed(UserError):
    """An OSError while writing one file, told by the file's real name (never a temp file's)."""

    def __init__(self, path: Path, err: OSError):
        self.what = f"{shown(path)} could not be written ({err.strerror or err})"
        self.advice = _advice(err)
        super().__init__(f"{self.what}: {self.advice}.")


@contextmanager
def _naming(shown_path: Path):
    try:
        yield
    except OSError as err:
        raise _WriteFailed(shown_path, err) from None


def _advice(err: OSError) -> str:
    """What to do about ``err``, in words."""
    import errno

    return {
        errno.EACCES: "fix the permissions of the file and its directory, then run again",
        errno.EPERM: "fix the permissions of the file and its directory, then run again",
        errno.EROFS: "it is on a read-only file system; run where it can be written",
        errno.ENOSPC: "free some disk space and run again",
        errno.EDQUOT: "free some space within your disk quota and run again",
        errno.ENOTDIR: "a file stands where a directory belongs in its path; move that file aside and run again",
        errno.EEXIST: "a file stands where a directory belongs in its path; move that file aside and run again",
        errno.EISDIR: "it is a directory; move it aside and run again",
    }.get(err.errno or 0, "fix that and run again")


def _check_writable(shown_path: Path, real: Path) -> None:
    """Refuse before any write what a write would fail on: a read-only directory, a file where a directory belongs."""
    if real.exists() and not real.is_file():
        raise UserError(f"{shown(shown_path)} is not a regular file: move it aside and run again.")
    parent = real.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise UserError(
            f"{shown(shown_path)} cannot be written: {shown(parent)} is a file where a directory belongs; "
            "move it aside and run again."
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        why = "is on a read-only file system; run where it can be written" if _read_only_fs(parent) else (
            "is not writable; fix its permissions and run again")
        raise UserError(f"{shown(shown_path)} cannot be written: {shown(parent)} {why}.")


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _read_current(shown_path: Path, real: Path) -> bytes | None:
    try:
        return read(real)
    except OSError as err:
        raise UserError(f"{shown(shown_path)} cannot be read ({err.strerror}): fix its permissions and run again.") from None


_LINE_BREAK = (
    "{store} cannot hold this secret exactly: it contains a line break, which no credential store keeps "
    "(each answers one line); check that the secret was copied whole, without a line break in it."
)


def check_secret_fits(store: str, secret: Secret) -> None:
    """Refuse, before anything is written, a secret the store would keep altered."""
    value = secret.reveal()
    if store == "keyring":
        # `keyring get` answers a line, which pip and uv each trim in their own way.
        if "\n" in value or "\r" in value:
            raise UserError(_LINE_BREAK.format(store="The keyring"))
        return
    import unicodedata

    if "\n" in value or "\r" in value:
        raise UserError(_LINE_BREAK.format(store="uv's credential store"))
    bad = next((c for c in value if unicodedata.category(c) == "Cc"), None)
    if bad is not None or value != value.strip():
        what = "a control character" if bad else "a space at one end"
        why = f"uv's credential store cannot hold this secret exactly (it contains {what}, which `uv auth login` drops or trims)"
        raise UserError(f"{why}: use --store keyring, which keeps it as given.",
                        in_wizard=f"{why}: choose the keyring as the store, which keeps it as given.")


def _check_read_back(store, write: SecretWrite) -> None:
    got = store.read(write.service, write.username)
    if got != write.secret:
        name = "uv's credential store" if write.store == "uv" else "the keyring"
        why = f"{name} gave back a different secret for {write.service} than was stored, so nothing was kept"
        raise UserError(
            f"{why}: use --store keyring or --store env, and check the secret has no stray characters",
            in_wizard=f"{why}: go Back to choose the keyring or a .env file as the store, and check the secret "
            "has no stray characters",
        )


def _roll_back(undo_steps) -> list[tuple[str, str]]:
    """Run each step's put-back, newest first; the ones that failed, each with why in a few words."""
    failed = []
    for what, step in reversed(undo_steps):
        try:
            step()
        except Exception as err:
            why = (err.strerror or str(err)) if isinstance(err, OSError) else mask(str(err)).split(": ")[0]
            failed.append((what, why))
    return failed


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError):
        where = f" {err.filename}" if err.filename and not str(err.filename).endswith(TEMP_SUFFIX) else ""
        return f"could not write{where}: {err.strerror or err}"
    return mask(str(err)).rstrip(".")


def _mode_for(change: FileChange, real: Path, current: bytes | None) -> int:
    if change.mode is not None:
        return change.mode
    if change.holds_secret:
        return 0o600
    if current is not None:
        return stat.S_IMODE(real.stat().st_mode)
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def _interrupts_deferred():
    """Ctrl-C during the transaction takes effect once it is whole."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: received.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


def list_backups() -> list[BackupInfo]:
    """Backup sets, newest first: complete ones, and interrupted ones until they are recovered."""
    live = journal.in_flight()
    sets = backups.all_sets()
    undone = {b.manifest.get("undoes"): b.id for b in sets if b.status == "complete" and b.manifest.get("undoes")}
    out = []
    for b in sets:
        status = b.status
        if status == "pending" and b.id == live:
            status = "interrupted"
        elif status not in ("complete", "incomplete"):
            continue
        info = b.info()
        out.append(replace(info, status=status, undone_by=undone.get(b.id) or info.undone_by))
    return out


@dataclass(frozen=True)
class UndoStep:
    """What undo does to one file, said before it does it."""

    path: Path
    action: Literal["restore", "merge", "remove", "keep"]

    def sentence(self) -> str:
        where = shown(self.path)
        return {
            "restore": f"restore  {where} (as it was before the change)",
            "merge": f"merge    {where} (takes out only what the change wrote; keeps your edits since)",
            "remove": f"remove   {where} (it did not exist before)",
            "keep": f"keep     {where} (already as it was before the change)",
        }[self.action]


@dataclass
class UndoPlan:
    backup_id: str
    steps: list[UndoStep]
    changes: list[FileChange]
    writes: list[SecretWrite]


def plan_undo(backup_id: str | None = None) -> UndoPlan:
    """What undoing a set does to each file and secret, checked whole before anything is written.

    A file still as the change left it gets its old bytes back; one edited since (``uv add``)
    has only the change's own lines taken back out (``merge.take_back``); where the same lines
    were edited since, undo refuses, naming them. Without an ID it walks back through history:
    the newest change that is neither undone nor itself an undo. An undo is never undone, so
    running ``undo`` again reaches the change before instead of re-applying this one."""
    if backup_id is None:
        backup_id = latest_undoable()
        if backup_id is None:
            raise UserError("There is nothing (left) to undo: every ar-wizard change recorded here is undone.")
    backup = backups.BackupSet.load(backup_id)
    info = next((b for b in list_backups() if b.id == backup_id), None)
    if backup.manifest.get("undoes"):
        raise UserError(
            f"Backup {backup_id} is the undo of {backup.manifest['undoes']}, and undo never re-applies a change: "
            "run the setup again to bring it back."
        )
    if info is None or info.status not in ("complete", "incomplete"):
        raise UserError(f"Backup {backup_id} is not a finished change, so there is nothing in it to undo.")
    if info.undone_by:
        raise UserError(f"Backup {backup_id} was already undone (by {info.undone_by}).")

    steps, changes = [], []
    for entry in backup.file_entries():
        step, change = _undo_file(backup, entry)
        steps.append(step)
        if change is not None:
            changes.append(change)
    writes = [SecretWrite(s.store, s.service, s.username, backup.read_secret(s.copy)) for s in backup.secret_entries()]
    return UndoPlan(backup_id, steps, changes, writes)


def _undo_file(backup: backups.BackupSet, entry: backups.FileEntry) -> tuple[UndoStep, FileChange | None]:
    from . import merge

    if Path(os.path.realpath(entry.shown)) != entry.path:
        raise UserError(
            f"{shown(entry.shown)} no longer leads to {entry.path}, so undo would write somewhere else: "
            f"restore it by hand from {backup.dir}."
        )
    current = _read_current(entry.shown, entry.path)
    original = backup.read_copy(entry.copy) if entry.copy else None
    if sha256(original) != entry.before_sha256:
        raise UserError(f"Backup {backup.id}'s copy of {shown(entry.shown)} does not match its manifest: nothing was changed.")
    mode = entry.mode if entry.mode is not None else 0o600
    if sha256(current) == entry.after_sha256:
        change = FileChange(path=entry.shown, before=current, after=original, mode=mode, holds_secret=entry.holds_secret)
        return UndoStep(entry.shown, "remove" if original is None else "restore"), change
    if sha256(current) == entry.before_sha256:
        return UndoStep(entry.shown, "keep"), None
    by_hand = f"take the change out by hand (the copy from before is in {backup.dir})"
    if current is None:
        raise UserError(f"{shown(entry.shown)} was deleted after backup {backup.id} was made, so nothing was "
                        f"changed: {by_hand}.")
    if entry.after_copy is None or entry.after_sha256 is None:
        raise UserError(f"{shown(entry.shown)} changed after backup {backup.id} was made, and this backup (from an "
                        f"older ar-wizard) does not keep what the change wrote, so nothing was changed: {by_hand}.")
    after = backup.read_copy(entry.after_copy)
    try:
        merged = merge.take_back(original or b"", after, current)
    except merge.Conflict as conflict:
        raise UserError(
            f"{shown(entry.shown)} was edited on {conflict.lines()} since backup {backup.id}, where the change "
            f"wrote too, so undo would lose those edits and nothing was changed: {by_hand}."
        ) from None
    if entry.shown.suffix == ".toml" and not _is_toml(merged):
        raise UserError(f"Taking the change out of {shown(entry.shown)} around your edits since would not leave "
                        f"valid TOML, so nothing was changed: {by_hand}.")
    new = None if original is None and not merged.strip() else merged
    change = FileChange(path=entry.shown, before=current, after=new, mode=stat.S_IMODE(entry.path.stat().st_mode),
                        holds_secret=entry.holds_secret)
    return UndoStep(entry.shown, "merge" if new is not None else "remove"), change


def _is_toml(data: bytes) -> bool:
    from .targets.uv_config import load_toml

    try:
        load_toml(data.decode("utf-8-sig"), "")
    except (UserError, UnicodeDecodeError):
        return False
    return True


def undo(backup_id: str | None = None, *, plan: UndoPlan | None = None) -> ApplyResult:
    """Carry out ``plan_undo(backup_id)`` (or the ``plan`` already shown), as a change of its own."""
    plan = plan or plan_undo(backup_id)
    # The undo set names what it undid (``undoes``): that is what marks this one undone, so the
    # set undone is never written again.
    return run_transaction(plan.changes, plan.writes, label=f"undo {plan.backup_id}", undoes=plan.backup_id)


def latest_undoable() -> str | None:
    for info in list_backups():
        if info.status in ("complete", "incomplete") and not info.undone_by and not info.undoes:
            return info.id
    return None


def purge(older_than_days: float | None) -> list[BackupInfo]:
    """The sets ``purge_sets`` would delete: never the change in flight."""
    live = journal.in_flight()
    return backups.purge_candidates(older_than_days, keep={live} if live else set())


def purge_sets(doomed: list[BackupInfo]) -> dict[str, str]:
    """Delete the sets (and what recovery set aside); for each that is not gone whole, what remains."""
    state = _state_dir()
    left = {}
    with journal.locked(state):
        live = journal.in_flight(state)
        for info in doomed:
            if info.id == live:
                continue
            remains = backups.remove_set_aside(info.id) if info.status == "set aside" else backups.remove(info.id)
            if remains:
                left[info.id] = remains
    return left
