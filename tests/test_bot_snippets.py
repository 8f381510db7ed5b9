"""The Dependabot and Renovate snippets: the index and the secret's name from the same plan, never its value.

Their schemas are checked with the rest of the snippets in test_snippets.py (check-jsonschema's
vendored dependabot and renovate schemas)."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import yaml

from ar_wizard.plan import resolve
from ar_wizard.snippets import BOT_KINDS, snippet
from test_snippets import COMBINATIONS, NAME, SECRET, make_draft


@pytest.mark.parametrize("kind", BOT_KINDS)
@pytest.mark.parametrize(("registry", "auth"), COMBINATIONS)
def test_no_secret_value_reaches_a_bot_config_only_the_secrets_name(registry, auth, kind, tmp_path):
    draft = make_draft(registry, auth, project_dir=tmp_path)
    snip = snippet(draft, kind)

    assert SECRET not in snip.text and SECRET not in " ".join(snip.notes)
    assert "UV_INDEX_MY_INDEX_V2_PASSWORD" in snip.text
    assert resolve(draft, need_secret=False).simple_url in snip.text


@pytest.mark.parametrize(("registry", "auth"), COMBINATIONS)
def test_dependabot_gets_a_python_index_registry_beside_pypi_used_by_the_update(registry, auth, tmp_path):
    draft = make_draft(registry, auth, project_dir=tmp_path)
    doc = yaml.safe_load(snippet(draft, "dependabot").text)

    registry_entry = doc["registries"][NAME]
    assert registry_entry["type"] == "python-index"
    assert registry_entry["password"] == "${{secrets.UV_INDEX_MY_INDEX_V2_PASSWORD}}"
    assert "replaces-base" not in registry_entry  # the index sits beside PyPI, as every config written has it
    assert doc["updates"][0]["registries"] == [NAME]
    assert doc["updates"][0]["package-ecosystem"] == "uv"


def test_dependabot_updates_a_poetry_project_through_its_pip_ecosystem(tmp_path):
    draft = replace(make_draft("generic", "token", project_dir=tmp_path), targets=("poetry",))
    assert yaml.safe_load(snippet(draft, "dependabot").text)["updates"][0]["package-ecosystem"] == "pip"


def test_a_gcp_bot_signs_in_with_a_service_account_key_since_an_access_token_lasts_an_hour(tmp_path):
    snip = snippet(make_draft("gcp", "token", project_dir=tmp_path), "dependabot")
    assert yaml.safe_load(snip.text)["registries"][NAME]["username"] == "_json_key_base64"
    assert any("an hour" in note for note in snip.notes)


def test_renovate_gets_a_host_rule_for_the_index_host_and_the_index_beside_pypi(tmp_path):
    draft = make_draft("generic", "token", project_dir=tmp_path)
    config = json.loads(snippet(draft, "renovate").text)

    (rule,) = config["hostRules"]
    assert rule == {"matchHost": "https://pypi.acme.example", "hostType": "pypi", "username": "ci-bot",
                    "password": "{{ secrets.UV_INDEX_MY_INDEX_V2_PASSWORD }}"}
    assert config["packageRules"][0]["registryUrls"] == ["https://pypi.org/simple/", "https://pypi.acme.example/simple/"]
