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


# -- an Azure PAT's scope, told by the upload URL without uploading -------------------------------


@pytest.fixture(scope="module")
def azure_feed(tmp_path_factory):
    from index_servers import AzureFeed

    feed = AzureFeed(tmp_path_factory.mktemp("azure-feed")).start()
    feed.add_pat("pat-read-only", write=False)
    feed.add_pat("pat-read-write", write=True)
    yield feed
    feed.stop()


def test_the_upload_check_tells_a_read_pat_from_a_read_and_write_one_and_stores_nothing(azure_feed):
    from ar_wizard.model import Secret
    from ar_wizard.validate import check_upload

    before = azure_feed.packages()

    read = check_upload(azure_feed.simple_url, azure_feed.upload_url, "azure", Secret("pat-read-only"))
    write = check_upload(azure_feed.simple_url, azure_feed.upload_url, "azure", Secret("pat-read-write"))
    wrong = check_upload(azure_feed.simple_url, azure_feed.upload_url, "azure", Secret("pat-revoked"))

    assert not read.ok and read.status == 403 and not read.unverifiable, read.message
    assert write.ok and write.status == 400, write.message
    assert not wrong.ok and wrong.status == 401, wrong.message
    assert azure_feed.packages() == before


def _azure_setup(home, feed, pat, *extra):
    return home.wizard("setup", "--provider", "azure", "--organization", feed.organization, "--feed", feed.feed,
                       "--url", feed.simple_url, "--index", "azure", "--password-stdin", "--store", "env",
                       "--yes", *extra, input=pat + "\n")


def test_publish_with_a_read_only_pat_is_refused_naming_the_write_scope_and_nothing_is_written(home, azure_feed):
    from test_setup_real_tools import load_dotenv

    before = home.files()

    result = _azure_setup(home, azure_feed, "pat-read-only", "--publish")

    assert result.returncode == 1, result.stderr
    assert "Packaging (Read & write) scope" in result.stderr and "Nothing was written" in result.stderr
    assert "Feed Publisher (Contributor)" in result.stderr
    assert home.files() == before
    # The same PAT reads: without --publish it is set up and uv installs with it.
    assert _azure_setup(home, azure_feed, "pat-read-only").returncode == 0
    added = home.uv("add", PACKAGE, env=load_dotenv(home))
    assert added.returncode == 0, added.stderr


def test_publish_with_a_read_and_write_pat_is_set_up_and_twine_uploads(home, azure_feed, tmp_path):
    from private_index import build_wheel, wheel_filename
    from test_setup_real_tools import load_dotenv

    assert _azure_setup(home, azure_feed, "pat-revoked", "--publish").returncode == 1

    result = _azure_setup(home, azure_feed, "pat-read-write", "--targets", "uv,twine", "--publish")

    assert result.returncode == 0, result.stderr
    assert f"Uploads to {azure_feed.upload_url} accept the credentials" in result.stderr
    wheel = tmp_path / wheel_filename("azure-first", "1.0.0")
    wheel.write_bytes(build_wheel("azure-first", "1.0.0"))
    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "azure", wheel, env=load_dotenv(home))
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    assert wheel.name in azure_feed.packages()
