"""What every provider offers: its URL shapes, its usernames and its reading of a status."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..errors import UserError
from ..urls import ipv4_problem, upload_url_for


@dataclass(frozen=True)
class FieldSpec:
    """One registry detail the user types; the TUI draws an input per spec."""

    name: str
    label: str
    placeholder: str = ""
    help: str = ""
    optional: bool = False
    choices: tuple[str, ...] = ()  # offered as completions while typing


@dataclass(frozen=True)
class IndexUrls:
    simple: str
    upload: str
    warnings: tuple[str, ...] = field(default=())


class Provider:
    key = ""
    title = ""
    #: one line shown when choosing a provider
    blurb = ""
    fields: tuple[FieldSpec, ...] = ()
    auth_methods: tuple[str, ...] = ("token", "keyring")
    #: (package, backend class) of the keyring plugin that mints this registry's tokens
    keyring_plugin: tuple[str, str] | None = None
    #: the command that gives this machine the cloud credentials its keyring plugin mints from
    sign_in = ""
    #: what the username is, for a person choosing how to sign in
    username_help = (
        "The username the registry gave you with the token; for tokens without one (JFrog, GitLab "
        "deploy tokens) the registry documents what to type."
    )
    #: what the secret is called here, and where a person gets one
    secret_label = "Token or password"
    secret_help = "A short-lived token is safer than a password: rotate it by running the wizard again."

    def paste_help(self) -> str:
        """Where a person finds the index URL to paste."""
        return "e.g. the URL the registry's web page shows for pip or uv."

    def secret_hint(self) -> str:
        """Where a person gets the secret, naming only tools they have."""
        return self.secret_help

    def check_field(self, name: str, value: str) -> tuple[str, ...]:
        """Raise UserError when ``value`` cannot work for field ``name``; return warnings."""
        return ()

    def urls(self, fields: dict[str, str]) -> IndexUrls:
        raise NotImplementedError

    def parse(self, url: str) -> dict[str, str] | None:
        """The fields a pasted URL stands for, or None when it is not this provider's."""
        raise NotImplementedError

    def default_username(self, auth: str) -> str | None:
        return None

    def explain_status(self, status: int, *, url: str, username: str, publish: bool,
                       fresh_token: bool = False, fields: dict[str, str] | None = None) -> str:
        """One sentence saying what an HTTP status from this registry means and what to do.

        ``fresh_token``: the token was minted seconds ago, so "expired" is not the likely cause.
        ``fields``: the registry's fields, where the URL (a proxy's) does not show them."""
        return explain_status(status, url=url, username=username)


class BuiltProvider(Provider):
    """A registry whose index URL is built from checked fields, or given whole as ``url``
    (a proxy in front of it). Subclasses name each field's check and build the base URL."""

    #: field name → check returning the normalised value or raising UserError
    checks: dict[str, Callable[[str], str]] = {}

    def base_url(self, values: dict[str, str]) -> str:
        """The repository URL ending in ``/``, from checked field values."""
        raise NotImplementedError

    def upload_url(self, base: str) -> str:
        return base

    def upload_url_for_override(self, simple_url: str) -> str:
        return upload_url_for(simple_url)

    def check_field(self, name: str, value: str) -> tuple[str, ...]:
        if name in self.checks:
            self.checks[name](value)
        elif name == "url" and value:
            return check_index_url(value)
        elif name == "publish_url" and value:
            return check_index_url(value, flag="the upload URL")
        return ()

    def urls(self, fields: dict[str, str]) -> IndexUrls:
        override = fields.get("url", "").strip()
        publish = fields.get("publish_url", "").strip()
        if publish:
            check_index_url(publish, flag="--publish-url")
        if override:
            warnings = check_index_url(override)
            return IndexUrls(override, publish or self.upload_url_for_override(override), warnings)
        base = self.base_url({name: check(fields.get(name, "")) for name, check in self.checks.items()})
        return IndexUrls(simple=base + "simple/", upload=publish or self.upload_url(base))


def explain_status(status: int, *, url: str, username: str) -> str:
    """The reading that holds for any PEP 503 index."""
    if status == 401:
        return (
            f"{url} rejected the credentials for {username!r} (401): check the username and "
            "the token or password, or create a new token."
        )
    if status == 403:
        # pypiserver and some Nexus setups answer 403 to a wrong password too: this is no proof of identity.
        return (
            f"{url} refused access for {username!r} (403): check the password or token first (some "
            "servers, such as pypiserver and Nexus, answer 403 to a wrong one), then ask for read permission "
            "on this repository, or check that the token's scopes include reading packages."
        )
    if status == 404:
        return (
            f"Nothing was found at {url} (404): check the URL; a PEP 503 index URL usually ends "
            "in /simple/ (devpi's: /USER/INDEX/+simple/)."
        )
    if status == 407:
        return (
            f"The proxy between you and {url} asked for its own credentials (407): check "
            "HTTPS_PROXY and its username and password."
        )
    if 500 <= status < 600:
        return f"{url} answered with a server error ({status}): the registry is having trouble; try again later."
    return f"{url} answered with HTTP {status}, which is not what a package index answers."


def check_index_url(url: str, *, flag: str = "--url") -> tuple[str, ...]:
    """Refuse a URL that cannot work or would put a secret in a file; return warnings."""
    if not url:
        raise UserError(f"The index URL is empty: give it with {flag}.",
                        in_wizard="The index URL is empty: paste it, e.g. https://pypi.example.com/simple/.")
    _check_url_characters(url, flag)
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. a bracketed host that is no IPv6 address
        raise UserError(f"{flag} {url!r} is not a valid URL: check the host between the brackets.",
                        in_wizard=f"{url!r} is not a valid URL: check the host between the brackets.") from None
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise UserError(
            f"{flag} {url!r} is not an http(s) URL: give the full index URL, e.g. https://host/simple/.",
            in_wizard=f"{url!r} is not an http(s) URL: type the full index URL, e.g. https://host/simple/.",
        )
    if parts.username or parts.password:
        why = ("remove 'user:password@' from the URL; the wizard keeps the secret in a credential store "
               "instead of in a file.")
        raise UserError(f"{flag} contains credentials: {why}", in_wizard=f"The URL contains credentials: {why}")
    _check_host_and_port(parts, url, flag)
    warnings = []
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        warnings.append(
            f"{url} uses plain http: the password crosses the network unencrypted; use https "
            "if the registry offers it."
        )
    path = parts.path.rstrip("/")
    if not path.endswith(("/simple", "/+simple", "/json")):
        warnings.append(
            f"{url} does not end in /simple/: most registries serve their PEP 503 index there, "
            "and the bare repository URL answers 404 to uv."
        )
    return tuple(warnings)


def check_username(username: str) -> None:
    """Refuse a username HTTP Basic auth cannot carry: RFC 7617 splits user and password at the first ':'."""
    if ":" in username:
        user = username.split(":", 1)[0]
        why = (f"contains ':', which HTTP Basic auth cannot carry: the registry would get the user {user!r} "
               "and the rest in front of the password")
        raise UserError(f"--username {username!r} {why}; give the username without ':'.",
                        in_wizard=f"The username {username!r} {why}; type it without ':'.")


def _check_url_characters(url: str, flag: str) -> None:
    """urlsplit silently drops tabs and line breaks, so a URL is checked before it is split."""
    bad = next((c for c in url if c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F), None)
    if bad is not None:
        what = "a line break" if bad in "\r\n" else "a space" if bad == " " else f"the control character {bad!r}"
        raise UserError(
            f"{flag} contains {what}: give the index URL on its own, without spaces or line breaks.",
            in_wizard=f"The URL contains {what}: paste the index URL on its own, without spaces or line breaks.",
        )


_HOST_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?\Z")


def _check_host_and_port(parts, url: str, flag: str) -> None:
    """A host uv can reach as written (ASCII letters, digits, '-', '.' or an IP literal) and a port in range."""
    def refuse(why: str) -> UserError:
        return UserError(f"{flag} {url!r}: {why}.", in_wizard=f"{url!r}: {why}.")

    try:
        port = parts.port  # urlsplit checks the range only when asked
    except ValueError:
        raise refuse("the port must be a number from 1 to 65535") from None
    if port == 0 or parts.netloc.rsplit("@", 1)[-1].endswith(":"):
        raise refuse("the port must be a number from 1 to 65535")
    host = parts.hostname or ""
    if "[" in parts.netloc:
        try:
            if "%" in host:
                raise ValueError  # a zone ID names this machine's interface: no URL can carry one
            ipaddress.IPv6Address(host)
        except ValueError:
            raise refuse("the bracketed host is not an IPv6 address (a zone such as %eth0 cannot be used in an index URL)") from None
        return
    if not host.isascii():
        try:
            ascii_host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise refuse(f"the host {host!r} is not a valid domain name") from None
        raise refuse(f"write the host {host!r} in its ASCII form, {ascii_host!r}, which is what uv and pip send")
    if not all(_HOST_LABEL.match(label) for label in host.rstrip(".").split(".")):
        raise refuse(f"the host {host!r} may only hold letters, digits, '-', '_' and '.'")
    why = ipv4_problem(host)
    if why is not None:
        raise refuse(f"the host {host!r} ends in a number, so uv reads it as an IPv4 address, and it is not one "
                     f"({why}): check the address or the host name")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
