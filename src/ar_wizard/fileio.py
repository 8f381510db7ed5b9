"""Atomic file writes, and the temp files they make where a kill can leave them.

A new file's bytes go to a temp file beside the (symlink-resolved) target,
are fsynced, take their mode and replace the target with ``os.replace``. The
temp file is named ``.NAME.XXXXXXXX.ar-wizard``, mode 0600 until it is whole,
so that a kill can leave one only beside its target and recovery finds it by
the target's name (``stray_temps``).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from . import paths

TEMP_SUFFIX = ".ar-wizard"

# The kill test's hook: AR_WIZARD_KILL_AT=N makes the Nth crash point of this process
# SIGKILL it, so every point where a kill can land is tried, in order, without timing.
# AR_WIZARD_KILL_AT=0 kills nowhere and prints "crash point: WHAT" to stderr at each one:
# the test learns which points are alike (the same kind of write) and kills at a sample.
_crash_points_passed = 0


def crash_point(what: str) -> None:
    """A place where a kill leaves the most to recover (a temp file, a half-done change); ``what`` names it."""
    global _crash_points_passed
    target = os.environ.get("AR_WIZARD_KILL_AT")
    if not target:
        return
    _crash_points_passed += 1
    if target == "0":
        print(f"crash point: {what}", file=sys.stderr, flush=True)
    elif str(_crash_points_passed) == target:
        import signal

        os.kill(os.getpid(), signal.SIGKILL)


def read(path: Path) -> bytes | None:
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
        fsync_dir(real.parent)
        return
    import tempfile  # only writers need it; every command's start (recovery) imports this module

    real.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp makes it 0600: a secret is never readable by others, even half-written.
    fd, tmp = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
            _set_mode(f.fileno(), tmp, mode)
        crash_point(str(real))
        install(tmp, real)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    fsync_dir(real.parent)


def _set_mode(fd: int, name: str, mode: int) -> None:
    """Give the new file its mode where modes protect it (Linux, macOS).

    On Windows the folder's ACL protects it and ``chmod`` only sets the read-only bit, and
    ``os.fchmod`` exists there only from Python 3.13: the file keeps what its folder gives it."""
    if not paths.current().applies_modes:
        return
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:
        os.chmod(name, mode)


#: How long ``install`` keeps trying while another program holds the target open on Windows.
REPLACE_RETRIES = (0.05, 0.1, 0.2, 0.4, 0.8)


class FileInUse(OSError):
    """Windows refused to replace a file another program has open (an editor, a running uv or pip)."""


def install(tmp: str, real: Path) -> None:
    """``os.replace``, retried briefly where Windows refuses while another process holds ``real`` open.

    Windows answers ``PermissionError`` (sharing violation, winerror 5 or 32) for a file open
    without ``FILE_SHARE_DELETE``; virus scanners and indexers hold files for a moment, editors longer."""
    platform = paths.current()
    for pause in (*REPLACE_RETRIES, None):
        try:
            os.replace(tmp, real)
            return
        except PermissionError as err:
            if not platform.windows:
                raise
            if pause is None:
                raise FileInUse(err.errno, "it is open in another program (an editor, or a running uv or pip)",
                                str(real)) from err
            time.sleep(pause)


def fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return  # e.g. Windows, where directories cannot be opened
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def stray_temps(real: Path) -> list[Path]:
    """The temp files a killed write of ``real`` may have left beside it."""
    try:
        names = os.listdir(real.parent)
    except OSError:
        return []
    prefix = f".{real.name}."
    # mkstemp's part is 8 characters; the name must be exactly ours, nothing the user made.
    return [
        real.parent / n
        for n in names
        if n.startswith(prefix) and n.endswith(TEMP_SUFFIX) and len(n) == len(prefix) + 8 + len(TEMP_SUFFIX)
    ]


def remove_stray_temps(real: Path) -> int:
    removed = 0
    for tmp in stray_temps(real):
        try:
            tmp.unlink()
            removed += 1
        except FileNotFoundError:
            pass
    return removed


def real_name(name: str | os.PathLike | None) -> str | None:
    """The file a temp file stands in for: ``.pyproject.toml.ab12cd34.ar-wizard`` → ``pyproject.toml``."""
    if name is None:
        return None
    path = Path(os.fsdecode(name))
    n = path.name
    if n.startswith(".") and n.endswith(TEMP_SUFFIX) and len(n) > 10 + len(TEMP_SUFFIX):
        return str(path.with_name(n[1 : -len(TEMP_SUFFIX) - 9]))
    return str(path)


def describe_os_error(err: OSError) -> str:
    """One sentence for an OSError nothing more specific caught: the real file, what happened, what to do."""
    import errno

    where = real_name(err.filename)
    subject = paths.shown(Path(where)) if where else "a file"
    if isinstance(err, FileInUse):
        return f"{subject}: {err.strerror}; close it there and run again."
    advice = {
        errno.EACCES: "fix its permissions (or its directory's)",
        errno.EPERM: "fix its permissions (or its directory's)",
        errno.EROFS: "it is on a read-only file system; run where it can be written",
        errno.ENOSPC: "the disk is full; free some space",
        errno.ENOTDIR: "a file stands where a directory belongs in its path; move that file aside",
        errno.EISDIR: "it is a directory; move it aside",
    }.get(err.errno or 0, "fix that")
    return f"{subject}: {err.strerror or err}; {advice} and run again (nothing was left half-written)."
