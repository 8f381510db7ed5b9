"""Google Artifact Registry: the Python repositories an identity can see, and what it may do there.

The Artifact Registry API (``v1``): ``projects/P/locations`` and
``…/locations/L/repositories`` (paged with ``nextPageToken``), and
``…/repositories/R:testIamPermissions``; projects from the Cloud Resource
Manager (``v1/projects``). ``api`` replaces ``https://artifactregistry.googleapis.com``
for both (Private Service Connect, or a proxy that serves Google's APIs).
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote, urlencode

from ..model import Secret
from . import HttpError, Listing, ListingError, Repository, request_json

API = "https://artifactregistry.googleapis.com"
RESOURCE_MANAGER = "https://cloudresourcemanager.googleapis.com"
READ = "artifactregistry.repositories.downloadArtifacts"
WRITE = "artifactregistry.repositories.uploadArtifacts"
_ROLES = {READ: "roles/artifactregistry.reader", WRITE: "roles/artifactregistry.writer"}


def repositories(token: Secret, project: str, location: str | None = None, *, api: str | None = None) -> Listing:
    """The PYTHON repositories in ``project`` (one location, or every location the API lists)."""
    base = (api or API).rstrip("/")
    listing = Listing()
    places = [location] if location else locations(token, project, api=api)

    def one(place: str) -> list[Repository]:
        url = f"{base}/v1/projects/{quote(project)}/locations/{quote(place)}/repositories"
        found = []
        for item in _pages(url, token, "repositories", project=project, what="list repositories"):
            if item.get("format") != "PYTHON":
                continue
            repo = str(item.get("name", "")).rsplit("/", 1)[-1]
            fields = {"project": project, "location": place, "repository": repo}
            found.append(Repository(repo, fields, str(item.get("description", "")), f"{project} · {place}"))
        return found

    with ThreadPoolExecutor(max_workers=min(8, max(1, len(places)))) as pool:
        futures = {place: pool.submit(one, place) for place in places}
    for place, future in futures.items():
        try:
            listing.repositories += future.result()
        except ListingError as err:
            if location:
                raise
            listing.notes.append(f"{place}: {err}")
    listing.repositories.sort(key=lambda r: (r.fields["location"], r.name))
    return listing


def locations(token: Secret, project: str, *, api: str | None = None) -> list[str]:
    url = f"{(api or API).rstrip('/')}/v1/projects/{quote(project)}/locations"
    return [str(item["locationId"]) for item in _pages(url, token, "locations", project=project, what="list locations")
            if item.get("locationId")]


def projects(token: Secret, *, api: str | None = None) -> list[str]:
    """The active projects the identity may list (the Resource Manager's ``projects.list``)."""
    url = f"{(api or RESOURCE_MANAGER).rstrip('/')}/v1/projects"
    return sorted(str(p["projectId"]) for p in _pages(url, token, "projects", project="", what="list projects")
                  if p.get("projectId") and p.get("lifecycleState", "ACTIVE") == "ACTIVE")


def missing_permissions(token: Secret, fields: dict[str, str], *, publish: bool, api: str | None = None) -> list[str]:
    """The permissions (download, and upload when publishing) the identity lacks on the repository."""
    project, location, repository = fields["project"], fields["location"], fields["repository"]
    wanted = [READ, WRITE] if publish else [READ]
    url = (f"{(api or API).rstrip('/')}/v1/projects/{quote(project)}/locations/{quote(location)}"
           f"/repositories/{quote(repository)}:testIamPermissions")
    try:
        answer = request_json(url, authorization=_bearer(token), body={"permissions": wanted})
    except HttpError as err:
        raise _explained(err, project, "check permissions on the repository") from None
    granted = set(answer.get("permissions", []))
    return [p for p in wanted if p not in granted]


def iam_command(identity: str, fields: dict[str, str], permission: str) -> str:
    """The `gcloud` command that grants ``identity`` the role holding ``permission`` on the repository."""
    member = ("serviceAccount:" if identity.endswith(".gserviceaccount.com") else "user:") + identity
    return (f"gcloud artifacts repositories add-iam-policy-binding {fields['repository']} "
            f"--project={fields['project']} --location={fields['location']} "
            f"--member={member} --role={_ROLES[permission]}")


def _pages(url: str, token: Secret, key: str, *, project: str, what: str):
    page = ""
    while True:
        query = urlencode({"pageSize": 500, **({"pageToken": page} if page else {})})
        try:
            answer = request_json(f"{url}?{query}", authorization=_bearer(token))
        except HttpError as err:
            raise _explained(err, project, what) from None
        yield from (item for item in answer.get(key, []) if isinstance(item, dict))
        page = answer.get("nextPageToken") or ""
        if not page:
            return


def _bearer(token: Secret) -> str:
    return f"Bearer {token.reveal()}"


def _explained(err: HttpError, project: str, what: str) -> ListingError:
    """Google's error body (``error.status``, ``error.details[].reason``) as one sentence with the fix."""
    error = err.body.get("error", {}) if isinstance(err.body.get("error"), dict) else {}
    reasons = {d.get("reason") for d in error.get("details", []) if isinstance(d, dict)}
    message = str(error.get("message", "")).split("\n")[0]
    in_project = f" in project {project}" if project else ""
    if "SERVICE_DISABLED" in reasons:
        service = next((d.get("metadata", {}).get("service") for d in error.get("details", [])
                        if isinstance(d, dict) and d.get("reason") == "SERVICE_DISABLED"), "artifactregistry.googleapis.com")
        return ListingError(f"The {service} API is not enabled{in_project}: run `gcloud services enable {service}"
                            f"{' --project=' + project if project else ''}`, or type the names.")
    if err.status == 401:
        return ListingError(f"The token was refused when asked to {what} (401): mint a new one, or sign in again "
                            "with `gcloud auth application-default login`.")
    if err.status == 403:
        return ListingError(f"This identity may not {what}{in_project} ({message or 'PERMISSION_DENIED'}): type "
                            "the names instead, or ask for roles/artifactregistry.reader.")
    if err.status == 404:
        return ListingError(f"Project {project or '?'} was not found (404): check the project ID (not its name or "
                            "number).")
    if err.status == 429:
        return ListingError(f"The API's quota ran out while trying to {what} (429): wait a minute and try again, or "
                            "type the names.")
    return ListingError(f"Could not {what}{in_project} ({err.status}: {message or err.text[:120]}).")


def reachable(key_file: str = "", source: str = "auto", project: str | None = None, location: str | None = None,
              *, api: str | None = None):
    """``(Listing, MintedToken)``: every Python repository the identity a token is minted for can see.

    The projects are ``project``, else every one the identity may list, else the default project (saying why)."""

    from ..mint import mint_token

    minted = mint_token("gcp", source, Path(key_file) if key_file else None)
    listing = Listing()
    names = [project] if project else _projects_to_list(minted.secret, key_file, listing, api=api)
    for name in names:
        try:
            found = repositories(minted.secret, name, location, api=api)
        except ListingError as err:
            if len(names) == 1:
                raise
            listing.notes.append(f"{name}: {err}")
            continue
        listing.repositories += found.repositories
        listing.notes += found.notes
    return listing, minted


def _projects_to_list(token: Secret, key_file: str, listing: Listing, *, api: str | None) -> list[str]:
    failure: ListingError | None = None
    try:
        found = projects(token, api=api)
    except ListingError as err:
        found, failure = [], err
    if found:
        return found
    default = default_project(key_file)
    if not default:
        # The reason the projects could not be listed is the whole story, in its own sentence.
        raise failure or ListingError("This identity can list no projects: give the project.")
    # Only the first clause of the reason: the rest tells how to list them all, which is not needed here.
    why = str(failure).split(": ")[0] if failure else "the identity can list no projects"
    listing.notes.append(f"Only the default project {default} is listed; {why[:1].lower()}{why[1:]}.")
    return [default]


def default_project(key_file: str = "") -> str:
    """The key file's project, $GOOGLE_CLOUD_PROJECT, or gcloud's configured project."""
    if key_file:
        from ..credentials import google

        project = google.load_key(key_file).project_id
        if project:
            return project
    if os.environ.get("GOOGLE_CLOUD_PROJECT"):
        return os.environ["GOOGLE_CLOUD_PROJECT"]
    from .. import userpath
    from ..credentials.process import run

    gcloud = userpath.which("gcloud")
    if gcloud:
        out = run([gcloud, "config", "get-value", "project"]).stdout.strip()
        if out and out != "(unset)":
            return out
    return ""


def publish_refusal(draft, *, api: str | None = None) -> str | None:
    """Why uploads to the draft's repository will be refused (403), with the command that grants them; None when
    they will not be. Raises ListingError when it cannot tell (no token, no network, no permission to ask)."""
    token, identity = _token_for(draft)
    missing = missing_permissions(token, draft.fields, publish=True, api=api)
    if not missing:
        return None
    who = identity or "this identity"
    needs = " and ".join(_ROLES[p] for p in missing)
    command = iam_command(identity or "YOUR_ACCOUNT_EMAIL", draft.fields, WRITE if WRITE in missing else READ)
    return (f"{who} lacks {', '.join(missing)} on {draft.fields['repository']}, so "
            f"{'uploads' if WRITE in missing else 'downloads and uploads'} would be refused (403): ask a project "
            f"owner to grant {needs}: `{command}`")


def _token_for(draft) -> tuple[Secret, str]:
    """A bearer token for the API, and whose it is: the one the draft minted, the one typed, or a fresh one."""
    if draft.minted is not None:
        return draft.minted.secret, draft.minted.identity
    if draft.auth == "token" and draft.secret is not None:
        return draft.secret, ""

    from ..mint import mint_token

    minted = mint_token("gcp", key_file=Path(draft.key_file) if draft.key_file else None)
    return minted.secret, minted.identity
