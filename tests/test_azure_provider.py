"""Azure Artifacts: both URL shapes, field checks, status readings, the CI note."""

from __future__ import annotations

import pytest

from ar_wizard.errors import UserError
from ar_wizard.providers import available, get
from ar_wizard.providers.azure import AZURE_BACKEND, AZURE_PLUGIN, NONINTERACTIVE_NOTE

azure = get("azure")
ORG_FEED = {"organization": "acme", "project": "", "feed": "python-internal"}
PROJECT_FEED = {"organization": "acme", "project": "platform", "feed": "python-internal"}


def test_the_provider_is_registered_with_its_fields_auth_methods_and_plugin():
    assert azure.title == "Azure Artifacts"
    assert "azure" in [p.key for p in available()]
    assert [f.name for f in azure.fields] == ["organization", "project", "feed", "url"]
    assert [f.optional for f in azure.fields] == [False, True, False, True]
    assert azure.auth_methods == ("token", "keyring")
    assert azure.keyring_plugin == (AZURE_PLUGIN, AZURE_BACKEND) == ("artifacts-keyring", "artifacts_keyring.ArtifactsKeyringBackend")


def test_a_pat_takes_any_username_and_the_keyring_needs_vsssessiontoken():
    assert azure.default_username("token") == "azure"
    assert azure.default_username("keyring") == "VssSessionToken"


def test_the_ci_note_explains_noninteractive_mode():
    assert "ARTIFACTS_KEYRING_NONINTERACTIVE_MODE=true" in NONINTERACTIVE_NOTE
    assert "CI" in NONINTERACTIVE_NOTE


@pytest.mark.parametrize(
    ("fields", "simple", "upload"),
    [
        (
            ORG_FEED,
            "https://pkgs.dev.azure.com/acme/_packaging/python-internal/pypi/simple/",
            "https://pkgs.dev.azure.com/acme/_packaging/python-internal/pypi/upload/",
        ),
        (
            PROJECT_FEED,
            "https://pkgs.dev.azure.com/acme/platform/_packaging/python-internal/pypi/simple/",
            "https://pkgs.dev.azure.com/acme/platform/_packaging/python-internal/pypi/upload/",
        ),
        (
            {"organization": "acme", "project": "Data Platform", "feed": "py"},
            "https://pkgs.dev.azure.com/acme/Data%20Platform/_packaging/py/pypi/simple/",
            "https://pkgs.dev.azure.com/acme/Data%20Platform/_packaging/py/pypi/upload/",
        ),
    ],
)
def test_organization_and_project_feeds_build_urls_that_parse_back(fields, simple, upload):
    urls = azure.urls(fields)

    assert (urls.simple, urls.upload, urls.warnings) == (simple, upload, ())
    assert azure.parse(urls.simple) == fields
    assert azure.parse(urls.upload) == fields


@pytest.mark.parametrize(
    ("pasted", "fields"),
    [
        ("https://acme.pkgs.visualstudio.com/_packaging/python-internal/pypi/simple/", ORG_FEED),
        ("https://acme.pkgs.visualstudio.com/platform/_packaging/python-internal/pypi/simple/", PROJECT_FEED),
        ("https://pkgs.dev.azure.com/acme/_packaging/python-internal/pypi/simple", ORG_FEED),
        ("https://dummy:s3cretpat@pkgs.dev.azure.com/acme/platform/_packaging/python-internal/pypi/simple/", PROJECT_FEED),
        ("https://VssSessionToken@pkgs.dev.azure.com/acme/_packaging/python-internal/pypi/simple/acme-secret/", ORG_FEED),
        ("https://pkgs.dev.azure.com/acme/platform/_packaging/python-internal/pypi/upload/", PROJECT_FEED),
    ],
)
def test_a_pasted_url_of_either_host_gives_the_fields(pasted, fields):
    assert azure.parse(pasted) == fields


def test_a_legacy_url_is_rebuilt_on_dev_azure_com():
    fields = azure.parse("https://acme.pkgs.visualstudio.com/platform/_packaging/py/pypi/simple/")
    assert fields is not None
    assert azure.urls(fields).simple == "https://pkgs.dev.azure.com/acme/platform/_packaging/py/pypi/simple/"


@pytest.mark.parametrize(
    "url",
    [
        "https://us-python.pkg.dev/acme-prod/py/simple/",
        "https://pkgs.dev.azure.com/acme/platform/extra/_packaging/py/pypi/simple/",
        "https://pkgs.dev.azure.com/acme/_packaging/",
        "https://example.com/_packaging/py/pypi/simple/",
    ],
)
def test_urls_that_are_not_an_azure_feed_are_not_parsed(url):
    assert azure.parse(url) is None


def test_an_override_url_uploads_to_pypi_upload_as_azure_does():
    urls = azure.urls({"url": "https://proxy.acme.example/_packaging/py/pypi/simple/"})
    assert urls.upload == "https://proxy.acme.example/_packaging/py/pypi/upload/"


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("organization", "", r"^The organization is empty"),
        ("organization", "-acme", r"is not a valid Azure DevOps organization name"),
        ("project", "a/b", r"cannot contain slashes"),
        ("project", "_packaging", r"start with an underscore"),
        ("feed", "my feed", r"is not a valid feed name"),
        ("feed", "", r"^The feed is empty"),
    ],
)
def test_a_bad_field_is_one_sentence_that_says_how_to_fix_it(field, value, sentence):
    with pytest.raises(UserError, match=sentence) as err:
        azure.check_field(field, value)
    assert "\n" not in str(err.value)


def test_an_empty_project_is_an_organization_scoped_feed():
    assert azure.check_field("project", "") == ()


URL = "https://pkgs.dev.azure.com/acme/platform/_packaging/python-internal/pypi/simple/"


def explain(status, *, username="azure", publish=False):
    return azure.explain_status(status, url=URL, username=username, publish=publish)


def test_401_is_a_bad_or_expired_pat_with_the_scope_it_needs():
    message = explain(401)
    assert "rejected the personal access token (401)" in message
    assert "expired" in message and "Packaging (Read) scope" in message
    assert "https://dev.azure.com/acme/_usersSettings/tokens" in message
    assert "Packaging (Read & write) scope" in explain(401, publish=True)


def test_401_for_the_keyring_session_token_says_to_sign_in_again():
    assert "artifacts-keyring" in explain(401, username="VssSessionToken")


def test_403_names_the_feed_role_to_grant():
    assert "Feed Reader role on feed python-internal" in explain(403)
    assert "Feed Publisher (Contributor)" in explain(403, publish=True)


def test_403_to_a_publish_names_the_write_scope_a_read_only_pat_lacks():
    assert "a personal access token with the Packaging (Read & write) scope" in explain(403, publish=True)
    assert "Read & write" not in explain(403)
    assert "personal access token" not in explain(403, publish=True, username="VssSessionToken")


def test_404_names_the_fields_to_check_and_the_project_scope():
    message = explain(404)
    assert "'acme'" in message and "'python-internal'" in message and "the project 'platform'" in message
    org_message = azure.explain_status(404, url=ORG_URL, username="azure", publish=False)
    assert "organization-scoped feed" in org_message


ORG_URL = "https://pkgs.dev.azure.com/acme/_packaging/python-internal/pypi/simple/"
