"""One module per registry; this registry maps a provider key to its module's class."""

from __future__ import annotations

from ..errors import UserError
from .aws import Aws
from .azure import Azure
from .base import Provider
from .gcp import Gcp
from .generic import Generic

_AVAILABLE: dict[str, type[Provider]] = {"generic": Generic, "gcp": Gcp, "aws": Aws, "azure": Azure}


def get(key: str) -> Provider:
    try:
        return _AVAILABLE[key]()
    except KeyError:
        raise UserError(
            f"--provider {key} is not supported yet: use --provider generic with the registry's "
            "full index URL in --url."
        ) from None


def available() -> list[Provider]:
    return [cls() for cls in _AVAILABLE.values()]


def recognise(url: str) -> tuple[str, dict[str, str]]:
    """The provider whose URL shape ``url`` has, and the fields it stands for (generic: the URL)."""
    for provider in (Gcp(), Aws(), Azure()):
        fields = provider.parse(url)
        if fields:
            return provider.key, fields
    return "generic", {"url": url}
