"""Which index to rotate: a short list, dismissed with the chosen name (or None)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class PickIndex(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="cancel", tooltip="Back to the start")]

    QUESTION = "[b]Which index gets a new secret?[/]\nOnly its secret changes; every config file stays as it is."

    def __init__(self, names: list[str], first: str, question: str = QUESTION) -> None:
        super().__init__()
        self.names = names
        self.first = first
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.question)
            yield OptionList(*(Option(name, id=name) for name in self.names), id="indexes")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = self.names.index(self.first)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
