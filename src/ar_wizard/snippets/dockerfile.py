"""The Dockerfile: install from the index with the secret in a BuildKit secret mount.

The mount holds the secret for the two ``uv sync`` steps only, so it is in no
layer, no history and no cache; the comment at the top says how to build with it.
"""

from __future__ import annotations

import json
import re
import shlex

from .index import IndexFacts, Snippet, join_lines, token_instead_note
from .pins import ADC_FILE, GCP_CREDENTIALS_ID, PYTHON_IMAGE, SECRETS_DIR, UV_IMAGE


def build(ix: IndexFacts) -> Snippet:
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
        # No username known (only the snippet was asked for): it comes in as a build argument, which
        # is fine for a username (never for the secret).
        env = [(ix.user_var, ix.username)] if ix.username else []
        username_arg = "" if ix.username else f" --build-arg {ix.user_var}=USERNAME"
        build = [
            f"#   {_password_source(ix)}",
            f"#   docker build --secret id={secret_id},env={ix.password_var}{username_arg} -f {filename} .",
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
    text = join_lines(
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
        [] if ix.username or ix.provider != "generic" else _username_arg(ix),
        [_env_line(k, v, ix) for k, v in env],
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
    notes += token_instead_note(ix)
    notes.append(_keep_out_of_images_note(ix))
    return Snippet("dockerfile", filename, "dockerfile", text, tuple(notes))


def _password_source(ix: IndexFacts) -> str:
    """How a person puts the password into their shell before `docker build`.

    A minted secret is assigned in a statement of its own and exported only if that
    worked: `export X="$(...)"` exits 0 when the command fails (SC2155), and the
    build would then run with an empty secret."""
    var = ix.password_var
    if ix.provider == "aws":
        return f'{var}="$({ix.aws_token_command()})" && export {var}'
    if ix.provider == "gcp" and ix.auth == "service-account-key":
        key = shlex.quote(ix.key_file or "key.json")
        return f"{var}=\"$(base64 < {key} | tr -d '\\n')\" && export {var}"
    if ix.provider == "gcp":
        return f'{var}="$(gcloud auth print-access-token)" && export {var}'
    if ix.store == "env":
        return "set -a; . ./.env; set +a   # the token ar-wizard put in .env"
    return f"read -rs {var} && export {var}   # paste the token; it is not echoed"


def _username_arg(ix: IndexFacts) -> list[str]:
    """The username as a build argument, for a Dockerfile made without one (`--build-arg` gives it)."""
    return ["# hadolint's DL3064 takes USERNAME for a secret; a username is not one.", "# hadolint ignore=DL3064",
            f"ARG {ix.user_var}"]


def _env_line(name: str, value: str, ix: IndexFacts) -> list[str]:
    line = f"ENV {name}={_docker_value(value)}"
    if name != ix.user_var:
        return [line]
    # hadolint's DL3064 flags any ENV whose name looks sensitive, and USERNAME does; the
    # username is not a secret (the password is mounted above), so the ignore says so.
    return ["# hadolint's DL3064 takes USERNAME for a secret; a username is not one.", "# hadolint ignore=DL3064", line]


def _docker_value(value: str) -> str:
    if re.fullmatch(r"[A-Za-z0-9_./:@=+-]+", value):
        return value
    return json.dumps(value).replace("$", "\\$")


def _keep_out_of_images_note(ix: IndexFacts) -> str:
    names = ".env, " if ix.store == "env" else ""
    return (
        f"Keep {names}.netrc and gha-creds-*.json out of images: list them in .dockerignore, or a "
        "`COPY . .` puts them in a layer."
    )
