"""An index whose certificate only a private CA vouches for, and which client trusts it.

uv reads ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` itself (since 0.1.18), and so does ar-wizard's own
check (``network.py``), so a setup can pass while the other clients fail afterwards:

- twine (requests) ignores ``SSL_CERT_FILE``: it trusts certifi, ``REQUESTS_CA_BUNDLE``, or the
  ``ca_cert`` of its repository section in ``.pypirc`` — the setting written here, per repository.
- pip before 24.2 trusts its own certifi copy or its ``cert`` setting; from 24.2 it uses truststore,
  which reads the system store (and, on Linux, OpenSSL's ``SSL_CERT_FILE``). Where pip would not
  trust the CA, ``cert`` goes into ``pip.conf`` (it replaces pip's trust for every index, so it must
  name a full bundle, as ``SSL_CERT_FILE`` usually is).

Whether the CA is private is asked of the server: its chain verifies with the ``SSL_CERT_FILE``
(or ``SSL_CERT_DIR``) bundle alone and not with the platform's default bundle.
"""

from __future__ import annotations

import ssl
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import network

#: pip uses truststore (the system store) from this version on
TRUSTSTORE_PIP = (24, 2)


@dataclass(frozen=True)
class PrivateCA:
    """The bundle that vouches for an index's certificate, and the variable that names it."""

    variable: str
    path: Path


def _verifies(url: str, context: ssl.SSLContext, timeout: float) -> bool | None:
    """Whether a TLS handshake with ``url``'s server verifies under ``context``; None when it could not be had."""
    import urllib.request

    request = urllib.request.Request(url, method="HEAD", headers={"User-Agent": "ar-wizard"})
    try:
        with network.open_url(request, timeout=timeout, follow_redirects=False, context=context):
            return True
    except network.NetworkError as err:
        if isinstance(err.reason, ssl.SSLCertVerificationError):
            return False
        return None


def _platform_context() -> ssl.SSLContext | None:
    defaults = ssl.get_default_verify_paths()
    cafile = defaults.openssl_cafile if defaults.openssl_cafile and Path(defaults.openssl_cafile).is_file() else None
    capath = defaults.openssl_capath if defaults.openssl_capath and Path(defaults.openssl_capath).is_dir() else None
    if cafile is None and capath is None:
        return None  # no bundle of the platform's to compare with (macOS, Windows builds): assume it would not
    return ssl.create_default_context(cafile=cafile, capath=capath)


def private_ca_for(url: str, *, timeout: float = 10.0) -> PrivateCA | None:
    """The ``SSL_CERT_FILE``/``SSL_CERT_DIR`` bundle that alone vouches for ``url``'s certificate, or None
    (not https, no such variable, a public CA, or the server could not be reached to tell)."""
    if urlsplit(url).scheme != "https":
        return None
    for variable, path in network.custom_trust():
        try:
            only = ssl.create_default_context(cafile=str(path)) if variable == "SSL_CERT_FILE" \
                else ssl.create_default_context(capath=str(path))
        except (ssl.SSLError, OSError):
            continue  # a bundle with no certificate in it vouches for nothing
        if _verifies(url, only, timeout) is not True:
            continue
        platform = _platform_context()
        if platform is not None and _verifies(url, platform, timeout) is True:
            return None
        return PrivateCA(variable, path)
    return None


def pip_trusts_ssl_cert_file(version: tuple[int, ...] | None, *, platform: str = sys.platform) -> bool:
    """pip ≥ 24.2 on Linux: truststore's OpenSSL context reads ``SSL_CERT_FILE`` and ``SSL_CERT_DIR``."""
    return version is not None and version >= TRUSTSTORE_PIP and platform.startswith("linux")


def requests_bundle_trusts(url: str, bundle: str, *, timeout: float = 10.0) -> bool:
    """Whether ``REQUESTS_CA_BUNDLE`` (a file or a directory) already vouches for ``url``."""
    if not bundle:
        return False
    path = Path(bundle)
    try:
        if path.is_file():
            context = ssl.create_default_context(cafile=str(path))
        elif path.is_dir():
            context = ssl.create_default_context(capath=str(path))
        else:
            return False
    except (ssl.SSLError, OSError):
        return False  # not a bundle requests could use either
    return _verifies(url, context, timeout) is True


#: uv reads the system's trust store only when told: ``--system-certs`` from this version on, ``--native-tls`` before
UV_SYSTEM_CERTS = (0, 10)


def uv_system_store_setting(version: tuple[int, ...] | None) -> str:
    """How the installed uv is told to trust the system's store (where a corporate CA usually is)."""
    if version is not None and version >= UV_SYSTEM_CERTS:
        return "UV_SYSTEM_CERTS=true (or --system-certs, or system-certs = true in uv.toml)"
    return "UV_NATIVE_TLS=true (or --native-tls; this uv has no --system-certs, which arrived in uv 0.10)"
