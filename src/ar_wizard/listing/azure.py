"""Azure Artifacts: the feeds a personal access token can see.

``GET https://feeds.dev.azure.com/ORG/_apis/packaging/feeds`` lists the
organization-scoped feeds; a project's own feeds are under
``ORG/PROJECT/_apis/…``, for the projects ``dev.azure.com/ORG/_apis/projects``
lists. ``api`` replaces both hosts (a proxy, or the tests' local server).
"""

from __future__ import annotations

import base64
from urllib.parse import quote

from ..model import Secret
from . import HttpError, Listing, ListingError, Repository, request_json

FEEDS = "https://feeds.dev.azure.com"
CORE = "https://dev.azure.com"
VERSION = "api-version=7.1"


def feeds(organization: str, pat: Secret, *, api: str | None = None) -> Listing:
    listing = Listing()
    auth = "Basic " + base64.b64encode(f":{pat.reveal()}".encode()).decode()
    org = quote(organization)
    scopes: list[str] = [""]
    try:
        answer = request_json(f"{(api or CORE).rstrip('/')}/{org}/_apis/projects?{VERSION}", authorization=auth)
        scopes += [str(p["name"]) for p in answer.get("value", []) if isinstance(p, dict) and p.get("name")]
    except HttpError as err:
        if err.status not in (401, 403):
            raise _explained(err, organization) from None
        listing.notes.append("Project-scoped feeds are not listed: the PAT lacks the Project and Team (Read) scope.")
    for project in scopes:
        path = f"{org}/{quote(project)}" if project else org
        try:
            answer = request_json(f"{(api or FEEDS).rstrip('/')}/{path}/_apis/packaging/feeds?{VERSION}",
                                  authorization=auth)
        except HttpError as err:
            if project:
                listing.notes.append(f"{project}: {_explained(err, organization)}")
                continue
            raise _explained(err, organization) from None
        for feed in answer.get("value", []):
            if not isinstance(feed, dict) or not feed.get("name"):
                continue
            # The organization-wide list names each feed's project (null for organization-scoped ones).
            owner = feed.get("project") if isinstance(feed.get("project"), dict) else None
            in_project = project or (str(owner.get("name", "")) if owner else "")
            fields = {"organization": organization, "project": in_project, "feed": str(feed["name"])}
            where = f"{organization}/{in_project}" if in_project else f"{organization} (organization-wide)"
            repo = Repository(str(feed["name"]), fields, str(feed.get("description") or ""), where)
            if repo not in listing.repositories:
                listing.repositories.append(repo)
    return listing


def _explained(err: HttpError, organization: str) -> ListingError:
    if err.status == 203:
        return ListingError(f"{organization} answered with its sign-in page: the PAT was not accepted; make a new "
                            "one with the Packaging (Read) scope (Read & write to publish).")
    if err.status in (401, 403):
        return ListingError(f"{organization} refused the PAT ({err.status}): it has expired, belongs to another "
                            "organization, or lacks the Packaging (Read) scope (Read & write to publish).")
    if err.status == 404:
        return ListingError(f"There is no Azure DevOps organization {organization!r} (404): check its name in "
                            "https://dev.azure.com/ORGANIZATION.")
    message = str(err.body.get("message", "")) or err.text[:120]
    return ListingError(f"Could not list the feeds of {organization} ({err.status}: {message}).")
