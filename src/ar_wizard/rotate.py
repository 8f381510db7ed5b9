"""Rotation: a new secret for an index that is already set up, written exactly
where the old one lives and nowhere else. Config files stay byte-identical
(unless the old secret itself sat in one, as with the inline ``file`` store)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from . import expiry, paths, providers, shells
from .changes import edit_file
from .credentials import keyring_cli
from .discover import Credential, FoundIndex, credentials_for, discover, hatch_credential, username_for
from .errors import UserError
from .model import Draft, Plan, SecretWrite
from .naming import index_env_var
from .targets import env_file, netrc_file, pip_conf, pypirc, toml_tables
from .targets.pip_conf import same_index
from .urls import is_public_index, with_userinfo

#: Stores a rotation can write; the others are reported, not touched.
ROTATABLE = ("uv", "keyring", "env", "netrc", "file")


@dataclass(frozen=True)
class Existing:
    """An index as it is set up now: where its secret lives and who it is for."""

    index: FoundIndex
    username: str
    credentials: tuple[Credential, ...]

    @property
    def rotatable(self) -> tuple[Credential, ...]:
        return tuple(c for c in self.credentials if c.store in ROTATABLE)


def find(name: str, project_dir: Path) -> Existing:
    """The uv index called ``name`` and every place its secret is kept."""
    findings = discover(project_dir)
    same_name = [i for tool in ("uv", "poetry", "pdm") if (i := findings.find(name, tool)) is not None]
    index = same_name[0] if same_name else _pip_twine_index(findings, name)
    if index is None:
        known = ", ".join(sorted(set(findings.index_names("uv") + findings.index_names("twine")))) or "none"
        raise UserError(
            f"There is no index named {name!r} in {paths.shown(paths.project_uv_config(project_dir))}, "
            f"{paths.shown(paths.user_uv_toml())} or {paths.shown(paths.pypirc())} (indexes found: {known}): "
            "check the name, or set it up with `ar-wizard setup`."
        )
    username, _ = username_for(index, project_dir)
    stopped: list[tuple[str, str, keyring_cli.Answer]] = []

    def ask_keyring(service: str, user: str):
        answer = keyring_cli.ask(service, user)  # bounded, as in setup, the wizard and doctor
        if answer.timed_out:
            stopped.append((service, user, answer))
        return answer.secret

    credentials = credentials_for(index, project_dir, ask_keyring=ask_keyring) + _inline_copies(findings, index)
    for other in same_name[1:]:  # the same index named for Poetry or PDM too: its secret changes with it
        seen = {(c.store, c.service, c.path) for c in credentials}
        credentials += [c for c in credentials_for(other, project_dir) if (c.store, c.service, c.path) not in seen]
    hatch = hatch_credential(index.name)  # hatch publish -r NAME keeps its own copy (setup --targets …,hatch)
    if hatch is not None:
        credentials.append(hatch)
    if not username and credentials:
        username = credentials[0].username  # found beside the secret (netrc, uv's store)
    if stopped and not any(c.store in ROTATABLE for c in credentials):
        # The keyring did not answer in time: say so, as setup and doctor do, not "no stored secret".
        service, user, answer = stopped[0]
        provider = providers.get(index.provider)
        raise UserError(keyring_cli.no_answer(service, user, answer, cloud=index.provider, sign_in=provider.sign_in,
                                              plugin=provider.keyring_plugin[0] if provider.keyring_plugin else ""))
    return Existing(index, username, tuple(credentials))


def _pip_twine_index(findings, name: str) -> FoundIndex | None:
    """An index set up for pip and twine alone (``--targets pip,twine``): the ``.pypirc`` section
    called ``name`` and the pip.conf URL on the same host, or a pip.conf URL whose host is ``name``."""
    def origin(url: str) -> str:
        return urlsplit(url).netloc.rsplit("@", 1)[-1]

    twine = findings.find(name, "twine")
    pips = [i for i in findings.indexes if i.tool == "pip"]
    pip = next((p for p in pips if (origin(p.plain_url) == origin(twine.plain_url) if twine else p.name == name)), None)
    # A password inline in pip.conf or .pypirc is the `file` store here, found as an inline copy.
    if pip is not None:
        return replace(pip, name=name, publish_url=twine.plain_url if twine else "", embedded=None)
    return replace(twine, embedded=None) if twine else None


def _inline_copies(findings, index: FoundIndex) -> list[Credential]:
    """The same index's secret written into pip.conf or .pypirc (the ``file`` store)."""
    out = []
    for other in findings.indexes:
        if other.embedded is None:
            continue
        if other.tool == "pip" and same_index(other.plain_url, index.plain_url):
            out.append(Credential("file", f"{paths.shown(other.source)} (extra-index-url)", other.username,
                                  other.embedded, other.plain_url, other.source))
        elif other.tool == "twine" and other.name == index.name:
            out.append(Credential("file", f"{paths.shown(other.source)} ([{other.name}])", other.username,
                                  other.embedded, other.name, other.source))
    return out


def draft_for(existing: Existing, project_dir: Path) -> Draft:
    """A rotation draft: the index as it is, waiting for a new secret."""
    index = existing.index
    problems = _refusals(existing)
    if problems:
        raise UserError(problems[0])
    provider, fields = providers.recognise(index.plain_url)
    minted_before = expiry.for_url(index.plain_url)
    key_file = ""
    if minted_before is not None and minted_before.provider:
        # The URL may be a proxy's: mint the next token the way the last one was.
        provider, fields, key_file = minted_before.provider, dict(minted_before.fields), minted_before.key_file
    fields = dict(fields, url=index.plain_url)
    if index.publish_url:
        fields["publish_url"] = index.publish_url
    stores = [c.store for c in existing.rotatable]
    return Draft(
        mode="rotate",
        provider=provider,
        fields=fields,
        index_name=index.name,
        auth="service-account-key" if existing.username == "_json_key_base64" else "token",
        username=existing.username,
        key_file=key_file,
        store=stores[0],
        scope=index.scope if index.scope in ("project", "user") else "project",
        targets=(index.tool,) if index.tool in ("uv", "poetry", "pdm") else ("pip", "twine") if index.publish_url else (index.tool,),
        publish=bool(index.publish_url),
        project_dir=project_dir,
        existing=existing,
    )


def _refusals(existing: Existing) -> list[str]:
    index = existing.index
    where = paths.shown(index.source)
    if any(c.store == "url" for c in existing.credentials):
        return [
            f"The secret of {index.name!r} is written into its URL in {where}: run `ar-wizard doctor`, "
            "which moves it into a credential store, then rotate."
        ]
    if existing.rotatable:
        return []
    outside = [c for c in existing.credentials if c.store == "environment"]
    if outside:
        return [
            f"The secret of {index.name!r} comes from {outside[0].where}: change it where that variable "
            "is set (your shell profile or CI settings); ar-wizard does not edit those."
        ]

    if is_public_index(index.plain_url):
        return [
            f"{index.name!r} ({index.plain_url}) is a public index: it serves everything to anyone, so there is "
            "no secret to rotate."
        ]
    plugin = providers.get(index.provider).keyring_plugin
    if plugin and index.keyring_provider == "subprocess":
        return [
            f"{index.name!r} gets a fresh token from the keyring plugin ({plugin[0]}) for every request, "
            "so there is no stored secret to rotate: if it fails, run `ar-wizard doctor`."
        ]
    if not existing.username:
        return [
            f"{index.name!r} has no username in its URL or in {_var(index.name, 'USERNAME')}, so no stored "
            "secret can be found for it: run `ar-wizard doctor`, or set it up again with `ar-wizard setup`."
        ]
    return [
        f"No stored secret for {index.name!r} was found (looked in the uv credential store, the keyring, "
        f".env and {paths.shown(paths.netrc())}): set it up with `ar-wizard setup --index {index.name} …`."
    ]


def _var(name: str, part: str) -> str:
    return index_env_var(name, part)


def plan_rotation(draft: Draft) -> Plan:
    """The new secret written over each old one, and nothing else."""
    existing = draft.existing
    assert existing is not None, "a rotation draft comes from draft_for(), which sets existing"
    if draft.secret is None:
        raise UserError("No new secret given: pass it with --password-stdin, --token-env VAR or --key-file PATH.")
    new = draft.secret.reveal()
    plan = Plan(draft)
    edits: dict[Path, list] = {}
    for cred in existing.rotatable:
        if cred.store in ("uv", "keyring"):
            plan.secret_writes.append(SecretWrite(cred.store, cred.service, cred.username, draft.secret))
        else:
            assert cred.path is not None  # a file store's credential names its file
            edits.setdefault(cred.path, []).append(_file_edit(cred, new, draft))
    for path, steps in edits.items():

        def edit(content: str, steps=steps) -> str:
            for step in steps:
                content = step(content)
            return content

        plan.changes.append(edit_file(path, edit, holds_secret=True, summary=f"new secret for {draft.index_name!r}"))
    for cred in existing.credentials:
        if cred.store == "environment":
            plan.notes.append(
                f"{cred.where} overrides the stored secret while it is set: change it there too, "
                "or unset it."
            )
    shell = shells.detect()
    relock = {"poetry": "poetry lock --regenerate", "pdm": "pdm lock --refresh"}.get(draft.targets[0], "uv lock --refresh")
    plan.next_steps.append(shells.with_note(shell, relock, "resolves against the index with the new secret"))
    return plan


def _file_edit(cred: Credential, new: str, draft: Draft):
    path = cred.path
    if cred.store == "env":
        assert cred.secret is not None  # rotatable: an old secret was found there
        old = cred.secret.reveal()

        def edit(content: str) -> str:
            current = env_file.read_vars(content)
            values = {cred.service: new}
            # The same secret copied for uploads (setup writes these beside it).
            for var in ("UV_PUBLISH_PASSWORD", "TWINE_PASSWORD", "PDM_PUBLISH_PASSWORD", "HATCH_INDEX_AUTH"):
                if current.get(var) == old:
                    values[var] = new
            return env_file.set_vars(content, path=path, values=values)

        return edit
    if cred.toml_key:  # Poetry's auth.toml, PDM's config: the one key, in place
        return lambda content: toml_tables.set_table(
            content, path=path, table=cred.toml_key[:-1], values={cred.toml_key[-1]: new})
    if cred.store == "netrc":
        return lambda content: netrc_file.set_machine(
            content, path=path, host=cred.service, login=cred.username, password=new
        )
    if cred.service.startswith(("http://", "https://")):  # pip.conf
        url = with_userinfo(cred.service, cred.username, new)
        return lambda content: pip_conf.add_extra_index(content, path=path, url=url)

    def edit_pypirc(content: str) -> str:
        options = pypirc.repositories(content, path=path)[cred.service]
        return pypirc.set_repository(
            content, path=path, name=cred.service, repository_url=options.get("repository", ""),
            username=options.get("username", cred.username), password=new,
        )

    return edit_pypirc
