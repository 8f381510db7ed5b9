"""Credentials: a token typed (masked, never copied), minted for the user, or a key file."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, Input, RadioSet, Static

from ... import providers
from ...flow import Step
from ...model import Secret
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Choice, Choices, CoreCheck, Field, SecretInput
from ..words import in_wizard

if TYPE_CHECKING:
    from ...credentials.google import MintedToken  # noqa: F401 - Minted's type, named as a string: the core loads when it runs

MINT_SOURCES = {
    "adc": "Application Default Credentials (gcloud auth application-default login)",
    "gcloud": "gcloud auth print-access-token (your gcloud login)",
    "key-file": "a service-account key file",
}


class Minted(Finished["MintedToken"]):
    """A fresh token from the chosen source, or why none could be minted."""


class CredentialsScreen(StepScreen):
    STEP = Step.CREDENTIALS

    # StepScreen's class attribute; here it names the index being rotated.
    @property
    def HEADING(self) -> str:  # type: ignore[override]  # noqa: N802 - StepScreen's name
        if self.draft.mode == "rotate":
            return f"A new secret for {self.draft.index_name}"
        return f"Your credential for {self.draft.index_name}" if self.draft.mode == "join" else "The credential"
    HELP = "It is masked here, checked against the index next, and never shown again."

    #: minting from ADC or gcloud, where the key file is not the source: app.tcss hides its field
    key_unused: reactive[bool] = reactive(False, init=False, toggle_class="-key-unused")

    def body(self) -> ComposeResult:
        from ...mint import can_mint as provider_mints

        if self.draft.mode == "rotate":
            existing = self.draft.existing
            assert existing is not None  # a rotation starts from the index as it is set up
            places = "\n".join(f"  • {escape(c.where)}" for c in existing.rotatable)
            yield Static(
                f"Index {escape(existing.index.plain_url)}, user {escape(self.draft.username)!r}.\n"
                f"The new secret replaces the old one in:\n{places}\n"
                "[dim]No config file changes; the old secret is backed up for `ar-wizard undo`.[/]",
                id="rotating",
            )
        provider = providers.get(self.draft.provider)
        gcp = self.draft.provider == "gcp"
        can_mint = self.draft.auth == "token" and provider_mints(self.draft.provider)
        key_only = self.draft.auth == "service-account-key"
        # The secret comes first (pasting one is the commonest answer); minting one follows, in tab order.
        if not key_only:
            yield Field(
                provider.secret_label + (" (paste one, or mint one below)" if can_mint else ""),
                SecretInput(placeholder="paste it here", id="secret"),
                help=provider.secret_hint(),
            )
        if can_mint and gcp:
            default = "key-file" if self.draft.key_file else "adc"  # a rotation mints as before
            yield Static("Mint a short-lived token (≈1 h) from", classes="section")
            from ...userpath import which

            with Choices(id="mint-source"):
                for source, text in MINT_SOURCES.items():
                    if source == "gcloud" and not which("gcloud"):
                        continue  # offer only what this machine can do
                    yield Choice(text, id=f"mint-{source}", value=source == default)
        elif can_mint:
            yield Static(
                "Mint a token (≤ 12 h) with `aws codeartifact get-authorization-token` and your AWS login",
                classes="section",
            )
        if (can_mint and gcp) or key_only:
            yield Field(
                "Service-account key file",
                Input(placeholder="e.g. ~/keys/ci-reader.json", validators=[CoreCheck(self._check_key)], id="key-file"),
                help="A JSON key is long-lived: prefer a token or the keyring plugin where you can."
                if key_only else "The key to mint from.",
                id="key-file-field",
            )
        if can_mint:
            yield Button("Mint a token", id="mint-button", variant="primary")
            yield Static("", id="minted", classes="reason")

    def _check_key(self, value: str) -> tuple[str, ...]:
        from ...credentials import google

        if value:
            google.load_key(Path(value).expanduser())
        return ()

    def load(self) -> None:
        if self.query("#secret") and self.draft.secret is not None and self.draft.auth != "service-account-key":
            self.query_one("#secret", SecretInput).value = self.draft.secret.reveal()
        if self.query("#key-file"):
            self.query_one("#key-file", Input).value = self.draft.key_file
        self._show_key_field()
        first = (self.query("#secret") or self.query("#key-file")).first()
        # After the screen is shown: a screen pushed from a dialog's answer would otherwise start unfocused.
        self.call_after_refresh(first.focus)

    def _show_key_field(self) -> None:
        # Minting from ADC or gcloud needs no key: its field shows only when the key is the source,
        # so the Mint button and what it says stay on a small screen.
        if self.query("#mint-source") and self.query("#key-file-field"):
            pressed = self.query_one("#mint-source", RadioSet).pressed_button
            self.key_unused = pressed is None or pressed.id != "mint-key-file"

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        if event.radio_set.id == "mint-source":
            self._show_key_field()

    def _key_path(self) -> str:
        if self.key_unused:
            return ""  # minting from ADC or gcloud: a key typed before is not the source
        return self.query_one("#key-file", Input).value.strip() if self.query("#key-file") else ""

    def save(self) -> None:
        key = self.draft.key_file = self._key_path()
        if self.draft.auth == "service-account-key":
            from ...credentials import google

            self.draft.secret = google.load_key(Path(key).expanduser()).secret if key else None
            return
        value = self.query_one("#secret", SecretInput).value.strip()
        self.draft.secret = Secret(value) if value else None
        minted = getattr(self, "_minted", None)
        # Its expiry is recorded on apply, unless another secret was pasted over it.
        self.draft.minted = minted if minted is not None and minted.secret == self.draft.secret else None

    def problem(self) -> str | None:
        if self.draft.auth == "service-account-key":
            if not self._key_path():
                return "No key file given: type the path of the service-account key (a .json file)."
            field = self.query_one("#key-file", Input).parent
            return None if isinstance(field, Field) and field.valid else "The key file is not right yet (see above)."
        if self.query_one("#secret", SecretInput).value.strip():
            return None
        if self.query("#mint-button"):
            return "The secret is empty: paste it here, or press Mint a token."
        return "The secret is empty: paste it here."

    def blocker(self):
        return (self.query("#secret") or self.query("#key-file")).first()

    def paste_unfocused(self, text: str) -> None:
        # Nothing focused (or a choice focused): a pasted token belongs in the secret field, never nowhere.
        if self.query("#secret"):
            secret = self.query_one("#secret", SecretInput)
            secret.value = text.splitlines()[0]
            secret.focus()
            self.notify("Pasted into the secret field (masked).")
        else:
            self.query_one("#key-file", Input).focus()
            self.notify("Type or paste the path of the key file here.", severity="warning")
    def on_input_changed(self) -> None:
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()

    @on(Button.Pressed, "#mint-button")
    def mint(self) -> None:
        pressed = self.query_one("#mint-source", RadioSet).pressed_button if self.query("#mint-source") else None
        source = (pressed.id or "").removeprefix("mint-") if pressed is not None else "auto"
        key = Path(self._key_path()).expanduser() if self._key_path() else None
        self.query_one("#minted", Static).update("Minting…")
        self.run_mint(source, key)

    @work(thread=True, exclusive=True, group="mint")
    def run_mint(self, source: str, key: Path | None) -> None:
        from ...mint import mint_token

        provider, fields = self.draft.provider, dict(self.draft.fields)
        report(self, lambda: mint_token(provider, source=source, key_file=key, fields=fields), outcome=Minted)

    @on(Minted)
    def minted(self, message: Minted) -> None:
        from ...mint import describe

        box = self.query_one("#minted", Static)
        if message.error:
            box.update(f"✗ {escape(message.error)}")
            box.set_classes("reason error")
            return
        minted = self._minted = message.result()
        self.query_one("#secret", SecretInput).value = minted.secret.reveal()
        box.update(f"✓ {escape(in_wizard(describe(minted)))}")
        box.set_classes("reason ok")
        self.refresh_nav()
