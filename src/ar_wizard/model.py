"""The draft a user fills in, the plan built from it, and the Secret type."""

from __future__ import annotations

import base64
import functools
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from . import shells
from .paths import shown

if TYPE_CHECKING:  # types only: model sits below both, and imports neither at run time
    from .credentials.google import MintedToken
    from .rotate import Existing

PROVIDERS = ("gcp", "aws", "azure", "generic")
AUTH_METHODS = ("token", "keyring", "service-account-key")
STORES = ("uv", "keyring", "env", "netrc", "file")
SCOPES = ("project", "user")
TARGETS = ("uv", "pip", "twine", "poetry", "pdm", "hatch")
MASK = "****"

# Every secret value alive in this process, so that any text about to be shown
# (a diff, an error, a crash report) can be scrubbed without knowing which
# secrets it might contain.
_live_values: set[str] = set()
_live_lock = threading.Lock()


class Secret:
    """A credential whose repr, str and format never show the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value
        with _live_lock:
            _live_values.add(value)

    def reveal(self) -> str:
        """The plain value: only code that hands it to a store or a server calls this."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __str__(self) -> str:
        return MASK

    def __format__(self, spec: str) -> str:
        return MASK

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __reduce__(self):
        raise TypeError("a Secret cannot be pickled")


def _forms(value: str) -> set[str]:
    """The ways a secret can appear in text we produce: as is, in a URL, in base64."""
    forms = {value, quote(value, safe=""), quote(value)}
    forms.add(base64.b64encode(value.encode()).decode())
    return {f for f in forms if len(f) >= 4}


def redact_credentials(text: str) -> str:
    """``text`` with every credential-shaped value masked, known to this process or not."""
    for pattern, replacement in _credential_spellings():
        text = pattern.sub(replacement, text)
    return text


@functools.cache
def _credential_spellings() -> tuple:
    """Credentials spelled the ways our files spell them, for text whose secrets this
    process never loaded: a URL's userinfo password, netrc's `password X`, an INI
    `password = X`, and a .env `…PASSWORD=X` / `…TOKEN=X` / `…SECRET=X`. Compiled on
    first use: the wizard's first frame does not need them."""
    import re  # start-up: every command imports model, few need these patterns

    return (
        (re.compile(r"(://[^:/@\s]+:)[^@\s/]+(@)"), rf"\g<1>{MASK}\g<2>"),
        (re.compile(r"(\b(?:password|passwd)\s*[=:]\s*)\S.*$", re.I | re.M), rf"\g<1>{MASK}"),
        (re.compile(r"(\b(?:password|passwd)[ \t]+)(?![=:])\S+", re.I), rf"\g<1>{MASK}"),
        (re.compile(r"^([+\- ]?[ \t]*(?:export[ \t]+)?\w*(?:PASSWORD|TOKEN|SECRET)\w*[ \t]*=).*$", re.M),
         rf"\g<1>{MASK}"),
    )


def mask(text: str) -> str:
    """``text`` with every live secret replaced by ``****``."""
    with _live_lock:
        values = list(_live_values)
    for form in sorted({f for v in values for f in _forms(v)}, key=len, reverse=True):
        text = text.replace(form, MASK)
    return text


@dataclass
class Draft:
    """Everything the user has chosen so far; both front ends fill the same one."""

    mode: str = "setup"  # "setup" or "rotate"
    provider: str = "generic"
    # Provider-specific answers (generic: url, publish_url); "url" overrides any provider's shape.
    fields: dict[str, str] = field(default_factory=dict)
    index_name: str = ""
    auth: str = "token"
    username: str = ""
    secret: Secret | None = None
    key_file: str = ""  # a Google service-account key: the secret itself, or what mints it
    store: str = "uv"
    scope: str = "project"
    targets: tuple[str, ...] = ("uv",)
    publish: bool = False
    #: the server never asks for credentials (the live check saw it): uv must send them unasked
    authenticate_always: bool = False
    project_dir: Path = field(default_factory=Path.cwd)
    validate: bool = True
    #: the cloud API's base URL for listing and permission checks ("" for the provider's own)
    api_endpoint: str = ""
    #: rotation: the index as it is set up now
    existing: Existing | None = None
    #: the token was minted for the user: its expiry is recorded, never the token
    minted: MintedToken | None = None

    @property
    def stores_secret(self) -> bool:
        """A keyring plugin mints tokens on demand; every other method stores one."""
        return self.auth != "keyring"


def fresh_draft(project_dir: Path, api_endpoint: str = "") -> Draft:
    """A new setup draft for ``project_dir``: its targets propose the project's own tool (Poetry, PDM or uv)."""
    from .project_tools import proposed_targets  # reads pyproject.toml: only a front end starting a draft needs it

    return Draft(project_dir=project_dir, api_endpoint=api_endpoint, targets=proposed_targets(project_dir))


def sha256(data: bytes | None) -> str | None:
    import hashlib  # ~1.5 ms; only planning and applying need it

    return None if data is None else hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class FileChange:
    """One file's bytes before and after; ``after=None`` removes the file."""

    path: Path
    before: bytes | None
    after: bytes | None
    holds_secret: bool = False
    summary: str = ""
    mode: int | None = None  # set by undo to bring back the original permissions

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass(frozen=True)
class SecretWrite:
    """A secret handed to a credential store; ``secret=None`` removes the entry."""

    store: str  # "uv" or "keyring"
    service: str
    username: str
    secret: Secret | None

    @property
    def summary(self) -> str:
        """The command that makes this write, exactly as it runs (the secret on its stdin), to copy and run."""
        shell = shells.detect()
        service, username = shells.quote(shell, self.service), shells.quote(shell, self.username)
        if self.store == "uv":
            if self.secret is None:
                return f"uv auth logout {service} --username {username}"
            return f"uv auth login {service} --username {username} --password {shells.quote(shell, '-')}"
        return f"keyring {'set' if self.secret is not None else 'del'} {service} {username}"


@dataclass
class Plan:
    draft: Draft
    changes: list[FileChange] = field(default_factory=list)
    secret_writes: list[SecretWrite] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    next_steps: list[str] = field(default_factory=list)

    @property
    def file_changes(self) -> list[FileChange]:
        return [c for c in self.changes if c.changed]

    def diffs(self) -> list[tuple[Path, str]]:
        """One unified diff per changed file, every secret masked."""
        # Start-up: only the Preview and --dry-run show diffs (difflib ~5 ms); model stays light
        # for --version and --help, which import it.
        import difflib

        out = []
        for change in self.file_changes:
            before = _lines(change.before)
            after = _lines(change.after)
            name = shown(change.path)
            diff = difflib.unified_diff(
                before,
                after,
                fromfile=name if change.before is not None else "/dev/null",
                tofile=name if change.after is not None else "/dev/null",
            )
            # Context lines may hold other entries' secrets, which were never loaded here.
            out.append((change.path, redact_credentials(mask("".join(diff)))))
        return out


def _lines(data: bytes | None) -> list[str]:
    if data is None:
        return []
    text = data.decode("utf-8", errors="replace").replace("\r\n", "\n")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines
