"""Targets: which tools to configure and where the secret is kept, checked as it is chosen."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, RadioButton, RadioSet, Static

from ...errors import all_of
from ...flow import Step
from ...stores import STORE_TITLES, StoreRefused, check_store
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Choice, Tick

if TYPE_CHECKING:
    from ...readiness import Readiness  # noqa: F401 - StoreChecked's type, named as a string: the core loads when it runs

TOOLS = {
    "uv": "uv — uv add / lock / sync / pip",
    "pip": "pip — pip install, through pip.conf",
    "twine": "twine — twine upload, through ~/.pypirc",
    "poetry": "Poetry — poetry add / publish, through [[tool.poetry.source]]",
    "pdm": "PDM — pdm add / publish, through [[tool.pdm.source]]",
    "hatch": "Hatch — hatch publish, through Hatch's config",
}


class StoreChecked(Finished["tuple[tuple[str, str], Readiness]"]):
    """Whether the store works on this machine (after installing keyring, when asked), with the
    (auth, store) choice it was checked for."""


class TargetsScreen(StepScreen):
    STEP = Step.TARGETS
    HEADING = "Which tools, and where does the secret live?"
    HELP = "Not every tool reads every store, and a store must work on this machine: both are checked below."

    #: a keyring plugin stores nothing, so there is no store to choose; Install keyring is offered
    #: while the chosen store needs it: app.tcss shows and hides them by the classes these set
    stores_nothing: reactive[bool] = reactive(False, init=False, toggle_class="-stores-nothing")
    install_offered: reactive[bool] = reactive(False, init=False, toggle_class="-install-offered")

    @property
    def tools(self) -> list[str]:
        """uv, pip and twine always; Poetry, PDM and Hatch when the project uses them (or the draft names them)."""
        from ...project_tools import offered

        return [t for t in TOOLS if t in ("uv", "pip", "twine") or t in offered(self.draft.project_dir)
                or t in self.draft.targets]

    def body(self) -> ComposeResult:
        yield Static("Configure", classes="section")
        for tool in self.tools:
            yield Tick(TOOLS[tool], id=f"tool-{tool}")
        yield Tick("Also publish to it (uv publish --index NAME)", id="publish")
        yield Static("Keep the secret in", classes="section", id="store-heading")
        with RadioSet(id="store"):
            for store, title in STORE_TITLES.items():
                yield Choice(title, id=f"store-{store}")
        yield Static("", id="store-check", classes="reason")
        yield Static("", id="store-ready", classes="reason")
        yield Button("Install keyring", id="install-keyring")

    def load(self) -> None:
        for tool in self.tools:
            self.query_one(f"#tool-{tool}", Tick).value = tool in self.draft.targets
        self.query_one("#publish", Tick).value = self.draft.publish
        self.query_one(f"#store-{self.draft.store}", RadioButton).value = True
        self.stores_nothing = not self.draft.stores_secret
        self.install_offered = False
        self._show_check()
        self._check_readiness()
        self.query_one("#store" if self.draft.stores_secret else "#tool-uv").focus()

    def _choice(self) -> tuple[tuple[str, ...], bool, str]:
        targets = tuple(t for t in self.tools if self.query_one(f"#tool-{t}", Tick).value)
        publish = self.query_one("#publish", Tick).value
        pressed = self.query_one("#store", RadioSet).pressed_button
        store = (pressed.id or "").removeprefix("store-") if pressed is not None else self.draft.store
        return targets, publish, store

    def save(self) -> None:
        self.draft.targets, self.draft.publish, self.draft.store = self._choice()

    def _compatibility(self) -> str | None:
        targets, publish, store = self._choice()
        if not targets:
            return "Choose at least one tool."
        if self.draft.stores_secret:
            try:
                check_store(store, targets, publish or "twine" in targets)
            except StoreRefused as err:
                if err.alternative is None:
                    return f"{err.reason}: configure these tools in separate runs."
                return f"{err.reason}: choose {STORE_TITLES[err.alternative]}, which {all_of(err.tools, 'read')}."
        return None

    _readiness = None  # (store, Readiness) of the last check

    def problem(self) -> str | None:
        compatibility = self._compatibility()
        if compatibility:
            return compatibility
        ready = self._ready()
        return ready.message if ready is not None and not ready.ok else None

    def _ready(self):
        """The readiness of the store chosen now, once it has been checked."""
        if self._readiness is None or self._readiness[0] != self._key():
            return None
        return self._readiness[1]

    def _key(self) -> tuple[str, str]:
        return self.draft.auth, self._choice()[2]

    def blocker(self):
        targets, _, _ = self._choice()
        return self.query_one("#tool-uv") if not targets else self.query_one("#store")

    def _show_check(self) -> None:
        problem = self._compatibility()
        check = self.query_one("#store-check", Static)
        if problem:
            check.update(f"✗ {escape(problem)}")
            check.set_classes("reason error")
        else:
            check.update("✓ Every chosen tool can read this store.")
            check.set_classes("reason ok")

    # -- does the store work on this machine? -------------------------------------

    def _check_readiness(self, install: str | None = None) -> None:
        box = self.query_one("#store-ready", Static)
        self.install_offered = False
        if install is not None:
            box.update("Installing keyring with uv…")
        else:
            box.update("Checking that it works on this machine…")
        box.set_classes("reason")
        self.run_readiness(self._key(), install)

    @work(thread=True, exclusive=True, group="readiness")
    def run_readiness(self, key: tuple[str, str], install: str | None) -> None:
        from ... import readiness

        draft = replace(self.draft, store=key[1])

        def checked():
            if install is not None:
                from ...credentials import keyring_setup

                keyring_setup.install(install)
            return key, readiness.check(draft)

        report(self, checked, outcome=StoreChecked)

    @on(StoreChecked)
    def show_readiness(self, message: StoreChecked) -> None:
        box = self.query_one("#store-ready", Static)
        if message.error:
            box.update(f"✗ {escape(message.error)}")
            box.set_classes("reason error")
            return
        key, ready = message.result()
        if key != self._key():
            return  # the choice changed while it was checked; that check is under way
        self._readiness = key, ready
        if ready.ok:
            box.update(f"✓ {escape(ready.message)}" if ready.message else "")
            box.set_classes("reason ok")
        else:
            other = "" if "another store" in ready.message else "\nOr choose another store above."
            box.update(f"✗ {escape(ready.message)}{other}")
            box.set_classes("reason error")
        button = self.query_one("#install-keyring", Button)
        self.install_offered = ready.install is not None
        if ready.install is not None:
            button.label = "Install keyring" + (f" with {ready.install}" if ready.install else "") + " (uv tool install)"
            self._install = ready.install
        if not ready.ok:
            # The answer to the choice just made, and its fix: in view below the choices, on any screen size.
            self.call_after_refresh((button if self.install_offered else box).scroll_visible, animate=False)
        self.refresh_nav()

    @on(Button.Pressed, "#install-keyring")
    def install_keyring(self) -> None:
        self._check_readiness(install=getattr(self, "_install", ""))

    def on_checkbox_changed(self) -> None:
        self._show_check()
        self.refresh_nav()

    def on_radio_set_changed(self) -> None:
        self._show_check()
        if self._ready() is None:
            self._check_readiness()
        self.refresh_nav()
