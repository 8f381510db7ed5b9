"""Registry: where the index is, what uv calls it, and which config file gets it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Input, RadioButton, RadioSet, Static

from ... import providers
from ...flow import Step
from ...naming import check_index_name, env_var_stem
from ..base import StepScreen
from ..fields import CoreCheck, Field


class RegistryScreen(StepScreen):
    STEP = Step.REGISTRY
    HEADING = "Where is the index?"
    HELP = "Paste the index URL; everything is checked as you type."

    def body(self) -> ComposeResult:
        from textual.suggester import SuggestFromList

        self.provider = providers.get(self.draft.provider)
        if self.provider.key != "generic":
            yield Field(
                "Paste an index URL to fill in the fields (optional)",
                Input(placeholder="https://…", id="paste-url"),
                help="e.g. what `gcloud artifacts print-settings python` or the console shows.",
            )
        for spec in self.provider.fields:
            check = CoreCheck(lambda value, name=spec.name: self.provider.check_field(name, value), optional=spec.optional)
            suggester = SuggestFromList(spec.choices, case_sensitive=False) if spec.choices else None
            yield Field(
                spec.label,
                Input(placeholder=spec.placeholder, validators=[check], suggester=suggester, id=f"field-{spec.name}"),
                help=spec.help,
            )
        yield Field(
            "Index name",
            Input(placeholder="acme", validators=[CoreCheck(self._check_name)], id="index-name"),
            help="What uv calls it: `uv add --index NAME`, and the UV_INDEX_NAME_* variables.",
        )
        yield Static("Which configuration should get it?", classes="section")
        with RadioSet(id="scope"):
            yield RadioButton("This project: pyproject.toml (or its uv.toml)", id="project")
            yield RadioButton("Every project of mine: ~/.config/uv/uv.toml, also seen by uvx and uv tool", id="user")

    def _existing_names(self) -> list[str]:
        findings = self.wizard.findings
        return findings.index_names("uv") if findings else []

    def _check_name(self, name: str) -> tuple[str, ...]:
        check_index_name(name, self._existing_names())
        if name in self._existing_names():
            return (f"An index named {name!r} exists: its URL will be updated in place.",)
        return ()

    def load(self) -> None:
        for spec in self.provider.fields:
            self.query_one(f"#field-{spec.name}", Input).value = self.draft.fields.get(spec.name, "")
        self.query_one("#index-name", Input).value = self.draft.index_name
        self.query_one(f"#{self.draft.scope}", RadioButton).value = True
        self.query_one(Input).focus()

    def save(self) -> None:
        self.draft.fields = {
            spec.name: self.query_one(f"#field-{spec.name}", Input).value.strip()
            for spec in self.provider.fields
            if self.query_one(f"#field-{spec.name}", Input).value.strip()
        }
        self.draft.index_name = self.query_one("#index-name", Input).value.strip()
        pressed = self.query_one("#scope", RadioSet).pressed_button
        self.draft.scope = pressed.id if pressed is not None else "project"

    def problem(self) -> str | None:
        for field in self.query(Field):
            if field.input.id == "paste-url":
                continue
            if not field.valid:
                return "a field is not right yet"
            spec_optional = field.input.id != "index-name" and any(
                s.optional for s in self.provider.fields if f"field-{s.name}" == field.input.id
            )
            if not field.input.value.strip() and not spec_optional:
                return "a field is empty"
        return None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "paste-url":
            parsed = self.provider.parse(event.value.strip()) if event.value.strip() else None
            for name, value in (parsed or {}).items():
                if self.query(f"#field-{name}"):
                    self.query_one(f"#field-{name}", Input).value = value
        if event.input.id == "index-name" and event.value.strip():
            stem = env_var_stem(event.value.strip())
            event.input.tooltip = f"Variables: {stem}_USERNAME, {stem}_PASSWORD"
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()
