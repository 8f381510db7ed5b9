"""Apply: the transaction, in a worker; all of it is written or none of it.

When it fails everything is put back, and the user is not stranded: Back returns
to the Preview (planned again from the files as they are), Retry tries once more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, LoadingIndicator, Static

from ...flow import Step
from ...paths import shown
from ..background import Finished, report
from ..base import StepScreen

if TYPE_CHECKING:
    from ...apply import ApplyResult  # noqa: F401 - Applied's type, named as a string: the core loads when it runs


class Applied(Finished["ApplyResult"]):
    """The transaction has finished: everything is written, or (an error) everything is put back."""


class ApplyScreen(StepScreen):
    STEP = Step.APPLY
    HEADING = "Writing"
    HELP = "Each file is written atomically; if anything fails, everything is put back."

    #: writing (spinner), written (what was written) or failed (why, Back to Preview and Retry);
    #: app.tcss shows and hides the parts by the class it sets
    phase: reactive[str] = reactive("", init=False)

    def watch_phase(self, phase: str) -> None:
        for name in ("writing", "written", "failed"):
            self.set_class(phase == name, f"-{name}")

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Static("", id="outcome", classes="verdict")
        with Horizontal(id="apply-buttons"):
            yield Button("Back to Preview", id="back-button", variant="primary")
            yield Button("Retry", id="retry-button")

    def load(self) -> None:
        self.action_retry()

    def action_retry(self) -> None:
        self.wizard.rolled_back = False
        self.phase = "writing"
        self.refresh_nav()
        self.run_apply()

    @work(thread=True, exclusive=True, group="apply")
    def run_apply(self) -> None:
        from ...apply import apply

        label = f"{self.draft.mode} {self.draft.index_name} (wizard)"
        plan = self.wizard.plan
        assert plan is not None  # Preview made it; Apply follows no other step
        report(self, lambda: apply(plan, label=label), abandon=False, outcome=Applied)

    @on(Applied)
    def show(self, message: Applied) -> None:
        outcome = self.query_one("#outcome", Static)
        if message.error:
            self.wizard.rolled_back = True
            outcome.update(
                f"✗ {escape(message.error)}\n\nEverything already written was put back. Back to Preview keeps "
                "your answers (go back further to choose another store); Retry tries again."
            )
            outcome.set_classes("verdict failed")
            self.phase = "failed"
            self.query_one("#back-button").focus()
        else:
            result = self.wizard.result = message.result()
            lines = [f"✓ wrote {shown(p)}" for p in result.written]
            lines += [f"✓ stored {s}" for s in result.secrets]
            lines += [f"  kept {shown(p)} (already right)" for p in result.unchanged]
            if result.backup_id:
                lines.append(f"\nBackup {result.backup_id}: `ar-wizard undo {result.backup_id}` puts it all back.")
            outcome.update(Content("\n".join(lines) or "Nothing needed to change."))
            outcome.set_classes("verdict passed")
            self.phase = "written"
        self.refresh_nav()

    def next_shown(self) -> bool:
        return self.wizard.result is not None

    def _can_go_back(self) -> bool:
        return self.wizard.rolled_back

    def problem(self) -> str | None:
        return None if self.wizard.result is not None else "Still writing."

    @on(Button.Pressed, "#back-button")
    def back_to_preview(self) -> None:
        self.action_back()

    @on(Button.Pressed, "#retry-button")
    def retry(self) -> None:
        self.action_retry()
