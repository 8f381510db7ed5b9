"""The artifacts-keyring path for Azure Artifacts, checked with the real keyring command."""

from __future__ import annotations

import pytest

from ar_wizard.credentials.keyring_setup import check
from ar_wizard.providers import get
from ar_wizard.providers.azure import AZURE_BACKEND, AZURE_PLUGIN

pytestmark = pytest.mark.integration


def test_a_keyring_without_artifacts_keyring_is_reported_with_the_install_command(keyring_home, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    url = get("azure").urls({"organization": "acme", "feed": "python-internal"}).simple

    found = {f.id: f for f in check(AZURE_PLUGIN, AZURE_BACKEND, url)}

    assert found["keyring-on-path"].ok
    plugin = found["plugin-importable"]
    assert not plugin.ok
    assert "cannot load artifacts-keyring" in plugin.message and AZURE_BACKEND in plugin.message
    assert plugin.fix == "uv tool install keyring --with artifacts-keyring"
