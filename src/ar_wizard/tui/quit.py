"""Asked before leaving once something was typed: nothing has been written."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmQuit(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "stay", "Stay", id="stay", tooltip="Go back to the wizard"),
        Binding("y", "leave", "Leave", id="leave", tooltip="Leave without writing anything"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static("Leave the wizard? Nothing has been written; what you typed is dropped.")
            with Horizontal(id="dialog-buttons"):
                yield Button("Stay", id="stay", variant="primary")
                yield Button("Leave", id="leave", variant="error")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "leave")

    def action_stay(self) -> None:
        self.dismiss(False)

    def action_leave(self) -> None:
        self.dismiss(True)
