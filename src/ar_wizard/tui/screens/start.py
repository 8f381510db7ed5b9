"""Start: what is already here, and what to do: set up, join a configured index, rotate, or diagnose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.markup import escape
from textual.reactive import reactive
from textual.widgets import Static

from ...errors import UserError
from ...flow import Step
from ...model import fresh_draft
from ...paths import shown
from ...urls import is_public_index
from ..background import Finished, report
from ..base import StepScreen

if TYPE_CHECKING:
    # Named as strings in the outcomes' types: the core modules load when the workers run.
    from ...discover import Findings  # noqa: F401
    from ...expiry import TokenExpiry  # noqa: F401
    from ...join import IndexStatus  # noqa: F401
    from ...model import Draft  # noqa: F401

# Plain text with click actions and keys, not a list widget: a list costs 10-15 ms
# before the first frame, over the start-up budget (benchmarks/startup.py).
CHOICES = (
    "[b]▸ [@click=screen.next]Set up a new index[/][/]  [dim]Enter or Ctrl+N[/]\n"
    "  [@click=screen.rotate]Rotate the secret of an existing index[/]  [dim]R[/]\n"
    "  [@click=screen.doctor]Find out why an existing setup fails[/]  [dim]D[/]"
)
JOIN_QUESTION = (
    "[b]Which index do you need credentials for?[/]\nIt is configured already; only your own secret is stored."
)


class LookedAround(Finished["tuple[Findings, list[TokenExpiry]]"]):
    """What is configured on this machine, and the tokens that expire soon (what could not be read is a problem)."""


class CredentialsFound(Finished["list[IndexStatus]"]):
    """Whether this machine holds credentials for each configured index, or why uv or keyring would not say."""


class RotationReady(Finished["Draft"]):
    """The rotation of the picked index's secret, ready to go on with, or why its secret cannot be found."""


class StartScreen(StepScreen):
    STEP = Step.START
    HEADING = "Connect uv to a private package index"
    HELP = "Nothing is written until you have seen every change; each write is backed up."
    BINDINGS = [
        Binding("enter", "first_choice", "Next", show=False),
        # Not in the footer: the choices above name their keys, and each footer key costs start-up time.
        Binding("r", "rotate", "Rotate", id="rotate", show=False, tooltip="Give an existing index a new secret"),
        Binding("d", "doctor", "Doctor", id="doctor", show=False, tooltip="Find out why an existing setup fails"),
        Binding("a", "join", "Add my credentials", id="join", show=False,
                tooltip="Credentials on this machine for an index the project already names"),
    ]

    #: why the picked index cannot be rotated, under the choices while there is a reason: app.tcss
    #: shows it by the class
    rotation_refused: reactive[bool] = reactive(False, init=False, toggle_class="-rotation-refused")

    def body(self) -> ComposeResult:
        yield Static("Looking at this machine…\n\n[b]What would you like to do?[/]", id="findings")
        yield Static(CHOICES, id="choice")

    def load(self) -> None:
        if self.wizard.findings is None:
            # After the first frame: the look around must not delay the first paint.
            self.call_after_refresh(self.discover)
        else:
            self.show_findings()

    @work(thread=True, exclusive=True, group="discover")
    def discover(self) -> None:
        project_dir = self.draft.project_dir

        def look_around():
            from ...discover import discover
            from ...expiry import expiring

            try:
                return discover(project_dir), expiring()
            except (UserError, OSError) as err:
                # What could not be looked at is said on the screen; the wizard itself still works.
                from ...discover import Findings
                from ...fileio import describe_os_error

                why = describe_os_error(err) if isinstance(err, OSError) else err.for_wizard()
                return Findings(problems=[why]), []

        report(self, look_around, outcome=LookedAround)

    @on(LookedAround)
    def _found(self, message: LookedAround) -> None:
        findings, soon = message.result()
        self.wizard.findings = findings
        self.wizard.expiring = soon
        self.show_findings()
        self.find_credentials(findings)

    @work(thread=True, exclusive=True, group="credentials")
    def find_credentials(self, findings) -> None:
        """Whether this machine holds credentials for each configured index (runs uv and keyring)."""
        from ...join import status

        project_dir = self.draft.project_dir
        report(self, lambda: status(findings, project_dir), outcome=CredentialsFound)

    @on(CredentialsFound)
    def _credentials_found(self, message: CredentialsFound) -> None:
        if message.error:  # uv or keyring would not answer: each index's line says so
            self.notify(message.error, severity="warning")
        self.wizard.statuses = message.value or []
        self.show_findings()

    def _status_of(self, index) -> str:
        if self.wizard.statuses is None:
            return "  [dim]checking credentials…[/]"
        status = next((s for s in self.wizard.statuses if s.index == index), None)
        if status is None:
            return ""
        if status.plugin and status.plugin_problem:
            return "  [$warning]✗ its keyring plugin cannot answer here[/]"
        if status.plugin:
            return "  [$success]✓[/] a keyring plugin signs in (nothing stored)"
        if status.places:
            return f"  [$success]✓[/] credentials in {escape(', '.join(status.places))}"
        if status.public:
            return "  [dim]public: needs no credentials[/]"
        return "  [$warning]✗ no credentials on this machine[/]"

    def _joinable(self) -> list[str]:
        return [s.index.name for s in self.wizard.statuses or () if s.needs_credentials]

    def show_findings(self) -> None:
        f = self.wizard.findings
        assert f is not None  # called once discovery has answered
        lines = []
        if self.wizard.recovered:
            # Said before the wizard began, where the full-screen display hides it: said again here.
            lines.append(f"[$warning]⚠ {escape(self.wizard.recovered)}[/]")
        if f.indexes:
            lines.append("Indexes already configured:")
            for index in f.indexes:
                looked_up = index.tool in ("uv", "poetry", "pdm") and not index.pip_only
                status = self._status_of(index) if looked_up else ""
                lines.append(
                    f"  • {escape(index.name)}  {escape(index.url)}  [dim]({index.tool}: {escape(shown(index.source))})[/]"
                    f"{status}"
                )
        else:
            lines.append("No private index is configured yet.")
        tools = "   ".join(
            f"[$success]✓[/] {name}" if path else f"[dim]✗ {name}[/]" for name, path in f.tools.items() if name != "az"
        )
        lines.append(f"Tools on PATH: {tools}")
        if f.gcloud_adc:
            lines.append(f"Google application-default credentials: {escape(str(f.gcloud_adc))}")
        uv_urls = {i.plain_url: i.name for i in f.indexes if i.tool == "uv"}
        for token in self.wizard.expiring or ():
            if token.url in uv_urls:
                lines.append(
                    f"[$warning]⚠ The token for {escape(uv_urls[token.url])} {escape(token.describe())} — "
                    "rotate now? Press R.[/]"
                )
        for problem in f.problems:
            lines.append(f"[$warning]⚠ {escape(problem)}[/]")
        lines.append("\n[b]What would you like to do?[/]")
        self.query_one("#findings", Static).update("\n".join(lines))
        joinable = self._joinable()
        if joinable:
            which = f"'{escape(joinable[0])}'" if len(joinable) == 1 else "a configured index"
            # The teammate who cloned a configured project: their credentials are the first choice.
            _, rest = CHOICES.split("\n", 1)
            self.query_one("#choice", Static).update(
                f"[b]▸ [@click=screen.join]Add my credentials for {which}[/][/]  [dim]Enter or A[/]\n"
                f"  [@click=screen.next]Set up a new index[/]  [dim]Ctrl+N[/]\n{rest}"
            )

    def action_first_choice(self) -> None:
        """Enter takes the choice marked ▸: adding my credentials where an index lacks them, else a new setup."""
        if self._joinable():
            self.action_join()
        else:
            self.action_next()

    # -- join: credentials for an index the project already names ------------------

    def action_join(self) -> None:
        names = self._joinable()
        if self.wizard.statuses is None:
            self.notify("Still looking for credentials on this machine; try again in a moment.")
            return
        if not names:
            self.notify("Every configured index has credentials here: R rotates one, D checks them.")
            return
        if len(names) == 1:
            self._join(names[0])
            return
        from ..pick import PickIndex

        self.app.push_screen(PickIndex(names, first=names[0], question=JOIN_QUESTION), self._join)

    def _join(self, name: str | None) -> None:
        if not name:
            return
        from ...join import draft_for

        status = next(s for s in self.wizard.statuses or () if s.index.name == name)
        self.wizard.draft = draft_for(status.index, self.draft.project_dir)
        self.wizard.advance("next")

    def save(self) -> None:
        if self.draft.mode != "setup":  # back from a rotation: start the setup afresh
            self.wizard.draft = fresh_draft(self.draft.project_dir, self.draft.api_endpoint)

    # -- rotate: pick an index, find where its secret lives, then the rotation path --

    def action_rotate(self) -> None:
        findings = self.wizard.findings
        # Every index the CLI rotates, whatever tools it was set up for; a public one (PyPI, a mirror) has no secret.
        names = sorted({i.name for i in findings.indexes if ((i.tool == "uv" and not i.pip_only) or i.tool in ("pip", "twine"))
                        and not is_public_index(i.plain_url)}) if findings else []
        if findings is None:
            self.notify("Still looking at this machine; try again in a moment.")
            return
        if not names:
            self.notify("No index with a secret is configured here yet (a public index has none): set one up "
                        "first.", severity="warning")
            return
        from ..pick import PickIndex

        soon = {t.index for t in self.wizard.expiring or ()}
        self.app.push_screen(PickIndex(names, first=next((n for n in names if n in soon), names[0])), self._picked)

    def _picked(self, name: str | None) -> None:
        if name:
            self.show_error(None)
            self.notify(f"Looking for the secret of {name}…")
            self.find_existing(name)

    @work(thread=True, exclusive=True, group="rotate")
    def find_existing(self, name: str) -> None:
        from ... import rotate

        project_dir = self.draft.project_dir
        report(self, lambda: rotate.draft_for(rotate.find(name, project_dir), project_dir), outcome=RotationReady)

    @on(RotationReady)
    def rotate_ready(self, message: RotationReady) -> None:
        if message.error:
            self.show_error(message.error)
            return
        self.wizard.draft = message.result()
        self.wizard.advance("next")

    def show_error(self, error: str | None) -> None:
        # Mounted on first use: one widget fewer before the first frame.
        if not self.query("#start-error"):
            if error is None:
                return
            self.query_one("#body").mount(Static("", id="start-error", classes="error"))
        box = self.query_one("#start-error", Static)
        box.update(f"✗ {escape(error)}" if error else "")
        self.rotation_refused = error is not None

    def action_doctor(self) -> None:
        from ..doctor import DoctorScreen

        self.app.push_screen(DoctorScreen())
