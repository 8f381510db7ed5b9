"""What already exists on this machine: every index in every config file, where
each one's credential lives, and the tools on PATH.

Reading config files is cheap and done by ``discover``; finding credentials runs
``uv auth token`` and ``keyring get`` and is done per index by ``credentials_for``.

The imports inside functions are for start-up: ``doctor`` imports this module, and each
file format's reader (``targets/…``) or credential CLI module loads only when a file of
that kind exists or that store is asked, which keeps ``doctor --offline`` within its second.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from . import paths, userpath
from .errors import UserError
from .model import Secret
from .naming import env_var_stem, index_env_var
from .urls import with_userinfo, without_userinfo


@dataclass(frozen=True)
class FoundIndex:
    name: str
    url: str  # as configured, except that a password written into it is taken out
    source: Path  # the file, or Path("$UV_INDEX") for an index set in the environment
    tool: str  # "uv", "pip", "twine", "poetry" or "pdm"
    scope: str = "project"  # "project", "user" or "environment"
    publish_url: str = ""
    keyring_provider: str | None = None  # the setting the tool reads beside this index
    embedded: Secret | None = None  # a password written into the URL itself
    pip_only: bool = False  # from [tool.uv.pip], which `uv lock` and `uv sync` ignore
    authenticate: str = ""  # the index's `authenticate` setting ("always": credentials sent unasked)
    priority: str = ""  # a Poetry source's priority ("" when it sets none, which Poetry reads as primary)
    #: a PDM source's ``${VAR}`` references in its URL's userinfo: (username variable, password variable)
    url_vars: tuple[str, str] = ("", "")

    @property
    def username(self) -> str:
        return unquote(urlsplit(self.url).username or "")

    @property
    def plain_url(self) -> str:
        """The URL without any userinfo: what credential stores are keyed by."""
        return without_userinfo(self.url)

    @property
    def provider(self) -> str:
        from .providers import recognise

        return recognise(self.plain_url)[0]


@dataclass(frozen=True)
class Credential:
    """One place a secret for an index lives."""

    store: str  # "url", "environment", "env", "uv", "keyring", "netrc" or "file"
    #: for a secret in a TOML config (Poetry's auth.toml, PDM's config): the table and key that hold it
    where: str  # for people: "uv's credential store (https://…)", "~/.netrc (machine host)"
    username: str
    secret: Secret | None
    service: str = ""  # the URL (uv, keyring), host (netrc) or variable (env, environment)
    path: Path | None = None  # the file that holds it, for file stores
    toml_key: tuple[str, ...] = ()  # e.g. ("http-basic", "acme", "password")


@dataclass
class Findings:
    indexes: list[FoundIndex] = field(default_factory=list)
    tools: dict[str, str | None] = field(default_factory=dict)
    gcloud_adc: Path | None = None
    problems: list[str] = field(default_factory=list)  # files that could not be read
    #: pip config files that exist, in the order pip reads them (the last one wins)
    pip_files: list[Path] = field(default_factory=list)

    def index_names(self, tool: str = "uv") -> list[str]:
        return [i.name for i in self.indexes if i.tool == tool]

    def find(self, name: str, tool: str = "uv") -> FoundIndex | None:
        """The index uv uses under ``name``: project settings win over user settings."""
        return next((i for i in self.indexes if i.tool == tool and i.name == name and not i.pip_only), None)


def split_password(url: str) -> tuple[str, Secret | None]:
    """``url`` with any password removed, and the password (registered for masking)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return url, None
    if not password:
        return url, None
    secret = Secret(unquote(password))
    user = parts.netloc.rsplit("@", 1)[0].split(":", 1)[0]
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, f"{user}@{host}", parts.path, parts.query, parts.fragment)), secret


def read_text(path: Path, problems: list[str]) -> str | None:
    """``path``'s text, or None when it is missing; a file that cannot be read becomes a problem."""
    from .targets import text

    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as err:
        problems.append(f"{paths.shown(path)} cannot be read: {err.strerror}.")
        return None
    try:
        return text.decode(data, path)[0]
    except UserError as err:
        problems.append(str(err))
        return None


def discover(project_dir: Path) -> Findings:
    found = Findings()
    _uv_indexes(found, project_dir)
    _project_tool_indexes(found, project_dir)
    _environment_indexes(found)
    _pip_indexes(found)
    _pypirc_indexes(found)
    found.tools = {tool: userpath.which(tool) for tool in ("uv", "keyring", "gcloud", "aws", "az")}
    adc = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    default_adc = paths.current().gcloud_adc_file()
    for candidate in (Path(adc) if adc else None, default_adc):
        if candidate is not None and candidate.is_file():
            found.gcloud_adc = candidate
            break
    return found


def _uv_indexes(found: Findings, project_dir: Path) -> None:
    from .targets import uv_config

    for path, scope in ((paths.project_uv_config(project_dir), "project"), (paths.user_uv_toml(), "user")):
        content = read_text(path, found.problems)
        if content is None:
            continue
        in_pyproject = path.name == "pyproject.toml"
        try:
            entries = uv_config.read_indexes(content, path=path, in_pyproject=in_pyproject)
            keyring = uv_config.keyring_provider(content, path=path, in_pyproject=in_pyproject)
            pip_urls = uv_config.pip_index_urls(content, path=path, in_pyproject=in_pyproject)
        except UserError as err:
            found.problems.append(str(err))
            continue
        for entry in entries:
            url, embedded = split_password(str(entry.get("url", "")))
            publish, _ = split_password(str(entry.get("publish-url", "")))
            found.indexes.append(
                FoundIndex(str(entry.get("name", "?")), url, path, "uv", scope, publish, keyring, embedded,
                           authenticate=str(entry.get("authenticate", "")))
            )
        for raw in pip_urls:
            url, embedded = split_password(raw)
            found.indexes.append(
                FoundIndex(_host(url), url, path, "uv", scope, "", keyring, embedded, pip_only=True)
            )


def _project_tool_indexes(found: Findings, project_dir: Path) -> None:
    """``[[tool.poetry.source]]`` and ``[[tool.pdm.source]]`` in the project's pyproject.toml."""
    from .project_tools import PDM_SOURCES, POETRY_SOURCES, pdm_url_vars
    from .targets import toml_tables

    path = project_dir / "pyproject.toml"
    content = read_text(path, [])  # _uv_indexes has reported a file that cannot be read
    if content is None:
        return
    for tool, table in (("poetry", POETRY_SOURCES), ("pdm", PDM_SOURCES)):
        try:
            entries = toml_tables.read_entries(content, path=path, table=table)
        except UserError:
            return  # reported by _uv_indexes, which reads the same file
        for entry in entries:
            raw = str(entry.get("url", ""))
            if not raw:
                continue  # Poetry's `name = "PyPI"` source has no URL
            url_vars = pdm_url_vars(raw) if tool == "pdm" else ("", "")
            if any(url_vars):
                url, embedded = without_userinfo(raw), None
            else:
                url, embedded = split_password(raw)
            found.indexes.append(FoundIndex(
                str(entry.get("name", "?")), url, path, tool, "project", embedded=embedded,
                priority=str(entry.get("priority", "")) if tool == "poetry" else "", url_vars=url_vars,
            ))


def _environment_indexes(found: Findings) -> None:
    """``UV_INDEX="name=url …"`` and ``UV_DEFAULT_INDEX``, as uv reads them."""
    keyring = os.environ.get("UV_KEYRING_PROVIDER")
    for var in ("UV_INDEX", "UV_DEFAULT_INDEX"):
        for item in os.environ.get(var, "").split():
            name, _, url = item.rpartition("=") if "=" in item.split("://")[0] else ("", "", item)
            url, embedded = split_password(url)
            found.indexes.append(
                FoundIndex(name or _host(url), url, Path(f"${var}"), "uv", "environment", "", keyring, embedded)
            )


def _pip_indexes(found: Findings) -> None:
    from .targets import pip_conf

    # pip reads its legacy file first, then its user file, then $PIP_CONFIG_FILE: the last wins. All three
    # are read here, even those pip skips, so that doctor can say which one pip ignores.
    platform = paths.current()
    candidates = [platform.legacy_pip_conf(), platform.pip_user_conf()]
    if platform.pip_conf() not in candidates:
        candidates.append(platform.pip_conf())
    for path in candidates:
        content = read_text(path, found.problems)
        if content is None:
            continue
        found.pip_files.append(path)
        try:
            urls = pip_conf.extra_index_urls(content, path=path)
            index_url = pip_conf.get_option(content, path=path, section="global", option="index-url")
            keyring = pip_conf.get_option(content, path=path, section="global", option="keyring-provider")
        except UserError as err:
            found.problems.append(str(err))
            continue
        from .index_names import name_for

        for raw in ([index_url] if index_url else []) + urls:
            url, embedded = split_password(raw)
            # pip.conf keeps no name: the one setup gave it, else the host.
            name = name_for(url) or _host(url)
            found.indexes.append(FoundIndex(name, url, path, "pip", "user", "", keyring, embedded))


def _pypirc_indexes(found: Findings) -> None:
    from .targets import pypirc

    path = paths.pypirc()
    content = read_text(path, found.problems)
    if content is None:
        return
    try:
        repos = pypirc.repositories(content, path=path)
    except UserError as err:
        found.problems.append(str(err))
        return
    for name, options in repos.items():
        url = options.get("repository", "")
        password = options.get("password")
        username = options.get("username", "")
        shown_url = _with_user(url, username) if username else url
        found.indexes.append(
            FoundIndex(name, shown_url, path, "twine", "user", url, None, Secret(password) if password else None)
        )


def _with_user(url: str, username: str) -> str:
    return with_userinfo(url, username)


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


# -- where the credentials live ----------------------------------------------------


def env_file_vars(project_dir: Path) -> dict[str, str]:
    """The variables the project's ``.env`` sets (empty when there is none or it cannot be read)."""
    from .targets import env_file

    content = read_text(project_dir / ".env", [])
    return env_file.read_vars(content) if content else {}


def username_for(index: FoundIndex, project_dir: Path) -> tuple[str, str]:
    """The username uv (or Poetry, or PDM) would send, and where it comes from ("" when unknown)."""
    if index.username:
        return index.username, "the index URL"
    if index.tool in ("poetry", "pdm"):
        for value, where in _project_tool_usernames(index, project_dir):
            if value:
                return value, where
    var = index_env_var(index.name, "USERNAME")
    if os.environ.get(var):
        return os.environ[var], f"${var}"
    from_file = env_file_vars(project_dir).get(var)
    if from_file:
        return from_file, f".env {var}"
    from . import providers

    default = providers.get(index.provider).default_username("token")
    return (default, "the registry's fixed username") if default else ("", "")


def _toml_table(path: Path, table: tuple[str, ...]) -> dict:
    """A table of a tool's TOML config ({} when the file is missing or cannot be read)."""
    from .targets import toml_tables

    content = read_text(path, [])
    if content is None:
        return {}
    try:
        return toml_tables.read_table(content, path=path, table=table)
    except UserError:
        return {}


def _tool_vars(index: FoundIndex) -> tuple[str, str]:
    """The (username, password) variables Poetry or PDM read for this index ("" where there is none)."""
    from . import project_tools

    if index.tool == "pdm":
        return index.url_vars
    try:
        return project_tools.poetry_env_var(index.name, "USERNAME"), project_tools.poetry_env_var(index.name, "PASSWORD")
    except UserError:
        return "", ""


def _tool_config(index: FoundIndex) -> tuple[Path, tuple[str, ...]]:
    """The file and table where the tool keeps this index's username and password."""
    from . import project_tools

    if index.tool == "poetry":
        return paths.poetry_auth_toml(), project_tools.poetry_http_basic(index.name)
    return paths.pdm_config_toml(), project_tools.pdm_source_table(index.name)


def _project_tool_usernames(index: FoundIndex, project_dir: Path) -> list[tuple[str, str]]:
    var, _ = _tool_vars(index)
    path, table = _tool_config(index)
    return [
        (os.environ.get(var, "") if var else "", f"${var}"),
        (env_file_vars(project_dir).get(var, "") if var else "", f".env {var}"),
        (str(_toml_table(path, table).get("username", "")), f"{paths.shown(path)} ({'.'.join(table)})"),
    ]


def _project_tool_credentials(index: FoundIndex, project_dir: Path, username: str,
                              ask_keyring=None) -> list[Credential]:
    """Where Poetry or PDM finds this index's password, in the order it looks.

    Poetry (``PasswordManager.get_http_auth``): ``POETRY_HTTP_BASIC_NAME_PASSWORD``, then ``auth.toml``,
    then the keyring under ``poetry-repository-NAME``. PDM: the ``${VAR}`` the source URL names, then
    ``pypi.NAME.password`` in its config, then the keyring under ``pdm-pypi-NAME`` (``populate_keyring_auth``)."""
    from . import project_tools

    found: list[Credential] = []
    _, var = _tool_vars(index)
    if var and os.environ.get(var):
        found.append(Credential("environment", f"${var} in the environment", username, Secret(os.environ[var]), var))
    dotenv = env_file_vars(project_dir)
    if var and dotenv.get(var):
        found.append(Credential("env", f".env ({var})", username, Secret(dotenv[var]), var, project_dir / ".env"))
    path, table = _tool_config(index)
    tables = [table]
    services = [project_tools.poetry_keyring_service(index.name) if index.tool == "poetry"
                else project_tools.pdm_source_keyring_service(index.name)]
    if index.tool == "pdm":  # `pdm publish -r NAME` keeps its own copy (setup --publish writes both)
        tables.append(project_tools.pdm_repository_table(index.name))
        services.append(project_tools.pdm_repository_keyring_service(index.name))
    for table in tables:
        password = _toml_table(path, table).get("password")
        if isinstance(password, str) and password:
            found.append(Credential("file", f"{paths.shown(path)} ({'.'.join(table)})", username, Secret(password),
                                    ".".join(table), path, table + ("password",)))
    if username and userpath.which("keyring"):
        if ask_keyring is None:
            from .credentials import keyring_cli

            ask_keyring = keyring_cli.read
        for service in services:
            secret = ask_keyring(service, username)
            if secret is not None:
                found.append(Credential("keyring", f"the keyring ({service})", username, secret, service))
    return found


def hatch_credential(name: str) -> Credential | None:
    """The password ``hatch publish -r NAME`` sends from Hatch's config (``auth`` in ``publish.index.repos.NAME``)."""
    from . import project_tools

    path, table = paths.hatch_config_toml(), project_tools.hatch_repo_table(name)
    repo = _toml_table(path, table)
    auth = repo.get("auth")
    if not isinstance(auth, str) or not auth:
        return None
    return Credential("file", f"{paths.shown(path)} ({'.'.join(table)})", str(repo.get("user", "")), Secret(auth),
                      ".".join(table), path, table + ("auth",))


def credentials_for(index: FoundIndex, project_dir: Path, *, ask_keyring=None) -> list[Credential]:
    """Every place a secret for ``index`` lives, in the order uv consults them.

    ``ask_keyring(service, username)`` replaces the plain ``keyring get`` (doctor
    bounds it and asks a plugin once); it returns the secret or None."""
    from .targets import netrc_file

    found: list[Credential] = []
    username, source = username_for(index, project_dir)
    url = index.plain_url
    if index.embedded is not None:
        found.append(Credential("url", f"the URL in {paths.shown(index.source)}", username, index.embedded,
                                url, index.source))
    if index.tool == "uv":
        var = index_env_var(index.name, "PASSWORD")
        dotenv = env_file_vars(project_dir)
        # uv sends UV_INDEX_<NAME>_PASSWORD only with UV_INDEX_<NAME>_USERNAME, even when the URL has a username.
        paired = bool(os.environ.get(index_env_var(index.name, "USERNAME")) or dotenv.get(index_env_var(index.name, "USERNAME")))
        if paired and os.environ.get(var):
            found.append(Credential("environment", f"${var} in the environment", username,
                                    Secret(os.environ[var]), var))
        if paired and dotenv.get(var):
            found.append(Credential("env", f".env ({var})", username, Secret(dotenv[var]), var,
                                    project_dir / ".env"))
    if index.tool in ("poetry", "pdm"):
        found.extend(_project_tool_credentials(index, project_dir, username, ask_keyring))
    host = urlsplit(url).hostname or ""
    netrc_text = read_text(paths.netrc(), [])
    if netrc_text and host:
        try:
            entry = netrc_file.lookup(netrc_text, host, path=paths.netrc())
        except UserError:
            entry = None
        # netrc is keyed by host: a login other than the index's own belongs to another index on the host.
        if entry and entry[1] and (not username or entry[0] == username):
            found.append(Credential("netrc", f"{paths.shown(paths.netrc())} (machine {host})", entry[0],
                                    Secret(entry[1]), host, paths.netrc()))
    if index.tool == "uv" and userpath.which("uv"):
        from .credentials import uv_store

        for service in _services(index):
            # uv finds the username in its store when the URL does not say; so do we.
            for user in [username] if username else uv_store.usernames(service):
                secret = uv_store.read(service, user)
                if secret is not None:
                    found.append(Credential("uv", f"uv's credential store ({service})", user, secret, service))
    # uv and pip ask the keyring only with a username they were given, never a registry's fixed one.
    asked = source not in ("", "the registry's fixed username")
    if asked and index.keyring_provider == "subprocess" and userpath.which("keyring"):
        if ask_keyring is None:
            from .credentials import keyring_cli

            ask_keyring = keyring_cli.read
        for service in _services(index):
            secret = ask_keyring(service, username)
            if secret is not None:
                found.append(Credential("keyring", f"the keyring ({service})", username, secret, service))
    return found


def _services(index: FoundIndex) -> list[str]:
    """The URLs a store may hold this index's secret under: the index, and its upload URL."""
    urls = [index.plain_url]
    if index.publish_url and without_userinfo(index.publish_url) not in urls:
        urls.append(without_userinfo(index.publish_url))
    return urls


def stray_env_vars(project_dir: Path, index_names: list[str]) -> dict[str, str]:
    """``UV_INDEX_*_USERNAME/PASSWORD`` variables no index reads, and where each is set."""
    wanted = {env_var_stem(name) for name in index_names}
    stray = {}
    pattern = re.compile(r"^(UV_INDEX_.+)_(USERNAME|PASSWORD)$")
    sources = [(os.environ, "the environment"), (env_file_vars(project_dir), ".env")]
    for variables, where in sources:
        for key in variables:
            match = pattern.match(key)
            if match and match.group(1) not in wanted:
                stray[key] = where
    return stray
