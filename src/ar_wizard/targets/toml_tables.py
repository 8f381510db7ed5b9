"""Named tables in the TOML files Poetry, PDM and Hatch read, edited line-exactly.

The same scanner as ``uv_config`` (whose module docstring says why the edits are
made on the text, not through tomlkit): a ``[[tool.poetry.source]]`` or
``[[tool.pdm.source]]`` entry is found by its ``name`` like a uv index, and a
plain table (``[http-basic.acme]`` in Poetry's ``auth.toml``, ``[pypi.acme]`` in
PDM's ``config.toml``, ``[publish.index.repos.acme]`` in Hatch's) gets its keys
replaced span for span or added after its last key. tomllib re-reads every
result, which must differ from the original in exactly the intended keys, or
the file is refused as one ar-wizard cannot edit safely.
"""

from __future__ import annotations

import copy
import re
import sys

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

from ar_wizard.targets import uv_config
from ar_wizard.targets.uv_config import _apply, _cannot_edit, _get, _insertion, _same, _sections, load_toml

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def header_key(key: str) -> str:
    """A TOML key as a header spells it: bare when TOML allows, else quoted (``"my.repo"``)."""
    return key if _BARE_KEY.match(key) else uv_config._toml_string(key)


def read_table(text: str, *, path: object, table: tuple[str, ...]) -> dict:
    """The table at ``table`` (``{}`` when absent or not a table)."""
    value = _get(load_toml(text, path), table)
    return dict(value) if isinstance(value, dict) else {}


def read_entries(text: str, *, path: object, table: tuple[str, ...]) -> list[dict]:
    """The entries of the array of tables at ``table``, in file order."""
    value = _get(load_toml(text, path), table)
    return [dict(entry) for entry in value if isinstance(entry, dict)] if isinstance(value, list) else []


def set_entry(
    text: str,
    *,
    path: object,
    table: tuple[str, ...],
    name: str,
    url: str,
    values: dict[str, str] | None = None,
    defaults: dict[str, str] | None = None,
) -> str:
    """The ``[[TABLE]]`` entry called ``name`` with this ``url`` and ``values``, added or updated in place.

    ``defaults`` are written only into a new entry: an existing entry keeps what its owner chose
    (a Poetry source's ``priority``), so re-running setup on a configured project changes nothing."""
    old = load_toml(text, path)
    existing = next((e for e in read_entries(text, path=path, table=table) if e.get("name") == name), None)
    extra = dict(values or {})
    if existing is None:
        extra = {**(defaults or {}), **extra}
    new_text = uv_config._set_entry(text, path, table[:-1], name, url, extra, leaf=table[-1])
    expected = copy.deepcopy(old)
    node = expected
    for key in table[:-1]:
        node = node.setdefault(key, {})
    entries = node.setdefault(table[-1], [])
    entry = next((e for e in entries if isinstance(e, dict) and e.get("name") == name), None)
    if entry is None:
        entry = {"name": name}
        entries.append(entry)
    entry["url"] = url
    entry.update(extra)
    return _checked(new_text, expected, path)


def set_table(text: str, *, path: object, table: tuple[str, ...], values: dict[str, str]) -> str:
    """``[TABLE]`` holding ``values`` (strings), every other byte kept: a key there is replaced in place,
    a missing key goes after the table's last key, a missing table goes at the end of the file."""
    old = load_toml(text, path)
    current = _get(old, table)
    if isinstance(current, dict) and all(current.get(k) == v for k, v in values.items()):
        return text
    sections = _sections(text, path)
    uv_config._refuse_inline(sections, table, path)
    lines = [f"{key} = {uv_config._toml_string(value)}" for key, value in values.items()]
    for idx, section in enumerate(sections):
        if section.path != table or section.array or section.header is None:
            continue
        keyvals = {stmt.key: stmt for stmt in section.keyvals()}
        edits = []
        new_lines = []
        for key, value in values.items():
            stmt = keyvals.get((key,))
            if stmt is None:
                new_lines.append(f"{uv_config._indent(text, section.keyvals()[-1] if keyvals else None)}"
                                 f"{key} = {uv_config._toml_string(value)}")
            elif isinstance(current, dict) and current.get(key) != value:
                edits.append((stmt.value_start, stmt.value_end, uv_config._toml_string(value)))
        if new_lines:
            edits.append(_insertion(text, uv_config._key_end(sections, idx), new_lines))
        new_text = _apply(text, edits)
        break
    else:
        header = "[" + ".".join(header_key(k) for k in table) + "]"
        new_text = _apply(text, [_insertion(text, len(text), [header, *lines], blank_before=True)])
    expected = copy.deepcopy(old)
    node = expected
    for key in table:
        node = node.setdefault(key, {})
        if not isinstance(node, dict):
            raise _cannot_edit(path)
    node.update(values)
    return _checked(new_text, expected, path)


def _checked(new_text: str, expected: dict, path: object) -> str:
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        raise _cannot_edit(path) from None
    if not _same(new, expected):
        raise _cannot_edit(path)
    return new_text
