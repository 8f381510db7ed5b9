"""Poetry's and PDM's sources and the tables of Poetry's, PDM's and Hatch's configs: only the intended keys change."""

from __future__ import annotations

import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from ar_wizard import project_tools
from ar_wizard.errors import UserError
from ar_wizard.targets.toml_tables import read_entries, read_table, set_entry, set_table
from test_targets_uv_config import changed_keys, inserted_lines

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

POETRY_PROJECT = """\
# the demo
[project]
name = "demo"  # keep
version = "0.1.0"

[tool.poetry]
package-mode = false

[[tool.poetry.source]]
name = "other"
url = "https://other.example/simple/"
priority = "explicit"

[tool.ruff]
line-length = 100
"""

AUTH = """\
# Poetry's auth.toml, with a user's own comment
[http-basic.other]
username = "carol"   # her login
password = "kept-secret"
"""

names = st.text(st.sampled_from("abc-_.1"), min_size=1, max_size=8).filter(lambda n: n[0].isalnum())
values = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)


@PROPERTY
@given(name=names, url=st.sampled_from(["https://a.example/simple/", "http://127.0.0.1:8080/simple/"]))
def test_a_new_poetry_source_adds_only_its_keys_and_is_supplemental(name, url):
    table = project_tools.POETRY_SOURCES
    new = set_entry(POETRY_PROJECT, path="pyproject.toml", table=table, name=name, url=url, defaults={"priority": "supplemental"})

    entries = read_entries(new, path="pyproject.toml", table=table)
    if name == "other":
        assert entries[0] == {"name": "other", "url": url, "priority": "explicit"}  # its owner's priority kept
    else:
        assert entries[-1] == {"name": name, "url": url, "priority": "supplemental"}
        assert set(changed_keys(POETRY_PROJECT, new)) == {("tool", "poetry", "source", 1, k) for k in ("name", "url", "priority")}
        inserted_lines(POETRY_PROJECT, new)  # only lines added
    assert set_entry(new, path="pyproject.toml", table=table, name=name, url=url) == new  # idempotent


@PROPERTY
@given(name=names, username=values, password=values)
def test_a_credential_table_holds_exactly_what_was_given_and_every_other_byte_stays(name, username, password):
    table = project_tools.poetry_http_basic(name)
    new = set_table(AUTH, path="auth.toml", table=table, values={"username": username, "password": password})

    assert read_table(new, path="auth.toml", table=table) == {"username": username, "password": password}
    if name != "other":
        assert new.startswith(AUTH)  # appended, nothing above touched
    else:
        assert "# her login" in new and "# Poetry's auth.toml" in new
    assert set_table(new, path="auth.toml", table=table, values={"username": username, "password": password}) == new


def test_rotating_one_key_replaces_only_that_value_in_place():
    new = set_table(AUTH, path="auth.toml", table=("http-basic", "other"), values={"password": "fresh"})
    assert new == AUTH.replace('"kept-secret"', '"fresh"')


def test_a_name_with_a_dot_is_quoted_in_the_header_so_it_stays_one_key():
    new = set_table("", path="config.toml", table=("pypi", "my.index"), values={"username": "u"})
    assert new == '[pypi."my.index"]\nusername = "u"\n'
    assert tomllib.loads(new) == {"pypi": {"my.index": {"username": "u"}}}


def test_hatch_repos_nest_under_publish_index():
    new = set_table("[publish.index]\nrepo = 'main'\n", path="config.toml",
                    table=project_tools.hatch_repo_table("acme"), values={"url": "https://u.example/", "user": "bob"})
    assert tomllib.loads(new)["publish"]["index"] == {"repo": "main", "repos": {"acme": {"url": "https://u.example/", "user": "bob"}}}


def test_a_table_written_inline_is_refused_rather_than_rewritten():
    with pytest.raises(UserError, match="inline"):
        set_table('http-basic = { acme = { username = "u" } }\n', path="auth.toml",
                  table=("http-basic", "acme"), values={"password": "p"})


def test_a_file_that_does_not_parse_is_refused_naming_it():
    with pytest.raises(UserError, match="auth.toml is not valid TOML"):
        set_table("[http-basic\n", path="auth.toml", table=("http-basic", "acme"), values={"password": "p"})
