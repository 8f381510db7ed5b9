"""Servers as they are in the wild: a list hidden from strangers (pypicloud), two indexes on one host,
public indexes, and uploads checked without uploading. Judged by the real uv, pip and twine."""

from __future__ import annotations

import json
import secrets

import pytest

from ar_wizard.model import Secret
from ar_wizard.validate import check_index
from private_index import wheel_filename

pytestmark = pytest.mark.integration


def setup(home, url, user, secret, *extra, store="uv", index="acme"):
    return home.wizard(
        "setup", "--provider", "generic", "--index", index, "--url", url, "--auth", "token", "--username", user,
        "--password-stdin", "--store", store, "--yes", *extra, input=secret + "\n",
    )


def _account(server, prefix="user"):
    import secrets

    user, password = f"{prefix}-{secrets.token_hex(3)}", "pw-" + secrets.token_urlsafe(12)
    server.set_password(user, password)
    return user, password


# -- a list hidden from strangers, the challenge on the project page (pypicloud) ----------------


# The real pypicloud with `default_read = authenticated`, and the WSGI stand-in of its shape.
HIDDEN_LISTS = ("pypicloud_server", "hidden_list_index")


@pytest.mark.parametrize("server_fixture", HIDDEN_LISTS)
def test_a_hidden_list_is_read_by_the_challenge_on_a_project_page(request, server_fixture):
    hidden_list_index = request.getfixturevalue(server_fixture)
    user, password = _account(hidden_list_index)

    verdict = check_index(hidden_list_index.simple_url, user, Secret(password), explain=str)

    assert verdict.ok and not verdict.unasked, verdict.message
    # The session's server may hold other projects by now (the publish tests upload to it); any of them will do.
    assert any(f"the page of {name!r} asks for credentials" in verdict.message for name in verdict.projects)


@pytest.mark.parametrize("server_fixture", HIDDEN_LISTS)
def test_a_hidden_list_with_keyring_for_uv_and_pip_is_set_up_and_pip_installs(keyring_home, request, server_fixture,
                                                                            tmp_path):
    hidden_list_index = request.getfixturevalue(server_fixture)
    user, password = _account(hidden_list_index)

    result = setup(keyring_home, hidden_list_index.simple_url, user, password, "--targets", "uv,pip", store="keyring")

    assert result.returncode == 0, result.stderr
    downloaded = keyring_home.pip("download", "--no-deps", "-d", tmp_path / "dl", hidden_list_index.package)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr
    assert (tmp_path / "dl" / wheel_filename(hidden_list_index.package, "1.0.0")).exists()


# -- two indexes on one host, different logins ------------------------------------------------


@pytest.fixture
def two_on_one_host(tmp_path):
    """Two pypiservers on 127.0.0.1 (netrc's key is the host, so they share one entry), each with its own users
    and its own package."""
    from private_index import PrivateIndex

    servers = []
    for name in ("alpha", "beta"):
        server = PrivateIndex(tmp_path / name / "packages", tmp_path / name / "htpasswd").start()
        server.add_package(f"{name}-only", "1.0.0")
        servers.append(server)
    yield servers
    for server in servers:
        server.stop()


def _rotate(home, name, password):
    return home.wizard("rotate", "--index", name, "--password-stdin", "--yes", input=password + "\n")


def test_netrc_never_takes_over_another_indexs_login_on_the_same_host(home, two_on_one_host):
    alpha, beta = two_on_one_host
    alice, alice_pw = _account(alpha, "alice")
    bob, bob_pw = _account(beta, "bob")
    assert setup(home, alpha.simple_url, alice, alice_pw, store="netrc", index="alpha").returncode == 0
    netrc = (home.root / ".netrc").read_bytes()

    refused = setup(home, beta.simple_url, bob, bob_pw, store="netrc", index="beta")

    assert refused.returncode == 2
    assert "already has a login for 127.0.0.1 ('" + alice + "') that the index 'alpha'" in refused.stderr
    assert "--store uv, --store keyring or --store env" in refused.stderr
    assert (home.root / ".netrc").read_bytes() == netrc


def test_two_indexes_on_one_host_both_install_and_rotating_either_leaves_the_other_working(home, two_on_one_host):
    alpha, beta = two_on_one_host
    alice, alice_pw = _account(alpha, "alice")
    bob, bob_pw = _account(beta, "bob")
    assert setup(home, alpha.simple_url, alice, alice_pw, store="netrc", index="alpha").returncode == 0
    result = setup(home, beta.simple_url, bob, bob_pw, store="uv", index="beta")
    assert result.returncode == 0, result.stderr

    # uv would send alpha's netrc login to beta unless beta's URL names its own user
    assert f'url = "http://{bob}@127.0.0.1:' in (home.project / "pyproject.toml").read_text()

    added = home.uv("add", "alpha-only", "beta-only")
    assert added.returncode == 0, added.stderr
    netrc = (home.root / ".netrc").read_bytes()

    new_bob = "pw-new-" + alice_pw[3:]
    beta.set_password(bob, new_bob)
    rotated = _rotate(home, "beta", new_bob)
    assert rotated.returncode == 0, rotated.stderr
    assert (home.root / ".netrc").read_bytes() == netrc  # alpha's login was not touched
    assert home.uv("lock", "--refresh").returncode == 0

    new_alice = "pw-new-" + bob_pw[3:]
    alpha.set_password(alice, new_alice)
    rotated = _rotate(home, "alpha", new_alice)
    assert rotated.returncode == 0, rotated.stderr
    locked = home.uv("lock", "--refresh")
    assert locked.returncode == 0, locked.stderr


# -- a project that names pypi.org -------------------------------------------------------------


def _names_pypi(home) -> None:
    with (home.project / "pyproject.toml").open("a") as f:
        f.write('\n[tool.uv]\nkeyring-provider = "subprocess"\n\n'
                '[[tool.uv.index]]\nname = "public-mirror"\nurl = "https://pypi.org/simple/"\n')


def test_doctor_shows_a_named_pypi_org_as_public_never_as_missing_credentials(home):
    _names_pypi(home)

    report = json.loads(home.wizard("doctor", "--json").stdout)

    about = [c for c in report["checks"] if c["subject"] == "public-mirror"]
    assert {c["verdict"] for c in about} <= {"ok", "skipped", "info"}, about
    live = next(c for c in about if c["id"] == "credentials-accepted")
    assert live["message"] == "'public-mirror' is a public index (pypi.org): it needs no credentials."
    assert not any("from no credential" in c["message"] for c in report["checks"])


def test_a_named_pypi_org_is_not_offered_for_rotation(home):
    _names_pypi(home)

    result = home.wizard("rotate", "--index", "public-mirror", "--password-stdin", "--yes", input="x\n")

    assert result.returncode == 2
    assert "'public-mirror' (https://pypi.org/simple/) is a public index" in result.stderr


def test_a_named_pypi_org_needs_no_credentials_on_the_start_screen(home):
    from ar_wizard.discover import discover
    from ar_wizard.join import status

    _names_pypi(home)

    (public,) = status(discover(home.project), home.project)

    assert public.public and not public.needs_credentials


def test_the_start_screen_says_public_and_offers_a_new_setup_first(home):
    import asyncio

    from ar_wizard.flow import Step
    from ar_wizard.tui.app import WizardApp
    from wizard_driver import at_step, wait_until

    _names_pypi(home)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=(110, 45)) as pilot:
            await at_step(pilot, Step.START)
            await wait_until(pilot, lambda: app.statuses is not None, what="the credentials look-up")
            await pilot.pause()
            shown = str(app.screen.query_one("#findings").render()) + str(app.screen.query_one("#choice").render())
            await pilot.press("r")
            await pilot.pause()
            return shown

    shown = asyncio.run(flow())
    assert "public: needs no credentials" in shown
    assert "no credentials on this machine" not in shown and "Add my credentials" not in shown


# -- uploads checked without uploading ---------------------------------------------------------

UPLOADING = ("private_index", "stock_pypiserver", "public_root_index", "hidden_list_index", "sign_in_redirect_index",
             "upload_guarded_pypiserver")


@pytest.fixture(scope="module")
def upload_guarded_pypiserver(tmp_path_factory):
    from index_servers import UploadGuardedPypiserver

    server = UploadGuardedPypiserver(tmp_path_factory.mktemp("upload-guarded")).start()
    yield server
    server.stop()


@pytest.mark.parametrize("server_fixture", UPLOADING)
def test_an_incomplete_upload_tells_a_right_password_from_a_wrong_one_and_stores_nothing(request, server_fixture):
    from ar_wizard.validate import check_upload

    server = request.getfixturevalue(server_fixture)
    user, password = _account(server)
    before = server.packages()

    right = check_upload(server.simple_url, server.upload_url, user, Secret(password))
    wrong = check_upload(server.simple_url, server.upload_url, user, Secret("not-the-password"))

    assert right.ok and right.status == 400, right.message
    assert "nothing was stored" in right.message
    assert not wrong.ok and not wrong.unverifiable, wrong.message
    assert server.packages() == before


@pytest.mark.parametrize("server_fixture", ("devpi_server", "devpi_lockdown"))
def test_devpi_uploads_are_checked_by_its_login_and_store_nothing(request, server_fixture):
    from ar_wizard.validate import check_upload

    devpi_server = request.getfixturevalue(server_fixture)

    before = devpi_server.packages()
    right = check_upload(devpi_server.simple_url, devpi_server.upload_url, devpi_server.owner,
                         Secret(devpi_server.owner_password))
    wrong = check_upload(devpi_server.simple_url, devpi_server.upload_url, devpi_server.owner, Secret("nope"))

    assert right.ok and "devpi's login accepted" in right.message
    assert not wrong.ok and wrong.status == 401
    assert devpi_server.packages() == before


def test_pypicloud_reads_an_upload_with_no_file_before_the_credentials_so_it_is_said_to_be_unaskable(
    pypicloud_server,
):
    from ar_wizard.validate import check_upload

    server = pypicloud_server
    user, password = _account(server)
    before = server.packages()

    # pypicloud's upload view needs the file before it asks who uploads: 400 to anyone.
    right = check_upload(server.simple_url, server.upload_url, user, Secret(password))
    wrong = check_upload(server.simple_url, server.upload_url, user, Secret("not-the-password"))

    for verdict in (right, wrong):
        assert verdict.unverifiable and not verdict.ok, verdict.message
        assert "HTTP 400 with or without credentials" in verdict.message
    assert server.packages() == before


def test_publish_to_pypicloud_checks_the_read_password_says_the_upload_one_is_unchecked_and_twine_uploads(
    home, pypicloud_server, tmp_path
):
    from private_index import build_wheel
    from test_setup_real_tools import load_dotenv

    server = pypicloud_server
    user, password = _account(server)
    assert setup(home, server.simple_url, user, "wrong", "--publish", store="env").returncode == 1

    result = setup(home, server.simple_url, user, password, "--targets", "uv,twine", "--publish", store="env")

    assert result.returncode == 0, result.stderr
    assert f"Uploads to {server.upload_url} could not be checked without uploading" in result.stderr
    wheel = tmp_path / wheel_filename("first-cloud-release", "1.0.0")
    wheel.write_bytes(build_wheel("first-cloud-release", "1.0.0"))
    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "acme", wheel, env=load_dotenv(home))
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    assert wheel.name in server.packages()


def test_a_static_server_that_refuses_uploads_to_right_credentials_is_not_said_to_reject_them(nginx_index):
    from ar_wizard.validate import check_upload

    user, password = _account(nginx_index)
    verdict = check_upload(nginx_index.simple_url, nginx_index.base_url + "/", user, Secret(password))

    assert not verdict.ok
    assert f"accepts the credentials for {user!r} but refuses uploads with them" in verdict.message


def test_a_server_that_answers_an_empty_upload_alike_with_or_without_credentials_is_said_to_be_unaskable():
    import threading
    from wsgiref.simple_server import make_server

    from ar_wizard.validate import check_upload
    from private_index import _QuietHandler

    def app(environ, start_response):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"missing content"]

    server = make_server("127.0.0.1", 0, app, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        verdict = check_upload(base + "/simple/", base + "/", "someone", Secret("anything"))
    finally:
        server.shutdown()

    assert verdict.unverifiable and not verdict.ok
    assert "could not be checked without uploading: it answers an upload with nothing in it with HTTP 400 with or " \
           "without credentials" in verdict.message


def test_publish_to_a_public_pypiserver_with_guarded_uploads_checks_the_password_and_twine_uploads(
    home, upload_guarded_pypiserver, tmp_path
):
    from private_index import build_wheel

    server = upload_guarded_pypiserver
    user, password = _account(server)
    assert setup(home, server.simple_url, user, "wrong", "--publish", store="env").returncode == 1

    result = setup(home, server.simple_url, user, password, "--targets", "uv,twine", "--publish", store="env")

    assert result.returncode == 0, result.stderr
    assert f"Uploads to {server.upload_url} accept the credentials" in result.stderr
    wheel = tmp_path / wheel_filename("first-release", "1.0.0")
    wheel.write_bytes(build_wheel("first-release", "1.0.0"))
    from test_setup_real_tools import load_dotenv

    uploaded = home.run("twine", "upload", "--non-interactive", "-r", "acme", wheel, env=load_dotenv(home))
    assert uploaded.returncode == 0, uploaded.stdout + uploaded.stderr
    assert wheel.name in server.packages()


def test_publish_to_a_fresh_empty_devpi_index_is_checked_by_devpis_login_and_uv_publish_works(
    home, devpi_server, tmp_path
):
    from private_index import build_wheel
    from test_setup_real_tools import load_dotenv

    index = f"fresh{secrets.token_hex(3)}"
    assert devpi_server._call("PUT", f"/{devpi_server.owner}/{index}", {"type": "stage", "bases": []},
                              auth=(devpi_server.owner, devpi_server.owner_password)) in (200, 201)
    url = f"{devpi_server.base_url}/{devpi_server.owner}/{index}/+simple/"
    assert setup(home, url, devpi_server.owner, "wrong", "--publish", store="env").returncode == 1

    result = setup(home, url, devpi_server.owner, devpi_server.owner_password, "--publish", store="env")

    assert result.returncode == 0, result.stderr
    assert "devpi's login accepted the password" in result.stderr
    wheel = tmp_path / wheel_filename("first-release", "1.0.0")
    wheel.write_bytes(build_wheel("first-release", "1.0.0"))
    published = home.uv("publish", "--index", "acme", wheel, env=load_dotenv(home))
    assert published.returncode == 0, published.stderr


# -- one name for an index, whatever tools it was set up for -------------------------------------


def test_a_pip_only_setup_keeps_its_name_for_rotate_doctor_and_the_wizard(home, private_index, tmp_path):
    import asyncio

    from ar_wizard.flow import Step
    from ar_wizard.tui.app import WizardApp
    from wizard_driver import at_step, wait_until

    user, password = _account(private_index)
    assert setup(home, private_index.simple_url, user, password, "--targets", "pip", store="netrc").returncode == 0

    indexes = json.loads(home.wizard("doctor", "--json").stdout)["indexes"]
    assert [(i["name"], i["tool"]) for i in indexes] == [("acme", "pip")]

    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)
    rotated = home.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", input=new + "\n")
    assert rotated.returncode == 0, rotated.stderr
    downloaded = home.pip("download", "--no-deps", "-d", tmp_path / "dl", "acme-secret")
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr

    async def pick_to_rotate():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=(110, 45)) as pilot:
            await at_step(pilot, Step.START)
            await wait_until(pilot, lambda: app.findings is not None, what="discovery")
            await pilot.press("r")
            await pilot.pause()
            return type(app.screen).__name__, getattr(app.screen, "names", None)

    screen, names = asyncio.run(pick_to_rotate())
    assert (screen, names) == ("PickIndex", ["acme"])


def test_joining_a_named_pypi_org_from_the_command_line_says_it_needs_no_credentials(home):
    _names_pypi(home)

    result = home.wizard("setup", "--index", "public-mirror", "--password-stdin", "--yes", input="x\n")

    assert result.returncode == 2
    assert "'public-mirror' (https://pypi.org/simple/) is a public index" in result.stderr


def test_an_index_that_serves_everything_to_anyone_is_public_on_the_start_screen(home, upload_guarded_pypiserver):
    from ar_wizard.discover import discover
    from ar_wizard.join import status

    with (home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "team-mirror"\nurl = "{upload_guarded_pypiserver.simple_url}"\n')

    (mirror,) = status(discover(home.project), home.project)

    assert mirror.public and not mirror.needs_credentials


def test_an_index_that_asks_for_credentials_is_not_called_public(home, private_index):
    from ar_wizard.discover import discover
    from ar_wizard.join import status

    with (home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n')

    (acme,) = status(discover(home.project), home.project)

    assert not acme.public and acme.needs_credentials
