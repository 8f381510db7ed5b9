"""An index behind a private CA, and an http:// address that moved to https: the verdicts, and
what the real uv, pip and twine do with the files written."""

from __future__ import annotations

import pytest

from conftest import PACKAGE
from private_index import PrivateIndex
from tls_index import RedirectToHttps, TlsIndex

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def tls_index(tmp_path_factory):
    root = tmp_path_factory.mktemp("tls-index")
    index = PrivateIndex(root / "packages", root / "htpasswd")
    index.add_package(PACKAGE, "1.0.0")
    server = TlsIndex(index, root).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def moved_index(tls_index):
    redirect = RedirectToHttps(tls_index.base_url).start()
    yield redirect
    redirect.stop()


@pytest.fixture
def tls_account(tls_index) -> tuple[str, str]:
    import secrets

    user, password = "user-" + secrets.token_hex(3), "pw-" + secrets.token_urlsafe(12)
    tls_index.index.set_password(user, password)
    return user, password


def setup(home, url, user, secret, *extra, store="uv"):
    return home.wizard(
        "setup", "--provider", "generic", "--index", "acme", "--url", url, "--auth", "token", "--username", user,
        "--password-stdin", "--store", store, "--yes", *extra, input=secret + "\n",
    )


def test_an_http_index_that_redirects_to_https_is_said_to_have_moved_never_rejected(
    home, moved_index, tls_index, tls_account
):
    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)
    before = home.files()

    result = setup(home, moved_index.simple_url, user, password)

    assert result.returncode == 1
    assert f"redirects to {tls_index.simple_url}: the index has moved there (to https)" in result.stderr
    assert f"--url {tls_index.simple_url}" in result.stderr
    assert "not accepted" not in result.stderr and "sign-in" not in result.stderr
    assert home.files() == before


def test_the_https_url_it_proposes_passes_and_uv_installs_from_it(home, moved_index, tls_index, tls_account):
    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)

    result = setup(home, tls_index.simple_url, user, password)

    assert result.returncode == 0, result.stderr
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr
