"""Presets for the generic provider: JFrog, GitLab, Nexus and devpi URL shapes and their notes."""

from __future__ import annotations

import pytest

from ar_wizard.errors import UserError
from ar_wizard.providers import get
from ar_wizard.providers.presets import PRESETS, Preset, recognise

CASES = [
    # (preset, fields, simple, upload)
    (
        "jfrog",
        {"host": "acme.jfrog.io", "repository": "pypi-local"},
        "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple",
        "https://acme.jfrog.io/artifactory/api/pypi/pypi-local",
    ),
    (
        "jfrog",
        {"host": "artifactory.acme.example:8443", "repository": "pypi-virtual"},
        "https://artifactory.acme.example:8443/artifactory/api/pypi/pypi-virtual/simple",
        "https://artifactory.acme.example:8443/artifactory/api/pypi/pypi-virtual",
    ),
    (
        "gitlab",
        {"host": "gitlab.com", "scope": "project", "id": "12345678"},
        "https://gitlab.com/api/v4/projects/12345678/packages/pypi/simple",
        "https://gitlab.com/api/v4/projects/12345678/packages/pypi",
    ),
    (
        "gitlab",
        {"host": "git.acme.example/gitlab", "scope": "project", "id": "42"},
        "https://git.acme.example/gitlab/api/v4/projects/42/packages/pypi/simple",
        "https://git.acme.example/gitlab/api/v4/projects/42/packages/pypi",
    ),
    (
        "gitlab",
        {"host": "gitlab.com", "scope": "group", "id": "987"},
        "https://gitlab.com/api/v4/groups/987/-/packages/pypi/simple",
        "",
    ),
    (
        "nexus",
        {"host": "nexus.acme.example", "repository": "pypi-internal"},
        "https://nexus.acme.example/repository/pypi-internal/simple/",
        "https://nexus.acme.example/repository/pypi-internal/",
    ),
    (
        "nexus",
        {"host": "repo.acme.example/nexus", "repository": "pypi-hosted"},
        "https://repo.acme.example/nexus/repository/pypi-hosted/simple/",
        "https://repo.acme.example/nexus/repository/pypi-hosted/",
    ),
    (
        "devpi",
        {"host": "devpi.acme.example", "user": "alice", "index": "dev"},
        "https://devpi.acme.example/alice/dev/+simple/",
        "https://devpi.acme.example/alice/dev/",
    ),
    (
        "devpi",
        {"host": "http://127.0.0.1:3141/pkgs", "user": "ci", "index": "prod"},
        "http://127.0.0.1:3141/pkgs/ci/prod/+simple/",
        "http://127.0.0.1:3141/pkgs/ci/prod/",
    ),
]


def test_there_are_presets_for_jfrog_gitlab_nexus_and_devpi_each_with_fields_and_notes():
    assert list(PRESETS) == ["jfrog", "gitlab", "nexus", "devpi"]
    for preset in PRESETS.values():
        assert isinstance(preset, Preset) and preset.title and preset.fields and preset.notes


@pytest.mark.parametrize(("key", "fields", "simple", "upload"), CASES)
def test_every_preset_builds_its_urls_and_parses_them_back(key, fields, simple, upload):
    preset = PRESETS[key]

    urls = preset.build(fields)

    assert (urls.simple, urls.upload) == (simple, upload)
    assert preset.parse(urls.simple) == fields
    assert recognise(urls.simple) == (key, fields)
    if upload and key != "devpi":  # devpi's upload URL, /USER/INDEX/, has nothing that marks it as devpi
        assert preset.parse(urls.upload) == fields


@pytest.mark.parametrize(("key", "fields", "simple", "upload"), [c for c in CASES if c[3]])
def test_the_generic_provider_takes_a_presets_urls_as_they_are(key, fields, simple, upload):
    generic = PRESETS[key].generic_fields(fields)

    urls = get("generic").urls(generic)

    assert (urls.simple, urls.upload) == (simple, upload)


def test_a_jfrog_cloud_organization_name_alone_becomes_its_jfrog_io_host():
    urls = PRESETS["jfrog"].build({"host": "acme", "repository": "pypi-local"})
    assert urls.simple == "https://acme.jfrog.io/artifactory/api/pypi/pypi-local/simple"


def test_gitlab_defaults_to_gitlab_com_and_a_project():
    urls = PRESETS["gitlab"].build({"id": "7"})
    assert urls.simple == "https://gitlab.com/api/v4/projects/7/packages/pypi/simple"


def test_a_gitlab_group_index_has_no_upload_url_and_says_so():
    urls = PRESETS["gitlab"].build({"scope": "group", "id": "987"})
    assert urls.upload == ""
    assert any("cannot be published to" in w for w in urls.warnings)


def test_a_gitlab_project_path_is_url_encoded():
    urls = PRESETS["gitlab"].build({"id": "acme/tools"})
    assert urls.simple == "https://gitlab.com/api/v4/projects/acme%2Ftools/packages/pypi/simple"


@pytest.mark.parametrize(
    ("pasted", "expected"),
    [
        ("https://me:tok@acme.jfrog.io/artifactory/api/pypi/pypi-local/simple/acme-secret/", ("jfrog", {"host": "acme.jfrog.io", "repository": "pypi-local"})),
        ("https://__token__:glpat-x@gitlab.com/api/v4/projects/42/packages/pypi/simple", ("gitlab", {"host": "gitlab.com", "scope": "project", "id": "42"})),
        ("https://nexus.acme.example/repository/pypi-group/simple", ("nexus", {"host": "nexus.acme.example", "repository": "pypi-group"})),
        ("http://localhost:8081/repository/pypi-group/simple/", ("nexus", {"host": "http://localhost:8081", "repository": "pypi-group"})),
    ],
)
def test_a_pasted_url_is_recognised_without_its_credentials(pasted, expected):
    assert recognise(pasted) == expected


def test_a_plain_http_host_keeps_its_scheme_through_a_round_trip():
    fields = {"host": "http://localhost:8081", "repository": "pypi-group"}
    assert PRESETS["nexus"].build(fields).simple == "http://localhost:8081/repository/pypi-group/simple/"


@pytest.mark.parametrize(
    "url",
    [
        "https://us-python.pkg.dev/acme-prod/py/simple/",
        "https://pypi.example.com/simple/",
        "https://gitlab.com/api/v4/projects/42/issues",
        "https://acme.jfrog.io/artifactory/api/npm/web/",
        "not a url",
    ],
)
def test_urls_of_other_shapes_are_not_recognised(url):
    assert recognise(url) is None


@pytest.mark.parametrize(
    ("key", "fields", "sentence"),
    [
        ("jfrog", {"host": "", "repository": "r"}, r"^The JFrog host is empty"),
        ("jfrog", {"host": "acme.jfrog.io", "repository": "pypi local"}, r"Artifactory repository 'pypi local' is not valid"),
        ("jfrog", {"host": "me:pw@acme.jfrog.io", "repository": "r"}, r"contains credentials"),
        ("gitlab", {"scope": "team", "id": "1"}, r"scope 'team' is not project or group"),
        ("gitlab", {"id": ""}, r"^The GitLab ID is empty"),
        ("nexus", {"host": "nexus.acme.example", "repository": ""}, r"^The Nexus repository is empty"),
        ("nexus", {"host": "ftp://nexus.acme.example", "repository": "r"}, r"is not a host name"),
    ],
)
def test_bad_preset_fields_are_one_sentence(key, fields, sentence):
    with pytest.raises(UserError, match=sentence) as err:
        PRESETS[key].build(fields)
    assert "\n" not in str(err.value)


def test_the_gitlab_notes_explain_forwarding_to_pypi_and_authenticate_always():
    notes = " ".join(PRESETS["gitlab"].notes)
    assert "pypi.org" in notes and "explicit = true" in notes and 'authenticate = "always"' in notes


def test_the_jfrog_notes_say_not_to_publish_with_a_uv_token_and_what_to_use_instead():
    notes = " ".join(PRESETS["jfrog"].notes)
    assert "UV_PUBLISH_TOKEN" in notes and "__token__" in notes and "401" in notes
    assert 'uv publish -u "" -p "$JFROG_TOKEN"' in notes


def test_a_pasted_devpi_url_uploads_to_the_index_not_to_the_url_without_simple():
    urls = get("generic").urls({"url": "https://devpi.acme.example/alice/dev/+simple/"})

    assert urls.upload == "https://devpi.acme.example/alice/dev/"
    assert not any("does not end in /simple/" in w for w in urls.warnings)
    assert any("acl_upload" in w for w in urls.warnings)
