"""Apply: the transaction, in a worker; all of it is written or none of it."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.message import Message
from textual.widgets import LoadingIndicator, Static

from ...errors import UserError
from ...flow import Step
from ...paths import shown
from ..base import StepScreen


class ApplyScreen(StepScreen):
    STEP = Step.APPLY
    HEADING = "Writing"
    HELP = "Each file is written atomically; if anything fails, everything is put back."

    class Applied(Message):
        def __init__(self, result, error: str | None) -> None:
            super().__init__()
            self.result = result
            self.error = error

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Static("", id="outcome", classes="verdict")

    def load(self) -> None:
        self.query_one("#outcome").display = False
        self.run_apply()

    @work(thread=True, exclusive=True, group="apply")
    def run_apply(self) -> None:
        from ...apply import apply

        try:
            result = apply(self.wizard.plan, label=f"setup {self.draft.index_name} (wizard)")
            self.post_message(self.Applied(result, None))
        except UserError as err:
            self.post_message(self.Applied(None, str(err)))

    @on(Applied)
    def show(self, message: Applied) -> None:
        self.query_one("#spinner").display = False
        outcome = self.query_one("#outcome", Static)
        outcome.display = True
        if message.error:
            outcome.update(f"✗ {message.error}")
            outcome.set_classes("verdict failed")
        else:
            self.wizard.result = message.result
            lines = [f"✓ wrote {shown(p)}" for p in message.result.written]
            lines += [f"✓ stored {s}" for s in message.result.secrets]
            lines += [f"  kept {shown(p)} (already right)" for p in message.result.unchanged]
            if message.result.backup_id:
                lines.append(f"\nBackup {message.result.backup_id}: `ar-wizard undo {message.result.backup_id}` puts it all back.")
            outcome.update("\n".join(lines) or "Nothing needed to change.")
            outcome.set_classes("verdict passed")
        self.refresh_nav()

    def problem(self) -> str | None:
        return None if self.wizard.result is not None else "not written"
