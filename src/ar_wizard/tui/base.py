"""What every step screen shares: the step indicator, Back/Next, and the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from ..flow import Step, previous_step, steps_for

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


class StepScreen(Screen[str]):
    """A step reads the draft when shown and writes it back on Next or Back.

    Subclasses give ``STEP``, ``HEADING``, ``HELP``, compose their fields in
    ``body()``, and override ``load``/``save``/``problem``. Where Next and Back
    lead is the flow's business, not the screen's.
    """

    STEP: Step
    HEADING = ""
    HELP = ""
    NEXT_LABEL = "Next"

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
        yield Static(self.HEADING, classes="heading")
        yield Static(self.HELP, classes="help")
        with VerticalScroll(id="body"):
            yield from self.body()
        with Horizontal(id="nav"):
            yield Button("◀ Back", id="back-button")
            yield Button(f"{self.NEXT_LABEL} ▶", id="next-button", variant="primary")
        yield Footer()

    def body(self) -> ComposeResult:
        return iter(())

    def on_mount(self) -> None:
        self.load()
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

    def refresh_nav(self) -> None:
        self.query_one("#next-button", Button).disabled = self.problem() is not None
        self.query_one("#back-button", Button).disabled = not self._can_go_back()
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
            self.dismiss("next")

    def action_back(self) -> None:
        if self._can_go_back():
            self.save()
            self.dismiss("back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "next-button":
            event.stop()
            self.action_next()
        elif event.button.id == "back-button":
            event.stop()
            self.action_back()

    def _indicator(self) -> str:
        steps = steps_for(self.draft)
        here = steps.index(self.STEP) if self.STEP in steps else 0
        dots = " ".join("●" if i < here else "◉" if i == here else "○" for i in range(len(steps)))
        following = STEP_TITLES[steps[here + 1]] if here + 1 < len(steps) else ""
        then = f"   [dim]then {following}[/]" if following else ""
        return f"ar-wizard   {dots}   [b]{STEP_TITLES[self.STEP]}[/] — step {here + 1} of {len(steps)}{then}"
