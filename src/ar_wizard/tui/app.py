"""The wizard app: runs the flow, one screen per step, over one shared draft."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import work
from textual.app import App
from textual.binding import Binding

from ..flow import Step, next_step, previous_step
from ..model import Draft, fresh_draft, mask
from .screens import screen_for

if TYPE_CHECKING:  # the first frame needs none of these
    from ..apply import ApplyResult
    from ..discover import Findings
    from ..expiry import TokenExpiry
    from ..join import IndexStatus
    from ..model import FileChange, Plan
    from ..summary import Summary
    from ..validate import Verdict


class WizardApp(App[int]):
    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "ar-wizard"
    BINDINGS = [
        Binding("ctrl+q", "leave", "Quit", id="quit-app", show=False, tooltip="Leave without writing anything"),
        # Ctrl+C is what a terminal user presses to leave: it asks like Esc (secrets are never copied anyway).
        Binding("ctrl+c", "leave", "Quit", id="interrupt", show=False, priority=True,
                tooltip="Leave without writing anything"),
    ]

    def __init__(self, project_dir: Path | None = None, draft: Draft | None = None, *, recovered: str = ""):
        super().__init__()
        self.draft = draft or fresh_draft(project_dir or Path.cwd())
        self.findings: Findings | None = None  # what discover() found, filled by the Start screen
        self.expiring: list[TokenExpiry] | None = None  # minted tokens that expire soon, found with the findings
        self.verdict: Verdict | None = None  # the last validation verdict
        self.skipped = False  # the live check was skipped …
        self.refused: Verdict | None = None  # … over this failed verdict, when it had answered
        self.left_out: list[FileChange] = []  # the changes unticked in the Preview
        self.recovered = recovered  # the sentence about an interrupted change rolled back before the wizard began
        self.plan: Plan | None = None  # the plan the Preview screen showed and Apply carries out
        self.result: ApplyResult | None = None  # what Apply wrote
        self.rolled_back = False  # Apply failed and put everything back: Back may return to Preview
        self.statuses: list[IndexStatus] | None = None  # per configured index: are its credentials here
        self.step = Step.START

    def get_default_screen(self):
        # The first step is the app's own screen, so the first frame is drawn once,
        # not as a blank screen and then the step pushed over it.
        return screen_for(Step.START)()

    def advance(self, outcome: str) -> None:
        """Go to the step the flow says comes next, or back to the one before.

        The screen stack is the path taken: Next pushes the next step's screen,
        Back pops the current one (cancelling its workers) and shows the
        previous step as it was left.
        """
        if outcome == "back":
            step = previous_step(self.draft, self.step, rolled_back=self.rolled_back)
            if step is not None:
                self.step = step
                self.pop_screen()
            return
        step = next_step(self.draft, self.step)
        if step is None:
            self.exit(0)
            return
        self.step = step
        self.push_screen(screen_for(step)())

    def summary(self) -> Summary | None:
        """What was written and what is left to do, once Apply has written (the Done screen and the terminal say it)."""
        if self.result is None or self.plan is None:
            return None
        from ..summary import summarize

        return summarize(self.plan, self.result, left_out=self.left_out, skipped=self.skipped, refused=self.refused)

    def _typed_anything(self) -> bool:
        """Whether leaving would drop something the user typed (and so should ask first)."""
        from textual.widgets import Input

        fresh = fresh_draft(self.draft.project_dir, self.draft.api_endpoint)
        return self.draft != fresh or any(i.value for i in self.screen.query(Input))

    def _fatal_error(self) -> None:
        # Textual's own crash report prints every frame's local variables, and a
        # local may hold the secret: report the traceback without them, masked.
        import traceback

        from rich.text import Text

        self.bell()
        report = mask(traceback.format_exc())
        self.panic(Text(report + "\nar-wizard hit a bug (above, secrets masked); nothing was written by it."))

    @work(group="leave")
    async def action_leave(self) -> None:
        from .quit import ConfirmQuit

        if isinstance(self.screen, ConfirmQuit):
            # Asked already: pressing Ctrl+C (or Ctrl+Q) again is the answer, as in any terminal program.
            self.screen.dismiss(True)
            return
        if self.result is not None or not self._typed_anything() or await self.push_screen_wait(ConfirmQuit()):
            self.exit(0)
