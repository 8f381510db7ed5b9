"""Preview: the exact diff of every file, secrets masked, each file can be left out."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Collapsible, LoadingIndicator, Static

from ...flow import Step
from ...model import Plan
from ...paths import shown
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Tick
from ..words import in_wizard


class Planned(Finished[Plan]):
    """The plan from the answers and the files as they are now, or why it cannot be made."""


class PreviewScreen(StepScreen):
    STEP = Step.PREVIEW
    HEADING = "What will change"
    HELP = "Nothing is written yet; originals are backed up."
    BINDINGS = [
        Binding("ctrl+n", "next", "Apply", id="next", tooltip="Write these changes, with backups"),
        Binding("right_square_bracket", "file(1)", "Next file", id="next-file", tooltip="Jump to the next file"),
        Binding("left_square_bracket", "file(-1)", "Previous file", id="previous-file", show=False,
                tooltip="Jump to the previous file"),
    ]

    #: planning (spinner), planned (the diffs) or failed (why the plan cannot be written);
    #: app.tcss shows and hides the parts by the class it sets
    phase: reactive[str] = reactive("", init=False)
    _plan: Plan | None = None  # the plan shown, once made

    def watch_phase(self, phase: str) -> None:
        for name in ("planning", "planned", "failed"):
            self.set_class(phase == name, f"-{name}")

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Static("", id="plan-error", classes="error")
        yield Vertical(id="plan")

    def load(self) -> None:
        self.build()

    def on_screen_resume(self) -> None:
        super().on_screen_resume()
        if self.wizard.rolled_back:
            # Back from a failed Apply: everything was put back; plan again from the files as they are now.
            self.wizard.rolled_back = False
            self.build()

    def build(self) -> None:
        self.wizard.plan = None
        self._plan = None
        self.phase = "planning"
        self.make_plan()

    @work(thread=True, exclusive=True, group="plan")
    def make_plan(self) -> None:
        from ...plan import build_plan

        report(self, lambda: build_plan(self.draft), outcome=Planned)

    @on(Planned)
    async def show(self, message: Planned) -> None:
        from rich.syntax import Syntax  # ~45 ms (pygments); only this screen needs it

        box = self.query_one("#plan")
        await box.remove_children()
        if message.error:
            self.query_one("#plan-error", Static).update(f"✗ {escape(message.error)}")
            self.phase = "failed"
            self.refresh_nav()
            return
        self.phase = "planned"
        plan = self._plan = message.result()
        widgets: list[Widget] = []
        for note in plan.notes:
            widgets.append(Static(Content(f"⚠ {in_wizard(note)}"), classes="warning"))
        diffs = dict(plan.diffs())
        if not diffs and not plan.secret_writes:
            widgets.append(Static("Everything is already configured: nothing will change."))
        files = [shown(change.path) for change in plan.file_changes]
        if len(files) > 1:
            widgets.append(Static(Content.assemble(
                f"{len(files)} files: {', '.join(files)}", ("  (Next file in the footer jumps between them)", "dim"))))
        for n, change in enumerate(plan.file_changes):
            widgets.append(
                Collapsible(
                    Tick("Write this file", value=True, id=f"include-{n}"),
                    Static(Syntax(diffs[change.path], "diff", theme="ansi_dark", word_wrap=True), classes="diff"),
                    # A summary such as "[acme] for twine" is text, not markup.
                    title=escape(f"{shown(change.path)}  — {change.summary}"),
                    collapsed=False,
                    classes="file",
                )
            )
        for write in plan.secret_writes:
            widgets.append(Static(Content.assemble(
                f"secret: {write.summary}", ("  (the value goes on stdin, never on a command line)", "dim"))))
        await box.mount_all(widgets)
        for title in box.query("CollapsibleTitle"):
            title.can_focus = False  # Tab goes from tick box to tick box, not through the file headings
        help_text = (
            "Nothing is written yet. Untick a file to leave it out; originals are backed up."
            if plan.file_changes
            else "Nothing is written yet. No file changes: only the secret below is stored, the old value backed up."
        )
        self.show_intro(help_text)
        self.refresh_nav()
        if len(plan.file_changes) > 1:
            self.refresh_bindings()  # ] Next file

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "file":  # only where there is another file to jump to
            return self._plan is not None and len(self._plan.file_changes) > 1
        return super().check_action(action, parameters)

    def action_file(self, step: int) -> None:
        """Jump to the next (or previous) file's diff, however long the one before it is."""
        files = list(self.query("Collapsible.file"))
        if not files:
            return
        focused = self.focused
        here = next((i for i, f in enumerate(files) if focused is not None and f in focused.ancestors_with_self), None)
        target = files[(here + step) % len(files) if here is not None else (0 if step > 0 else -1)]
        target.query_one(f"#include-{files.index(target)}").focus()
        target.scroll_visible(top=True)

    def save(self) -> None:
        if self._plan is None:
            return
        left_out = {
            change.path
            for n, change in enumerate(self._plan.file_changes)
            if not self.query_one(f"#include-{n}", Tick).value
        }
        self.wizard.plan = replace(self._plan, changes=[c for c in self._plan.changes if c.path not in left_out])
        self.wizard.left_out = [c for c in self._plan.file_changes if c.path in left_out]

    def problem(self) -> str | None:
        if self._plan is not None:
            return None
        if self.phase == "failed":
            return "This plan cannot be written (above): go Back and change what it names."
        return "The plan is still being made: a moment."
