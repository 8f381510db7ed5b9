"""What every snippet needs to know about the index, the ``Snippet`` each output returns, and the
text helpers all three outputs share.

``IndexFacts`` is read once from the draft through the same functions the config
files are written with (``plan.resolve``, ``naming.index_env_var``), so no output
can disagree with those files or with another output. ``yaml_scalar`` and
``join_lines`` spell the text; ``token_instead_note`` is the note every output gives.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from typing import TYPE_CHECKING

# This module loads only when a snippet is asked for (``snippets.snippet``), so the plan and
# the providers are imported at the top here without costing any command's start-up.
from .. import paths, providers
from ..naming import check_index_name, index_env_var
from ..plan import resolve
from ..providers.aws import token_command
from ..providers.gcp import TOKEN_USERNAME
from ..providers.presets import recognise

if TYPE_CHECKING:
    from ..model import Draft


@dataclass(frozen=True)
class Snippet:
    kind: str
    filename: str  # where it would go, relative to the project
    language: str  # for highlighting: "yaml" or "dockerfile"
    text: str
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class IndexFacts:
    name: str
    provider: str
    auth: str
    store: str
    simple_url: str
    upload_url: str
    username: str
    publish: bool
    publish_url_in_config: bool  # `uv publish --index NAME` finds the upload URL itself
    in_project: bool  # the project's own uv config names the index; elsewhere UV_INDEX must
    uv_config: str  # the project file that holds it: pyproject.toml or uv.toml
    fields: dict
    gitlab: bool  # GitLab's package registry, where CI_JOB_TOKEN reads it
    key_file: str

    @classmethod
    def of(cls, draft: Draft) -> IndexFacts:
        check_index_name(draft.index_name)
        r = resolve(draft, need_secret=False)
        # The fields as the URL spells them (checked and normalised), else as typed.
        parsed = providers.get(draft.provider).parse(r.simple_url) if draft.provider != "generic" else None
        fields = {**draft.fields, **(parsed or {})}
        found = recognise(r.simple_url) if draft.provider == "generic" else None
        in_project = draft.scope == "project" and "uv" in draft.targets
        return cls(
            name=draft.index_name,
            provider=draft.provider,
            auth=draft.auth,
            store=draft.store,
            simple_url=r.simple_url,
            upload_url=r.upload_url,
            username=r.username,
            publish=r.publish,
            publish_url_in_config=in_project and draft.publish,
            in_project=in_project,
            uv_config=paths.project_uv_config(draft.project_dir).name,
            fields=fields,
            gitlab=bool(found and found[0] == "gitlab"),
            key_file=draft.key_file,
        )

    @property
    def user_var(self) -> str:
        return index_env_var(self.name, "USERNAME")

    @property
    def password_var(self) -> str:
        return index_env_var(self.name, "PASSWORD")

    @property
    def uv_index(self) -> str:
        """``UV_INDEX``'s value, for when no config file in the build names the index."""
        return f"{self.name}={self.simple_url}"

    @property
    def keyring_plugin(self) -> bool:
        """Only Google's plugin runs unattended from a credentials file; the others are swapped for a token."""
        return self.provider == "gcp" and self.auth == "keyring"

    @property
    def gcp_username(self) -> str:
        # In CI the credential is an access token, whatever the laptop used.
        return TOKEN_USERNAME

    def publish_command(self) -> str:
        if self.publish_url_in_config:
            return f"uv publish --index {self.name}"
        return f"uv publish --publish-url {shlex.quote(self.upload_url)}"

    def aws_token_command(self) -> str:
        f = self.fields
        return token_command(f.get("domain", "DOMAIN"), f.get("domain_owner", "OWNER"), f.get("region", "REGION"))


_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def yaml_scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when a YAML 1.1 reader takes it as that same string,
    double-quoted (JSON is valid YAML) otherwise."""
    plain = (
        re.fullmatch(r"[A-Za-z_/$][^#]*", value)
        and ": " not in value
        and not value.endswith(":")
        and value == value.strip()
        and value.lower() not in _YAML_WORDS
    )
    return value if plain else json.dumps(value)


def join_lines(*parts) -> str:
    """One text from lines and (nested) lists of lines."""

    def flat(items):
        for item in items:
            if isinstance(item, str):
                yield item
            else:
                yield from flat(item)

    return "\n".join(flat(parts)) + "\n"


def token_instead_note(ix: IndexFacts) -> list[str]:
    if ix.auth == "keyring" and ix.provider in ("aws", "azure"):
        return [
            (
                "Your machine uses a keyring plugin, which may need an interactive sign-in; in CI and image "
                "builds this snippet passes a token instead."
            )
        ]
    return []
