"""Servers as they are in the wild: a list hidden from strangers (pypicloud), two indexes on one host,
public indexes, and uploads checked without uploading. Judged by the real uv, pip and twine."""

from __future__ import annotations

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
