"""The one HTTP client configuration every request of the tool uses: the live check, the
listings, token minting and doctor.

It routes and trusts the way uv does, so that what the wizard proves is what uv will do:

- **Proxies** (uv's HTTP stack reads them with hyper-util's ``Matcher::from_env``):
  ``ALL_PROXY``/``all_proxy`` for every scheme, ``HTTPS_PROXY``/``https_proxy`` and
  ``HTTP_PROXY``/``http_proxy`` per scheme (more specific than ``ALL_PROXY``); of each pair
  the upper-case one wins when it is set, even empty. Under CGI (``REQUEST_METHOD`` set) no proxy
  variable is trusted at all (a request's ``Proxy:`` header can set ``HTTP_PROXY`` there).
  A proxy without a scheme is ``http://``; ``user:password@`` in it
  is sent as ``Proxy-Authorization``. ``NO_PROXY``/``no_proxy`` is a comma list: ``*`` for every
  host, IP addresses and CIDR ranges, and domains, where ``acme.example`` and ``.acme.example``
  alike match the domain and every subdomain.
- **Trust**: the platform's store plus ``SSL_CERT_FILE`` (a PEM bundle) and ``SSL_CERT_DIR``
  (directories of certificates), merged, as uv merges them (Python's own default would let
  ``SSL_CERT_FILE`` replace the platform's store).
- **Errors** are sentences that say which part failed: a dead proxy is named with the variable it
  came from, never blamed on the registry.

urllib's request machinery is imported inside the functions that use it: a command that stops
before the network never loads it.
"""

from __future__ import annotations

import base64
import ipaddress
import os
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from functools import lru_cache
from pathlib import Path
from typing import Protocol, cast
from urllib.parse import unquote, urlsplit

from .model import mask

# The variables uv reads, in its order of precedence within each pair.
_ALL = ("ALL_PROXY", "all_proxy")
_PER_SCHEME = {"https": ("HTTPS_PROXY", "https_proxy"), "http": ("HTTP_PROXY", "http_proxy")}
_NO = ("NO_PROXY", "no_proxy")
#: the variables that decide where a request goes and whom it trusts: a child process and a test need them all
VARIABLES = (*_ALL, *_PER_SCHEME["https"], *_PER_SCHEME["http"], *_NO, "SSL_CERT_FILE", "SSL_CERT_DIR")


class NetworkError(Exception):
    """A request that got no HTTP answer, with the sentence that says why and what to check."""

    def __init__(self, message: str, reason: object = None):
        super().__init__(message)
        self.message = message
        self.reason = reason  # the underlying error (an ssl.SSLCertVerificationError, …), for callers that tell them apart


@dataclass(frozen=True)
class Proxy:
    """The proxy a request goes through, and the variable that chose it."""

    variable: str
    scheme: str
    host: str
    port: int
    username: str = ""
    password: str = ""

    @property
    def shown(self) -> str:
        """The proxy's address for a sentence: its login, never its password."""
        login = f"{self.username}@" if self.username else ""
        return f"{self.scheme}://{login}{_bracketed(self.host)}:{self.port}"

    @property
    def named(self) -> str:
        return f"the proxy {self.shown} (from {self.variable})"

    @property
    def socks(self) -> bool:
        return self.scheme.startswith("socks")


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _first(names: tuple[str, ...], env: Mapping[str, str]) -> tuple[str, str] | None:
    """The first of ``names`` that is set (even empty: uv stops at it) and its value."""
    for name in names:
        if name in env:
            return name, env[name]
    return None


def _parse_proxy(variable: str, value: str) -> Proxy | None:
    value = value.strip()
    if not value:
        return None
    if "://" not in value:
        value = "http://" + value
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "socks4", "socks4a", "socks5", "socks5h"):
        return None  # uv cannot use it either, and goes direct
    try:
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    default_port = {"http": 80, "https": 443}.get(scheme, 1080)
    return Proxy(variable, scheme, parts.hostname, port or default_port, unquote(parts.username or ""),
                 unquote(parts.password or ""))


def bypassed(host: str, no_proxy: str) -> bool:
    """Whether ``host`` matches a ``NO_PROXY`` list, by uv's rules."""
    host = host.strip("[]")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    for entry in (e.strip() for e in no_proxy.split(",")):
        if not entry:
            continue
        if entry == "*":
            return True
        try:
            network = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            network = None
        if network is not None:
            if address is not None and address.version == network.version and address in network:
                return True
            continue
        if address is not None:
            continue
        domain = entry.removeprefix(".").lower()
        name = host.lower()
        if name == domain or name.endswith("." + domain):
            return True
    return False


def proxy_for(url: str, env: Mapping[str, str] | None = None) -> Proxy | None:
    """The proxy uv would send a request for ``url`` through, or None when it goes direct."""
    env = os.environ if env is None else env
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _PER_SCHEME or not parts.hostname:
        return None
    no = _first(_NO, env)
    if no is not None and bypassed(parts.hostname, no[1]):
        return None
    if "REQUEST_METHOD" in env:
        return None  # CGI (httpoxy): uv's matcher then ignores every proxy variable
    specific = _first(_PER_SCHEME[scheme], env)
    chosen = _parse_proxy(*specific) if specific is not None else None
    if chosen is None:
        every = _first(_ALL, env)
        chosen = _parse_proxy(*every) if every is not None else None
    return chosen


# -- trust ----------------------------------------------------------------------------------


def custom_trust(env: Mapping[str, str] | None = None) -> list[tuple[str, Path]]:
    """``(variable, path)`` for each extra CA source uv reads that exists: ``SSL_CERT_FILE``, ``SSL_CERT_DIR``."""
    env = os.environ if env is None else env
    out: list[tuple[str, Path]] = []
    if env.get("SSL_CERT_FILE") and Path(env["SSL_CERT_FILE"]).is_file():
        out.append(("SSL_CERT_FILE", Path(env["SSL_CERT_FILE"])))
    for entry in (env.get("SSL_CERT_DIR") or "").split(os.pathsep):
        if entry and Path(entry).is_dir():
            out.append(("SSL_CERT_DIR", Path(entry)))
    return out


def ssl_context(env: Mapping[str, str] | None = None) -> ssl.SSLContext:
    """The platform's trust store with ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` added, as uv trusts."""
    sources = tuple(custom_trust(env))
    return _context(sources)


@lru_cache(maxsize=8)
def _context(sources: tuple[tuple[str, Path], ...]) -> ssl.SSLContext:
    context = ssl.create_default_context()
    # That loaded OpenSSL's defaults, which SSL_CERT_FILE and SSL_CERT_DIR replace: the platform's own
    # bundle and directory are loaded as well, so that the two are merged, as uv merges them. Each once:
    # a bundle takes ~25 ms to load, and where SSL_CERT_FILE names the platform's bundle (some images
    # set it for every tool) it would be loaded three times.
    defaults = ssl.get_default_verify_paths()
    loaded = {Path(p).resolve() for p in (defaults.cafile, defaults.capath) if p}
    platform = [(variable, Path(where)) for variable, where in (("SSL_CERT_FILE", defaults.openssl_cafile),
                                                               ("SSL_CERT_DIR", defaults.openssl_capath)) if where]
    for variable, path in [*platform, *sources]:
        is_file = variable == "SSL_CERT_FILE"
        if path.resolve() in loaded or not (path.is_file() if is_file else path.is_dir()):
            continue
        loaded.add(path.resolve())
        try:
            if is_file:
                context.load_verify_locations(cafile=str(path))
            else:
                context.load_verify_locations(capath=str(path))
        except (ssl.SSLError, OSError):
            continue  # uv skips a bundle it cannot read as well
    return context


# -- requests -------------------------------------------------------------------------------


def opener(*, follow_redirects: bool = True, context: ssl.SSLContext | None = None):
    """A urllib opener that routes by uv's proxy rules and trusts what uv trusts (or ``context``)."""
    import urllib.request

    class UvProxies(urllib.request.BaseHandler):
        handler_order = 100  # before the handlers that open the connection

        def _route(self, request):
            proxy = proxy_for(request.full_url)
            if proxy is not None and not proxy.socks:
                request.set_proxy(f"{_bracketed(proxy.host)}:{proxy.port}", "http")
                if proxy.username:
                    token = base64.b64encode(f"{proxy.username}:{proxy.password}".encode()).decode()
                    request.add_unredirected_header("Proxy-Authorization", f"Basic {token}")
            return None  # the request goes on to the HTTP(S) handler, now pointed at the proxy

        http_open = https_open = _route

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None  # urllib then raises HTTPError with the 3xx, which the caller reads

    handlers: list = [urllib.request.ProxyHandler({}), UvProxies(),
                      urllib.request.HTTPSHandler(context=context or ssl_context())]
    if not follow_redirects:
        handlers.append(NoRedirect)
    return urllib.request.build_opener(*handlers)


class Response(Protocol):
    """What ``open_url`` gives: an ``http.client.HTTPResponse``, or the ``HTTPError`` an error status is
    (both carry the status the server sent; ``getcode()``'s ``None`` is only for non-HTTP URLs)."""

    @property
    def status(self) -> int: ...
    @property
    def headers(self) -> Message: ...
    def read(self, amt: int | None = ..., /) -> bytes: ...
    def __enter__(self) -> Response: ...
    def __exit__(self, *exc: object) -> None: ...


def open_url(request, *, timeout: float, follow_redirects: bool = True,
             context: ssl.SSLContext | None = None) -> Response:
    """Open ``request`` (a ``urllib.request.Request``); an HTTP error status is returned as the
    response (``HTTPError`` is one), anything else raises ``NetworkError`` with its sentence."""
    import urllib.error

    url = request.full_url
    proxy = proxy_for(url)
    if proxy is not None and proxy.socks:
        raise NetworkError(
            f"The proxy {proxy.shown} (from {proxy.variable}) is a SOCKS proxy, which ar-wizard's own checks "
            "cannot go through (uv can): "
            "set HTTPS_PROXY to the HTTP proxy your network offers, or check with --no-validate."
        )
    try:
        try:
            return opener(follow_redirects=follow_redirects, context=context).open(request, timeout=timeout)
        except urllib.error.HTTPError as err:
            return cast("Response", err)  # an error status is an answer: HTTPError reads like a response
    except urllib.error.URLError as err:
        raise NetworkError(describe(err.reason, url, timeout, proxy), err.reason) from None
    except (OSError, ValueError) as err:
        raise NetworkError(describe(err, url, timeout, proxy), err) from None


def describe(reason: object, url: str, timeout: float, proxy: Proxy | None = None) -> str:
    """One sentence for a request that got no HTTP answer: what failed, and what to check."""
    host = urlsplit(url).hostname or url
    text = mask(str(reason))
    if proxy is not None:
        named = proxy.named[0].upper() + proxy.named[1:]  # it starts the sentence
        if "Tunnel connection failed" in text:
            said = text.split("Tunnel connection failed:", 1)[-1].strip()
            return (
                f"{named} would not connect to {host} ({said}): check that the proxy allows it, its login, "
                f"or add {host} to NO_PROXY if it must be reached directly."
            )
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return (
                f"Nothing answered within {timeout:.0f} s through {proxy.named}: check that the proxy is up and "
                f"reaches {host}, or unset {proxy.variable}."
            )
        if isinstance(reason, ConnectionRefusedError):
            return (
                f"{named} refused the connection (nothing is listening there): start the proxy or fix "
                f"{proxy.variable}; {host} itself was not reached."
            )
        if isinstance(reason, socket.gaierror):
            return f"{named} could not be found (DNS): fix {proxy.variable}; {host} itself was not reached."
        if isinstance(reason, (ConnectionResetError, ConnectionAbortedError)):
            return f"{named} closed the connection to {host}: check the proxy, or unset {proxy.variable}."
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return (
            f"{host} did not answer within {timeout:.0f} s: check the network, VPN or proxy "
            "(HTTPS_PROXY, ALL_PROXY), and try again."
        )
    if isinstance(reason, socket.gaierror):
        return f"{host} could not be found (DNS): check the spelling of the URL, or connect to the VPN it needs."
    if isinstance(reason, ssl.SSLCertVerificationError):
        return (
            f"{host}'s TLS certificate is not trusted ({reason.verify_message}): if it is signed by a private or "
            "corporate CA, point SSL_CERT_FILE at that CA's bundle (uv reads it too) and run this again."
        )
    if isinstance(reason, ssl.SSLError):
        return (
            f"The TLS handshake with {host} failed ({reason.reason or reason}): check that the URL uses the right "
            "port and scheme."
        )
    if isinstance(reason, ConnectionRefusedError):
        return f"Nothing is listening at {host} (connection refused): check the host and port in {url}."
    return f"Could not reach {host}: {text}."
