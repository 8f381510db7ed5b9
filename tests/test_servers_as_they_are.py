"""Servers as they are in the wild: a list hidden from strangers (pypicloud), two indexes on one host,
public indexes, and uploads checked without uploading. Judged by the real uv, pip and twine."""

from __future__ import annotations

import json

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


def test_a_hidden_list_is_read_by_the_challenge_on_a_project_page(hidden_list_index):
    user, password = _account(hidden_list_index)

    verdict = check_index(hidden_list_index.simple_url, user, Secret(password), explain=str)

    assert verdict.ok and not verdict.unasked, verdict.message
    assert "the page of 'acme-secret' asks for credentials" in verdict.message


def test_a_hidden_list_with_keyring_for_uv_and_pip_is_set_up_and_pip_installs(keyring_home, hidden_list_index, tmp_path):
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
