"""The GitLab CI jobs: a hidden template that reaches the index, an install job and a tag-only publish job.

GitLab's own package registry is read with ``CI_JOB_TOKEN``; Google and AWS
trade the job's OIDC ``id_tokens`` for a credential; every other index reads
masked CI/CD variables.
"""

from __future__ import annotations

import json

from .index import IndexFacts, Snippet, join_lines, token_instead_note, yaml_scalar
from .pins import UV_PYTHON_IMAGE


def build(ix: IndexFacts) -> Snippet:
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
            # PATH is exported already; a bare assignment lets a failed `uv tool dir` stop the job (SC2155).
            'PATH="$(uv tool dir --bin):$PATH"',
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
            # The mint is a statement of its own: `export X="$(...)"` would hide its failure (SC2155)
            # until a later 401, where GitLab's `set -e` stops the job at the failed assignment.
            f'{ix.password_var}="$(uvx --no-config --from awscli {ix.aws_token_command()})"',
            f"export {ix.password_var}",
        ]
        notes.append(
            "Set the CI/CD variable AWS_ROLE_ARN: a role your GitLab's OIDC provider may assume (audience "
            "sts.amazonaws.com), allowed codeartifact:GetAuthorizationToken, sts:GetServiceBearerToken and "
            "codeartifact:ReadFromRepository."
        )
    else:
        notes.append(
            f"Add the CI/CD variables {ix.user_var}{f' (here: {ix.username})' if ix.username else ''} and {ix.password_var} "
            "(Settings → CI/CD → Variables), Masked so no job log shows the token. Leave Protected off unless "
            "every branch and tag that runs these jobs is protected: GitLab withholds a protected variable from "
            "pipelines on unprotected branches and from merge request pipelines, where the install would fail."
        )

    template = f".{ix.name}-index"
    section = [f"{template}:", f"  image: {UV_PYTHON_IMAGE}", id_tokens]
    if not ix.in_project:
        variables.append(("UV_INDEX", ix.uv_index))
    if variables:
        section += ["  variables:", *(f"    {k}: {yaml_scalar(v)}" for k, v in variables)]
    if before:
        section += ["  before_script:"]
        for item in before:
            if isinstance(item, list):
                section += ["    - |", *(f"      {line}" for line in item)]
            else:
                section.append(f"    - {yaml_scalar(item)}")
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
            f"    - {yaml_scalar(export)}",
            "    - uv build",
            f"    - {yaml_scalar(ix.publish_command())}",
        ]
    text = join_lines(
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
    notes += token_instead_note(ix)
    notes.append("`uv sync --locked` needs uv.lock committed: run `uv lock` and commit it.")
    return Snippet("gitlab-ci", ".gitlab/ci/private-index.yml", "yaml", text, tuple(notes))
