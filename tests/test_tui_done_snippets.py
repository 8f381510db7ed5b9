"""The Done screen's CI and container snippets, driven with keys and clicks against the real private index."""

from __future__ import annotations

import asyncio

import yaml
from rich.syntax import Syntax
from textual.widgets import Static

from ar_wizard.apply import undo
from ar_wizard.tui.app import WizardApp
from ar_wizard.tui.screens.done import DoneScreen
from wizard_driver import finish_from_validate, reach_validate, wait_until

SIZE = (110, 45)


def shown_code(screen: DoneScreen) -> str:
    """The snippet's text as the screen draws it, highlighted."""
    syntax = screen.query_one("#snippet", Static).content
    assert isinstance(syntax, Syntax)
    return syntax.code


async def press_button(pilot, selector: str) -> None:
    button = pilot.app.screen.query_one(selector)
    button.focus()  # focus scrolls the body to it, as Tab would
    # A button ignores presses during its 0.2 s press animation, as it would a person's double press.
    await wait_until(pilot, lambda: not button.has_class("-active"), what="the button to be pressable")
    await pilot.press("enter")
    await pilot.pause()


def test_the_done_screen_shows_the_snippets_and_writes_one_only_when_asked(home, private_index, account):
    user, password = account
    workflow = home.project / ".github" / "workflows" / "private-index.yml"
    dockerfile = home.project / "Dockerfile.private-index"

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="netrc")
            await finish_from_validate(pilot)
            screen = pilot.app.screen
            assert isinstance(screen, DoneScreen)
            first = shown_code(screen)
            nothing_written_yet = not workflow.exists() and not dockerfile.exists()

            await press_button(pilot, "#copy-snippet")
            await wait_until(pilot, lambda: pilot.app.clipboard, what="the copy")
            copied = pilot.app.clipboard

            radio = screen.query_one("#kind-dockerfile")
            radio.scroll_visible(animate=False)
            await pilot.pause()
            await pilot.click("#kind-dockerfile")
            await wait_until(pilot, lambda: screen._snippet is not None and screen._snippet.kind == "dockerfile",
                             what="the Dockerfile snippet")
            shown = shown_code(screen)
            outcome = screen.query_one("#snippet-outcome")
            await press_button(pilot, "#write-snippet")
            await wait_until(pilot, lambda: "wrote" in str(outcome.render()), what="the write")
            wrote = str(outcome.render())
            await press_button(pilot, "#write-snippet")
            await wait_until(pilot, lambda: str(outcome.render()) != wrote, what="the second write")
            again = str(outcome.render())
        return first, nothing_written_yet, copied, shown, wrote, again

    first, nothing_written_yet, copied, shown, wrote, again = asyncio.run(flow())

    assert nothing_written_yet
    assert yaml.safe_load(first)["jobs"]["build"]["steps"]
    assert "UV_INDEX_ACME_USERNAME" in first and password not in first
    assert copied == first
    assert shown.startswith("# syntax=docker/dockerfile:1") and password not in shown
    assert dockerfile.read_text() == shown and not workflow.exists()
    assert "wrote" in wrote and "ar-wizard undo" in wrote
    assert "already holds" in again

    undo()  # the write was a transaction of its own: undo takes the file away again
    assert not dockerfile.exists()


def test_the_done_screen_refuses_to_replace_a_different_file(home, private_index, account):
    user, password = account
    workflow = home.project / ".github" / "workflows" / "private-index.yml"
    workflow.parent.mkdir(parents=True)
    workflow.write_text("name: ours\n")

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="netrc")
            await finish_from_validate(pilot)
            outcome = pilot.app.screen.query_one("#snippet-outcome")
            await press_button(pilot, "#write-snippet")
            await wait_until(pilot, lambda: str(outcome.render()), what="the write")
            return str(outcome.render())

    outcome = asyncio.run(flow())
    assert "already exists with other content" in outcome
    assert workflow.read_text() == "name: ours\n"
