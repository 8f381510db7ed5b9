import pickle

import pytest

from ar_wizard.model import Secret, mask


def test_a_secret_never_shows_its_value_in_repr_str_or_format():
    s = Secret("hunter2-very-secret")
    for shown in (repr(s), str(s), f"{s}", f"{s!r}", f"{[s]}", f"{ {'k': s} }"):
        assert "hunter2" not in shown


def test_a_secret_cannot_be_pickled_into_a_file():
    with pytest.raises(TypeError):
        pickle.dumps(Secret("x-secret-value"))


def test_mask_scrubs_a_live_secret_in_plain_url_encoded_and_base64_forms():
    Secret("p@ss/word+1")
    text = "p@ss/word+1 https://u:p%40ss%2Fword%2B1@h/ cEBzcy93b3JkKzE="
    assert mask(text) == "**** https://u:****@h/ ****"


def test_a_diff_hides_secrets_of_other_entries_that_were_never_loaded(tmp_path):
    from ar_wizard.model import Draft, FileChange, Plan

    before = b"machine old.example login a password never-loaded-1\nOTHER_TOKEN=never-loaded-2\n"
    after = before + b"machine new.example login b password ****\n"
    plan = Plan(Draft(), changes=[FileChange(tmp_path / ".netrc", before, after, holds_secret=True)])

    (_, diff), = plan.diffs()

    assert "never-loaded" not in diff
    assert " machine old.example login a password ****" in diff
