"""The repositories the signed-in identity can reach, to pick from on the Registry screen.

The list fills in a thread worker after the screen is drawn (minting a token
and asking the cloud take seconds); until then, and when it cannot be had,
typing the names works as before. Leaving the screen cancels the worker.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.markup import escape
from textual.message import Message
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from ..errors import UserError


class Reachable(Vertical):
    """A filterable list of the repositories a cloud identity can see; posts ``Picked``."""

    class Picked(Message):
        def __init__(self, fields: dict[str, str], name: str) -> None:
            super().__init__()
            self.fields = fields
            self.name = name

    class _Loaded(Message):
        def __init__(self, repositories: list, note: str) -> None:
            super().__init__()
            self.repositories = repositories
            self.note = note

    def __init__(self, provider: str, *, api_endpoint: str = "", key_file: str = "", region: str = "") -> None:
        super().__init__(id="reachable", classes="field")
        self.cloud = provider
        self.api_endpoint = api_endpoint
        self.key_file = key_file
        self.aws_region = region
        self._all: list = []

    def compose(self) -> ComposeResult:
        yield Static("Repositories you can reach", classes="field-label")
        yield Static("Looking for them… (typing the names below works meanwhile)", id="reachable-status",
                     classes="field-help")
        yield Input(placeholder="e.g. py — type to filter", id="reachable-filter")
        yield OptionList(id="reachable-options")

    def on_mount(self) -> None:
        self.query_one("#reachable-filter").display = False
        self.query_one("#reachable-options").display = False
        why_not = self._cannot_list()
        if why_not:
            self.post_message(self._Loaded([], why_not))
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
        return ""

    def look_in(self, region: str) -> None:
        """List again, for another region (AWS lists per region)."""
        if region != self.aws_region:
            self.aws_region = region
            self.fetch()

    @work(thread=True, exclusive=True, group="reachable")
    def fetch(self) -> None:
        try:
            repositories, note = self._list()
        except UserError as err:
            repositories, note = [], f"{err.for_wizard()} Type the names below."
        if not get_current_worker().is_cancelled:
            self.post_message(self._Loaded(repositories, note))

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
        else:
            return [], ""
        if not listing.repositories:
            return [], " ".join(listing.notes) or "No Python repository is visible to this identity: type the names."
        return listing.repositories, " ".join([who, *listing.notes])

    @on(_Loaded)
    def show(self, event: _Loaded) -> None:
        self._all = event.repositories
        status = self.query_one("#reachable-status", Static)
        status.update(escape(event.note) if event.note else "")
        status.display = bool(event.note)
        self.query_one("#reachable-filter").display = bool(self._all)
        self.query_one("#reachable-options").display = bool(self._all)
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
                options.add_option(Option(f"{escape(repo.name)}  [dim]{escape(repo.where)}[/]", id=str(n)))
        options.styles.height = min(8, max(1, options.option_count))

    @on(OptionList.OptionSelected, "#reachable-options")
    def pick(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        repo = self._all[int(event.option.id or 0)]
        self.post_message(self.Picked(dict(repo.fields), repo.name))
