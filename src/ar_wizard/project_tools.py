"""Poetry, PDM and Hatch: which one a project uses, and the names each reads.

Every name here is the tool's own, read from its source (cited per function), so
setup writes what the tool looks up, rotation finds the secret where the tool
keeps it, and doctor asks the tool's questions. Nothing here reads or writes a
secret.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from .errors import UserError

#: ``--targets`` beside uv, pip and twine.
PROJECT_TOOLS = ("poetry", "pdm", "hatch")

#: the tables each tool's project settings keep their indexes in
POETRY_SOURCES = ("tool", "poetry", "source")
PDM_SOURCES = ("tool", "pdm", "source")

#: Poetry's documented priority for a private index beside PyPI: PyPI stays the primary source and
#: Poetry asks this one only for a package PyPI does not have (``supplemental``). ``explicit`` would
#: serve only packages pinned to it with ``source = "NAME"``; ``primary`` (the default when no priority
#: is given) turns PyPI off (``poetry/factory.py`` ``create_pool``: PyPI is added only without one).
POETRY_PRIORITY = "supplemental"


def detect(project_dir: Path) -> tuple[str, ...]:
    """The tools the project is managed with, most telling first: a lock file, then its ``[tool.X]`` table.

    ``poetry.lock``/``[tool.poetry]``, ``pdm.lock``/``[tool.pdm]``, ``uv.lock``/``[tool.uv]``; ``()`` for none."""
    found: list[str] = []
    for tool in ("poetry", "pdm", "uv"):
        if (project_dir / f"{tool}.lock").is_file():
            found.append(tool)
    tables = _tool_tables(project_dir / "pyproject.toml")
    for tool in ("poetry", "pdm", "uv"):
        if tool in tables and tool not in found:
            found.append(tool)
    return tuple(found)


def proposed_targets(project_dir: Path) -> tuple[str, ...]:
    """The targets to propose for a project: its own tool first (uv when it has none)."""
    detected = detect(project_dir)
    return (detected[0],) if detected else ("uv",)


def offered(project_dir: Path) -> tuple[str, ...]:
    """The project tools worth offering for this project: the ones it uses, and Hatch when it builds with it."""
    tables = _tool_tables(project_dir / "pyproject.toml")
    return tuple(t for t in PROJECT_TOOLS if t in detect(project_dir) or t in tables)


def _tool_tables(pyproject: Path) -> set[str]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # Python 3.10
        import tomli as tomllib
    try:
        tool = tomllib.loads(pyproject.read_text(encoding="utf-8-sig")).get("tool", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return set()
    return set(tool) if isinstance(tool, dict) else set()


# -- Poetry ------------------------------------------------------------------------------------


def poetry_env_var(name: str, part: str) -> str:
    """``POETRY_HTTP_BASIC_<NAME>_USERNAME``/``_PASSWORD`` as Poetry derives it for ``http-basic.NAME``.

    ``poetry/config/config.py`` ``Config.get``: ``"POETRY_" + "_".join(k.upper().replace("-", "_") for k in keys)``
    over ``["http-basic", name, part]``: only ``-`` becomes ``_``, so a name with ``.`` has no variable a shell can set."""
    stem = name.upper().replace("-", "_")
    if not re.fullmatch(r"[A-Z0-9_]+", stem):
        raise UserError(
            f"Poetry reads http-basic.{name} from POETRY_HTTP_BASIC_{stem}_PASSWORD, which no shell can set "
            "(only letters, digits, '-' and '_' survive): choose another --index name, or --store keyring or file."
        )
    return f"POETRY_HTTP_BASIC_{stem}_{part}"


def poetry_keyring_service(name: str) -> str:
    """``poetry-repository-NAME``: ``PasswordManager.keyring`` is ``PoetryKeyring("poetry-repository")`` and
    ``PoetryKeyring.get_entry_name`` joins the namespace and the repository name with ``-``."""
    return f"poetry-repository-{name}"


def poetry_http_basic(name: str) -> tuple[str, ...]:
    """``http-basic.NAME`` in ``auth.toml`` (``PasswordManager.set_http_password``)."""
    return ("http-basic", name)


def poetry_repository(name: str) -> tuple[str, ...]:
    """``repositories.NAME`` in ``config.toml``: the URL ``poetry publish -r NAME`` uploads to
    (``poetry/publishing/publisher.py``: ``config.get(["repositories", name, "url"])``)."""
    return ("repositories", name)


# -- PDM ---------------------------------------------------------------------------------------


def pdm_env_var(name: str, part: str) -> str:
    """The variable a PDM source's URL names for its credential: ``PDM_SOURCE_<NAME>_USERNAME``/``_PASSWORD``
    (uv's rule for the stem: letters and digits, everything else ``_``). PDM expands ``${VAR}`` in the URL's
    ``user:password@`` part only (``pdm/utils.py`` ``expand_env_vars_in_auth``), so these go there."""
    return "PDM_SOURCE_" + "".join(c if c.isascii() and c.isalnum() else "_" for c in name.upper()) + "_" + part


def pdm_source_keyring_service(name: str) -> str:
    """``pdm-pypi-NAME``: ``RepositoryConfig.populate_keyring_auth`` (``pdm/_types.py``) asks
    ``f"pdm-{config_prefix}-{name}"`` with the source's username, and ``config_prefix`` is ``pypi``."""
    return f"pdm-pypi-{name}"


def pdm_repository_keyring_service(name: str) -> str:
    """``pdm-repository-NAME``: the same lookup for ``pdm publish -r NAME`` (``config_prefix`` ``repository``)."""
    return f"pdm-repository-{name}"


def pdm_source_table(name: str) -> tuple[str, ...]:
    """``pypi.NAME`` in PDM's global config: what ``pdm config pypi.NAME.username`` writes
    (``pdm/project/config.py`` ``Config.__setitem__``; merged into the source by ``Project.get_sources``)."""
    return ("pypi", name)


def pdm_repository_table(name: str) -> tuple[str, ...]:
    """``repository.NAME``: what ``pdm publish -r NAME`` reads (``Config.get_repository_config``)."""
    return ("repository", name)


#: ``pdm publish`` reads these when no repository credential is configured (``pdm/cli/commands/publish``).
PDM_PUBLISH_VARS = ("PDM_PUBLISH_USERNAME", "PDM_PUBLISH_PASSWORD")


def pdm_url_with_vars(url: str, name: str) -> str:
    """``url`` with ``${PDM_SOURCE_NAME_USERNAME}:${PDM_SOURCE_NAME_PASSWORD}@`` as its userinfo."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    userinfo = "${" + pdm_env_var(name, "USERNAME") + "}:${" + pdm_env_var(name, "PASSWORD") + "}"
    return urlunsplit((parts.scheme, f"{userinfo}@{host}", parts.path, parts.query, parts.fragment))


_VAR_REF = re.compile(r"^\$\{([^}]+)\}$")


def pdm_url_vars(url: str) -> tuple[str, str]:
    """The variables a PDM source URL's userinfo names (``("", "")`` for parts written literally)."""
    from urllib.parse import urlsplit

    netloc = urlsplit(url).netloc
    if "@" not in netloc:
        return "", ""
    user, _, password = netloc.rsplit("@", 1)[0].partition(":")
    found = [_VAR_REF.match(part) for part in (user, password)]
    return tuple(m.group(1) if m else "" for m in found)  # type: ignore[return-value]


# -- Hatch -------------------------------------------------------------------------------------


def hatch_repo_table(name: str) -> tuple[str, ...]:
    """``publish.index.repos.NAME``: ``hatch publish -r NAME`` (``hatch/publish/index.py`` ``get_repos``)
    takes its ``url``, ``user`` and ``auth``."""
    return ("publish", "index", "repos", name)


#: ``hatch publish`` reads these (``hatch/config/constants.py`` ``PublishEnvVars``); its keyring entry is
#: the repository URL with the user (``hatch/publish/auth.py``: ``keyring.get_password(repo_config["url"], user)``).
HATCH_VARS = ("HATCH_INDEX_USER", "HATCH_INDEX_AUTH")
