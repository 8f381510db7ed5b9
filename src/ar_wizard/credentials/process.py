"""Running the credential CLIs: the secret goes on stdin, never on the command line."""

from __future__ import annotations

import subprocess
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
    """The tool was stopped after ``timeout`` seconds."""


def run(argv: list[str], *, stdin: str | None = None, timeout: float = 60) -> Result:
    try:
        proc = subprocess.run(
            argv,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
            env=userpath.child_env(),
        )
    except subprocess.TimeoutExpired:
        raise TimedOut(f"{argv[0]} did not finish within {timeout:.0f} s; run it by hand to see why.") from None
    except OSError as err:
        raise UserError(f"Could not run {argv[0]}: {err.strerror}.") from None
    return Result(proc.returncode, proc.stdout, proc.stderr)


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
