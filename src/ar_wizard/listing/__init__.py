"""What the signed-in identity can reach: the repositories to pick from, and whether it may upload.

One module per provider (``gcp``, ``aws``, ``azure``); this one holds what they
share: the result types and a small JSON-over-HTTPS client whose errors are
sentences. Every call is slow (network, a CLI): run it off the UI thread.
The HTTP stack and the minting code are imported inside the calls that use them:
the Registry screen imports this package while it draws.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import UserError
from ..model import mask


class ListingError(UserError):
    """The listing could not be had: typing the names stays possible."""

    exit_code = 1


@dataclass(frozen=True)
class Repository:
    """One repository the identity can see, with the provider's fields that name it."""

    name: str
    fields: dict[str, str]
    description: str = ""
    #: where it lives, for people: "acme-prod · us-central1", "acme (123456789012, us-east-1)"
    where: str = ""

    def as_json(self) -> dict:
        return {"name": self.name, "fields": self.fields, "description": self.description, "where": self.where}


@dataclass
class Listing:
    repositories: list[Repository] = field(default_factory=list)
    #: what could not be listed, and why (a location with the API disabled, no permission to list projects…)
    notes: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        return {"repositories": [r.as_json() for r in self.repositories], "notes": self.notes}


@dataclass(frozen=True)
class HttpError(Exception):
    status: int
    body: dict
    text: str


TIMEOUT = 15.0


def request_json(url: str, *, authorization: str, body: dict | None = None, timeout: float = TIMEOUT) -> dict:
    """GET (or POST ``body``) ``url`` and return its JSON; an HTTP error is ``HttpError``, a network one a sentence."""
    import urllib.request

    from ..network import NetworkError, open_url

    data = json.dumps(body).encode() if body is not None else None
    headers = {"Authorization": authorization, "Accept": "application/json", "User-Agent": "ar-wizard"}
    if data is not None:
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(url, data=data, headers=headers, method="POST" if data is not None else "GET")
    host = urlsplit(url).hostname or url
    try:
        with open_url(request, timeout=timeout) as response:
            status = response.status
            raw = response.read()
            content_type = response.headers.get("Content-Type", "")
    except NetworkError as err:
        raise ListingError(err.message) from None
    except OSError as err:  # the connection broke while the body was read
        raise ListingError(f"The connection to {host} broke ({mask(str(err))}): try again.") from None
    if status >= 400:
        try:
            parsed = json.loads(raw)
        except ValueError:
            parsed = {}
        raise HttpError(status, parsed if isinstance(parsed, dict) else {}, raw[:500].decode("utf-8", "replace"))
    if "json" not in content_type:
        # Azure DevOps answers a refused PAT with a 203 and its sign-in page.
        raise HttpError(203, {}, raw[:500].decode("utf-8", "replace"))
    try:
        parsed = json.loads(raw)
    except ValueError:
        raise ListingError(f"{host} answered with something that is not JSON: check the API endpoint.") from None
    return parsed if isinstance(parsed, dict) else {}
