"""Credentials: the token or password, masked, never copied."""

from __future__ import annotations

from textual.app import ComposeResult

from ...flow import Step
from ...model import Secret
from ..base import StepScreen
from ..fields import Field, SecretInput


class CredentialsScreen(StepScreen):
    STEP = Step.CREDENTIALS
    HEADING = "The token or password"
    HELP = "It is masked here, checked against the index next, and never shown again."

    def body(self) -> ComposeResult:
        yield Field(
            "Token or password",
            SecretInput(placeholder="paste it here", id="secret"),
            help="A short-lived token is safer than a password: rotate it by running the wizard again.",
        )

    def load(self) -> None:
        if self.draft.secret is not None:
            self.query_one("#secret", SecretInput).value = self.draft.secret.reveal()
        self.query_one("#secret", SecretInput).focus()

    def save(self) -> None:
        value = self.query_one("#secret", SecretInput).value.strip()
        self.draft.secret = Secret(value) if value else None

    def problem(self) -> str | None:
        return None if self.query_one("#secret", SecretInput).value.strip() else "the secret is empty"

    def on_input_changed(self) -> None:
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()
