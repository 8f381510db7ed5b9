"""Backup sets: ``$XDG_STATE_HOME/ar-wizard/backups/ID/`` holds a manifest, the original files, the old secrets.

A manifest is read as untrusted input: anyone who can write the state
directory could craft one. So a set is found only by an ID of the form the
tool makes, only under the state directory; every path it names must be a
file ar-wizard writes, and every copy a plain name inside the set. Anything
else is one sentence, never a traceback and never a write.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import shutil
import stat
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import UserError
from .fileio import write_atomically
from .model import Secret, SecretWrite, sha256

_ID = re.compile(r"\d{8}-\d{6}-\d{6}\Z")
_COPY = re.compile(r"(?:file|secret)-\d{1,6}\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")
STORES = ("uv", "keyring")

# Files ar-wizard writes wherever a project lives (by name), and the tails of its snippet files.
_PROJECT_NAMES = frozenset({"pyproject.toml", "uv.toml", "uv.lock", ".env", ".gitignore", ".dockerignore"})
_HOME_NAMES = frozenset({"pip.conf", "pip.ini", ".pypirc", ".netrc", "netrc"})
_SNIPPET_TAILS = (".github/workflows/private-index.yml", ".gitlab/ci/private-index.yml", "Dockerfile.private-index")


def root() -> Path:
    return paths.state_dir() / "backups"


def new_id() -> str:
    """Sortable by time, to the microsecond, so the newest backup is always last."""
    now = time.time_ns()
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(now // 10**9)) + f"-{now // 1000 % 10**6:06d}"


def check_id(backup_id: str) -> str:
    if not _ID.match(backup_id or ""):
        raise UserError(
            f"There is no backup {backup_id!r}: backup IDs look like 20260101-120000-000000, and "
            "`ar-wizard undo --list` shows the ones there are."
        )
    return backup_id


def is_managed(path: Path) -> bool:
    """A file ar-wizard writes: a project's config, ``.env`` or snippet, or one of the user's tool files."""
    text = path.as_posix()
    if not path.is_absolute() or ".." in path.parts:
        return False
    if path.name in _PROJECT_NAMES or path.name in _HOME_NAMES:
        return True
    if any(text.endswith("/" + tail) for tail in _SNIPPET_TAILS):
        return True
    known = (paths.user_uv_toml(), paths.pip_conf(), paths.legacy_pip_conf(), paths.pypirc(), paths.netrc())
    return path in known


@dataclass(frozen=True)
class BackupInfo:
    id: str
    created: str
    label: str
    files: list[str]
    secrets: list[str]
    undone_by: str | None
    status: str = "complete"
    undoes: str | None = None
    holds_secrets: bool = False


@dataclass(frozen=True)
class FileEntry:
    path: Path  # the real (symlink-resolved) file
    shown: Path  # the path as planned; it must still resolve to ``path``
    copy: str | None
    mode: int | None
    new_mode: int
    before_sha256: str | None
    after_sha256: str | None
    holds_secret: bool


@dataclass(frozen=True)
class SecretEntry:
    store: str
    service: str
    username: str
    copy: str | None


class BackupSet:
    def __init__(self, directory: Path, manifest: dict):
        self.dir = directory
        self.manifest = manifest

    @property
    def id(self) -> str:
        return self.manifest["id"]

    @property
    def status(self) -> str:
        return self.manifest["status"]

    @classmethod
    def create(cls, backup_id: str, label: str, *, undoes: str | None = None) -> BackupSet:
        top = root()
        top.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory = top / backup_id
        directory.mkdir(mode=0o700)
        manifest: dict[str, object] = {
            "id": backup_id,
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "label": label,
            "status": "pending",
            "files": [],
            "secrets": [],
            "undone_by": None,
            "undoes": undoes,
        }
        return cls(directory, manifest)

    @classmethod
    def load(cls, backup_id: str) -> BackupSet:
        check_id(backup_id)
        top = root()
        directory = top / backup_id
        missing = UserError(f"There is no backup {backup_id}: `ar-wizard undo --list` shows the ones there are.")
        try:
            if directory.is_symlink() or not directory.is_dir() or directory.resolve().parent != top.resolve():
                raise missing
            manifest_path = directory / "manifest.json"
            if manifest_path.is_symlink():
                raise _damaged(backup_id, "its manifest is a symbolic link")
            text = manifest_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise missing from None
        except (OSError, UnicodeDecodeError) as err:
            raise UserError(f"Backup {backup_id}'s manifest cannot be read ({getattr(err, 'strerror', None) or err}): "
                            f"check {directory}.") from None
        try:
            manifest = json.loads(text)
        except ValueError:
            raise _damaged(backup_id, "its manifest is not JSON") from None
        backup = cls(directory, manifest)
        backup.validate()
        return backup

    def validate(self) -> None:
        """Every key present with the right type, every path managed, every copy a plain name here."""
        m = self.manifest
        bid = self.dir.name
        if not isinstance(m, dict):
            raise _damaged(bid, "its manifest is not an object")
        for key, kind in (("id", str), ("created", str), ("label", str), ("status", str), ("files", list), ("secrets", list)):
            if not isinstance(m.get(key), kind):
                raise _damaged(bid, f"{key!r} is missing or not a {kind.__name__}")
        if m["id"] != bid:
            raise _damaged(bid, f"it names itself {m['id']!r}")
        for key in ("undone_by", "undoes"):
            if m.get(key) is not None and not isinstance(m[key], str):
                raise _damaged(bid, f"{key!r} is not a backup ID")
        self.file_entries()
        self.secret_entries()

    def file_entries(self) -> list[FileEntry]:
        out = []
        for n, e in enumerate(self.manifest["files"]):
            where = f"file entry {n}"
            if not isinstance(e, dict):
                raise _damaged(self.id, f"{where} is not an object")
            missing = [k for k in ("path", "shown", "copy", "mode", "new_mode", "before_sha256", "after_sha256")
                       if k not in e]
            if missing:
                raise _damaged(self.id, f"{where} lacks {', '.join(missing)}")
            for key in ("path", "shown"):
                if not isinstance(e.get(key), str) or not is_managed(Path(e[key])):
                    raise _damaged(self.id, f"{where} names {e.get(key)!r}, which is not a file ar-wizard writes")
            for key in ("before_sha256", "after_sha256"):
                if e.get(key) is not None and not (isinstance(e[key], str) and _SHA.match(e[key])):
                    raise _damaged(self.id, f"{where} has a malformed {key}")
            for key in ("mode", "new_mode"):
                value = e.get(key)
                if (value is not None or key == "new_mode") and not (isinstance(value, int) and 0 <= value <= 0o7777):
                    raise _damaged(self.id, f"{where} has a malformed {key}")
            copy = self._copy(e, where)
            if (copy is None) != (e["before_sha256"] is None):
                raise _damaged(self.id, f"{where} has a copy only when the file existed before")
            out.append(FileEntry(Path(e["path"]), Path(e["shown"]), copy, e["mode"], e["new_mode"],
                                 e["before_sha256"], e["after_sha256"], bool(e.get("holds_secret", True))))
        return out

    def secret_entries(self) -> list[SecretEntry]:
        out = []
        for n, e in enumerate(self.manifest["secrets"]):
            where = f"secret entry {n}"
            if not isinstance(e, dict) or e.get("store") not in STORES:
                raise _damaged(self.id, f"{where} names no store ar-wizard writes")
            if "copy" not in e:
                raise _damaged(self.id, f"{where} lacks copy")
            if not (isinstance(e.get("service"), str) and isinstance(e.get("username"), str)):
                raise _damaged(self.id, f"{where} lacks a service or username")
            out.append(SecretEntry(e["store"], e["service"], e["username"], self._copy(e, where)))
        return out

    def _copy(self, entry: dict, where: str) -> str | None:
        copy = entry.get("copy")
        if copy is None:
            return None
        if not isinstance(copy, str) or not _COPY.match(copy):
            raise _damaged(self.id, f"{where} keeps its copy as {copy!r}, not a plain name inside the set")
        return copy

    def read_copy(self, name: str) -> bytes:
        path = self.dir / name
        try:
            if not stat.S_ISREG(os.lstat(path).st_mode):
                raise _damaged(self.id, f"{name} is not a plain file")
            return path.read_bytes()
        except OSError as err:
            raise UserError(f"Backup {self.id} lost its copy {name} ({err.strerror}): restore by hand from {self.dir}.") from None

    def add_file(self, shown: Path, real: Path, original: bytes | None, after: bytes | None, mode: int,
                 *, holds_secret: bool) -> None:
        n = len(self.manifest["files"])
        copy = None
        if original is not None:
            copy = f"file-{n}"
            write_atomically(self.dir / copy, original, 0o600)
        self.manifest["files"].append(
            {
                "path": str(real),
                "shown": str(shown),
                "copy": copy,
                "mode": stat.S_IMODE(real.stat().st_mode) if original is not None else None,
                "before_sha256": sha256(original),
                "after_sha256": sha256(after),
                "new_mode": mode,
                "holds_secret": holds_secret,
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
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def holds_secrets(self) -> bool:
        """Old secrets, or copies of files that held one (.env, .netrc, .pypirc, inline pip.conf)."""
        return any(s.get("copy") for s in self.manifest["secrets"]) or any(
            f.get("copy") and f.get("holds_secret", True) for f in self.manifest["files"]
        )

    def info(self) -> BackupInfo:
        m = self.manifest
        return BackupInfo(
            id=self.id,
            created=m["created"],
            label=m["label"],
            files=[f["shown"] for f in m["files"]],
            secrets=[f"{s['store']}: {s['service']} ({s['username']})" for s in m["secrets"]],
            undone_by=m.get("undone_by"),
            status=m["status"],
            undoes=m.get("undoes"),
            holds_secrets=self.holds_secrets,
        )


def _damaged(backup_id: str, why: str) -> UserError:
    return UserError(
        f"Backup {backup_id} cannot be used because {why}: nothing was changed; "
        f"restore by hand from {root() / backup_id} if you need it."
    )


def all_sets() -> list[BackupSet]:
    """Every readable backup set, newest first; damaged ones are left out."""
    top = root()
    try:
        names = sorted((n for n in os.listdir(top) if _ID.match(n)), reverse=True)
    except (FileNotFoundError, NotADirectoryError):
        return []  # no backups yet, or no state dir at all (another command explains why)
    except OSError as err:
        raise UserError(f"{top} cannot be read ({err.strerror}): fix its permissions and run again.") from None
    sets = []
    for name in names:
        try:
            sets.append(BackupSet.load(name))
        except UserError:
            continue
    return sets


def purge_candidates(older_than_days: float | None, *, keep: set[str] | frozenset[str] = frozenset()) -> list[BackupInfo]:
    """The sets made more than ``older_than_days`` ago (all of them for ``None``), except ``keep``.

    A damaged set is purged too: it may still hold old secrets."""
    cutoff = None if older_than_days is None else time.time() - older_than_days * 86400
    top = root()
    try:
        names = sorted((n for n in os.listdir(top) if _ID.match(n)), reverse=True)
    except (FileNotFoundError, NotADirectoryError):
        return []
    out = []
    for name in names:
        if name in keep or (cutoff is not None and _made(name) > cutoff):
            continue
        try:
            out.append(BackupSet.load(name).info())
        except UserError:
            out.append(BackupInfo(name, "", "(damaged)", [], [], None, status="damaged", holds_secrets=True))
    return out


def remove(backup_id: str) -> None:
    """Delete a set's directory, which must be a real directory right under the backups root."""
    check_id(backup_id)
    directory = root() / backup_id
    if directory.is_dir() and not directory.is_symlink():
        shutil.rmtree(directory, ignore_errors=True)


def _made(backup_id: str) -> float:
    try:
        return calendar.timegm(time.strptime(backup_id[:15], "%Y%m%d-%H%M%S"))
    except ValueError:
        return 0.0  # not a real time: as old as can be
