"""The transaction: every file and secret of a plan is written, or none is.

Under a lock, each file is re-checked against the bytes the preview showed,
its original is copied into a backup set, and the new bytes go to a temp file
beside the real (symlink-resolved) target, are fsynced, take the right mode and
replace the target with ``os.replace``. Secrets are handed to their stores
after their old values are saved. Any failure puts back everything already
done, in reverse order. ``undo`` replays a backup set the same way.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import paths
from .errors import ApplyFailed, UserError
from .model import FileChange, Plan, Secret, SecretWrite, mask, sha256


@dataclass
class ApplyResult:
    backup_id: str | None
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class BackupInfo:
    id: str
    created: str
    label: str
    files: list[str]
    secrets: list[str]
    undone_by: str | None


def apply(plan: Plan, *, label: str = "setup") -> ApplyResult:
    result = run_transaction(plan.changes, plan.secret_writes, label=label)
    _note_expiry(plan)
    return result


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


def run_transaction(changes: list[FileChange], secret_writes: list[SecretWrite], *, label: str) -> ApplyResult:
    state = paths.state_dir()
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    from filelock import FileLock, Timeout  # ~5 ms; only apply and undo need it

    try:
        with FileLock(str(state / "lock"), timeout=30), _interrupts_deferred():
            return _run_locked(state, changes, secret_writes, label)
    except Timeout:
        raise UserError(f"Another ar-wizard is writing (lock {state / 'lock'}): wait for it and run again.") from None


def _run_locked(state: Path, changes, secret_writes, label) -> ApplyResult:
    result = ApplyResult(backup_id=None)
    pending = []
    for change in changes:
        real = Path(os.path.realpath(change.path))
        current = _read(real)
        if sha256(current) != sha256(change.before):
            raise ApplyFailed(
                f"{change.path} changed since the preview, so nothing was written: run ar-wizard "
                "again to see a plan that includes the new content."
            )
        if change.after == current:
            result.unchanged.append(change.path)
        else:
            pending.append((change, real, current))
    if not pending and not secret_writes:
        return result

    backup = _BackupSet.create(state / "backups", label)
    result.backup_id = backup.id
    undo_steps = []  # callables that put back one thing each, run in reverse on failure
    try:
        for change, real, current in pending:
            mode = _mode_for(change, real, current)
            backup.add_file(change.path, real, current, change.after, mode)
            backup.save()
            write_atomically(real, change.after, mode)
            undo_steps.append(lambda real=real, current=current, mode=backup.files[-1]["mode"]: write_atomically(real, current, mode))
            result.written.append(change.path)
        for write in secret_writes:
            store = _store(write.store)
            old = store.read(write.service, write.username)
            backup.add_secret(write, old)
            backup.save()
            _put_secret(store, write.service, write.username, write.secret)
            undo_steps.append(lambda store=store, w=write, old=old: _put_secret(store, w.service, w.username, old))
            result.secrets.append(write.summary)
    except BaseException as err:
        failures = _roll_back(undo_steps)
        if failures:
            backup.save(status="incomplete")
            raise ApplyFailed(
                f"Writing failed ({_describe(err)}) and {failures} change(s) could not be put back: "
                f"restore them with `ar-wizard undo {backup.id}`."
            ) from None
        backup.discard()
        if isinstance(err, (UserError, OSError)):
            raise ApplyFailed(f"{_describe(err)}; everything already written was put back.") from None
        raise
    backup.save(status="complete")
    return result


def _roll_back(undo_steps) -> int:
    failures = 0
    for step in reversed(undo_steps):
        try:
            step()
        except Exception:
            failures += 1
    return failures


def _describe(err: BaseException) -> str:
    if isinstance(err, OSError):
        where = f" {err.filename}" if err.filename else ""
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


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_atomically(real: Path, data: bytes | None, mode: int) -> None:
    """Atomically make ``real`` hold ``data`` (``None`` removes it)."""
    if data is None:
        try:
            real.unlink()
        except FileNotFoundError:
            pass
        _fsync_dir(real.parent)
        return
    real.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".ar-wizard")
    try:
        with os.fdopen(fd, "wb") as f:
            os.fchmod(f.fileno(), mode)
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        _install(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(real.parent)


def _install(tmp: str, real: Path) -> None:
    os.replace(tmp, real)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows, where directories cannot be opened
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _store(name: str):
    from .credentials import keyring_cli, uv_store

    return {"uv": uv_store, "keyring": keyring_cli}[name]


def _put_secret(store, service: str, username: str, secret: Secret | None) -> None:
    if secret is None:
        store.delete(service, username)
    else:
        store.write(service, username, secret)


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


def new_backup_id() -> str:
    """Sortable by time, to the microsecond, so the newest backup is always last."""
    now = time.time_ns()
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(now // 10**9)) + f"-{now // 1000 % 10**6:06d}"


class _BackupSet:
    """``$XDG_STATE_HOME/ar-wizard/backups/ID/``: a manifest, the original files, the old secrets."""

    def __init__(self, directory: Path, manifest: dict):
        self.dir = directory
        self.manifest = manifest

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def files(self) -> list[dict]:
        return self.manifest["files"]

    @classmethod
    def create(cls, root: Path, label: str) -> _BackupSet:
        root.mkdir(parents=True, exist_ok=True, mode=0o700)
        backup_id = new_backup_id()
        directory = root / backup_id
        directory.mkdir(mode=0o700)
        manifest = {
            "id": backup_id,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "label": label,
            "status": "pending",
            "files": [],
            "secrets": [],
            "undone_by": None,
        }
        return cls(directory, manifest)

    @classmethod
    def load(cls, root: Path, backup_id: str) -> _BackupSet:
        directory = root / backup_id
        try:
            manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserError(f"There is no backup {backup_id!r}: `ar-wizard undo --list` shows the ones there are.") from None
        return cls(directory, manifest)

    def add_file(self, shown: Path, real: Path, original: bytes | None, after: bytes | None, mode: int) -> None:
        n = len(self.files)
        copy = None
        if original is not None:
            copy = f"file-{n}"
            write_atomically(self.dir / copy, original, 0o600)
        self.files.append(
            {
                "path": str(real),
                "shown": str(shown),
                "copy": copy,
                "mode": stat.S_IMODE(real.stat().st_mode) if original is not None else None,
                "before_sha256": sha256(original),
                "after_sha256": sha256(after),
                "new_mode": mode,
            }
        )

    def add_secret(self, write: SecretWrite, old: Secret | None) -> None:
        n = len(self.manifest["secrets"])
        copy = None
        if old is not None:
            # The old secret must survive for undo; it is kept like uv's own store keeps
            # secrets: a file only its owner can read, inside a 0700 directory.
            copy = f"secret-{n}"
            write_atomically(self.dir / copy, old.reveal().encode(), 0o600)
        self.manifest["secrets"].append(
            {"store": write.store, "service": write.service, "username": write.username, "copy": copy}
        )

    def save(self, status: str | None = None) -> None:
        if status:
            self.manifest["status"] = status
        data = json.dumps(self.manifest, indent=2).encode()
        write_atomically(self.dir / "manifest.json", data, 0o600)

    def discard(self) -> None:
        for child in self.dir.iterdir():
            child.unlink()
        self.dir.rmdir()

    def info(self) -> BackupInfo:
        return BackupInfo(
            id=self.id,
            created=self.manifest["created"],
            label=self.manifest["label"],
            files=[f["shown"] for f in self.files],
            secrets=[f"{s['store']}: {s['service']} ({s['username']})" for s in self.manifest["secrets"]],
            undone_by=self.manifest.get("undone_by"),
        )


def list_backups() -> list[BackupInfo]:
    """Complete backup sets, newest first."""
    root = paths.state_dir() / "backups"
    if not root.is_dir():
        return []
    sets = []
    for directory in sorted(root.iterdir(), key=lambda d: d.name, reverse=True):
        try:
            backup = _BackupSet.load(root, directory.name)
        except UserError:
            continue
        if backup.manifest.get("status") in ("complete", "incomplete"):
            sets.append(backup.info())
    return sets


def undo(backup_id: str | None = None) -> ApplyResult:
    """Put back every file and secret a backup set recorded, byte for byte."""
    root = paths.state_dir() / "backups"
    if backup_id is None:
        candidates = [b for b in list_backups() if not b.undone_by]
        if not candidates:
            raise UserError("There is nothing to undo: no ar-wizard change has been recorded here.")
        backup_id = candidates[0].id
    backup = _BackupSet.load(root, backup_id)

    changes = []
    for entry in backup.files:
        real = Path(entry["path"])
        current = _read(real)
        if sha256(current) != entry["after_sha256"]:
            raise UserError(
                f"{entry['shown']} changed after backup {backup_id} was made, so undo would lose "
                "those changes: restore it by hand from " + str(backup.dir) + "."
            )
        original = (backup.dir / entry["copy"]).read_bytes() if entry["copy"] else None
        changes.append(FileChange(path=real, before=current, after=original, mode=entry["mode"] or 0o600))
    writes = []
    for entry in backup.manifest["secrets"]:
        old = Secret((backup.dir / entry["copy"]).read_text()) if entry["copy"] else None
        writes.append(SecretWrite(entry["store"], entry["service"], entry["username"], old))

    result = run_transaction(changes, writes, label=f"undo {backup_id}")
    backup.manifest["undone_by"] = result.backup_id or "nothing-to-do"
    backup.save()
    return result
