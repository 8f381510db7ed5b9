"""Live checks: does the index answer, with these credentials, like a package index?

A check asks the way a client does, anonymous first, then with the credentials, and
reads the pair (docs/servers-and-clients.md, "Servers"):

- 401 without credentials: the server asks for them; the authenticated answer decides.
- a redirect (sign-in, SSO) or a page that is not an index without credentials: the
  server never asks, so uv and pip must send the credentials unasked (``unasked``).
- an index both ways: the root is public; a project page it lists, and one of that
  page's files, decide. Where everything is served to anyone, only a login endpoint
  (devpi's) can tell a right password from a wrong one; elsewhere the verdict is
  "could not be verified", never "accepted".

Where uv is on PATH the real uv then resolves a listed project with the candidate
credentials and a throwaway config: its verdict wins, and this probe says why.

urllib's request machinery, json, subprocess and the temp-dir code are imported
inside the functions that use them, so a check that stops early (a refused
keyring, a bad URL) never loads them.
"""

from __future__ import annotations

import base64
import re
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from . import providers, userpath
from .model import Draft, Secret, mask
from .urls import with_userinfo

TIMEOUT = 15.0
clock = time.monotonic  # latency is measured with this; the screenshots pin it
# What uv asks for: PEP 691 JSON first, PEP 503 HTML after.
_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)
_READ = 262144  # enough of a page to find a project and a file in it


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    url: str
    status: int | None = None
    seconds: float = 0.0
    projects: tuple[str, ...] = ()  # a few names the index lists, to try an install with
    #: the server never asks for credentials (no 401): uv and pip must send them unasked
    unasked: bool = False
    #: nothing could tell a right secret from a wrong one (a public index, an empty one)
    unverifiable: bool = False
    #: the index answers at this URL instead (a redirect to the same path on https or another port)
    moved_to: str = ""


def validate_draft(draft: Draft, *, timeout: float = TIMEOUT) -> Verdict:
    """Check the draft's credential against its index, the way uv and pip will use it."""
    from .plan import resolve

    r = resolve(draft)
    provider = providers.get(draft.provider)
    secret = draft.secret
    if draft.auth == "keyring":
        from .credentials import keyring_cli

        # The same call uv makes with keyring-provider = "subprocess".
        answer = keyring_cli.ask(r.simple_url, r.username)  # bounded, as everywhere: a plugin may never answer
        secret = answer.secret
        if answer.timed_out:
            return Verdict(False, keyring_cli.no_answer(
                r.simple_url, r.username, answer, cloud=draft.provider,
                plugin=provider.keyring_plugin[0] if provider.keyring_plugin else "", sign_in=provider.sign_in,
            ), r.simple_url)
        if secret is None:
            return Verdict(False, _keyring_said_nothing(r.simple_url, r.username, answer.reason, provider), r.simple_url)
    verdict = check_index(
        r.simple_url,
        r.username,
        secret,
        explain=lambda status: provider.explain_status(
            status, url=r.simple_url, username=r.username, publish=r.publish, fresh_token=draft.minted is not None,
            fields=draft.fields,
        ),
        timeout=timeout,
    )
    if r.publish and secret is not None and draft.provider in UPLOAD_CHECKED:
        read, verdict = verdict, _with_uploads(verdict, r.simple_url, r.upload_url, r.username, secret, timeout)
        if draft.provider != "generic" and verdict is not read and not verdict.ok and verdict.status in (401, 403):
            # Refused at the upload URL: the registry's own words for a publish (an Azure PAT's scope).
            verdict = replace(verdict, message=provider.explain_status(
                verdict.status, url=r.upload_url, username=r.username, publish=True, fields=draft.fields))
    # A rotation keeps the stores it finds; setup chooses one, and pip must be able to send it.
    if verdict.ok and verdict.unasked and draft.mode == "setup" and "pip" in draft.targets and (
        not draft.stores_secret or draft.store not in ("netrc", "file")
    ):
        return replace(
            verdict,
            ok=False,
            message=f"{verdict.message} pip sends only credentials it has before asking (~/.netrc, or inline in "
            "pip.conf), never ones from the keyring or uv's store, to a server that does not ask: "
            "use --store netrc (or --store file).",
        )
    if verdict.ok and verdict.projects:
        # Only a plugin can answer uv's `keyring get` now: a secret for --store keyring is not stored yet
        # (and on rotation the keyring still holds the old one), so uv is given the candidate itself.
        plugin = draft.auth == "keyring"
        return confirm_with_uv(
            verdict, r.simple_url, r.username, None if plugin else secret, keyring=plugin, timeout=timeout
        )
    return verdict


# -- uploads, checked without uploading ------------------------------------------------------

#: Where an incomplete upload tells the credentials apart. Google's and AWS's are not asked: the read
#: check has proved the token, and Google's upload permission is asked with testIamPermissions.
UPLOAD_CHECKED = ("generic", "azure")


def _with_uploads(verdict: Verdict, simple_url: str, upload_url: str, username: str, secret: Secret,
                  timeout: float) -> Verdict:
    """Add what the upload URL says about the credentials to the read verdict: it decides where reads could
    not tell (a public or empty index), refuses where uploads are refused, and is a note where it cannot ask."""
    if not verdict.ok and not verdict.unverifiable:
        return verdict  # reads refused them: that is the answer
    upload = check_upload(simple_url, upload_url, username, secret, timeout=timeout)
    if upload.ok and verdict.unverifiable:
        return replace(upload, url=verdict.url, seconds=verdict.seconds + upload.seconds)
    if upload.ok or upload.unverifiable:
        return replace(verdict, message=f"{verdict.message} {upload.message}", seconds=verdict.seconds + upload.seconds)
    return replace(upload, url=verdict.url, seconds=verdict.seconds + upload.seconds)


def _incomplete_upload() -> tuple[bytes, str]:
    """An upload request with no file, name or version: a server refuses it as incomplete (400) once it has
    checked the credentials, and has nothing it could store."""
    import secrets

    boundary = "ar-wizard-" + secrets.token_hex(8)
    fields = {":action": "file_upload", "protocol_version": "1"}
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'
                   for k, v in fields.items()) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def _post_upload(upload_url: str, authorization: str | None, timeout: float) -> int:
    import urllib.request

    from .network import NetworkError, open_url

    body, content_type = _incomplete_upload()
    request = urllib.request.Request(upload_url, data=body, method="POST",
                                     headers={"Content-Type": content_type, "User-Agent": "ar-wizard"})
    if authorization:
        request.add_unredirected_header("Authorization", authorization)
    try:
        with open_url(request, timeout=timeout, follow_redirects=False) as response:
            return response.status
    except NetworkError as err:
        raise _Unreachable(err.message) from None


def check_upload(simple_url: str, upload_url: str, username: str, secret: Secret, *,
                 timeout: float = TIMEOUT) -> Verdict:
    """Whether the upload URL takes these credentials, without uploading anything.

    devpi: its login. Elsewhere an upload request with nothing in it, without and then with the
    credentials: 401/403 (or a redirect to sign in) refuses them, 400 accepts them (the server checked
    them before it found the request incomplete); the same answer both ways means it cannot be asked."""
    started = clock()
    if "/+simple" in urlsplit(simple_url).path:
        verdict = _devpi_login(simple_url, username, secret, (), timeout)
        if verdict.ok:
            verdict = replace(verdict, message=f"Uploads to {upload_url}: devpi's login accepted the password for "
                                               f"{username!r}.")
        return replace(verdict, seconds=clock() - started)
    try:
        anonymous = _post_upload(upload_url, None, timeout)
        status = _post_upload(upload_url, _basic(username, secret), timeout)
    except _Unreachable as err:
        return Verdict(False, f"Uploads to {upload_url} could not be checked: {err.message}", upload_url,
                       seconds=clock() - started, unverifiable=True)
    if status == 403 and anonymous == 401:
        # A wrong password answered differently (401) means the server did accept these credentials,
        # and refuses them uploads here: no upload rights, or not the upload URL.
        try:
            wrong = _post_upload(upload_url, _basic(username, Secret("ar-wizard-wrong-" + str(started))), timeout)
        except _Unreachable:
            wrong = 403
        if wrong == 401:
            return Verdict(False, f"{upload_url} accepts the credentials for {username!r} but refuses uploads with "
                                  "them (HTTP 403, where a wrong password gets 401): give this user upload rights, "
                                  "or check the upload URL (--publish-url).", upload_url, 403, clock() - started)
    seconds = clock() - started
    if status in (401, 403):
        return Verdict(False, _upload_refused(upload_url, username, status), upload_url, status, seconds)
    if 300 <= status < 400:
        return Verdict(False, f"Uploads to {upload_url} redirected the credentials for {username!r} elsewhere "
                              f"(HTTP {status}, a sign-in page): they were not accepted for uploads.",
                       upload_url, status, seconds)
    if status == 400 and (anonymous in (401, 403) or 300 <= anonymous < 400):
        return Verdict(True, f"Uploads to {upload_url} accept the credentials for {username!r} (an upload with no "
                             "file in it was refused as incomplete only after they were checked; nothing was "
                             "stored).", upload_url, status, seconds)
    if status == anonymous:
        why = (f"it answers an upload with nothing in it with HTTP {status} with or without credentials"
               if status != 404 else "it answered HTTP 404: check the upload URL (--publish-url)")
    else:
        why = f"it answered HTTP {anonymous} without credentials and HTTP {status} with them"
    return Verdict(False, f"Uploads to {upload_url} could not be checked without uploading: {why}; the first "
                          "upload will tell.", upload_url, status, seconds, unverifiable=True)


def _upload_refused(upload_url: str, username: str, status: int) -> str:
    return (
        f"Uploads to {upload_url} refused the credentials for {username!r} (HTTP {status}): check the password or "
        "token, and that this user may upload (an Azure PAT needs Packaging Read & write; pypiserver and "
        "devpi users need upload rights on the index)."
    )


def _keyring_said_nothing(url: str, username: str, reason: str, provider) -> str:
    """Why `keyring get` had no password: the plugin's own words, and how to sign in to its cloud."""
    said = f" It said: {reason.rstrip('.')}." if reason else ""
    if provider.keyring_plugin and provider.sign_in:
        fix = f"sign in with `{provider.sign_in}`, then check again"
    elif provider.keyring_plugin:
        fix = "sign in to the registry's cloud, then check again"
    else:
        fix = "store the password with `keyring set`, or install the registry's keyring plugin next to keyring"
    return f"`keyring get {url} {username}` returned nothing.{said} Fix: {fix}."


# -- the probe -----------------------------------------------------------------------


class _Unreachable(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Answer:
    """One HTTP answer, redirects other than a trailing slash not followed."""

    url: str
    status: int
    content_type: str = ""
    body: bytes = b""
    location: str = ""  # where a redirect points, made absolute
    devpi: bool = False  # devpi names itself in X-Devpi-* headers

    @property
    def kind(self) -> str:
        """``index``, ``redirect``, ``sign-in``, ``empty`` (an HTML page with no project links) or ``other``."""
        if 300 <= self.status < 400:
            return "redirect"
        if self.status != 200:
            return "other"
        if "json" in self.content_type:
            return "index" if "vnd.pypi.simple" in self.content_type and _json_index(self.body) else "other"
        if "html" not in self.content_type:
            return "other"
        lowered = self.body.lower()
        if b'type="password"' in lowered or b"type='password'" in lowered or b"type=password" in lowered:
            return "sign-in"
        return "index" if _anchors(self.body) else "empty"


def _json_index(body: bytes) -> dict | None:
    import json

    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) and ("projects" in data or "files" in data) else None


def _anchors(body: bytes) -> list[tuple[str, str]]:
    """``(href, text)`` of every link in an HTML page."""
    found = re.findall(rb"<a\b[^>]*\bhref\s*=\s*[\"']([^\"']+)[\"'][^>]*>\s*([^<]*?)\s*</a>", body, flags=re.I)
    return [(h.decode("utf-8", "replace"), t.decode("utf-8", "replace")) for h, t in found]


def _basic(username: str, secret: Secret) -> str:
    return "Basic " + base64.b64encode(f"{username}:{secret.reveal()}".encode()).decode()


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc) == (pb.scheme, pb.netloc)


def _fetch(url: str, authorization: str | None, timeout: float, *, read: int = _READ) -> _Answer:
    """GET ``url``; a redirect that only adds or drops the trailing slash is followed, no other."""
    import urllib.request

    from .network import NetworkError, open_url

    for _ in range(5):
        request = urllib.request.Request(url, headers={"Accept": _ACCEPT, "User-Agent": "ar-wizard"})
        if authorization:
            request.add_unredirected_header("Authorization", authorization)
        try:
            with open_url(request, timeout=timeout, follow_redirects=False) as response:
                status = response.status
                headers = response.headers
                body = response.read(read) if read else b""
        except NetworkError as err:
            raise _Unreachable(err.message) from None
        except (OSError, ValueError) as err:  # the connection broke while the body was read
            from .network import describe, proxy_for

            raise _Unreachable(describe(err, url, timeout, proxy_for(url))) from None
        if status == 407:  # an http:// request forwarded by a proxy that wants a login
            from .network import proxy_for

            proxy = proxy_for(url)
            if proxy is not None:
                raise _Unreachable(f"{proxy.named[0].upper()}{proxy.named[1:]} asks for a login (HTTP 407): put "
                                   f"user:password@ in {proxy.variable}'s URL.")
        location = urljoin(url, headers.get("Location", "")) if 300 <= status < 400 else ""
        if location and _same_origin(location, url) and (
            urlsplit(location).path.rstrip("/") == urlsplit(url).path.rstrip("/")
        ):
            url = location
            continue
        return _Answer(
            url,
            status,
            headers.get("Content-Type", ""),
            body,
            location,
            any(k.lower().startswith("x-devpi-") for k in headers.keys()),
        )
    raise _Unreachable(f"{url} redirects in a loop: check the URL.")


def status_of(url: str, username: str = "", secret: Secret | None = None, *, timeout: float = TIMEOUT) -> int | None:
    """The HTTP status of a plain GET of ``url`` (redirects not followed), or None when nothing answered."""
    try:
        return _fetch(url, _basic(username, secret) if secret is not None else None, timeout, read=0).status
    except _Unreachable:
        return None


def check_index(url: str, username: str, secret: Secret | None, *, explain, timeout: float = TIMEOUT) -> Verdict:
    """Ask ``url`` without credentials, then with them, and read the pair."""
    started = clock()
    authorization = _basic(username, secret) if secret is not None else None
    try:
        anonymous = _fetch(url, None, timeout)
        if anonymous.kind == "redirect" and _moved(url, anonymous.location):
            # Not a sign-in page: the index itself answers there. No credentials are sent to the old address.
            return Verdict(False, _moved_message(url, anonymous.location), url, anonymous.status, clock() - started,
                           moved_to=anonymous.location)
        authenticated = _fetch(url, authorization, timeout) if authorization else anonymous
        verdict = _read_root(url, username, secret, anonymous, authenticated, explain, timeout)
    except _Unreachable as err:
        return Verdict(False, err.message, url, None, clock() - started)
    return replace(verdict, seconds=clock() - started)


def _read_root(url, username, secret, anonymous: _Answer, authenticated: _Answer, explain, timeout) -> Verdict:
    refused = _refusal(url, username, anonymous, authenticated, explain)
    if refused is not None:
        return refused
    projects = _projects(authenticated)
    if anonymous.status == 401 and authenticated.kind in ("index", "empty"):
        return _accepted(url, username, projects)
    if authenticated.kind == "empty":
        return _unverifiable(url, "this index lists no projects, so nothing shows that the credentials reach "
                                  "packages: publish one, or check the URL")
    if anonymous.kind == "index":
        return _read_public_root(url, username, secret, anonymous, authenticated, explain, timeout)
    if anonymous.kind == "empty" and projects:
        return _read_hidden_list(url, username, anonymous, authenticated, projects, explain, timeout)
    return _accepted(url, username, projects, unasked=_never_asks(anonymous))


def _read_hidden_list(url, username, anonymous: _Answer, authenticated: _Answer, projects, explain, timeout) -> Verdict:
    """The root answers strangers with an empty list and lists projects to the credentials (pypicloud):
    whether the server asks is decided where the challenge is, on a project page."""
    name, page = _project_pages(authenticated)[0]
    anonymous_page = _fetch(page, None, timeout, read=0)
    if anonymous_page.status == 401:
        return _accepted(url, username, projects,
                         how=f" (its list is empty to strangers; the page of {name!r} asks for credentials)")
    return _accepted(url, username, projects, unasked=_never_asks(anonymous))


def _refusal(url, username, anonymous: _Answer, answer: _Answer, explain) -> Verdict | None:
    """The verdict when ``answer`` (with credentials) is not an index page, or None when it is one."""
    kind = answer.kind
    if kind == "redirect":
        target = urlsplit(answer.location)
        if not _same_origin(answer.location, url):
            message = (
                f"{url} redirected to {target.hostname}, which looks like a sign-in page, not a package index: "
                f"the credentials for {username!r} were not accepted; check them, and whether the registry "
                "needs a different token."
            )
        else:
            message = (
                f"{url} redirected to {target.path}, a sign-in page, instead of answering: the credentials "
                f"for {username!r} were not accepted; check the username and the password or token."
            )
        return Verdict(False, message, url, answer.status)
    if answer.status >= 400 or answer.status < 200:
        if answer.status == 403 and anonymous.status == 403 and answer is not anonymous:
            message = (
                f"{url} refused the credentials for {username!r} (403). It answers 403 without credentials "
                "too, so it does not tell a wrong password from a missing permission: check the username "
                "and the password or token first, then that this user may read the index."
            )
            return Verdict(False, message, url, 403)
        return Verdict(False, explain(answer.status), url, answer.status)
    if kind == "sign-in":
        return Verdict(
            False,
            f"{url} answered with a sign-in page, not a package index: the credentials for {username!r} "
            "were not accepted.",
            url,
            answer.status,
        )
    if kind == "other":
        return Verdict(
            False,
            f"{url} answered, but not with a package index ({answer.content_type or 'no content type'}): "
            "check that the URL is the registry's PEP 503 'simple' URL.",
            url,
            answer.status,
        )
    return None


def _moved(url: str, location: str) -> bool:
    """A redirect to the same host and path on https or on another port: the index moved, it is no sign-in."""
    a, b = urlsplit(url), urlsplit(location)
    if (a.hostname or "").lower() != (b.hostname or "").lower() or a.path.rstrip("/") != b.path.rstrip("/"):
        return False
    return (a.scheme, a.port) != (b.scheme, b.port)


def _moved_message(url: str, location: str) -> str:
    target = location if location.endswith("/") else location + "/"
    how = "to https" if urlsplit(url).scheme == "http" and urlsplit(location).scheme == "https" else "to another port"
    return (
        f"{url} redirects to {target}: the index has moved there ({how}). Give {target} as the index URL (--url) "
        "and check again; the credentials were not sent to the old address."
    )


def _never_asks(anonymous: _Answer) -> bool:
    """Without credentials the server answered something other than a 401 challenge."""
    return anonymous.status != 401


def _describe(anonymous: _Answer) -> str:
    if anonymous.kind == "redirect":
        return f"a redirect to {urlsplit(anonymous.location).path or anonymous.location}"
    if anonymous.kind == "sign-in":
        return "a sign-in page"
    return f"HTTP {anonymous.status}"


def _accepted(url: str, username: str, projects, *, unasked: bool = False, how: str = "", status: int = 200) -> Verdict:
    message = f"{url} accepted the credentials for {username!r}{how}."
    if unasked:
        message += (
            " It never asks for credentials (without them it answers with something other than a 401), "
            "so uv must send them unasked: the uv index gets authenticate = \"always\"."
        )
    return Verdict(True, message, url, status, projects=tuple(projects), unasked=unasked)


def _unverifiable(url: str, why: str) -> Verdict:
    return Verdict(
        False,
        f"{url} could not be verified: {why}.",
        url,
        200,
        unverifiable=True,
    )


def _read_public_root(url, username, secret, anonymous, authenticated, explain, timeout) -> Verdict:
    """The root answers anyone: a project page it lists, and one of its files, decide."""
    pages = _project_pages(anonymous)
    if not pages:
        return _unverifiable(url, "this index lists no projects, and its list is public, so any password "
                                  "would pass: publish a package, then check again")
    name, page = pages[0]
    projects = _projects(authenticated)
    authorization = _basic(username, secret) if secret is not None else None
    anonymous_page = _fetch(page, None, timeout)
    page_answer = _fetch(page, authorization, timeout) if authorization else anonymous_page
    refused = _refusal(page, username, anonymous_page, page_answer, explain)
    if refused is not None:
        return replace(refused, url=url)
    how = f" (its project list is public; the page of {name!r} is not)"
    if anonymous_page.status == 401:
        return _accepted(url, username, projects, how=how)
    if anonymous_page.kind != "index":
        return _accepted(url, username, projects, how=how, unasked=True)
    files = _file_links(page_answer)
    if files:
        anonymous_file = _fetch(files[0], None, timeout, read=0)
        file_answer = _fetch(files[0], authorization, timeout, read=0) if authorization else anonymous_file
        if file_answer.status >= 400 or (file_answer.kind == "redirect" and _same_origin(file_answer.location, url)):
            refused = _refusal(files[0], username, anonymous_file, file_answer, explain)
            return replace(refused, url=url) if refused else Verdict(False, explain(file_answer.status), url)
        how = f" (its project pages are public; the files of {name!r} are not)"
        if anonymous_file.status == 401:
            return _accepted(url, username, projects, how=how)
        if anonymous_file.status >= 300:
            return _accepted(url, username, projects, how=how, unasked=True)
    if secret is None:  # asked without a credential (doctor, for an index that has none): a public index
        return Verdict(True, f"{url} serves its packages to anyone: it needs no credentials.", url, 200,
                       projects=projects)
    if authenticated.devpi:
        return _devpi_login(url, username, secret, projects, timeout)
    return _unverifiable(url, "it serves its packages to anyone, so a wrong password would pass too, and it "
                              "offers no way to check one")


def _devpi_login(url: str, username: str, secret: Secret, projects, timeout: float) -> Verdict:
    """devpi serves a world-readable index to anyone; its login endpoint checks the password."""
    import json
    import urllib.request

    parts = urlsplit(url)
    # /USER/INDEX/+simple/ → the server's root is above USER/INDEX
    prefix = parts.path.split("/+simple")[0].rstrip("/").rsplit("/", 2)[0]
    login = f"{parts.scheme}://{parts.netloc}{prefix}/+login"
    body = json.dumps({"user": username, "password": secret.reveal()}).encode()
    request = urllib.request.Request(
        login, data=body, method="POST", headers={"Content-Type": "application/json", "Accept": "application/json"}
    )
    from .network import NetworkError, open_url

    try:
        with open_url(request, timeout=timeout, follow_redirects=False) as response:
            status = response.status
    except NetworkError as err:
        raise _Unreachable(err.message) from None
    if status == 200:
        return _accepted(url, username, projects, how=" (devpi's login; the index itself is readable by anyone)")
    if status == 401:
        return Verdict(
            False,
            f"devpi at {parts.netloc} rejected the password for {username!r} at its login (401): check the "
            "username and the password.",
            url,
            401,
        )
    return _unverifiable(url, f"it serves its packages to anyone, and devpi's login answered HTTP {status}")


def _project_pages(answer: _Answer) -> list[tuple[str, str]]:
    """``(name, absolute URL)`` of the project pages an index root lists."""
    if "json" in answer.content_type:
        data = _json_index(answer.body) or {}
        names = [p.get("name", "") for p in data.get("projects", []) if isinstance(p, dict)]
        return [(n, urljoin(answer.url, _normalise(n) + "/")) for n in names if n]
    return [(text or href, urljoin(answer.url, href)) for href, text in _anchors(answer.body)
            if not href.startswith(("#", "mailto:"))]


def _file_links(answer: _Answer) -> list[str]:
    if "json" in answer.content_type:
        data = _json_index(answer.body) or {}
        return [urljoin(answer.url, f["url"]) for f in data.get("files", []) if isinstance(f, dict) and f.get("url")]
    return [urljoin(answer.url, href.split("#")[0]) for href, _ in _anchors(answer.body)]


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _projects(answer: _Answer, limit: int = 5) -> tuple[str, ...]:
    return tuple(name for name, _ in _project_pages(answer)[:limit])


# -- the real uv -----------------------------------------------------------------------

# uv settings from the environment that would point the check at other indexes or credentials.
_UV_SETTINGS = ("UV_INDEX", "UV_DEFAULT_INDEX", "UV_INDEX_URL", "UV_EXTRA_INDEX_URL", "UV_FIND_LINKS",
                "UV_KEYRING_PROVIDER", "UV_NO_INDEX", "UV_OFFLINE", "UV_CONFIG_FILE", "UV_NO_CONFIG")


def confirm_with_uv(verdict: Verdict, url: str, username: str, secret: Secret | None, *, keyring: bool,
                    timeout: float = TIMEOUT) -> Verdict:
    """Resolve a project the index lists with the real uv, the candidate credentials and a throwaway
    config; uv's verdict wins. ``keyring``: uv asks `keyring get` itself, as it will after setup."""
    import json
    import subprocess
    import tempfile

    uv = userpath.which("uv")
    if uv is None:
        return verdict
    project = verdict.projects[0]
    started = clock()
    with tempfile.TemporaryDirectory(prefix="ar-wizard-check-") as tmp:
        config = Path(tmp, "uv.toml")
        lines = ['keyring-provider = "subprocess"'] if keyring else []
        lines += [
            "[[index]]",
            'name = "candidate"',
            f"url = {json.dumps(with_userinfo(url, username) if keyring else url)}",
            "default = true",
        ]
        if verdict.unasked:
            lines.append('authenticate = "always"')
        config.write_text("\n".join(lines) + "\n", encoding="utf-8")
        Path(tmp, "netrc").write_text("", encoding="utf-8")
        env = {k: v for k, v in userpath.child_env().items() if k not in _UV_SETTINGS}
        env |= {
            # Only the candidate credentials: no netrc entry or uv-store login can stand in for them.
            "NETRC": str(Path(tmp, "netrc")),
            "UV_CREDENTIALS_DIR": str(Path(tmp, "credentials")),
            "UV_HTTP_TIMEOUT": str(max(1, round(timeout))),
            "UV_HTTP_RETRIES": "1",  # the probe has just reached the server: a failure here is no blip
            "UV_PYTHON_DOWNLOADS": "never",
        }
        if secret is not None:
            env |= {"UV_INDEX_CANDIDATE_USERNAME": username, "UV_INDEX_CANDIDATE_PASSWORD": secret.reveal()}
        argv = [uv, "pip", "compile", "-", "--config-file", str(config), "--no-cache", "--no-deps",
                "--no-header", "--quiet", "--python", sys.executable]
        try:
            proc = subprocess.run(argv, input=project + "\n", capture_output=True, text=True, cwd=tmp, env=env,
                                  timeout=timeout * 4)
        except subprocess.TimeoutExpired:
            return replace(verdict, ok=False, message=f"uv did not resolve {project} from {url} within "
                                                      f"{timeout * 4:.0f} s: check the network and try again.")
        except OSError as err:
            return replace(verdict, message=verdict.message + f" (uv could not be run to confirm it: {err.strerror})")
    seconds = verdict.seconds + clock() - started
    if proc.returncode == 0:
        return replace(verdict, message=verdict.message + f" uv resolved {project} from it.", seconds=seconds)
    detail = _uv_error(proc.stderr)
    if "UnknownIssuer" in detail or "invalid peer certificate" in detail:
        # This check trusts the system's store; uv trusts it only when told to, in a way that depends on its version.
        from .credentials.process import version_of
        from .tls_trust import uv_system_store_setting

        detail += (f" uv does not trust this certificate's CA: if the CA is in the system's store, set "
                   f"{uv_system_store_setting(version_of(uv) or None)}; else point SSL_CERT_FILE at its bundle.")
    return replace(
        verdict,
        ok=False,
        seconds=seconds,
        message=f"uv could not resolve {project} from {url} with the credentials for {username!r}: {detail} "
        f"(the check without uv said: {verdict.message})",
    )


def _uv_error(stderr: str) -> str:
    """uv's error in one line: its `error:` line and the innermost cause under it (TLS, 401, …)."""
    lines = [line.strip() for line in stderr.strip().splitlines() if line.strip()]
    causes = ("cause:", "Caused by:", "├─▶", "╰─▶")
    error = next((line for line in lines if line.startswith(("error:", "×"))), lines[-1] if lines else "no output")
    cause = next((line for line in reversed(lines) if line.startswith(causes)), "")
    text = error.removeprefix("error:").removeprefix("×").strip()
    if cause:
        for prefix in causes:
            cause = cause.removeprefix(prefix)
        text += f" ({cause.strip()})"
    return mask(text)


def prove_with_uv(draft: Draft, package: str, *, timeout: float = 120) -> Verdict:
    """Resolve ``package`` with the real uv and the files just written, as the user will."""
    import subprocess

    from .plan import resolve

    r = resolve(draft)
    uv = userpath.which("uv")
    if uv is None:
        return Verdict(False, "uv is not on PATH, so the check could not run: install uv first.", r.simple_url)
    env = userpath.child_env()
    if draft.store == "env" and draft.stores_secret:
        from .targets import env_file

        dotenv = draft.project_dir / ".env"
        if dotenv.exists():
            env.update(env_file.read_vars(dotenv.read_text(encoding="utf-8")))
    started = clock()
    try:
        proc = subprocess.run(
            [uv, "pip", "compile", "-", "--no-header", "--emit-index-annotation", "--quiet"],
            input=package + "\n",
            capture_output=True,
            text=True,
            cwd=draft.project_dir,
            env=env,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return Verdict(False, f"uv did not finish within {timeout:.0f} s.", r.simple_url)
    seconds = clock() - started
    bare = r.simple_url.rstrip("/")
    if proc.returncode == 0 and bare in proc.stdout:
        pinned = next((line for line in proc.stdout.splitlines() if "==" in line), package)
        return Verdict(True, f"uv resolved {pinned.strip()} from {r.simple_url}.", r.simple_url, seconds=seconds)
    if proc.returncode == 0:
        return Verdict(False, f"uv resolved {package}, but from another index than {r.simple_url}.", r.simple_url, seconds=seconds)
    detail = mask(proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "no output")
    return Verdict(False, f"uv could not resolve {package}: {detail}", r.simple_url, seconds=seconds)
