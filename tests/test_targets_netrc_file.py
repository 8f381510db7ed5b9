"""~/.netrc: one machine entry set in place or added, checked against Python's own netrc reader."""

from __future__ import annotations

import netrc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.errors import UserError
from ar_wizard.targets.netrc_file import lookup, set_machine
from ar_wizard.targets.text import decode, encode

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PATH = "~/.netrc"
HOSTS = ["corp.example.com", "us-python.pkg.dev", "pkgs.dev.azure.com", "localhost"]
secrets = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~!$%&'()*+,/:;<=>?@[]^`{|}", min_size=1, max_size=16)


def python_reads(text: str, tmp_path) -> netrc.netrc:
    path = tmp_path / "netrc"
    path.write_text(text)
    return netrc.netrc(str(path))


@st.composite
def netrc_file(draw):
    """Entries on one line or many, comments, macros and maybe a default; old values are unique words."""
    hosts = draw(st.lists(st.sampled_from(HOSTS), unique=True, max_size=3))
    blocks = []
    for host in hosts:
        tokens = ["machine", host, "login", f"oldlogin-{host}"]
        if draw(st.booleans()):
            tokens += ["account", "acct"]
        tokens += ["password", f"oldpass-{host}"]
        separators = [draw(st.sampled_from([" ", "  ", "\t", "\n  ", "\n\t"])) for _ in tokens[1:]]
        entry = tokens[0] + "".join(sep + token for sep, token in zip(separators, tokens[1:]))
        blocks.append(entry + "\n")
    if draw(st.booleans()):
        blocks.insert(draw(st.integers(0, len(blocks))), "macdef init\ncd /pub\nmachine not-an-entry\n\n")
    for _ in range(draw(st.integers(0, 2))):
        # Python's netrc reads "# several words" as a comment only in some positions; one word is safe.
        blocks.insert(draw(st.integers(0, len(blocks))), draw(st.sampled_from(["#note\n", "\n"])))
    if draw(st.booleans()):
        blocks.append("default login anonymous password guest@\n")
    text = "".join(blocks)
    if text.endswith("\n") and not text.endswith("\n\n") and draw(st.integers(0, 4)) == 0:
        text = text[:-1]  # no final newline (a macro keeps the empty line that ends it)
    return text, hosts


@PROPERTY
@given(data=netrc_file(), host=st.sampled_from(HOSTS), login=secrets, password=secrets)
def test_setting_a_machine_changes_only_its_values_and_python_reads_them(data, host, login, password, tmp_path_factory):
    text, hosts = data
    new = set_machine(text, path=PATH, host=host, login=login, password=password)
    if host in hosts:
        assert new == text.replace(f"oldlogin-{host}", login).replace(f"oldpass-{host}", password)
    else:
        added = f"machine {host} login {login} password {password}\n"
        if "default" in text:
            at = text.index("default")
            assert new == text[:at] + added + text[at:]
        else:
            assert new.startswith(text) and new[len(text) :].strip("\n") == added.strip("\n")

    before = python_reads(text, tmp_path_factory.mktemp("n")) if text.strip() else None
    after = python_reads(new, tmp_path_factory.mktemp("n"))
    found = after.authenticators(host)
    assert found is not None, f"Python's netrc finds no machine {host}"
    login_, account, password_ = found
    assert (login_, password_) == (login, password)
    assert lookup(new, host) == (login, password)
    if before is not None:
        assert {h: v for h, v in after.hosts.items() if h != host} == {h: v for h, v in before.hosts.items() if h != host}
        assert after.macros == before.macros
        if host in hosts:
            was = before.authenticators(host)
            assert was is not None and account == was[1]
    assert set_machine(new, path=PATH, host=host, login=login, password=password) == new


@PROPERTY
@given(data=netrc_file(), crlf=st.booleans())
def test_lookup_agrees_with_pythons_netrc_module(data, crlf, tmp_path_factory):
    text, hosts = data
    if crlf:
        text = text.replace("\n", "\r\n")
    if not text.strip():
        assert all(lookup(text, host) is None for host in HOSTS)
        return
    python = python_reads(text, tmp_path_factory.mktemp("n"))
    for host in [*HOSTS, "elsewhere.example.com"]:
        found = python.authenticators(host)
        assert lookup(text, host) == (None if found is None else (found[0], found[2]))


def test_a_crlf_netrc_stays_crlf():
    text, style = decode(b"machine a login b password c\r\n", PATH)
    new = encode(set_machine(text, path=PATH, host="h", login="u", password="p"), style)
    assert new == b"machine a login b password c\r\nmachine h login u password p\r\n"


# -- by example --------------------------------------------------------------------


def test_an_entry_spread_over_lines_keeps_its_layout():
    text = "machine corp.example.com\n    login deploy\n    password old  # rotated monthly\n"
    new = set_machine(text, path=PATH, host="corp.example.com", login="deploy", password="new")
    assert new == "machine corp.example.com\n    login deploy\n    password new  # rotated monthly\n"


def test_a_new_entry_goes_before_the_default_entry_where_lookups_stop():
    text = "machine a login b password c\ndefault login anonymous password me@\n"
    new = set_machine(text, path=PATH, host="h", login="u", password="p")
    assert new == "machine a login b password c\nmachine h login u password p\ndefault login anonymous password me@\n"


def test_a_missing_password_is_added_after_the_login():
    new = set_machine("machine h login u\nmachine x login y password z\n", path=PATH, host="h", login="u", password="p")
    assert new == "machine h login u password p\nmachine x login y password z\n"


def test_every_entry_for_the_host_is_updated_because_readers_pick_different_ones():
    text = "machine h login u password one\nmachine h login u password two\n"
    new = set_machine(text, path=PATH, host="h", login="u", password="p")
    assert new == "machine h login u password p\nmachine h login u password p\n"


def test_an_unterminated_macro_is_closed_before_a_new_entry():
    text = "macdef init\ncd /pub\n"
    new = set_machine(text, path=PATH, host="h", login="u", password="p")
    assert new == "macdef init\ncd /pub\n\nmachine h login u password p\n"


def test_machine_names_inside_a_macro_are_not_entries():
    text = "macdef init\nmachine h login x password y\n\nmachine other login o password p\n"
    assert lookup(text, "h") is None
    new = set_machine(text, path=PATH, host="h", login="u", password="p")
    assert new == text + "machine h login u password p\n"


def test_quoted_tokens_are_read_like_python_does():
    assert lookup('machine h login "u" password "a\\"b"\n', "h") == ("u", 'a"b')
    assert lookup("machine h login u password #notacomment\n", "h") == ("u", "#notacomment")


@pytest.mark.parametrize("password", ["two words", 'quo"te', "#hash", "back\\slash", "", "tab\t"])
def test_a_secret_netrc_readers_disagree_on_is_refused(password):
    with pytest.raises(UserError, match=r"^The password for h cannot be stored in ~/.netrc: .*choose another store$"):
        set_machine("", path=PATH, host="h", login="u", password=password)


def test_a_malformed_netrc_is_refused_with_its_path_and_line():
    with pytest.raises(UserError, match=r"^~/.netrc is not a valid netrc file \(line 2: expected login, account or password\)"):
        set_machine("machine a login b\n  port 22\n", path=PATH, host="h", login="u", password="p")
    with pytest.raises(UserError, match=r"line 1: expected machine, default or macdef"):
        lookup("login b\n", "h")


def test_a_comment_line_of_several_words_is_skipped_wherever_it_is():
    # Python's netrc only manages this on the first line or right after a token; we are lenient.
    text = "machine a login b password c\n\n# old entry: machine h login x password y\n"
    assert lookup(text, "h") is None
    assert set_machine(text, path=PATH, host="a", login="b", password="new") == text.replace("password c", "password new")
