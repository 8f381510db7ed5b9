import pytest

from ar_wizard.errors import UserError
from ar_wizard.providers import get
from ar_wizard.providers.base import check_index_url, explain_status


def test_the_upload_url_defaults_to_the_index_url_without_simple():
    urls = get("generic").urls({"url": "https://nexus.example.com/repository/pypi-internal/simple/"})
    assert urls.upload == "https://nexus.example.com/repository/pypi-internal/"


def test_an_explicit_publish_url_wins():
    urls = get("generic").urls({"url": "https://h.example/simple/", "publish_url": "https://h.example/upload/"})
    assert urls.upload == "https://h.example/upload/"


def test_credentials_in_the_url_are_refused_because_they_would_land_in_a_file():
    with pytest.raises(UserError, match="contains credentials"):
        check_index_url("https://me:tok@h.example/simple/")


@pytest.mark.parametrize("url", ["ftp://h.example/simple/", "h.example/simple", "https:///simple/"])
def test_urls_that_are_not_http_are_refused(url):
    with pytest.raises(UserError, match="not an http"):
        check_index_url(url)


def test_a_url_without_simple_gets_a_warning_not_a_refusal():
    (warning,) = check_index_url("https://h.example/repo/")
    assert "/simple/" in warning


def test_plain_http_to_a_remote_host_is_warned_about_but_loopback_is_not():
    assert any("unencrypted" in w for w in check_index_url("http://pypi.corp.example/simple/"))
    assert check_index_url("http://127.0.0.1:8080/simple/") == ()


def test_an_unknown_provider_is_one_sentence():
    with pytest.raises(UserError, match="--provider"):
        get("nope")


@pytest.mark.parametrize(("status", "words"), [(401, "rejected"), (403, "refused access"), (404, "Nothing was found"),
                                              (407, "proxy"), (502, "server error"), (418, "HTTP 418")])
def test_each_status_gets_its_own_explanation(status, words):
    assert words in explain_status(status, url="https://h/simple/", username="me")
