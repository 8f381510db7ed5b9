"""Preview: the exact diff of every file, secrets masked, each file can be left out."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.binding import Binding
from textual.widgets import Checkbox, Collapsible, LoadingIndicator, Static

from ...flow import Step
from ...paths import shown
from ..background import Finished, report
from ..base import StepScreen


class PreviewScreen(StepScreen):
    STEP = Step.PREVIEW
    HEADING = "What will change"
    HELP = "Nothing is written yet. Untick a file to leave it out; originals are backed up."
    BINDINGS = [Binding("ctrl+n", "next", "Apply", id="next", tooltip="Write these changes, with backups")]

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Static("", id="plan-error", classes="error")

    def load(self) -> None:
        self.wizard.plan = None
        self._plan = None
        self.query_one("#plan-error").display = False
        self.build()

    @work(thread=True, exclusive=True, group="plan")
    def build(self) -> None:
        from ...plan import build_plan

        report(self, lambda: build_plan(self.draft))

    @on(Finished)
    async def show(self, message: Finished) -> None:
        from rich.syntax import Syntax  # ~45 ms (pygments); only this screen needs it

        self.query_one("#spinner").display = False
        if message.error:
            error = self.query_one("#plan-error", Static)
            error.update(f"✗ {escape(message.error)}")
            error.display = True
            self.refresh_nav()
            return
        plan = self._plan = message.value
        body = self.query_one("#body")
        widgets = []
        for note in plan.notes:
            widgets.append(Static(f"⚠ {escape(note)}", classes="warning"))
        diffs = dict(plan.diffs())
        if not diffs and not plan.secret_writes:
            widgets.append(Static("Everything is already configured: nothing will change."))
        for n, change in enumerate(plan.file_changes):
            widgets.append(
                Collapsible(
                    Checkbox("Write this file", value=True, id=f"include-{n}"),
                    Static(Syntax(diffs[change.path], "diff", theme="ansi_dark", word_wrap=True), classes="diff"),
                    title=f"{shown(change.path)}  — {change.summary}",
                    collapsed=False,
                )
            )
        for write in plan.secret_writes:
            widgets.append(Static(f"secret: {write.summary}  [dim](the value goes on stdin, never on a command line)[/]"))
        await body.mount_all(widgets)
        self.refresh_nav()

    def save(self) -> None:
        if self._plan is None:
            return
        left_out = {
            change.path
            for n, change in enumerate(self._plan.file_changes)
            if not self.query_one(f"#include-{n}", Checkbox).value
        }
        self.wizard.plan = replace(self._plan, changes=[c for c in self._plan.changes if c.path not in left_out])

    def problem(self) -> str | None:
        return None if self._plan is not None else "the plan is not ready"
