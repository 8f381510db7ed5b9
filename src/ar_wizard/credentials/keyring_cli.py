"""The ``keyring`` command on PATH: the same one uv and pip call with
``keyring-provider = subprocess``, so the wizard reads and writes what they will see."""

from __future__ import annotations

from ..errors import UserError
from ..model import Secret, mask
from .process import find, first_line, run

MISSING = (
    "keyring is not on PATH, so uv and pip cannot ask it for credentials: run "
    "`uv tool install keyring` and make sure ~/.local/bin is on PATH, or choose another --store."
)


def executable() -> str:
    return find("keyring", missing=MISSING)


def read(service: str, username: str) -> Secret | None:
    result = run([executable(), "get", service, username])
    value = result.stdout.rstrip("\r\n")
    return Secret(value) if result.returncode == 0 and value else None


def write(service: str, username: str, secret: Secret) -> None:
    # keyring reads the password from a pipe and strips one trailing newline.
    result = run([executable(), "set", service, username], stdin=secret.reveal() + "\n")
    if result.returncode != 0:
        raise UserError(f"keyring set for {service} failed: {mask(first_line(result.stderr))}")


def delete(service: str, username: str) -> None:
    run([executable(), "del", service, username])
