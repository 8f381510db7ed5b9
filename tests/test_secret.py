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
