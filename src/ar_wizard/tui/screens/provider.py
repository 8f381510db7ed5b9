"""Provider: which kind of registry."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import RadioButton, RadioSet, Static

from ... import providers
from ...flow import Step
from ..base import StepScreen
from ..fields import Choice, Choices


class ProviderScreen(StepScreen):
    STEP = Step.PROVIDER
    HEADING = "Which registry holds your packages?"
    HELP = "The provider decides the URL shape, the username and how errors are explained."

    def body(self) -> ComposeResult:
        self._providers = providers.available()
        with Choices(id="provider"):
            for p in self._providers:
                yield Choice(p.title, id=p.key)
        for p in self._providers:
            yield Static(Content.assemble((p.title, "bold"), ": ", p.blurb), classes="choice-help")

    def load(self) -> None:
        keys = [p.key for p in self._providers]
        index = keys.index(self.draft.provider) if self.draft.provider in keys else 0
        self.query_one(f"#{keys[index]}", RadioButton).value = True

    def save(self) -> None:
        pressed = self.query_one("#provider", RadioSet).pressed_button
        if pressed is not None and pressed.id and pressed.id != self.draft.provider:
            self.draft.provider = pressed.id
            self.draft.fields = {}

    @on(Choices.Chosen)
    def chosen(self) -> None:
        self.action_next()
