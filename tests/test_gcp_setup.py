"""`ar-wizard setup --provider gcp` end to end: google-auth against the local OAuth endpoint,
then the real uv against the private index standing in for Artifact Registry (--url)."""

from __future__ import annotations

import base64

import pytest

from conftest import PACKAGE

pytestmark = pytest.mark.integration

GCP = ["--provider", "gcp", "--location", "us-central1", "--project", "acme-prod", "--repository", "py"]


def test_a_service_account_key_is_sent_as_json_key_base64_and_uv_resolves(home, private_index, key_file):
    private_index.set_password("_json_key_base64", base64.b64encode(key_file.read_bytes()).decode())

    result = home.wizard("setup", *GCP, "--url", private_index.simple_url, "--index", "gar",
                         "--auth", "service-account-key", "--key-file", key_file, "--store", "netrc", "--yes")

    assert result.returncode == 0, result.stderr
    assert "does not expire by default" in result.stderr
    assert home.uv("add", PACKAGE).returncode == 0
    netrc = (home.root / ".netrc").read_text()
    assert "login _json_key_base64" in netrc
    pyproject = (home.project / "pyproject.toml").read_text()
    assert "_json_key" not in pyproject and "private_key" not in pyproject


def test_a_token_minted_from_a_key_file_is_stored_and_uv_resolves_with_it(
    home, private_index, key_file, token_server, monkeypatch
):
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))

    result = home.wizard("setup", *GCP, "--url", private_index.simple_url, "--index", "gar",
                         "--auth", "token", "--key-file", key_file, "--store", "uv", "--yes")

    assert result.returncode == 0, result.stderr
    assert "Minted a token for uploader@" in result.stderr and "rotate" in result.stderr
    (_, token), = token_server.issued[-1:]
    assert token not in result.stdout + result.stderr
    assert home.uv("add", PACKAGE).returncode == 0


def test_keyring_auth_without_the_plugin_names_the_install_command(home, private_index, keyring_bin):
    home.put_first_on_path(keyring_bin)
    result = home.wizard("setup", *GCP, "--index", "gar", "--auth", "keyring", "--yes",
                         env={"PATH": home.env["PATH"]})
    assert result.returncode == 2
    assert "uv tool install keyring --with" in result.stderr and "keyrings.google-artifactregistry-auth" in result.stderr
