"""uv's own credential store, through the real ``uv auth`` commands (uv ≥ 0.8.15)."""

from __future__ import annotations

from pathlib import Path

from .. import paths
from ..errors import UserError
from ..model import Secret, mask
from .process import find, first_line, run, shown_version, version_of

MINIMUM = (0, 8, 15)
#: uv 0.8.15's `uv auth login` refuses an http:// URL ("only HTTPS is supported").
HTTP_MINIMUM = (0, 8, 16)
_UPGRADE = "run `uv self update` (or upgrade uv the way you installed it)"


def _uv() -> str:
    return find(
        "uv",
        missing="uv is not on PATH: install it (https://docs.astral.sh/uv/) or choose another --store.",
        in_wizard="uv is not on PATH: install it (https://docs.astral.sh/uv/) or choose another store below.",
    )


def version() -> tuple[int, ...]:
    return version_of(_uv())


def check_available(url: str = "") -> None:
    """Refuse, before anything is written, a uv whose store cannot hold a secret for ``url``."""
    found = version()
    have = shown_version(found)
    if found < MINIMUM:
        raise UserError(
            f"uv {have} has no credential store (it arrived in uv 0.8.15): {_UPGRADE}, "
            "or choose --store keyring, netrc or env.",
            in_wizard=f"uv {have} has no credential store (it arrived in uv 0.8.15): {_UPGRADE}, "
            "or choose the keyring, ~/.netrc or a .env file below.",
        )
    if url.startswith("http://") and found < HTTP_MINIMUM:
        raise UserError(
            f"uv {have} stores credentials only for https URLs and {url} is http (uv 0.8.16 accepts it): "
            f"{_UPGRADE}, or choose --store netrc or env.",
            in_wizard=f"uv {have} stores credentials only for https URLs and {url} is http (uv 0.8.16 accepts "
            f"it): {_UPGRADE}, or choose ~/.netrc or a .env file below.",
        )


def directory() -> Path:
    """Where this machine's uv keeps its store: ``uv auth dir`` (uv 0.9 and later), else uv's rule for this OS."""
    result = run([_uv(), "auth", "dir"])
    answer = result.stdout.strip()
    if result.returncode == 0 and answer and "\n" not in answer:
        return Path(answer)
    return paths.current().uv_credentials_dir()


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
    from ..targets.uv_config import load_toml

    path = directory() / "credentials.toml"
    try:
        entries = load_toml(path.read_text(encoding="utf-8"), path).get("credential", [])
    except (OSError, UserError):
        return []
    return [
        str(e["username"])
        for e in entries
        if isinstance(e, dict) and e.get("username") and url.startswith(str(e.get("service", "\0")))
    ]
