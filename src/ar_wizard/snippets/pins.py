"""The actions, images and paths the snippets pin, in one place so they are bumped together.

`tests/test_snippets.py` runs actionlint on every workflow, which reports an action whose
runtime GitHub has deprecated: bump the version here when it does.
"""

from __future__ import annotations

# Pinned in one place so they are bumped together. setup-uv publishes no
# moving major tag since v8, so it takes a full version.
CHECKOUT = "actions/checkout@v5"
SETUP_UV = "astral-sh/setup-uv@v8.1.0"
GOOGLE_AUTH = "google-github-actions/auth@v3"
AWS_CREDENTIALS = "aws-actions/configure-aws-credentials@v6"
PYTHON_IMAGE = "python:3.12-slim"
UV_IMAGE = "ghcr.io/astral-sh/uv:latest"
UV_PYTHON_IMAGE = "ghcr.io/astral-sh/uv:python3.12-bookworm-slim"
SECRETS_DIR = "/run/secrets"
GCP_CREDENTIALS_ID = "gcp_credentials"
# Where `gcloud auth application-default login` writes the laptop's Google credentials.
ADC_FILE = "$HOME/.config/gcloud/application_default_credentials.json"
