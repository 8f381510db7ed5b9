"""uv's own credential store, through the real ``uv auth`` commands (uv ≥ 0.8.15)."""

from __future__ import annotations

import re

from ..errors import UserError
from ..model import Secret, mask
from .process import find, first_line, run

MINIMUM = (0, 8, 15)


def _uv() -> str:
    return find(
        "uv",
        missing="uv is not on PATH: install it (https://docs.astral.sh/uv/) or choose another --store.",
    )


def version() -> tuple[int, ...]:
    out = run([_uv(), "--version"]).stdout
    match = re.search(r"(\d+)\.(\d+)\.(\d+)", out)
    return tuple(int(x) for x in match.groups()) if match else (0, 0, 0)


def check_available() -> None:
    found = version()
    if found < MINIMUM:
        have = ".".join(map(str, found))
        raise UserError(
            f"uv {have} has no credential store (it arrived in uv 0.8.15): run `uv self update`, "
            "or choose --store keyring, netrc or env."
        )


def read(service: str, username: str) -> Secret | None:
    result = run([_uv(), "auth", "token", service, "--username", username])
    value = result.stdout.rstrip("\r\n")
    return Secret(value) if result.returncode == 0 and value else None


def write(service: str, username: str, secret: Secret) -> None:
    result = run(
        [_uv(), "auth", "login", service, "--username", username, "--password", "-"],
        stdin=secret.reveal() + "\n",
    )
    if result.returncode != 0:
        raise UserError(f"uv auth login for {service} failed: {mask(first_line(result.stderr))}")


def delete(service: str, username: str) -> None:
    run([_uv(), "auth", "logout", service, "--username", username])


def usernames(url: str) -> list[str]:
    """The usernames uv's store holds a secret for, for ``url`` (uv matches by origin and path prefix).

    ``uv auth token`` needs the username; uv itself finds it in the store's
    index, so this reads the usernames (never the secrets) from the same file.
    """
    result = run([_uv(), "auth", "dir"])
    if result.returncode != 0:
        return []
    from pathlib import Path

    from ..targets.uv_config import load_toml

    path = Path(result.stdout.strip()) / "credentials.toml"
    try:
        entries = load_toml(path.read_text(encoding="utf-8"), path).get("credential", [])
    except (OSError, UserError):
        return []
    return [
        str(e["username"])
        for e in entries
        if isinstance(e, dict) and e.get("username") and url.startswith(str(e.get("service", "\0")))
    ]
