"""``ar-wizard doctor``: the known causes of 401, 403 and 404 in an existing setup.

Each check has a stable id, a verdict, one sentence, and a fix: a command to
run, or a plan that is previewed, applied and undone like any other. Plans are
built only when asked for (``Check.fixer``), from the files as they are then.

Each check and fix imports inside it what only it needs (the plan, the stores,
the live check's HTTP stack, minting): `doctor --offline` takes about a third of
a second (benchmarks/doctor.py) and loads none of them for a check that finds
nothing to do.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import partial
from pathlib import Path
from urllib.parse import urlsplit

from . import paths, providers, shells, userpath
from .discover import (
    Findings,
    FoundIndex,
    credentials_for,
    discover,
    env_file_vars,
    read_text,
    split_password,
    stray_env_vars,
    username_for,
)
from .errors import UserError, ValidationFailed
from .model import Draft, Plan, Secret, SecretWrite, mask
from .naming import env_var_stem, index_env_var
from .providers.base import is_loopback
from .providers.generic import upload_url_for
from .urls import ipv4_problem, is_public_index

#: In the order a report lists them; ``info``, ``ok`` and ``skipped`` leave a setup healthy.
VERDICTS = ("fail", "warn", "info", "ok", "skipped")


@dataclass(frozen=True)
class Check:
    id: str
    verdict: str
    message: str
    subject: str = ""  # the index or file it is about; "" for the machine
    fix: str = ""  # what to do, in words or as a command
    fixer: Callable[[], Plan] | None = field(default=None, compare=False, repr=False)

    @property
    def finding(self) -> bool:
        return self.verdict in ("warn", "fail")

    def as_json(self) -> dict:
        return {
            "id": self.id,
            "verdict": self.verdict,
            "subject": self.subject,
            "message": self.message,
            "fix": self.fix or None,
            "fix_plan": self.fixer is not None,
        }


@dataclass
class Report:
    checks: list[Check]
    indexes: list[dict]

    @property
    def findings(self) -> list[Check]:
        return [c for c in self.checks if c.finding]

    @property
    def healthy(self) -> bool:
        return not self.findings

    def as_json(self) -> dict:
        return {
            "healthy": self.healthy,
            "checks": [c.as_json() for c in self.checks],
            "indexes": self.indexes,
        }


@dataclass
class _Context:
    project_dir: Path
    found: Findings
    offline: bool
    now: datetime | None
    credentials: dict = field(default_factory=dict)
    keyring_answers: dict = field(default_factory=dict)

    @property
    def uv_indexes(self) -> list[FoundIndex]:
        return [i for i in self.found.indexes if i.tool == "uv" and not i.pip_only]

    def credentials_of(self, index: FoundIndex):
        key = (index.name, index.source)
        if key not in self.credentials:
            self.credentials[key] = credentials_for(
                index, self.project_dir, ask_keyring=lambda service, username: self._keyring_secret(index, service, username))
        return self.credentials[key]

    def _keyring_secret(self, index: FoundIndex, service: str, username: str) -> Secret | None:
        """The keyring's secret under ``service``: the index URL is asked once (``keyring_answer``); a name
        Poetry or PDM keeps its password under is asked bounded too, and nothing is asked under --offline."""
        if service == index.plain_url:
            return self.keyring_answer(index, username).secret
        if self.offline or service.startswith(("http://", "https://")):
            return None  # (an upload URL: uv asks the keyring for the index URL)
        from .credentials import keyring_cli

        try:
            return keyring_cli.ask(service, username, timeout=keyring_cli.PLUGIN_TIMEOUT).secret
        except UserError:
            return None

    def keyring_answer(self, index: FoundIndex, username: str):
        """The one ``keyring get`` for ``index`` in this run, bounded: a plugin may wait on a metadata server.

        Under --offline nothing is asked (plugins reach the network)."""
        from .credentials import keyring_cli

        key = (index.name, index.source)
        if key not in self.keyring_answers:
            if self.offline:
                self.keyring_answers[key] = keyring_cli.Answer(None, "not asked: --offline")
            else:
                try:
                    answer = keyring_cli.ask(index.plain_url, username, timeout=keyring_cli.PLUGIN_TIMEOUT)
                except UserError as err:  # no keyring on PATH: keyring-on-path says so
                    answer = keyring_cli.Answer(None, str(err))
                self.keyring_answers[key] = answer
        return self.keyring_answers[key]


_CHECKS: list[Callable[[_Context], list[Check]]] = []


def _check(fn):
    _CHECKS.append(fn)
    return fn


def diagnose(project_dir: Path, *, offline: bool = False, now: datetime | None = None) -> Report:
    ctx = _Context(project_dir, discover(project_dir), offline, now)
    checks = [check for fn in _CHECKS for check in fn(ctx)]
    indexes = [
        {
            "name": i.name,
            "url": i.url,
            "tool": i.tool,
            "source": paths.shown(i.source),
            "scope": i.scope,
            "provider": i.provider,
            "credentials": ([c.where for c in ctx.credentials_of(i)]
                            if i.tool in ("uv", "poetry", "pdm") and not i.pip_only else []),
        }
        for i in ctx.found.indexes
    ]
    return Report(checks, indexes)


def _fix_plan(label: str, project_dir: Path) -> Plan:
    """An empty plan for a fix: the draft only names what the fix is about."""
    return Plan(Draft(mode="fix", index_name=label, project_dir=project_dir, validate=False))


def _edit_uv_config(index: FoundIndex, label: str, project_dir: Path, *, url: str | None = None,
                    target: Path | None = None) -> Plan:
    """A plan that sets ``index`` (or a copy of it in ``target``) to ``url``."""
    from .plan import edit_file
    from .targets import uv_config

    path = target or index.source
    in_pyproject = path.name == "pyproject.toml"
    keyring = index.keyring_provider == "subprocess"
    plan = _fix_plan(label, project_dir)
    plan.changes.append(edit_file(path, lambda text: uv_config.set_index(
        text, path=path, in_pyproject=in_pyproject, name=index.name, url=url or index.url,
        publish_url=index.publish_url or None, keyring_subprocess=keyring,
    ), summary=label))
    return plan


# -- the checks, in the order their fixes should be applied ---------------------------


@_check
def config_readable(ctx: _Context) -> list[Check]:
    if not ctx.found.problems:
        return [Check("config-readable", "ok", "Every config file parses.")]
    return [
        Check("config-readable", "fail", problem, fix="Fix the file by hand: ar-wizard never rewrites a file it cannot read.")
        for problem in ctx.found.problems
    ]


@_check
def index_found(ctx: _Context) -> list[Check]:
    if ctx.found.indexes:
        count = len(ctx.found.indexes)
        return [Check("index-found", "ok", f"{count} index setting{'' if count == 1 else 's'} found.")]
    return [Check("index-found", "warn",
                  "No private index is configured for this project or user, so uv, pip and twine use PyPI alone.",
                  fix="Run ar-wizard to set one up (or ar-wizard setup --help for scripts).")]


@_check
def client_versions(ctx: _Context) -> list[Check]:
    """uv's credential store and pip's keyring-provider need versions older machines lack."""
    from .credentials import pip_cli, uv_store

    out = []
    try:
        uv = uv_store.version()
    except UserError:
        uv = None
    if uv is None:
        out.append(Check("uv-version", "skipped", "uv is not on PATH."))
    elif uv < uv_store.MINIMUM:
        out.append(Check("uv-version", "info",
                         f"uv {'.'.join(map(str, uv))} has no credential store (`uv auth`, uv 0.8.15 and later).",
                         fix="uv self update"))
    else:
        out.append(Check("uv-version", "ok", f"uv {'.'.join(map(str, uv))} has a credential store."))
    asking = [i for i in ctx.found.indexes if i.tool == "pip" and i.keyring_provider == "subprocess"]
    problem = pip_cli.keyring_provider_problem(ctx.project_dir) if asking else None
    if not asking:
        out.append(Check("pip-version", "skipped", "No pip.conf asks the keyring."))
    elif problem:
        out.append(Check("pip-version", "fail", problem[0] + ".", asking[0].name, fix=problem[1]))
    else:
        out.append(Check("pip-version", "ok", "The pip that runs here reads keyring-provider.", asking[0].name))
    return out


def _explicit_username(index: FoundIndex, project_dir: Path) -> str:
    """The username uv sends to the keyring: from the URL or UV_INDEX_<NAME>_USERNAME only."""
    username, source = username_for(index, project_dir)
    return username if source and source != "the registry's fixed username" else ""


@_check
def keyring_username(ctx: _Context) -> list[Check]:
    out = []
    for index in ctx.uv_indexes:
        if index.keyring_provider != "subprocess" or _explicit_username(index, ctx.project_dir):
            continue
        if is_public_index(index.plain_url):
            continue  # PyPI or a mirror: nothing to ask the keyring for
        if ctx.credentials_of(index):
            continue  # uv finds the secret elsewhere (its store, .netrc, …) and never asks the keyring
        var = index_env_var(index.name, "USERNAME")
        message = (
            f"uv asks the keyring only when it knows the username, and {index.name!r} in "
            f"{paths.shown(index.source)} has none in its URL or in {var}."
        )
        username = providers.get(index.provider).default_username("keyring")
        if username and index.scope != "environment":
            from .plan import with_userinfo

            url = with_userinfo(index.plain_url, username)
            out.append(Check("keyring-username", "fail", message, index.name, fix=f"Set the URL to {url}.",
                             fixer=partial(_edit_uv_config, index, f"username in {index.name!r}'s URL",
                                           ctx.project_dir, url=url)))
        else:
            out.append(Check("keyring-username", "fail", message, index.name,
                             fix=f"Put the username in the URL (https://USER@{urlsplit(index.url).netloc}/…) or set "
                             f"{var}: `{shells.set_variable(shells.detect(), var, 'USER')}`."))
    return out or [Check("keyring-username", "ok", "Every index that asks the keyring has a username.")]


@_check
def keyring_path(ctx: _Context) -> list[Check]:
    """keyring on PATH, outside a venv, with the plugin, on uv's tool bin dir (keyring_setup's checks)."""
    from .credentials import keyring_setup

    users = [i for i in ctx.found.indexes if i.keyring_provider == "subprocess" and i.tool in ("uv", "pip")]
    if not users:
        return [Check("keyring-on-path", "skipped", "No index asks the keyring (keyring-provider is not subprocess).")]
    _ask_keyrings(ctx, users)
    out, seen = _slow_keyrings(ctx, users), set()
    plugins = {id(index): _keyring_plugin(ctx, index) for index in users}
    # Registries with a plugin first: their findings name the plugin in the install command.
    users.sort(key=lambda i: plugins[id(i)] is None)
    for index in users:
        plugin = plugins[id(index)]
        for finding in keyring_setup.check(plugin[0] if plugin else None, plugin[1] if plugin else "", index.plain_url):
            if (finding.id, finding.message) in seen:
                continue
            seen.add((finding.id, finding.message))
            out.append(Check(finding.id, "ok" if finding.ok else "fail", finding.message,
                             index.name if plugin else "", fix=finding.fix or ""))
    return out


def _ask_keyrings(ctx: _Context, indexes: list[FoundIndex]) -> None:
    """Ask the keyring for every index at once: a slow plugin then costs its bound once, not once per index."""
    asked = [(i, _explicit_username(i, ctx.project_dir)) for i in indexes if i.tool == "uv"]
    asked = [(i, user) for i, user in asked if user]
    if ctx.offline or not asked:
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=min(8, len(asked))) as pool:
        list(pool.map(lambda pair: ctx.keyring_answer(*pair), asked))


def _slow_keyrings(ctx: _Context, indexes: list[FoundIndex]) -> list[Check]:
    from .credentials.keyring_cli import PLUGIN_TIMEOUT

    out = []
    for index in indexes:
        answer = ctx.keyring_answers.get((index.name, index.source))
        if answer is None or not (answer.timed_out or answer.seconds > PLUGIN_TIMEOUT / 2):
            continue
        from .credentials import keyring_cli

        provider = providers.get(index.provider)
        plugin = provider.keyring_plugin[0] if provider.keyring_plugin else ""
        if answer.timed_out:  # the same sentence setup, rotate and the wizard give
            message = keyring_cli.no_answer(index.plain_url, _explicit_username(index, ctx.project_dir), answer,
                                            cloud=index.provider, plugin=plugin, sign_in=provider.sign_in)
        else:
            message = (f"`keyring get` for {index.name!r} took {answer.seconds:.1f} s, and uv and pip wait as long on "
                       f"every run: {plugin or 'the keyring'} was waiting on "
                       f"{keyring_cli.waited_for(index.provider, index.plain_url, answer.said)}.")
        out.append(Check(
            "keyring-slow", "warn", message, index.name,
            fix=provider.sign_in or "Sign in to the registry's cloud, or store a token with `ar-wizard rotate`.",
        ))
    return out


def _keyring_plugin(ctx: _Context, index: FoundIndex) -> tuple[str, str] | None:
    """The plugin ``keyring get`` must answer from for ``index``, when its credentials come from one.

    A secret kept with ``keyring set`` (an Azure PAT, a token ar-wizard minted)
    needs the keyring command but no plugin, so the plugin checks are not for it;
    neither are they where the keyring already answered."""
    from . import expiry

    answer = ctx.keyring_answers.get((index.name, index.source))
    if answer is not None and answer.secret is not None:
        return None
    if expiry.for_url(index.plain_url) is not None:
        return None  # a token minted by ar-wizard and stored, not one a plugin mints
    provider = providers.get(index.provider)
    if provider.keyring_plugin:
        # Azure's plugin answers only for its own username; any other is a PAT stored with `keyring set`.
        plugin_user = provider.default_username("keyring")
        if index.provider == "azure" and index.username and index.username != plugin_user:
            return None
        return provider.keyring_plugin
    if index.provider != "generic" or not index.username:
        return None
    for key in ("gcp", "azure"):  # usernames only their plugins use (aws's "aws" is too plain to tell)
        provider = providers.get(key)
        if index.username == provider.default_username("keyring") and not ctx.credentials_of(index):
            return provider.keyring_plugin
    return None


@_check
def env_var_names(ctx: _Context) -> list[Check]:
    names = [i.name for i in ctx.uv_indexes]
    stray = stray_env_vars(ctx.project_dir, names)
    out = []
    for var, where in sorted(stray.items()):
        part = var.rsplit("_", 1)[1]
        value = (os.environ if where == "the environment" else env_file_vars(ctx.project_dir)).get(var)
        if part == "PASSWORD" and value:
            Secret(value)  # registered, so the rename's diff masks it
        stems = {env_var_stem(n): n for n in names}
        close = difflib.get_close_matches(var[: -len(part) - 1], list(stems), n=1, cutoff=0.6)
        message = f"{var} (in {where}) belongs to no index, so uv never reads it"
        if not close:
            out.append(Check("env-var-name", "warn", message + ".", var,
                             fix="Name it after an index: UV_INDEX_<NAME>_" + part + "."))
            continue
        name, right = stems[close[0]], f"{close[0]}_{part}"
        message += f": the index {name!r} reads {right}."
        if where == ".env":
            out.append(Check("env-var-name", "warn", message, var, fix=f"Rename it to {right} in .env.",
                             fixer=partial(_rename_env_var, ctx.project_dir, var, right)))
        else:
            out.append(Check("env-var-name", "warn", message, var, fix=f"Rename it to {right} where it is set."))
    dotenv = env_file_vars(ctx.project_dir)
    for name in dict.fromkeys(names):
        password, username = index_env_var(name, "PASSWORD"), index_env_var(name, "USERNAME")
        set_in = "the environment" if os.environ.get(password) else ".env" if dotenv.get(password) else None
        if set_in and not (os.environ.get(username) or dotenv.get(username)):
            out.append(Check("env-var-name", "warn",
                             f"{password} (in {set_in}) is set without {username}, and uv sends the password only "
                             "with the username from that variable, so the index gets no credential.", password,
                             fix=f"Set {username} beside it, to the username the registry gave with the password."))
    return out or [Check("env-var-name", "ok", "Every UV_INDEX_*_USERNAME/PASSWORD variable names an index.")]


def _rename_env_var(project_dir: Path, old: str, new: str) -> Plan:
    from .plan import edit_file
    from .targets import env_file

    path = project_dir / ".env"
    plan = _fix_plan(f"rename {old}", project_dir)
    plan.changes.append(edit_file(path, lambda text: env_file.rename_var(text, path=path, old=old, new=new),
                                  holds_secret=True, summary=f"{old} → {new}"))
    return plan


@_check
def index_name_collisions(ctx: _Context) -> list[Check]:
    by_stem: dict[str, list[FoundIndex]] = {}
    for index in ctx.uv_indexes:
        group = by_stem.setdefault(env_var_stem(index.name), [])
        if index.name not in [i.name for i in group]:
            group.append(index)
    out = []
    taken = [i.name for i in ctx.uv_indexes]
    for stem, group in by_stem.items():
        if len(group) < 2:
            continue
        names = " and ".join(repr(i.name) for i in group)
        message = f"The indexes {names} both read {stem}_USERNAME/_PASSWORD, so one gets the other's credentials."
        # The first keeps its name (and its variables); the later one moves to a free name.
        later = group[-1]
        if later.scope == "environment":
            out.append(Check("index-name-collision", "fail", message, later.name,
                             fix=f"Rename {later.name!r} in $UV_INDEX, and the [tool.uv.sources] entries that name it."))
            continue
        new = _free_name(later.name, taken)
        out.append(Check("index-name-collision", "fail", message, later.name,
                         fix=f"Rename {later.name!r} to {new!r} in {paths.shown(later.source)}, with the "
                             "[tool.uv.sources] entries that name it.",
                         fixer=partial(_rename_index, ctx.project_dir, later, new)))
    return out or [Check("index-name-collision", "ok", "No two index names share environment variables.")]


def _rename_index(project_dir: Path, index: FoundIndex, new: str) -> Plan:
    from .plan import edit_file
    from .targets import uv_config

    path = index.source
    plan = _fix_plan(f"rename {index.name}", project_dir)
    plan.changes.append(edit_file(path, lambda text: uv_config.rename_index(
        text, path=path, in_pyproject=path.name == "pyproject.toml", old=index.name, new=new,
    ), summary=f"index {index.name!r} → {new!r}"))
    plan.notes.append(
        f"From now on uv reads {index_env_var(new, 'USERNAME')} and {index_env_var(new, 'PASSWORD')} for "
        f"{new!r}; secrets kept by URL (uv's store, the keyring, ~/.netrc) are unaffected."
    )
    return plan


_SIMPLE = re.compile(r"/\+?simple/?$")


@_check
def index_hosts(ctx: _Context) -> list[Check]:
    """A host uv must read as an IPv4 address that is none (999.1.1.1): uv refuses the whole config over it."""
    out = []
    for index in ctx.found.indexes:
        host = urlsplit(index.plain_url).hostname or ""
        why = ipv4_problem(host) if host else None
        if why:
            out.append(Check("index-host", "fail",
                             f"{index.name!r} points at {index.plain_url}, whose host uv reads as an IPv4 address, "
                             f"and it is none ({why}): every uv command fails while it is configured.", index.name,
                             fix=f"Correct the host in {paths.shown(index.source)}."))
    return out or [Check("index-host", "ok", "Every index's host is a name or a valid address.")]


@_check
def simple_path(ctx: _Context) -> list[Check]:
    out = []
    for index in ctx.uv_indexes:
        path = urlsplit(index.plain_url).path
        if _SIMPLE.search(path) or index.plain_url.startswith("file:"):
            continue
        url = index.url.rstrip("/") + "/simple/"
        message = (f"{index.name!r} points at {index.plain_url}, which lacks the /simple/ part where registries "
                   "serve the package index, so uv gets 404s or a web page.")
        fixer = None if index.scope == "environment" else (
            lambda index=index, url=url: _edit_uv_config(index, f"/simple/ in {index.name!r}'s URL", ctx.project_dir, url=url))
        out.append(Check("simple-path", "warn", message, index.name, fix=f"Set the URL to {url}.", fixer=fixer))
    return out or [Check("simple-path", "ok", "Every index URL ends in /simple/.")]


@_check
def publish_url(ctx: _Context) -> list[Check]:
    """A publish-url that cannot take uploads; found without uploading anything."""
    out = []
    for index in ctx.uv_indexes:
        if not index.publish_url:
            continue
        parts = urlsplit(index.publish_url)
        publish = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        if publish.rstrip("/") == index.plain_url.rstrip("/"):
            problem = "is the index URL itself, where registries serve downloads, not uploads"
        elif _SIMPLE.search(urlsplit(publish).path):
            problem = "ends in simple/, the download page, so every upload gets 404 or 405"
        elif not ctx.offline and _answers_404(ctx, index, publish):
            problem = "answers 404 to a plain GET, so uploads there get 404 too"
        else:
            continue
        upload = upload_url_for(index.plain_url)
        out.append(Check(
            "publish-url", "warn", f"{index.name!r}'s publish-url {publish} {problem}.", index.name,
            fix=f"Set publish-url to the registry's upload URL, usually {upload} (devpi: /USER/INDEX/).",
        ))
    return out or [Check("publish-url", "ok", "Every publish-url is an upload URL, not a download page.")]


def _answers_404(ctx: _Context, index: FoundIndex, url: str) -> bool:
    from .validate import status_of

    credentials = ctx.credentials_of(index)
    if credentials:  # GitLab answers 404 to a request without credentials
        return status_of(url, credentials[0].username or "", credentials[0].secret) == 404
    return status_of(url) == 404


@_check
def credentials_in_url(ctx: _Context) -> list[Check]:
    out = []
    for index in ctx.uv_indexes:
        if index.embedded is None:
            continue
        where = paths.shown(index.source)
        message = f"The password for {index.name!r} is written into its URL in {where}, where anyone who reads it sees it."
        if index.scope == "environment":
            # uv reads the variables only for a named index, and the password only beside the username.
            named = index.name != urlsplit(index.plain_url).hostname
            variables = " and ".join(index_env_var(index.name if named else "NAME", part)
                                     for part in ("USERNAME", "PASSWORD"))
            out.append(Check("credentials-in-url", "fail", message, index.name,
                             fix=f"Take it out of {where} and set {variables} instead"
                                 + ("." if named else " (with the index named: NAME=URL).")))
            continue
        store = _safe_store(index)
        out.append(Check("credentials-in-url", "fail", message, index.name,
                         fix=f"Move it to {'uv’s credential store' if store == 'uv' else '~/.netrc'} and keep only the username in the URL.",
                         fixer=partial(_move_secret, ctx.project_dir, index, store)))
    return out or [Check("credentials-in-url", "ok", "No uv config file holds a password.")]


def _safe_store(index: FoundIndex) -> str:
    parts = urlsplit(index.plain_url)
    uv_ok = userpath.which("uv") and (parts.scheme == "https" or is_loopback(parts.hostname or ""))
    return "uv" if uv_ok else "netrc"


def _move_secret(project_dir: Path, index: FoundIndex, store: str) -> Plan:
    from .plan import edit_file
    from .targets import netrc_file

    plan = _edit_uv_config(index, f"password out of {index.name!r}'s URL", project_dir)
    if store == "uv":
        plan.secret_writes.append(SecretWrite("uv", index.plain_url, index.username, index.embedded))
    else:
        # credentials-in-url found a password in this URL, and the URL was checked to have a host.
        path, host, secret = paths.netrc(), urlsplit(index.plain_url).hostname or "", index.embedded
        assert secret is not None
        plan.changes.append(edit_file(path, lambda text: netrc_file.set_machine(
            text, path=path, host=host, login=index.username, password=secret.reveal(),
        ), holds_secret=True, summary=f"machine {host}"))
    return plan


_USERINFO = re.compile(r"(?P<scheme>https?://)(?P<user>[^/@\s\"':]+):(?P<password>[^/@\s\"']+)@")


@_check
def credentials_in_lock(ctx: _Context) -> list[Check]:
    path = ctx.project_dir / "uv.lock"
    text = read_text(path, [])
    if not text or not _USERINFO.search(text):
        return [Check("credentials-in-lock", "ok", "uv.lock holds no credentials.")]
    for match in _USERINFO.finditer(text):
        Secret(match["password"])  # registered, so every message and diff masks it
    return [Check(
        "credentials-in-lock", "fail",
        "uv.lock holds a password inside an index URL, and uv.lock is committed: anyone with the repository has it.",
        "uv.lock", fix="Remove the passwords from uv.lock's URLs, then rotate that secret.",
        fixer=lambda: _strip_lock(ctx.project_dir, path),
    )]


def _strip_lock(project_dir: Path, path: Path) -> Plan:
    from .plan import edit_file

    plan = _fix_plan("passwords out of uv.lock", project_dir)
    plan.changes.append(edit_file(path, lambda text: _USERINFO.sub(lambda m: m["scheme"], text),
                                  summary="passwords removed from URLs"))
    return plan


@_check
def pip_only_indexes(ctx: _Context) -> list[Check]:
    from .targets.pip_conf import same_index

    out = []
    for index in (i for i in ctx.found.indexes if i.pip_only):
        if any(same_index(index.plain_url, other.plain_url) for other in ctx.uv_indexes):
            continue
        host_label = re.sub(r"[^A-Za-z0-9._-]", "-", index.name.split(".")[0]).strip("-._") or "private"
        name = _free_name(host_label, [i.name for i in ctx.uv_indexes])
        out.append(Check(
            "pip-only-index", "warn",
            f"{index.plain_url} is only in [tool.uv.pip] of {paths.shown(index.source)}: `uv pip` uses it, "
            "but `uv lock`, `uv sync` and `uv add` ignore it.", index.plain_url,
            fix=f"Add it as [[tool.uv.index]] name = {name!r}.",
            fixer=partial(_edit_uv_config,
                          FoundIndex(name, index.url, index.source, "uv", index.scope, "", index.keyring_provider),
                          f"index {name!r}", ctx.project_dir),
        ))
    return out or [Check("pip-only-index", "ok", "No index is set for `uv pip` alone.")]


def _free_name(name: str, taken: list[str]) -> str:
    """``name``, or ``name-2``, ``name-3``…: the first whose variables no index in ``taken`` reads."""
    candidate, n = name, 2
    while any(env_var_stem(candidate) == env_var_stem(t) for t in taken):
        candidate, n = f"{name}-{n}", n + 1
    return candidate


@_check
def user_scope(ctx: _Context) -> list[Check]:
    from .targets.pip_conf import same_index

    user = [i for i in ctx.uv_indexes if i.scope == "user"]
    out = []
    for index in (i for i in ctx.uv_indexes if i.scope == "project"):
        if any(same_index(index.plain_url, u.plain_url) for u in user):
            continue
        target = paths.user_uv_toml()
        out.append(Check(
            "user-scope", "info",
            f"{index.name!r} is set in {paths.shown(index.source)} only: `uvx` and `uv tool install` run outside "
            "the project and do not see it.", index.name,
            fix=f"Copy it to {paths.shown(target)} if you install tools from it.",
            fixer=partial(_edit_uv_config, index, f"{index.name!r} for uvx and uv tool", ctx.project_dir,
                          target=target),
        ))
    return out or [Check("user-scope", "ok", "uvx and uv tool see every index.")]


@_check
def pip_conf_shadowed(ctx: _Context) -> list[Check]:
    from .targets import pip_conf

    files = ctx.found.pip_files
    values = {}
    for path in files:
        text = read_text(path, []) or ""
        try:
            values[path] = {
                option: pip_conf.get_option(text, path=path, section="global", option=option)
                for option in ("index-url", "extra-index-url")
            }
        except UserError:
            continue
    out = []
    # While PIP_CONFIG_FILE names a file that exists, pip reads it instead of the user files.
    override = os.environ.get("PIP_CONFIG_FILE")
    read = [p for p in files if p == Path(override)] if override and os.path.exists(override) else files
    # What pip uses: each option from the last file that sets it.
    used = [url for option in ("index-url", "extra-index-url")
            for p in [p for p in read if p in values and values[p][option]][-1:]
            for url in (values[p][option] or "").split()]

    def lost_from(path: Path, option: str) -> list[str]:
        return [u for u in (values[path][option] or "").split() if not any(pip_conf.same_index(u, k) for k in used)]

    for option in ("index-url", "extra-index-url"):
        setting = [p for p in read if p in values and values[p][option]]
        if len(setting) < 2:
            continue
        winner = setting[-1]
        for loser in setting[:-1]:
            lost = lost_from(loser, option)
            if not lost:
                continue
            message = (f"pip reads {paths.shown(loser)} before {paths.shown(winner)}, so the {option} of the first "
                       f"({', '.join(_masked_url(u) for u in lost)}) is replaced by the second's and never used.")
            out.append(_shadowed(ctx, message, loser, winner, option, lost))
    for ignored in (p for p in files if p not in read and p in values):
        for option in ("index-url", "extra-index-url"):
            lost = lost_from(ignored, option) if values[ignored][option] else []
            if not lost:
                continue
            message = (f"pip does not read {paths.shown(ignored)} at all while PIP_CONFIG_FILE={override}, so its "
                       f"{option} ({', '.join(_masked_url(u) for u in lost)}) is never used.")
            if read:
                out.append(_shadowed(ctx, message, ignored, read[-1], option, lost))
            else:  # PIP_CONFIG_FILE=/dev/null: no pip config file at all, on purpose or not
                out.append(Check("pip-conf-shadowed", "warn", message, paths.shown(ignored),
                                 fix="Unset PIP_CONFIG_FILE where pip runs, or name a file that sets these URLs."))
    return out or [Check("pip-conf-shadowed", "ok", "No pip.conf hides another's index settings.")]


def _shadowed(ctx: _Context, message: str, loser: Path, winner: Path, option: str, lost: list[str]) -> Check:
    if option == "index-url":
        return Check("pip-conf-shadowed", "warn", message, paths.shown(loser),
                     fix=f"Keep one index-url: move the other to extra-index-url in {paths.shown(winner)}.")
    return Check("pip-conf-shadowed", "warn", message, paths.shown(loser),
                 fix=f"Add those URLs to {paths.shown(winner)}'s extra-index-url.",
                 fixer=lambda: _merge_pip(ctx.project_dir, winner, lost))


def _masked_url(url: str) -> str:
    return split_password(url)[0]


def _merge_pip(project_dir: Path, winner: Path, urls: list[str]) -> Plan:
    from .plan import edit_file
    from .targets import pip_conf

    def edit(text: str) -> str:
        for url in urls:
            text = pip_conf.add_extra_index(text, path=winner, url=url)
        return text

    plan = _fix_plan("pip.conf extra-index-url merged", project_dir)
    plan.changes.append(edit_file(winner, edit, holds_secret=any("@" in u for u in urls), summary="extra-index-url merged"))
    return plan


@_check
def token_expiry(ctx: _Context) -> list[Check]:
    from . import expiry

    out = []
    for token in expiry.recorded():
        index = next((i for i in ctx.uv_indexes if i.plain_url == token.url), None)
        if index is None:
            continue
        left = token.remaining(ctx.now)
        if left > expiry.SOON:
            out.append(Check("token-expiry", "ok", f"The token for {index.name!r} {token.describe(ctx.now)}.", index.name))
            continue
        verdict = "fail" if left.total_seconds() <= 0 else "warn"
        out.append(Check(
            "token-expiry", verdict,
            f"The token for {index.name!r} (minted for {token.identity}) {token.describe(ctx.now)}: rotate it now.",
            index.name, fix=f"ar-wizard rotate --index {index.name}", fixer=_remint(index.name, ctx.project_dir),
        ))
    return out or [Check("token-expiry", "skipped", "No token minted by ar-wizard is in use, so no expiry is known.")]


_READ_PERMISSION = {
    "gcp": "roles/artifactregistry.reader on the repository",
    "aws": "codeartifact:GetAuthorizationToken, codeartifact:ReadFromRepository and sts:GetServiceBearerToken "
           "in its IAM policy",
}


def _remint(name: str, project_dir: Path) -> Callable[[], Plan] | None:
    """A rotation with a freshly minted token, for registries whose tokens ar-wizard can mint."""

    def build() -> Plan:
        """The rotation, only once the fresh token is accepted: a refused one is a finding, never "fixed"."""

        from . import rotate
        from .mint import mint_token
        from .validate import validate_draft

        draft = rotate.draft_for(rotate.find(name, project_dir), project_dir)
        minted = mint_token(draft.provider, key_file=Path(draft.key_file) if draft.key_file else None,
                            fields=draft.fields)
        draft = replace(draft, secret=minted.secret, minted=minted)
        verdict = validate_draft(draft)
        if not verdict.ok:
            # The provider's reading of the status blames the token; a fresh one rules that out, so
            # what is left is who the token is for and what that identity may do.
            code = f" ({verdict.status})" if verdict.status else ""
            raise ValidationFailed(
                f"A token minted just now for {minted.identity} is refused too{code}, so the token is not the "
                f"problem and nothing was written: {minted.identity} lacks {_READ_PERMISSION[draft.provider]}, "
                "or the index URL names another repository; grant the permission (or fix the URL) and run doctor again."
            )
        # Checked here, so that every front end applies only a token the index took.
        return rotate.plan_rotation(replace(draft, validate=False))

    return build


@_check
def private_ca(ctx: _Context) -> list[Check]:
    """An index only a private CA vouches for (through SSL_CERT_FILE/SSL_CERT_DIR, which uv reads): pip and
    twine must trust that CA by their own settings, or they fail where uv and this check pass."""
    from . import network, tls_trust
    from .credentials import pip_cli
    from .targets import pip_conf, pypirc

    clients = [i for i in ctx.found.indexes if i.tool in ("pip", "twine") and i.plain_url.startswith("https://")]
    if ctx.offline:
        return [Check("private-ca", "skipped", "Not checked: --offline.")]
    if not clients or not network.custom_trust():
        return [Check("private-ca", "ok", "No index of pip or twine depends on SSL_CERT_FILE or SSL_CERT_DIR.")]
    cas: dict[str, tls_trust.PrivateCA | None] = {}
    out = []
    for index in clients:
        origin = index.plain_url.split("/", 3)[2]
        if origin not in cas:
            cas[origin] = tls_trust.private_ca_for(index.plain_url)
        ca = cas[origin]
        if ca is None:
            continue
        where = f"{ca.variable} ({paths.shown(ca.path)})"
        if index.tool == "twine":
            variable = next((v for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") if os.environ.get(v)), "")
            text = index.source.read_text(encoding="utf-8")
            options = pypirc.repositories(text, path=index.source).get(index.name, {})
            bundle = os.environ[variable] if variable else options.get("ca_cert", "")
            if bundle and tls_trust.requests_bundle_trusts(index.plain_url, bundle):
                out.append(Check("private-ca", "ok", f"twine trusts {index.name!r}'s CA ({variable or 'ca_cert'}).",
                                 index.name))
            elif variable:
                out.append(Check("private-ca", "fail",
                                 f"twine cannot verify {index.plain_url}: only {where} holds its CA, and requests uses "
                                 f"{variable} ({os.environ[variable]}) before any ca_cert.", index.name,
                                 fix=f"Point {variable} at {ca.path}, or unset it."))
            else:
                fixer = partial(_pypirc_ca_cert, index, options, str(ca.path), ctx.project_dir)
                out.append(Check("private-ca", "fail",
                                 f"twine cannot verify {index.plain_url}: only {where} holds its CA, which requests "
                                 f"ignores, and [{index.name}] in {paths.shown(index.source)} has no ca_cert.",
                                 index.name, fix=f"Add ca_cert = {ca.path} to [{index.name}].", fixer=fixer))
            continue
        pip = pip_cli.executable(ctx.project_dir)
        version = pip_cli.version_of(pip) if pip else None
        cert = pip_conf.get_option(index.source.read_text(encoding="utf-8"), path=index.source, section="global",
                                   option="cert")
        if version is not None and tls_trust.pip_trusts_ssl_cert_file(version):
            out.append(Check("private-ca", "ok", f"pip trusts {index.plain_url}'s CA through {ca.variable}.", index.name))
        elif cert and tls_trust.requests_bundle_trusts(index.plain_url, cert):
            out.append(Check("private-ca", "ok", f"pip trusts {index.plain_url}'s CA (cert in pip.conf).", index.name))
        elif ca.variable == "SSL_CERT_FILE":
            out.append(Check("private-ca", "fail",
                             f"pip cannot verify {index.plain_url}: only {where} holds its CA, which this pip does not "
                             "read.", index.name,
                             fix=f"Set cert = {ca.path} in [global] of {paths.shown(index.source)} (a full bundle), "
                                 "or upgrade pip to 24.2 or later and add the CA to the system store.",
                             fixer=partial(_pip_cert, index, str(ca.path), ctx.project_dir)))
        else:
            out.append(Check("private-ca", "fail",
                             f"pip cannot verify {index.plain_url}: only {where} holds its CA, which this pip does not "
                             "read.", index.name,
                             fix="Add the CA to the system store (pip 24.2 and later use it), or set cert in pip.conf "
                                 "to a bundle file."))
    return out or [Check("private-ca", "ok", "Every index of pip and twine is vouched for by a public CA.")]


def _pypirc_ca_cert(index: FoundIndex, options: dict, bundle: str, project_dir: Path) -> Plan:
    from .plan import edit_file
    from .targets import pypirc

    plan = _fix_plan(f"ca_cert for {index.name!r}", project_dir)
    plan.changes.append(edit_file(index.source, lambda content: pypirc.set_repository(
        content, path=index.source, name=index.name, repository_url=options.get("repository", ""),
        username=options.get("username", ""), password=options.get("password"), ca_cert=bundle,
    ), holds_secret=True, summary=f"ca_cert in [{index.name}]"))
    return plan


def _pip_cert(index: FoundIndex, bundle: str, project_dir: Path) -> Plan:
    from .plan import edit_file
    from .targets import pip_conf

    plan = _fix_plan("cert for pip", project_dir)
    plan.changes.append(edit_file(index.source, lambda content: pip_conf.set_cert(content, path=index.source,
                                                                                  cert=bundle), summary="cert for pip"))
    return plan


@_check
def credentials_accepted(ctx: _Context) -> list[Check]:
    """The live check: each index answers with the credential uv (or Poetry, or PDM, for their sources) would send."""
    indexes = [i for i in ctx.uv_indexes + _tool_sources(ctx) if i.plain_url.startswith(("http://", "https://"))]
    # The same index in the project and in the user's config (after the user-scope fix) is one index
    # to its tool, which uses the first definition of a name: one live check, one line.
    indexes = [i for n, i in enumerate(indexes) if (i.tool, i.name) not in {(j.tool, j.name) for j in indexes[:n]}]
    if ctx.offline:
        return [Check("credentials-accepted", "skipped", "Not checked: --offline.")]
    if not indexes:
        return [Check("credentials-accepted", "skipped", "No index to check.")]
    from concurrent.futures import ThreadPoolExecutor

    for index in indexes:
        ctx.credentials_of(index)  # subprocesses, once, before the threads share the cache
    with ThreadPoolExecutor(max_workers=min(8, len(indexes))) as pool:
        # Several indexes take about as long as the slowest, not the sum.
        return list(pool.map(lambda index: _live(ctx, index), indexes))


def _live(ctx: _Context, index: FoundIndex) -> Check:
    from .mint import can_mint
    from .validate import check_index

    credentials = ctx.credentials_of(index)
    if not credentials and is_public_index(index.plain_url):
        return Check("credentials-accepted", "ok",
                     f"{index.name!r} is a public index ({urlsplit(index.plain_url).hostname}): it needs no credentials.",
                     index.name)
    username, _ = username_for(index, ctx.project_dir)
    secret, where = None, "no credential"
    if credentials:
        username, secret, where = credentials[0].username or username, credentials[0].secret, credentials[0].where
    elif index.keyring_provider == "subprocess" and _explicit_username(index, ctx.project_dir):
        answer = ctx.keyring_answer(index, username)
        if answer.timed_out:
            return Check("credentials-accepted", "skipped",
                         f"{index.name!r} not checked: the keyring gave no answer in time (keyring-slow).", index.name)
        secret, where = answer.secret, "the keyring"
        if secret is None:
            # No live request: uv would send nothing, and a plugin's cloud that did not answer the keyring
            # rarely answers the index either; the sign-in is what to do.
            said = f" ({answer.reason})" if answer.reason else ""
            provider = providers.get(index.provider)
            return Check("credentials-accepted", "fail",
                         f"{index.name!r}: the keyring returned nothing{said}, so uv and pip send no credential.",
                         index.name, fix=provider.sign_in or f"ar-wizard rotate --index {index.name}")
    provider = providers.get(index.provider)
    verdict = check_index(index.plain_url, username, secret, explain=lambda status: provider.explain_status(
        status, url=index.plain_url, username=username, publish=bool(index.publish_url)))
    # Poetry and PDM send a configured credential with the first request; only uv waits to be asked.
    if verdict.ok and verdict.unasked and index.tool == "uv" and index.authenticate != "always" and not index.pip_only:
        # The probe sent the credential unasked; uv waits for a 401 this server never sends.
        return Check("credentials-accepted", "fail",
                     f"{index.name!r} accepts the credential from {where}, but the server never asks for it (no 401), "
                     "and uv sends stored credentials only when asked: uv gets a sign-in page or nothing.",
                     index.name, fix=f'Add authenticate = "always" to the index {index.name!r} in {paths.shown(index.source)}.')
    if verdict.ok:
        took = f"accepts the credential from {where}" if secret is not None else "answers without a credential"
        return Check("credentials-accepted", "ok", f"{index.name!r} {took}.", index.name)
    rejected = verdict.status in (401, 403) or (verdict.status == 404 and index.provider == "aws")
    message = f"{index.name!r} ({where}): {verdict.message}"
    if not rejected:
        return Check("credentials-accepted", "fail", message, index.name, fix="Check the URL and the network, then run doctor again.")
    if secret is None and where.startswith("the keyring"):
        return Check("credentials-accepted", "fail",
                     f"{index.name!r}: uv sends no credential because {where}; {index.plain_url} asks for one.",
                     index.name, fix=provider.sign_in or f"ar-wizard rotate --index {index.name}")
    if secret is None:
        return Check("credentials-accepted", "fail",
                     f"This machine holds no credentials for {index.name!r} yet, and {index.plain_url} asks for them.",
                     index.name, fix=f"Run ar-wizard and add your credentials for {index.name!r}.")
    from . import expiry

    minted = expiry.for_url(index.plain_url)  # a proxy URL hides the provider the token was minted for
    mint_with = minted.provider if minted is not None and minted.provider else index.provider
    fixer = _remint(index.name, ctx.project_dir) if credentials and can_mint(mint_with) else None
    return Check("credentials-accepted", "fail", message, index.name, fix=f"ar-wizard rotate --index {index.name}",
                 fixer=fixer)


# -- Poetry and PDM sources ------------------------------------------------------------


def _tool_sources(ctx: _Context, tools: tuple[str, ...] = ("poetry", "pdm")) -> list[FoundIndex]:
    return [i for i in ctx.found.indexes if i.tool in tools]


def _tool_title(index: FoundIndex) -> str:
    return "Poetry" if index.tool == "poetry" else "PDM"


def _edit_source(project_dir: Path, index: FoundIndex, label: str, *, url: str | None = None,
                 values: dict[str, str] | None = None) -> Plan:
    """A plan that sets the Poetry or PDM source ``index`` to ``url`` (default: its URL as written) and ``values``."""
    from . import project_tools
    from .plan import edit_file
    from .targets import toml_tables

    table = project_tools.POETRY_SOURCES if index.tool == "poetry" else project_tools.PDM_SOURCES
    path = index.source

    def edit(content: str) -> str:
        entry = next(e for e in toml_tables.read_entries(content, path=path, table=table) if e.get("name") == index.name)
        return toml_tables.set_entry(content, path=path, table=table, name=index.name,
                                     url=url or str(entry.get("url", "")), values=values)

    plan = _fix_plan(label, project_dir)
    plan.changes.append(edit_file(path, edit, summary=label))
    return plan


@_check
def source_credentials(ctx: _Context) -> list[Check]:
    """A Poetry or PDM source with no credential on this machine: the tool gets a 401 (or stops to ask)."""
    sources = _tool_sources(ctx)
    if not sources:
        return [Check("source-credentials", "skipped", "No Poetry or PDM source is configured.")]
    out = []
    for index in sources:
        if index.embedded is not None or is_public_index(index.plain_url):
            continue  # source-password-inline speaks for the first; the second needs none
        if any(c.secret is not None for c in ctx.credentials_of(index)):
            continue
        tool = _tool_title(index)
        looked = ("POETRY_HTTP_BASIC_* variables, Poetry's auth.toml, its keyring entry and ~/.netrc"
                  if index.tool == "poetry" else
                  "the variables its URL names, PDM's config, its keyring entry and ~/.netrc")
        out.append(Check(
            "source-credentials", "warn",
            f"{tool}'s source {index.name!r} has no credentials on this machine (looked in {looked}), "
            f"so {tool} gets a 401 from it or stops to ask for a password.",
            index.name,
            fix=f"ar-wizard setup --index {index.name} --username USER --password-stdin --store keyring "
                "(adds your credentials for the configured source)",
        ))
    return out or [Check("source-credentials", "ok", "Every Poetry and PDM source has credentials on this machine.")]


@_check
def source_password_inline(ctx: _Context) -> list[Check]:
    """A password written into a Poetry or PDM source URL in pyproject.toml, which is committed with the project."""
    out = []
    for index in _tool_sources(ctx):
        if index.embedded is None:
            continue
        tool, where = _tool_title(index), paths.shown(index.source)
        if index.tool == "pdm":
            fix = "Move it to .env and name it in the URL as ${PDM_SOURCE_…_PASSWORD}, which PDM expands there."
        else:
            fix = "Move it to Poetry's auth.toml (http-basic) and keep the URL plain."
        out.append(Check("source-password-inline", "fail",
                         f"The password for {tool}'s source {index.name!r} is written into its URL in {where}, "
                         "where everyone who can read the project sees it.",
                         index.name, fix=fix, fixer=partial(_move_source_secret, ctx.project_dir, index)))
    return out or [Check("source-password-inline", "ok", "No Poetry or PDM source URL holds a password.")]


def _move_source_secret(project_dir: Path, index: FoundIndex) -> Plan:
    from . import project_tools
    from .plan import edit_file
    from .targets import env_file, toml_tables

    secret = index.embedded
    assert secret is not None  # source-password-inline offers this fix only for such a URL
    label = f"password out of {index.name!r}'s URL"
    if index.tool == "pdm":
        plan = _edit_source(project_dir, index, label, url=project_tools.pdm_url_with_vars(index.plain_url, index.name))
        env_path, gitignore = project_dir / ".env", project_dir / ".gitignore"
        values = {project_tools.pdm_env_var(index.name, "USERNAME"): index.username,
                  project_tools.pdm_env_var(index.name, "PASSWORD"): secret.reveal()}
        plan.changes.append(edit_file(env_path, lambda text: env_file.set_vars(text, path=env_path, values=values),
                                      holds_secret=True, summary="PDM_SOURCE_* credentials"))
        plan.changes.append(edit_file(gitignore, lambda text: env_file.ensure_ignored(text, entry=".env"),
                                      summary="ignore .env"))
        return plan
    plan = _edit_source(project_dir, index, label, url=index.plain_url)
    auth = paths.poetry_auth_toml()
    plan.changes.append(edit_file(auth, lambda text: toml_tables.set_table(
        text, path=auth, table=project_tools.poetry_http_basic(index.name),
        values={"username": index.username, "password": secret.reveal()},
    ), holds_secret=True, summary=f"http-basic.{index.name} for Poetry"))
    return plan


@_check
def source_hides_pypi(ctx: _Context) -> list[Check]:
    """A Poetry source that is primary (the default when no priority is given) turns PyPI off.

    ``poetry/factory.py`` ``create_pool``: PyPI is added only when no source is primary, unless a source is
    named PyPI; so every public dependency must then come from the private index, or fails to resolve."""
    from . import project_tools
    from .targets import toml_tables

    sources = _tool_sources(ctx, ("poetry",))
    if not sources:
        return [Check("source-hides-pypi", "skipped", "No Poetry source is configured.")]
    path = sources[0].source
    try:
        entries = toml_tables.read_entries(path.read_text(encoding="utf-8-sig"), path=path,
                                           table=project_tools.POETRY_SOURCES)
    except (OSError, UserError):
        entries = []
    if any(str(e.get("name", "")).lower() == "pypi" for e in entries):
        return [Check("source-hides-pypi", "ok", "PyPI is one of the project's Poetry sources.")]
    out = []
    for index in sources:
        if index.priority not in ("", "primary", "default"):
            continue
        set_as = f'priority = "{index.priority}"' if index.priority else "no priority, which Poetry reads as primary"
        out.append(Check(
            "source-hides-pypi", "warn",
            f"Poetry's source {index.name!r} has {set_as}, so Poetry stops asking PyPI: every public package must "
            "then come from the private index.",
            index.name,
            fix=f'Set priority = "{project_tools.POETRY_PRIORITY}" on {index.name!r} (PyPI first, this index for '
                'what PyPI lacks), or "explicit" to use it only for packages pinned to it.',
            fixer=partial(_edit_source, ctx.project_dir, index, f"priority of {index.name!r}",
                          values={"priority": project_tools.POETRY_PRIORITY}),
        ))
    return out or [Check("source-hides-pypi", "ok", "No Poetry source turns PyPI off.")]


# -- rendering -----------------------------------------------------------------------

_MARKS = {"ok": "✓", "info": "i", "skipped": "-", "warn": "!", "fail": "✗"}


def render(report: Report, *, verbose: bool = False) -> str:
    """The report for a terminal: findings first, with their fixes; passing checks when ``verbose``."""
    lines = []
    for check in sorted(report.checks, key=lambda c: VERDICTS.index(c.verdict)):
        if check.verdict in ("ok", "skipped") and not verbose:
            continue
        lines.append(f"{_MARKS[check.verdict]} {check.verdict:<4} {check.id}: {check.message}")
        if check.fix and check.verdict != "ok":
            # --fix applies the fixes of findings only; an info check's plan is the wizard's to offer.
            lines.append(f"         fix: {check.fix}" + ("  (ar-wizard doctor --fix)" if check.fixer and check.finding else ""))
    passed = sum(c.verdict == "ok" for c in report.checks)
    def counted(n: int, noun: str) -> str:
        return f"{n} {noun}{'' if n == 1 else 's'}"

    summary = (f"{counted(len(report.findings), 'finding')}, {counted(passed, 'check')} passed." if report.findings
               else f"Healthy: {counted(passed, 'check')} passed, nothing to fix.")
    lines.append(summary)
    return mask("\n".join(lines)) + "\n"

