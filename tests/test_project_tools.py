"""Which tool a project uses, and the names Poetry and PDM read (each as the tool's own source derives it)."""

from __future__ import annotations

import pytest

from ar_wizard import project_tools
from ar_wizard.errors import UserError


@pytest.mark.parametrize(("files", "expected"), [
    ({"poetry.lock": ""}, ("poetry",)),
    ({"pdm.lock": ""}, ("pdm",)),
    ({"uv.lock": ""}, ("uv",)),
    ({"pyproject.toml": "[tool.poetry]\npackage-mode = false\n"}, ("poetry",)),
    ({"pyproject.toml": "[tool.pdm]\n"}, ("pdm",)),
    ({"pyproject.toml": "[tool.uv]\n"}, ("uv",)),
    ({"pyproject.toml": "[tool.ruff]\n"}, ()),
    ({}, ()),
    # a lock file says more than a table: a uv-locked project that keeps an old [tool.poetry] is uv's
    ({"uv.lock": "", "pyproject.toml": "[tool.poetry]\n"}, ("uv", "poetry")),
    ({"pyproject.toml": "not toml ["}, ()),
])
def test_the_project_tool_is_found_by_its_lock_file_then_its_tool_table(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert project_tools.detect(tmp_path) == expected
    assert project_tools.proposed_targets(tmp_path) == (expected[:1] or ("uv",))


def test_poetrys_variables_turn_only_dashes_into_underscores():
    # poetry/config/config.py Config.get: "POETRY_" + "_".join(k.upper().replace("-", "_") for k in keys)
    assert project_tools.poetry_env_var("my-index", "PASSWORD") == "POETRY_HTTP_BASIC_MY_INDEX_PASSWORD"
    assert project_tools.poetry_env_var("acme2", "USERNAME") == "POETRY_HTTP_BASIC_ACME2_USERNAME"


def test_a_poetry_name_whose_variable_no_shell_can_set_is_refused_with_what_to_do():
    with pytest.raises(UserError, match="choose another --index name, or --store keyring or file"):
        project_tools.poetry_env_var("my.index", "PASSWORD")


def test_pdm_url_variables_go_into_the_userinfo_and_are_read_back():
    url = project_tools.pdm_url_with_vars("https://old:pw@host.example/simple/", "my-index.v2")
    assert url == "https://${PDM_SOURCE_MY_INDEX_V2_USERNAME}:${PDM_SOURCE_MY_INDEX_V2_PASSWORD}@host.example/simple/"
    assert project_tools.pdm_url_vars(url) == ("PDM_SOURCE_MY_INDEX_V2_USERNAME", "PDM_SOURCE_MY_INDEX_V2_PASSWORD")
    assert project_tools.pdm_url_vars("https://user:${PW}@h/simple/") == ("", "PW")
    assert project_tools.pdm_url_vars("https://h/simple/") == ("", "")


def test_keyring_services_are_the_ones_poetry_and_pdm_ask():
    assert project_tools.poetry_keyring_service("acme") == "poetry-repository-acme"
    assert project_tools.pdm_source_keyring_service("acme") == "pdm-pypi-acme"
    assert project_tools.pdm_repository_keyring_service("acme") == "pdm-repository-acme"


def test_poetry_cannot_read_uvs_store_and_the_refusal_names_one_it_can():
    from ar_wizard.stores import StoreRefused, check_store

    with pytest.raises(StoreRefused) as refused:
        check_store("uv", ("uv", "poetry"), False)
    assert "Poetry cannot read uv's credential store" in str(refused.value)
    assert refused.value.alternative == "keyring"


def test_netrc_serves_poetry_and_pdm_installs_but_not_their_uploads():
    from ar_wizard.stores import StoreRefused, check_store

    check_store("netrc", ("poetry", "pdm"), False)
    with pytest.raises(StoreRefused, match="poetry publish does not read ~/.netrc"):
        check_store("netrc", ("poetry",), True)


def test_a_poetry_plan_keeps_the_secret_out_of_pyproject_and_in_a_private_auth_toml(tmp_path, monkeypatch):
    from ar_wizard.model import Draft, Secret
    from ar_wizard.plan import build_plan

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    monkeypatch.delenv("POETRY_CONFIG_DIR", raising=False)
    project = tmp_path / "demo"
    project.mkdir()
    (project / "pyproject.toml").write_text("[project]\nname = 'demo'\nversion = '0'\n\n[tool.poetry]\n")
    draft = Draft(fields={"url": "https://pypi.acme.example/simple/"}, index_name="acme", username="bob",
                  secret=Secret("s3cret-plan-9f"), store="file", targets=("poetry",), project_dir=project,
                  publish=True, validate=False)

    plan = build_plan(draft)

    by_path = {c.path: c for c in plan.changes}
    pyproject = by_path[project / "pyproject.toml"]
    assert pyproject.after is not None
    assert b"s3cret-plan-9f" not in pyproject.after and b"[[tool.poetry.source]]" in pyproject.after
    auth = by_path[tmp_path / ".config" / "pypoetry" / "auth.toml"]
    assert auth.after is not None
    assert auth.holds_secret and b"s3cret-plan-9f" in auth.after
    config = by_path[tmp_path / ".config" / "pypoetry" / "config.toml"].after
    assert config is not None
    assert b'[repositories.acme]\nurl = "https://pypi.acme.example/"' in config
    assert "poetry publish --build -r acme" in plan.next_steps


def test_a_keyring_plugin_sign_in_installs_the_plugin_where_poetry_and_pdm_load_it(tmp_path):
    from ar_wizard import project_plans, shells
    from ar_wizard.model import Draft
    from ar_wizard.plan import resolve

    draft = Draft(provider="gcp", fields={"location": "europe-west1", "project": "acme-prod", "repository": "py"},
                  index_name="gar", auth="keyring", targets=("poetry", "pdm"), project_dir=tmp_path)

    steps = "\n".join(project_plans.next_steps(draft, resolve(draft), shells.detect()))

    assert "poetry self add keyrings.google-artifactregistry-auth" in steps
    assert "pdm self add keyrings.google-artifactregistry-auth" in steps


def test_publishing_a_poetry_project_in_non_package_mode_is_said_to_fail(tmp_path, monkeypatch):
    from ar_wizard.model import Draft, Secret
    from ar_wizard.plan import build_plan

    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / ".config"))
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\nversion = '0'\n\n[tool.poetry]\npackage-mode = false\n")
    draft = Draft(fields={"url": "https://pypi.acme.example/simple/"}, index_name="acme", username="bob",
                  secret=Secret("s3cret-plan-9f"), store="file", targets=("poetry",), project_dir=tmp_path,
                  publish=True, validate=False)

    assert any("Poetry refuses to publish" in note for note in build_plan(draft).notes)
    draft.publish = False
    assert not any("Poetry refuses to publish" in note for note in build_plan(draft).notes)
