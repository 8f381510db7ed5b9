"""Google access tokens for Artifact Registry: from ADC, a service-account key or gcloud.

google-auth is imported inside each function: it and cryptography's RSA code
cost ~200 ms, which `--version`, `--help`, `doctor` and the first screen never pay.

google-auth needs an HTTP transport; its bundled ones want ``requests`` or
``urllib3``, which ar-wizard does not install, so a small ``urllib.request``
adapter (which honours HTTPS_PROXY and NO_PROXY) implements its public
``google.auth.transport.Request`` interface.
"""

from __future__ import annotations

import base64
import json
import os
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from .. import paths, userpath
from ..errors import UserError
from ..model import Secret, mask
from .process import first_line, run

SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
#: What an access token from gcloud lasts; gcloud does not say.
GCLOUD_TOKEN_LIFETIME = timedelta(hours=1)
UNKNOWN_USER = "your gcloud user"
TIMEOUT = 30


@dataclass(frozen=True)
class MintedToken:
    secret: Secret
    identity: str
    expires_at: datetime | None
    source: str
    #: True when ``expires_at`` is an estimate (gcloud does not report the expiry).
    expiry_approximate: bool = False


@dataclass(frozen=True)
class ServiceAccountKey:
    email: str
    project_id: str | None
    #: base64 of the key file's bytes: the password for ``_json_key_base64``.
    secret: Secret


def mint_from_adc() -> MintedToken:
    """A token from Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS,
    gcloud's application-default login, or the metadata server."""
    import google.auth  # ~200 ms with the RSA signer; see the module docstring
    from google.auth import exceptions

    request = _request_adapter()
    source = _adc_source()
    try:
        with warnings.catch_warnings():
            # "end user credentials without a quota project": a UserWarning on
            # stderr would land in the middle of the TUI.
            warnings.simplefilter("ignore")
            credentials, _ = google.auth.default(scopes=list(SCOPES), request=request)
    except exceptions.DefaultCredentialsError as err:
        raise _no_adc(err) from None
    identity = _identity(credentials)
    _refresh(credentials, request, identity=identity, source=source)
    return _minted(credentials, identity=_identity(credentials), source=source)


def mint_from_key_file(path: str | os.PathLike) -> MintedToken:
    """A token for the service account whose JSON key is at ``path``."""
    from google.oauth2 import service_account  # ~200 ms; see the module docstring

    info, _ = _read_key(Path(path))
    request = _request_adapter()
    try:
        credentials = service_account.Credentials.from_service_account_info(info, scopes=list(SCOPES))
    except ValueError as err:
        raise UserError(f"{path} cannot be used as a service-account key ({_reason(err)}): download a new JSON key.") from None
    source = f"the service-account key {path}"
    _refresh(credentials, request, identity=info["client_email"], source=source)
    return _minted(credentials, identity=info["client_email"], source=source)


def mint_from_gcloud() -> MintedToken:
    """A token from `gcloud auth print-access-token` for gcloud's active account."""
    # which() finds gcloud.cmd on Windows, where plain "gcloud" would not run; on the user's PATH.
    gcloud = userpath.which("gcloud")
    if gcloud is None:
        raise UserError(
            "gcloud is not on PATH: install the Google Cloud CLI and run `gcloud auth login`, or "
            "mint the token from Application Default Credentials or a service-account key instead."
        )
    result = run([gcloud, "auth", "print-access-token"])
    token = result.stdout.strip()
    if result.returncode != 0 or not token:
        raise UserError(
            f"`gcloud auth print-access-token` failed ({mask(_gcloud_error(result.stderr))}): run "
            "`gcloud auth login` and try again."
        )
    secret = Secret(token)
    account = run([gcloud, "config", "get-value", "account"])
    identity = account.stdout.strip() if account.returncode == 0 else ""
    return MintedToken(
        secret=secret,
        identity=identity if identity and identity != "(unset)" else UNKNOWN_USER,
        expires_at=datetime.now(timezone.utc) + GCLOUD_TOKEN_LIFETIME,
        source="gcloud auth print-access-token",
        expiry_approximate=True,
    )


def _gcloud_error(stderr: str) -> str:
    """gcloud's ``ERROR: (gcloud.x) sentence`` line; the lines after it are advice we give ourselves."""
    for line in stderr.splitlines():
        if line.startswith("ERROR:"):
            return line.removeprefix("ERROR:").strip()
    return first_line(stderr)


def load_key(path: str | os.PathLike) -> ServiceAccountKey:
    """The key at ``path`` checked to be a usable service-account key, as the
    ``_json_key_base64`` password; each problem is one sentence naming the file."""
    info, raw = _read_key(Path(path))
    return ServiceAccountKey(
        email=info["client_email"],
        project_id=info.get("project_id") or None,
        secret=Secret(base64.b64encode(raw).decode("ascii")),
    )


def _read_key(path: Path) -> tuple[dict, bytes]:
    """The parsed key and its bytes, refused with a sentence unless google-auth can sign with it."""
    if not path.is_file():
        where = "is a directory" if path.is_dir() else "does not exist"
        raise UserError(
            f"The key file {path} {where}: give the path of the JSON key downloaded from the Google "
            "Cloud console (IAM → Service accounts → Keys)."
        )
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise UserError(f"The key file {path} cannot be read ({err.strerror}): check its permissions.") from None
    try:
        info = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise UserError(
            f"The key file {path} is not JSON: download the key again in JSON format (P12 keys are not supported)."
        ) from None
    kind = info.get("type") if isinstance(info, dict) else None
    if kind != "service_account":
        if kind == "authorized_user":
            what = "a user login from `gcloud auth application-default login`"
        elif kind == "external_account":
            what = "a workload identity federation configuration"
        else:
            what = f"of type {kind!r}" if kind else "without a type"
        raise UserError(
            f"The key file {path} is {what}, not a service-account key: use --auth token, which mints a token "
            "from it through Application Default Credentials.",
            in_wizard=f"The key file {path} is {what}, not a service-account key: mint from Application Default "
            "Credentials instead (a token or password I have, on the Auth screen).",
        )
    if not info.get("client_email"):
        raise UserError(f"The key file {path} has no client_email: download a new JSON key for the service account.")
    if not info.get("private_key"):
        raise UserError(f"The key file {path} has no private_key: download a new JSON key for the service account.")
    from google.auth import crypt  # ~200 ms with cryptography's RSA; see the module docstring

    try:
        crypt.RSASigner.from_service_account_info(info)
    except Exception as err:  # noqa: BLE001 - cryptography raises several types for a bad key
        raise UserError(
            f"The private key in {path} cannot be loaded ({_reason(err)}): the file was edited or "
            "truncated; download a new JSON key."
        ) from None
    return info, raw


def _refresh(credentials, request, *, identity: str, source: str) -> None:
    from google.auth import exceptions

    try:
        credentials.refresh(request)
    except exceptions.RefreshError as err:
        raise UserError(
            f"Google refused to issue a token for {identity} from {source} ({_reason(err)}): the key may be "
            "deleted or disabled, or the login expired; create a new key or log in again "
            "(`gcloud auth application-default login`)."
        ) from None
    except exceptions.TransportError as err:
        raise UserError(
            f"Could not reach Google's token endpoint for {identity} ({_reason(err)}): check the network, "
            "HTTPS_PROXY and the clock, then try again."
        ) from None
    except exceptions.GoogleAuthError as err:  # e.g. an external account whose source failed
        raise UserError(f"google-auth could not mint a token from {source} ({_reason(err)}).") from None


def _no_adc(err: Exception) -> UserError:
    variable = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if variable:
        return UserError(
            f"GOOGLE_APPLICATION_CREDENTIALS points at {variable}, which google-auth cannot use "
            f"({_reason(err)}): fix or unset the variable."
        )
    return UserError(
        "No Application Default Credentials were found: run `gcloud auth application-default login`, "
        "or set GOOGLE_APPLICATION_CREDENTIALS to a service-account key file."
    )


def _minted(credentials, *, identity: str, source: str) -> MintedToken:
    expiry = credentials.expiry  # google-auth keeps it as naive UTC
    return MintedToken(
        secret=Secret(credentials.token),
        identity=identity,
        expires_at=expiry.replace(tzinfo=timezone.utc) if expiry else None,
        source=source,
    )


def _identity(credentials) -> str:
    email = getattr(credentials, "service_account_email", None)
    if email and email != "default":
        return email
    return getattr(credentials, "account", None) or UNKNOWN_USER


def has_adc_file() -> bool:
    """Application Default Credentials in a file (GOOGLE_APPLICATION_CREDENTIALS or gcloud's
    application-default login): found without the network, where google-auth's metadata-server probe
    takes seconds off Google Cloud, and `gcloud auth print-access-token` seconds more."""
    return bool(os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")) or _gcloud_adc_file().is_file()


def _adc_source() -> str:
    variable = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if variable:
        return f"GOOGLE_APPLICATION_CREDENTIALS ({variable})"
    if _gcloud_adc_file().is_file():
        return f"gcloud's application-default login ({_gcloud_adc_file()})"
    return "Application Default Credentials"


def _gcloud_adc_file() -> Path:
    """Where `gcloud auth application-default login` writes, the place google-auth looks."""
    return paths.current().gcloud_adc_file()


def _reason(err: Exception) -> str:
    """google-auth's message, one line, every live secret masked."""
    detail = err.args[0] if err.args and isinstance(err.args[0], str) else str(err)
    return mask(first_line(detail)) if detail.strip() else type(err).__name__


def _request_adapter():
    """google-auth's HTTP transport interface over urllib.request."""
    import urllib.request

    from google.auth import exceptions, transport

    from ..network import NetworkError, open_url

    class Response(transport.Response):
        def __init__(self, status: int, headers, data: bytes):
            self._status, self._headers, self._data = status, {k.lower(): v for k, v in headers.items()}, data

        @property
        def status(self):
            return self._status

        @property
        def headers(self):
            return self._headers

        @property
        def data(self):
            return self._data

    class Request(transport.Request):
        def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
            req = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)
            try:
                # An error status is an answer google-auth reads (invalid_grant and friends).
                with open_url(req, timeout=timeout or TIMEOUT) as resp:
                    return Response(resp.status, resp.headers, resp.read())
            except NetworkError as err:
                raise exceptions.TransportError(err.message) from None
            except OSError as err:  # the connection broke while the body was read
                raise exceptions.TransportError(f"{url}: {err}") from None

    return Request()
