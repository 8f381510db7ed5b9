"""pip.conf: our extra-index-url goes in, every other line and comment stays."""

from __future__ import annotations

import configparser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets.pip_conf import add_extra_index, extra_index_urls, get_option, same_index
from ar_wizard.targets.text import decode, encode

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = "~/.config/pip/pip.conf"

existing_urls = st.sampled_from(
    [
        "https://user:old-token@corp.example.com/simple/",
        "https://corp.example.com/other/simple/",
        "https://oauth2accesstoken@us-python.pkg.dev/p/r/simple/",
        "http://localhost:8080/simple",
        "https://pypi.org/simple",
    ]
)
new_urls = st.sampled_from(
    [
        "https://user:new-token@corp.example.com/simple",
        "https://us-python.pkg.dev/p/r/simple/",
        "https://fresh.example.com/simple/",
        "http://localhost:8080/simple",
    ]
)
comments = st.sampled_from(["# pip settings", "; old", "#extra-index-url = https://x/", "  # indented"])
blank_lines = st.lists(st.sampled_from(["", "  "]), max_size=2)


@st.composite
def pip_conf(draw):
    lines = []
    if draw(st.booleans()):
        lines += [draw(comments), *draw(blank_lines)]
    sections = []
    if draw(st.integers(0, 4)):
        glob = ["[global]"]
        if draw(st.booleans()):
            glob.append("timeout = 60")
        urls = draw(st.lists(existing_urls, unique=True, max_size=3))
        if urls:
            name = draw(st.sampled_from(["extra-index-url", "extra_index_url", "Extra-Index-URL"]))
            delimiter = draw(st.sampled_from([" = ", "=", ": "]))
            if draw(st.booleans()):
                glob.append(f"{name}{delimiter}{' '.join(urls)}")
            else:
                glob.append(f"{name}{delimiter.rstrip()}" + (f" {urls[0]}" if draw(st.booleans()) else ""))
                rest = urls[1:] if glob[-1].endswith(urls[0]) else urls
                indent = draw(st.sampled_from(["    ", "  ", "\t"]))
                for url in rest:
                    if draw(st.integers(0, 3)) == 0:
                        glob.append(draw(comments))
                    glob.append(indent + url)
        if draw(st.booleans()):
            glob.append(f"keyring-provider = {draw(st.sampled_from(['import', 'disabled', 'subprocess']))}")
        if draw(st.booleans()):
            glob.append("index-url = https://pypi.org/simple")
        sections.append(glob)
    if draw(st.booleans()):
        sections.append(["[install]", "trusted-host = corp.example.com", "  other.example.com"])
    if draw(st.booleans()):
        sections.append(["[download]", "extra-index-url = https://download-only.example.com/simple/"])
    for section in draw(st.permutations(sections)):
        lines += draw(blank_lines) + section
        if draw(st.integers(0, 3)) == 0:
            lines.append(draw(comments))
    text = "\n".join(lines)
    if lines and draw(st.integers(0, 4)):
        text += "\n"
    return text


def values(text: str) -> dict:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return {(s, k): v for s in parser.sections() for k, v in parser.items(s, raw=True)}


def one_change(old: str, new: str) -> tuple[str, str]:
    """(removed, added) when ``new`` differs from ``old`` in one contiguous run."""
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


@PROPERTY
@given(text=pip_conf(), url=new_urls)
def test_adding_an_index_changes_only_extra_index_url_in_one_place(text, url):
    new = add_extra_index(text, path=PATH, url=url)
    before = extra_index_urls(text, path=PATH)
    match = next((old for old in before if same_index(old, url)), None)
    if url in before:
        assert new == text
    elif match is not None:
        assert extra_index_urls(new, path=PATH) == [url if old == match else old for old in before]
        removed, added = one_change(text, new)
        assert removed in match and added in url
    else:
        assert extra_index_urls(new, path=PATH) == before + [url]
        removed, _ = one_change(text, new)
        assert removed == ""
    old_values, new_values = values(text), values(new)
    for key in old_values.keys() | new_values.keys():
        if key[0] != "global" or key[1].replace("_", "-").lower() != "extra-index-url":
            assert old_values.get(key) == new_values.get(key), key
    assert add_extra_index(new, path=PATH, url=url) == new


@PROPERTY
@given(text=pip_conf(), url=new_urls)
def test_setting_the_keyring_provider_touches_one_more_line_at_most(text, url):
    without = add_extra_index(text, path=PATH, url=url)
    with_keyring = add_extra_index(text, path=PATH, url=url, keyring_subprocess=True)
    assert get_option(with_keyring, path=PATH, section="global", option="keyring-provider") == "subprocess"
    assert extra_index_urls(with_keyring, path=PATH) == extra_index_urls(without, path=PATH)
    if "[global]" in text:
        removed, added = one_change(without, with_keyring)
        assert removed in ("", "import", "disabled")
        if not without.endswith("\n"):
            added = added.removeprefix("\n")  # the last line gets its ending first
        assert added in ("", "subprocess", "keyring-provider = subprocess\n")
    assert add_extra_index(with_keyring, path=PATH, url=url, keyring_subprocess=True) == with_keyring


@PROPERTY
@given(text=pip_conf(), crlf=st.booleans(), bom=st.booleans())
def test_crlf_and_bom_survive_an_edit(text, crlf, bom):
    raw = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    decoded, style = decode(raw.encode(), PATH)
    new = encode(add_extra_index(decoded, path=PATH, url="https://fresh.example.com/simple/", keyring_subprocess=True), style)
    assert new.startswith(b"\xef\xbb\xbf") == bom
    body = new.decode("utf-8-sig")
    if crlf and "\n" in text:
        assert body.count("\n") == body.count("\r\n")
    assert "https://fresh.example.com/simple/" in extra_index_urls(body, path=PATH)


# -- by example --------------------------------------------------------------------


def test_a_new_url_goes_on_its_own_line_in_a_multi_line_value_after_the_last_one():
    text = "[global]\nextra-index-url =\n    https://a/simple/\n    # parked\n    https://b/simple/\n\n[install]\nx = 1\n"
    new = add_extra_index(text, path=PATH, url="https://c/simple/")
    assert new == text.replace("b/simple/\n", "b/simple/\n    https://c/simple/\n")


def test_a_single_line_value_stays_on_one_line():
    text = "[global]\nextra-index-url = https://a/simple/  \ntimeout = 5\n"
    new = add_extra_index(text, path=PATH, url="https://c/simple/")
    assert new == "[global]\nextra-index-url = https://a/simple/ https://c/simple/  \ntimeout = 5\n"


def test_new_credentials_replace_the_entry_for_the_same_index():
    text = "[global]\nextra-index-url =\n    https://pypi.org/simple\n    https://aws:OLD@corp.example.com/pypi/r/simple/\n"
    new = add_extra_index(text, path=PATH, url="https://aws:NEW@corp.example.com/pypi/r/simple")
    assert new == text.replace("https://aws:OLD@corp.example.com/pypi/r/simple/", "https://aws:NEW@corp.example.com/pypi/r/simple")


def test_a_missing_option_joins_global_after_its_last_option():
    text = "[global]\ntimeout = 60\n# keep it\n\n[install]\nno-cache-dir = true\n"
    new = add_extra_index(text, path=PATH, url="https://c/simple/", keyring_subprocess=True)
    assert new == text.replace(
        "timeout = 60\n", "timeout = 60\nextra-index-url = https://c/simple/\nkeyring-provider = subprocess\n"
    )


def test_a_missing_global_section_is_added_at_the_end():
    text = "# my pip settings\n[install]\nno-cache-dir = true"
    new = add_extra_index(text, path=PATH, url="https://c/simple/", keyring_subprocess=True)
    assert new == text + "\n\n[global]\nextra-index-url = https://c/simple/\nkeyring-provider = subprocess\n"
    assert add_extra_index("", path=PATH, url="https://c/") == "[global]\nextra-index-url = https://c/\n"


def test_another_keyring_provider_is_replaced_keeping_the_spelling_of_its_name():
    text = "[global]\nkeyring_provider: import\n"
    new = add_extra_index(text, path=PATH, url="https://c/", keyring_subprocess=True)
    assert new == "[global]\nkeyring_provider: subprocess\nextra-index-url = https://c/\n"


def test_option_names_are_matched_the_way_pip_normalises_them():
    text = "[global]\nextra_index_url = https://a/\n"
    assert extra_index_urls(text, path=PATH) == ["https://a/"]
    assert add_extra_index(text, path=PATH, url="https://b/") == "[global]\nextra_index_url = https://a/ https://b/\n"
    assert get_option(text, path=PATH, section="global", option="--extra-index-url") == "https://a/"
    assert get_option(text, path=PATH, section="install", option="x") is None


def test_same_index_ignores_credentials_case_of_the_host_default_ports_and_a_trailing_slash():
    assert same_index("https://u:p@Corp.example.com:443/simple/", "https://corp.example.com/simple")
    assert not same_index("https://corp.example.com/simple", "http://corp.example.com/simple")
    assert not same_index("https://corp.example.com/a/simple", "https://corp.example.com/b/simple")
    assert not same_index("not a url", "not a url")


def test_a_url_with_a_space_is_refused():
    with pytest.raises(UserError, match="contains a space"):
        add_extra_index("", path=PATH, url="https://a/ b")


def test_a_malformed_pip_conf_is_refused_with_its_path():
    with pytest.raises(UserError, match=r"^~/.config/pip/pip.conf is not a valid INI file \(line 1"):
        add_extra_index("extra-index-url = https://a/\n", path=PATH, url="https://b/")
