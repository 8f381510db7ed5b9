"""Time to first frame in a real terminal: ar-wizard against a bare Textual app.

Each program runs under a pseudo-terminal of 100x30, the clock stops when its
first screen's text has been written, and the median of several runs is
compared. The budget (docs/servers-and-clients.md, "Budgets"): ar-wizard within 1.1x of the bare app.

    uv run python benchmarks/startup.py [--runs 15]
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from pathlib import Path

BARE_APP = """
from textual.app import App
from textual.widgets import Footer, Static

class Bare(App):
    def compose(self):
        yield Static("bare-app-ready")
        yield Footer()

Bare().run()
"""
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[PX^_].*?\x1b\\\\|\x1b\][^\x07]*\x07|\x1b[@-Z\\-_]")


def first_frame(argv: list[str], marker: bytes, cwd: str, env: dict[str, str], timeout: float = 30.0) -> float:
    """Seconds from spawning ``argv`` on a pty until ``marker`` is on its screen."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: becomes the program
        os.chdir(cwd)
        os.execvpe(argv[0], argv, env)
    started = time.perf_counter()
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    seen = b""
    try:
        while time.perf_counter() - started < timeout:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            seen += chunk
            if marker in ANSI.sub(b"", seen).replace(b" ", b""):
                return time.perf_counter() - started
        raise RuntimeError(f"{argv[0]} never drew {marker!r}")
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ar-wizard-bench-"))
    (work / "pyproject.toml").write_text('[project]\nname = "demo"\nversion = "0"\n')
    bare = work / "bare_app.py"
    bare.write_text(BARE_APP)
    env = dict(os.environ, TERM="xterm-256color", HOME=str(work), XDG_CONFIG_HOME=str(work / ".config"))
    # Users' interpreters cache bytecode; without it every start compiles Textual
    # and ar-wizard from source and the measurement is of the compiler.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    wizard = [str(Path(sys.executable).with_name("ar-wizard"))]
    programs = {
        "bare Textual app": ([sys.executable, str(bare)], b"bare-app-ready"),
        "ar-wizard": (wizard, b"Connectuvtoaprivatepackageindex"),
    }
    for argv, marker in programs.values():  # warm the file cache and bytecode once
        first_frame(argv, marker, str(work), env)
    times: dict[str, list[float]] = {name: [] for name in programs}
    for _ in range(args.runs):  # interleaved, so drift in the machine's load hits both
        for name, (argv, marker) in programs.items():
            times[name].append(first_frame(argv, marker, str(work), env))
    medians = {name: statistics.median(t) for name, t in times.items()}
    for name, median in medians.items():
        spread = f"{min(times[name]) * 1000:.0f}-{max(times[name]) * 1000:.0f}"
        print(f"{name:18} median {median * 1000:6.0f} ms  (range {spread} ms, {args.runs} runs)")
    ratio = medians["ar-wizard"] / medians["bare Textual app"]
    print(f"ratio {ratio:.2f}  (budget 1.10)")


if __name__ == "__main__":
    main()
