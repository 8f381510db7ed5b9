"""Index names and the environment variables uv derives from them."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .errors import UserError

# uv's rule for `[[tool.uv.index]] name`.
_INDEX_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def env_var_stem(name: str) -> str:
    """``my-index.v2`` → ``UV_INDEX_MY_INDEX_V2``: upper-case ASCII letters and
    digits, every other character ``_`` (the rule uv applies)."""
    return "UV_INDEX_" + "".join(c if c.isascii() and c.isalnum() else "_" for c in name.upper())


def index_env_var(name: str, part: str) -> str:
    """``UV_INDEX_<NAME>_USERNAME`` or ``UV_INDEX_<NAME>_PASSWORD``."""
    return f"{env_var_stem(name)}_{part}"


def check_index_name(name: str, existing: Iterable[str] = ()) -> None:
    """Refuse a name uv would reject, or one whose variables collide with another index's."""
    if not name:
        raise UserError("The index name is empty: give one with --index, e.g. --index acme.",
                        in_wizard="The index name is empty: type the name uv will know it by, e.g. acme.")
    if not _INDEX_NAME.match(name):
        raise UserError(
            f"The index name {name!r} is not allowed: use letters, digits, '-', '_' and '.', "
            "starting with a letter or digit."
        )
    for other in existing:
        if other != name and env_var_stem(other) == env_var_stem(name):
            raise UserError(
                f"The index name {name!r} collides with the existing index {other!r}: both would "
                f"read {env_var_stem(name)}_USERNAME/_PASSWORD, so choose another name."
            )


def suggested_index_name(fields: dict[str, str]) -> str:
    """The name a repository or feed suggests for its index ("py-internal"), made one uv accepts; "" if none."""
    name = fields.get("repository") or fields.get("feed") or ""
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", name).lstrip("._-")
    return name if _INDEX_NAME.match(name) else ""
