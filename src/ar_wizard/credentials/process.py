"""Running the credential CLIs: the secret goes on stdin, never on the command line.

Every child is tied to the wizard's life: it runs in its own process group,
which is killed when the wizard stops waiting for it (a time-out, Ctrl-C, an
exception), and on Linux the kernel also sends it SIGTERM when the thread that
started it dies (``PR_SET_PDEATHSIG``), so a store command cannot outlive a
killed wizard and write its secret after recovery has put the old one back.
Where that signal does not exist (macOS, Windows) the transaction's
``watching`` hook still records each child's PID in the journal, and recovery
stops a recorded child before it rolls back (``stop``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .. import userpath
from ..errors import UserError


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def find(tool: str, *, missing: str, in_wizard: str | None = None) -> str:
    """``tool`` on the user's PATH, the one uv and pip will run, never the wizard's own copy."""
    path = userpath.which(tool)
    if path is None:
        raise UserError(missing, in_wizard=in_wizard)
    return path


class TimedOut(UserError):
    """The tool was stopped after ``timeout`` seconds; ``stderr`` is what it had written by then."""

    stderr: str = ""


_local = threading.local()  # the watcher of the transaction this thread runs, if any


@contextmanager
def watching(watcher: Callable[[int | None], None]) -> Iterator[None]:
    """Tell ``watcher`` each child's PID as it starts (and ``None`` once it has ended), in this thread."""
    previous = getattr(_local, "watcher", None)
    _local.watcher = watcher
    try:
        yield
    finally:
        _local.watcher = previous


def run(argv: list[str], *, stdin: str | None = None, timeout: float = 60) -> Result:
    watcher = getattr(_local, "watcher", None)
    try:
        proc = subprocess.Popen(
            argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=userpath.child_env(),
            **_tied_to_us(die_with_us=watcher is not None),
        )
    except OSError as err:
        raise UserError(f"Could not run {argv[0]}: {err.strerror}.") from None
    try:
        if watcher is not None:
            watcher(proc.pid)
        out, errors = proc.communicate(stdin if stdin is not None else "", timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc.pid)
        proc.kill()
        _, said = proc.communicate()  # what it wrote before it was stopped says what it was waiting on
        stopped = TimedOut(f"{argv[0]} did not finish within {timeout:.0f} s; run it by hand to see why.")
        stopped.stderr = said or ""
        raise stopped from None
    finally:
        if proc.returncode is None:  # we stop waiting (time-out, Ctrl-C, an error): it stops too
            _kill_group(proc.pid)
            proc.kill()
            proc.communicate()
        if watcher is not None:
            watcher(None)
    return Result(proc.wait(), out, errors)  # it has ended: wait() only gives its code


def _tied_to_us(*, die_with_us: bool) -> dict:
    """Popen arguments that give the child its own process group and, for a transaction's child on Linux,
    a parent-death signal.

    Only a transaction's children get the signal: it needs a function run between fork and exec, which
    makes Python fork instead of vfork (about 8 ms more per child, measured by benchmarks/child_spawn.py),
    and only they can write something recovery has to put back."""
    if os.name == "nt":
        return {"creationflags": getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)}
    group: dict = {"process_group": 0} if sys.version_info >= (3, 11) else {"start_new_session": True}
    prctl = _prctl() if die_with_us else None
    if prctl is None:
        return group
    parent = os.getpid()

    def die_with_parent() -> None:
        # Runs in the child between fork and exec; prctl was looked up in the parent, so this
        # only makes the system call. A parent already gone before it took effect: exit now.
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return {**group, "preexec_fn": die_with_parent}


_PR_SET_PDEATHSIG = 1
_prctl_fn: list = []


def _prctl():
    """libc's ``prctl`` on Linux, looked up once; None elsewhere or when libc cannot be loaded."""
    if not sys.platform.startswith("linux"):
        return None
    if not _prctl_fn:
        try:
            import ctypes

            _prctl_fn.append(ctypes.CDLL(None, use_errno=True).prctl)
        except (OSError, AttributeError):
            _prctl_fn.append(None)
    return _prctl_fn[0]


def _kill_group(pid: int) -> None:
    if os.name == "nt":
        return  # Popen.kill (TerminateProcess) is all Windows offers without a job object
    try:
        os.killpg(pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def started(pid: int) -> int:
    """When ``pid`` started, in the kernel's clock ticks since boot (Linux); 0 where the OS does not say.

    Recorded beside a PID so that recovery never stops another process that reused the number."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return 0


def stop(pid: int, start: int, *, grace: float = 10.0) -> bool:
    """Let a recorded child's process group finish for ``grace`` seconds, then stop it; True if it was running.

    The group, not only the child: a store command's own children (a shim's real ``keyring``) outlive
    it when the parent-death signal reaches only the child. A PID another process now holds (its start
    time differs, where the OS tells) means the group is long gone: nothing is signalled."""
    if os.name == "nt":
        return False  # os.kill would terminate whatever holds the number now; nothing safe to do
    now = started(pid)
    if start and now and now != start:
        return False
    if not _group_alive(pid):
        return False
    deadline = time.monotonic() + grace
    while _group_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not _group_alive(pid):
            break
        try:
            os.killpg(pid, sig)
        except (ProcessLookupError, PermissionError):
            break
        until = time.monotonic() + 2
        while _group_alive(pid) and time.monotonic() < until:
            time.sleep(0.05)
    return True


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except (ProcessLookupError, PermissionError):
        return False  # gone, or another user's: not one we started
    return True


def version_of(executable: str) -> tuple[int, ...]:
    """The ``X.Y[.Z]`` that ``executable --version`` prints, as numbers; ``()`` when it prints none."""
    import re

    match = re.search(r"(\d+)\.(\d+)(?:\.(\d+))?", run([executable, "--version"]).stdout)
    return tuple(int(x) for x in match.groups() if x is not None) if match else ()


def shown_version(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version)) or "of unknown version"


def first_line(text: str) -> str:
    """The line of a tool's stderr that says what went wrong: its ``error:`` line, else the last one.

    uv and clap end with "For more information, try '--help'", which says nothing."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    for line in lines:
        if line.lower().startswith("error:"):
            return line
    meaningful = [line for line in lines if not line.startswith("For more information")]
    return (meaningful or lines or ["no message"])[-1]
