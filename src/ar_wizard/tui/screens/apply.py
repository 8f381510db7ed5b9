"""Apply: the transaction, in a worker; all of it is written or none of it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.widgets import LoadingIndicator, Static

from ...flow import Step
from ...paths import shown
from ..background import Finished, report
from ..base import StepScreen


class ApplyScreen(StepScreen):
    STEP = Step.APPLY
    HEADING = "Writing"
    HELP = "Each file is written atomically; if anything fails, everything is put back."

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Static("", id="outcome", classes="verdict")

    def load(self) -> None:
        self.query_one("#outcome").display = False
        self.run_apply()

    @work(thread=True, exclusive=True, group="apply")
    def run_apply(self) -> None:
        from ...apply import apply

        label = f"{self.draft.mode} {self.draft.index_name} (wizard)"
        report(self, lambda: apply(self.wizard.plan, label=label), abandon=False)

    @on(Finished)
    def show(self, message: Finished) -> None:
        self.query_one("#spinner").display = False
        outcome = self.query_one("#outcome", Static)
        outcome.display = True
        if message.error:
            outcome.update(f"✗ {escape(message.error)}")
            outcome.set_classes("verdict failed")
        else:
            result = self.wizard.result = message.value
            lines = [f"✓ wrote {shown(p)}" for p in result.written]
            lines += [f"✓ stored {s}" for s in result.secrets]
            lines += [f"  kept {shown(p)} (already right)" for p in result.unchanged]
            if result.backup_id:
                lines.append(f"\nBackup {result.backup_id}: `ar-wizard undo {result.backup_id}` puts it all back.")
            outcome.update("\n".join(lines) or "Nothing needed to change.")
            outcome.set_classes("verdict passed")
        self.refresh_nav()

    def problem(self) -> str | None:
        return None if self.wizard.result is not None else "not written"
