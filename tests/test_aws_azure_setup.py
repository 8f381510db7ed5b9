"""`ar-wizard setup` for CodeArtifact and Azure Artifacts, end to end with the real uv; the
private index stands in for the registry through --url."""

from __future__ import annotations

import os

import pytest

from aws_fixtures import ACCOUNT
from conftest import PACKAGE

pytestmark = pytest.mark.integration

AWS = ["--provider", "aws", "--domain", "acme", "--domain-owner", ACCOUNT, "--region", "us-east-1",
       "--repository", "py"]


def test_a_codeartifact_token_is_minted_with_the_aws_cli_and_uv_resolves_with_it(home, private_index, fake_aws):
    token = "eyJ2ZXIiOjEsfixed-for-this-test"
    private_index.set_password("aws", token)
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID", "FAKE_AWS_ACCOUNT", "FAKE_AWS_DOMAIN",
                                                 "FAKE_AWS_ARN", "FAKE_AWS_LOG")})

    result = home.wizard("setup", *AWS, "--url", private_index.simple_url, "--index", "codeartifact",
                         "--store", "netrc", "--yes", env={"FAKE_AWS_TOKEN": token})

    assert result.returncode == 0, result.stderr
    assert "Minted a token for arn:aws:" in result.stderr
    assert token not in result.stdout + result.stderr
    assert "login aws" in (home.root / ".netrc").read_text()
    assert home.uv("add", PACKAGE).returncode == 0


def test_a_404_from_a_codeartifact_index_is_explained_as_a_probably_expired_token(home, private_index):
    url = private_index.base_url + "/pypi/py/simple/"  # nothing there: the index answers 404
    result = home.wizard("setup", *AWS, "--url", url, "--index", "codeartifact", "--token-env", "HOME",
                         "--store", "netrc", "--yes")
    assert result.returncode == 1
    assert "expired token" in result.stderr


def test_a_404_right_after_minting_names_the_repository_first_not_an_expired_token(home, private_index, fake_aws):
    url = private_index.base_url + "/pypi/py/simple/"  # nothing there: the index answers 404
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID", "FAKE_AWS_ACCOUNT", "FAKE_AWS_DOMAIN",
                                                 "FAKE_AWS_ARN", "FAKE_AWS_LOG")})

    result = home.wizard("setup", *AWS, "--url", url, "--index", "codeartifact", "--store", "netrc", "--yes",
                         env={"FAKE_AWS_TOKEN": "eyJ2ZXIiOjEsfresh"})

    assert result.returncode == 1, result.stderr
    assert "Minted a token for arn:aws:" in result.stderr
    assert "404 to a token minted seconds ago" in result.stderr and "expired" not in result.stderr
    assert ("aws codeartifact list-repositories-in-domain --domain acme --domain-owner "
            f"{ACCOUNT} --region us-east-1") in result.stderr


def test_an_azure_pat_is_stored_and_uv_resolves_with_it(home, private_index):
    private_index.set_password("azure", "pat-123456")
    result = home.wizard("setup", "--provider", "azure", "--organization", "acme", "--feed", "py",
                         "--url", private_index.simple_url, "--index", "azure", "--password-stdin",
                         "--store", "uv", "--yes", input="pat-123456")
    assert result.returncode == 0, result.stderr
    assert home.uv("add", PACKAGE).returncode == 0


def test_a_gitlab_url_on_the_generic_provider_warns_about_forwarding_to_pypi(home, private_index):
    result = home.wizard("setup", "--index", "gl", "--url", "https://gitlab.com/api/v4/projects/42/packages/pypi/simple",
                         "--username", "me", "--token-env", "HOME", "--dry-run", "--no-validate")
    assert result.returncode == 0, result.stderr
    assert "pypi.org" in result.stderr
