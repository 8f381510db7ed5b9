"""Targets: which tools to configure and where the secret is kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.markup import escape
from textual.widgets import Checkbox, RadioButton, RadioSet, Static

from ...flow import Step
from ...stores import STORE_TITLES, StoreRefused, check_store
from ..base import StepScreen

TOOLS = {
    "uv": "uv — uv add / lock / sync / pip",
    "pip": "pip — pip install, through pip.conf",
    "twine": "twine — twine upload, through ~/.pypirc",
}


class TargetsScreen(StepScreen):
    STEP = Step.TARGETS
    HEADING = "Which tools, and where does the secret live?"
    HELP = "Not every tool reads every store: a combination that cannot work is explained below."

    def body(self) -> ComposeResult:
        yield Static("Configure", classes="section")
        for tool, text in TOOLS.items():
            yield Checkbox(text, id=f"tool-{tool}")
        yield Checkbox("Also publish to it (uv publish --index NAME)", id="publish")
        yield Static("Keep the secret in", classes="section", id="store-heading")
        with RadioSet(id="store"):
            for store, title in STORE_TITLES.items():
                yield RadioButton(title, id=f"store-{store}")
        yield Static("", id="store-check", classes="reason")

    def load(self) -> None:
        for tool in TOOLS:
            self.query_one(f"#tool-{tool}", Checkbox).value = tool in self.draft.targets
        self.query_one("#publish", Checkbox).value = self.draft.publish
        self.query_one(f"#store-{self.draft.store}", RadioButton).value = True
        # A keyring plugin stores nothing, so there is no store to choose.
        for widget in (self.query_one("#store", RadioSet), self.query_one("#store-heading")):
            widget.display = self.draft.stores_secret
        self._show_check()

    def _choice(self) -> tuple[tuple[str, ...], bool, str]:
        targets = tuple(t for t in TOOLS if self.query_one(f"#tool-{t}", Checkbox).value)
        publish = self.query_one("#publish", Checkbox).value
        pressed = self.query_one("#store", RadioSet).pressed_button
        store = pressed.id.removeprefix("store-") if pressed is not None else self.draft.store
        return targets, publish, store

    def save(self) -> None:
        self.draft.targets, self.draft.publish, self.draft.store = self._choice()

    def problem(self) -> str | None:
        targets, publish, store = self._choice()
        if not targets:
            return "Choose at least one tool."
        if self.draft.stores_secret:
            try:
                check_store(store, targets, publish or "twine" in targets)
            except StoreRefused as err:
                if err.alternative is None:
                    return f"{err.reason}: configure these tools in separate runs."
                return (
                    f"{err.reason}: choose {STORE_TITLES[err.alternative]}, which "
                    f"{', '.join(err.tools)} all read."
                )
        return None

    def _show_check(self) -> None:
        problem = self.problem()
        check = self.query_one("#store-check", Static)
        if problem:
            check.update(f"✗ {escape(problem)}")
            check.set_classes("reason error")
        else:
            check.update("✓ Every chosen tool can read this store.")
            check.set_classes("reason ok")

    def on_checkbox_changed(self) -> None:
        self._show_check()
        self.refresh_nav()

    def on_radio_set_changed(self) -> None:
        self._show_check()
        self.refresh_nav()
