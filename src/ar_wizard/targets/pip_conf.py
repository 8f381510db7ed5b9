"""pip.conf: add an ``extra-index-url`` and the keyring provider, keep every other line.

pip reads its files with ``configparser.RawConfigParser``, normalises option
names (``extra_index_url``, ``--extra-index-url`` and ``Extra-Index-URL`` are
one option, the last one wins) and splits ``extra-index-url`` on whitespace.
The editing follows those rules; see :mod:`ar_wizard.targets.ini`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ar_wizard.errors import UserError
from ar_wizard.targets import ini

_EXTRA = "extra-index-url"
_KEYRING = "keyring-provider"


def normalize_name(name: str) -> str:
    """An option name the way pip compares them."""
    name = name.lower().replace("_", "-")
    return name[2:] if name.startswith("--") else name


def same_index(a: str, b: str) -> bool:
    """Whether two index URLs point at the same place, ignoring credentials and a trailing slash."""
    return _location(a) is not None and _location(a) == _location(b)


def _location(url: str) -> tuple | None:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    if not parts.hostname:
        return None
    scheme = parts.scheme.lower()
    if port is None:
        port = {"http": 80, "https": 443}.get(scheme)
    return (scheme, parts.hostname, port, parts.path.rstrip("/"))


def add_extra_index(
    text: str, *, path: object, url: str, keyring_subprocess: bool = False
) -> str:
    """``url`` among ``[global]`` ``extra-index-url``; an entry for the same index is replaced."""
    if not url or any(c.isspace() for c in url):
        raise UserError(
            f"The index URL for {path} contains a space; pip splits extra-index-url on spaces, "
            "so check the URL and run again"
        )
    layout, _ = ini.parse(text, path)
    section = layout.section("global")
    if section is None:
        options: list[tuple[str, str | list[str]]] = [(_EXTRA, url)]
        if keyring_subprocess:
            options.append((_KEYRING, "subprocess"))
        return layout.append_section("global", options)

    option = section.option(_EXTRA, normalize_name)
    if option is None:
        text = layout.add_option(section, _EXTRA, url)
    else:
        words = layout.tokens(option)
        if all(word.text != url for word in words):
            same = next((word for word in words if same_index(word.text, url)), None)
            if same is not None:
                text = layout.replace_span(same.line, same.start, same.end, url)
            else:
                text = layout.append_word(option, url)

    if keyring_subprocess:
        text = _set_keyring_provider(text, path)
    return text


def set_cert(text: str, *, path: object, cert: str) -> str:
    """``cert = PATH`` in ``[global]``: the CA bundle pip verifies every index with."""
    ini.check_value(cert, what="CA bundle path", path=path)
    layout, _ = ini.parse(text, path)
    section = layout.section("global")
    if section is None:
        return layout.insert_section_first("global", [("cert", cert)])
    option = section.option("cert", normalize_name)
    if option is None:
        return layout.add_option(section, "cert", cert)
    if layout.value(option) != cert:
        return layout.set_value(option, cert)
    return text


def _set_keyring_provider(text: str, path: object) -> str:
    layout, _ = ini.parse(text, path)
    section = layout.section("global")
    assert section is not None  # called once [global] exists
    option = section.option(_KEYRING, normalize_name)
    if option is None:
        return layout.add_option(section, _KEYRING, "subprocess")
    if layout.value(option) != "subprocess":
        return layout.set_value(option, "subprocess")
    return text


def extra_index_urls(text: str, *, path: object) -> list[str]:
    """The URLs pip adds to its index list from ``[global]``."""
    value = get_option(text, path=path, section="global", option=_EXTRA)
    return value.split() if value else []


def get_option(text: str, *, path: object, section: str, option: str) -> str | None:
    """An option's value as pip reads it (names compared pip's way), or None."""
    _, parser = ini.parse(text, path)
    if not parser.has_section(section):
        return None
    wanted = normalize_name(option)
    found = None
    for name, value in parser.items(section, raw=True):
        if normalize_name(name) == wanted:
            found = value
    return found
