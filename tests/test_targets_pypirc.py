"""~/.pypirc: one [NAME] section for twine, listed in index-servers, everything else kept."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets import ini
from ar_wizard.targets.pypirc import index_servers, repositories, set_repository
from ar_wizard.targets.text import decode, encode

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = "~/.pypirc"
URL = "https://us-python.pkg.dev/p/r/"

comments = st.sampled_from(["# twine settings", "; moved from setup.cfg", "#[corp]"])
blank_lines = st.lists(st.sampled_from(["", " "]), max_size=2)
SECTIONS = {
    "pypi": ["[pypi]", "username = __token__", "password = pypi-AgEIcHlwaS5vcmc"],
    "testpypi": ["[testpypi]", "repository: https://test.pypi.org/legacy/", "username = __token__"],
    "corp": ["[corp]", "repository = https://corp.example.com/pypi/", "username=deploy", "password = old-secret", "ca_cert = /etc/ssl/corp.pem"],
    "gcp": ["[gcp]", "repository = https://europe-python.pkg.dev/p/old/", "username = oauth2accesstoken"],
}


@st.composite
def pypirc(draw):
    present = draw(st.lists(st.sampled_from(sorted(SECTIONS)), unique=True, max_size=4))
    blocks = []
    distutils = draw(st.sampled_from(["none", "empty", "single", "multi"]))
    listed = draw(st.lists(st.sampled_from(sorted(SECTIONS)), unique=True, max_size=3))
    if distutils == "empty":
        blocks.append(["[distutils]"])
    elif distutils == "single":
        blocks.append(["[distutils]", "index-servers = " + " ".join(listed)])
    elif distutils == "multi":
        lines = ["[distutils]", "index-servers ="]
        for name in listed:
            if draw(st.integers(0, 3)) == 0:
                lines.append(draw(comments))
            lines.append(draw(st.sampled_from(["    ", "  ", "\t"])) + name)
        blocks.append(lines)
    for name in present:
        lines = list(SECTIONS[name])
        if draw(st.integers(0, 3)) == 0:
            lines.insert(draw(st.integers(1, len(lines))), draw(comments))
        blocks.append(lines)
    blocks = draw(st.permutations(blocks))
    out = []
    if draw(st.booleans()):
        out.append(draw(comments))
    for block in blocks:
        out += draw(blank_lines) + block
    text = "\n".join(out)
    if out and draw(st.integers(0, 4)):
        text += "\n"
    return text


def kept_lines(text: str, name: str) -> list[str]:
    """The lines an edit of ``name`` must keep: all but [name]'s and the index-servers option."""
    layout = ini.IniFile(text)
    skip: set[int] = set()
    section = layout.section(name)
    if section is not None:
        skip.update(range(section.line, section.last + 1))
    distutils = layout.section("distutils")
    index_servers = distutils.option("index-servers") if distutils is not None else None
    if index_servers is not None:
        skip.add(index_servers.line)
    return [line.rstrip("\n") for i, line in enumerate(layout.lines) if i not in skip]


def is_subsequence(old: list[str], new: list[str]) -> bool:
    remaining = iter(new)
    return all(any(line == candidate for candidate in remaining) for line in old)


@PROPERTY
@given(text=pypirc(), name=st.sampled_from(["corp", "gcp", "pypi", "fresh"]), password=st.sampled_from([None, "s3cr3t;#%"]))
def test_setting_a_repository_changes_only_its_section_and_its_listing(text, name, password):
    new = set_repository(text, path=PATH, name=name, repository_url=URL, username="oauth2accesstoken", password=password)

    before, after = repositories(text, path=PATH), repositories(new, path=PATH)
    expected = dict(before.get(name, {}), repository=URL, username="oauth2accesstoken")
    expected.pop("password", None)
    if password is not None:
        expected["password"] = password
    assert after == {**before, name: expected}

    servers = index_servers(text, path=PATH)
    if "[distutils]" in text and "index-servers" in text:
        assert index_servers(new, path=PATH) == servers + ([] if name in servers else [name])
    else:
        assert index_servers(new, path=PATH) == [s for s in ("pypi", "testpypi") if s != name] + [name]

    assert is_subsequence(kept_lines(text, name), new.split("\n"))
    assert set_repository(new, path=PATH, name=name, repository_url=URL, username="oauth2accesstoken", password=password) == new


@PROPERTY
@given(text=pypirc(), crlf=st.booleans(), bom=st.booleans())
def test_crlf_and_bom_survive_an_edit(text, crlf, bom):
    raw = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    decoded, style = decode(raw.encode(), PATH)
    new = encode(set_repository(decoded, path=PATH, name="fresh", repository_url=URL, username="u", password="p"), style)
    body = new.decode("utf-8-sig")
    assert new.startswith(b"\xef\xbb\xbf") == bom
    if crlf and "\n" in text:
        assert body.count("\n") == body.count("\r\n")
    assert repositories(body, path=PATH)["fresh"] == {"repository": URL, "username": "u", "password": "p"}


# -- by example --------------------------------------------------------------------


def test_a_new_repository_is_listed_after_the_others_and_gets_a_section_at_the_end():
    text = "[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n"
    new = set_repository(text, path=PATH, name="corp", repository_url=URL, username="u", password="p")
    assert new == (
        "[distutils]\nindex-servers =\n    pypi\n    corp\n\n[pypi]\nusername = __token__\n"
        f"\n[corp]\nrepository = {URL}\nusername = u\npassword = p\n"
    )


def test_without_distutils_one_is_created_first_listing_what_twine_read_before():
    text = "# uploads\n[pypi]\nusername = __token__\n"
    new = set_repository(text, path=PATH, name="corp", repository_url=URL, username="u")
    assert new == (
        "[distutils]\nindex-servers =\n    pypi\n    testpypi\n    corp\n\n"
        "# uploads\n[pypi]\nusername = __token__\n"
        f"\n[corp]\nrepository = {URL}\nusername = u\n"
    )


def test_an_empty_file_gets_distutils_and_the_section():
    new = set_repository("", path=PATH, name="corp", repository_url=URL, username="u")
    assert new == f"[distutils]\nindex-servers =\n    pypi\n    testpypi\n    corp\n\n[corp]\nrepository = {URL}\nusername = u\n"


def test_a_single_line_index_servers_stays_on_one_line():
    text = "[distutils]\nindex-servers = pypi testpypi\n"
    new = set_repository(text, path=PATH, name="corp", repository_url=URL, username="u")
    assert new.startswith("[distutils]\nindex-servers = pypi testpypi corp\n")


def test_an_existing_section_keeps_its_other_keys_comments_and_order():
    text = "[distutils]\nindex-servers = corp\n\n[corp]\n# on-prem\nrepository = https://old/\nca_cert = /etc/ssl/corp.pem\nusername = deploy\n"
    new = set_repository(text, path=PATH, name="corp", repository_url=URL, username="deploy", password="p")
    assert new == text.replace("https://old/", URL) + "password = p\n"


def test_no_password_removes_the_one_stored_in_the_file():
    text = "[distutils]\nindex-servers = corp\n\n[corp]\nrepository = https://r/\nusername = u\npassword =\n    old\n# note\n"
    new = set_repository(text, path=PATH, name="corp", repository_url="https://r/", username="u")
    assert new == "[distutils]\nindex-servers = corp\n\n[corp]\nrepository = https://r/\nusername = u\n# note\n"


def test_twine_reads_back_what_was_written(tmp_path):
    twine_utils = pytest.importorskip("twine.utils")
    text = "[distutils]\nindex-servers = pypi\n\n[pypi]\nusername = __token__\n"
    config = tmp_path / ".pypirc"
    config.write_text(set_repository(text, path=PATH, name="corp", repository_url=URL, username="u", password="p%w;#"))
    got = twine_utils.get_repository_from_config(str(config), "corp")
    assert (got["repository"], got["username"], got["password"]) == (URL, "u", "p%w;#")
    assert twine_utils.get_repository_from_config(str(config), "pypi")["username"] == "__token__"


def test_twine_still_knows_testpypi_after_distutils_is_created(tmp_path):
    twine_utils = pytest.importorskip("twine.utils")
    config = tmp_path / ".pypirc"
    config.write_text(set_repository("", path=PATH, name="corp", repository_url=URL, username="u"))
    assert twine_utils.get_repository_from_config(str(config), "testpypi")["repository"].startswith("https://test.pypi.org")


@pytest.mark.parametrize("password", ["two\nlines", " padded", ""])
def test_a_value_an_ini_file_cannot_hold_is_refused(password):
    with pytest.raises(UserError, match=r"The password for ~/.pypirc .* cannot store"):
        set_repository("", path=PATH, name="corp", repository_url=URL, username="u", password=password)


@pytest.mark.parametrize("name", ["two words", "", "distutils"])
def test_a_name_twine_cannot_list_is_refused(name):
    with pytest.raises(UserError, match="cannot name a repository"):
        set_repository("", path=PATH, name=name, repository_url=URL, username="u")
