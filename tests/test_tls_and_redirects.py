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
    assert f"Give {tls_index.simple_url} as the index URL (--url)" in result.stderr
    assert "not accepted" not in result.stderr and "sign-in" not in result.stderr
    assert home.files() == before


def test_the_https_url_it_proposes_passes_and_uv_installs_from_it(home, moved_index, tls_index, tls_account):
    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)

    result = setup(home, tls_index.simple_url, user, password)

    assert result.returncode == 0, result.stderr
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr


# -- a private CA, and the clients that do not read SSL_CERT_FILE -------------------------------


def test_a_private_ca_setup_for_uv_pip_and_twine_gives_twine_its_ca_and_all_three_work(keyring_home, tls_index,
                                                                                       tls_account, tmp_path):
    from private_index import build_wheel, wheel_filename

    home = keyring_home
    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # requests prefers them to .pypirc's ca_cert
        home.env.pop(variable, None)

    result = setup(home, tls_index.simple_url, user, password, "--targets", "uv,pip,twine", "--publish",
                   store="keyring")

    assert result.returncode == 0, result.stderr
    assert "twine (requests) ignores SSL_CERT_FILE" in result.stdout + result.stderr
    assert f"ca_cert = {tls_index.ca_file}" in (home.root / ".pypirc").read_text()
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", PACKAGE)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr
    wheel = tmp_path / wheel_filename("ca-trusted", "1.0.0")
    wheel.write_bytes(build_wheel("ca-trusted", "1.0.0"))
    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "acme", wheel)
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr


def test_without_the_ca_setting_twine_fails_as_the_plan_said_it_would(home, tls_index, tls_account, tmp_path):
    from private_index import build_wheel, wheel_filename
    from test_setup_real_tools import load_dotenv

    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):  # requests prefers them to .pypirc's ca_cert
        home.env.pop(variable, None)
    assert setup(home, tls_index.simple_url, user, password, "--targets", "uv,twine", "--publish",
                 store="env").returncode == 0
    pypirc = home.root / ".pypirc"
    pypirc.write_text("".join(line for line in pypirc.read_text().splitlines(keepends=True)
                              if not line.startswith("ca_cert")))
    wheel = tmp_path / wheel_filename("ca-untrusted", "1.0.0")
    wheel.write_bytes(build_wheel("ca-untrusted", "1.0.0"))

    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "acme", wheel, env=load_dotenv(home))

    assert uploaded.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in uploaded.stdout + uploaded.stderr


def test_a_requests_bundle_in_the_environment_that_lacks_the_ca_is_named_as_what_twine_will_use(
    keyring_home, tls_index, tls_account, tmp_path
):
    system = tmp_path / "system-bundle.pem"
    system.write_text("")  # a bundle without the private CA
    keyring_home.env |= {"SSL_CERT_FILE": str(tls_index.ca_file), "REQUESTS_CA_BUNDLE": str(system)}
    keyring_home.env.pop("CURL_CA_BUNDLE", None)
    user, password = tls_account

    result = setup(keyring_home, tls_index.simple_url, user, password, "--targets", "uv,twine", "--publish",
                   "--dry-run", store="keyring")

    assert result.returncode == 0, result.stderr
    said = " ".join((result.stdout + result.stderr).split())
    assert f"But REQUESTS_CA_BUNDLE is set ({system}) and requests prefers it to ca_cert" in said


def test_doctor_finds_twine_without_the_private_ca_and_its_fix_makes_it_trust_it(keyring_home, tls_index, tls_account):
    import json

    home = keyring_home
    user, password = tls_account
    home.env["SSL_CERT_FILE"] = str(tls_index.ca_file)
    for variable in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        home.env.pop(variable, None)
    assert setup(home, tls_index.simple_url, user, password, "--targets", "uv,twine", "--publish",
                 store="keyring").returncode == 0
    pypirc = home.root / ".pypirc"
    pypirc.write_text("".join(line for line in pypirc.read_text().splitlines(keepends=True)
                              if not line.startswith("ca_cert")))

    found = [c for c in json.loads(home.wizard("doctor", "--json").stdout)["checks"] if c["id"] == "private-ca"]

    assert [c["verdict"] for c in found] == ["fail"]
    assert "requests ignores" in found[0]["message"] and found[0]["fix_plan"] is True
    fixed = home.wizard("doctor", "--fix", "--yes")
    assert f"ca_cert = {tls_index.ca_file}" in pypirc.read_text(), fixed.stdout + fixed.stderr
    again = [c for c in json.loads(home.wizard("doctor", "--json").stdout)["checks"] if c["id"] == "private-ca"]
    assert [c["verdict"] for c in again] == ["ok"]
