"""`ar-wizard rotate`: a new secret where the old one lives, every config byte kept."""

from __future__ import annotations

import secrets

import pytest

from conftest import PACKAGE
from test_setup_real_tools import load_dotenv, setup

pytestmark = pytest.mark.integration


def rotate(home, *extra, password=None, name="acme"):
    return home.wizard("rotate", "--index", name, "--password-stdin", "--yes", *extra,
                       input=None if password is None else password + "\n")


def set_up_and_add(home, private_index, user, password, store):
    """A project that depends on the private package, so resolving it needs the index."""
    assert setup(home, private_index, user, password, store=store).returncode == 0
    assert home.uv("add", PACKAGE, env=load_dotenv(home) if store == "env" else None).returncode == 0


def uv_resolves(home, store) -> bool:
    env = load_dotenv(home) if store == "env" else None
    return home.uv("lock", "--refresh", env=env).returncode == 0


@pytest.mark.parametrize("store", ["uv", "keyring", "env", "netrc"])
def test_rotation_replaces_the_secret_in_its_store_and_uv_works_again_with_config_untouched(
    request, store, private_index, account
):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, old = account
    set_up_and_add(home, private_index, user, old, store)
    pyproject = (home.project / "pyproject.toml").read_bytes()

    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)  # the registry revoked the old secret
    assert not uv_resolves(home, store)

    result = rotate(home, password=new)

    assert result.returncode == 0, result.stderr
    assert uv_resolves(home, store)
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert new not in result.stdout + result.stderr


@pytest.mark.parametrize("store", ["uv", "keyring", "env", "netrc"])
def test_undo_of_a_rotation_brings_the_old_secret_back(request, store, private_index, account):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, old = account
    set_up_and_add(home, private_index, user, old, store)
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)
    assert rotate(home, password=new).returncode == 0

    private_index.set_password(user, old)  # only the old secret works again
    assert not uv_resolves(home, store)
    undone = home.wizard("undo", "--yes")

    assert undone.returncode == 0, undone.stderr
    assert uv_resolves(home, store)


def test_a_new_secret_the_index_rejects_is_not_written(home, private_index, account):
    user, old = account
    assert setup(home, private_index, user, old, store="netrc").returncode == 0
    before = home.files()

    result = rotate(home, password="not-the-password")

    assert result.returncode == 1
    assert "Nothing was written" in result.stderr
    assert home.files() == before


def test_rotation_updates_the_upload_copies_of_the_secret_in_dot_env(home, private_index, account):
    user, old = account
    assert setup(home, private_index, user, old, "--publish", "--targets", "uv,twine", store="env").returncode == 0
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)

    assert rotate(home, password=new).returncode == 0

    env = load_dotenv(home)
    assert env["UV_INDEX_ACME_PASSWORD"] == env["UV_PUBLISH_PASSWORD"] == env["TWINE_PASSWORD"] == new


def test_an_unknown_index_is_named_with_the_ones_that_exist(home, private_index, account):
    user, old = account
    assert setup(home, private_index, user, old, store="netrc").returncode == 0

    result = rotate(home, password="x", name="nope")

    assert result.returncode == 2
    assert "no index named 'nope'" in result.stderr and "acme" in result.stderr


def test_an_index_whose_secret_is_only_in_the_environment_is_refused_with_where_to_change_it(home, private_index):
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "d"\nversion = "0"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n'
    )
    home.env |= {"UV_INDEX_ACME_USERNAME": "u", "UV_INDEX_ACME_PASSWORD": "old"}

    result = rotate(home, password="x")

    assert result.returncode == 2
    assert "$UV_INDEX_ACME_PASSWORD in the environment" in result.stderr


def test_a_minted_gcp_token_is_re_minted_the_same_way_and_its_expiry_is_recorded_not_the_token(
    home, private_index, key_file, token_server, monkeypatch
):
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))
    issued_before = len(token_server.issued)  # the token server is shared by the session's tests
    gcp = ["--provider", "gcp", "--location", "us-central1", "--project", "acme-prod", "--repository", "py"]
    assert home.wizard("setup", *gcp, "--url", private_index.simple_url, "--index", "gar",
                       "--key-file", key_file, "--store", "uv", "--yes").returncode == 0
    assert home.uv("add", PACKAGE).returncode == 0
    pyproject = (home.project / "pyproject.toml").read_bytes()

    result = home.wizard("rotate", "--index", "gar", "--yes")  # no secret: mint a new one

    assert result.returncode == 0, result.stderr
    assert "Minted a token for uploader@" in result.stderr
    assert len(token_server.issued) == issued_before + 2  # the first token no longer works; the new one does
    assert home.uv("lock", "--refresh").returncode == 0
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    tokens = (home.root / ".local" / "state" / "ar-wizard" / "tokens.json").read_text()
    assert '"expires_at"' in tokens and '"provider": "gcp"' in tokens
    assert all(token not in tokens for _, token in token_server.issued)


def test_a_dry_run_shows_the_masked_change_and_writes_nothing(home, private_index, account):
    user, old = account
    assert setup(home, private_index, user, old, store="env").returncode == 0
    before = home.files()
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)

    result = home.wizard("rotate", "--index", "acme", "--password-stdin", "--dry-run", input=new + "\n")

    assert result.returncode == 0, result.stderr
    assert "+UV_INDEX_ACME_PASSWORD=****" in result.stdout and "Dry run" in result.stdout
    assert new not in result.stdout + result.stderr and old not in result.stdout + result.stderr
    # `uv auth token`, which looks for the old secret, leaves uv's own empty lock file behind.
    assert {p: b for p, b in home.files().items() if p.name != "credentials.toml.lock"} == before


def test_an_index_served_by_a_keyring_plugin_has_nothing_to_rotate(home):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\nversion = "0"\n\n[tool.uv]\nkeyring-provider = "subprocess"\n\n'
        '[[tool.uv.index]]\nname = "gar"\nurl = "https://oauth2accesstoken@us-python.pkg.dev/p/r/simple/"\n'
    )

    result = rotate(home, password="x", name="gar")

    assert result.returncode == 2
    assert "keyring plugin (keyrings.google-artifactregistry-auth)" in result.stderr


@pytest.mark.parametrize("store", ["keyring", "file"])
def test_an_index_set_up_for_pip_and_twine_alone_is_found_and_rotated(request, private_index, account, store):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, old = account
    made = setup(home, private_index, user, old, "--targets", "pip,twine", store=store)
    assert made.returncode == 0, made.stderr
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)

    result = rotate(home, password=new)
    download = home.pip("download", "--no-deps", "--no-cache-dir", "-d", home.root / "dl", PACKAGE)

    assert result.returncode == 0, result.stderr
    assert download.returncode == 0, download.stderr
