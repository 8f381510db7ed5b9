"""Done: what was written, what to run next, a check with the real uv, and the CI and container snippets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Button, Input, RadioSet, Static

from ...errors import UserError
from ...flow import Step
from ...model import mask
from ...paths import shown
from ..background import Finished, report
from ..base import StepScreen
from ..fields import Choice, Field
from ..words import in_wizard

if TYPE_CHECKING:
    from ...validate import Verdict  # noqa: F401 - Proved's type, named as a string: the core loads when it runs

SNIPPET_TITLES = {"github-actions": "GitHub Actions", "dockerfile": "Dockerfile", "gitlab-ci": "GitLab CI"}


class Proved(Finished["Verdict"]):
    """What the real uv said when it resolved the package from the index."""


class DoneScreen(StepScreen):
    STEP = Step.DONE
    HEADING = "Done"
    AUTO_FOCUS = ""  # focusing the package field would scroll the outcome and next steps away
    HELP = "What was written and what to run next come first."
    BINDINGS = [
        Binding("ctrl+n", "next", "Finish", id="next", tooltip="Leave the wizard"),
        Binding("ctrl+r", "check", "Check now", id="check", tooltip="Resolve a package with uv"),
    ]

    #: what app.tcss shows by the classes these set: the proof with uv only where uv now knows the
    #: index, its verdict once a check is asked for, and the snippet's buttons unless it was refused
    without_uv: reactive[bool] = reactive(False, init=False, toggle_class="-without-uv")
    proof_asked: reactive[bool] = reactive(False, init=False, toggle_class="-proof-asked")
    snippet_refused: reactive[bool] = reactive(False, init=False, toggle_class="-snippet-refused")

    def body(self) -> ComposeResult:
        yield Static("", id="summary")
        yield Static("Prove it with the real uv", classes="section uv-proof")
        with Horizontal(id="proof-row", classes="uv-proof"):
            yield Field("Package to try", Input(placeholder="e.g. a package on the index", id="package"),
                        help="Check now resolves it from the index with uv pip compile.")
            yield Button("Check now", id="check-button", variant="success")
        yield Static("", id="proof", classes="verdict")
        yield Static("CI and containers", classes="section")
        yield Static(
            "[$text-muted]The same index for a pipeline or an image: the secret comes from the CI or a BuildKit "
            "mount, never from a file or a layer. Written to your project only when you press Write.[/]"
        )
        with RadioSet(id="snippet-kind"):
            for kind, title in SNIPPET_TITLES.items():
                yield Choice(title, id=f"kind-{kind}", value=kind == "github-actions")
        yield Static("", id="snippet-file", classes="field-label")
        yield Static("", id="snippet", classes="snippet")
        yield Static("", id="snippet-notes", classes="field-help")
        with Horizontal(id="snippet-buttons"):
            yield Button("Copy", id="copy-snippet")
            yield Button("Write to file", id="write-snippet", variant="primary")
        yield Static("", id="snippet-outcome")

    def load(self) -> None:
        summary = self.wizard.summary()
        if summary is not None:
            self.query_one("#summary", Static).update(self._summary(summary))
            self.show_intro("What was written and what to run next come first." if summary.complete else
                            "Written, but not everything is ready yet: what is missing and what to do come first.")
            # A proof with uv means something only where uv now knows the index.
            self.without_uv = not summary.uv_configured
            self.refresh_bindings()
        verdict = self.wizard.verdict
        if verdict is not None and verdict.projects:
            self.query_one("#package", Input).value = verdict.projects[0]
        self.proof_asked = False
        self.show_snippet("github-actions")
        # Opens at the top: the outcome and the next steps are what this screen is for.
        self.call_after_refresh(self.query_one("#body").scroll_home, animate=False)

    @staticmethod
    def _summary(summary) -> Content:
        """The same lines the terminal gets after the wizard closes, styled; every part is text, not markup."""
        head = Content.styled(f"{'✓' if summary.complete else '⚠'} {summary.headline}:",
                              "$success" if summary.complete else "$warning")
        parts: list[Content | str] = [head, f" {summary.done}."]
        parts += [Content.styled(f"\n⚠ {warning}", "$warning") for warning in summary.warnings]
        if summary.backup_id:
            parts.append(f"\nBackup {summary.backup_id}: `ar-wizard undo {summary.backup_id}` puts it all back.")
        if summary.next_steps:
            # The first step is the one without which the rest fail (the env store's activation line).
            parts.append(Content.styled(f"\n\n{summary.next_heading}", "bold"))
            parts += [f"\n  {step}" for step in summary.next_steps]
        return Content.assemble(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check":  # Check now only where uv now knows the index
            return not self.without_uv
        return super().check_action(action, parameters)

    def action_check(self) -> None:
        package = self.query_one("#package", Input).value.strip()
        if not package:
            self.notify("Name a package on the index to try.", severity="warning")
            return
        proof = self.query_one("#proof", Static)
        self.proof_asked = True
        proof.update(Content(f"Running uv pip compile for {package}…"))
        proof.set_classes("verdict")
        proof.scroll_visible(animate=False)
        self.prove(package)

    @work(thread=True, exclusive=True, group="prove")
    def prove(self, package: str) -> None:
        from ...validate import prove_with_uv

        report(self, lambda: prove_with_uv(self.draft, package), outcome=Proved)

    @on(Proved)
    def show(self, message: Proved) -> None:
        proof = self.query_one("#proof", Static)
        verdict = message.value
        ok = verdict is not None and verdict.ok
        text = verdict.message if verdict is not None else message.error or ""
        proof.update(("✓ " if ok else "✗ ") + escape(in_wizard(mask(text))))
        proof.set_classes("verdict passed" if ok else "verdict failed")
        # The verdict is what the user waits for: bring it into view, however small the terminal.
        proof.scroll_visible(animate=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        actions = {"check-button": self.action_check, "copy-snippet": self.copy_snippet,
                   "write-snippet": self.write_snippet}
        if event.button.id in actions:
            event.stop()
            actions[event.button.id]()

    # -- CI and container snippets ------------------------------------------------

    _snippet = None

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        event.stop()
        self.show_snippet((event.pressed.id or "").removeprefix("kind-"))

    def show_snippet(self, kind: str) -> None:
        from rich.syntax import Syntax  # ~45 ms (pygments); only drawing a snippet needs it

        from ...snippets import snippet

        self.query_one("#snippet-outcome", Static).update("")
        try:
            snip = self._snippet = snippet(self.draft, kind)
        except UserError as err:
            self._snippet = None
            self.query_one("#snippet", Static).update(f"✗ {escape(err.for_wizard())}")
            self.snippet_refused = True
            return
        self.snippet_refused = False
        self.query_one("#snippet-file", Static).update(escape(snip.filename))
        lexer = "docker" if snip.language == "dockerfile" else snip.language
        self.query_one("#snippet", Static).update(Syntax(snip.text, lexer, theme="ansi_dark", word_wrap=True))
        self.query_one("#snippet-notes", Static).update("\n".join(f"• {escape(n)}" for n in snip.notes))

    def copy_snippet(self) -> None:
        if self._snippet is not None:
            self.app.copy_to_clipboard(self._snippet.text)
            self.notify(f"Copied {self._snippet.filename} to the clipboard.")

    def write_snippet(self) -> None:
        """Write the snippet into the project as one transaction: backed up, undoable, never over other content."""
        from ...apply import run_transaction
        from ...snippets import file_change

        if self._snippet is None:
            return
        outcome = self.query_one("#snippet-outcome", Static)
        try:
            change = file_change(self._snippet, self.draft.project_dir)
            # One small local file: quick enough for the UI thread, and the lock keeps it whole.
            result = run_transaction([change], [], label=f"snippet {self._snippet.kind} (wizard)")
        except UserError as err:
            outcome.update(f"[$error]✗ {escape(err.for_wizard())}[/]")
            return
        if result.backup_id:
            outcome.update(
                f"[$success]✓ wrote {escape(shown(change.path))}[/] — undo with: ar-wizard undo {result.backup_id}"
            )
        else:
            outcome.update(f"✓ {escape(shown(change.path))} already holds this snippet.")

    def on_input_submitted(self) -> None:
        self.action_check()
