"""The ``keyring`` command on PATH: the same one uv and pip call with
``keyring-provider = subprocess``, so the wizard reads and writes what they will see."""

from __future__ import annotations

import time
from dataclasses import dataclass

from .. import paths
from ..errors import UserError
from ..model import Secret, mask
from .process import TimedOut, find, first_line, run

#: How long doctor lets a plugin take: one with no cloud credentials waits seconds on a metadata server.
PLUGIN_TIMEOUT = 5.0


@dataclass(frozen=True)
class Answer:
    """What ``keyring get`` said: the secret, or why there was none (its last stderr line, or the time-out)."""

    secret: Secret | None
    reason: str = ""
    timed_out: bool = False
    seconds: float = 0.0


def missing(*, in_wizard: bool = False) -> str:
    """Why keyring cannot be used, naming uv's tool directory as this OS spells it."""
    bin_dir = paths.shown(paths.current().uv_tool_bin_dir())
    if in_wizard:
        return ("keyring is not on PATH, so uv and pip cannot ask it for credentials: install it with the button "
                f"below (`uv tool install keyring`, with {bin_dir} on PATH), or choose another store.")
    return ("keyring is not on PATH, so uv and pip cannot ask it for credentials: run "
            f"`uv tool install keyring` and make sure {bin_dir} is on PATH, or choose another --store.")


def executable() -> str:
    return find("keyring", missing=missing(), in_wizard=missing(in_wizard=True))


def read(service: str, username: str) -> Secret | None:
    return ask(service, username).secret


def ask(service: str, username: str, *, timeout: float = 60) -> Answer:
    """``keyring get SERVICE USERNAME``, the call uv and pip make, stopped after ``timeout`` seconds."""
    started = time.monotonic()
    try:
        result = run([executable(), "get", service, username], timeout=timeout)
    except TimedOut:
        return Answer(None, f"keyring get did not answer within {timeout:.0f} s", True, time.monotonic() - started)
    seconds = time.monotonic() - started
    value = result.stdout.rstrip("\r\n")
    if result.returncode == 0 and value:
        return Answer(Secret(value), seconds=seconds)
    reason = mask(first_line(result.stderr)) if result.stderr.strip() else ""
    return Answer(None, reason, seconds=seconds)


def write(service: str, username: str, secret: Secret) -> None:
    # keyring reads the password from a pipe and strips one trailing newline.
    result = run([executable(), "set", service, username], stdin=secret.reveal() + "\n")
    if result.returncode != 0:
        raise UserError(f"keyring set for {service} failed: {mask(first_line(result.stderr))}")


def delete(service: str, username: str) -> None:
    run([executable(), "del", service, username])
