"""Done: what was written, what to run next, and a check with the real uv."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.binding import Binding
from textual.widgets import Button, Input, Static

from ...flow import Step
from ...model import mask
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Field


class DoneScreen(StepScreen):
    STEP = Step.DONE
    HEADING = "Done"
    HELP = "Your tools are configured. Prove it: resolve a package from the index with uv."
    BINDINGS = [
        Binding("ctrl+n", "next", "Finish", id="next", tooltip="Leave the wizard"),
        Binding("ctrl+r", "check", "Check now", id="check", tooltip="Resolve a package with uv"),
    ]

    def body(self) -> ComposeResult:
        yield Static("", id="summary")
        yield Field("Package to try", Input(placeholder="a package on the index", id="package"))
        yield Button("Check now", id="check-button", variant="success")
        yield Static("", id="proof", classes="verdict")

    def load(self) -> None:
        result = self.wizard.result
        plan = self.wizard.plan
        lines = []
        if result is not None and result.backup_id:
            lines.append(f"Backup {result.backup_id} — undo with: ar-wizard undo {result.backup_id}")
        if plan is not None and plan.next_steps:
            lines.append("\nNext:")
            lines += [f"  {step}" for step in plan.next_steps]
        self.query_one("#summary", Static).update("\n".join(lines))
        verdict = self.wizard.verdict
        if verdict is not None and verdict.projects:
            self.query_one("#package", Input).value = verdict.projects[0]
        self.query_one("#proof").display = False

    def action_check(self) -> None:
        package = self.query_one("#package", Input).value.strip()
        if not package:
            self.notify("Name a package on the index to try.", severity="warning")
            return
        proof = self.query_one("#proof", Static)
        proof.display = True
        proof.update(f"Running uv pip compile for {package}…")
        proof.set_classes("verdict")
        self.prove(package)

    @work(thread=True, exclusive=True, group="prove")
    def prove(self, package: str) -> None:
        from ...validate import prove_with_uv

        report(self, lambda: prove_with_uv(self.draft, package))

    @on(Finished)
    def show(self, message: Finished) -> None:
        proof = self.query_one("#proof", Static)
        verdict = message.value
        ok = verdict is not None and verdict.ok
        text = verdict.message if verdict is not None else message.error
        proof.update(("✓ " if ok else "✗ ") + escape(mask(text)))
        proof.set_classes("verdict passed" if ok else "verdict failed")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "check-button":
            event.stop()
            self.action_check()

    def on_input_submitted(self) -> None:
        self.action_check()
