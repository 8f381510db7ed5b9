"""Registry: where the index is, what uv calls it, and which config file gets it."""

from __future__ import annotations

import os
from functools import partial

from textual.app import ComposeResult
from textual.widgets import Input, RadioButton, RadioSet, Static

from ... import paths, providers
from ...flow import Step
from ...naming import check_index_name, env_var_stem, suggested_index_name
from ..base import StepScreen
from ..fields import Choice, Choices, CoreCheck, Field, example


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
                Input(placeholder="e.g. https://…/simple/", id="paste-url"),
                help=self.provider.paste_help(),
            )
        if self.provider.key in ("gcp", "aws", "azure"):
            from ..reachable import Reachable

            yield Reachable(self.provider.key, api_endpoint=self.draft.api_endpoint, key_file=self.draft.key_file,
                            region=self._region(), organization=self.draft.fields.get("organization", ""),
                            pat=self.draft.secret if self.provider.key == "azure" else None)
        for spec in self.provider.fields:
            check = CoreCheck(partial(self.provider.check_field, spec.name), optional=spec.optional)
            suggester = SuggestFromList(spec.choices, case_sensitive=False) if spec.choices else None
            yield Field(
                spec.label,
                Input(placeholder=example(spec.placeholder), validators=[check], suggester=suggester,
                      id=f"field-{spec.name}"),
                help=spec.help,
            )
        yield Field(
            "Index name",
            Input(placeholder=example("acme"), validators=[CoreCheck(self._check_name)], id="index-name"),
            help="What uv calls it: `uv add --index NAME`, and the UV_INDEX_NAME_* variables.",
        )
        yield Static("Which configuration should get it?", classes="section")
        with Choices(id="scope"):
            yield Choice("This project: pyproject.toml (or its uv.toml)", id="project")
            yield Choice(f"Every project of mine: {paths.shown(paths.user_uv_toml())}, also seen by uvx and uv tool",
                         id="user")

    def _region(self) -> str:
        """The region typed before, else the one the AWS CLI would use ($AWS_REGION, $AWS_DEFAULT_REGION)."""
        if self.provider.key != "aws":
            return ""
        return self.draft.fields.get("region") or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION", "")

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
        if self._region():
            self.query_one("#field-region", Input).value = self._region()
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
        self.draft.scope = (pressed.id or "project") if pressed is not None else "project"
        if self.query("#reachable-pat"):
            from ..reachable import Reachable

            # The token that listed the feeds is the secret the Credentials step asks for: not asked twice.
            pat = self.query_one("#reachable", Reachable).pat
            if pat is not None and self.draft.auth == "token":
                self.draft.secret = pat

    def _first_blocking(self) -> tuple[Field, str] | None:
        for field in self.query(Field):
            if field.input.id in ("paste-url", "reachable-filter", "reachable-pat"):
                continue
            spec = next((s for s in self.provider.fields if f"field-{s.name}" == field.input.id), None)
            label = spec.label if spec is not None else "The index name"
            if not field.input.value.strip() and not (spec is not None and spec.optional):
                return field, f"{label} is empty: type it" + (", or paste an index URL above." if self.query(
                    "#paste-url") else ".")
            if not field.valid:
                result = field.input.validate(field.input.value)
                why = " ".join(result.failure_descriptions) if result is not None else ""
                return field, why or f"{label} is not right yet."
        return None

    def problem(self) -> str | None:
        blocking = self._first_blocking()
        return blocking[1] if blocking else None

    def blocker(self):
        blocking = self._first_blocking()
        return blocking[0].input if blocking else None

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "paste-url":
            parsed = self.provider.parse(event.value.strip()) if event.value.strip() else None
            if parsed:
                self._fill(parsed, suggested_index_name(parsed))
        if event.input.id in ("field-region", "field-organization") and self.query("#reachable") and event.input.is_valid:
            from ..reachable import Reachable

            reachable = self.query_one("#reachable", Reachable)
            if event.input.id == "field-region":
                reachable.look_in(event.value.strip())
            else:
                reachable.look_at(event.value.strip())
        if event.input.id == "index-name" and event.value.strip():
            stem = env_var_stem(event.value.strip())
            event.input.tooltip = f"Variables: {stem}_USERNAME, {stem}_PASSWORD"
        self.refresh_nav()

    def on_input_submitted(self) -> None:
        self.action_next()

    def paste_unfocused(self, text: str) -> None:
        # A URL pasted with nothing focused fills the fields it stands for (or the URL itself).
        target = self.query_one("#paste-url" if self.query("#paste-url") else "#field-url", Input)
        target.value = text.splitlines()[0]
        target.focus()

    def on_reachable_picked(self, event) -> None:
        """A repository picked from the list fills the fields (and the index name, when empty)."""
        self._fill(event.fields, suggested_index_name(event.fields) or event.name)
        self.refresh_nav()

    _suggested = ""  # the index name the last paste or pick filled in

    def _fill(self, fields: dict[str, str], name: str) -> None:
        """Every field a URL or a picked repository determines; the index name too, unless the user typed one."""
        for field, value in fields.items():
            if self.query(f"#field-{field}"):
                self.query_one(f"#field-{field}", Input).value = value
        index = self.query_one("#index-name", Input)
        if name and index.value.strip() in ("", self._suggested):
            index.value = self._suggested = name
