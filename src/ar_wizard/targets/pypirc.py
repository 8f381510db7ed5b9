"""~/.pypirc: one ``[NAME]`` section for twine and its name in ``index-servers``.

twine reads the file with ``configparser.RawConfigParser``; without a
``[distutils]`` ``index-servers`` option it behaves as if it said
``pypi testpypi``, and it only reads sections listed there.
"""

from __future__ import annotations

from ar_wizard.errors import UserError
from ar_wizard.targets import ini

_DISTUTILS = "distutils"
_SERVERS = "index-servers"
_TWINE_DEFAULT_SERVERS = ("pypi", "testpypi")


def set_repository(
    text: str,
    *,
    path: object,
    name: str,
    repository_url: str,
    username: str,
    password: str | None = None,
    ca_cert: str | None = None,
) -> str:
    """``[name]`` with ``repository``, ``username`` and (only if given) ``password`` and ``ca_cert`` (the CA
    bundle twine verifies this repository's certificate with), listed in ``index-servers``."""
    if not name or any(c.isspace() for c in name) or name == _DISTUTILS or "]" in name:
        raise UserError(
            f"{name!r} cannot name a repository in {path}; use letters, digits, '-', '_' or '.'"
        )
    ini.check_value(repository_url, what="repository URL", path=path)
    ini.check_value(username, what="username", path=path)
    if password is not None:
        ini.check_value(password, what="password", path=path)

    text = _list_in_index_servers(text, path, name)

    if ca_cert is not None:
        ini.check_value(ca_cert, what="CA bundle path", path=path)
    wanted = {"repository": repository_url, "username": username, "password": password}
    layout, _ = ini.parse(text, path)
    section = layout.section(name)
    if section is None:
        options = [(key, value) for key, value in wanted.items() if value is not None]
        return layout.append_section(name, options + ([("ca_cert", ca_cert)] if ca_cert is not None else []))
    if ca_cert is not None:
        wanted["ca_cert"] = ca_cert  # only added or changed: a ca_cert already there stays when none is given
    for key, value in wanted.items():
        layout, _ = ini.parse(text, path)
        section = layout.section(name)
        assert section is not None  # found above, and no edit here removes a section
        option = section.option(key)
        if value is None:
            if option is not None:
                text = layout.remove_option(option)
        elif option is None:
            text = layout.add_option(section, key, value)
        elif layout.value(option) != value:
            text = layout.set_value(option, value)
    return text


def _list_in_index_servers(text: str, path: object, name: str) -> str:
    layout, _ = ini.parse(text, path)
    distutils = layout.section(_DISTUTILS)
    option = distutils.option(_SERVERS) if distutils is not None else None
    if option is not None:
        if name in layout.value(option).split():
            return text
        return layout.append_word(option, name)
    # Write out twine's implicit list so nothing it read before is lost: it only
    # reads [pypi]'s credentials, and only knows ``-r testpypi``, when they are listed.
    servers = [*(s for s in _TWINE_DEFAULT_SERVERS if s != name), name]
    if distutils is None:
        return layout.insert_section_first(_DISTUTILS, [(_SERVERS, servers)])
    return layout.add_option(distutils, _SERVERS, servers)


def index_servers(text: str, *, path: object) -> list[str]:
    """The repository names twine reads, as twine works them out."""
    _, parser = ini.parse(text, path)
    return parser.get(_DISTUTILS, _SERVERS, fallback=" ".join(_TWINE_DEFAULT_SERVERS)).split()


def repositories(text: str, *, path: object) -> dict[str, dict[str, str]]:
    """Every section but ``[distutils]``, with its options."""
    _, parser = ini.parse(text, path)
    return {
        section: dict(parser.items(section, raw=True))
        for section in parser.sections()
        if section != _DISTUTILS
    }
