import pytest

from ar_wizard.errors import UserError
from ar_wizard.naming import check_index_name, env_var_stem, index_env_var


@pytest.mark.parametrize(
    ("name", "stem"),
    [("acme", "UV_INDEX_ACME"), ("my-index.v2", "UV_INDEX_MY_INDEX_V2"), ("Corp_PyPI", "UV_INDEX_CORP_PYPI")],
)
def test_index_names_become_upper_case_variables_with_underscores(name, stem):
    assert env_var_stem(name) == stem


def test_the_username_and_password_variables_follow_uvs_naming():
    assert index_env_var("my-index", "USERNAME") == "UV_INDEX_MY_INDEX_USERNAME"
    assert index_env_var("my-index", "PASSWORD") == "UV_INDEX_MY_INDEX_PASSWORD"


@pytest.mark.parametrize("bad", ["", "-lead", "has space", "sl/ash", "ünï"])
def test_names_uv_would_reject_are_refused_with_the_rule(bad):
    with pytest.raises(UserError, match="index name"):
        check_index_name(bad)


def test_a_name_whose_variables_collide_with_another_index_is_refused():
    with pytest.raises(UserError, match="collides with the existing index 'my.index'"):
        check_index_name("my-index", ["other", "my.index"])


def test_updating_an_index_under_its_own_name_is_not_a_collision():
    check_index_name("my-index", ["my-index"])
