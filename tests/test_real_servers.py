"""`ar-wizard setup` against each server of the README's "Servers it is tested against" table.

Every verdict is judged by the real uv, pip and twine afterwards, never by the wizard's own check.
"""

from __future__ import annotations

import pytest

from conftest import PACKAGE
from private_index import build_wheel, wheel_filename
from test_setup_real_tools import load_dotenv

pytestmark = pytest.mark.integration


def setup(home, server, user, secret, *extra, store="uv"):
    return home.wizard(
        "setup", "--provider", "generic", "--index", "acme", "--url", server.simple_url,
        "--auth", "token", "--username", user, "--password-stdin", "--store", store, "--yes", *extra,
        input=secret + "\n",
    )


def test_a_wrong_secret_is_refused_with_exit_1_and_nothing_written(home, real_server, server_account):
    user, _ = server_account
    before = home.files()

    result = setup(home, real_server, user, "not-the-password")

    assert result.returncode == 1, result.stderr
    assert "accepted the credentials" not in result.stderr
    assert "Nothing was written" in result.stderr
    assert home.files() == before


def test_the_right_secret_is_written_and_uv_add_installs_the_private_package(home, real_server, server_account):
    user, password = server_account

    result = setup(home, real_server, user, password)

    assert result.returncode == 0, result.stderr
    assert "accepted the credentials" in result.stderr
    added = home.uv("add", real_server.package)
    assert added.returncode == 0, added.stderr
    assert password not in (home.project / "pyproject.toml").read_text()


def test_with_netrc_pip_download_and_uv_add_both_work(home, real_server, server_account, tmp_path):
    user, password = server_account

    result = setup(home, real_server, user, password, "--targets", "uv,pip", store="netrc")

    assert result.returncode == 0, result.stderr
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", real_server.package)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr
    assert (tmp_path / "dl" / wheel_filename(real_server.package, "1.0.0")).exists()
    added = home.uv("add", real_server.package)
    assert added.returncode == 0, added.stderr


def _new_wheel(server, tmp_path, stem):
    if server.upload_url is None:
        pytest.skip(f"{type(server).__name__} takes no uploads (a static or read-only index)")
    version = f"3.0.{len(server.packages())}"
    wheel = tmp_path / wheel_filename(stem, version)
    wheel.write_bytes(build_wheel(stem, version))
    return wheel, version


def test_with_publish_uv_publish_uploads_and_the_package_then_installs(home, real_server, server_account, tmp_path):
    wheel, version = _new_wheel(real_server, tmp_path, "acme-published")
    user, password = server_account

    result = setup(home, real_server, user, password, "--publish", store="env")
    assert result.returncode == 0, result.stderr
    env = load_dotenv(home)
    published = home.uv("publish", "--index", "acme", wheel, env=env)

    assert published.returncode == 0, published.stderr
    assert wheel.name in real_server.packages()
    added = home.uv("add", f"acme-published=={version}", env=env)
    assert added.returncode == 0, added.stderr


def test_with_publish_and_twine_twine_uploads_with_the_written_pypirc(home, real_server, server_account, tmp_path):
    wheel, _ = _new_wheel(real_server, tmp_path, "acme-twined")
    user, password = server_account

    result = setup(home, real_server, user, password, "--targets", "uv,twine", "--publish", store="env")
    assert result.returncode == 0, result.stderr
    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "acme", wheel, env=load_dotenv(home))

    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    assert wheel.name in real_server.packages()


# -- what each kind of server needs -------------------------------------------------------


# devpi-lockdown behind nginx as its README sets it up, and the WSGI stand-in of its shape.
NEVER_CHALLENGE = ("devpi_lockdown", "sign_in_redirect_index")


@pytest.mark.parametrize("server_fixture", NEVER_CHALLENGE)
def test_a_server_that_never_challenges_gets_authenticate_always_for_uv(home, request, server_fixture):
    sign_in_redirect_index = request.getfixturevalue(server_fixture)
    sign_in_redirect_index.set_password("signer", "signer-pw")

    result = setup(home, sign_in_redirect_index, "signer", "signer-pw")

    assert result.returncode == 0, result.stderr
    assert "never asks for credentials" in result.stderr
    assert 'authenticate = "always"' in (home.project / "pyproject.toml").read_text()


@pytest.mark.parametrize("server_fixture", NEVER_CHALLENGE)
def test_a_server_that_never_challenges_refuses_a_pip_store_pip_would_not_send(keyring_home, request, server_fixture):
    home = keyring_home
    sign_in_redirect_index = request.getfixturevalue(server_fixture)
    sign_in_redirect_index.set_password("signer", "signer-pw")
    before = home.files()

    # pip asks the keyring only after a 401, which this server never sends.
    result = setup(home, sign_in_redirect_index, "signer", "signer-pw", "--targets", "uv,pip", store="keyring")

    assert result.returncode == 1
    assert "--store netrc" in result.stderr and "Nothing was written" in result.stderr
    assert home.files() == before


@pytest.mark.parametrize("server_fixture", NEVER_CHALLENGE)
def test_without_authenticate_always_uv_gets_no_package_from_a_server_that_never_challenges(
    home, request, server_fixture
):
    # The control for the test above: uv's usual wait for a 401 gets it the sign-in page.
    sign_in_redirect_index = request.getfixturevalue(server_fixture)
    sign_in_redirect_index.set_password("signer", "signer-pw")
    result = setup(home, sign_in_redirect_index, "signer", "signer-pw", "--no-validate")
    assert result.returncode == 0, result.stderr
    assert 'authenticate = "always"' not in (home.project / "pyproject.toml").read_text()
    assert home.uv("add", PACKAGE).returncode != 0


@pytest.fixture
def empty_public_root(tmp_path):
    from index_servers import PublicRootIndex

    server = PublicRootIndex(tmp_path / "empty").start()
    for path in server.packages_dir.iterdir():
        path.unlink()
    yield server
    server.stop()


def test_a_public_root_that_lists_no_projects_is_unverifiable_never_accepted(home, empty_public_root):
    empty_public_root.set_password("someone", "right-pw")
    before = home.files()

    result = setup(home, empty_public_root, "someone", "any-password-at-all")

    assert result.returncode == 1
    assert "could not be verified: this index lists no projects" in result.stderr
    assert "accepted" not in result.stderr and "--no-validate" in result.stderr
    assert home.files() == before


def test_devpi_takes_the_upload_at_the_index_not_at_its_simple_page(home, devpi_server):
    result = setup(home, devpi_server, devpi_server.owner, devpi_server.owner_password, "--publish", "--dry-run")

    assert result.returncode == 0, result.stderr
    assert f'publish-url = "{devpi_server.upload_url}"' in result.stdout
    assert "does not end in /simple/" not in result.stderr


def test_stock_pypiserver_403_is_not_read_as_an_accepted_identity(home, stock_pypiserver):
    stock_pypiserver.set_password("plain", "plain-pw")

    result = setup(home, stock_pypiserver, "plain", "wrong-pw")

    assert result.returncode == 1
    assert "(403)" in result.stderr and "accepted who" not in result.stderr
    assert "check the password or token first" in result.stderr


# -- rotation never swaps a working secret for an unconfirmed one ----------------------------


def rotate(home, secret, *extra):
    return home.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", *extra, input=secret + "\n")


def test_rotating_to_a_wrong_secret_exits_1_and_the_working_one_stays(home, real_server, server_account):
    user, password = server_account
    assert setup(home, real_server, user, password, store="netrc").returncode == 0
    assert home.uv("add", real_server.package).returncode == 0
    before = home.files()

    result = rotate(home, "not-the-password")

    assert result.returncode == 1, result.stderr
    assert "Nothing was written" in result.stderr
    assert home.files() == before
    assert home.uv("lock", "--refresh").returncode == 0


def test_rotating_on_an_index_that_cannot_be_verified_needs_no_validate_said_explicitly(home, empty_public_root):
    empty_public_root.set_password("someone", "old-pw")
    assert setup(home, empty_public_root, "someone", "old-pw", "--no-validate", store="netrc").returncode == 0
    before = home.files()

    refused = rotate(home, "new-pw")
    assert refused.returncode == 1 and "could not be verified" in refused.stderr
    assert home.files() == before

    forced = rotate(home, "new-pw", "--no-validate")
    assert forced.returncode == 0, forced.stderr
    assert home.files() != before


# -- doctor reads publish-url without uploading --------------------------------------------


def publish_url_checks(home) -> list[dict]:
    import json

    result = home.wizard("doctor", "--json")
    return [c for c in json.loads(result.stdout)["checks"] if c["id"] == "publish-url"]


def test_doctor_passes_devpis_upload_url_and_flags_its_simple_page_and_a_404(home, devpi_server):
    assert setup(home, devpi_server, devpi_server.owner, devpi_server.owner_password, "--publish",
                 store="netrc").returncode == 0
    packages = devpi_server.packages()
    assert [c["verdict"] for c in publish_url_checks(home)] == ["ok"]

    pyproject = home.project / "pyproject.toml"
    written = pyproject.read_text()
    pyproject.write_text(written.replace(f'publish-url = "{devpi_server.upload_url}"',
                                         f'publish-url = "{devpi_server.simple_url}"'))
    (simple_page,) = publish_url_checks(home)
    assert simple_page["verdict"] == "warn" and "is the index URL itself" in simple_page["message"]
    assert devpi_server.upload_url in simple_page["fix"]

    pyproject.write_text(written.replace(f'publish-url = "{devpi_server.upload_url}"',
                                         f'publish-url = "{devpi_server.base_url}/nobody/nothing/"'))
    (missing,) = publish_url_checks(home)
    assert missing["verdict"] == "warn" and "answers 404" in missing["message"]
    assert devpi_server.packages() == packages  # nothing was uploaded to find out


def credentials_accepted(home) -> dict:
    import json

    result = home.wizard("doctor", "--json")
    (check,) = [c for c in json.loads(result.stdout)["checks"] if c["id"] == "credentials-accepted"]
    return check


def test_doctor_fails_a_server_that_never_asks_until_the_index_sends_credentials_unasked(
    home, sign_in_redirect_index
):
    sign_in_redirect_index.set_password("signer", "signer-pw")
    assert setup(home, sign_in_redirect_index, "signer", "signer-pw", "--no-validate", store="netrc").returncode == 0

    check = credentials_accepted(home)
    assert check["verdict"] == "fail" and "never asks" in check["message"]
    assert 'authenticate = "always"' in check["fix"]

    pyproject = home.project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        f'url = "{sign_in_redirect_index.simple_url}"',
        f'url = "{sign_in_redirect_index.simple_url}"\nauthenticate = "always"'))
    assert credentials_accepted(home)["verdict"] == "ok"
    assert home.uv("add", PACKAGE).returncode == 0


def test_the_wizard_writes_authenticate_always_for_a_server_that_never_asks_as_setup_does(
    home, sign_in_redirect_index
):
    import asyncio

    from ar_wizard.tui.app import WizardApp
    from wizard_driver import finish_from_validate, reach_validate

    sign_in_redirect_index.set_password("signer", "signer-pw")

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=(110, 45)) as pilot:
            await reach_validate(pilot, url=sign_in_redirect_index.simple_url, name="acme", username="signer",
                                 secret="signer-pw", store="netrc")
            await finish_from_validate(pilot)
            assert app.verdict is not None and "never asks for credentials" in app.verdict.message

    asyncio.run(flow())

    assert 'authenticate = "always"' in (home.project / "pyproject.toml").read_text()
    assert home.uv("add", PACKAGE).returncode == 0
