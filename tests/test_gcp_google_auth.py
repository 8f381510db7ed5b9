"""google-auth for real, against a local OAuth token endpoint that checks the signed JWT;
then the minted token and the base64 key against the private index with the real uv."""

from __future__ import annotations

import base64
import json
import socket
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from ar_wizard.credentials.google import load_key, mint_from_adc, mint_from_key_file
from ar_wizard.errors import UserError
from ar_wizard.model import MASK
from conftest import PACKAGE
from gcp_fixtures import new_service_account

pytestmark = pytest.mark.integration


def assert_fresh_token(minted, token_server, email):
    assert (email, minted.secret.reveal()) == token_server.issued[-1]
    assert minted.identity == email
    lifetime = minted.expires_at - datetime.now(timezone.utc)
    assert timedelta(minutes=55) < lifetime <= timedelta(hours=1)
    assert minted.expiry_approximate is False
    assert minted.secret.reveal() not in repr(minted)


def test_a_key_file_mints_a_token_from_a_signed_jwt_the_endpoint_verified(key_file, token_server, service_account):
    minted = mint_from_key_file(key_file)

    assert_fresh_token(minted, token_server, service_account.email)
    assert str(key_file) in minted.source


def test_adc_from_google_application_credentials_mints_a_token(home, monkeypatch, key_file, token_server, service_account):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))

    minted = mint_from_adc()

    assert_fresh_token(minted, token_server, service_account.email)
    assert "GOOGLE_APPLICATION_CREDENTIALS" in minted.source


def test_adc_from_gclouds_application_default_file_mints_a_token(home, token_server, service_account):
    adc = home.root / ".config" / "gcloud" / "application_default_credentials.json"
    adc.parent.mkdir(parents=True)
    service_account.write_key(adc, token_server.token_uri)

    minted = mint_from_adc()

    assert_fresh_token(minted, token_server, service_account.email)
    assert "application-default login" in minted.source


def test_a_key_the_endpoint_does_not_know_is_refused_in_one_sentence_without_the_key(tmp_path, token_server):
    stranger = new_service_account("stranger")  # never registered: its signature cannot verify
    path = stranger.write_key(tmp_path / "stranger.json", token_server.token_uri)

    with pytest.raises(UserError) as err:
        mint_from_key_file(path)

    message = str(err.value)
    assert message.startswith(f"Google refused to issue a token for {stranger.email}")
    assert "invalid_grant" in message
    assert "PRIVATE KEY" not in message and "\n" not in message


def test_a_forged_signature_is_refused_by_the_endpoint(tmp_path, token_server, service_account):
    # The right email and key id, someone else's private key.
    forger = new_service_account()
    forger.email, forger.key_id = service_account.email, service_account.key_id
    path = forger.write_key(tmp_path / "forged.json", token_server.token_uri)

    with pytest.raises(UserError, match="Invalid JWT Signature"):
        mint_from_key_file(path)


def test_an_unreachable_token_endpoint_is_a_network_sentence(tmp_path, service_account):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    path = service_account.write_key(tmp_path / "key.json", f"http://127.0.0.1:{port}/token")

    with pytest.raises(UserError, match=r"^Could not reach Google's token endpoint .*HTTPS_PROXY"):
        mint_from_key_file(path)


def test_google_application_credentials_pointing_nowhere_is_named(home, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "gone.json"))

    with pytest.raises(UserError, match=r"^GOOGLE_APPLICATION_CREDENTIALS points at .*gone\.json.*unset the variable\.$"):
        mint_from_adc()


def test_without_any_credentials_adc_says_how_to_log_in(home):
    # In a subprocess: NO_GCE_CHECK (the public switch that skips probing the
    # metadata server) is read when google-auth is imported.
    probe = (
        "from ar_wizard.credentials.google import mint_from_adc\n"
        "from ar_wizard.errors import UserError\n"
        "try:\n    mint_from_adc()\nexcept UserError as err:\n    print(err)\n"
    )
    env = home.env | {"NO_GCE_CHECK": "true"}
    result = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)

    assert result.stdout.startswith("No Application Default Credentials were found")
    assert "gcloud auth application-default login" in result.stdout
    assert result.stderr == ""


def test_load_key_gives_the_email_project_and_the_base64_of_the_files_bytes(key_file, service_account):
    key = load_key(key_file)

    assert key.email == service_account.email
    assert key.project_id == "acme-prod"
    assert base64.b64decode(key.secret.reveal()) == key_file.read_bytes()
    assert repr(key.secret) == f"Secret({MASK!r})"


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (None, "does not exist"),
        (b"\x30\x82\x09\x9f binary p12", "is not JSON"),
        (b"{not json", "is not JSON"),
        (b'["a list"]', "without a type"),
        (json.dumps({"type": "authorized_user", "refresh_token": "r"}).encode(), "user login"),
        (json.dumps({"type": "external_account"}).encode(), "workload identity federation"),
        (json.dumps({"type": "service_account", "private_key": "x"}).encode(), "has no client_email"),
        (json.dumps({"type": "service_account", "client_email": "a@b.c"}).encode(), "has no private_key"),
    ],
)
def test_a_file_that_is_not_a_usable_key_is_one_sentence_naming_it(tmp_path, content, complaint):
    path = tmp_path / "key.json"
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(UserError, match=complaint) as err:
        load_key(path)

    assert str(path) in str(err.value)
    assert str(err.value).count(". ") == 0


def test_a_truncated_private_key_is_refused_before_anything_is_sent(tmp_path, key_file, token_server):
    info = json.loads(key_file.read_text())
    info["private_key"] = info["private_key"][:400] + "\n-----END PRIVATE KEY-----\n"
    path = tmp_path / "truncated.json"
    path.write_text(json.dumps(info))
    asked = len(token_server.issued) + len(token_server.refusals)

    with pytest.raises(UserError, match=r"The private key in .*truncated\.json cannot be loaded"):
        mint_from_key_file(path)

    assert len(token_server.issued) + len(token_server.refusals) == asked


def test_a_directory_is_not_a_key(tmp_path):
    with pytest.raises(UserError, match="is a directory"):
        load_key(tmp_path)


def write_project_with_index(home, index) -> None:
    with open(home.project / "pyproject.toml", "a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "gar"\nurl = "{index.simple_url}"\n')


def test_the_minted_token_installs_from_the_index_with_the_real_uv(home, key_file, private_index):
    minted = mint_from_key_file(key_file)
    private_index.set_password("oauth2accesstoken", minted.secret.reveal())
    write_project_with_index(home, private_index)

    refused = home.uv("add", PACKAGE, env={"UV_INDEX_GAR_USERNAME": "oauth2accesstoken", "UV_INDEX_GAR_PASSWORD": "ya29.stale"})
    added = home.uv(
        "add", PACKAGE, env={"UV_INDEX_GAR_USERNAME": "oauth2accesstoken", "UV_INDEX_GAR_PASSWORD": minted.secret.reveal()}
    )

    assert refused.returncode != 0
    assert added.returncode == 0, added.stderr
    assert PACKAGE in (home.project / "uv.lock").read_text()
    assert minted.secret.reveal() not in (home.project / "uv.lock").read_text()


def test_the_base64_key_installs_from_the_index_as_json_key_base64_with_the_real_uv(home, key_file, private_index):
    key = load_key(key_file)
    private_index.set_password("_json_key_base64", key.secret.reveal())
    write_project_with_index(home, private_index)

    added = home.uv(
        "add", PACKAGE, env={"UV_INDEX_GAR_USERNAME": "_json_key_base64", "UV_INDEX_GAR_PASSWORD": key.secret.reveal()}
    )

    assert added.returncode == 0, added.stderr
    assert PACKAGE in (home.project / "uv.lock").read_text()
    assert key.secret.reveal() not in (home.project / "uv.lock").read_text()
