"""Auth: how a credential is obtained, and the username that goes with it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, RadioButton, RadioSet, Static

from ... import providers
from ...flow import Step
from ..base import StepScreen
from ..fields import Field

AUTH_TEXT = {
    "token": ("A token or password I have", "typed once, kept in the store you choose next"),
    "keyring": (
        "A keyring that already has it",
        "nothing is stored: uv and pip ask `keyring` (or its plugin) each time",
    ),
    "service-account-key": ("A service-account key file", "long-lived; prefer a token or the keyring plugin"),
}


class AuthScreen(StepScreen):
    STEP = Step.AUTH
    HEADING = "How do you sign in to the index?"
    HELP = "Choose how uv gets a credential; the username is the one the registry gave you."

    def body(self) -> ComposeResult:
        self.provider = providers.get(self.draft.provider)
        with RadioSet(id="auth"):
            for method in self.provider.auth_methods:
                title, why = AUTH_TEXT[method]
                yield RadioButton(f"{title} — {why}", id=method)
        yield Field(
            "Username",
            Input(placeholder="the username for the token", id="username"),
            help="For tokens without a user (JFrog, GitLab deploy tokens) the registry documents what to type.",
        )
        yield Static("", id="auth-note", classes="choice-help")

    def load(self) -> None:
        method = self.draft.auth if self.draft.auth in self.provider.auth_methods else "token"
        self.query_one(f"#{method}", RadioButton).value = True
        self.query_one("#username", Input).value = (
            self.draft.username or self.provider.default_username(self.draft.auth) or ""
        )
        self.query_one("#username", Input).focus()

    def save(self) -> None:
        pressed = self.query_one("#auth", RadioSet).pressed_button
        self.draft.auth = pressed.id if pressed is not None else "token"
        self.draft.username = self.query_one("#username", Input).value.strip()
        if not self.draft.stores_secret:
            self.draft.secret = None

    def problem(self) -> str | None:
        return None if self.query_one("#username", Input).value.strip() else "the username is empty"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.pressed.id == "keyring":
            note = "The index URL will carry the username and uv will use keyring-provider = \"subprocess\"."
        else:
            note = ""
        self.query_one("#auth-note", Static).update(note)
        # The step indicator depends on the method (a keyring needs no Credentials step).
        self.draft.auth = event.pressed.id
        self.query_one("#steps", Static).update(self._indicator())
        self.refresh_nav()

    def on_input_changed(self) -> None:
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()
