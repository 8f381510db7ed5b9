"""Doctor: every check's verdict, and each offered fix previewed as a diff, then applied with a backup."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, LoadingIndicator, Static

from ..apply import ApplyResult, apply
from ..doctor import VERDICTS, Report, diagnose
from ..model import Plan, mask
from ..paths import shown
from .background import Finished, report
from .base import WizardScreen
from .words import in_wizard

if TYPE_CHECKING:
    from textual.widget import Widget



class ReportReady(Finished[Report]):
    """Every check has run."""


class FixPlanned(Finished[Plan]):
    """A finding's fix, planned from the files as they are, to preview."""


class FixApplied(Finished[ApplyResult]):
    """The previewed fix is written, with its backup."""


_STYLE = {"fail": "$error", "warn": "$warning", "info": "$accent", "ok": "$success", "skipped": "$text-muted"}
_MARK = {"fail": "✗", "warn": "!", "info": "i", "ok": "✓", "skipped": "-"}


class DoctorScreen(WizardScreen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="back", tooltip="Back to the start"),
        Binding("ctrl+r", "rerun", "Check again", id="rerun", tooltip="Run every check again"),
        # The report is longer than a screen; the keys a reader expects move through it whatever is focused.
        Binding("pagedown", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
        Binding("end", "scroll('end')", "End", show=False),
        Binding("home", "scroll('home')", "Home", show=False),
    ]

    HEADING = "Why an existing setup fails"

    #: the spinner while checks run or a fix is planned or written, and the previewed fix under its
    #: finding: app.tcss shows them by the classes these set
    busy: reactive[bool] = reactive(False, init=False, toggle_class="-busy")
    fix_shown: reactive[bool] = reactive(False, init=False, toggle_class="-fix-shown")

    HELP = ("Each check looks at the real files, tools and index. A fix is shown as a diff before anything is "
            "written, and backed up for `ar-wizard undo`.")

    def where(self) -> str:
        return "ar-wizard   [b]Doctor[/]"

    def body(self) -> ComposeResult:
        yield LoadingIndicator(id="spinner")
        yield Vertical(id="checks")

    @staticmethod
    def _fix_box() -> Vertical:
        """The previewed fix and its buttons: moved under the finding whose fix it is."""
        return Vertical(Static("", id="fix-preview"),
                        Horizontal(Button("Apply this fix", id="apply-fix", variant="success"),
                                   Button("Cancel", id="cancel-fix"), id="fix-buttons"),
                        id="fix")

    async def on_mount(self) -> None:
        self.report: Report | None = None
        self._plan: Plan | None = None
        await self.query_one("#checks").mount(self._fix_box())
        self._show_fix(None)
        self.action_rerun()

    def action_scroll(self, where: str) -> None:
        body = self.query_one("#body", VerticalScroll)
        {"page_down": body.scroll_page_down, "page_up": body.scroll_page_up,
         "end": body.scroll_end, "home": body.scroll_home}[where](animate=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_rerun(self) -> None:
        self.busy = True
        self.run_checks()

    @work(thread=True, exclusive=True, group="doctor")
    def run_checks(self) -> None:
        project_dir = self.wizard.draft.project_dir
        report(self, lambda: diagnose(project_dir), outcome=ReportReady)

    def _failed(self, message: Finished) -> bool:
        self.busy = False
        if message.error:
            self.notify(message.error, severity="error", timeout=10)
        return bool(message.error)

    @on(ReportReady)
    async def show_report(self, message: ReportReady) -> None:
        if not self._failed(message):
            await self._show_report(message.value)

    @on(FixPlanned)
    def show_fix(self, message: FixPlanned) -> None:
        if not self._failed(message):
            self._show_fix(message.value)

    @on(FixApplied)
    def fix_applied(self, message: FixApplied) -> None:
        if self._failed(message) or message.value is None:
            return
        self._show_fix(None)
        backup = message.value.backup_id
        self.notify(f"Fixed; backup {backup} (`ar-wizard undo {backup}`)." if backup else "Nothing needed to change.")
        self.action_rerun()

    async def _show_report(self, doctor_report) -> None:
        self.report = doctor_report
        box = self.query_one("#checks")
        # The fix box is made once, in on_mount, and kept: a report shown while another is being
        # mounted (a re-run after a fix) must never find it gone.
        fix_box = self.query_one("#fix")
        await box.remove_children([child for child in box.children if child is not fix_box])
        widgets: list[Widget] = []
        shown_checks = sorted(doctor_report.checks, key=lambda c: VERDICTS.index(c.verdict))
        for n, check in enumerate(shown_checks):
            style = _STYLE[check.verdict]
            subject = f" [dim]({escape(check.subject)})[/]" if check.subject else ""
            text = (f"[{style}]{_MARK[check.verdict]} {check.id}[/]{subject}: "
                    f"{escape(in_wizard(mask(check.message), doctor=True))}")
            if check.fix and check.verdict not in ("ok", "skipped"):
                text += f"\n   [dim]fix: [/]{escape(mask(check.fix))}"
            # Findings stand apart; the passing checks are a compact list below them.
            widgets.append(Static(text, classes="check finding" if check.verdict not in ("ok", "skipped") else "check"))
            if check.fixer is not None and check.verdict not in ("ok", "skipped"):
                widgets.append(Button("Preview the fix", id=f"fix-{n}", classes="fix"))
        count = len(doctor_report.findings)
        summary = f"{count} finding{'' if count == 1 else 's'}." if count else "Healthy: nothing to fix."
        widgets.insert(0, Static(f"[b]{summary}[/]", id="doctor-summary"))
        self._checks = shown_checks
        await box.mount_all(widgets, before=fix_box)
        self._show_fix(None)

    @on(Button.Pressed, ".fix")
    def preview_fix(self, event: Button.Pressed) -> None:
        check = self._checks[int((event.button.id or "").removeprefix("fix-"))]
        # The diff opens right under the finding it fixes, not at the end of the report.
        self.query_one("#checks").move_child(self.query_one("#fix"), after=event.button)
        self.busy = True
        self.build_fix(check)

    @work(thread=True, exclusive=True, group="fix")
    def build_fix(self, check) -> None:
        report(self, check.fixer, outcome=FixPlanned)

    def _show_fix(self, plan) -> None:
        self._plan = plan
        preview = self.query_one("#fix-preview", Static)
        self.fix_shown = plan is not None
        if plan is None:
            return
        from rich.console import Group, RenderableType
        from rich.syntax import Syntax
        from rich.text import Text

        parts: list[RenderableType] = [Text(f"⚠ {in_wizard(mask(note), doctor=True)}") for note in plan.notes]
        for path, diff in plan.diffs():
            parts += [Text(shown(path), style="bold"), Syntax(diff, "diff", theme="ansi_dark", word_wrap=True)]
        parts += [Text(f"secret: {write.summary} (value masked)") for write in plan.secret_writes]
        preview.update(Group(*parts) if parts else "Nothing needs to change.")
        self.query_one("#apply-fix").focus()
        self.query_one("#fix").scroll_visible(top=True, animate=False)

    @on(Button.Pressed, "#apply-fix")
    def apply_fix(self) -> None:
        if self._plan is not None:
            self.busy = True
            self.run_fix(self._plan)

    @work(thread=True, exclusive=True, group="fix")
    def run_fix(self, plan) -> None:
        report(self, lambda: apply(plan, label=f"doctor fix {plan.draft.index_name} (wizard)"), abandon=False,
               outcome=FixApplied)

    @on(Button.Pressed, "#cancel-fix")
    def cancel_fix(self) -> None:
        self._show_fix(None)
