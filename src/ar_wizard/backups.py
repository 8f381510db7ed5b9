"""Backup sets: ``$XDG_STATE_HOME/ar-wizard/backups/ID/`` holds a manifest, the original files, the old secrets.

A manifest is read as untrusted input: anyone who can write the state
directory could craft one. So a set is found only by an ID of the form the
tool makes, only under the state directory; the manifest must be small, flat
and hold exactly the keys the tool writes; every path it names must be a file
the change could have written (one of the recorded project's files, or a
user file of this platform), and every copy a plain name inside the set.
Anything else is one sentence, never a traceback and never a write. Deletes
are checked: ``remove`` says what is left when a set could not be deleted.
"""

from __future__ import annotations

import calendar
import json
import os
import re
import shutil
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .errors import UserError
from .fileio import write_atomically
from .model import Secret, SecretWrite, sha256

_ID = re.compile(r"\d{8}-\d{6}-\d{6}\Z")
_COPY = re.compile(r"(?:file|after|secret)-\d{1,6}\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")
STORES = ("uv", "keyring")

# Files ar-wizard writes wherever a project lives (by name), and the tails of its snippet files.
_PROJECT_NAMES = frozenset({"pyproject.toml", "uv.toml", "uv.lock", ".env", ".gitignore", ".dockerignore"})
_SNIPPET_TAILS = (".github/workflows/private-index.yml", ".gitlab/ci/private-index.yml", "Dockerfile.private-index",
                  ".github/dependabot.yml", "renovate.json")
#: A manifest of a few hundred files is some tens of kilobytes; nesting is three levels (set, list, entry).
MAX_MANIFEST_BYTES = 1 << 20
MAX_DEPTH = 3
_TOP_KEYS = frozenset({"id", "created", "label", "status", "files", "secrets", "undone_by", "undoes", "projects"})
_FILE_KEYS = frozenset({"path", "shown", "copy", "after_copy", "mode", "new_mode", "before_sha256", "after_sha256",
                        "holds_secret"})
_SECRET_KEYS = frozenset({"store", "service", "username", "copy"})
STATUSES = ("pending", "complete", "incomplete", "rolled-back")


def root() -> Path:
    return paths.state_dir() / "backups"


def new_id() -> str:
    """Sortable by time, to the microsecond, so the newest backup is always last."""
    now = time.time_ns()
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime(now // 10**9)) + f"-{now // 1000 % 10**6:06d}"


def is_id(text: str) -> bool:
    """``text`` has the form ``new_id`` makes (so it is a plain name, never a path)."""
    return bool(_ID.match(text or ""))


def check_id(backup_id: str) -> str:
    if not is_id(backup_id):
        raise UserError(
            f"There is no backup {backup_id!r}: backup IDs look like 20260101-120000-000000, and "
            "`ar-wizard undo --list` shows the ones there are."
        )
    return backup_id


def user_files() -> frozenset[Path]:
    """The user's own tool files on this platform, wherever a project is."""
    return frozenset((paths.user_uv_toml(), paths.pip_conf(), paths.config_home() / "pip" / "pip.conf",
                      paths.legacy_pip_conf(), paths.pypirc(), paths.netrc())) | frozenset(paths.current().user_files())


def project_of(path: Path) -> Path | None:
    """The project directory ``path`` belongs to when it is a project file ar-wizard writes, else None."""
    if not path.is_absolute() or ".." in path.parts:
        return None
    if path.name in _PROJECT_NAMES:
        return path.parent
    text = path.as_posix()
    for tail in _SNIPPET_TAILS:
        if text.endswith("/" + tail):
            return Path(text[: -len(tail) - 1])
    return None


def is_managed(path: Path, projects: frozenset[Path] = frozenset()) -> bool:
    """A file ar-wizard writes: a config, ``.env`` or snippet of one of ``projects``, or one of the user's tool files."""
    if not path.is_absolute() or ".." in path.parts:
        return False
    if path in user_files():
        return True
    return project_of(path) in projects


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
    why: str = ""  # for a damaged set: the sentence that says why it cannot be used


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
    after_copy: str | None = None  # what the change wrote, so undo can take it back out of a file edited since


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

    @property
    def projects(self) -> frozenset[Path]:
        """The projects whose files the change wrote (none when it wrote only the user's own files).

        A set made before they were recorded has the project of each of its project files."""
        value = self.manifest.get("projects")
        if isinstance(value, list):
            return frozenset(Path(p) for p in value if isinstance(p, str))
        found = set()
        for entry in self.manifest.get("files") or []:
            if isinstance(entry, dict) and isinstance(entry.get("shown"), str):
                project = project_of(Path(entry["shown"]))
                if project is not None:
                    found.add(project)
        return frozenset(found)

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
            "projects": [],
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
            with open(manifest_path, "rb") as f:
                data = f.read(MAX_MANIFEST_BYTES + 1)
        except FileNotFoundError:
            raise missing from None
        except OSError as err:
            raise UserError(f"Backup {backup_id}'s manifest cannot be read ({err.strerror}): "
                            f"check {directory}.") from None
        if len(data) > MAX_MANIFEST_BYTES:
            raise _damaged(backup_id, f"its manifest is larger than {MAX_MANIFEST_BYTES // 1024} KiB")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise _damaged(backup_id, "its manifest is not UTF-8 text") from None
        if _depth(text) > MAX_DEPTH:
            raise _damaged(backup_id, "its manifest is nested deeper than ar-wizard writes")
        try:
            manifest = json.loads(text)
        except (ValueError, RecursionError):
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
        unknown = sorted(set(m) - _TOP_KEYS)
        if unknown:
            raise _damaged(bid, f"it holds {unknown[0][:40]!r}, which ar-wizard never writes")
        for key, kind in (("id", str), ("created", str), ("label", str), ("status", str), ("files", list), ("secrets", list)):
            if not isinstance(m.get(key), kind):
                raise _damaged(bid, f"{key!r} is missing or not a {kind.__name__}")
        if m["id"] != bid:
            raise _damaged(bid, f"it names itself {m['id'][:40]!r}")
        if m["status"] not in STATUSES:
            raise _damaged(bid, f"its status {m['status'][:40]!r} is not one ar-wizard writes")
        for key in ("undone_by", "undoes"):
            if m.get(key) is not None and not (isinstance(m[key], str) and is_id(m[key])):
                raise _damaged(bid, f"{key!r} is not a backup ID")
        projects = m.get("projects", [])
        if not isinstance(projects, list) or not all(
                isinstance(p, str) and Path(p).is_absolute() and ".." not in Path(p).parts for p in projects):
            raise _damaged(bid, "'projects' is not a list of absolute directories")
        self.file_entries()
        self.secret_entries()

    def file_entries(self) -> list[FileEntry]:
        out = []
        for n, e in enumerate(self.manifest["files"]):
            where = f"file entry {n}"
            if not isinstance(e, dict):
                raise _damaged(self.id, f"{where} is not an object")
            if set(e) - _FILE_KEYS:
                raise _damaged(self.id, f"{where} holds a key ar-wizard never writes")
            missing = [k for k in ("path", "shown", "copy", "mode", "new_mode", "before_sha256", "after_sha256")
                       if k not in e]
            if missing:
                raise _damaged(self.id, f"{where} lacks {', '.join(missing)}")
            if not isinstance(e["path"], str) or not Path(e["path"]).is_absolute() or ".." in Path(e["path"]).parts:
                raise _damaged(self.id, f"{where} names {str(e['path'])[:200]!r}, which is not a file ar-wizard writes")
            # The planned path must be one the change could write; the real one is checked, when it is
            # written, to be where the planned one leads.
            if not isinstance(e["shown"], str) or not is_managed(Path(e["shown"]), self.projects):
                raise _damaged(self.id, f"{where} names {str(e['shown'])[:200]!r}, which is not a file this "
                                        "change wrote (one of its project's files or your own tool files)")
            for key in ("before_sha256", "after_sha256"):
                if e.get(key) is not None and not (isinstance(e[key], str) and _SHA.match(e[key])):
                    raise _damaged(self.id, f"{where} has a malformed {key}")
            for key in ("mode", "new_mode"):
                value = e.get(key)
                if (value is not None or key == "new_mode") and not (isinstance(value, int) and 0 <= value <= 0o7777):
                    raise _damaged(self.id, f"{where} has a malformed {key}")
            copy = self._copy(e, where)
            after_copy = self._copy(e, where, "after_copy")
            if after_copy is not None and e["after_sha256"] is None:
                raise _damaged(self.id, f"{where} keeps a copy of a file the change removed")
            if (copy is None) != (e["before_sha256"] is None):
                raise _damaged(self.id, f"{where} has a copy only when the file existed before")
            if not isinstance(e.get("holds_secret", True), bool):
                raise _damaged(self.id, f"{where} has a malformed holds_secret")
            out.append(FileEntry(Path(e["path"]), Path(e["shown"]), copy, e["mode"], e["new_mode"],
                                 e["before_sha256"], e["after_sha256"], e.get("holds_secret", True), after_copy))
        return out

    def secret_entries(self) -> list[SecretEntry]:
        out = []
        for n, e in enumerate(self.manifest["secrets"]):
            where = f"secret entry {n}"
            if not isinstance(e, dict) or e.get("store") not in STORES:
                raise _damaged(self.id, f"{where} names no store ar-wizard writes")
            if set(e) - _SECRET_KEYS:
                raise _damaged(self.id, f"{where} holds a key ar-wizard never writes")
            if "copy" not in e:
                raise _damaged(self.id, f"{where} lacks copy")
            if not (isinstance(e.get("service"), str) and isinstance(e.get("username"), str)):
                raise _damaged(self.id, f"{where} lacks a service or username")
            out.append(SecretEntry(e["store"], e["service"], e["username"], self._copy(e, where)))
        return out

    def _copy(self, entry: dict, where: str, key: str = "copy") -> str | None:
        copy = entry.get(key)
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

    def read_secret(self, name: str | None) -> Secret | None:
        """An old secret kept in the set; a copy that is not UTF-8 text was not written by ar-wizard."""
        if name is None:
            return None
        try:
            return Secret(self.read_copy(name).decode("utf-8"))
        except UnicodeDecodeError:
            raise _damaged(self.id, f"its copy {name} is not a secret ar-wizard kept (not UTF-8 text)") from None

    def check_copies(self) -> None:
        """Every copy the manifest names is readable and is what it says, before anything is put back."""
        for entry in self.file_entries():
            if entry.copy and sha256(self.read_copy(entry.copy)) != entry.before_sha256:
                raise _damaged(self.id, f"its copy of {paths.shown(entry.shown)} does not match its manifest")
            if entry.after_copy and sha256(self.read_copy(entry.after_copy)) != entry.after_sha256:
                raise _damaged(self.id, f"its copy of {paths.shown(entry.shown)} as changed does not match its manifest")
        for secret in self.secret_entries():
            self.read_secret(secret.copy)

    def add_file(self, shown: Path, real: Path, original: bytes | None, after: bytes | None, mode: int,
                 *, holds_secret: bool) -> None:
        n = len(self.manifest["files"])
        project = project_of(shown)
        if project is not None and str(project) not in self.manifest["projects"]:
            # Recorded before the file is written: undo and recovery write no other project's files.
            self.manifest["projects"].append(str(project))
        copy = after_copy = None
        if original is not None:
            copy = f"file-{n}"
            write_atomically(self.dir / copy, original, 0o600)
        if after is not None:
            after_copy = f"after-{n}"
            write_atomically(self.dir / after_copy, after, 0o600)
        self.manifest["files"].append(
            {
                "path": str(real),
                "shown": str(shown),
                "copy": copy,
                "after_copy": after_copy,
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

    def discard(self) -> str | None:
        """Delete the set; what is left (in words) when it could not be deleted whole."""
        return remove(self.id)

    @property
    def holds_secrets(self) -> bool:
        """Old secrets, or copies of files that held one (.env, .netrc, .pypirc, inline pip.conf)."""
        return any(s.get("copy") for s in self.manifest["secrets"]) or any(
            (f.get("copy") or f.get("after_copy")) and f.get("holds_secret", True) for f in self.manifest["files"]
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


def _names(top: Path) -> list[str]:
    """The backup IDs under ``top``, newest first."""
    try:
        return sorted((n for n in os.listdir(top) if is_id(n)), reverse=True)
    except (FileNotFoundError, NotADirectoryError):
        return []  # no backups yet, or no state dir at all (another command explains why)
    except OSError as err:
        raise UserError(f"{top} cannot be read ({err.strerror}): fix its permissions and run again.") from None


def all_sets() -> list[BackupSet]:
    """Every readable backup set, newest first; damaged ones are left out (``damaged`` lists them)."""
    sets = []
    for name in _names(root()):
        try:
            sets.append(BackupSet.load(name))
        except UserError:
            continue
    return sets


def damaged() -> list[BackupInfo]:
    """The sets that cannot be read, and what recovery set aside (``journal.set_aside``), for listing and purging."""
    out = []
    for name in _names(root()):
        try:
            BackupSet.load(name)
        except UserError as err:
            out.append(BackupInfo(name, "", "(damaged)", [], [], None, status="damaged", holds_secrets=True,
                                  why=str(err)))
    aside = paths.state_dir() / "damaged"
    try:
        names = sorted(os.listdir(aside), reverse=True)
    except OSError:
        names = []
    for name in names:
        out.append(BackupInfo(name, "", "(set aside)", [], [], None, status="set aside", holds_secrets=True))
    return out


def purge_candidates(older_than_days: float | None, *, keep: set[str] | frozenset[str] = frozenset()) -> list[BackupInfo]:
    """The sets made more than ``older_than_days`` ago (all of them for ``None``), except ``keep``.

    A damaged set and what recovery set aside are purged too: they may still hold old secrets."""
    cutoff = None if older_than_days is None else time.time() - older_than_days * 86400
    out = []
    for name in _names(root()):
        if name in keep or (cutoff is not None and _made(name) > cutoff):
            continue
        try:
            out.append(BackupSet.load(name).info())
        except UserError as err:
            out.append(BackupInfo(name, "", "(damaged)", [], [], None, status="damaged", holds_secrets=True,
                                  why=str(err)))
    if cutoff is None:
        out += [b for b in damaged() if b.status == "set aside"]
    return out


def remove(backup_id: str) -> str | None:
    """Delete a set's directory, which must be a real directory right under the backups root.

    Returns what is left, in words, when it could not be deleted whole; None when it is gone."""
    check_id(backup_id)
    directory = root() / backup_id
    if directory.is_symlink() or not directory.is_dir():
        return None
    return _delete(directory)


def remove_set_aside(name: str) -> str | None:
    """Delete one thing recovery set aside: a plain name inside ``damaged/``, never a path."""
    aside = paths.state_dir() / "damaged"
    try:
        if name not in os.listdir(aside):
            return None
    except OSError:
        return None
    target = aside / name
    if target.is_symlink() or not target.is_dir():
        try:
            target.unlink()
        except FileNotFoundError:
            return None
        except OSError as err:
            return f"{target} is left ({err.strerror})"
        return None
    return _delete(target)


def _delete(directory: Path) -> str | None:
    """``rmtree``, checked: the sentence part naming what remains and why, or None."""
    errors: list[BaseException] = []
    if sys.version_info >= (3, 12):
        shutil.rmtree(directory, onexc=lambda func, path, exc: errors.append(exc))
    else:
        shutil.rmtree(directory, onerror=lambda func, path, info: errors.append(info[1]))
    if not os.path.lexists(directory):
        return None
    try:
        left = sum(1 for p in directory.rglob("*") if not p.is_dir())
    except OSError:
        left = 0
    why = next((e.strerror for e in errors if isinstance(e, OSError) and e.strerror), "it could not be deleted")
    what = f"{left} file{'s' if left != 1 else ''} remain in {directory}" if left else f"{directory} remains"
    return f"{what} ({why})"


def _made(backup_id: str) -> float:
    try:
        return calendar.timegm(time.strptime(backup_id[:15], "%Y%m%d-%H%M%S"))
    except ValueError:
        return 0.0  # not a real time: as old as can be


def _depth(text: str) -> int:
    """How deep ``text``'s JSON nests, counted without parsing it (so a deep one cannot exhaust the stack)."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


# A JSON string (skipped whole, so brackets inside one do not count), or one bracket.
_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
