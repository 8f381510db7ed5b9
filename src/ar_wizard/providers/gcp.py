"""Google Artifact Registry: the one place that knows its Python URL shape.

A Python repository lives at ``https://LOCATION-python.pkg.dev/PROJECT/REPOSITORY/``
and serves its PEP 503 index under ``simple/``. Repositories created before
the ``python`` format was renamed answer on ``LOCATION-pypi.pkg.dev`` too; a
domain-scoped project ``example.com:proj`` appears in URLs as ``example.com/proj``
(gcloud replaces the colon with a slash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import UserError
from .base import BuiltProvider, FieldSpec
from .base import explain_status as generic_explanation

#: Every location an Artifact Registry repository can live in, with the place
#: it stands for. `gcloud artifacts locations list` is the live source; Google's
#: location page only points at it. A region newer than this list can still be
#: used by giving the full index URL.
LOCATIONS: dict[str, str] = {
    # multi-regions
    "asia": "Asia (multi-region)",
    "europe": "Europe (multi-region)",
    "us": "United States (multi-region)",
    # regions
    "africa-south1": "Johannesburg",
    "asia-east1": "Taiwan",
    "asia-east2": "Hong Kong",
    "asia-northeast1": "Tokyo",
    "asia-northeast2": "Osaka",
    "asia-northeast3": "Seoul",
    "asia-south1": "Mumbai",
    "asia-south2": "Delhi",
    "asia-southeast1": "Singapore",
    "asia-southeast2": "Jakarta",
    "asia-southeast3": "Kuala Lumpur",
    "australia-southeast1": "Sydney",
    "australia-southeast2": "Melbourne",
    "europe-central2": "Warsaw",
    "europe-north1": "Finland",
    "europe-north2": "Stockholm",
    "europe-southwest1": "Madrid",
    "europe-west1": "Belgium",
    "europe-west2": "London",
    "europe-west3": "Frankfurt",
    "europe-west4": "Netherlands",
    "europe-west6": "Zurich",
    "europe-west8": "Milan",
    "europe-west9": "Paris",
    "europe-west10": "Berlin",
    "europe-west12": "Turin",
    "me-central1": "Doha",
    "me-central2": "Dammam",
    "me-west1": "Tel Aviv",
    "northamerica-northeast1": "Montréal",
    "northamerica-northeast2": "Toronto",
    "northamerica-south1": "Mexico",
    "southamerica-east1": "São Paulo",
    "southamerica-west1": "Santiago",
    "us-central1": "Iowa",
    "us-east1": "South Carolina",
    "us-east4": "Northern Virginia",
    "us-east5": "Columbus",
    "us-south1": "Dallas",
    "us-west1": "Oregon",
    "us-west2": "Los Angeles",
    "us-west3": "Salt Lake City",
    "us-west4": "Las Vegas",
}

#: Names people type for a location that Artifact Registry spells otherwise.
_ALIASES = {"eu": "europe", "usa": "us"}

#: The keyring plugin that mints tokens on demand, and the backend class it registers.
GCP_PLUGIN = "keyrings.google-artifactregistry-auth"
GCP_BACKEND = "keyrings.gauth.GooglePythonAuth"
TOKEN_USERNAME = "oauth2accesstoken"
KEY_USERNAME = "_json_key_base64"
READER_ROLE = "roles/artifactregistry.reader"
WRITER_ROLE = "roles/artifactregistry.writer"

# 6–30 characters: lowercase letters, digits and hyphens, a letter first and no hyphen last.
_PROJECT = r"[a-z][a-z0-9-]{4,28}[a-z0-9]"
_PROJECT_ID = re.compile(rf"^{_PROJECT}$")
# The legacy domain-scoped form, ``example.com:my-project``.
_DOMAIN = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+"
_SCOPED_PROJECT_ID = re.compile(rf"^{_DOMAIN}:{_PROJECT}$")
# Up to 63 characters: lowercase letters, digits and hyphens, a letter first, no hyphen last.
_REPOSITORY_ID = re.compile(r"^[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_HOST = re.compile(r"^(?P<location>[a-z0-9-]+)-(?:python|pypi)\.pkg\.dev$")
_ZONE = re.compile(r"^(?P<region>[a-z]+-[a-z]+\d+)-[a-z]$")


class Gcp(BuiltProvider):
    key = "gcp"
    title = "Google Artifact Registry"
    blurb = "A Python repository in Google Cloud: LOCATION-python.pkg.dev/PROJECT/REPOSITORY."
    fields = (
        FieldSpec(
            "location",
            "Location",
            "us-central1",
            "The region or multi-region (us, europe, asia) the repository was created in.",
            choices=tuple(LOCATIONS),
        ),
        FieldSpec("project", "Project ID", "my-project", "The Google Cloud project ID (not its name or number)."),
        FieldSpec("repository", "Repository", "python-internal", "The Artifact Registry repository ID."),
        FieldSpec(
            "url",
            "Index URL override",
            "(built from the fields above)",
            "Only for a registry behind a proxy or a custom domain; leave empty otherwise.",
            optional=True,
        ),
    )
    auth_methods = ("token", "keyring", "service-account-key")
    keyring_plugin = (GCP_PLUGIN, GCP_BACKEND)
    sign_in = "gcloud auth application-default login"
    username_help = (
        "Fixed by Google: oauth2accesstoken with an access token or the keyring plugin, _json_key_base64 "
        "with a key file. Filled in for you."
    )
    secret_label = "Access token"
    secret_help = "`gcloud auth print-access-token` prints one; it lasts about 1 h, so mint it here or use the plugin."

    def secret_hint(self) -> str:
        from ..userpath import which

        if which("gcloud"):
            return self.secret_help
        return "An access token lasts about 1 h: mint one below from Application Default Credentials or a key file."

    def paste_help(self) -> str:
        from ..userpath import which

        console = "the repository's Setup instructions in the Cloud Console"
        if which("gcloud"):
            return f"e.g. what `gcloud artifacts print-settings python` or {console} shows."
        return f"e.g. what {console} shows."

    def __init__(self):
        self.checks = {"location": check_location, "project": check_project, "repository": check_repository}

    def base_url(self, values: dict[str, str]) -> str:
        return repository_url(values["location"], values["project"], values["repository"])

    def parse(self, url: str) -> dict[str, str] | None:
        return parse_url(url)

    def default_username(self, auth: str) -> str | None:
        if auth in ("token", "keyring"):
            return TOKEN_USERNAME
        if auth == "service-account-key":
            return KEY_USERNAME
        return None

    def explain_status(self, status: int, *, url: str, username: str, publish: bool,
                       fresh_token: bool = False, fields: dict[str, str] | None = None) -> str:
        return explain_status(status, url=url, username=username, publish=publish)


def repository_url(location: str, project: str, repository: str) -> str:
    """``https://LOCATION-python.pkg.dev/PROJECT/REPOSITORY/``: where twine and uv publish upload."""
    return f"https://{location}-python.pkg.dev/{project.replace(':', '/')}/{repository}/"


def check_location(value: str) -> str:
    """The location as Artifact Registry spells it, or a UserError that suggests the closest one."""
    location = value.strip().lower()
    if location in LOCATIONS:
        return location
    if not location:
        raise UserError("The location is empty: give the repository's region, e.g. us-central1, or a multi-region: us, europe or asia.")
    zone = _ZONE.match(location)
    if zone and zone["region"] in LOCATIONS:
        raise UserError(
            f"The location {value.strip()!r} is a zone, but repositories live in regions: use {zone['region']}."
        )
    hint = _closest_location(location)
    if hint:
        raise UserError(f"The location {value.strip()!r} is not an Artifact Registry location: did you mean {hint}?")
    raise UserError(
        f"The location {value.strip()!r} is not an Artifact Registry location: use one that "
        "`gcloud artifacts locations list` shows, or give the full index URL for a region newer than this wizard."
    )


def _closest_location(location: str) -> str | None:
    import difflib  # ~3 ms; only a mistyped location needs it

    if location in _ALIASES:
        return _ALIASES[location]
    # "asia-northeast" without its number: the first of its family.
    family = [name for name in LOCATIONS if "-" in location and name.startswith(location)]
    if family:
        return family[0]
    matches = difflib.get_close_matches(location, LOCATIONS, n=1, cutoff=0.8)
    return matches[0] if matches else None


def check_project(value: str) -> str:
    project = value.strip()
    if _PROJECT_ID.match(project) or _SCOPED_PROJECT_ID.match(project):
        return project
    if not project:
        raise UserError("The project ID is empty: give the Google Cloud project ID, e.g. my-project.")
    if project.isdigit():
        raise UserError(
            f"The project {project!r} looks like a project number: use the project ID "
            "(`gcloud projects describe NUMBER --format='value(projectId)'` shows it)."
        )
    if _PROJECT_ID.match(project.lower()):
        raise UserError(f"The project ID {project!r} has capital letters, which project IDs never do: use {project.lower()}.")
    raise UserError(
        f"The project ID {project!r} is not valid: it has 6 to 30 lowercase letters, digits or "
        "hyphens and starts with a letter (or is domain-scoped, like example.com:my-project)."
    )


def check_repository(value: str) -> str:
    repository = value.strip()
    if _REPOSITORY_ID.match(repository):
        return repository
    if not repository:
        raise UserError("The repository is empty: give the Artifact Registry repository ID, e.g. python-internal.")
    if _REPOSITORY_ID.match(repository.lower()):
        raise UserError(f"The repository {repository!r} has capital letters, which repository IDs never do: use {repository.lower()}.")
    raise UserError(
        f"The repository {repository!r} is not a valid repository ID: use up to 63 lowercase letters, "
        "digits or hyphens, starting with a letter and not ending with a hyphen."
    )


def parse_url(url: str) -> dict[str, str] | None:
    """``location``, ``project`` and ``repository`` of a pasted Artifact Registry URL, or None.

    Takes the ``python`` and the older ``pypi`` host, with or without
    ``simple/``, with a package path after it, and with or without a username
    in it (which is dropped: fields never carry credentials)."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
    except ValueError:
        return None
    match = _HOST.match(host or "")
    if not match:
        return None
    segments = [s for s in parts.path.split("/") if s]
    # A domain-scoped project takes two segments: example.com/my-project.
    if len(segments) >= 3 and "." in segments[0]:
        project, rest = f"{segments[0]}:{segments[1]}", segments[2:]
    elif len(segments) >= 2:
        project, rest = segments[0], segments[1:]
    else:
        return None
    return {"location": match["location"], "project": project, "repository": rest[0]}


def _known_parts(url: str) -> tuple[str, str, str]:
    fields = parse_url(url) or {}
    return (
        fields.get("location", "LOCATION"),
        fields.get("project", "PROJECT"),
        fields.get("repository", "REPOSITORY"),
    )


def iam_binding_command(repository: str, location: str, project: str, *, member: str, role: str) -> str:
    """The gcloud command that grants ``role`` on one repository."""
    return (
        f"gcloud artifacts repositories add-iam-policy-binding {repository} --location={location} "
        f"--project={project} --member={member} --role={role}"
    )


def explain_status(status: int, *, url: str, username: str, publish: bool) -> str:
    """What an HTTP status from Artifact Registry means, in one sentence with the fix."""
    location, project, repository = _known_parts(url)
    if status == 401:
        if username == KEY_USERNAME:
            return (
                f"{url} rejected the service-account key (401): the key was deleted or disabled, or the "
                "password is not the base64 of the whole JSON key file; create a new key and store it with `ar-wizard rotate`."
            )
        if username != TOKEN_USERNAME:
            return (
                f"{url} rejected the credentials for {username!r} (401): Artifact Registry expects the "
                f"username {TOKEN_USERNAME} with an access token, or {KEY_USERNAME} with a service-account key."
            )
        return (
            f"{url} rejected the access token (401): it is missing, wrong or expired (a token from "
            "gcloud or Application Default Credentials lasts about 1 hour); store a new one with "
            "`ar-wizard rotate`, or use --auth keyring so a fresh token is minted on every request."
        )
    if status == 403:
        role = WRITER_ROLE if publish else READER_ROLE
        member = "serviceAccount:SERVICE_ACCOUNT_EMAIL" if username == KEY_USERNAME else "user:EMAIL"
        command = iam_binding_command(repository, location, project, member=member, role=role)
        return (
            f"{url} knows who you are but refused access (403): the identity lacks {role} on "
            f"repository {repository}; someone who administers project {project} can grant it with "
            f"`{command}`."
        )
    if status == 404:
        return (
            f"Nothing was found at {url} (404): check the location {location!r}, the project "
            f"{project!r} and the repository {repository!r}, and that it is a Python repository "
            f"(`gcloud artifacts repositories list --project={project} --location={location}` lists them)."
        )
    return generic_explanation(status, url=url, username=username)


@dataclass(frozen=True)
class PythonSettings:
    """The ``.pypirc`` and ``pip.conf`` snippets `gcloud artifacts print-settings python` prints."""

    pypirc: str
    pip_conf: str

    def text(self) -> str:
        return (
            "# Insert the following snippet into your .pypirc\n\n"
            + self.pypirc
            + "\n# Insert the following snippet into your pip.conf\n\n"
            + self.pip_conf
        )


def python_settings(fields: dict[str, str], *, auth: str) -> PythonSettings:
    """gcloud's snippets for this repository, with no secret in them.

    gcloud puts the base64 key into the .pypirc and into the pip URL for
    ``--json-key``; here the username stays and the password is left to a
    credential store (keyring, netrc or ``TWINE_PASSWORD``). pip gets the
    username in its URL and ``keyring-provider = subprocess``, which is what
    lets it ask the ``keyring`` command on PATH."""
    urls = Gcp().urls(fields)
    name = fields.get("repository", "").strip() or "artifact-registry"
    username = Gcp().default_username(auth) or TOKEN_USERNAME
    pypirc = f"[distutils]\nindex-servers =\n    {name}\n\n[{name}]\nrepository: {urls.upload}\n"
    if auth == "service-account-key":
        pypirc += f"username: {username}\n# password: from keyring or TWINE_PASSWORD, never written here\n"
    parts = urlsplit(urls.simple)
    with_user = parts._replace(netloc=f"{username}@{parts.netloc}").geturl()
    pip_conf = f"[global]\nextra-index-url = {with_user}\nkeyring-provider = subprocess\n"
    return PythonSettings(pypirc=pypirc, pip_conf=pip_conf)
