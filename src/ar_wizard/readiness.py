"""Can the chosen store work on this machine right now? Asked as the store is
chosen, so that a keyring missing from the user's PATH, a keyring with no
backend or a uv without a credential store is said there, with its fix, and
never first found at Preview or Apply.

Runs the real ``keyring`` and ``uv`` the user's shell would run: call it off the UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from . import providers
from .credentials import keyring_setup, uv_store
from .credentials.process import run
from .errors import UserError
from .providers.base import is_loopback
from .userpath import which

if TYPE_CHECKING:
    from .model import Draft

#: A service no one stores a secret under: asking for it proves keyring has a backend, and reads nothing.
_PROBE = ("ar-wizard-readiness-probe", "ar-wizard")


@dataclass(frozen=True)
class Readiness:
    ok: bool
    #: one sentence: what is wrong and what to do, or what was checked
    message: str
    #: ``uv tool install keyring`` would fix it: the plugin to install with it ("" for keyring alone)
    install: str | None = None


def check(draft: Draft) -> Readiness:
    """Whether the draft's store (or its keyring plugin) can be written and read here."""
    plugin = providers.get(draft.provider).keyring_plugin
    if draft.auth == "keyring" and plugin:
        return _plugin(draft, *plugin)
    if not draft.stores_secret:
        return Readiness(True, "Nothing is stored: keyring is asked each time.")
    if draft.store == "keyring":
        return _keyring()
    if draft.store == "uv":
        return _uv(draft)
    return Readiness(True, "")


def _plugin(draft: Draft, package: str, backend: str) -> Readiness:
    url = _url(draft)
    problems = [f for f in keyring_setup.check(package, backend, url) if not f.ok]
    if not problems:
        return Readiness(True, f"keyring is on your PATH and loads {package}.")
    first = problems[0]
    installable = bool(first.fix and first.fix.startswith("uv tool install"))
    return Readiness(False, first.message, package if installable else None)


def _keyring() -> Readiness:
    problems = [f for f in keyring_setup.check(None, "", "") if not f.ok]
    if problems:
        first = problems[0]
        if first.fix and first.fix.startswith("uv tool install"):
            if which("keyring") is None:
                return Readiness(
                    False,
                    "keyring is not on your PATH, so uv and pip cannot read a secret kept in the keyring: "
                    "install it with the button below, or choose another store.",
                    "",
                )
            return Readiness(False, first.message, "")
        return Readiness(False, first.message)
    keyring = which("keyring")
    assert keyring is not None  # the check above found it
    result = run([keyring, "get", *_PROBE])
    if result.returncode != 0 and ("NoKeyringError" in result.stderr or "Traceback" in result.stderr):
        return Readiness(
            False,
            f"{keyring} has no working backend to keep secrets in (no OS keyring is running, or "
            "PYTHON_KEYRING_BACKEND names one that cannot store): start your desktop's keyring, or "
            "choose another store.",
        )
    return Readiness(True, f"{keyring} is on your PATH and has a working backend.")


def _uv(draft: Draft) -> Readiness:
    url = _url(draft)
    try:
        uv_store.check_available(url)
    except UserError as err:
        return Readiness(False, err.for_wizard())
    parts = urlsplit(url)
    if url and parts.scheme != "https" and not is_loopback(parts.hostname or ""):
        return Readiness(
            False,
            "uv's credential store only accepts https URLs for hosts other than localhost: choose "
            "~/.netrc or a .env file instead.",
        )
    return Readiness(True, "uv has a credential store (uv auth login).")


def _url(draft: Draft) -> str:
    try:
        return providers.get(draft.provider).urls(draft.fields).simple
    except UserError:
        return ""  # the registry's fields are checked on their own screen
