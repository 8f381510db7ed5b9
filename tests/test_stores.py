import pytest

from ar_wizard.errors import UserError
from ar_wizard.stores import check_store


@pytest.mark.parametrize(
    ("store", "targets", "publish"),
    [("uv", ("uv",), True), ("keyring", ("uv", "pip", "twine"), True), ("netrc", ("uv", "pip"), True),
     ("env", ("uv", "twine"), True), ("file", ("pip", "twine"), False)],
)
def test_combinations_every_tool_can_read_are_accepted(store, targets, publish):
    check_store(store, targets, publish)


@pytest.mark.parametrize(
    ("store", "targets", "reason", "alternative"),
    [
        ("uv", ("uv", "pip"), "pip cannot read uv's credential store", "--store keyring"),
        ("env", ("pip",), "pip does not read UV_INDEX_* variables", "--store keyring"),
        ("netrc", ("uv", "twine"), "twine does not read ~/.netrc", "--store keyring"),
        ("file", ("uv",), "uv never reads credentials from its own config files", "--store uv"),
    ],
)
def test_a_combination_that_cannot_work_names_the_reason_and_one_that_does(store, targets, reason, alternative):
    with pytest.raises(UserError) as err:
        check_store(store, targets, publish=False)
    assert reason in str(err.value) and alternative in str(err.value)
