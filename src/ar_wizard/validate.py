"""Live checks: does the index answer, with these credentials, like a package index?"""

from __future__ import annotations

import base64
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from . import providers
from .model import Draft, Secret, mask

TIMEOUT = 15.0
clock = time.monotonic  # latency is measured with this; the screenshots pin it
_ACCEPT = (
    "application/vnd.pypi.simple.v1+json, application/vnd.pypi.simple.v1+html;q=0.2, "
    "text/html;q=0.01"
)


@dataclass(frozen=True)
class Verdict:
    ok: bool
    message: str
    url: str
    status: int | None = None
    seconds: float = 0.0
    projects: tuple[str, ...] = ()  # a few names the index lists, to try an install with


def validate_draft(draft: Draft, *, timeout: float = TIMEOUT) -> Verdict:
    """Check the draft's credential against its index, the way uv will use it."""
    from .plan import resolve

    r = resolve(draft)
    provider = providers.get(draft.provider)
    secret = draft.secret
    if draft.auth == "keyring":
        from .credentials import keyring_cli

        # The same call uv makes with keyring-provider = "subprocess".
        secret = keyring_cli.read(r.simple_url, r.username)
        if secret is None:
            return Verdict(
                False,
                f"`keyring get {r.simple_url} {r.username}` returned nothing: store the password "
                "with `keyring set`, or install the registry's keyring plugin next to keyring.",
                r.simple_url,
            )
    return check_index(
        r.simple_url,
        r.username,
        secret,
        explain=lambda status: provider.explain_status(
            status, url=r.simple_url, username=r.username, publish=r.publish
        ),
        timeout=timeout,
    )


def check_index(url: str, username: str, secret: Secret | None, *, explain, timeout: float = TIMEOUT) -> Verdict:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"Accept": _ACCEPT, "User-Agent": "ar-wizard"})
    if secret is not None:
        token = base64.b64encode(f"{username}:{secret.reveal()}".encode()).decode()
        # Unredirected: a redirect to another host (a sign-in page) must not receive the password.
        request.add_unredirected_header("Authorization", f"Basic {token}")
    host = urlsplit(url).hostname or url
    started = clock()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            status = response.status
            final_url = response.geturl()
            content_type = response.headers.get("Content-Type", "")
            body = response.read(65536)
    except urllib.error.HTTPError as err:
        return Verdict(False, explain(err.code), url, err.code, clock() - started)
    except urllib.error.URLError as err:
        return Verdict(False, _network_problem(err.reason, host, url, timeout), url, None, clock() - started)
    except (TimeoutError, socket.timeout):
        return Verdict(False, _timed_out(host, timeout), url, None, clock() - started)
    except (OSError, ValueError) as err:
        return Verdict(False, _network_problem(err, host, url, timeout), url, None, clock() - started)
    seconds = clock() - started

    if urlsplit(final_url).hostname != urlsplit(url).hostname:
        return Verdict(
            False,
            f"{url} redirected to {urlsplit(final_url).hostname}, which looks like a sign-in page, "
            "not a package index: check the URL, or whether the registry needs a different token.",
            url,
            status,
            seconds,
        )
    if not _looks_like_index(content_type, body):
        return Verdict(
            False,
            f"{url} answered, but not with a package index ({content_type or 'no content type'}): "
            "check that the URL is the registry's PEP 503 'simple' URL.",
            url,
            status,
            seconds,
        )
    return Verdict(
        True, f"{url} accepted the credentials for {username!r}.", url, status, seconds, _projects(body, content_type)
    )


def _projects(body: bytes, content_type: str, limit: int = 5) -> tuple[str, ...]:
    import re

    if "json" in content_type:
        import json

        try:
            return tuple(p["name"] for p in json.loads(body).get("projects", [])[:limit])
        except (ValueError, AttributeError, KeyError, TypeError):
            return ()
    names = re.findall(rb"<a\b[^>]*>\s*([^<\s]+)\s*</a>", body, flags=re.IGNORECASE)
    return tuple(n.decode("utf-8", "replace") for n in names[:limit])


def prove_with_uv(draft: Draft, package: str, *, timeout: float = 120) -> Verdict:
    """Resolve ``package`` with the real uv and the files just written, as the user will."""
    import os
    import shutil
    import subprocess

    from .plan import resolve

    r = resolve(draft)
    uv = shutil.which("uv")
    if uv is None:
        return Verdict(False, "uv is not on PATH, so the check could not run: install uv first.", r.simple_url)
    env = dict(os.environ)
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


def _looks_like_index(content_type: str, body: bytes) -> bool:
    if "vnd.pypi.simple" in content_type:
        return True
    if "html" in content_type:
        lowered = body.lower()
        return b"<a " in lowered or b"<body" in lowered or b"<html" in lowered
    return False


def _timed_out(host: str, timeout: float) -> str:
    return (
        f"{host} did not answer within {timeout:.0f} s: check the network, VPN or proxy "
        "(HTTPS_PROXY), and try again."
    )


def _network_problem(reason, host: str, url: str, timeout: float) -> str:
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return _timed_out(host, timeout)
    if isinstance(reason, socket.gaierror):
        return f"{host} could not be found (DNS): check the spelling of the URL, or connect to the VPN it needs."
    if isinstance(reason, ssl.SSLCertVerificationError):
        return (
            f"{host}'s TLS certificate is not trusted ({reason.verify_message}): if a corporate proxy "
            "re-signs traffic, point SSL_CERT_FILE at its CA bundle (and give uv --system-certs)."
        )
    if isinstance(reason, ssl.SSLError):
        return f"The TLS handshake with {host} failed ({reason.reason or reason}): check that the URL uses the right port and scheme."
    if isinstance(reason, ConnectionRefusedError):
        return f"Nothing is listening at {host} (connection refused): check the host and port in {url}."
    text = mask(str(reason))
    if "Tunnel connection failed" in text:
        return f"The proxy refused to connect to {host} ({text}): check HTTPS_PROXY, NO_PROXY and the proxy's credentials."
    return f"Could not reach {host}: {text}."
