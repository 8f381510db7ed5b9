"""AWS CodeArtifact: URL shapes, field checks and status readings."""

from __future__ import annotations

import pytest

from ar_wizard.errors import UserError
from ar_wizard.providers import available, get
from ar_wizard.providers.aws import AWS_BACKEND, AWS_PLUGIN, REGIONS

aws = get("aws")
FIELDS = {"domain": "acme", "domain_owner": "123456789012", "region": "us-east-1", "repository": "python-internal"}
BASE = "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/python-internal/"
SIMPLE = BASE + "simple/"


def test_the_provider_is_registered_with_its_fields_auth_methods_and_plugin():
    assert aws.title == "AWS CodeArtifact"
    assert "aws" in [p.key for p in available()]
    assert [f.name for f in aws.fields] == ["domain", "domain_owner", "region", "repository", "url"]
    assert [f.optional for f in aws.fields] == [False, False, False, False, True]
    assert aws.auth_methods == ("token", "keyring")
    assert aws.keyring_plugin == (AWS_PLUGIN, AWS_BACKEND) == ("keyrings.codeartifact", "keyrings.codeartifact.CodeArtifactBackend")
    assert aws.fields[2].choices == tuple(REGIONS)


def test_the_username_is_aws_for_tokens_and_the_keyring():
    assert aws.default_username("token") == aws.default_username("keyring") == "aws"
    assert aws.default_username("service-account-key") is None


def test_the_region_list_has_the_real_regions_on_every_continent():
    for region in ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "eu-north-1", "ap-southeast-2",
                   "ap-northeast-1", "ap-south-1", "sa-east-1", "ca-central-1", "af-south-1", "me-south-1", "il-central-1"):
        assert region in REGIONS
    assert len(REGIONS) >= 30


@pytest.mark.parametrize("region", list(REGIONS))
def test_every_region_builds_urls_that_parse_back_to_the_same_fields(region):
    fields = FIELDS | {"region": region}

    urls = aws.urls(fields)

    assert urls.simple == f"https://acme-123456789012.d.codeartifact.{region}.amazonaws.com/pypi/python-internal/simple/"
    assert urls.upload == urls.simple.removesuffix("simple/")
    assert urls.warnings == ()
    assert aws.parse(urls.simple) == fields
    assert aws.parse(urls.upload) == fields


@pytest.mark.parametrize(
    "pasted",
    [
        SIMPLE,
        SIMPLE.rstrip("/"),
        BASE,
        BASE + "simple/acme-secret/",
        "https://aws:eyJ2ZXIiOjEsInNlY3JldCI@acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/python-internal/simple/",
        f"  {SIMPLE}  ",
    ],
)
def test_a_pasted_url_with_or_without_simple_or_a_token_gives_the_fields(pasted):
    assert aws.parse(pasted) == FIELDS


def test_a_domain_with_hyphens_and_digits_is_split_from_the_owner_at_the_last_twelve_digits():
    fields = aws.parse("https://my-team-2-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/py/simple/")
    assert fields == {"domain": "my-team-2", "domain_owner": "123456789012", "region": "eu-west-1", "repository": "py"}


@pytest.mark.parametrize(
    "url",
    [
        "https://us-central1-python.pkg.dev/acme-prod/py/simple/",
        "https://acme-12345.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/",
        "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/npm/web/",
        "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/",
        "not a url",
    ],
)
def test_urls_that_are_not_a_codeartifact_pypi_repository_are_not_parsed(url):
    assert aws.parse(url) is None


def test_an_override_url_wins_and_its_upload_url_drops_simple():
    urls = aws.urls({"url": "https://proxy.acme.example/codeartifact/py/simple/"})
    assert urls.simple == "https://proxy.acme.example/codeartifact/py/simple/"
    assert urls.upload == "https://proxy.acme.example/codeartifact/py/"


@pytest.mark.parametrize(
    ("field", "value", "sentence"),
    [
        ("domain_owner", "", r"^The domain owner is empty: give the 12-digit AWS account ID"),
        ("domain_owner", "12345", r"^The domain owner '12345' has 5 digits, but an AWS account ID has exactly 12"),
        ("domain_owner", "1234-5678-9012", r"has dashes or spaces.*use 123456789012\.$"),
        ("domain_owner", "acme-prod", r"is not an AWS account ID: give the 12 digits"),
        ("region", "us-east-1a", r"is an availability zone: use its region, us-east-1\.$"),
        ("region", "eu-west1", r"is not an AWS region: did you mean eu-west-1\?$"),
        ("region", "mars-north-1", r"is not an AWS region this wizard knows"),
        ("region", "", r"^The region is empty"),
        ("domain", "Acme", r"has capital letters.*use acme\.$"),
        ("domain", "a", r"is not a valid CodeArtifact domain name"),
        ("domain", "", r"^The domain is empty"),
        ("repository", "my repo", r"is not a valid CodeArtifact repository name"),
        ("repository", "", r"^The repository is empty"),
        ("url", "https://aws:tok@acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/", "contains credentials"),
    ],
)
def test_a_bad_field_is_one_sentence_that_says_how_to_fix_it(field, value, sentence):
    with pytest.raises(UserError, match=sentence) as err:
        aws.check_field(field, value)
    assert "\n" not in str(err.value)


def test_a_region_in_capitals_or_with_spaces_is_accepted_as_aws_spells_it():
    assert aws.urls(FIELDS | {"region": " EU-WEST-1 "}).simple.startswith("https://acme-123456789012.d.codeartifact.eu-west-1.")


def test_urls_refuses_missing_fields_with_the_same_sentences():
    with pytest.raises(UserError, match="^The domain owner is empty"):
        aws.urls(FIELDS | {"domain_owner": ""})


def explain(status, *, username="aws", publish=False):
    return aws.explain_status(status, url=SIMPLE, username=username, publish=publish)


def test_404_is_read_as_a_bad_or_expired_token_with_the_command_that_mints_a_new_one():
    message = explain(404)
    assert "bad or expired token" in message
    assert "12 hours" in message
    assert (
        "`aws codeartifact get-authorization-token --domain acme --domain-owner 123456789012 --region us-east-1 "
        "--query authorizationToken --output text`"
    ) in message
    assert "--auth keyring" in message
    assert "'python-internal'" in message


def test_401_with_the_right_username_says_no_token_was_sent():
    message = explain(401)
    assert "(401)" in message and "no token was sent" in message and "username aws" in message


def test_401_with_another_username_names_the_username_codeartifact_expects():
    message = explain(401, username="dev")
    assert "'dev'" in message and "expects the username aws" in message


def test_403_names_the_iam_action_for_reading_or_publishing():
    assert "codeartifact:ReadFromRepository on repository python-internal in domain acme" in explain(403)
    assert "codeartifact:PublishPackageVersion" in explain(403, publish=True)


def test_other_statuses_get_the_generic_reading():
    assert "server error (503)" in explain(503)
