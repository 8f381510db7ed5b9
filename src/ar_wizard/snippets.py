"""CI and container snippets for the index a draft configures: GitHub Actions, a Dockerfile, GitLab CI.

Each snippet is built from the same draft the config files are, through the
same functions (``plan.resolve`` for URLs and the username, ``naming.index_env_var``
for the variables), so a snippet cannot disagree with what was written. No
secret is ever read here: a snippet names where the secret comes from (a CI
secret, an OIDC exchange, a BuildKit secret mount), never what it is.
"""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import UserError
from .naming import check_index_name, index_env_var

if TYPE_CHECKING:
    from .model import Draft, FileChange

KINDS = ("github-actions", "dockerfile", "gitlab-ci")

# Pinned in one place so they are bumped together. setup-uv publishes no
# moving major tag since v8, so it takes a full version.
CHECKOUT = "actions/checkout@v5"
SETUP_UV = "astral-sh/setup-uv@v8.1.0"
GOOGLE_AUTH = "google-github-actions/auth@v2"
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@v4"
PYTHON_IMAGE = "python:3.12-slim"
UV_IMAGE = "ghcr.io/astral-sh/uv:latest"
UV_PYTHON_IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm-slim"
SECRETS_DIR = "/run/secrets"
GCP_CREDENTIALS_ID = "gcp_credentials"
# Where `gcloud auth application-default login` writes the laptop's Google credentials.
ADC_FILE = "$HOME/.config/gcloud/application_default_credentials.json"


@dataclass(frozen=True)
class Snippet:
    kind: str
    filename: str  # where it would go, relative to the project
    language: str  # for highlighting: "yaml" or "dockerfile"
    text: str
    notes: tuple[str, ...] = ()


def snippet(draft: Draft, kind: str) -> Snippet:
    """The ``kind`` snippet (one of ``KINDS``) for the draft's index."""
    builders = {"github-actions": _github_actions, "dockerfile": _dockerfile, "gitlab-ci": _gitlab_ci}
    if kind not in builders:
        raise UserError(f"There is no {kind!r} snippet: choose from {', '.join(KINDS)}.")
    return builders[kind](_Index.of(draft))


def file_change(snip: Snippet, project_dir: Path) -> FileChange:
    """The change that writes ``snip`` to its suggested path; refuses to replace a different file."""
    from .model import FileChange
    from .paths import shown
    from .plan import read_bytes

    path = project_dir / snip.filename
    before = read_bytes(path)
    after = snip.text.encode()
    if before is not None and before != after:
        raise UserError(
            f"{shown(path)} already exists with other content, so it was left alone: copy the snippet "
            "into it by hand, or move it aside and write again."
        )
    return FileChange(path=path, before=before, after=after, summary=f"{snip.kind} snippet")


# -- what every snippet needs to know about the index --------------------------------


@dataclass(frozen=True)
class _Index:
    name: str
    provider: str
    auth: str
    store: str
    simple_url: str
    upload_url: str
    username: str
    publish: bool
    publish_url_in_config: bool  # `uv publish --index NAME` finds the upload URL itself
    in_project: bool  # the project's own uv config names the index; elsewhere UV_INDEX must
    uv_config: str  # the project file that holds it: pyproject.toml or uv.toml
    fields: dict
    gitlab: bool  # GitLab's package registry, where CI_JOB_TOKEN reads it
    key_file: str

    @classmethod
    def of(cls, draft: Draft) -> _Index:
        from . import paths, providers
        from .plan import resolve
        from .providers.presets import recognise

        check_index_name(draft.index_name)
        r = resolve(draft, need_secret=False)
        # The fields as the URL spells them (checked and normalised), else as typed.
        parsed = providers.get(draft.provider).parse(r.simple_url) if draft.provider != "generic" else None
        fields = {**draft.fields, **(parsed or {})}
        found = recognise(r.simple_url) if draft.provider == "generic" else None
        in_project = draft.scope == "project" and "uv" in draft.targets
        return cls(
            name=draft.index_name,
            provider=draft.provider,
            auth=draft.auth,
            store=draft.store,
            simple_url=r.simple_url,
            upload_url=r.upload_url,
            username=r.username,
            publish=r.publish,
            publish_url_in_config=in_project and draft.publish,
            in_project=in_project,
            uv_config=paths.project_uv_config(draft.project_dir).name,
            fields=fields,
            gitlab=bool(found and found[0] == "gitlab"),
            key_file=draft.key_file,
        )

    @property
    def user_var(self) -> str:
        return index_env_var(self.name, "USERNAME")

    @property
    def password_var(self) -> str:
        return index_env_var(self.name, "PASSWORD")

    @property
    def uv_index(self) -> str:
        """``UV_INDEX``'s value, for when no config file in the build names the index."""
        return f"{self.name}={self.simple_url}"

    @property
    def keyring_plugin(self) -> bool:
        """Only Google's plugin runs unattended from a credentials file; the others are swapped for a token."""
        return self.provider == "gcp" and self.auth == "keyring"

    @property
    def gcp_username(self) -> str:
        # In CI the credential is an access token, whatever the laptop used.
        from .providers.gcp import TOKEN_USERNAME

        return TOKEN_USERNAME

    def publish_command(self) -> str:
        if self.publish_url_in_config:
            return f"uv publish --index {self.name}"
        return f"uv publish --publish-url {shlex.quote(self.upload_url)}"

    def aws_token_command(self) -> str:
        from .providers.aws import token_command

        f = self.fields
        return token_command(f.get("domain", "DOMAIN"), f.get("domain_owner", "OWNER"), f.get("region", "REGION"))


_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


def _y(value: str) -> str:
    """``value`` as a YAML scalar: plain when a YAML 1.1 reader takes it as that same string,
    double-quoted (JSON is valid YAML) otherwise."""
    plain = (
        re.fullmatch(r"[A-Za-z_/$][^#]*", value)
        and ": " not in value
        and not value.endswith(":")
        and value == value.strip()
        and value.lower() not in _YAML_WORDS
    )
    return value if plain else json.dumps(value)


def _lines(*parts) -> str:
    """One text from lines and (nested) lists of lines."""

    def flat(items):
        for item in items:
            if isinstance(item, str):
                yield item
            else:
                yield from flat(item)

    return "\n".join(flat(parts)) + "\n"


def _token_instead_note(ix: _Index) -> list[str]:
    if ix.auth == "keyring" and ix.provider in ("aws", "azure"):
        return [
            (
                "Your machine uses a keyring plugin, which may need an interactive sign-in; in CI and image "
                "builds this snippet passes a token instead."
            )
        ]
    return []


def _keep_out_of_images_note(ix: _Index) -> str:
    names = ".env, " if ix.store == "env" else ""
    return (
        f"Keep {names}.netrc and gha-creds-*.json out of images: list them in .dockerignore, or a "
        "`COPY . .` puts them in a layer."
    )


# -- GitHub Actions ---------------------------------------------------------------------


def _github_actions(ix: _Index) -> Snippet:
    notes: list[str] = []
    auth_steps: list[str] = []
    cred_env: list[tuple[str, str]] = []
    publish_env: list[tuple[str, str]] = []
    oidc = ix.provider in ("gcp", "aws")

    if ix.provider == "gcp":
        auth_steps += [
            "      - id: auth",
            f"        uses: {GOOGLE_AUTH}",
            "        with:",
            "          workload_identity_provider: ${{ vars.GCP_WORKLOAD_IDENTITY_PROVIDER }}",
            "          service_account: ${{ vars.GCP_SERVICE_ACCOUNT }}",
        ]
        notes.append(
            "Set the repository variables GCP_WORKLOAD_IDENTITY_PROVIDER (projects/NUMBER/locations/global/"
            "workloadIdentityPools/POOL/providers/PROVIDER) and GCP_SERVICE_ACCOUNT; the service account needs "
            "roles/artifactregistry.reader (writer to publish) and must let the pool's principal impersonate it "
            "(roles/iam.workloadIdentityUser). No key is stored in GitHub."
        )
        if ix.keyring_plugin:
            auth_steps += [
                "          # The keyring plugin reads the file this writes (GOOGLE_APPLICATION_CREDENTIALS).",
                "          create_credentials_file: true",
                "      - name: Keep gha-creds-*.json out of git and images",
                "        run: |",
                *(
                    f"          grep -qxF 'gha-creds-*.json' {f} 2>/dev/null || echo 'gha-creds-*.json' >> {f}"
                    for f in (".gitignore", ".dockerignore")
                ),
            ]
            cred_env = [("UV_KEYRING_PROVIDER", "subprocess"), (ix.user_var, ix.gcp_username)]
            publish_env = [("UV_PUBLISH_USERNAME", ix.gcp_username)]
            notes.append(
                "google-github-actions/auth writes gha-creds-*.json into the workspace: the step after it adds "
                "the pattern to .gitignore and .dockerignore so no later commit or image picks it up."
            )
        else:
            auth_steps += [
                "          # A service-account access token (1 h). Direct federation tokens last 10 minutes",
                "          # and are not accepted everywhere.",
                "          token_format: access_token",
                "          # The token is all uv needs: no gha-creds-*.json is written into the workspace.",
                "          create_credentials_file: false",
            ]
            token = "${{ steps.auth.outputs.access_token }}"
            cred_env = [(ix.user_var, ix.gcp_username), (ix.password_var, token)]
            publish_env = [("UV_PUBLISH_USERNAME", ix.gcp_username), ("UV_PUBLISH_PASSWORD", token)]
            if ix.auth == "service-account-key":
                notes.append(
                    "This index uses a service-account key on your machine; in CI the job gets a short-lived "
                    "access token through Workload Identity Federation instead, so no key is stored in GitHub."
                )
    elif ix.provider == "aws":
        region = ix.fields.get("region", "REGION")
        auth_steps += [
            f"      - uses: {AWS_CREDENTIALS}",
            "        with:",
            "          role-to-assume: ${{ vars.AWS_ROLE_ARN }}",
            f"          aws-region: {_y(region)}",
            "      - name: Get a CodeArtifact token (12 h at most), masked in the log",
            "        run: |",
            f'          token="$({ix.aws_token_command()})"',
            '          echo "::add-mask::$token"',
            f'          echo "{ix.password_var}=$token" >> "$GITHUB_ENV"',
        ]
        cred_env = [(ix.user_var, ix.username)]
        token = f"${{{{ env.{ix.password_var} }}}}"
        publish_env = [("UV_PUBLISH_USERNAME", ix.username), ("UV_PUBLISH_PASSWORD", token)]
        notes.append(
            "Set the repository variable AWS_ROLE_ARN: a role GitHub's OIDC provider may assume, allowed "
            "codeartifact:GetAuthorizationToken, sts:GetServiceBearerToken and codeartifact:ReadFromRepository "
            "(PublishPackageVersion to publish)."
        )
    else:
        user, password = (f"${{{{ secrets.{v} }}}}" for v in (ix.user_var, ix.password_var))
        cred_env = [(ix.user_var, user), (ix.password_var, password)]
        publish_env = [("UV_PUBLISH_USERNAME", user), ("UV_PUBLISH_PASSWORD", password)]
        notes.append(
            f"Add the repository secrets {ix.user_var} (here: {ix.username}) and {ix.password_var} "
            "(Settings → Secrets and variables → Actions); a token made for CI is better than your own."
        )

    def step(name: str, run: list[str], env: list[tuple[str, str]], when: str | None = None) -> list[str]:
        out = [f"      - name: {_y(name)}"]
        if when:
            out.append(f"        if: {when}")
        out += ["        run: |", *(f"          {line}" for line in run)]
        if env:
            out += ["        env:", *(f"          {k}: {_y(v)}" for k, v in env)]
        return out

    setup_uv = [f"      - uses: {SETUP_UV}"]
    if ix.keyring_plugin:
        setup_uv += step(
            "Install keyring with the Artifact Registry plugin, on PATH for uv",
            [
                "uv tool install keyring --with keyrings.google-artifactregistry-auth",
                'uv tool dir --bin >> "$GITHUB_PATH"',
            ],
            [],
        )
    publish: list[str] = []
    if ix.publish:
        publish = step(
            f"Publish to {ix.name} (tags only)",
            ["uv build", ix.publish_command()],
            cred_env + publish_env,
            when="startsWith(github.ref, 'refs/tags/')",
        )
    text = _lines(
        f"# Install from the private index {ix.name!r} ({ix.simple_url}) in GitHub Actions.",
        "# Generated by ar-wizard from the same answers as your uv config: no secret is in this file.",
        "name: private-index",
        "on:",
        "  push:",
        "  pull_request:",
        "permissions:",
        "  contents: read",
        ["  id-token: write  # lets the job trade GitHub's OIDC token for a cloud credential"] if oidc else [],
        "jobs:",
        "  build:",
        "    runs-on: ubuntu-latest",
        ["    env:", f"      UV_INDEX: {_y(ix.uv_index)}"] if not ix.in_project else [],
        "    steps:",
        f"      - uses: {CHECKOUT}",
        auth_steps,
        setup_uv,
        step(f"Install from {ix.name}", ["uv sync --locked"], cred_env),
        publish,
    )
    notes += _token_instead_note(ix)
    notes.append("`uv sync --locked` needs uv.lock committed: run `uv lock` and commit it.")
    return Snippet("github-actions", ".github/workflows/private-index.yml", "yaml", text, tuple(notes))


# -- Dockerfile -------------------------------------------------------------------------


def _dockerfile(ix: _Index) -> Snippet:
    notes: list[str] = []
    env: list[tuple[str, str]] = []
    setup: list[str] = []
    filename = "Dockerfile.private-index"
    if ix.keyring_plugin:
        secret_id = GCP_CREDENTIALS_ID
        mount = f"{SECRETS_DIR}/{secret_id}"
        with_secret = f"GOOGLE_APPLICATION_CREDENTIALS={mount}"
        setup = [
            "# keyring and the Artifact Registry plugin as a tool of their own, on PATH, for uv to call.",
            "ENV UV_TOOL_DIR=/opt/uv-tools UV_TOOL_BIN_DIR=/opt/uv-tools/bin",
            "ENV PATH=/opt/uv-tools/bin:$PATH",
            "RUN uv tool install keyring --with keyrings.google-artifactregistry-auth",
        ]
        env = [("UV_KEYRING_PROVIDER", "subprocess"), (ix.user_var, ix.gcp_username)]
        build = [
            f'#   docker build --secret id={secret_id},src="{ADC_FILE}" \\',
            f"#     -f {filename} .",
        ]
        notes.append(
            "The Google credentials file (`gcloud auth application-default login`) is mounted for the two uv "
            "steps only. In GitHub Actions use src=${{ steps.auth.outputs.credentials_file_path }} after "
            "google-github-actions/auth."
        )
    else:
        secret_id = ix.password_var.lower()
        mount = f"{SECRETS_DIR}/{secret_id}"
        with_secret = f'{ix.password_var}="$(cat {mount})"'
        env = [(ix.user_var, ix.username)]
        build = [
            f"#   {_password_source(ix)}",
            f"#   docker build --secret id={secret_id},env={ix.password_var} -f {filename} .",
        ]
    if not ix.in_project:
        env.append(("UV_INDEX", ix.uv_index))
    copy_config = " ".join(dict.fromkeys(["pyproject.toml", ix.uv_config, "uv.lock"]))
    run = f"RUN --mount=type=secret,id={secret_id},target={mount},required=true \\"
    inherited = (
        "UV_INDEX_* and GOOGLE_APPLICATION_CREDENTIALS, so they can read the mounted credentials"
        if ix.keyring_plugin
        else "UV_INDEX_*, the secret included"
    )
    text = _lines(
        "# syntax=docker/dockerfile:1",
        f"# Installs from the private index {ix.name!r} ({ix.simple_url}) with no credential in any layer:",
        "# BuildKit mounts the secret for the RUN steps below only, so it is not in the image, its",
        "# history or its cache. Never pass a secret as ARG or ENV: both are stored in the image. Build with:",
        build,
        f"FROM {PYTHON_IMAGE}",
        f"COPY --from={UV_IMAGE} /uv /uvx /bin/",
        "WORKDIR /app",
        setup,
        "# Not secrets, so they may live in the image.",
        [f"ENV {k}={_docker_value(v)}" for k, v in env],
        f"COPY {copy_config} ./",
        f"# Packages built from source during this step (sdists) inherit {inherited}:",
        "# prefer wheels for anything you do not trust (uv sync --no-build).",
        run,
        f"    {with_secret} uv sync --locked --no-install-project",
        "# .dockerignore should list .env, .netrc and gha-creds-*.json, or this copies them into a layer.",
        "COPY . .",
        run,
        f"    {with_secret} uv sync --locked",
    )
    notes += _token_instead_note(ix)
    notes.append(_keep_out_of_images_note(ix))
    return Snippet("dockerfile", filename, "dockerfile", text, tuple(notes))


def _password_source(ix: _Index) -> str:
    """How a person puts the password into their shell before `docker build`."""
    var = ix.password_var
    if ix.provider == "aws":
        return f'export {var}="$({ix.aws_token_command()})"'
    if ix.provider == "gcp" and ix.auth == "service-account-key":
        key = shlex.quote(ix.key_file or "key.json")
        return f"export {var}=\"$(base64 < {key} | tr -d '\\n')\""
    if ix.provider == "gcp":
        return f'export {var}="$(gcloud auth print-access-token)"'
    if ix.store == "env":
        return "set -a; . ./.env; set +a   # the token ar-wizard put in .env"
    return f"read -rs {var} && export {var}   # paste the token; it is not echoed"


def _docker_value(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:@=+-]+", value):
        return value
    return json.dumps(value).replace("$", "\\$")


# -- GitLab CI --------------------------------------------------------------------------


def _gitlab_ci(ix: _Index) -> Snippet:
    notes: list[str] = []
    variables: list[tuple[str, str]] = []
    before: list[str | list[str]] = []  # a list is one multi-line script item
    id_tokens: list[str] = []
    if ix.provider == "generic" and ix.gitlab:
        variables = [(ix.user_var, "gitlab-ci-token")]
        before = [f'export {ix.password_var}="$CI_JOB_TOKEN"']
        notes.append(
            "CI_JOB_TOKEN reads this project's package registry; for another project's, add this project to "
            "that one's job token allowlist (Settings → CI/CD → Job token permissions)."
        )
    elif ix.provider == "gcp":
        provider = "$GCP_WORKLOAD_IDENTITY_PROVIDER"
        config = json.dumps(
            {
                "type": "external_account",
                "audience": f"//iam.googleapis.com/{provider}",
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                "token_url": "https://sts.googleapis.com/v1/token",
                "credential_source": {"file": "/tmp/gcp-id-token"},
                "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/"
                "serviceAccounts/$GCP_SERVICE_ACCOUNT:generateAccessToken",
            }
        )
        id_tokens = ["  id_tokens:", "    GCP_ID_TOKEN:", f"      aud: https://iam.googleapis.com/{provider}"]
        variables = [("UV_KEYRING_PROVIDER", "subprocess"), (ix.user_var, ix.gcp_username)]
        before = [
            'echo "$GCP_ID_TOKEN" > /tmp/gcp-id-token',
            ["cat > /tmp/gcp-credentials.json <<EOF", config, "EOF"],
            "export GOOGLE_APPLICATION_CREDENTIALS=/tmp/gcp-credentials.json",
            "uv tool install keyring --with keyrings.google-artifactregistry-auth",
            'export PATH="$(uv tool dir --bin):$PATH"',
        ]
        notes.append(
            "Set the CI/CD variables GCP_WORKLOAD_IDENTITY_PROVIDER (projects/NUMBER/locations/global/"
            "workloadIdentityPools/POOL/providers/PROVIDER, a provider trusting your GitLab's OIDC issuer) and "
            "GCP_SERVICE_ACCOUNT; the keyring plugin mints tokens from the job's OIDC token, so no key is stored."
        )
    elif ix.provider == "aws":
        id_tokens = ["  id_tokens:", "    AWS_ID_TOKEN:", "      aud: sts.amazonaws.com"]
        variables = [(ix.user_var, ix.username), ("AWS_WEB_IDENTITY_TOKEN_FILE", "/tmp/aws-id-token")]
        before = [
            'echo "$AWS_ID_TOKEN" > /tmp/aws-id-token',
            # --no-config: the project's uv config names the private index, which has no credentials yet.
            f'export {ix.password_var}="$(uvx --no-config --from awscli {ix.aws_token_command()})"',
        ]
        notes.append(
            "Set the CI/CD variable AWS_ROLE_ARN: a role your GitLab's OIDC provider may assume (audience "
            "sts.amazonaws.com), allowed codeartifact:GetAuthorizationToken, sts:GetServiceBearerToken and "
            "codeartifact:ReadFromRepository."
        )
    else:
        notes.append(
            f"Add the CI/CD variables {ix.user_var} (here: {ix.username}) and {ix.password_var} "
            "(Settings → CI/CD → Variables), Masked and Protected: GitLab hands them to every job as they are."
        )

    template = f".{ix.name}-index"
    section = [f"{template}:", f"  image: {UV_PYTHON_IMAGE}", id_tokens]
    if not ix.in_project:
        variables.append(("UV_INDEX", ix.uv_index))
    if variables:
        section += ["  variables:", *(f"    {k}: {_y(v)}" for k, v in variables)]
    if before:
        section += ["  before_script:"]
        for item in before:
            if isinstance(item, list):
                section += ["    - |", *(f"      {line}" for line in item)]
            else:
                section.append(f"    - {_y(item)}")
    if not before and ix.provider not in ("gcp", "aws") and not ix.gitlab:
        section.insert(1, f"  # {ix.user_var} and {ix.password_var} come from masked CI/CD variables.")

    publish: list[str] = []
    if ix.publish:
        export = (
            f'export UV_PUBLISH_USERNAME="${ix.user_var}"'
            if ix.provider == "gcp"  # the keyring plugin answers for the upload URL too
            else f'export UV_PUBLISH_USERNAME="${ix.user_var}" UV_PUBLISH_PASSWORD="${ix.password_var}"'
        )
        publish = [
            "",
            f"publish-to-{ix.name}:",
            f"  extends: {template}",
            "  rules:",
            "    - if: $CI_COMMIT_TAG",
            "  script:",
            f"    - {_y(export)}",
            "    - uv build",
            f"    - {_y(ix.publish_command())}",
        ]
    text = _lines(
        f"# GitLab CI jobs that install from the private index {ix.name!r} ({ix.simple_url}).",
        "# Generated by ar-wizard: no secret is in this file. Include it from .gitlab-ci.yml:",
        "#   include:",
        "#     - local: .gitlab/ci/private-index.yml",
        section,
        "",
        f"install-from-{ix.name}:",
        f"  extends: {template}",
        "  script:",
        "    - uv sync --locked",
        publish,
    )
    notes += _token_instead_note(ix)
    notes.append("`uv sync --locked` needs uv.lock committed: run `uv lock` and commit it.")
    return Snippet("gitlab-ci", ".gitlab/ci/private-index.yml", "yaml", text, tuple(notes))
