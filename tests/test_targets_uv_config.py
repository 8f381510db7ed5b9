"""[[tool.uv.index]] in pyproject.toml and [[index]] in uv.toml: placed like a person would, nothing else touched."""

from __future__ import annotations

import sys
from collections import Counter
from typing import TypedDict

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from ar_wizard.errors import UserError
from ar_wizard.targets.text import decode, encode
from ar_wizard.targets.uv_config import keyring_provider, read_indexes, set_index

PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MISSING = object()


# -- helpers ---------------------------------------------------------------------


def _flatten(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _flatten(value, prefix + (key,))
    elif isinstance(node, list) and node and all(isinstance(item, dict) for item in node):
        for position, item in enumerate(node):
            yield from _flatten(item, prefix + (position,))
    else:
        yield prefix, node


def changed_keys(old_text: str, new_text: str) -> dict:
    """Every key path whose value differs between two TOML texts: {path: (old, new)}."""
    old = dict(_flatten(tomllib.loads(old_text)))
    new = dict(_flatten(tomllib.loads(new_text)))
    return {
        key: (old.get(key, MISSING), new.get(key, MISSING))
        for key in old.keys() | new.keys()
        if old.get(key, MISSING) != new.get(key, MISSING)
    }


def is_subsequence(old: list[str], new: list[str]) -> bool:
    remaining = iter(new)
    return all(any(line == candidate for candidate in remaining) for line in old)


def inserted_lines(old_text: str, new_text: str) -> list[str]:
    """The non-blank lines an edit added, after checking it only added lines."""
    old, new = old_text.split("\n"), new_text.split("\n")
    assert is_subsequence(old, new), "an existing line was changed or removed"
    added = Counter(new) - Counter(old)
    return sorted(line for line in added.elements() if line.strip())


class Target(TypedDict):
    """The file an edit is in, as set_index, read_indexes and keyring_provider take it."""

    path: str
    in_pyproject: bool


PYPROJECT: Target = {"path": "pyproject.toml", "in_pyproject": True}
UV_TOML: Target = {"path": "uv.toml", "in_pyproject": False}


# -- real-world-looking files ----------------------------------------------------

spacing = st.sampled_from([" = ", "=", "  =  ", " =\t"])
trailing = st.sampled_from(["", "", "  # note", " #x", "\t# [tool.uv]"])
comment_text = st.text(alphabet="abcdefghijklmnopqrstuvwxyz []=.\"'#", max_size=24)
comment = st.one_of(
    comment_text.map(lambda words: "# " + words),
    st.sampled_from(["# [[tool.uv.index]]", '# name = "corp"', "#", "# [tool.uv]"]),
)
blank_lines = st.lists(st.sampled_from(["", "", "  "]), max_size=2)
urls = st.sampled_from(
    [
        "https://us-python.pkg.dev/proj/repo/simple/",
        "https://corp-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/repo/simple/",
        "https://pkgs.dev.azure.com/org/_packaging/feed/pypi/simple/",
        "https://nexus.example.com/repository/pypi-group/simple",
    ]
)
names = st.sampled_from(["internal", "corp-pypi", "gcp", "a.b_c", "Azure"])


def string_literal(value: str, style: str) -> str:
    return f"'{value}'" if style == "literal" else f'"{value}"'


@st.composite
def index_entry(draw, header: str, name: str):
    """One entry in a layout someone might have written, and the literal spelling of its url."""
    url = draw(urls)
    url_literal = string_literal(url, draw(st.sampled_from(["basic", "literal"])))
    keys = [("name", string_literal(name, draw(st.sampled_from(["basic", "literal"])))), ("url", url_literal)]
    if draw(st.booleans()):
        keys.append(("publish-url", '"https://upload.example.com/"'))
    if draw(st.booleans()):
        keys.append(("explicit", "true"))
    keys = draw(st.permutations(keys))
    indent = draw(st.sampled_from(["", "", "  "]))
    lines = [draw(st.sampled_from([header, header + "  # the company index", "  " + header]))]
    for key, value in keys:
        if draw(st.integers(0, 4)) == 0:
            lines.append(indent + draw(comment))
        lines.append(f"{indent}{key}{draw(spacing)}{value}{draw(trailing)}")
    return lines, url_literal


PROJECT = [
    "[project]",
    'name = "demo"',
    'description = """',
    "Not a table:",
    "[[tool.uv.index]]",
    'name = "fake"',
    '"""',
    "dependencies = [",
    '    "requests>=2",  # http',
    '    # "old-dep",',
    '    "rich",',
    "]",
    "matrix = [",
    "  [1, 2],",
    "  [3, 4],",
    "]",
    "meta = { a = 1, b = [ 'x' ] }",
]


@st.composite
def toml_file(draw, in_pyproject: bool):
    """A pyproject.toml or uv.toml; returns (text, existing index names, url literal by name)."""
    header = "[[tool.uv.index]]" if in_pyproject else "[[index]]"
    existing = draw(st.lists(names, unique=True, max_size=3))
    sections = []
    literals = {}
    for name in existing:
        lines, literals[name] = draw(index_entry(header, name))
        sections.append(lines)
    if in_pyproject:
        sections.append(PROJECT)
        if draw(st.booleans()):
            tool_uv = ["[tool.uv]", f"dev-dependencies{draw(spacing)}['pytest']{draw(trailing)}"]
            if draw(st.booleans()):
                tool_uv.append('keyring-provider = "disabled"')
            sections.append(tool_uv)
        if draw(st.booleans()):
            sections.append(["[tool.uv.sources]", 'demo = { index = "internal" }'])
        if draw(st.booleans()):
            sections.append(["# lint settings", "[tool.ruff]", "line-length = 100"])
    else:
        if draw(st.booleans()):
            sections.append(["[pip]", "no-build = true"])
    sections = draw(st.permutations(sections))
    out = []
    if draw(st.booleans()):
        out += [draw(comment), *draw(blank_lines)]
    if not in_pyproject and draw(st.booleans()):
        out += ['native-tls = true', f"python-preference{draw(spacing)}'managed'"]
        if draw(st.booleans()):
            out.append('keyring-provider = "disabled"  # set by IT')
    for lines in sections:
        out += draw(blank_lines)
        if draw(st.integers(0, 3)) == 0:
            out.append(draw(comment))
        out += lines
    text = "\n".join(out)
    if out and draw(st.integers(0, 4)):
        text += "\n" + "\n".join(draw(blank_lines))
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:  # e.g. a dotted key tool.uv.* and a [tool.uv] in one draw
        assume(False)
    return text, existing, literals


# -- properties ------------------------------------------------------------------


@PROPERTY
@given(data=st.data(), in_pyproject=st.booleans(), url=urls, publish=st.booleans(), keyring=st.booleans())
def test_adding_an_index_keeps_every_other_byte_and_changes_only_the_intended_keys(
    data, in_pyproject, url, publish, keyring
):
    text, existing, _ = data.draw(toml_file(in_pyproject))
    name = data.draw(names.filter(lambda n: n not in existing))
    publish_url = "https://upload.example.com/new/" if publish else None
    target = PYPROJECT if in_pyproject else UV_TOML
    new = set_index(text, **target, name=name, url=url, publish_url=publish_url, keyring_subprocess=keyring)

    base = ("tool", "uv") if in_pyproject else ()
    position = len(existing)
    intended = {base + ("index", position, "name"): name, base + ("index", position, "url"): url}
    if publish_url:
        intended[base + ("index", position, "publish-url")] = publish_url
    if keyring:
        intended[base + ("keyring-provider",)] = "subprocess"
    assert {key: after for key, (_, after) in changed_keys(text, new).items()} == intended

    header = "[[tool.uv.index]]" if in_pyproject else "[[index]]"
    expected = [header, f'name = "{name}"', f'url = "{url}"']
    if publish_url:
        expected.append(f'publish-url = "{publish_url}"')
    provider_was = tomllib.loads(text)
    for key in base:
        provider_was = provider_was.get(key, {})
    if keyring and provider_was.get("keyring-provider") is None:
        if in_pyproject and "[tool.uv]" not in [line.strip() for line in text.split("\n")]:
            expected.append("[tool.uv]")
        expected.append('keyring-provider = "subprocess"')
    if keyring and provider_was.get("keyring-provider") == "disabled":
        # the old value is replaced in place: that one line changes
        text = text.replace('keyring-provider = "disabled"', 'keyring-provider = "subprocess"')
    assert inserted_lines(text, new) == sorted(expected)

    assert set_index(new, **target, name=name, url=url, publish_url=publish_url, keyring_subprocess=keyring) == new


@PROPERTY
@given(data=st.data(), in_pyproject=st.booleans(), url=urls)
def test_rotating_an_index_url_changes_only_that_value(data, in_pyproject, url):
    text, existing, literals = data.draw(toml_file(in_pyproject))
    assume(existing)
    name = data.draw(st.sampled_from(existing))
    target = PYPROJECT if in_pyproject else UV_TOML
    new = set_index(text, **target, name=name, url=url)

    old_url = tomllib.loads(text)
    entries = old_url["tool"]["uv"]["index"] if in_pyproject else old_url["index"]
    position = next(i for i, entry in enumerate(entries) if entry["name"] == name)
    changes = changed_keys(text, new)
    if entries[position]["url"] == url:
        assert new == text
        return
    base = ("tool", "uv") if in_pyproject else ()
    assert changes == {base + ("index", position, "url"): (entries[position]["url"], url)}
    old_lines, new_lines = text.split("\n"), new.split("\n")
    assert len(old_lines) == len(new_lines)
    differing = [(a, b) for a, b in zip(old_lines, new_lines) if a != b]
    assert len(differing) == 1
    before, after = differing[0]
    assert after == before.replace(literals[name], f'"{url}"', 1)
    assert set_index(new, **target, name=name, url=url) == new


@PROPERTY
@given(data=st.data(), in_pyproject=st.booleans(), crlf=st.booleans(), bom=st.booleans(), keyring=st.booleans())
def test_crlf_and_bom_files_keep_their_style_through_an_edit(data, in_pyproject, crlf, bom, keyring):
    text, existing, _ = data.draw(toml_file(in_pyproject))
    raw = ("\ufeff" if bom else "") + (text.replace("\n", "\r\n") if crlf else text)
    decoded, style = decode(raw.encode(), "f")
    target = PYPROJECT if in_pyproject else UV_TOML
    new = encode(set_index(decoded, **target, name="new-one", url="https://n/simple/", keyring_subprocess=keyring), style)
    assert new.startswith(b"\xef\xbb\xbf") == bom
    body = new.decode("utf-8-sig")
    if crlf and "\n" in text:  # a file with no line ending at all has no style to keep
        assert body.count("\n") == body.count("\r\n")
    else:
        assert "\r" not in body
    assert tomllib.loads(body)  # still TOML
    assert read_indexes(body, **target)[-1] == {"name": "new-one", "url": "https://n/simple/"}


@PROPERTY
@given(value=st.text(max_size=30))
def test_any_url_or_name_is_spelled_so_toml_reads_it_back(value):
    new = set_index("", **UV_TOML, name=value, url=value, publish_url=value)
    assert read_indexes(new, **UV_TOML) == [{"name": value, "url": value, "publish-url": value}]


# -- placement, by example ---------------------------------------------------------

PYPROJECT_WITH_INDEX = """\
[project]
name = "demo"

[[tool.uv.index]]
name = "corp"
url = "https://corp.example.com/simple/"  # the mirror
explicit = true

# lint settings
[tool.ruff]
line-length = 100
"""


def test_a_new_index_goes_right_after_the_last_existing_one_with_one_blank_line():
    new = set_index(PYPROJECT_WITH_INDEX, **PYPROJECT, name="gcp", url="https://g/simple/")
    assert new == PYPROJECT_WITH_INDEX.replace(
        "explicit = true\n",
        'explicit = true\n\n[[tool.uv.index]]\nname = "gcp"\nurl = "https://g/simple/"\n',
    )


def test_a_new_index_goes_at_the_end_of_a_file_that_has_none():
    text = '[project]\nname = "demo"\n'
    new = set_index(text, **PYPROJECT, name="gcp", url="https://g/simple/", publish_url="https://g/")
    assert new == text + '\n[[tool.uv.index]]\nname = "gcp"\nurl = "https://g/simple/"\npublish-url = "https://g/"\n'


def test_a_file_without_a_final_newline_gets_one_before_the_new_index():
    new = set_index('[project]\nname = "demo"', **PYPROJECT, name="x", url="u")
    assert new == '[project]\nname = "demo"\n\n[[tool.uv.index]]\nname = "x"\nurl = "u"\n'


def test_an_empty_uv_toml_gets_just_the_index():
    assert set_index("", **UV_TOML, name="x", url="u") == '[[index]]\nname = "x"\nurl = "u"\n'


def test_rotating_keeps_the_comment_after_the_url_and_every_other_line():
    new = set_index(PYPROJECT_WITH_INDEX, **PYPROJECT, name="corp", url="https://new.example.com/simple/")
    assert new == PYPROJECT_WITH_INDEX.replace(
        '"https://corp.example.com/simple/"  # the mirror', '"https://new.example.com/simple/"  # the mirror'
    )


def test_a_publish_url_is_added_right_under_the_url_with_its_indentation():
    text = '[[index]]\n  name = "corp"\n  url = "https://c/simple/"\n  explicit = true\n'
    new = set_index(text, **UV_TOML, name="corp", url="https://c/simple/", publish_url="https://c/")
    assert new == text.replace('simple/"\n', 'simple/"\n  publish-url = "https://c/"\n')


def test_an_existing_publish_url_is_replaced_in_place():
    text = "[[index]]\nname = 'corp'\nurl = 'https://c/simple/'\npublish-url = 'https://old/'  # upload\n"
    new = set_index(text, **UV_TOML, name="corp", url="https://c/simple/", publish_url="https://new/")
    assert new == text.replace("'https://old/'", '"https://new/"')


def test_authenticate_always_is_added_to_a_new_index_and_to_an_existing_one_in_place():
    new = set_index("", **UV_TOML, name="corp", url="https://c/simple/", authenticate="always")
    assert new.endswith('[[index]]\nname = "corp"\nurl = "https://c/simple/"\nauthenticate = "always"\n')

    text = "[[index]]\nname = 'corp'\nurl = 'https://c/simple/'\nexplicit = true\n"
    again = set_index(text, **UV_TOML, name="corp", url="https://c/simple/", authenticate="always")
    assert again == text.replace("simple/'\n", "simple/'\nauthenticate = \"always\"\n")
    assert set_index(again, **UV_TOML, name="corp", url="https://c/simple/", authenticate="always") == again


def test_an_unchanged_value_keeps_its_own_quoting():
    text = "[[index]]\nname = 'corp'\nurl = 'https://c/simple/'\n"
    assert set_index(text, **UV_TOML, name="corp", url="https://c/simple/") == text


def test_keyring_provider_goes_after_the_last_key_of_an_existing_tool_uv_table():
    text = '[tool.uv]\ndev-dependencies = []\n# pinned by IT\n\n# sources\n[tool.uv.sources]\nx = { index = "corp" }\n'
    new = set_index(text, **PYPROJECT, name="corp", url="u", keyring_subprocess=True)
    assert new.startswith(
        '[tool.uv]\ndev-dependencies = []\n# pinned by IT\nkeyring-provider = "subprocess"\n\n# sources\n'
    )


def test_keyring_provider_creates_tool_uv_before_its_first_subtable_and_that_subtables_comment():
    text = '[project]\nname = "demo"\n# where packages come from\n[tool.uv.sources]\nx = { index = "corp" }\n'
    new = set_index(text, **PYPROJECT, name="corp", url="u", keyring_subprocess=True)
    assert new.startswith(
        '[project]\nname = "demo"\n\n[tool.uv]\nkeyring-provider = "subprocess"\n\n# where packages come from\n'
    )


def test_keyring_provider_follows_dotted_keys_that_already_define_tool_uv():
    text = "[tool]\nuv.dev-dependencies = []\n\n[project]\nname = 'demo'\n"
    new = set_index(text, **PYPROJECT, name="corp", url="u", keyring_subprocess=True)
    assert new.startswith('[tool]\nuv.dev-dependencies = []\nuv.keyring-provider = "subprocess"\n\n[project]\n')
    assert keyring_provider(new, **PYPROJECT) == "subprocess"


def test_keyring_provider_in_uv_toml_stays_above_the_first_table():
    text = "# company settings\n\n[[index]]\nname = 'corp'\nurl = 'u'\n"
    new = set_index(text, **UV_TOML, name="corp", url="u", keyring_subprocess=True)
    assert new == '# company settings\n\nkeyring-provider = "subprocess"\n\n[[index]]\nname = \'corp\'\nurl = \'u\'\n'


def test_keyring_provider_in_uv_toml_joins_the_other_top_level_keys():
    text = "native-tls = true\n# corp index\n[[index]]\nname = 'corp'\nurl = 'u'\n"
    new = set_index(text, **UV_TOML, name="corp", url="u", keyring_subprocess=True)
    assert new == text.replace("true\n", 'true\nkeyring-provider = "subprocess"\n')


def test_another_keyring_provider_value_is_replaced_in_place():
    text = "keyring-provider = 'disabled'  # no keyring\n"
    new = set_index(text, **UV_TOML, name="x", url="u", keyring_subprocess=True)
    assert new.startswith('keyring-provider = "subprocess"  # no keyring\n')


def test_headers_inside_multiline_strings_and_arrays_are_not_mistaken_for_tables():
    text = "\n".join(PROJECT) + '\n\n[[tool.uv.index]]\nname = "corp"\nurl = "u"\n'
    new = set_index(text, **PYPROJECT, name="fake", url="https://f/")
    assert changed_keys(text, new) == {
        ("tool", "uv", "index", 1, "name"): (MISSING, "fake"),
        ("tool", "uv", "index", 1, "url"): (MISSING, "https://f/"),
    }
    assert new.startswith(text)


# -- refusals --------------------------------------------------------------------


def test_malformed_toml_is_refused_with_the_path_and_the_line():
    with pytest.raises(UserError, match=r"^pyproject.toml is not valid TOML \(line 3\): .*; fix it and run again$"):
        set_index('[project]\nname = "x"\nversion = \n', **PYPROJECT, name="x", url="u")


def test_reading_malformed_toml_gives_the_same_sentence():
    with pytest.raises(UserError, match=r"^uv.toml is not valid TOML \(line 1\)"):
        read_indexes("[[index]\n", **UV_TOML)


def test_an_inline_index_array_is_refused_with_a_way_out():
    text = '[tool.uv]\nindex = [{ name = "corp", url = "u" }]\n'
    with pytest.raises(UserError, match=r"tool\.uv\.index as an inline value.*\[\[tool\.uv\.index\]\]"):
        set_index(text, **PYPROJECT, name="x", url="u")


def test_an_inline_tool_uv_table_is_refused_when_keyring_provider_must_join_it():
    text = '[tool]\nuv = { dev-dependencies = [] }\n'
    with pytest.raises(UserError, match=r"tool\.uv as an inline value"):
        set_index(text, **PYPROJECT, name="x", url="u", keyring_subprocess=True)


# -- reading ---------------------------------------------------------------------


def test_read_indexes_returns_plain_dicts_in_file_order():
    assert read_indexes(PYPROJECT_WITH_INDEX, **PYPROJECT) == [
        {"name": "corp", "url": "https://corp.example.com/simple/", "explicit": True}
    ]
    assert read_indexes("", **UV_TOML) == []
    assert read_indexes(PYPROJECT_WITH_INDEX, **UV_TOML) == []


def test_keyring_provider_is_read_from_the_right_place():
    assert keyring_provider('[tool.uv]\nkeyring-provider = "subprocess"\n', **PYPROJECT) == "subprocess"
    assert keyring_provider('[tool.uv]\nkeyring-provider = "subprocess"\n', **UV_TOML) is None
    assert keyring_provider('keyring-provider = "disabled"\n', **UV_TOML) == "disabled"
    assert keyring_provider("", **PYPROJECT) is None


# -- the scanner against tomllib -------------------------------------------------

toml_scalars = st.one_of(
    st.text(max_size=12),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
)
toml_keys = st.text(max_size=6)
toml_values = st.recursive(
    toml_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(toml_keys, inner, max_size=3),
        st.lists(st.dictionaries(toml_keys, inner, min_size=1, max_size=3), min_size=1, max_size=2),
    ),
    max_leaves=12,
)


def _value_at(doc, section_path, counters, key):
    node = doc
    for n, part in enumerate(section_path):
        node = node[part]
        if isinstance(node, list):
            node = node[counters[section_path[: n + 1]]]
    for part in key:
        node = node[part]
    return node


@PROPERTY
@given(doc=st.dictionaries(toml_keys, toml_values, max_size=5))
def test_the_scanner_finds_every_key_and_value_span_tomllib_reads(doc):
    import tomlkit

    from ar_wizard.targets.uv_config import _same, _scan

    text = tomlkit.dumps(doc)
    parsed = tomllib.loads(text)
    counters: dict = {}
    reached: set[str] = set()
    for section in _scan(text):
        if section.array:  # a new element; nested arrays of tables start again inside it
            counters[section.path] = counters.get(section.path, -1) + 1
            for path in [p for p in counters if len(p) > len(section.path) and p[: len(section.path)] == section.path]:
                del counters[path]
        reached.update(section.path[:1])
        for stmt in section.keyvals():
            value = tomllib.loads("v = " + text[stmt.value_start : stmt.value_end])["v"]
            assert _same(value, _value_at(parsed, section.path, counters, stmt.key))
            reached.add((section.path + stmt.key)[0])
    assert reached == set(parsed)


def test_tricky_strings_dates_and_quoted_keys_are_scanned_as_values():
    from ar_wizard.targets.uv_config import _scan

    text = (
        "a = '''x'''''\n"
        'b = """y\\"""z""""\n'
        "c = 1979-05-27 07:32:00Z  # a date with a space\n"
        '"d.e" . f = [ "]", { g = "}" } ]\n'
        "[ tool . \"uv\" ]  # spaced\n"
        "h = inf\n"
    )
    sections = _scan(text)
    values = {stmt.key: text[stmt.value_start : stmt.value_end] for s in sections for stmt in s.keyvals()}
    assert values == {
        ("a",): "'''x'''''",
        ("b",): '"""y\\"""z""""',
        ("c",): "1979-05-27 07:32:00Z",
        ("d.e", "f"): '[ "]", { g = "}" } ]',
        ("h",): "inf",
    }
    assert sections[1].path == ("tool", "uv")


def test_a_quoted_and_spaced_tool_uv_header_is_the_tool_uv_table():
    text = '[ tool . "uv" ]\ndev-dependencies = []\n'
    new = set_index(text, **PYPROJECT, name="x", url="u", keyring_subprocess=True)
    assert new.startswith('[ tool . "uv" ]\ndev-dependencies = []\nkeyring-provider = "subprocess"\n\n[[tool.uv.index]]')


def test_sub_tables_of_the_last_index_stay_with_it():
    text = '[[index]]\nname = "a"\nurl = "u"\n[index.extra]\nx = 1\n[pip]\ny = 2\n'
    new = set_index(text, **UV_TOML, name="b", url="v")
    assert new == text.replace("x = 1\n", 'x = 1\n\n[[index]]\nname = "b"\nurl = "v"\n\n')


def test_keyring_provider_follows_top_level_dotted_keys_and_stays_above_the_first_table():
    text = 'tool.uv.dev-dependencies = []\n\n[project]\nname = "demo"\n'
    new = set_index(text, **PYPROJECT, name="corp", url="u", keyring_subprocess=True)
    assert new.startswith('tool.uv.dev-dependencies = []\ntool.uv.keyring-provider = "subprocess"\n\n[project]\n')
    assert read_indexes(new, **PYPROJECT) == [{"name": "corp", "url": "u"}]


RENAME_BEFORE = """\
[[tool.uv.index]]
name = "my-index"
url = "https://a.example/simple/"

[[tool.uv.index]]
name = "my_index"  # the mirror
url = "https://b.example/simple/"

[tool.uv.sources]
foo = { index = "my_index" }
bar = [{ index = "my_index", marker = "sys_platform == 'linux'" }, { index = 'my-index' }]
baz.index = "my_index"
"""


def test_renaming_an_index_renames_its_entry_and_every_source_that_names_it_and_nothing_else():
    from ar_wizard.targets.uv_config import rename_index

    after = rename_index(RENAME_BEFORE, path="pyproject.toml", in_pyproject=True, old="my_index", new="my_index-2")

    assert after == RENAME_BEFORE.replace('"my_index"', '"my_index-2"')
