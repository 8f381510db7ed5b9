"""Dependabot and Renovate, which update the project's dependencies and need the index as much as CI does.

Without it every update pull request fails with 401. Both snippets name the index from
the same facts the config files were written with, and name the secret by the CI secret
that holds it (``UV_INDEX_<NAME>_PASSWORD``, as the GitHub Actions snippet does), never
its value.

- Dependabot (``.github/dependabot.yml``): a ``registries:`` entry of ``type: python-index``
  with ``${{secrets.…}}`` references (Dependabot secrets, set under the repository's
  Settings → Secrets → Dependabot), used by the ``uv`` or ``pip`` ecosystem (``pip`` covers
  Poetry and pip-compile). ``replaces-base`` stays false: the private index sits beside PyPI,
  as every config ar-wizard writes has it (uv's extra index, Poetry's supplemental source).
- Renovate (``renovate.json``): a ``hostRules`` entry for the index's host with ``hostType:
  pypi`` and the password as ``{{ secrets.… }}`` (Renovate's secrets), plus the index URL
  beside PyPI in ``registryUrls`` for the ``pypi`` datasource.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

from .index import IndexFacts, Snippet, join_lines, yaml_scalar

_SHORT_LIVED = {
    "gcp": ("Artifact Registry access tokens last an hour, so a bot cannot keep one: store a service-account "
            "key (base64) as the secret and use _json_key_base64 as the username."),
    "aws": ("CodeArtifact tokens last at most 12 hours, so a bot's secret goes stale: refresh it on a schedule "
            "(a workflow running `aws codeartifact get-authorization-token` and `gh secret set --app dependabot`)."),
}


def _username(ix: IndexFacts, secret: str) -> str:
    """``secret``: how the bot spells a secret's value, for a username not known here (it reads that too)."""
    if ix.provider == "gcp":
        return "_json_key_base64"
    return ix.username or secret.format(ix.user_var)


def _secrets_note(bot: str, ix: IndexFacts, secret: str) -> str:
    if ix.username or ix.provider == "gcp":
        return f"Add the {bot} secret {ix.password_var} (the token or password for {_username(ix, secret)})."
    return f"Add the {bot} secrets {ix.user_var} (the username) and {ix.password_var} (the token or password)."


_DEPENDABOT_SECRET = "${{{{secrets.{}}}}}"
_RENOVATE_SECRET = "{{{{ secrets.{} }}}}"


def _ecosystem(targets_uv: bool) -> str:
    return "uv" if targets_uv else "pip"


def build_dependabot(ix: IndexFacts, *, uses_uv: bool = True) -> Snippet:
    name = ix.name
    text = join_lines(
        "# Dependabot: the private index for update pull requests. Set the secret under Settings →",
        "# Secrets and variables → Dependabot; no value is written here.",
        "version: 2",
        "registries:",
        f"  {yaml_scalar(name)}:",
        "    type: python-index",
        f"    url: {yaml_scalar(ix.simple_url)}",
        f"    username: {yaml_scalar(_username(ix, _DEPENDABOT_SECRET))}",
        f"    password: {yaml_scalar('${{secrets.' + ix.password_var + '}}')}",
        "updates:",
        f"  - package-ecosystem: {_ecosystem(uses_uv)}",
        '    directory: "/"',
        "    registries:",
        f"      - {yaml_scalar(name)}",
        "    schedule:",
        "      interval: weekly",
    )
    notes = [_secrets_note("Dependabot", ix, _DEPENDABOT_SECRET)]
    if ix.provider in _SHORT_LIVED:
        notes.append(_SHORT_LIVED[ix.provider])
    return Snippet("dependabot", ".github/dependabot.yml", "yaml", text, tuple(notes))


def build_renovate(ix: IndexFacts) -> Snippet:
    parts = urlsplit(ix.simple_url)
    config = {
        "$schema": "https://docs.renovatebot.com/renovate-schema.json",
        "hostRules": [
            {
                "matchHost": f"{parts.scheme}://{parts.netloc}",
                "hostType": "pypi",
                "username": _username(ix, _RENOVATE_SECRET),
                "password": "{{ secrets." + ix.password_var + " }}",
            }
        ],
        "packageRules": [
            {
                "matchDatasources": ["pypi"],
                "registryUrls": ["https://pypi.org/simple/", ix.simple_url],
            }
        ],
    }
    notes = [_secrets_note("Renovate", ix, _RENOVATE_SECRET)]
    if ix.provider in _SHORT_LIVED:
        notes.append(_SHORT_LIVED[ix.provider].replace("gh secret set --app dependabot", "your Renovate secret store"))
    return Snippet("renovate", "renovate.json", "json", json.dumps(config, indent=2) + "\n", tuple(notes))
