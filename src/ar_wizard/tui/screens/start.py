"""Start: what is already here, and what to do."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.widgets import RadioButton, RadioSet, Static

from ...flow import Step
from ...paths import shown
from ..base import StepScreen


class StartScreen(StepScreen):
    STEP = Step.START
    HEADING = "Connect uv to a private package index"
    HELP = "Nothing is written until you have seen every change; each write is backed up."

    def body(self) -> ComposeResult:
        yield Static("Looking at this machine…", id="findings")
        yield Static("What would you like to do?", classes="section")
        with RadioSet(id="choice"):
            yield RadioButton("Set up a new index", value=True, id="setup")
            yield RadioButton("Rotate the secret of an existing index (coming soon)", disabled=True, id="rotate")
            yield RadioButton("Find out why an existing setup fails (coming soon)", disabled=True, id="doctor")

    def load(self) -> None:
        if self.wizard.findings is None:
            self.discover()
        else:
            self.show_findings()

    @work(thread=True, exclusive=True, group="discover")
    def discover(self) -> None:
        from ...discover import discover

        findings = discover(self.draft.project_dir)
        self.app.call_from_thread(self._found, findings)

    def _found(self, findings) -> None:
        self.wizard.findings = findings
        self.show_findings()

    def show_findings(self) -> None:
        f = self.wizard.findings
        lines = []
        if f.indexes:
            lines.append("Indexes already configured:")
            for index in f.indexes:
                lines.append(f"  • {index.name}  {index.url}  [dim]({index.tool}: {shown(index.source)})[/]")
        else:
            lines.append("No private index is configured yet.")
        tools = "  ".join(
            f"{name} [green]✓[/]" if path else f"{name} [dim]✗[/]" for name, path in f.tools.items() if name != "az"
        )
        lines.append(f"Tools on PATH: {tools}")
        if f.gcloud_adc:
            lines.append(f"Google application-default credentials: {f.gcloud_adc}")
        for problem in f.problems:
            lines.append(f"[$warning]⚠ {problem}[/]")
        self.query_one("#findings", Static).update("\n".join(lines))

    def save(self) -> None:
        self.draft.mode = "setup"
