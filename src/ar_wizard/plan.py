"""Draft → plan: the exact bytes of every file to change and every secret to store.

Nothing here writes; ``apply.py`` carries a plan out. Both front ends call
``build_plan`` so the same answers always produce the same files.
"""

from __future__ import annotations

import configparser
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import paths, project_plans, providers, shells, userpath
from .changes import edit_file
from .credentials import keyring_backend, keyring_cli, keyring_setup, pip_cli, uv_store
from .discover import discover, read_text
from .errors import UserError
from .model import Draft, FileChange, Plan, Secret, SecretWrite
from .naming import check_index_name, index_env_var
from .project_tools import PROJECT_TOOLS
from .providers.azure import NONINTERACTIVE_NOTE
from .providers.base import check_username, is_loopback
from .rotate import plan_rotation
from .stores import STORE_TITLES, check_store
from .targets import env_file, netrc_file, pip_conf, pypirc, text, uv_config
from .urls import with_userinfo


@dataclass(frozen=True)
class Resolved:
    """The draft's answers made concrete: URLs, the username, the tools."""

    simple_url: str
    upload_url: str
    username: str
    publish: bool
    keyring: bool  # uv and pip look the credential up with `keyring get`
    warnings: tuple[str, ...]


def resolve(draft: Draft, *, need_secret: bool = True) -> Resolved:
    """``need_secret=False`` is for what only names the secret (CI snippets), never holds it: there an
    unknown username is "" too, and the snippet takes it from the CI's variables like the secret."""
    provider = providers.get(draft.provider)
    urls = provider.urls(draft.fields)
    username = draft.username or provider.default_username(draft.auth) or ""
    if not username and need_secret:
        raise UserError("No username given: pass --username (the one the registry gave with the token).",
                        in_wizard="No username given: type it in Username on the Auth screen.")
    check_username(username)
    if draft.auth == "service-account-key" and draft.provider != "gcp":
        raise UserError("--auth service-account-key is for Google Artifact Registry (--provider gcp) only.")
    if need_secret and draft.stores_secret and draft.secret is None:
        raise UserError("No secret given: pass it with --password-stdin or --token-env VAR.",
                        in_wizard="No secret given: type or paste it on the Credentials screen.")
    return Resolved(
        simple_url=urls.simple,
        upload_url=urls.upload,
        username=username,
        publish=draft.publish or "twine" in draft.targets or "hatch" in draft.targets,
        keyring=draft.auth == "keyring" or draft.store == "keyring",
        warnings=urls.warnings,
    )


#: Clients that send HTTP Basic auth through requests, which encodes the username and password as Latin-1.
_LATIN1_CLIENTS = ("pip", "twine", "poetry")


def _check_sendable(draft: Draft, r: Resolved) -> None:
    """Refuse, before writing, a username or secret a chosen client cannot send (uv sends UTF-8; requests, Latin-1)."""
    clients = [tool for tool in draft.targets if tool in _LATIN1_CLIENTS]
    if not clients:
        return
    values = [("username", r.username)]
    if draft.secret is not None:
        values.append(("secret", draft.secret.reveal()))
    for what, value in values:
        try:
            value.encode("latin-1")
        except UnicodeEncodeError:
            names = ", ".join(clients[:-1]) + " and " + clients[-1] if len(clients) > 1 else clients[0]
            why = (f"{names} send{'s' if len(clients) == 1 else ''} the {what} as Latin-1 in HTTP Basic auth, and "
                   f"this {what} holds a character Latin-1 does not have, so {'it' if len(clients) == 1 else 'they'} "
                   "would fail on every request")
            raise UserError(f"{why}: set it up for uv alone (--targets uv), which sends UTF-8, or check the {what}.",
                            in_wizard=f"{why}: choose only uv on the Targets screen (it sends UTF-8), or check the "
                            f"{what}.") from None  # the encoding error holds the value: never chained


def build_plan(draft: Draft) -> Plan:
    if draft.mode == "rotate":
        plan = plan_rotation(draft)
        _check_rotated_files_read_back(plan, draft)
        return plan
    r = resolve(draft)
    if not draft.targets:
        raise UserError("--targets is empty: name at least one of uv, pip, twine, poetry, pdm, hatch.")
    if draft.stores_secret:
        check_store(draft.store, draft.targets, r.publish)
    _check_store_tools(draft, r)
    _check_sendable(draft, r)

    plan = Plan(draft, notes=list(r.warnings))
    pip_cert, twine_ca = _private_ca_settings(draft, r, plan.notes)
    if "uv" in draft.targets:
        plan.changes.append(_uv_config_change(draft, r))
    if "pip" in draft.targets:
        plan.changes.append(_pip_conf_change(draft, r, cert=pip_cert))
        if paths.legacy_pip_conf().exists() and paths.legacy_pip_conf() != paths.pip_conf():
            plan.notes.append(
                f"pip reads {paths.shown(paths.legacy_pip_conf())} before {paths.shown(paths.pip_conf())}, so "
                "an extra-index-url there is replaced by this one: `ar-wizard doctor` can merge them."
            )
    if "twine" in draft.targets:
        plan.changes.append(_pypirc_change(draft, r, ca_cert=twine_ca))
    for tool in PROJECT_TOOLS:
        if tool in draft.targets:
            plan.changes.extend(project_plans.file_changes(tool, draft, r))
    plan.notes.extend(project_plans.notes(draft))
    if draft.stores_secret:
        plan.changes.extend(_store_file_changes(draft, r))
        plan.secret_writes.extend(_secret_writes(draft, r))
        plan.secret_writes.extend(project_plans.secret_writes(draft, r))
        _check_secret_reads_back(plan, draft, r)
        _check_keyring_backend(plan, draft)
    if draft.auth == "keyring" and draft.provider == "azure":
        plan.notes.append(NONINTERACTIVE_NOTE)
    if draft.auth == "service-account-key":
        plan.notes.append(
            "A service-account key does not expire by default: anyone who copies it can read the repository until "
            "the key is deleted. Prefer --auth keyring (keyrings.google-artifactregistry-auth) on "
            "laptops, or --auth token in CI."
        )
    if draft.stores_secret and draft.store == "file":
        plan.notes.append(
            f"The token will sit in plain text in {_inline_files(plan)}, {paths.current().private_file()}: prefer --store "
            "keyring or netrc where the tools allow it."
        )
    plan.next_steps.extend(_next_steps(draft, r))
    return plan


def _inline_files(plan: Plan) -> str:
    """The files the file store writes the secret into, as the user knows them."""
    names = [paths.shown(c.path) for c in plan.changes if c.holds_secret and c.path.name not in (".env",)]
    return ", ".join(dict.fromkeys(names)) or "pip.conf / .pypirc"


def _check_store_tools(draft: Draft, r: Resolved) -> None:
    plugin = providers.get(draft.provider).keyring_plugin
    if draft.auth == "keyring" and plugin:
        problems = [f for f in keyring_setup.check(*plugin, r.simple_url) if not f.ok]
        if problems:
            fix = f" Fix: `{problems[0].fix}`." if problems[0].fix else ""
            raise UserError(problems[0].message + fix)
    if r.keyring:
        keyring_cli.executable()
    if r.keyring and "pip" in draft.targets:
        problem = pip_cli.keyring_provider_problem(draft.project_dir)
        if problem:
            raise UserError(f"{problem[0]}: run `{problem[1]}`, or choose --store netrc, which every pip reads.",
                            in_wizard=f"{problem[0]}: run `{problem[1]}`, or choose ~/.netrc, which every pip reads.")
    if draft.stores_secret and draft.store == "uv":
        uv_store.check_available(r.simple_url)
        if urlsplit(r.simple_url).scheme != "https" and not _is_local(r.simple_url):
            raise UserError(
                "uv's credential store only accepts https URLs for hosts other than localhost: "
                "use an https index URL or --store netrc.",
                in_wizard="uv's credential store only accepts https URLs for hosts other than localhost: "
                "choose ~/.netrc as the store, or an https index URL.",
            )


def _is_local(url: str) -> bool:
    return is_loopback(urlsplit(url).hostname or "")


def uv_config_path(draft: Draft) -> Path:
    if draft.scope == "user":
        return paths.user_uv_toml()
    path = paths.project_uv_config(draft.project_dir)
    if not path.exists():
        raise UserError(
            f"{draft.project_dir} has no pyproject.toml: run `uv init` there first, pass "
            "--project-dir, or use --scope user.",
            in_wizard=f"{draft.project_dir} has no pyproject.toml: run `uv init` there first, or choose "
            "'Every project of mine' on the Registry screen.",
        )
    return path


def _uv_config_change(draft: Draft, r: Resolved) -> FileChange:
    path = uv_config_path(draft)
    in_pyproject = path.name == "pyproject.toml"

    def edit(content: str) -> str:
        existing = uv_config.read_indexes(content, path=path, in_pyproject=in_pyproject)
        check_index_name(draft.index_name, [i.get("name", "") for i in existing])
        return uv_config.set_index(
            content,
            path=path,
            in_pyproject=in_pyproject,
            name=draft.index_name,
            # uv asks the keyring only when it knows the username, and the URL is where it looks. A username
            # in the URL also keeps uv from sending another index's netrc login for the same host.
            url=with_userinfo(r.simple_url, r.username) if r.keyring or _netrc_has_other_login(draft, r)
            else r.simple_url,
            publish_url=r.upload_url if r.publish else None,
            keyring_subprocess=r.keyring,
            authenticate="always" if draft.authenticate_always else None,
        )

    return edit_file(path, edit, summary=f"index {draft.index_name!r} for uv")


def _private_ca_settings(draft: Draft, r: Resolved, notes: list[str]) -> tuple[str | None, str | None]:
    """``(pip's cert, twine's ca_cert)`` for an index only a private CA (``SSL_CERT_FILE``) vouches for, with a
    note per client saying whether it trusts it; ``(None, None)`` where no client needs a setting.

    Asked only when the check may reach the network (not with --no-validate)."""
    if not draft.validate or not ({"pip", "twine"} & set(draft.targets)):
        return None, None
    from . import tls_trust

    ca = tls_trust.private_ca_for(r.simple_url)
    if ca is None:
        return None, None
    host = urlsplit(r.simple_url).hostname
    bundle = str(ca.path)
    said = [f"{host}'s certificate is signed by a CA that only {ca.variable} ({paths.shown(ca.path)}) vouches for. "
            f"uv reads {ca.variable} itself."]
    pip_cert = twine_ca = None
    if "pip" in draft.targets:
        pip = pip_cli.executable(draft.project_dir)
        version = pip_cli.version_of(pip) if pip else None
        if version is not None and tls_trust.pip_trusts_ssl_cert_file(version):
            said.append(f"pip {pip_cli.shown_version(version)} reads it too (truststore, on Linux).")
        elif ca.variable == "SSL_CERT_FILE":
            pip_cert = bundle
            said.append(f"pip does not read it here, so pip.conf gets cert = {bundle} (pip then trusts that bundle "
                        "alone, for every index: it must hold the public CAs too, as SSL_CERT_FILE usually does).")
        else:
            said.append("pip does not read SSL_CERT_DIR here: add the CA to the system store (pip 24.2 and later "
                        "use it) or set cert in pip.conf to a bundle file.")
    if "twine" in draft.targets:
        # requests lets either variable win over a session's bundle, so over .pypirc's ca_cert too.
        variable = next((v for v in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE") if os.environ.get(v)), "")
        if variable and tls_trust.requests_bundle_trusts(r.simple_url, os.environ[variable]):
            said.append(f"twine trusts it through {variable}.")
        else:
            twine_ca = bundle
            said.append(f"twine (requests) ignores {ca.variable}, so its [{draft.index_name}] section in .pypirc gets "
                        f"ca_cert = {bundle}.")
            if variable:
                said.append(f"But {variable} is set ({os.environ[variable]}) and requests prefers it to ca_cert, "
                            f"and it does not hold this CA: point {variable} at {bundle}, or unset it.")
    notes.append(" ".join(said))
    return pip_cert, twine_ca


def _pip_conf_change(draft: Draft, r: Resolved, *, cert: str | None = None) -> FileChange:
    path = paths.pip_conf()
    inline = draft.stores_secret and draft.store == "file"
    if r.keyring:
        url = with_userinfo(r.simple_url, r.username)
    elif inline:
        url = with_userinfo(r.simple_url, r.username, _revealed(draft))
    else:
        url = r.simple_url
    def edit(content: str) -> str:
        content = pip_conf.add_extra_index(content, path=path, url=url, keyring_subprocess=r.keyring)
        return pip_conf.set_cert(content, path=path, cert=cert) if cert else content

    return edit_file(
        path,
        edit,
        holds_secret=inline,
        summary="extra-index-url for pip",
    )


def _pypirc_change(draft: Draft, r: Resolved, *, ca_cert: str | None = None) -> FileChange:
    path = paths.pypirc()
    inline = draft.stores_secret and draft.store == "file"
    password = _revealed(draft) if inline else None
    return edit_file(
        path,
        lambda content: pypirc.set_repository(
            content,
            path=path,
            name=draft.index_name,
            repository_url=r.upload_url,
            username=r.username,
            password=password,
            ca_cert=ca_cert,
        ),
        # .pypirc is where people keep upload tokens; it is never world-readable.
        holds_secret=True,
        summary=f"[{draft.index_name}] for twine",
    )


def _store_file_changes(draft: Draft, r: Resolved) -> list[FileChange]:
    secret = _revealed(draft)
    if draft.store == "env":
        env_path = draft.project_dir / ".env"
        values = _env_values(draft, r, secret)
        gitignore = draft.project_dir / ".gitignore"
        return [
            edit_file(
                env_path,
                lambda content: env_file.set_vars(content, path=env_path, values=values),
                holds_secret=True,
                summary="UV_INDEX_* credentials",
            ),
            edit_file(gitignore, lambda content: env_file.ensure_ignored(content, entry=".env"), summary="ignore .env"),
        ]
    if draft.store == "netrc":
        path = paths.netrc()
        # Both URLs passed check_index_url, which refuses one without a host.
        hosts = [urlsplit(r.simple_url).hostname or ""]
        upload_host = urlsplit(r.upload_url).hostname or ""
        if r.publish and upload_host not in hosts:
            hosts.append(upload_host)
        _refuse_shared_netrc_host(draft, r, hosts)

        def edit(content: str) -> str:
            for host in hosts:
                content = netrc_file.set_machine(content, path=path, host=host, login=r.username, password=secret)
            return content

        return [edit_file(path, edit, holds_secret=True, summary=f"machine {', '.join(hosts)}")]
    return []


def _netrc_has_other_login(draft: Draft, r: Resolved) -> bool:
    """~/.netrc has a login for this index's host other than its own (another index on the same host)."""
    if draft.stores_secret and draft.store == "netrc":
        return False
    text = read_text(paths.netrc(), [])
    host = urlsplit(r.simple_url).hostname or ""
    if not text or not host:
        return False
    try:
        entry = netrc_file.lookup(text, host, path=paths.netrc())
    except UserError:
        return False
    return entry is not None and entry[0] != r.username


def _refuse_shared_netrc_host(draft: Draft, r: Resolved, hosts: list[str]) -> None:
    """netrc is keyed by host: an entry another configured index uses with another login is never replaced,
    since that index would then send this login (uv and pip read the first entry for the host)."""
    text = read_text(paths.netrc(), [])
    if not text:
        return
    ours = r.simple_url.rstrip("/")
    for host in hosts:
        try:
            entry = netrc_file.lookup(text, host, path=paths.netrc())
        except UserError:
            return  # the edit itself refuses a netrc that does not parse, with its sentence
        if entry is None or entry[0] == r.username:
            continue
        others = sorted({
            f"{i.name!r} ({i.plain_url})" for i in discover(draft.project_dir).indexes
            if (urlsplit(i.plain_url).hostname or "") == host and i.plain_url.rstrip("/") != ours
            and i.name != draft.index_name
        })
        if others:
            raise UserError(
                f"{paths.shown(paths.netrc())} already has a login for {host} ({entry[0]!r}) that the index "
                f"{', '.join(others)} uses; netrc keeps one login per host, so replacing it with {r.username!r} "
                "would break that index. Keep this index's secret in a store keyed by its URL instead: "
                "--store uv, --store keyring or --store env.",
                in_wizard=f"{paths.shown(paths.netrc())} already has a login for {host} ({entry[0]!r}) that the "
                f"index {', '.join(others)} uses; netrc keeps one login per host. Choose uv's store, the keyring "
                "or .env on the Targets screen: they are keyed by the index's URL.",
            )


def _check_keyring_backend(plan: Plan, draft: Draft) -> None:
    """Name the store the user's keyring writes to (Credential Manager, Keychain, …), and refuse
    now a secret it cannot hold (Windows' Credential Manager stops at 1,280 characters)."""
    if draft.store == "uv" and plan.secret_writes:
        where = paths.shown(uv_store.directory() / "credentials.toml")
        plan.notes.append(f"uv keeps the secret in plain text in {where}, {paths.current().private_file()}.")
    if draft.store != "keyring" or not plan.secret_writes:
        return
    keyring = userpath.which("keyring")
    backend = keyring_backend.of(keyring) if keyring else None
    if backend is None:
        return  # the store check has said why keyring cannot run
    why = keyring_backend.refusal(backend, len(_revealed(draft)))
    if why:
        raise UserError(why, in_wizard=why.replace("choose ", "choose on the Targets screen ", 1))
    plan.notes.append(f"keyring keeps the secret in {backend.title}" + (f": {backend.note}." if backend.note else "."))
    if "poetry" in draft.targets and "plaintext" in backend.name.lower():
        # poetry/utils/password_manager.py PoetryKeyring.is_available: a backend named plaintext is skipped.
        plan.notes.append(f"Poetry skips a plain-text keyring backend such as {backend.title}, so it will not find "
                          "this secret there: choose --store file (Poetry's auth.toml) or env for Poetry.")


def _env_values(draft: Draft, r: Resolved, secret: str) -> dict[str, str]:
    """The .env variables of the env store: uv's (which pip and twine setups have always had), then each tool's."""
    values = {}
    if {"uv", "pip", "twine"} & set(draft.targets):
        values = {
            index_env_var(draft.index_name, "USERNAME"): r.username,
            index_env_var(draft.index_name, "PASSWORD"): secret,
        }
    if r.publish and "uv" in draft.targets:
        values |= {"UV_PUBLISH_USERNAME": r.username, "UV_PUBLISH_PASSWORD": secret}
    if "twine" in draft.targets:
        values |= {"TWINE_USERNAME": r.username, "TWINE_PASSWORD": secret}
    return values | project_plans.env_values(draft, r, secret)


def _check_secret_reads_back(plan: Plan, draft: Draft, r: Resolved) -> None:
    """Read every file that is to hold the secret as its readers will, and refuse now, before
    anything is written, a secret that would come back different (uv and the keyring are
    read back after writing, in ``apply``)."""
    if draft.store not in ("env", "netrc", "file"):
        return

    secret = _revealed(draft)
    for change in plan.changes:
        if not change.holds_secret or change.after is None:
            continue
        content, _ = text.decode(change.after, change.path)
        if any(unicodedata.category(c) == "Cc" for c in secret):
            got = None  # a shell variable cannot hold NUL, and no reader agrees on the other control characters
        elif change.path == draft.project_dir / ".env":
            got = env_file.read_vars(content).get(next(k for k in _env_values(draft, r, secret) if k.endswith(("PASSWORD", "_AUTH"))))
        elif change.path == paths.netrc():
            found = netrc_file.lookup(content, urlsplit(r.simple_url).hostname or "", path=change.path)
            got = found[1] if found else None
        elif change.path == paths.pypirc() and draft.store == "file":  # .pypirc is 0600 but holds only a username otherwise
            got = pypirc.repositories(content, path=change.path).get(draft.index_name, {}).get("password")
        elif change.path == paths.pip_conf():
            got = _inline_password(content, r)
        else:
            continue
        if got != secret:
            why = (f"{STORE_TITLES[draft.store]} cannot hold this secret exactly ({paths.shown(change.path)} "
                   "would give back something else to the tools that read it)")
            raise UserError(f"{why}: use --store keyring, which keeps it as given.",
                            in_wizard=f"{why}: choose the keyring as the store, which keeps it as given.")


def _check_rotated_files_read_back(plan: Plan, draft: Draft) -> None:
    """Rotation writes the secret where it was; refuse first what a file there would not give back."""
    secret = draft.secret.reveal() if draft.secret is not None else ""
    for change in plan.changes:
        if not change.holds_secret or change.after is None:
            continue
        content, _ = text.decode(change.after, change.path)
        control = any(unicodedata.category(c) == "Cc" for c in secret)
        if control or (change.path.name == ".env" and secret not in env_file.read_vars(content).values()):
            why = "a control character" if control else "characters it cannot spell"
            raise UserError(
                f"{paths.shown(change.path)} cannot hold the new secret exactly (it has {why}): check the secret, "
                "or set the index up again with `ar-wizard setup … --store keyring`, which keeps it as given."
            )


def _inline_password(content: str, r: Resolved) -> str | None:
    """The password pip takes from the extra-index-url for this index, as pip's RawConfigParser reads it."""
    parser = configparser.RawConfigParser()
    try:
        parser.read_string(content)
    except configparser.Error:
        return None
    host = urlsplit(r.simple_url).hostname
    for section in parser.sections():
        for url in parser.get(section, "extra-index-url", fallback="").split():
            parts = urlsplit(url)
            if parts.hostname == host and parts.password is not None:
                return unquote(parts.password)
    return None


def _secret_writes(draft: Draft, r: Resolved) -> list[SecretWrite]:
    if draft.store not in ("uv", "keyring") or not {"uv", "pip", "twine"} & set(draft.targets):
        return []  # Poetry, PDM and Hatch have keyring entries of their own (project_plans.secret_writes)
    services = [r.simple_url]
    if draft.store == "uv" and r.publish and _origin(r.upload_url) != _origin(r.simple_url):
        services.append(r.upload_url)
    if draft.store == "keyring" and "twine" in draft.targets:
        services.append(r.upload_url)  # twine asks the keyring for its repository URL
    return [SecretWrite(draft.store, service, r.username, draft.secret) for service in services]


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme, parts.netloc


def _next_steps(draft: Draft, r: Resolved, shell: shells.Shell | None = None) -> list[str]:
    """What to run next, in the form for the user's shell (``shells.detect``)."""
    shell = shell or shells.detect()
    steps = []
    if draft.stores_secret and draft.store == "env":
        steps.append(shells.with_note(shell, shells.load_env_file(shell), "load the credentials into this shell"))
    if "uv" in draft.targets:
        steps.append(shells.with_note(shell, "uv add PACKAGE", "a package from the private index"))
    if "pip" in draft.targets:
        steps.append("pip install PACKAGE")
    if r.publish and "uv" in draft.targets:
        steps.append(f"uv publish --index {shells.quote(shell, draft.index_name)}")
    if "twine" in draft.targets:
        steps.append(f"twine upload -r {shells.quote(shell, draft.index_name)} dist/*")
    steps.extend(project_plans.next_steps(draft, r, shell))
    return steps


def _revealed(draft: Draft) -> str:
    """The secret of a draft that stores one: resolve() has refused such a draft without it."""
    assert draft.secret is not None
    return draft.secret.reveal()


def secret_from(value: str, *, source: str) -> Secret:
    value = value.rstrip("\r\n")
    if not value.strip():
        raise UserError(f"The secret from {source} is empty: pass the token or password there.")
    return Secret(value)
