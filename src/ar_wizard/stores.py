"""Which tool reads which credential store, and the sentence when one cannot."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import UserError, all_of

if TYPE_CHECKING:
    from .model import Secret

STORE_TITLES = {
    "uv": "uv's credential store (uv auth login)",
    "keyring": "the OS keyring (keyring set)",
    "env": "a .env file with UV_INDEX_* variables",
    "netrc": "~/.netrc",
    "file": "inline in pip.conf / .pypirc",
}

# The tools a store serves (docs/servers-and-clients.md: "Which tool reads which store").
# Poetry, PDM and Hatch: the keyring through their own environment's keyring package (Poetry refuses
# a plain-text backend), env as their own variables in .env (POETRY_HTTP_BASIC_*, ${PDM_SOURCE_*} in the
# source URL, PDM_PUBLISH_*, HATCH_INDEX_*), file as their own config (Poetry's auth.toml, PDM's and
# Hatch's config.toml). netrc is read by requests (Poetry) and unearth (PDM) when installing, never by
# their uploads.
READERS: dict[str, frozenset[str]] = {
    "uv": frozenset({"uv", "uv publish"}),
    "keyring": frozenset({"uv", "pip", "uv publish", "twine", "poetry", "poetry publish", "pdm", "pdm publish", "hatch"}),
    "env": frozenset({"uv", "uv publish", "twine", "poetry", "poetry publish", "pdm", "pdm publish", "hatch"}),
    "netrc": frozenset({"uv", "pip", "uv publish", "poetry", "pdm"}),
    "file": frozenset({"pip", "twine", "poetry", "poetry publish", "pdm", "pdm publish", "hatch"}),
}

_WHY_NOT = {
    ("uv", "pip"): "pip cannot read uv's credential store",
    ("uv", "twine"): "twine cannot read uv's credential store",
    ("env", "pip"): "pip does not read UV_INDEX_* variables",
    ("netrc", "twine"): "twine does not read ~/.netrc",
    ("netrc", "poetry publish"): "poetry publish does not read ~/.netrc",
    ("netrc", "pdm publish"): "pdm publish does not read ~/.netrc",
    ("netrc", "hatch"): "hatch publish does not read ~/.netrc",
    ("uv", "poetry"): "Poetry cannot read uv's credential store",
    ("uv", "pdm"): "PDM cannot read uv's credential store",
    ("uv", "hatch"): "Hatch cannot read uv's credential store",
    ("file", "uv"): "uv never reads credentials from its own config files",
    ("file", "uv publish"): "uv never reads credentials from its own config files",
}

# Preference order for the alternative we offer: no plaintext file first.
_PREFERENCE = ("uv", "keyring", "netrc", "env", "file")


def tools_for(targets: tuple[str, ...], publish: bool) -> list[str]:
    tools = list(targets)
    for tool in ("uv", "poetry", "pdm"):
        if publish and tool in targets:
            tools.append(f"{tool} publish")
    return tools


class StoreRefused(UserError):
    """A chosen tool cannot read the chosen store; ``alternative`` is one every tool reads."""

    def __init__(self, store: str, targets: tuple[str, ...], reason: str, tools: list[str], alternative: str | None):
        self.reason = reason
        self.tools = tools
        self.alternative = alternative
        fix = f"use --store {alternative}, which {all_of(tools, 'read')}" if alternative else "configure the tools in separate runs"
        super().__init__(f"--store {store} cannot work with --targets {','.join(targets)}: {reason}; {fix}.")


def check_store(store: str, targets: tuple[str, ...], publish: bool) -> None:
    """Refuse a store some chosen tool cannot read, naming the reason and one that works."""
    tools = tools_for(targets, publish)
    for tool in tools:
        if tool not in READERS[store]:
            reason = _WHY_NOT.get((store, tool), f"{tool} cannot read {STORE_TITLES[store]}")
            alternative = next((s for s in _PREFERENCE if READERS[s].issuperset(tools)), None)
            raise StoreRefused(store, targets, reason, tools, alternative)


def store_module(name: str):
    """The module that reads, writes and deletes secrets in store ``name`` ("uv" or "keyring")."""
    # Start-up: only a transaction and its recovery write secrets; the checks above never load the CLIs.
    from .credentials import keyring_cli, uv_store

    return {"uv": uv_store, "keyring": keyring_cli}[name]


def put_secret(store, service: str, username: str, secret: Secret | None) -> None:
    """Write ``secret`` for ``service`` and ``username``; None deletes what is there (an undo's old value)."""
    if secret is None:
        store.delete(service, username)
    else:
        store.write(service, username, secret)
