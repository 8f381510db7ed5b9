"""Which store the user's ``keyring`` really writes to, named as the user knows it, with its limits.

``keyring --list-backends`` prints every viable backend as ``module.Class (priority: N)``
(keyring ``backend.py`` ``KeyringBackend.__str__``, ``cli.py``). keyring uses
``PYTHON_KEYRING_BACKEND`` when it is set, else the highest priority
(``core._detect_backend``); the ``ChainerBackend`` (priority 10 when more than one
backend is viable) writes to the first of the others, by priority, that accepts
(``chainer.py`` ``set_password``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from .. import paths
from .process import run

_LINE = re.compile(r"^(?P<name>[\w.]+) \(priority: (?P<priority>-?[\d.e+-]+)\)$")
_CHAINER = "keyring.backends.chainer.ChainerBackend"
_FAIL = ("keyring.backends.fail.Keyring", "keyring.backends.null.Keyring")

#: Windows' CRED_MAX_CREDENTIAL_BLOB_SIZE is 2,560 bytes and keyring writes the blob as UTF-16
#: (``Windows.py`` ``WinVaultKeyring``): 1,280 characters, less than a service-account key or
#: some CodeArtifact tokens.
WINDOWS_MAX_SECRET = 1280


@dataclass(frozen=True)
class Backend:
    name: str  # keyring's class path
    title: str  # what the user calls it
    max_secret: int | None = None  # the longest secret it holds, in characters
    note: str = ""  # what the user meets with it (prompts, locked sessions)

    @property
    def usable(self) -> bool:
        return self.name not in _FAIL


_KNOWN: dict[str, tuple[str, int | None, str]] = {
    "keyring.backends.Windows.WinVaultKeyring": (
        "Windows Credential Manager", WINDOWS_MAX_SECRET,
        "it holds secrets of up to 1,280 characters"),
    "keyring.backends.macOS.Keyring": (
        "the macOS Keychain", None,
        "macOS asks once per program for access to the item: answer Always Allow, or uv and pip wait on the dialog"),
    "keyring.backends.SecretService.Keyring": (
        "the Secret Service (GNOME Keyring or KWallet)", None,
        "it needs an unlocked desktop session: over SSH or in CI it is locked or absent"),
    "keyring.backends.libsecret.Keyring": (
        "libsecret (GNOME Keyring)", None,
        "it needs an unlocked desktop session: over SSH or in CI it is locked or absent"),
    "keyring.backends.kwallet.DBusKeyring": (
        "KWallet", None, "it needs an unlocked desktop session: over SSH or in CI it is locked or absent"),
    "keyrings.alt.file.PlaintextKeyring": (
        "a plain-text file (keyrings.alt)", None, "anyone who can read your home directory can read the secret"),
    "keyrings.alt.file.EncryptedKeyring": (
        "an encrypted file (keyrings.alt)", None, "it asks for its password each time uv or pip runs"),
    "keyring.backends.fail.Keyring": ("no usable backend", None, "keyring can store nothing on this machine"),
    "keyring.backends.null.Keyring": ("the null backend", None, "keyring stores nothing: the backend is turned off"),
}


def describe(name: str) -> Backend:
    title, limit, note = _KNOWN.get(name, (name, None, ""))
    return Backend(name, title, limit, note)


def parse(listing: str) -> list[tuple[str, float]]:
    """``keyring --list-backends`` as (class path, priority) pairs, in its order."""
    out = []
    for line in listing.splitlines():
        match = _LINE.match(line.strip())
        if match:
            out.append((match["name"], float(match["priority"])))
    return out


def chosen(listing: str) -> Backend | None:
    """The backend ``keyring set`` writes to, given the listing, when ``PYTHON_KEYRING_BACKEND`` names none."""
    backends = parse(listing)
    if not backends:
        return None
    top = max(backends, key=lambda b: b[1])[0]
    if top != _CHAINER:
        return describe(top)
    chain = sorted((b for b in backends if b[0] != _CHAINER and b[1] > 0), key=lambda b: -b[1])
    return describe(chain[0][0]) if chain else describe(_FAIL[0])


def of(keyring: str) -> Backend | None:
    """The backend the user's ``keyring`` (an executable) writes to, or ``None`` when it cannot say.

    A backend named in ``PYTHON_KEYRING_BACKEND`` is the only one keyring loads (``core.load_env``;
    one it cannot load fails every keyring command), so the listing, a start that imports every
    backend (about 0.3 s), is asked only when none is named."""
    forced = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if forced:
        return describe(forced)
    result = run([keyring, "--list-backends"])
    if result.returncode != 0:
        return None
    return chosen(result.stdout)


def refusal(backend: Backend, length: int) -> str | None:
    """Why ``backend`` cannot hold a secret of ``length`` characters, or ``None`` when it can."""
    if not backend.usable:
        return (f"keyring has no working backend to keep secrets in ({backend.name}: {backend.note}): start "
                f"your desktop's keyring, or choose uv's credential store, {_netrc()} or .env.")
    if backend.max_secret is not None and length > backend.max_secret:
        return (f"This secret has {length:,} characters and {backend.title}, where keyring stores it, holds at most "
                f"{backend.max_secret:,}: choose uv's credential store, {_netrc()} or .env instead.")
    return None


def _netrc() -> str:
    return paths.shown(paths.current().netrc())
