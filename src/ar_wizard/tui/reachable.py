"""The repositories (Azure: feeds) the signed-in identity can reach, to pick from on the Registry screen.

The list fills in a thread worker after the screen is drawn (minting a token
and asking the cloud take seconds); until then, and when it cannot be had,
typing the names works as before. Leaving the screen cancels the worker.
Azure lists with a personal access token, asked for here (the Credentials step
comes later) and kept as the secret.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..errors import UserError, clause
from ..model import Secret
from .background import Finished, report
from .fields import SecretInput

# A personal access token is 52 characters (84 for the newer ones): shorter is still being typed.
_PAT_LENGTH = 52


def sentence(text: str) -> str:
    """``text`` as a sentence that ends where it ends, so another can follow it."""
    text = clause(text)
    return f"{text}." if text else ""


class Listed(Finished["tuple[list, str]"]):
    """The repositories to pick from, and what to say above them (why there are none, when so)."""


class Reachable(Vertical):
    """A filterable list of the repositories a cloud identity can see; posts ``Picked``."""

    class Picked(Message):
        def __init__(self, fields: dict[str, str], name: str) -> None:
            super().__init__()
            self.fields = fields
            self.name = name

    #: the filter and the list once there is something to pick, and the status line while it says
    #: something: app.tcss shows them by the classes these set
    listed: reactive[bool] = reactive(False, init=False, toggle_class="-listed")
    quiet: reactive[bool] = reactive(False, init=False, toggle_class="-quiet")

    def __init__(self, provider: str, *, api_endpoint: str = "", key_file: str = "", region: str = "",
                 organization: str = "", pat: Secret | None = None) -> None:
        super().__init__(id="reachable", classes="field")
        self.cloud = provider
        self.api_endpoint = api_endpoint
        self.key_file = key_file
        self.aws_region = region
        self.organization = organization
        self._pat = pat
        self._all: list = []

    def compose(self) -> ComposeResult:
        yield Static("Feeds you can reach" if self.cloud == "azure" else "Repositories you can reach",
                     classes="field-label")
        if self.cloud == "azure":
            yield SecretInput(placeholder="a personal access token (Packaging: Read), to list your feeds",
                              id="reachable-pat")
        yield Static("Looking for them… (typing the names below works meanwhile)", id="reachable-status",
                     classes="field-help")
        yield Input(placeholder="e.g. py — type to filter", id="reachable-filter")
        yield OptionList(id="reachable-options")

    @property
    def pat(self) -> Secret | None:
        """The token typed here to list the feeds (the secret too, unless another is given later)."""
        if self.cloud != "azure":
            return None
        value = self.query_one("#reachable-pat", Input).value.strip()
        return Secret(value) if value else None

    def on_mount(self) -> None:
        if self._pat is not None:
            self.query_one("#reachable-pat", Input).value = self._pat.reveal()
        self._ask()

    def _ask(self) -> None:
        why_not = self._cannot_list()
        if why_not:
            self.post_message(Listed(([], why_not)))
        else:
            self.fetch()

    def _cannot_list(self) -> str:
        """Why no list can be had, known without the network; "" when it is worth asking."""
        from .. import userpath

        if self.cloud == "gcp" and not self.key_file:
            from ..credentials.google import has_adc_file

            if not has_adc_file():
                return ("No Application Default Credentials on this machine to list your repositories with "
                        "(`gcloud auth application-default login` makes them): type the names below.")
        if self.cloud == "aws" and userpath.which("aws") is None:
            return "The AWS CLI is not on PATH, so your repositories cannot be listed: type the names below."
        if self.cloud == "aws" and not self.aws_region:
            return "Give the region below to list the repositories you can reach there."
        if self.cloud == "azure" and not self.organization:
            return "Type the organization below to list its feeds."
        if self.cloud == "azure" and self.pat is None:
            return (f"Paste a personal access token above to list the feeds of {self.organization}, "
                    "or type the names below.")
        return ""

    def look_in(self, region: str) -> None:
        """List again, for another region (AWS lists per region)."""
        if region != self.aws_region:
            self.aws_region = region
            self._ask()

    def look_at(self, organization: str) -> None:
        """List again, for another organization (Azure lists per organization)."""
        if organization != self.organization:
            self.organization = organization
            self._ask()

    @on(Input.Changed, "#reachable-pat")
    def pat_given(self, event: Input.Changed) -> None:
        event.stop()
        if len(event.value.strip()) >= _PAT_LENGTH:  # pasted whole, not being typed
            self._ask()

    @on(Input.Submitted, "#reachable-pat")
    def pat_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._ask()

    @work(thread=True, exclusive=True, group="reachable")
    def fetch(self) -> None:
        report(self, self._listed, outcome=Listed)

    def _listed(self) -> tuple[list, str]:
        try:
            return self._list()
        except UserError as err:
            why = sentence(err.for_wizard())
            # The cause in one sentence, then what still works; unless the cause says that already.
            return [], why if "type the names" in why.lower() else f"{why} Type the names below."

    def _list(self) -> tuple[list, str]:
        if self.cloud == "gcp":
            from ..listing import gcp

            # ADC only, read from its file: no metadata-server probe and no gcloud, which take seconds each.
            listing, minted = gcp.reachable(self.key_file, "auto" if self.key_file else "adc",
                                            api=self.api_endpoint or None)
            who = f"Repositories {minted.identity} can reach."
        elif self.cloud == "aws":
            from ..listing import aws

            listing = aws.repositories(self.aws_region)
            who = f"Repositories in {self.aws_region}."
        elif self.cloud == "azure":
            from ..listing import azure

            pat = self.pat
            assert pat is not None  # _cannot_list() asked for it first
            listing = azure.feeds(self.organization, pat, api=self.api_endpoint or None)
            who = f"Feeds of {self.organization} this token can read."
        else:
            return [], ""
        if not listing.repositories:
            return [], " ".join(listing.notes) or "No Python repository is visible to this identity: type the names."
        return listing.repositories, " ".join([who, *listing.notes])

    @on(Listed)
    def show(self, event: Listed) -> None:
        event.stop()  # the list's own: the screen around it has workers of its own
        self._all, note = event.result()
        status = self.query_one("#reachable-status", Static)
        status.update(Content(note))
        self.quiet = not note
        self.listed = bool(self._all)
        self._fill("")

    @on(Input.Changed, "#reachable-filter")
    def filter(self, event: Input.Changed) -> None:
        event.stop()
        self._fill(event.value)

    @on(Input.Submitted, "#reachable-filter")
    def pick_the_only_match(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#reachable-options", OptionList)
        if options.option_count:
            options.highlighted = options.highlighted or 0
            options.action_select()

    def _fill(self, text: str) -> None:
        wanted = text.strip().lower()
        options = self.query_one("#reachable-options", OptionList)
        options.clear_options()
        for n, repo in enumerate(self._all):
            if wanted in f"{repo.name} {repo.where}".lower():
                options.add_option(Option(Content.assemble(repo.name, (f"  {repo.where}", "dim")), id=str(n)))

    @on(OptionList.OptionSelected, "#reachable-options")
    def pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        repo = self._all[int(event.option.id or 0)]
        self.post_message(self.Picked(dict(repo.fields), repo.name))
