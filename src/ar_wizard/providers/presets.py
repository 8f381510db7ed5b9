"""Presets for the generic provider: the URL shapes of JFrog Artifactory, GitLab, Nexus and devpi.

A preset turns a few fields into the generic provider's ``url`` and
``publish_url`` (``Preset.generic_fields``) and recognises a pasted URL of its
shape (``recognise``). Each carries the notes a user of that server needs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..errors import UserError
from .base import FieldSpec, IndexUrls, check_index_url


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    fields: tuple[FieldSpec, ...]
    build: Callable[[dict[str, str]], IndexUrls]
    parse: Callable[[str], dict[str, str] | None]
    notes: tuple[str, ...] = ()

    def generic_fields(self, fields: dict[str, str]) -> dict[str, str]:
        """The generic provider's fields for these preset fields."""
        urls = self.build(fields)
        return {"url": urls.simple, "publish_url": urls.upload}


# --- shared -----------------------------------------------------------------

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _base(host: str, *, what: str, example: str) -> str:
    """``https://HOST[/prefix]`` from a host a user typed (with or without scheme or path prefix)."""
    value = host.strip().rstrip("/")
    if not value:
        raise UserError(f"The {what} is empty: give it as {example}.")
    if "://" not in value:
        value = "https://" + value
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.hostname or parts.query or parts.fragment:
        raise UserError(f"The {what} {host.strip()!r} is not a host name: give it as {example}.")
    if parts.username or parts.password:
        raise UserError(
            f"The {what} contains credentials: remove 'user:password@'; the wizard keeps the secret in a "
            "credential store instead of in a file."
        )
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def _name(value: str, *, what: str, example: str) -> str:
    name = value.strip()
    if _NAME.match(name):
        return name
    if not name:
        raise UserError(f"The {what} is empty: give it, e.g. {example}.")
    raise UserError(
        f"The {what} {name!r} is not valid: use letters, digits, dots, hyphens or underscores, without spaces "
        "or slashes."
    )


def _split(url: str, marker: str) -> tuple[str, list[str]] | None:
    """``(https://host[/prefix], segments after marker)`` when ``marker`` is in the URL's path."""
    try:
        parts = urlsplit(url.strip())
        host = parts.hostname
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("https", "http") or not host:
        return None
    path = parts.path
    at = path.find(marker)
    if at < 0:
        return None
    netloc = host if port is None else f"{host}:{port}"  # drops user:password@
    prefix = path[:at].rstrip("/")
    rest = [s for s in path[at + len(marker) :].split("/") if s]
    return f"{parts.scheme}://{netloc}{prefix}", rest


def _host_field(base: str) -> str:
    """The host field for a base URL: the scheme is dropped when it is https."""
    return base.removeprefix("https://")


def _urls(simple: str, upload: str) -> IndexUrls:
    return IndexUrls(simple=simple, upload=upload, warnings=check_index_url(simple))


# --- JFrog Artifactory --------------------------------------------------------

JFROG_NOTES = (
    "Use an identity or access token as the password with your JFrog username, or with an empty username.",
    "To publish with uv, do not use --token or UV_PUBLISH_TOKEN: uv then sends the username __token__, which "
    "JFrog refuses with 401; pass the token as the password instead (`uv publish -u \"\" -p \"$JFROG_TOKEN\"`, or "
    "UV_PUBLISH_USERNAME=\"\" and UV_PUBLISH_PASSWORD), or use your JFrog username with the token as password.",
)


def _jfrog_base(host: str) -> str:
    value = host.strip()
    if value and "." not in value and "/" not in value and ":" not in value:
        value = f"{value}.jfrog.io"  # a JFrog Cloud organization name
    return _base(value, what="JFrog host", example="acme.jfrog.io (or your own server's host)")


def jfrog_urls(fields: dict[str, str]) -> IndexUrls:
    base = _jfrog_base(fields.get("host", ""))
    repository = _name(fields.get("repository", ""), what="Artifactory repository", example="pypi-local")
    upload = f"{base}/artifactory/api/pypi/{repository}"
    return _urls(f"{upload}/simple", upload)


def jfrog_parse(url: str) -> dict[str, str] | None:
    found = _split(url, "/artifactory/api/pypi/")
    if not found or not found[1]:
        return None
    base, rest = found
    return {"host": _host_field(base), "repository": rest[0]}


JFROG = Preset(
    key="jfrog",
    title="JFrog Artifactory",
    fields=(
        FieldSpec("host", "Host", "acme.jfrog.io", "ORG.jfrog.io for JFrog Cloud (ORG alone works), or your server's host."),
        FieldSpec("repository", "Repository", "pypi-local", "The Artifactory repository key."),
    ),
    build=jfrog_urls,
    parse=jfrog_parse,
    notes=JFROG_NOTES,
)


# --- GitLab -------------------------------------------------------------------

GITLAB_NOTES = (
    "GitLab forwards a package it does not have to pypi.org, so a name that only exists on pypi.org can be "
    "answered from there: set `explicit = true` on the index and pin your private packages to it in "
    "tool.uv.sources.",
    "GitLab does not always ask for credentials: to a request without them it can answer 404 or forward to "
    "pypi.org, so set `authenticate = \"always\"` on the index and uv sends them with every request.",
    "Credentials: a personal access token (scope read_api, or api to publish) with any username, a deploy token "
    "with its own username, or gitlab-ci-token with $CI_JOB_TOKEN in CI.",
    "Publishing goes to the project URL only; a group index can be installed from but not uploaded to.",
)

_SCOPES = ("project", "group")


def _gitlab_id(value: str) -> str:
    ident = value.strip()
    if not ident:
        raise UserError("The GitLab ID is empty: give the numeric project or group ID shown on its overview page.")
    if "/" in ident:
        # A path works when URL-encoded; the numeric ID never changes when the project moves.
        return ident.replace("/", "%2F")
    if not re.match(r"^[A-Za-z0-9._%-]+$", ident):
        raise UserError(f"The GitLab ID {ident!r} is not valid: give the numeric project or group ID.")
    return ident


def gitlab_urls(fields: dict[str, str]) -> IndexUrls:
    base = _base(fields.get("host", "") or "gitlab.com", what="GitLab host", example="gitlab.com")
    scope = fields.get("scope", "").strip() or "project"
    if scope not in _SCOPES:
        raise UserError(f"The GitLab scope {scope!r} is not project or group: a PyPI index belongs to one of those.")
    ident = _gitlab_id(fields.get("id", ""))
    if scope == "group":
        simple = f"{base}/api/v4/groups/{ident}/-/packages/pypi/simple"
        # Groups take no uploads: the field stays empty for the user to give a project's URL.
        return IndexUrls(
            simple=simple,
            upload="",
            warnings=(
                *check_index_url(simple),
                "A GitLab group index cannot be published to: publish to a project's packages/pypi URL.",
            ),
        )
    upload = f"{base}/api/v4/projects/{ident}/packages/pypi"
    return _urls(f"{upload}/simple", upload)


def gitlab_parse(url: str) -> dict[str, str] | None:
    found = _split(url, "/api/v4/")
    if not found:
        return None
    base, rest = found
    if len(rest) >= 3 and rest[0] == "projects" and rest[2] == "packages":
        scope = "project"
    elif len(rest) >= 4 and rest[0] == "groups" and rest[2:4] == ["-", "packages"]:
        scope = "group"
    else:
        return None
    return {"host": _host_field(base), "scope": scope, "id": rest[1]}


GITLAB = Preset(
    key="gitlab",
    title="GitLab package registry",
    fields=(
        FieldSpec("host", "Host", "gitlab.com", "gitlab.com, or your self-managed GitLab's host.", optional=True),
        FieldSpec("scope", "Scope", "project", "project (install and publish) or group (install only).", choices=_SCOPES),
        FieldSpec("id", "Project or group ID", "12345678", "The numeric ID shown on the project's or group's overview page."),
    ),
    build=gitlab_urls,
    parse=gitlab_parse,
    notes=GITLAB_NOTES,
)


# --- Sonatype Nexus -----------------------------------------------------------

NEXUS_NOTES = (
    "Install from a pypi group or proxy repository, and publish to a pypi hosted repository: a group cannot "
    "take uploads.",
)


def nexus_urls(fields: dict[str, str]) -> IndexUrls:
    base = _base(fields.get("host", ""), what="Nexus host", example="nexus.example.com (with /nexus if it has a path)")
    repository = _name(fields.get("repository", ""), what="Nexus repository", example="pypi-internal")
    upload = f"{base}/repository/{repository}/"
    return _urls(upload + "simple/", upload)


def nexus_parse(url: str) -> dict[str, str] | None:
    found = _split(url, "/repository/")
    if not found or not found[1]:
        return None
    base, rest = found
    return {"host": _host_field(base), "repository": rest[0]}


NEXUS = Preset(
    key="nexus",
    title="Sonatype Nexus Repository",
    fields=(
        FieldSpec("host", "Host", "nexus.example.com", "The server's host, with its path prefix if it has one."),
        FieldSpec("repository", "Repository", "pypi-internal", "The repository name (pypi hosted, proxy or group)."),
    ),
    build=nexus_urls,
    parse=nexus_parse,
    notes=NEXUS_NOTES,
)


# --- devpi -------------------------------------------------------------------

DEVPI_NOTES = (
    "devpi serves an index at /USER/INDEX/+simple/ and takes uploads at /USER/INDEX/ (not at the index URL "
    "without simple/).",
    "A devpi index is readable by anyone unless its acl_read says otherwise, so only devpi's login can tell a "
    "right password from a wrong one: the live check asks it.",
    "Uploads need a user listed in the index's acl_upload (its owner by default): "
    "`devpi index USER/INDEX acl_upload=USER,OTHER`.",
)


def devpi_urls(fields: dict[str, str]) -> IndexUrls:
    base = _base(fields.get("host", ""), what="devpi host", example="devpi.example.com (with its path prefix if any)")
    user = _name(fields.get("user", ""), what="devpi user", example="alice")
    index = _name(fields.get("index", ""), what="devpi index", example="dev")
    upload = f"{base}/{user}/{index}/"
    return _urls(upload + "+simple/", upload)


def devpi_parse(url: str) -> dict[str, str] | None:
    found = _split(url, "/+simple")
    if not found:
        return None
    base, _ = found
    parts = urlsplit(base)
    segments = [s for s in parts.path.split("/") if s]
    if len(segments) < 2:
        return None
    prefix = "/".join(segments[:-2])
    host = f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
    return {"host": _host_field(host), "user": segments[-2], "index": segments[-1]}


DEVPI = Preset(
    key="devpi",
    title="devpi",
    fields=(
        FieldSpec("host", "Host", "devpi.example.com", "The server's host, with its path prefix if it has one."),
        FieldSpec("user", "User", "alice", "The devpi user that owns the index."),
        FieldSpec("index", "Index", "dev", "The index name under that user."),
    ),
    build=devpi_urls,
    parse=devpi_parse,
    notes=DEVPI_NOTES,
)


PRESETS: dict[str, Preset] = {p.key: p for p in (JFROG, GITLAB, NEXUS, DEVPI)}


def recognise(url: str) -> tuple[str, dict[str, str]] | None:
    """``(preset key, fields)`` for a pasted URL of a known shape, or None."""
    for preset in PRESETS.values():
        fields = preset.parse(url)
        if fields is not None:
            return preset.key, fields
    return None
