"""Inputs that validate as they are typed and say why beside the field."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.markup import escape
from textual.message import Message
from textual.reactive import reactive
from textual.validation import ValidationResult, Validator
from textual.widgets import Checkbox, Input, Label, RadioButton, RadioSet, Static

from ..errors import UserError


def example(placeholder: str) -> str:
    """A placeholder that reads as an example, not as a value already there."""
    return placeholder if not placeholder or placeholder.startswith(("(", "e.g.")) else f"e.g. {placeholder}"


class CoreCheck(Validator):
    """Runs one of the core's checks: a UserError is a failure, returned strings are warnings.

    The check's context (the provider, the existing index names) comes in through the
    constructor, so the rules live in the core and the screen only asks."""

    def __init__(self, check: Callable[[str], object], *, optional: bool = False):
        super().__init__()
        self._check = check
        self._optional = optional
        self.warnings: tuple[str, ...] = ()

    def validate(self, value: str) -> ValidationResult:
        self.warnings = ()
        if self._optional and not value.strip():
            return self.success()
        try:
            result = self._check(value.strip())
        except UserError as err:
            return self.failure(err.for_wizard())
        self.warnings = tuple(result) if isinstance(result, (tuple, list)) else ()
        return self.success()


class Tick(Checkbox):
    """A tick box whose state shows in its glyph, not only in its colour."""

    # Textual reads the glyph from this class attribute; a property makes it follow the state.
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - ToggleButton's name
        return "✓" if self.value else " "


class Choice(RadioButton):
    """A radio button whose state shows in its glyph, not only in its colour."""

    # Textual reads the glyph from this class attribute; a property makes it follow the state.
    @property
    def BUTTON_INNER(self) -> str:  # type: ignore[override]  # noqa: N802 - ToggleButton's name
        return "●" if self.value else " "

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # A toggle is one line tall; where the stylesheet lets a label wrap, it is as tall as its lines.
        if self.styles.text_wrap != "wrap":
            return 1
        return max(1, self.render().get_height(self.styles, width))  # type: ignore[arg-type]  # the styles are its rules, as Static passes them


class Choices(RadioSet):
    """A set of choices where the highlight is the choice: the arrows pick, and Enter picks and goes on.

    A plain RadioSet moves a highlight that Next ignores until Space presses it, so "Down, then
    Next" would go on with the choice the user moved away from."""

    BINDINGS = [Binding("enter", "choose", "Choose", show=False)]

    class Chosen(Message):
        """Enter on a choice: the screen goes on with it."""

    def action_next_button(self) -> None:
        super().action_next_button()
        self.action_toggle_button()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        self.action_toggle_button()

    def action_choose(self) -> None:
        self.action_toggle_button()
        self.post_message(self.Chosen())


class SecretInput(Input):
    """A masked input whose value cannot be copied or cut out of the terminal."""

    def __init__(self, **kwargs):
        super().__init__(password=True, **kwargs)

    def action_copy(self) -> None:
        self.notify("Secrets are not copied.", severity="warning")

    def action_cut(self) -> None:
        self.notify("Secrets are not copied.", severity="warning")


class Field(Vertical):
    """A label, an input and the reason the input is not right yet (or a warning)."""

    DEFAULT_CLASSES = "field"

    #: the reason (an error or a warning) is shown beside the input: app.tcss shows it by the class
    explaining: reactive[bool] = reactive(False, init=False, toggle_class="-explaining")

    def __init__(self, label: str, input: Input, *, help: str = "", id: str | None = None):
        super().__init__(id=id)
        self._label = label
        self.input = input
        self._help = help

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="field-label", markup=False)
        yield self.input
        if self._help:
            yield Static(self._help, classes="field-help", markup=False)
        yield Static("", classes="reason")

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show(event.validation_result)

    def show(self, result: ValidationResult | None) -> None:
        reason = self.query_one(".reason", Static)
        warnings = [w for v in self.input.validators if isinstance(v, CoreCheck) for w in v.warnings]
        if result is not None and not result.is_valid:
            reason.update("✗ " + escape(" ".join(result.failure_descriptions)))
            reason.set_classes("reason error")
        elif warnings:
            reason.update("⚠ " + escape(" ".join(warnings)))
            reason.set_classes("reason warning")
        else:
            reason.update("")
        self.explaining = bool(result is not None and not result.is_valid or warnings)

    def say(self, problem: str) -> None:
        """Why Next cannot go on, beside this field (the next keystroke re-checks it)."""
        reason = self.query_one(".reason", Static)
        reason.update("✗ " + escape(problem))
        reason.set_classes("reason error")
        self.explaining = True

    @property
    def valid(self) -> bool:
        result = self.input.validate(self.input.value)
        return result is None or result.is_valid
