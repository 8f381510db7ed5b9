"""Google Artifact Registry: URL shapes, field checks, status readings, gcloud's snippets."""

from __future__ import annotations

import configparser

import pytest

from ar_wizard.errors import UserError
from ar_wizard.providers import get
from ar_wizard.providers.gcp import LOCATIONS, python_settings

gcp = get("gcp")
FIELDS = {"location": "us-central1", "project": "acme-prod", "repository": "python-internal"}
SIMPLE = "https://us-central1-python.pkg.dev/acme-prod/python-internal/simple/"


def test_the_provider_is_registered_with_its_fields_and_auth_methods():
    assert gcp.title == "Google Artifact Registry"
    assert [f.name for f in gcp.fields] == ["location", "project", "repository", "url"]
    assert [f.optional for f in gcp.fields] == [False, False, False, True]
    assert gcp.auth_methods == ("token", "keyring", "service-account-key")
    assert gcp.keyring_plugin == ("keyrings.google-artifactregistry-auth", "keyrings.gauth.GooglePythonAuth")
    assert gcp.fields[0].choices == tuple(LOCATIONS)


def test_the_location_list_has_the_multi_regions_and_regions_on_every_continent():
    for location in ("us", "europe", "asia", "us-central1", "europe-west1", "asia-northeast1", "me-central2",
                     "africa-south1", "northamerica-northeast2", "southamerica-west1", "australia-southeast2"):
        assert location in LOCATIONS
    assert len(LOCATIONS) == len(set(LOCATIONS)) >= 46


@pytest.mark.parametrize("location", list(LOCATIONS))
def test_every_location_builds_urls_that_parse_back_to_the_same_fields(location):
    fields = {"location": location, "project": "acme-prod", "repository": "py"}

    urls = gcp.urls(fields)

    assert urls.simple == f"https://{location}-python.pkg.dev/acme-prod/py/simple/"
    assert urls.upload == f"https://{location}-python.pkg.dev/acme-prod/py/"
    assert urls.warnings == ()
    assert gcp.parse(urls.simple) == fields
    assert gcp.parse(urls.upload) == fields


@pytest.mark.parametrize(
    "pasted",
    [
        "https://us-central1-python.pkg.dev/acme-prod/python-internal/simple/",
        "https://us-central1-python.pkg.dev/acme-prod/python-internal/simple",
        "https://us-central1-python.pkg.dev/acme-prod/python-internal/",
        "https://us-central1-python.pkg.dev/acme-prod/python-internal",
        "https://us-central1-python.pkg.dev/acme-prod/python-internal/simple/acme-secret/",
        "https://us-central1-pypi.pkg.dev/acme-prod/python-internal/simple/",
        "https://us-central1-pypi.pkg.dev/acme-prod/python-internal/",
        "https://oauth2accesstoken@us-central1-python.pkg.dev/acme-prod/python-internal/simple/",
        "  https://us-central1-python.pkg.dev/acme-prod/python-internal/simple/  ",
    ],
)
def test_a_pasted_url_of_either_host_with_or_without_simple_gives_the_fields(pasted):
    assert gcp.parse(pasted) == FIELDS


def test_the_old_pypi_host_is_rebuilt_as_the_python_host():
    fields = gcp.parse("https://europe-pypi.pkg.dev/acme-prod/py/simple/")
    assert fields is not None
    assert gcp.urls(fields).simple == "https://europe-python.pkg.dev/acme-prod/py/simple/"


def test_credentials_in_a_pasted_url_never_reach_the_fields():
    fields = gcp.parse("https://_json_key_base64:eyJzZWNyZXQ@us-python.pkg.dev/acme-prod/py/simple/")
    assert fields == {"location": "us", "project": "acme-prod", "repository": "py"}


def test_a_domain_scoped_project_is_a_path_of_two_segments_as_gcloud_writes_it():
    fields = {"location": "us", "project": "example.com:acme-prod", "repository": "py"}
    urls = gcp.urls(fields)
    assert urls.simple == "https://us-python.pkg.dev/example.com/acme-prod/py/simple/"
    assert gcp.parse(urls.simple) == fields


@pytest.mark.parametrize(
    "url",
    [
        "https://pypi.org/simple/",
        "https://us-docker.pkg.dev/acme-prod/images/",
        "https://us-central1-python.pkg.dev/acme-prod",
        "https://python.pkg.dev.evil.example/acme-prod/py/simple/",
        "not a url",
        "http://[::1",
    ],
)
def test_urls_that_are_not_artifact_registry_python_repositories_parse_to_none(url):
    assert gcp.parse(url) is None


def test_the_url_override_wins_for_a_registry_behind_a_proxy():
    urls = gcp.urls(FIELDS | {"url": "https://pypi-proxy.corp.example/gar/simple/"})
    assert urls.simple == "https://pypi-proxy.corp.example/gar/simple/"
    assert urls.upload == "https://pypi-proxy.corp.example/gar/"


def test_the_url_override_alone_is_enough_and_is_checked_like_any_index_url():
    assert gcp.urls({"url": "https://proxy.example/simple/"}).simple == "https://proxy.example/simple/"
    with pytest.raises(UserError, match="contains credentials"):
        gcp.urls({"url": "https://u:p@proxy.example/simple/"})


def test_an_explicit_publish_url_wins_over_the_built_one():
    assert gcp.urls(FIELDS | {"publish_url": "https://up.example/"}).upload == "https://up.example/"


def test_a_location_is_taken_in_any_case_and_with_spaces():
    assert gcp.urls(FIELDS | {"location": " US-Central1 "}).simple == SIMPLE


@pytest.mark.parametrize(
    ("location", "suggestion"),
    [("us-centrl1", "us-central1"), ("europe-west-1", "europe-west1"), ("eu", "europe"), ("asia-northeast", "asia-northeast1")],
)
def test_an_unknown_location_names_the_field_and_suggests_the_closest(location, suggestion):
    with pytest.raises(UserError) as err:
        gcp.urls(FIELDS | {"location": location})
    message = str(err.value)
    assert message.startswith(f"The location {location!r} is not an Artifact Registry location")
    assert f"did you mean {suggestion}?" in message
    assert message.count(". ") == 0


def test_a_zone_is_refused_with_its_region():
    with pytest.raises(UserError, match=r"'us-central1-a' is a zone.*use us-central1\.$"):
        gcp.check_field("location", "us-central1-a")


def test_a_location_with_nothing_close_points_at_gcloud_and_the_url_override():
    with pytest.raises(UserError, match="gcloud artifacts locations list.*full index URL"):
        gcp.check_field("location", "mars-north1")


@pytest.mark.parametrize("project", ["acme-prod", "a12345", "a" * 30, "example.com:acme-prod", "google.com:my-project"])
def test_valid_project_ids_pass(project):
    assert gcp.check_field("project", project) == ()


@pytest.mark.parametrize(
    ("project", "reason"),
    [
        ("", "empty"),
        ("acme", "is not valid"),
        ("a" * 31, "is not valid"),
        ("1acme-prod", "is not valid"),
        ("acme-prod-", "is not valid"),
        ("acme_prod", "is not valid"),
        ("Acme-Prod", "use acme-prod"),
        ("123456789012", "project number"),
        ("example.com:", "is not valid"),
    ],
)
def test_malformed_project_ids_are_one_sentence_naming_the_project(project, reason):
    with pytest.raises(UserError, match=reason) as err:
        gcp.urls(FIELDS | {"project": project})
    assert "project" in str(err.value)


@pytest.mark.parametrize("repository", ["py", "python-internal", "r" + "a" * 62])
def test_valid_repository_ids_pass(repository):
    assert gcp.check_field("repository", repository) == ()


@pytest.mark.parametrize(
    ("repository", "reason"),
    [("", "empty"), ("-py", "not a valid"), ("py-", "not a valid"), ("py_internal", "not a valid"),
     ("r" * 64, "not a valid"), ("Python", "use python"), ("a/b", "not a valid")],
)
def test_malformed_repository_ids_are_one_sentence_naming_the_repository(repository, reason):
    with pytest.raises(UserError, match=reason) as err:
        gcp.urls(FIELDS | {"repository": repository})
    assert "repository" in str(err.value)


def test_the_optional_url_field_is_only_checked_when_given():
    assert gcp.check_field("url", "") == ()
    assert gcp.check_field("url", "https://proxy.example/simple/") == ()


@pytest.mark.parametrize(
    ("auth", "username"),
    [("token", "oauth2accesstoken"), ("keyring", "oauth2accesstoken"), ("service-account-key", "_json_key_base64")],
)
def test_each_auth_method_has_the_username_artifact_registry_expects(auth, username):
    assert gcp.default_username(auth) == username


def test_401_with_a_token_says_it_expired_after_about_an_hour_and_to_re_run():
    message = gcp.explain_status(401, url=SIMPLE, username="oauth2accesstoken", publish=False)
    assert "(401)" in message and "1 hour" in message and "`ar-wizard rotate`" in message


def test_401_with_a_key_says_the_key_was_rejected():
    message = gcp.explain_status(401, url=SIMPLE, username="_json_key_base64", publish=False)
    assert "service-account key" in message and "deleted or disabled" in message


def test_401_with_a_wrong_username_names_the_usernames_artifact_registry_takes():
    message = gcp.explain_status(401, url=SIMPLE, username="alice", publish=False)
    assert "oauth2accesstoken" in message and "_json_key_base64" in message


def test_403_gives_the_exact_gcloud_command_granting_the_reader_role():
    message = gcp.explain_status(403, url=SIMPLE, username="oauth2accesstoken", publish=False)
    assert "roles/artifactregistry.reader" in message
    assert (
        "`gcloud artifacts repositories add-iam-policy-binding python-internal --location=us-central1 "
        "--project=acme-prod --member=user:EMAIL --role=roles/artifactregistry.reader`"
    ) in message


def test_403_when_publishing_asks_for_the_writer_role():
    message = gcp.explain_status(403, url=SIMPLE, username="oauth2accesstoken", publish=True)
    assert "--role=roles/artifactregistry.writer`" in message


def test_403_with_a_service_account_key_grants_to_a_service_account():
    message = gcp.explain_status(403, url=SIMPLE, username="_json_key_base64", publish=False)
    assert "--member=serviceAccount:SERVICE_ACCOUNT_EMAIL" in message


def test_403_behind_a_proxy_fills_in_placeholders_for_what_the_url_does_not_say():
    message = gcp.explain_status(403, url="https://proxy.example/simple/", username="oauth2accesstoken", publish=False)
    assert "add-iam-policy-binding REPOSITORY --location=LOCATION --project=PROJECT" in message


def test_404_names_the_location_project_and_repository_from_the_url():
    message = gcp.explain_status(404, url=SIMPLE, username="oauth2accesstoken", publish=False)
    assert "(404)" in message
    assert "'us-central1'" in message and "'acme-prod'" in message and "'python-internal'" in message


def test_other_statuses_get_the_generic_reading():
    assert "server error (503)" in gcp.explain_status(503, url=SIMPLE, username="oauth2accesstoken", publish=False)


def _ini(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


def test_keyring_settings_are_gclouds_snippets_with_the_username_pip_needs():
    settings = python_settings(FIELDS, auth="keyring")

    pypirc = _ini(settings.pypirc)
    assert pypirc["distutils"]["index-servers"].split() == ["python-internal"]
    assert pypirc["python-internal"]["repository"] == "https://us-central1-python.pkg.dev/acme-prod/python-internal/"
    assert "password" not in pypirc["python-internal"]
    pip = _ini(settings.pip_conf)["global"]
    assert pip["extra-index-url"] == "https://oauth2accesstoken@us-central1-python.pkg.dev/acme-prod/python-internal/simple/"
    assert pip["keyring-provider"] == "subprocess"
    assert settings.text().startswith("# Insert the following snippet into your .pypirc\n\n[distutils]")
    assert "# Insert the following snippet into your pip.conf\n\n[global]" in settings.text()


def test_key_settings_name_the_key_username_and_never_carry_a_password():
    settings = python_settings(FIELDS, auth="service-account-key")

    section = _ini(settings.pypirc)["python-internal"]
    assert section["username"] == "_json_key_base64"
    assert "password" not in section
    url = _ini(settings.pip_conf)["global"]["extra-index-url"]
    assert url == "https://_json_key_base64@us-central1-python.pkg.dev/acme-prod/python-internal/simple/"
    assert ":" not in url.split("@")[0].removeprefix("https://")
