"""Minting CodeArtifact tokens through the AWS CLI, with a stand-in `aws` on PATH that
keeps the real CLI's argument contract; then the token with the real uv and keyring checks."""

from __future__ import annotations

import json
import os
import subprocess
from datetime import datetime, timedelta, timezone

import pytest

from ar_wizard.credentials.aws_cli import mint_token
from ar_wizard.credentials.keyring_setup import check
from ar_wizard.errors import UserError
from ar_wizard.providers import get
from ar_wizard.providers.aws import AWS_BACKEND, AWS_PLUGIN
from aws_fixtures import ACCOUNT, ARN
from conftest import PACKAGE


def run_aws(directory, *args):
    return subprocess.run([str(directory / "aws"), *args], capture_output=True, text=True, env=os.environ.copy())


# --- the stand-in keeps the real CLI's contract --------------------------------------------


def test_the_stand_in_prints_the_bare_token_with_query_and_text_output(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", ACCOUNT,
                     "--query", "authorizationToken", "--output", "text")
    assert result.returncode == 0
    assert result.stdout.count("\n") == 1 and result.stdout.startswith("eyJ2ZXIiOjEs")


def test_the_stand_in_prints_json_with_the_token_and_its_expiration_by_default(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain=acme", f"--domain-owner={ACCOUNT}")
    document = json.loads(result.stdout)
    assert set(document) == {"authorizationToken", "expiration"}
    assert datetime.fromisoformat(document["expiration"]) > datetime.now(timezone.utc) + timedelta(hours=11)


def test_the_stand_in_requires_the_domain_like_the_real_cli(fake_aws):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain-owner", ACCOUNT)
    assert result.returncode == 252
    assert result.stderr.endswith("aws: error: the following arguments are required: --domain\n")


@pytest.mark.parametrize(
    ("owner", "code", "message"),
    [
        ("12345", 252, "Invalid length for parameter domainOwner, value: 5, valid min length: 12"),
        ("abcdefghijkl", 254, "An error occurred (ValidationException) when calling the GetAuthorizationToken operation"),
    ],
)
def test_the_stand_in_rejects_an_owner_that_is_not_twelve_digits_as_the_real_cli_does(fake_aws, owner, code, message):
    result = run_aws(fake_aws[0], "codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", owner)
    assert result.returncode == code
    assert message in result.stderr


# --- mint_token ----------------------------------------------------------------------------


def test_mint_token_gives_the_token_the_callers_arn_and_an_approximate_twelve_hours(fake_aws):
    minted = mint_token("acme", ACCOUNT, "us-east-1")

    assert minted.secret.reveal().startswith("eyJ2ZXIiOjEs")
    assert minted.secret.reveal() not in repr(minted)
    assert minted.identity == ARN
    assert minted.source == "aws codeartifact get-authorization-token"
    assert minted.expiry_approximate is True
    assert minted.expires_at is not None
    assert abs(minted.expires_at - (datetime.now(timezone.utc) + timedelta(hours=12))) < timedelta(minutes=1)
    (call,) = [json.loads(line) for line in fake_aws[1].read_text().splitlines()]
    assert call == ["codeartifact", "get-authorization-token", "--domain", "acme", "--domain-owner", ACCOUNT,
                    "--region", "us-east-1", "--query", "authorizationToken", "--output", "text"]


def test_a_duration_is_passed_on_and_sets_the_expiry(fake_aws):
    minted = mint_token("acme", ACCOUNT, "eu-west-1", duration_seconds=3600)

    assert minted.expires_at is not None
    assert abs(minted.expires_at - (datetime.now(timezone.utc) + timedelta(hours=1))) < timedelta(minutes=1)
    assert json.loads(fake_aws[1].read_text())[-2:] == ["--duration-seconds", "3600"]


@pytest.mark.parametrize("seconds", [60, 43201])
def test_a_duration_codeartifact_refuses_is_refused_before_the_cli_runs(fake_aws, seconds):
    with pytest.raises(UserError, match="900 \\(15 min\\) to 43200 \\(12 h\\)"):
        mint_token("acme", ACCOUNT, "us-east-1", duration_seconds=seconds)
    assert fake_aws[1].read_text() == ""


def test_an_owner_that_is_not_twelve_digits_is_refused_before_the_cli_runs(fake_aws):
    with pytest.raises(UserError, match="^The domain owner '12345' has 5 digits"):
        mint_token("acme", "12345", "us-east-1")
    assert fake_aws[1].read_text() == ""


def test_without_aws_credentials_the_error_is_the_clis_line_and_how_to_sign_in(fake_aws, monkeypatch):
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")

    with pytest.raises(UserError) as err:
        mint_token("acme", ACCOUNT, "us-east-1")

    assert str(err.value) == (
        "`aws codeartifact get-authorization-token` failed (Unable to locate credentials. You can configure "
        'credentials by running "aws configure".): configure credentials with `aws configure` or `aws sso login`, '
        "or set AWS_PROFILE."
    )


def test_an_unknown_domain_is_the_services_error_in_one_line(fake_aws):
    with pytest.raises(UserError) as err:
        mint_token("other", ACCOUNT, "us-east-1")

    message = str(err.value)
    assert "(An error occurred (ResourceNotFoundException) when calling the GetAuthorizationToken operation" in message
    assert "codeartifact:GetAuthorizationToken" in message and "\n" not in message


def test_the_identity_falls_back_when_sts_fails(fake_aws, monkeypatch):
    monkeypatch.setenv("FAKE_AWS_ARN", "")  # sts then prints nothing useful
    assert mint_token("acme", ACCOUNT, "us-east-1").identity == "your AWS identity"


def test_without_aws_on_path_the_cli_to_install_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UserError, match="^aws is not on PATH: install the AWS CLI version 2"):
        mint_token("acme", ACCOUNT, "us-east-1")


# --- the minted token with the real uv -------------------------------------------------------


@pytest.mark.integration
def test_the_minted_token_installs_from_the_index_with_the_real_uv_as_user_aws(home, fake_aws, monkeypatch, private_index):
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID")})
    minted = mint_token("acme", ACCOUNT, "us-east-1")
    private_index.set_password("aws", minted.secret.reveal())
    with open(home.project / "pyproject.toml", "a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "codeartifact"\nurl = "{private_index.simple_url}"\n')

    stale = home.uv("add", PACKAGE, env={"UV_INDEX_CODEARTIFACT_USERNAME": "aws", "UV_INDEX_CODEARTIFACT_PASSWORD": "eyJ2ZXIiOjEsexpired"})
    added = home.uv(
        "add", PACKAGE,
        env={"UV_INDEX_CODEARTIFACT_USERNAME": get("aws").default_username("token"), "UV_INDEX_CODEARTIFACT_PASSWORD": minted.secret.reveal()},
    )

    assert stale.returncode != 0
    assert added.returncode == 0, added.stderr
    lock = (home.project / "uv.lock").read_text()
    assert PACKAGE in lock and minted.secret.reveal() not in lock


# --- the keyring plugin ----------------------------------------------------------------------


@pytest.mark.integration
def test_a_keyring_without_keyrings_codeartifact_is_reported_with_the_install_command(keyring_home, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    url = get("aws").urls({"domain": "acme", "domain_owner": ACCOUNT, "region": "us-east-1", "repository": "py"}).simple

    found = {f.id: f for f in check(AWS_PLUGIN, AWS_BACKEND, url)}

    assert found["keyring-on-path"].ok
    plugin = found["plugin-importable"]
    assert not plugin.ok
    assert "cannot load keyrings.codeartifact" in plugin.message and AWS_BACKEND in plugin.message
    assert plugin.fix == "uv tool install keyring --with keyrings.codeartifact"
