"""Real parts for the Google tests: an OAuth token endpoint on 127.0.0.1 that checks
the signed JWT of generated service-account keys, a keyring with the Artifact
Registry plugin, and a stand-in `gcloud` (the one fake allowed: a cloud CLI).

A pytest plugin (``pytest_plugins`` in conftest.py): every test can ask for these fixtures.
"""

from __future__ import annotations

import base64
import json
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from conftest import install_keyring_tool

JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform"
# google-auth always puts Google's own token endpoint in the assertion's
# audience, whatever token_uri the key file names; Google checks exactly this.
GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token"


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


@dataclass
class ServiceAccount:
    email: str
    project_id: str
    key_id: str
    private_key: rsa.RSAPrivateKey

    def key_json(self, token_uri: str) -> dict:
        pem = self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ).decode()
        return {
            "type": "service_account",
            "project_id": self.project_id,
            "private_key_id": self.key_id,
            "private_key": pem,
            "client_email": self.email,
            "client_id": "109876543210987654321",
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
            "token_uri": token_uri,
            "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
            "universe_domain": "googleapis.com",
        }

    def write_key(self, path: Path, token_uri: str) -> Path:
        path.write_text(json.dumps(self.key_json(token_uri), indent=2))
        return path


def new_service_account(name: str = "uploader", project: str = "acme-prod") -> ServiceAccount:
    return ServiceAccount(
        email=f"{name}@{project}.iam.gserviceaccount.com",
        project_id=project,
        key_id=secrets.token_hex(20),
        private_key=rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


@dataclass
class TokenServer:
    """An OAuth 2.0 token endpoint that grants tokens only for a correctly signed JWT."""

    accounts: dict[str, ServiceAccount] = field(default_factory=dict)
    issued: list[tuple[str, str]] = field(default_factory=list)  # (email, access token)
    refusals: list[str] = field(default_factory=list)
    lifetime: int = 3599
    #: Called with each token as it is issued, before the answer is sent (e.g. to teach the index it).
    on_issue: Callable[[str], None] | None = None

    def start(self) -> TokenServer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def token_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/token"

    def register(self, account: ServiceAccount) -> ServiceAccount:
        self.accounts[account.email] = account
        return account

    def grant(self, form: dict[str, str]) -> tuple[int, dict]:
        """Google's checks on a JWT-bearer grant: RFC 7523 with RS256."""
        if form.get("grant_type") != JWT_BEARER:
            return self._refuse("unsupported_grant_type", f"grant_type {form.get('grant_type')!r}")
        try:
            header_b64, payload_b64, signature_b64 = form["assertion"].split(".")
            header = json.loads(_b64url_decode(header_b64))
            claims = json.loads(_b64url_decode(payload_b64))
            signature = _b64url_decode(signature_b64)
        except (KeyError, ValueError):
            return self._refuse("invalid_grant", "Malformed JWT.")
        if header.get("alg") != "RS256":
            return self._refuse("invalid_grant", f"alg {header.get('alg')!r} is not RS256.")
        account = self.accounts.get(claims.get("iss", ""))
        if account is None:
            return self._refuse("invalid_grant", "Invalid grant: account not found")
        if header.get("kid") != account.key_id:
            return self._refuse("invalid_grant", "Invalid JWT Signature.")
        try:
            account.private_key.public_key().verify(
                signature,
                f"{header_b64}.{payload_b64}".encode(),
                padding.PKCS1v15(),
                hashes.SHA256(),
            )
        except InvalidSignature:
            return self._refuse("invalid_grant", "Invalid JWT Signature.")
        if claims.get("aud") != GOOGLE_TOKEN_AUDIENCE:
            return self._refuse("invalid_grant", f"Invalid JWT audience {claims.get('aud')!r}.")
        now = time.time()
        if not (claims.get("iat", 0) - 300 <= now <= claims.get("exp", 0) + 300):
            return self._refuse("invalid_grant", "Invalid JWT: Token must be a short-lived token.")
        if CLOUD_PLATFORM not in claims.get("scope", "").split():
            return self._refuse("invalid_scope", "cloud-platform was not requested.")
        token = "ya29.test-" + secrets.token_urlsafe(24)
        self.issued.append((account.email, token))
        if self.on_issue is not None:
            self.on_issue(token)
        return 200, {"access_token": token, "expires_in": self.lifetime, "token_type": "Bearer"}

    def _refuse(self, error: str, description: str) -> tuple[int, dict]:
        self.refusals.append(description)
        return 400, {"error": error, "error_description": description}


def _handler(server: TokenServer):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the stdlib's name
            length = int(self.headers.get("Content-Length", 0))
            body = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            status, answer = server.grant(form) if self.path == "/token" else (404, {"error": "not_found"})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
            pass

    return Handler


@pytest.fixture(scope="session")
def token_server() -> Iterator[TokenServer]:
    server = TokenServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def service_account(token_server) -> ServiceAccount:
    """A service account the token server knows, with its generated RSA key."""
    return token_server.register(new_service_account())


@pytest.fixture
def key_file(tmp_path, service_account, token_server) -> Path:
    """Its JSON key, as downloaded from the console, with token_uri pointing at the local endpoint."""
    return service_account.write_key(tmp_path / "uploader-key.json", token_server.token_uri)


@pytest.fixture(scope="session")
def gauth_keyring_bin(tmp_path_factory, uv_cache) -> Path:
    """keyring with the Artifact Registry plugin, installed the way users are told to."""
    return install_keyring_tool(
        tmp_path_factory.mktemp("gauth-keyring-tool"), uv_cache, "keyrings.google-artifactregistry-auth"
    )


FAKE_GCLOUD = '''\
#!{python}
"""Stand-in for the Google Cloud CLI: the two commands ar-wizard runs, with gcloud's real output."""
import os, sys

args = sys.argv[1:]
if args == ["auth", "print-access-token"]:
    token = os.environ.get("FAKE_GCLOUD_TOKEN")
    if not token:
        sys.stderr.write(
            "ERROR: (gcloud.auth.print-access-token) You do not currently have an active account selected.\\n"
            "Please run:\\n\\n  $ gcloud auth login\\n\\nto obtain new credentials.\\n"
        )
        sys.exit(1)
    print(token)
elif args == ["config", "get-value", "account"]:
    account = os.environ.get("FAKE_GCLOUD_ACCOUNT")
    if account:
        print(account)
    else:
        sys.stderr.write("(unset)\\n")
else:
    sys.stderr.write("ERROR: (gcloud) this stand-in does not know " + " ".join(args) + "\\n")
    sys.exit(2)
'''


@pytest.fixture
def fake_gcloud_dir(tmp_path) -> Path:
    """A directory holding a `gcloud` executable; put it first on PATH."""
    directory = tmp_path / "gcloud-bin"
    directory.mkdir()
    gcloud = directory / "gcloud"
    gcloud.write_text(FAKE_GCLOUD.format(python=sys.executable))
    gcloud.chmod(0o755)
    return directory
