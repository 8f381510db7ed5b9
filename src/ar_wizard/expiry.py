"""When the tokens ar-wizard minted stop working, and how to mint the next one.

Only the expiry is recorded, never the token: ``$XDG_STATE_HOME/ar-wizard/tokens.json``
maps an index URL to when its token expires, who it was minted for, and the
provider, fields and key file it was minted from (a URL override such as a
proxy hides the provider, and rotation re-mints the same way).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import paths
from .fileio import write_atomically

#: A token with less than this left is worth rotating now, before a build fails halfway.
SOON = timedelta(minutes=30)


@dataclass(frozen=True)
class TokenExpiry:
    url: str
    index: str
    expires_at: datetime
    identity: str
    source: str
    approximate: bool = False
    provider: str = ""
    fields: tuple[tuple[str, str], ...] = ()
    key_file: str = ""

    def remaining(self, now: datetime | None = None) -> timedelta:
        return self.expires_at - (now or datetime.now(timezone.utc))

    def describe(self, now: datetime | None = None) -> str:
        """``expired 5 min ago`` or ``expires in about 20 min``."""
        left = self.remaining(now)
        about = "about " if self.approximate else ""
        if left <= timedelta(0):
            return f"expired {_span(-left)} ago"
        return f"expires in {about}{_span(left)}"


def _span(delta: timedelta) -> str:
    """The units a person would use: minutes under 1½ h, then hours, then days."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 90:
        return f"{max(minutes, 0)} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{round(minutes / (24 * 60))} days"


def until(expires_at: datetime, *, approximate: bool = False, now: datetime | None = None) -> str:
    """``in about 12 h (tomorrow 08:44)``: how long, and the local time it happens."""
    now = now or datetime.now(timezone.utc)
    local, today = expires_at.astimezone(), now.astimezone().date()
    days = (local.date() - today).days
    day = "" if days == 0 else "tomorrow " if days == 1 else f"{local:%a %d %b} "
    about = "about " if approximate else ""
    return f"in {about}{_span(expires_at - now)} ({day}{local:%H:%M})"


def _file():
    return paths.state_dir() / "tokens.json"


def _load() -> dict:
    try:
        data = json.loads(_file().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def record(url: str, draft, minted) -> None:
    """Remember when the token minted for ``url`` expires (a ``MintedToken``; nothing if unknown)."""
    if minted.expires_at is None:
        return
    data = _load()
    data[url] = {
        "index": draft.index_name,
        "expires_at": minted.expires_at.astimezone(timezone.utc).isoformat(),
        "identity": minted.identity,
        "source": minted.source,
        "approximate": bool(getattr(minted, "expiry_approximate", False)),
        "provider": draft.provider,
        "fields": {k: v for k, v in draft.fields.items() if isinstance(v, str)},
        "key_file": str(Path(draft.key_file).resolve()) if draft.key_file else "",
    }
    paths.state_dir().mkdir(parents=True, exist_ok=True, mode=0o700)
    write_atomically(_file(), (json.dumps(data, indent=2) + "\n").encode(), 0o600)


def forget(url: str) -> None:
    """The secret for ``url`` was replaced by one ar-wizard did not mint: its expiry is unknown."""
    data = _load()
    if data.pop(url, None) is not None:
        write_atomically(_file(), (json.dumps(data, indent=2) + "\n").encode(), 0o600)


def recorded() -> list[TokenExpiry]:
    out = []
    for url, entry in _load().items():
        try:
            expires = datetime.fromisoformat(entry["expires_at"])
        except (KeyError, TypeError, ValueError):
            continue
        fields = entry.get("fields") if isinstance(entry.get("fields"), dict) else {}
        out.append(
            TokenExpiry(url, str(entry.get("index", "")), expires, str(entry.get("identity", "")),
                        str(entry.get("source", "")), bool(entry.get("approximate")),
                        str(entry.get("provider", "")), tuple((str(k), str(v)) for k, v in fields.items()),
                        str(entry.get("key_file", "")))
        )
    return out


def for_url(url: str) -> TokenExpiry | None:
    return next((t for t in recorded() if t.url == url), None)


def expiring(now: datetime | None = None) -> list[TokenExpiry]:
    """Recorded tokens that have expired or will within ``SOON``."""
    return [t for t in recorded() if t.remaining(now) <= SOON]
