"""CI and container snippets for the index a draft configures: GitHub Actions, a Dockerfile, GitLab CI.

Each snippet is built from the same draft the config files are, through the
same functions (``plan.resolve`` for URLs and the username, ``naming.index_env_var``
for the variables), so a snippet cannot disagree with what was written. No
secret is ever read here: a snippet names where the secret comes from (a CI
secret, an OIDC exchange, a BuildKit secret mount), never what it is.

This module is the public face (``KINDS``, ``snippet``, ``file_change``).
``index`` holds what every output knows about the index and the ``Snippet`` each
returns, ``pins`` the actions and images they pin; ``github_actions``,
``dockerfile`` and ``gitlab_ci`` hold one output each. The outputs import from
those two modules, never from this one, so nothing here is imported in a cycle.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import UserError

if TYPE_CHECKING:
    from ..model import Draft, FileChange
    from .index import Snippet

#: snippets that install from the index in CI or an image build
CI_KINDS = ("github-actions", "dockerfile", "gitlab-ci")
#: configs for the bots that update dependencies (``bots.py``): the index and the secret's name, no install
BOT_KINDS = ("dependabot", "renovate")
KINDS = CI_KINDS + BOT_KINDS


def snippet(draft: Draft, kind: str) -> Snippet:
    """The ``kind`` snippet (one of ``KINDS``) for the draft's index."""
    # Start-up: cli.py imports this package for KINDS (the --emit choices); the outputs,
    # and through IndexFacts the plan and the providers, load only when a snippet is asked for.
    from . import bots, dockerfile, github_actions, gitlab_ci
    from .index import IndexFacts

    uses_uv = "uv" in draft.targets
    builders = {
        "github-actions": github_actions.build,
        "dockerfile": dockerfile.build,
        "gitlab-ci": gitlab_ci.build,
        "dependabot": lambda ix: bots.build_dependabot(ix, uses_uv=uses_uv),
        "renovate": bots.build_renovate,
    }
    if kind not in builders:
        raise UserError(f"There is no {kind!r} snippet: choose from {', '.join(KINDS)}.")
    return builders[kind](IndexFacts.of(draft))


def file_change(snip: Snippet, project_dir: Path) -> FileChange:
    """The change that writes ``snip`` to its suggested path; refuses to replace a different file."""
    # Start-up, as above: the model, paths and file reading are loaded only to write a snippet.
    from ..changes import read_bytes
    from ..model import FileChange
    from ..paths import shown

    path = project_dir / snip.filename
    before = read_bytes(path)
    after = snip.text.encode()
    if before is not None and before != after:
        raise UserError(
            f"{shown(path)} already exists with other content, so it was left alone: copy the snippet "
            "into it by hand, or move it aside and write again."
        )
    return FileChange(path=path, before=before, after=after, summary=f"{snip.kind} snippet")
