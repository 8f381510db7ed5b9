"""Validate: ask the real index with the credential, in a worker, before anything is written."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, LoadingIndicator, Static

from ...flow import Step
from ...model import mask
from ..background import Finished, report
from ..base import StepScreen
from ..words import in_wizard

if TYPE_CHECKING:
    from ...validate import Verdict  # noqa: F401 - Checked's type, named as a string: the core loads when it runs


class Checked(Finished["Verdict"]):
    """The index's answer to the credentials, or why it could not be asked."""


class ValidateScreen(StepScreen):
    STEP = Step.VALIDATE
    HEADING = "Checking the credentials against the index"
    HELP = "The same request uv will make. Back cancels it; Retry asks again."

    BINDINGS = [
        Binding("ctrl+r", "retry", "Retry", id="retry", tooltip="Ask the index again"),
        Binding("ctrl+s", "skip", "Skip check", id="skip", tooltip="Go on without the live check"),
    ]
    SKIP_RISK = (
        "Skipping writes the changes without knowing whether the index accepts this secret: a wrong "
        "token, username or URL shows up later as a 401 or 404 from uv (`ar-wizard undo` takes it back)."
    )

    #: what the screen shows: asking (spinner, Skip), passed, failed (Retry, Skip) or skipped (Retry);
    #: app.tcss shows and hides the parts by the class it sets
    phase: reactive[str] = reactive("asking", init=False)

    @property
    def skipped(self) -> bool:
        return self.phase == "skipped"

    def watch_phase(self, phase: str) -> None:
        for name in ("asking", "passed", "failed", "skipped"):
            self.set_class(phase == name, f"-{name}")
        self.refresh_bindings()  # Ctrl+S only while there is something to skip
        self.refresh_nav()

    def body(self) -> ComposeResult:
        yield Static("", id="asking")
        yield LoadingIndicator(id="spinner")
        yield Static("", id="verdict", classes="verdict")
        with Horizontal(id="validate-buttons"):
            yield Button("Retry", id="retry-button")
            yield Button("Skip the live check", id="skip-button")
        yield Static(f"[$text-muted]{escape(self.SKIP_RISK)}[/]", id="skip-risk")

    def load(self) -> None:
        self.wizard.verdict = None
        self.set_class(True, "-asking")
        self.action_retry()

    def action_skip(self) -> None:
        """Off the VPN, say: go on to the Preview without asking the index (what it risks is shown)."""
        self.workers.cancel_group(self, "validate")
        verdict = self.wizard.verdict
        # Done says what was skipped: an unanswered check, or a refusal the user chose to write anyway.
        self.wizard.skipped = True
        self.wizard.refused = verdict if verdict is not None and not verdict.ok else None
        self.wizard.verdict = None
        box = self.query_one("#verdict", Static)
        box.update("Skipped: the credentials were not checked against the index.")
        box.set_classes("verdict")
        self.phase = "skipped"
        self.action_next()

    def action_retry(self) -> None:
        self.wizard.verdict = None
        self.wizard.skipped = False
        self.wizard.refused = None
        self.phase = "asking"
        url = self.draft.fields.get("url", "the index")
        self.query_one("#asking", Static).update(Content(f"Asking {url} as {self.draft.username!r}…"))
        self.check()

    @work(thread=True, exclusive=True, group="validate")
    def check(self) -> None:
        from ...validate import validate_draft

        report(self, lambda: validate_draft(self.draft), outcome=Checked)

    @on(Checked)
    def show(self, message: Checked) -> None:
        from ...validate import Verdict

        verdict = message.value or Verdict(False, message.error or "", self.draft.fields.get("url", ""))
        self.wizard.verdict = verdict
        # A server that never asks for credentials gets them unasked: authenticate = "always".
        self.draft.authenticate_always = verdict.ok and verdict.unasked
        self.query_one("#asking", Static).update(Content(f"Asked {verdict.url} as {self.draft.username!r}."))
        box = self.query_one("#verdict", Static)
        timing = f"\n[dim]{verdict.seconds * 1000:.0f} ms[/]" if verdict.seconds else ""
        if verdict.ok:
            box.update(f"✓ {escape(in_wizard(mask(verdict.message)))}{timing}")
            box.set_classes("verdict passed")
        else:
            box.update(f"✗ {escape(in_wizard(mask(verdict.message)))}{timing}\n\nNothing has been written. Fix it with Back, or Retry.")
            box.set_classes("verdict failed")
        self.phase = "passed" if verdict.ok else "failed"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "skip":
            return self.phase in ("asking", "failed")
        return super().check_action(action, parameters)

    def problem(self) -> str | None:
        if self.skipped:
            return None
        verdict = self.wizard.verdict
        if verdict is None:
            return "Still asking the index: wait for its answer, or Skip the live check."
        return None if verdict.ok else "The index did not accept the credentials (above): fix them with Back, Retry, or Skip the live check."

    def blocker(self):
        verdict = self.wizard.verdict
        return self.query_one("#retry-button") if verdict is not None else self.query_one("#skip-button")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retry-button":
            event.stop()
            self.action_retry()
        elif event.button.id == "skip-button":
            event.stop()
            self.action_skip()
