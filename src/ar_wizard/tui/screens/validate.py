"""Validate: ask the real index with the credential, in a worker, before anything is written."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.binding import Binding
from textual.widgets import Button, LoadingIndicator, Static

from ...flow import Step
from ...model import mask
from ..background import Finished, report
from ..base import StepScreen


class ValidateScreen(StepScreen):
    STEP = Step.VALIDATE
    HEADING = "Checking the credentials against the index"
    HELP = "The same request uv will make. Back cancels it; Retry asks again."

    BINDINGS = [Binding("ctrl+r", "retry", "Retry", id="retry", tooltip="Ask the index again")]

    def body(self) -> ComposeResult:
        yield Static("", id="asking")
        yield LoadingIndicator(id="spinner")
        yield Static("", id="verdict", classes="verdict")
        yield Button("Retry", id="retry-button")

    def load(self) -> None:
        self.wizard.verdict = None
        self.action_retry()

    def action_retry(self) -> None:
        self.wizard.verdict = None
        self.query_one("#spinner").display = True
        self.query_one("#verdict").display = False
        self.query_one("#retry-button").display = False
        url = self.draft.fields.get("url", "the index")
        self.query_one("#asking", Static).update(f"Asking {url} as {self.draft.username!r}…")
        self.refresh_nav()
        self.check()

    @work(thread=True, exclusive=True, group="validate")
    def check(self) -> None:
        from ...validate import validate_draft

        report(self, lambda: validate_draft(self.draft))

    @on(Finished)
    def show(self, message: Finished) -> None:
        from ...validate import Verdict

        verdict = message.value or Verdict(False, message.error or "", self.draft.fields.get("url", ""))
        self.wizard.verdict = verdict
        self.query_one("#asking", Static).update(f"Asked {verdict.url} as {self.draft.username!r}.")
        self.query_one("#spinner").display = False
        box = self.query_one("#verdict", Static)
        box.display = True
        timing = f"\n[dim]{verdict.seconds * 1000:.0f} ms[/]" if verdict.seconds else ""
        if verdict.ok:
            box.update(f"✓ {escape(mask(verdict.message))}{timing}")
            box.set_classes("verdict passed")
        else:
            box.update(f"✗ {escape(mask(verdict.message))}{timing}\n\nNothing has been written. Fix it with Back, or Retry.")
            box.set_classes("verdict failed")
            self.query_one("#retry-button").display = True
        self.refresh_nav()

    def problem(self) -> str | None:
        verdict = self.wizard.verdict
        if verdict is None:
            return "still checking"
        return None if verdict.ok else verdict.message

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "retry-button":
            event.stop()
            self.action_retry()
