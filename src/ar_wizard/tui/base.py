"""What every step screen shares: the step indicator, Back/Next, and the draft."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from ..flow import Step, next_step, position, previous_step

if TYPE_CHECKING:
    from textual.widget import Widget

    from ..model import Draft
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


class WizardScreen(Screen):
    """The frame every screen of the wizard shares: the line that says where the user is, the
    heading with its help, a scrolling ``body()``, and the footer with the keys that work."""

    HEADING = ""
    HELP = ""

    @property
    def wizard(self) -> WizardApp:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield Static(self.where(), id="steps")
        yield Static(self._intro(self.HELP or ""), id="intro")
        # The body scrolls with the mouse and the focused widget; it is not a Tab stop itself.
        with VerticalScroll(id="body", can_focus=False):
            yield from self.body()
        yield Footer()

    def _intro(self, help_text: str) -> Content:
        # Built as text, not markup: a heading names the index, and a name or help may hold "[".
        return Content.assemble((self.HEADING, "bold $primary"), "\n", (help_text, "$text-muted"))

    def show_intro(self, help_text: str) -> None:
        """Say under the heading what this screen's state means (the help changes with it)."""
        self.query_one("#intro", Static).update(self._intro(help_text))

    def where(self) -> str:
        return "ar-wizard"

    def body(self) -> ComposeResult:
        return iter(())


class StepScreen(WizardScreen):
    """A step reads the draft when shown and writes it back on Next or Back.

    Subclasses give ``STEP``, ``HEADING``, ``HELP``, compose their fields in
    ``body()``, and override ``load``/``save``/``problem``. Where Next and Back
    lead is the flow's business, not the screen's.
    """

    STEP: Step

    BINDINGS = [
        Binding("ctrl+n", "next", "Next", id="next", tooltip="Go to the next step"),
        Binding("ctrl+b", "back", "Back", id="back", tooltip="Go back; what you typed is kept"),
        Binding("escape", "app.leave", "Quit", id="quit", tooltip="Leave without writing anything"),
    ]

    @property
    def draft(self) -> Draft:
        return self.wizard.draft

    def where(self) -> str:
        return self._indicator()

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

    def blocker(self) -> Widget | None:
        """The widget to fix first while ``problem()`` says why: Next focuses it."""
        return None

    def next_shown(self) -> bool:
        """Whether Next is a key here at all (not while Apply is writing)."""
        return True

    # -- navigation -------------------------------------------------------------

    _nav_state: tuple[bool, bool] | None = None

    def refresh_nav(self) -> None:
        if self._why_shown and self.problem() is None:
            self._say_why(None)
        # The footer re-builds its keys on every refresh_bindings (tens of ms), so
        # only ask when whether Next or Back applies has really changed.
        state = (self.next_shown(), self._can_go_back())
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
        # A key that cannot work here is not shown; Next on an unfinished screen says why.
        if action == "back":
            return self._can_go_back()
        if action == "next":
            return self.next_shown()
        return True

    def action_next(self) -> None:
        problem = self.problem()
        if problem is None:
            self.save()
            self.wizard.advance("next")
            return
        self._say_why(problem, self.blocker())

    _why_shown = False

    def _say_why(self, problem: str | None, widget: Widget | None = None) -> None:
        """Show why Next cannot go on beside the widget that blocks it, and focus that widget."""
        for old in self.query(".why-not"):
            old.remove()
        self._why_shown = problem is not None
        if problem is None:
            return
        # Imported here: the Start screen's first frame needs neither (fields imports Input and friends).
        from textual.markup import escape

        from .fields import Field

        field = next((a for a in (widget.ancestors if widget is not None else ()) if isinstance(a, Field)), None)
        # Said already beside the choice (a store's check): bring that into view instead of saying it twice.
        said = next((r for r in self.query(".reason.error") if r.display and problem in str(r.render())), None)
        if said is not None and field is None:
            self.call_after_refresh(said.scroll_visible, animate=False)  # after the focus below has scrolled
        elif field is not None:
            field.say(problem)
        else:
            note = Static(f"✗ {escape(problem)}", classes="why-not error")
            from textual.widget import Widget as Mountable  # loaded already; imported here for the check

            parent = widget.parent if widget is not None else None
            if isinstance(parent, Mountable):
                parent.mount(note, after=widget)
            else:
                self.query_one("#body").mount(note)
            note.scroll_visible()
        if widget is not None:
            widget.focus()

    def action_back(self) -> None:
        if self._can_go_back():
            self.save()
            self.wizard.advance("back")

    def on_paste(self, event) -> None:
        """A paste that no field took (nothing focused): the screen decides where it goes."""
        if event.text.strip():
            self.paste_unfocused(event.text.strip())

    def paste_unfocused(self, text: str) -> None:
        self.notify("Click the field the text belongs in, then paste again.", severity="warning")

    def _indicator(self) -> str:
        here, count = position(self.draft, self.STEP)
        dots = " ".join("●" if i < here else "◉" if i == here else "○" for i in range(1, count + 1))
        following = next_step(self.draft, self.STEP)
        then = f"   [dim]then {STEP_TITLES[following]}[/]" if following else ""
        return f"ar-wizard   {dots}   [b]{STEP_TITLES[self.STEP]}[/]  ·  step {here} of {count}{then}"
