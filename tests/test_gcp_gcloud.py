"""Minting through `gcloud auth print-access-token`, with a stand-in gcloud on PATH."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone

import pytest

from ar_wizard.credentials.google import mint_from_gcloud
from ar_wizard.errors import UserError


@pytest.fixture
def gcloud_on_path(monkeypatch, fake_gcloud_dir):
    monkeypatch.setenv("PATH", f"{fake_gcloud_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("FAKE_GCLOUD_TOKEN", raising=False)
    monkeypatch.delenv("FAKE_GCLOUD_ACCOUNT", raising=False)
    return monkeypatch


def test_gcloud_gives_the_token_its_account_and_an_approximate_hour(gcloud_on_path):
    gcloud_on_path.setenv("FAKE_GCLOUD_TOKEN", "ya29.from-gcloud")
    gcloud_on_path.setenv("FAKE_GCLOUD_ACCOUNT", "dev@acme.example")

    minted = mint_from_gcloud()

    assert minted.secret.reveal() == "ya29.from-gcloud"
    assert minted.identity == "dev@acme.example"
    assert minted.expiry_approximate is True
    assert minted.expires_at is not None
    assert abs(minted.expires_at - (datetime.now(timezone.utc) + timedelta(hours=1))) < timedelta(minutes=1)
    assert minted.source == "gcloud auth print-access-token"


def test_an_unset_gcloud_account_is_called_your_gcloud_user(gcloud_on_path):
    gcloud_on_path.setenv("FAKE_GCLOUD_TOKEN", "ya29.from-gcloud")

    assert mint_from_gcloud().identity == "your gcloud user"


def test_gcloud_without_a_login_is_its_error_line_and_the_login_command(gcloud_on_path):
    with pytest.raises(UserError) as err:
        mint_from_gcloud()

    assert str(err.value) == (
        "`gcloud auth print-access-token` failed ((gcloud.auth.print-access-token) You do not currently "
        "have an active account selected.): run `gcloud auth login` and try again."
    )


def test_without_gcloud_on_path_the_cli_to_install_is_named(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))

    with pytest.raises(UserError, match="^gcloud is not on PATH: install the Google Cloud CLI"):
        mint_from_gcloud()
