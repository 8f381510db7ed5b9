"""The GitHub Actions workflow: install from the index, and publish on tags when the draft publishes.

Google and AWS trade the job's OIDC token for a short-lived credential, so no
key is stored in GitHub; every other index reads repository secrets.
"""

from __future__ import annotations

from .index import IndexFacts, Snippet, join_lines, token_instead_note, yaml_scalar
from .pins import AWS_CREDENTIALS, CHECKOUT, GOOGLE_AUTH, SETUP_UV


def build(ix: IndexFacts) -> Snippet:
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
            f"          aws-region: {yaml_scalar(region)}",
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
            f"Add the repository secrets {ix.user_var}{f' (here: {ix.username})' if ix.username else ''} and {ix.password_var} "
            "(Settings → Secrets and variables → Actions); a token made for CI is better than your own."
        )

    def step(name: str, run: list[str], env: list[tuple[str, str]], when: str | None = None) -> list[str]:
        out = [f"      - name: {yaml_scalar(name)}"]
        if when:
            out.append(f"        if: {when}")
        out += ["        run: |", *(f"          {line}" for line in run)]
        if env:
            out += ["        env:", *(f"          {k}: {yaml_scalar(v)}" for k, v in env)]
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
    text = join_lines(
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
        ["    env:", f"      UV_INDEX: {yaml_scalar(ix.uv_index)}"] if not ix.in_project else [],
        "    steps:",
        f"      - uses: {CHECKOUT}",
        auth_steps,
        setup_uv,
        step(f"Install from {ix.name}", ["uv sync --locked"], cred_env),
        publish,
    )
    notes += token_instead_note(ix)
    notes.append("`uv sync --locked` needs uv.lock committed: run `uv lock` and commit it.")
    return Snippet("github-actions", ".github/workflows/private-index.yml", "yaml", text, tuple(notes))
