"""CI and container snippets for the index a draft configures: GitHub Actions, a Dockerfile, GitLab CI.

Each snippet is built from the same draft the config files are, through the
same functions (``plan.resolve`` for URLs and the username, ``naming.index_env_var``
for the variables), so a snippet cannot disagree with what was written. No
secret is ever read here: a snippet names where the secret comes from (a CI
secret, an OIDC exchange, a BuildKit secret mount), never what it is.

This module is the public face (``KINDS``, ``Snippet``, ``snippet``,
``file_change``) and the actions and images the outputs pin. ``index`` holds
what every output knows about the index; ``github_actions``, ``dockerfile`` and
``gitlab_ci`` hold one output each, imported only when a snippet is asked for.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from ..model import Draft, FileChange

KINDS = ("github-actions", "dockerfile", "gitlab-ci")

# Pinned in one place so they are bumped together. setup-uv publishes no
# moving major tag since v8, so it takes a full version.
CHECKOUT = "actions/checkout@v5"
SETUP_UV = "astral-sh/setup-uv@v8.1.0"
GOOGLE_AUTH = "google-github-actions/auth@v3"
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@v6"
PYTHON_IMAGE = "python:3.12-slim"
UV_IMAGE = "ghcr.io/astral-sh/uv:latest"
UV_PYTHON_IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm-slim"
SECRETS_DIR = "/run/secrets"
GCP_CREDENTIALS_ID = "gcp_credentials"
# Where `gcloud auth application-default login` writes the laptop's Google credentials.
ADC_FILE = "$HOME/.config/gcloud/application_default_credentials.json"


@dataclass(frozen=True)
class Snippet:
    kind: str
    filename: str  # where it would go, relative to the project
    language: str  # for highlighting: "yaml" or "dockerfile"
    text: str
    notes: tuple[str, ...] = ()


def snippet(draft: Draft, kind: str) -> Snippet:
    """The ``kind`` snippet (one of ``KINDS``) for the draft's index."""
    from . import dockerfile, github_actions, gitlab_ci
    from .index import IndexFacts

    builders = {
        "github-actions": github_actions.build,
        "dockerfile": dockerfile.build,
        "gitlab-ci": gitlab_ci.build,
    }
    if kind not in builders:
        raise UserError(f"There is no {kind!r} snippet: choose from {', '.join(KINDS)}.")
    return builders[kind](IndexFacts.of(draft))


def file_change(snip: Snippet, project_dir: Path) -> FileChange:
    """The change that writes ``snip`` to its suggested path; refuses to replace a different file."""
    from ..model import FileChange
    from ..paths import shown
    from ..plan import read_bytes

    path = project_dir / snip.filename
    before = read_bytes(path)
    after = snip.text.encode()
    if before is not None and before != after:
        raise UserError(
            f"{shown(path)} already exists with other content, so it was left alone: copy the snippet "
            "into it by hand, or move it aside and write again."
        )
    return FileChange(path=path, before=before, after=after, summary=f"{snip.kind} snippet")
