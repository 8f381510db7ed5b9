"""Auth: how a credential is obtained, and the username that goes with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, Input, RadioButton, RadioSet, Static

from ... import providers
from ...flow import Step
from ...providers.azure import NONINTERACTIVE_NOTE
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Choice, Choices, Field, example

if TYPE_CHECKING:
    from ...credentials.keyring_setup import Finding  # noqa: F401 - KeyringChecked's type, named as a string: the core loads when it runs


class KeyringChecked(Finished["list[Finding]"]):
    """What keyring and its plugin say on this machine (after installing them, when asked)."""

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

    #: the keyring panel (what keyring and its plugin say) while the keyring is the method, and
    #: its Install button while they are missing; app.tcss shows them by the classes these set
    keyring_chosen: reactive[bool] = reactive(False, init=False, toggle_class="-keyring-chosen")
    install_offered: reactive[bool] = reactive(False, init=False, toggle_class="-install-offered")

    def body(self) -> ComposeResult:
        self.provider = providers.get(self.draft.provider)
        if self.draft.mode == "join":
            url = self.provider.urls(self.draft.fields).simple
            yield Static(
                f"[b]{escape(self.draft.index_name)}[/] ({escape(self.provider.title)}, {escape(url)}) is configured "
                "already: only your own credentials are needed, and the config file stays as it is.",
                id="joining",
            )
        with Choices(id="auth"):
            for method in self.provider.auth_methods:
                title, why = AUTH_TEXT[method]
                yield Choice(f"{title} — {why}", id=method)
        yield Field(
            "Username",
            Input(placeholder=example("deploy-bot"), id="username"),
            help=self.provider.username_help,
        )
        yield Static("", id="auth-note", classes="choice-help")
        if self.provider.keyring_plugin:
            yield Static("", id="keyring-findings")
            yield Button(f"Install keyring with {self.provider.keyring_plugin[0]}", id="install-keyring")

    def load(self) -> None:
        method = self.draft.auth if self.draft.auth in self.provider.auth_methods else "token"
        self.query_one(f"#{method}", RadioButton).value = True
        self.query_one("#username", Input).value = (
            self.draft.username or self.provider.default_username(self.draft.auth) or ""
        )
        # The first choice to make is the method: arrows move, Space or Enter picks.
        self.query_one("#auth", RadioSet).focus()
        self._show_keyring_panel(method == "keyring")

    def save(self) -> None:
        pressed = self.query_one("#auth", RadioSet).pressed_button
        self.draft.auth = (pressed.id or "token") if pressed is not None else "token"
        self.draft.username = self.query_one("#username", Input).value.strip()
        if not self.draft.stores_secret:
            self.draft.secret = None

    def problem(self) -> str | None:
        if self.query_one("#username", Input).value.strip():
            return None
        return "The username is empty: type the one the registry gave you with the token."

    def blocker(self):
        return self.query_one("#username", Input)

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        method = event.pressed.id or "token"
        if method == "keyring":
            note = "The index URL will carry the username and uv will use keyring-provider = \"subprocess\"."
            if self.provider.key == "azure":
                note += " " + NONINTERACTIVE_NOTE
        elif method == "service-account-key":
            note = "A JSON key does not expire by default: anyone who copies it has access until it is deleted."
        else:
            note = ""
        self.query_one("#auth-note", Static).update(escape(note))
        # Each method has its own username (GCP: oauth2accesstoken or _json_key_base64).
        username = self.query_one("#username", Input)
        defaults = {self.provider.default_username(m) for m in self.provider.auth_methods}
        if not username.value or username.value in defaults:
            username.value = self.provider.default_username(method) or username.value
        # The step indicator depends on the method (a keyring needs no Credentials step).
        self.draft.auth = method
        self.query_one("#steps", Static).update(self._indicator())
        self._show_keyring_panel(method == "keyring")
        self.refresh_nav()

    def _show_keyring_panel(self, shown: bool) -> None:
        if not self.provider.keyring_plugin:
            return
        self.keyring_chosen = shown
        self.install_offered = False
        if shown:
            self.query_one("#keyring-findings", Static).update("Checking keyring and its plugin…")
            self.check_keyring()

    @work(thread=True, exclusive=True, group="keyring")
    def check_keyring(self, install: bool = False) -> None:
        from ...credentials import keyring_setup

        plugin = self.provider.keyring_plugin
        assert plugin is not None  # the plugin panel shows only for providers that have one
        package, backend = plugin

        def checked():
            if install:
                keyring_setup.install(package)
            try:
                url = self.provider.urls(self.draft.fields).simple
            except Exception:  # the registry fields are checked on their own screen
                url = ""
            return keyring_setup.check(package, backend, url)

        report(self, checked, outcome=KeyringChecked)

    @on(KeyringChecked)
    def show_findings(self, message: KeyringChecked) -> None:
        panel = self.query_one("#keyring-findings", Static)
        if message.error:
            panel.update(f"[$error]✗ {escape(message.error)}[/]")
            return
        lines = []
        findings = message.result()
        for finding in findings:
            mark = "[$success]✓[/]" if finding.ok else "[$error]✗[/]"
            lines.append(f"{mark} {escape(finding.message)}")
            if not finding.ok and finding.fix:
                lines.append(f"   fix: {escape(finding.fix)}")
        panel.update("\n".join(lines))
        self.install_offered = any(
            not f.ok and f.fix and f.fix.startswith("uv tool install") for f in findings
        )

    @on(Button.Pressed, "#install-keyring")
    def install_keyring(self) -> None:
        self.query_one("#keyring-findings", Static).update("Installing keyring and the plugin with uv…")
        self.install_offered = False
        self.check_keyring(install=True)

    def on_input_changed(self) -> None:
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()
