"""Start: what is already here, and what to do."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.widgets import Static

from ...flow import Step
from ...paths import shown
from ..base import StepScreen


class StartScreen(StepScreen):
    STEP = Step.START
    HEADING = "Connect uv to a private package index"
    HELP = "Nothing is written until you have seen every change; each write is backed up."
    BINDINGS = [Binding("enter", "next", "Next", show=False)]

    def body(self) -> ComposeResult:
        yield Static("Looking at this machine…\n\n[b]What would you like to do?[/]", id="findings")
        # One choice works today, so it is Next itself; rotation and diagnosis are listed
        # so people know they are coming (a list widget arrives with them).
        yield Static(
            "[b]▸ Set up a new index[/]  [dim]Enter or Ctrl+N[/]\n"
            "[dim]  Rotate the secret of an existing index (coming soon)\n"
            "  Find out why an existing setup fails (coming soon)[/]",
            id="choice",
        )

    def load(self) -> None:
        if self.wizard.findings is None:
            # After the first frame: the look around must not delay the first paint.
            self.call_after_refresh(self.discover)
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
                lines.append(f"  • {escape(index.name)}  {escape(index.url)}  [dim]({index.tool}: {escape(shown(index.source))})[/]")
        else:
            lines.append("No private index is configured yet.")
        tools = "   ".join(
            f"[$success]✓[/] {name}" if path else f"[dim]✗ {name}[/]" for name, path in f.tools.items() if name != "az"
        )
        lines.append(f"Tools on PATH: {tools}")
        if f.gcloud_adc:
            lines.append(f"Google application-default credentials: {f.gcloud_adc}")
        for problem in f.problems:
            lines.append(f"[$warning]⚠ {escape(problem)}[/]")
        lines.append("\n[b]What would you like to do?[/]")
        self.query_one("#findings", Static).update("\n".join(lines))

    def save(self) -> None:
        self.draft.mode = "setup"


