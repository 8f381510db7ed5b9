"""`ar-wizard list` and the upload check: what the signed-in identity can reach, against local
endpoints with the real APIs' shapes (tests/cloud_apis.py), with the token ar-wizard minted
through the local OAuth endpoint; AWS through the `aws` stand-in."""

from __future__ import annotations

import json
import os

import pytest

from aws_fixtures import ACCOUNT

pytestmark = pytest.mark.integration

UPLOAD = "artifactregistry.repositories.uploadArtifacts"
DOWNLOAD = "artifactregistry.repositories.downloadArtifacts"


@pytest.fixture
def gar(cloud_apis, service_account):
    cloud_apis.repositories = {
        "acme-prod": {
            "us-central1": [("py", "PYTHON"), ("images", "DOCKER"), ("py-internal", "PYTHON")],
            "europe-west1": [("py-eu", "PYTHON")],
            "asia-east1": [],
        },
        "acme-dev": {"us-central1": [("scratch", "PYTHON")]},
    }
    cloud_apis.grants[(service_account.email, "py")] = {DOWNLOAD}
    return cloud_apis


def gcp_list(home, apis, key_file, *extra):
    return home.wizard("list", "--provider", "gcp", "--key-file", key_file, "--api-endpoint", apis.url, "--json",
                       *extra)


def test_gcp_lists_the_python_repositories_of_every_project_and_location_with_the_minted_token(
    home, gar, key_file, token_server
):
    result = gcp_list(home, gar, key_file)

    assert result.returncode == 0, result.stderr
    found = {(r["fields"]["project"], r["fields"]["location"], r["name"]) for r in json.loads(result.stdout)["repositories"]}
    assert found == {("acme-prod", "us-central1", "py"), ("acme-prod", "us-central1", "py-internal"),
                     ("acme-prod", "europe-west1", "py-eu"), ("acme-dev", "us-central1", "scratch")}
    urls = {r["name"]: r["index_url"] for r in json.loads(result.stdout)["repositories"]}
    assert urls["py-eu"] == "https://europe-west1-python.pkg.dev/acme-prod/py-eu/simple/"
    minted = {token for _, token in token_server.issued}
    assert gar.seen_tokens and set(gar.seen_tokens) <= minted
    assert not any(token in result.stdout + result.stderr for token in minted)


def test_gcp_without_permission_to_list_projects_lists_the_key_files_project_and_says_why(home, gar, key_file):
    gar.list_projects_denied = True

    result = gcp_list(home, gar, key_file)

    listing = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr
    assert {r["fields"]["project"] for r in listing["repositories"]} == {"acme-prod"}
    assert listing["notes"][0].startswith("Only the default project acme-prod is listed; this identity may not "
                                          "list projects")


def test_a_disabled_artifact_registry_api_is_one_sentence_with_the_enable_command(home, gar, key_file):
    gar.disabled.add("acme-prod")

    result = gcp_list(home, gar, key_file, "--project", "acme-prod")

    assert result.returncode == 1
    assert ("The artifactregistry.googleapis.com API is not enabled in project acme-prod: run "
            "`gcloud services enable artifactregistry.googleapis.com --project=acme-prod`") in result.stderr
    assert "Traceback" not in result.stderr


def test_the_repository_check_names_the_missing_upload_permission_with_the_gcloud_command(
    home, gar, key_file, service_account
):
    result = gcp_list(home, gar, key_file, "--project", "acme-prod", "--repository", "py")

    notes = json.loads(result.stdout)["notes"]
    assert result.returncode == 0, result.stderr
    assert notes == [
        f"{service_account.email} lacks {UPLOAD} on py: `gcloud artifacts repositories add-iam-policy-binding py "
        f"--project=acme-prod --location=us-central1 --member=serviceAccount:{service_account.email} "
        "--role=roles/artifactregistry.writer`"
    ]


GAR_SETUP = ["--provider", "gcp", "--location", "us-central1", "--project", "acme-prod", "--repository", "py",
             "--index", "gar", "--store", "uv", "--publish", "--yes"]


@pytest.fixture
def gar_index(private_index, token_server, monkeypatch):
    """The private index stands in for the repository and takes every token minted."""
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))
    return private_index


def test_setup_publish_is_refused_before_any_write_when_uploads_are_not_allowed(
    home, gar, gar_index, key_file, service_account
):
    before = home.files()

    result = home.wizard("setup", *GAR_SETUP, "--url", gar_index.simple_url, "--key-file", key_file,
                         "--api-endpoint", gar.url)

    assert result.returncode == 1, result.stderr
    assert f"lacks {UPLOAD} on py, so uploads would be refused (403)" in result.stderr
    assert (f"gcloud artifacts repositories add-iam-policy-binding py --project=acme-prod --location=us-central1 "
            f"--member=serviceAccount:{service_account.email} --role=roles/artifactregistry.writer") in result.stderr
    assert home.files() == before


def test_setup_publish_goes_ahead_when_the_identity_may_upload(home, gar, gar_index, key_file, service_account):
    gar.grants[(service_account.email, "py")] = {DOWNLOAD, UPLOAD}

    result = home.wizard("setup", *GAR_SETUP, "--url", gar_index.simple_url, "--key-file", key_file,
                         "--api-endpoint", gar.url)

    assert result.returncode == 0, result.stderr
    assert home.uv("add", "acme-secret").returncode == 0


def test_aws_lists_the_repositories_of_every_domain_with_the_owner_from_the_domain_listing(home, fake_aws):
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID", "FAKE_AWS_ACCOUNT", "FAKE_AWS_DOMAIN",
                                                 "FAKE_AWS_ARN", "FAKE_AWS_LOG")})

    result = home.wizard("list", "--provider", "aws", "--region", "eu-west-1", "--json",
                         env={"FAKE_AWS_REPOSITORIES": "py,py-upstream"})

    assert result.returncode == 0, result.stderr
    assert [r["fields"] for r in json.loads(result.stdout)["repositories"]] == [
        {"domain": "acme", "domain_owner": ACCOUNT, "region": "eu-west-1", "repository": "py"},
        {"domain": "acme", "domain_owner": ACCOUNT, "region": "eu-west-1", "repository": "py-upstream"},
    ]
    assert json.loads(result.stdout)["repositories"][0]["index_url"] == (
        f"https://acme-{ACCOUNT}.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/"
    )


def test_aws_a_domain_that_does_not_exist_is_one_sentence(home, fake_aws):
    home.env.update({k: os.environ[k] for k in ("PATH", "AWS_ACCESS_KEY_ID", "FAKE_AWS_ACCOUNT", "FAKE_AWS_DOMAIN",
                                                 "FAKE_AWS_ARN", "FAKE_AWS_LOG")})

    result = home.wizard("list", "--provider", "aws", "--region", "us-east-1", "--domain", "nope")

    assert result.returncode == 1
    assert "Domain 'nope' owned by account" in result.stderr and "Traceback" not in result.stderr


def test_azure_lists_organization_and_project_scoped_feeds_with_the_pat(home, cloud_apis):
    cloud_apis.feeds = {"acme": {"": ["shared"], "web": ["web-py"], "data": []}}

    result = home.wizard("list", "--provider", "azure", "--organization", "acme", "--api-endpoint", cloud_apis.url,
                         "--password-stdin", "--json", input=cloud_apis.pat + "\n")

    assert result.returncode == 0, result.stderr
    assert [r["fields"] for r in json.loads(result.stdout)["repositories"]] == [
        {"organization": "acme", "project": "", "feed": "shared"},
        {"organization": "acme", "project": "web", "feed": "web-py"},
    ]
    assert [r["index_url"] for r in json.loads(result.stdout)["repositories"]] == [
        "https://pkgs.dev.azure.com/acme/_packaging/shared/pypi/simple/",
        "https://pkgs.dev.azure.com/acme/web/_packaging/web-py/pypi/simple/",
    ]
    assert cloud_apis.pat not in result.stdout + result.stderr


def test_azure_a_refused_pat_names_the_packaging_scope(home, cloud_apis):
    cloud_apis.feeds = {"acme": {"": ["shared"]}}

    result = home.wizard("list", "--provider", "azure", "--organization", "acme", "--api-endpoint", cloud_apis.url,
                         "--password-stdin", input="wrong-pat\n")

    assert result.returncode == 1
    assert "the PAT was not accepted" in result.stderr and "Packaging (Read)" in result.stderr
