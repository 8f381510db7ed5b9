"""Running the credential CLIs: the secret goes on stdin, never on the command line."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from ..errors import UserError


@dataclass(frozen=True)
class Result:
    returncode: int
    stdout: str
    stderr: str


def find(tool: str, *, missing: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise UserError(missing)
    return path


def run(argv: list[str], *, stdin: str | None = None, timeout: float = 60) -> Result:
    try:
        proc = subprocess.run(
            argv,
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        raise UserError(f"{argv[0]} did not finish within {timeout:.0f} s; run it by hand to see why.") from None
    except OSError as err:
        raise UserError(f"Could not run {argv[0]}: {err.strerror}.") from None
    return Result(proc.returncode, proc.stdout, proc.stderr)


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else "no message"
