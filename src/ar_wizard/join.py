"""A teammate's first run: the project (or the user's uv.toml) already names the
index; this machine only needs its own credentials for it.

The provider and its fields come from the configured URL, so the config file is
written back byte for byte (the index entry is already right) and only the
secret lands somewhere: a store, a .env, a netrc entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import providers
from .credentials import keyring_setup
from .discover import Findings, FoundIndex, credentials_for, username_for
from .errors import UserError
from .model import Draft
from .urls import is_public_index


@dataclass(frozen=True)
class IndexStatus:
    """Whether this machine can sign in to one configured index, and how."""

    index: FoundIndex
    #: where this machine holds a secret for it ("uv's credential store (https://…)", "~/.netrc (machine …)")
    places: tuple[str, ...]
    #: the config asks a keyring plugin, which mints a token on each request: nothing is stored
    plugin: bool
    #: for a plugin index: what keeps the plugin from answering here ("" when it can)
    plugin_problem: str = ""
    #: PyPI or a public mirror: it serves everything to anyone, so no credentials are missing
    public: bool = False

    @property
    def needs_credentials(self) -> bool:
        return not self.public and not self.places and (not self.plugin or bool(self.plugin_problem))


def uses_plugin(index: FoundIndex) -> bool:
    """The entry is set up for the provider's keyring plugin: its username in the URL, keyring-provider subprocess."""
    provider = providers.get(index.provider)
    return bool(
        provider.keyring_plugin
        and index.keyring_provider == "subprocess"
        and index.username
        and index.username == provider.default_username("keyring")
    )


def joinable(findings: Findings) -> list[FoundIndex]:
    """The indexes a setup could name: one per name, uv's project then user settings, then a Poetry or
    PDM source in the project's pyproject.toml (a Poetry or PDM project names its index there alone)."""
    seen: dict[str, FoundIndex] = {}
    for tool in ("uv", "poetry", "pdm"):
        for index in findings.indexes:
            if index.tool == tool and not index.pip_only and index.scope in ("project", "user"):
                seen.setdefault(index.name, index)
    return list(seen.values())


def status(findings: Findings, project_dir: Path) -> list[IndexStatus]:
    """Each configured uv index and where this machine holds its credentials.

    Runs ``uv auth token`` and ``keyring get`` per index: call it off the UI thread.
    A plugin index is not asked for a token (a plugin without cloud credentials takes
    seconds); only whether the user's keyring can load the plugin is checked. An index
    this machine holds nothing for is asked once without credentials (3 s at most): one
    that serves everything to anyone is public, not missing credentials."""
    out = []
    for index in joinable(findings):
        if uses_plugin(index):
            package, backend = providers.get(index.provider).keyring_plugin or ("", "")
            problems = [f for f in keyring_setup.check(package, backend, index.plain_url) if not f.ok]
            out.append(IndexStatus(index, (), True, problems[0].message if problems else ""))
            continue
        places = tuple(dict.fromkeys(c.where for c in credentials_for(index, project_dir) if c.secret is not None))
        public = not places and (is_public_index(index.plain_url) or serves_anyone(index.plain_url))
        out.append(IndexStatus(index, places, False, public=public))
    return out


def serves_anyone(url: str, *, timeout: float = 3.0) -> bool:
    """The index serves its list, pages and files to anyone (asked without credentials, briefly): it needs none."""
    from .validate import check_index

    verdict = check_index(url, "", None, explain=str, timeout=timeout)
    return verdict.ok and not verdict.unverifiable


def draft_for(index: FoundIndex, project_dir: Path) -> Draft:
    """A setup draft for ``index`` as configured: only the auth method, secret and store are left to choose."""
    if is_public_index(index.plain_url):
        raise UserError(f"{index.name!r} ({index.plain_url}) is a public index: it serves everything to anyone, so "
                        "this machine needs no credentials for it.")
    provider_key, fields = providers.recognise(index.plain_url)
    # The configured URL as it is, so the entry is rewritten byte for byte.
    fields = dict(fields, url=index.plain_url)
    if index.publish_url:
        fields["publish_url"] = index.publish_url
    provider = providers.get(provider_key)
    plugin = uses_plugin(index)
    auth = "keyring" if plugin else "token"
    username, _ = username_for(index, project_dir)
    return Draft(
        mode="join",
        provider=provider_key,
        fields=fields,
        index_name=index.name,
        auth=auth,
        username=username or provider.default_username(auth) or "",
        scope=index.scope if index.scope in ("project", "user") else "project",
        targets=(index.tool,),
        publish=bool(index.publish_url),
        project_dir=project_dir,
    )
