"""Azure Artifacts: the one place that knows its Python URL shapes.

A feed serves its PEP 503 index at
``https://pkgs.dev.azure.com/ORG[/PROJECT]/_packaging/FEED/pypi/simple/``
(the project appears only for a project-scoped feed) and takes uploads at
``…/pypi/upload/``. Older organizations also answer on
``https://ORG.pkgs.visualstudio.com/[PROJECT/]_packaging/FEED/pypi/simple/``;
both are parsed, and the dev.azure.com form is the one built.

The password is a personal access token (PAT) with any username; with the
``artifacts-keyring`` plugin the username is ``VssSessionToken``.
"""

from __future__ import annotations

import re
from urllib.parse import quote, unquote, urlsplit

from ..errors import UserError
from .base import BuiltProvider, FieldSpec
from .base import explain_status as generic_explanation

AZURE_PLUGIN = "artifacts-keyring"
#: The class its ``keyring.backends`` entry point names.
AZURE_BACKEND = "artifacts_keyring.ArtifactsKeyringBackend"
TOKEN_USERNAME = "azure"
KEYRING_USERNAME = "VssSessionToken"
READ_SCOPE = "Packaging (Read)"
WRITE_SCOPE = "Packaging (Read & write)"

#: What to tell anyone using artifacts-keyring in CI or a container.
NONINTERACTIVE_NOTE = (
    "In CI and containers set ARTIFACTS_KEYRING_NONINTERACTIVE_MODE=true: artifacts-keyring then fails "
    "at once instead of waiting for an interactive (device-code) sign-in that nobody can complete; in "
    "Azure Pipelines, pass $(System.AccessToken) as the password with --auth token instead."
)

# Organization names: letters, digits and hyphens, a letter or digit at each end.
_ORGANIZATION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,48}[A-Za-z0-9])?$")
# Feed names: no spaces or slashes, and not starting with a dot or underscore.
_FEED = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_LEGACY_HOST = re.compile(r"^(?P<organization>[A-Za-z0-9-]+)\.pkgs\.visualstudio\.com$")


class Azure(BuiltProvider):
    key = "azure"
    title = "Azure Artifacts"
    blurb = "A feed in Azure DevOps: pkgs.dev.azure.com/ORGANIZATION/PROJECT/_packaging/FEED (PROJECT only for a project feed)."
    fields = (
        FieldSpec("organization", "Organization", "acme", "The Azure DevOps organization (dev.azure.com/ORGANIZATION)."),
        FieldSpec(
            "project",
            "Project",
            "(empty for an organization-scoped feed)",
            "Only for a project-scoped feed: the project it was created in.",
            optional=True,
        ),
        FieldSpec("feed", "Feed", "python-internal", "The Azure Artifacts feed name."),
        FieldSpec(
            "url",
            "Index URL override",
            "(built from the fields above)",
            "Only for a feed behind a proxy or a custom domain; leave empty otherwise.",
            optional=True,
        ),
    )
    auth_methods = ("token", "keyring")
    keyring_plugin = (AZURE_PLUGIN, AZURE_BACKEND)
    username_help = (
        "Any non-empty name works with a personal access token; artifacts-keyring uses VssSessionToken."
    )
    secret_label = "Personal access token (PAT)"
    secret_help = (
        "Create one in Azure DevOps (User settings → Personal access tokens) with the scope Packaging (Read), "
        "or Packaging (Read & write) to publish."
    )

    def paste_help(self) -> str:
        return "e.g. the index-url the feed's Connect to feed → pip page shows."

    def __init__(self):
        self.checks = {"organization": check_organization, "project": check_project, "feed": check_feed}

    def base_url(self, values: dict[str, str]) -> str:
        return feed_url(values["organization"], values["project"], values["feed"])

    def upload_url(self, base: str) -> str:
        return base + "upload/"

    def upload_url_for_override(self, simple_url: str) -> str:
        return upload_url_for(simple_url)

    def parse(self, url: str) -> dict[str, str] | None:
        return parse_url(url)

    def default_username(self, auth: str) -> str | None:
        if auth == "token":
            return TOKEN_USERNAME
        if auth == "keyring":
            return KEYRING_USERNAME
        return None

    def explain_status(self, status: int, *, url: str, username: str, publish: bool,
                       fresh_token: bool = False, fields: dict[str, str] | None = None) -> str:
        return explain_status(status, url=url, username=username, publish=publish)


def feed_url(organization: str, project: str, feed: str) -> str:
    """``https://pkgs.dev.azure.com/ORG[/PROJECT]/_packaging/FEED/pypi/``."""
    scope = f"{organization}/{quote(project, safe='')}" if project else organization
    return f"https://pkgs.dev.azure.com/{scope}/_packaging/{feed}/pypi/"


def upload_url_for(simple_url: str) -> str:
    """Azure takes uploads at ``…/pypi/upload/``, not at the index URL without ``simple/``."""
    parts = urlsplit(simple_url)
    path = parts.path.rstrip("/")
    if path.endswith("/simple"):
        path = path[: -len("simple")] + "upload/"
    return parts._replace(path=path, query="", fragment="").geturl()


def check_organization(value: str) -> str:
    organization = value.strip()
    if _ORGANIZATION.match(organization):
        return organization
    if not organization:
        raise UserError("The organization is empty: give the Azure DevOps organization, as in dev.azure.com/ORGANIZATION.")
    raise UserError(
        f"The organization {organization!r} is not a valid Azure DevOps organization name: use letters, "
        "digits and hyphens, starting and ending with a letter or digit."
    )


def check_project(value: str) -> str:
    project = value.strip()
    if not project:
        return ""
    if "/" in project or "\\" in project or project.startswith(("_", ".")):
        raise UserError(
            f"The project {project!r} is not a valid Azure DevOps project name: it cannot contain slashes or "
            "start with an underscore or a dot; leave it empty for an organization-scoped feed."
        )
    return project


def check_feed(value: str) -> str:
    feed = value.strip()
    if _FEED.match(feed):
        return feed
    if not feed:
        raise UserError("The feed is empty: give the Azure Artifacts feed name, e.g. python-internal.")
    raise UserError(
        f"The feed {feed!r} is not a valid feed name: use up to 64 letters, digits, dots, hyphens or "
        "underscores, without spaces, starting with a letter or digit."
    )


def parse_url(url: str) -> dict[str, str] | None:
    """``organization``, ``project`` (possibly empty) and ``feed`` of a pasted feed URL, or None.

    Takes pkgs.dev.azure.com and the older ORG.pkgs.visualstudio.com, the
    index, upload or feed URL, and drops any ``user:PAT@`` in it."""
    try:
        parts = urlsplit(url.strip())
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    segments = [unquote(s) for s in parts.path.split("/") if s]
    if "_packaging" not in segments:
        return None
    at = segments.index("_packaging")
    scope, rest = segments[:at], segments[at + 1 :]
    if not rest:
        return None
    if host == "pkgs.dev.azure.com":
        if len(scope) not in (1, 2):
            return None
        organization, project = scope[0], scope[1] if len(scope) == 2 else ""
    else:
        legacy = _LEGACY_HOST.match(host)
        if not legacy or len(scope) > 1:
            return None
        organization, project = legacy["organization"], scope[0] if scope else ""
    return {"organization": organization, "project": project, "feed": rest[0]}


def explain_status(status: int, *, url: str, username: str, publish: bool) -> str:
    """What an HTTP status from Azure Artifacts means, in one sentence with the fix."""
    fields = parse_url(url) or {}
    organization = fields.get("organization", "ORGANIZATION")
    project = fields.get("project", "")
    feed = fields.get("feed", "FEED")
    scope = WRITE_SCOPE if publish else READ_SCOPE
    if status == 401:
        if username == KEYRING_USERNAME:
            return (
                f"{url} rejected the session token from artifacts-keyring (401): sign in again when it prompts "
                f"(or use --auth token with a personal access token with the {scope} scope)."
            )
        return (
            f"{url} rejected the personal access token (401): it is wrong, expired or revoked, or lacks the "
            f"{scope} scope, or was made for another organization than {organization}; create a new PAT in "
            f"https://dev.azure.com/{organization}/_usersSettings/tokens and store it with `ar-wizard rotate`."
        )
    if status == 403:
        role = "Feed Publisher (Contributor)" if publish else "Feed Reader"
        # A PAT made with Packaging (Read) reads the feed and is refused only here, at the upload.
        pat = f" and a personal access token with the {WRITE_SCOPE} scope (one with {READ_SCOPE} only reads)" \
            if publish and username != KEYRING_USERNAME else ""
        return (
            f"{url} knows who you are but refused access (403): your account needs at least the {role} role "
            f"on feed {feed}{pat}; a feed owner can grant the role in the feed's settings under Permissions."
        )
    if status == 404:
        where = f"the project {project!r}" if project else "no project (an organization-scoped feed)"
        return (
            f"Nothing was found at {url} (404): check the organization {organization!r}, the feed {feed!r} and "
            f"{where}; a project-scoped feed needs its project in the URL (the feed's Connect to feed page "
            "shows the exact URL)."
        )
    return generic_explanation(status, url=url, username=username)
