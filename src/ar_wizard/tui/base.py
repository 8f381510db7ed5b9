"""What every step screen shares: the step indicator, Back/Next, and the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..flow import Step, next_step, position, previous_step

if TYPE_CHECKING:
    from .app import WizardApp

STEP_TITLES = {
    Step.START: "Start",
    Step.PROVIDER: "Provider",
    Step.REGISTRY: "Registry",
    Step.AUTH: "Auth",
    Step.CREDENTIALS: "Credentials",
    Step.TARGETS: "Targets",
    Step.VALIDATE: "Validate",
    Step.PREVIEW: "Preview",
    Step.APPLY: "Apply",
    Step.DONE: "Done",
}


class StepScreen(Screen):
    """A step reads the draft when shown and writes it back on Next or Back.

    Subclasses give ``STEP``, ``HEADING``, ``HELP``, compose their fields in
    ``body()``, and override ``load``/``save``/``problem``. Where Next and Back
    lead is the flow's business, not the screen's.
    """

    STEP: Step
    HEADING = ""
    HELP = ""

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="next", tooltip="Go to the next step"),
        Binding("ctrl+b", "back", "Back", id="back", tooltip="Go back; what you typed is kept"),
        Binding("escape", "app.leave", "Quit", id="quit", tooltip="Leave without writing anything"),
    ]

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    @property
    def draft(self):
        return self.wizard.draft

    def compose(self) -> ComposeResult:
        yield Static(self._indicator(), id="steps")
        yield Static(f"[b $primary]{self.HEADING}[/]\n[$text-muted]{self.HELP}[/]", id="intro")
        # The body scrolls with the mouse and the focused widget; it is not a Tab stop itself.
        with VerticalScroll(id="body", can_focus=False):
            yield from self.body()
        yield Footer()

    def body(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.load()
        self.refresh_nav()

    def on_screen_resume(self) -> None:
        # Shown again after Back from the next step: the step list may have changed.
        self.query_one("#steps", Static).update(self._indicator())
        self.refresh_nav()

    # -- what subclasses fill in ------------------------------------------------

    def load(self) -> None:
        """Fill the widgets from the draft."""

    def save(self) -> None:
        """Write the widgets' values into the draft."""

    def problem(self) -> str | None:
        """Why Next is not possible yet, or None."""
        return None

    # -- navigation -------------------------------------------------------------

    _nav_state: tuple[bool, bool] | None = None

    def refresh_nav(self) -> None:
        # The footer re-builds its keys on every refresh_bindings (tens of ms), so
        # only ask when whether Next or Back applies has really changed.
        state = (self.problem() is None, self._can_go_back())
        if state == self._nav_state:
            return
        first = self._nav_state is None
        self._nav_state = state
        if first:
            return  # the footer asks check_action when it is first drawn
        self.refresh_bindings()

    def _can_go_back(self) -> bool:
        return previous_step(self.draft, self.STEP) is not None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return True if self._can_go_back() else None
        if action == "next":
            return True if self.problem() is None else None
        return True

    def action_next(self) -> None:
        if self.problem() is None:
            self.save()
            self.wizard.advance("next")

    def action_back(self) -> None:
        if self._can_go_back():
            self.save()
            self.wizard.advance("back")

    def _indicator(self) -> str:
        here, count = position(self.draft, self.STEP)
        dots = " ".join("●" if i < here else "◉" if i == here else "○" for i in range(1, count + 1))
        following = next_step(self.draft, self.STEP)
        then = f"   [dim]then {STEP_TITLES[following]}[/]" if following else ""
        return f"ar-wizard   {dots}   [b]{STEP_TITLES[self.STEP]}[/] — step {here} of {count}{then}"
