"""The files and secrets setup writes for Poetry, PDM and Hatch (``plan.build_plan`` calls these).

Each tool gets its index where it reads it and its credential where it looks:

- Poetry: ``[[tool.poetry.source]]`` (priority ``supplemental``, see ``project_tools.POETRY_PRIORITY``); the
  credential as ``poetry config http-basic.NAME`` stores it: the username in ``auth.toml`` and the password
  in the keyring (service ``poetry-repository-NAME``) or, for the file store, in ``auth.toml`` itself; or
  ``POETRY_HTTP_BASIC_NAME_*`` in ``.env``. ``--publish`` adds ``repositories.NAME`` to ``config.toml``.
- PDM: ``[[tool.pdm.source]]``; for the env store its URL names ``${PDM_SOURCE_NAME_*}`` in its userinfo
  (the one place PDM expands variables), so no secret enters ``pyproject.toml``; otherwise ``pypi.NAME`` in
  PDM's global config (the password in the keyring as ``pdm-pypi-NAME``, or inline for the file store).
  ``--publish`` adds ``repository.NAME``, which ``pdm publish -r NAME`` requires.
- Hatch: ``[publish.index.repos.NAME]`` with ``url`` and ``user`` (``auth`` for the file store), or
  ``HATCH_INDEX_USER``/``HATCH_INDEX_AUTH`` in ``.env``; its keyring entry is the upload URL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import paths, project_tools, shells
from .changes import edit_file
from .errors import UserError
from .model import Draft, FileChange, SecretWrite
from .targets import toml_tables

if TYPE_CHECKING:
    from .plan import Resolved


def _pyproject(draft: Draft, tool: str):
    path = draft.project_dir / "pyproject.toml"
    if not path.exists():
        raise UserError(
            f"{draft.project_dir} has no pyproject.toml, where {tool} reads its sources: run "
            f"`{tool} init` there first, or pass --project-dir."
        )
    return path


def _secret(draft: Draft) -> str | None:
    return draft.secret.reveal() if draft.stores_secret and draft.secret is not None else None


def file_changes(tool: str, draft: Draft, r: Resolved) -> list[FileChange]:
    """The files ``tool`` (poetry, pdm or hatch) reads, as this draft wants them."""
    return {"poetry": _poetry, "pdm": _pdm, "hatch": _hatch}[tool](draft, r)


def _poetry(draft: Draft, r: Resolved) -> list[FileChange]:
    name = draft.index_name
    pyproject = _pyproject(draft, "poetry")
    changes = [edit_file(
        pyproject,
        lambda content: toml_tables.set_entry(
            content, path=pyproject, table=project_tools.POETRY_SOURCES, name=name, url=r.simple_url,
            defaults={"priority": project_tools.POETRY_PRIORITY},
        ),
        summary=f"source {name!r} for Poetry",
    )]
    if draft.stores_secret and draft.store in ("keyring", "file"):
        auth = paths.poetry_auth_toml()
        values = {"username": r.username}
        if draft.store == "file":
            values["password"] = _secret(draft) or ""
        changes.append(edit_file(
            auth,
            lambda content: toml_tables.set_table(
                content, path=auth, table=project_tools.poetry_http_basic(name), values=values),
            holds_secret=True,  # Poetry's auth.toml is where its plain-text credentials live
            summary=f"http-basic.{name} for Poetry",
        ))
    if r.publish:
        config = paths.poetry_config_toml()
        changes.append(edit_file(
            config,
            lambda content: toml_tables.set_table(
                content, path=config, table=project_tools.poetry_repository(name), values={"url": r.upload_url}),
            summary=f"repositories.{name} for poetry publish",
        ))
    return changes


def _pdm(draft: Draft, r: Resolved) -> list[FileChange]:
    name = draft.index_name
    pyproject = _pyproject(draft, "pdm")
    env = draft.stores_secret and draft.store == "env"
    url = project_tools.pdm_url_with_vars(r.simple_url, name) if env else r.simple_url
    changes = [edit_file(
        pyproject,
        lambda content: toml_tables.set_entry(
            content, path=pyproject, table=project_tools.PDM_SOURCES, name=name, url=url),
        summary=f"source {name!r} for PDM",
    )]
    config = paths.pdm_config_toml()
    tables: list[tuple[tuple[str, ...], dict[str, str]]] = []
    inline = draft.stores_secret and draft.store == "file"
    if draft.stores_secret and draft.store in ("keyring", "file"):
        values = {"username": r.username} | ({"password": _secret(draft) or ""} if inline else {})
        tables.append((project_tools.pdm_source_table(name), values))
    if r.publish:
        values = {"url": r.upload_url}
        if draft.stores_secret and draft.store in ("keyring", "file"):
            values["username"] = r.username
        if inline:
            values["password"] = _secret(draft) or ""
        tables.append((project_tools.pdm_repository_table(name), values))
    if tables:
        def edit(content: str) -> str:
            for table, values in tables:
                content = toml_tables.set_table(content, path=config, table=table, values=values)
            return content

        changes.append(edit_file(config, edit, holds_secret=True, summary=f"pypi.{name} / repository.{name} for PDM"))
    return changes


def _hatch(draft: Draft, r: Resolved) -> list[FileChange]:
    name = draft.index_name
    config = paths.hatch_config_toml()
    values = {"url": r.upload_url, "user": r.username}
    if draft.stores_secret and draft.store == "file":
        values["auth"] = _secret(draft) or ""
    return [edit_file(
        config,
        lambda content: toml_tables.set_table(
            content, path=config, table=project_tools.hatch_repo_table(name), values=values),
        holds_secret=True,
        summary=f"publish.index.repos.{name} for Hatch",
    )]


def env_values(draft: Draft, r: Resolved, secret: str) -> dict[str, str]:
    """The ``.env`` variables the env store adds for the chosen project tools."""
    values: dict[str, str] = {}
    name = draft.index_name
    if "poetry" in draft.targets:
        values |= {project_tools.poetry_env_var(name, "USERNAME"): r.username,
                   project_tools.poetry_env_var(name, "PASSWORD"): secret}
    if "pdm" in draft.targets:
        values |= {project_tools.pdm_env_var(name, "USERNAME"): r.username,
                   project_tools.pdm_env_var(name, "PASSWORD"): secret}
        if r.publish:
            values |= dict(zip(project_tools.PDM_PUBLISH_VARS, (r.username, secret)))
    if "hatch" in draft.targets:
        values |= dict(zip(project_tools.HATCH_VARS, (r.username, secret)))
    return values


def secret_writes(draft: Draft, r: Resolved) -> list[SecretWrite]:
    """The keyring entries Poetry, PDM and Hatch look their password up under (the keyring store only)."""
    if not (draft.stores_secret and draft.store == "keyring"):
        return []
    name, writes = draft.index_name, []
    if "poetry" in draft.targets:
        writes.append(SecretWrite("keyring", project_tools.poetry_keyring_service(name), r.username, draft.secret))
    if "pdm" in draft.targets:
        writes.append(SecretWrite("keyring", project_tools.pdm_source_keyring_service(name), r.username, draft.secret))
        if r.publish:
            writes.append(SecretWrite("keyring", project_tools.pdm_repository_keyring_service(name), r.username,
                                      draft.secret))
    if "hatch" in draft.targets:
        writes.append(SecretWrite("keyring", r.upload_url, r.username, draft.secret))
    return writes


def next_steps(draft: Draft, r: Resolved, shell: shells.Shell) -> list[str]:
    """What to run next with each project tool, in the form for the user's shell."""
    steps = []
    name = shells.quote(shell, draft.index_name)
    if "poetry" in draft.targets:
        steps.append(shells.with_note(shell, "poetry add PACKAGE", "a package from the private index"))
        if r.publish:
            steps.append(f"poetry publish --build -r {name}")
    if "pdm" in draft.targets:
        steps.append(shells.with_note(shell, "pdm add PACKAGE", "a package from the private index"))
        if r.publish:
            steps.append(f"pdm publish -r {name}")
    if "hatch" in draft.targets:
        steps.append(f"hatch publish -r {name}")
    plugin = _plugin(draft)
    for tool in ("poetry", "pdm"):
        if plugin and tool in draft.targets:
            steps.append(shells.with_note(shell, f"{tool} self add {plugin}", f"the keyring plugin, where {tool} loads it"))
    return steps


def _poetry_package_mode(draft: Draft) -> bool:
    """Poetry's ``package-mode`` (default true): ``poetry publish`` refuses a project that turns it off."""
    path = draft.project_dir / "pyproject.toml"
    try:
        settings = toml_tables.read_table(path.read_text(encoding="utf-8-sig"), path=path, table=("tool", "poetry"))
    except (OSError, UserError):
        return True  # the plan reads the file again and says what is wrong with it
    return settings.get("package-mode", True) is not False


def _plugin(draft: Draft) -> str:
    """The registry's keyring plugin package, when the draft signs in through it ("" otherwise)."""
    from . import providers

    plugin = providers.get(draft.provider).keyring_plugin
    return plugin[0] if plugin and draft.auth == "keyring" else ""


def notes(draft: Draft) -> list[str]:
    out = []
    if "poetry" in draft.targets:
        out.append(
            f"Poetry asks {draft.index_name!r} as a supplemental source: PyPI stays first, and a package PyPI "
            f"lacks comes from here. Pin a package to it with `poetry add --source {draft.index_name} PACKAGE`, "
            "or change the priority to explicit to send only pinned packages there."
        )
        if draft.stores_secret and draft.store == "keyring":
            out.append("Poetry reads the keyring through its own environment and refuses a plain-text backend: "
                       "`poetry config keyring.enabled` must be true.")
        if draft.publish and not _poetry_package_mode(draft):
            out.append("pyproject.toml sets package-mode = false under [tool.poetry], and Poetry refuses to publish "
                       "such a project: `poetry publish -r NAME` works once it is a package.")
    if _plugin(draft) and ("poetry" in draft.targets or "pdm" in draft.targets):
        out.append("Poetry and PDM load keyring plugins from their own environment, not keyring's: the next "
                   "steps install it there.")
    return out
