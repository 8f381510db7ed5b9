"""Drives the wizard with keys, pastes and clicks, as a person would, for the Pilot and snapshot tests."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from ar_wizard.flow import Step, steps_for
from ar_wizard.model import Draft, Secret, fresh_draft
from ar_wizard.tui.app import WizardApp
from ar_wizard.tui.base import StepScreen
from ar_wizard.tui.screens.preview import PreviewScreen
from screen_text import screen_problems, unseen

if TYPE_CHECKING:
    from ar_wizard.model import Plan


def wizard(pilot: Pilot[int]) -> WizardApp:
    """The app under test as the WizardApp it is (a Pilot knows it only as an ``App``)."""
    app = pilot.app
    assert isinstance(app, WizardApp), f"{type(app).__name__} is not the wizard"
    return app


def shown_step(app: App[int]) -> Step | None:
    """The step the screen on top shows; None for a dialog or the Doctor screen."""
    screen = app.screen
    return screen.STEP if isinstance(screen, StepScreen) else None


def focused_id(app: App[int]) -> str | None:
    """The id of the focused widget; None when nothing is focused."""
    return app.focused.id if app.focused is not None else None


def shown_plan(app: App[int]) -> Plan | None:
    """The plan the Preview screen shows, once it is made; None before, or on another screen."""
    screen = app.screen
    return screen._plan if isinstance(screen, PreviewScreen) else None


async def wait_until(pilot: Pilot[int], predicate: Callable[[], object], *, timeout: float = 30.0,
                     what: str = "the wizard") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def at_step(pilot: Pilot[int], step: Step) -> None:
    await wait_until(pilot, lambda: shown_step(pilot.app) == step and pilot.app.screen.is_mounted,
                     what=f"step {step.value}")
    await pilot.pause()


async def type_into(pilot: Pilot[int], selector: str, text: str, *, keys: bool = False) -> None:
    """Empty the field and enter ``text`` into it: pasted, as a terminal delivers a paste
    (one bracketed-paste event), or with ``keys`` one key press per character.

    Pasting is what people do with URLs and tokens, and it costs one wait for the app to
    settle where typing costs one per character (Pilot waits about 0.1 s after each key)."""
    widget = pilot.app.screen.query_one(selector, Input)
    widget.focus()
    widget.value = ""
    if keys:
        await pilot.press(*text)
        return
    await pilot.pause()
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


def reads_well(pilot: Pilot[int]) -> None:
    """The screen as it stands shows no markup as text and no broken sentence."""
    problems = screen_problems(pilot.app.screen)
    assert not problems, "\n".join(problems)


async def next_step(pilot: Pilot[int]) -> None:
    # Every walk checks each screen it leaves, in the state the user saw it.
    reads_well(pilot)
    await pilot.press("ctrl+n")


async def start_to_registry(pilot: Pilot[int], provider: str | None = None) -> None:
    """Start → Provider (choosing ``provider``, else the draft's) → Registry."""
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: wizard(pilot).findings is not None, what="discovery")
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    if provider:
        await pilot.click(f"#{provider}")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)


async def answer_registry(pilot: Pilot[int], url: str, name: str, *, scope: str = "project") -> None:
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", url)
    await type_into(pilot, "#index-name", name)
    if scope == "user":
        await pilot.click("#user")


def answered(project_dir: Path, *, url: str, name: str, username: str = "", secret: str = "",
             scope: str = "project") -> Draft:
    """The draft a user leaves at Targets after answering a generic index's screens with these
    values: what Registry, Auth and Credentials save (test_tui_flows proves it equal to a walk's)."""
    draft = fresh_draft(project_dir)
    draft.fields = {"url": url}
    draft.index_name = name
    draft.scope = scope
    draft.username = username
    draft.secret = Secret(secret) if secret else None
    return draft


async def open_at(pilot: Pilot[int], step: Step, draft: Draft) -> None:
    """The wizard at ``step`` of ``draft``'s path, as Next pressed on each step before it leaves it:
    every screen on the way is on the stack, filled from the draft (so Back shows what was
    answered), but none was typed into. For the tests of a later screen: walking the screens
    before it is the flows' job (test_tui_flows walks each one by keys)."""
    app = wizard(pilot)
    assert step in steps_for(draft), f"{step.value} is not on the path of this draft"
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: app.findings is not None, what="discovery")
    app.draft = draft
    while app.step != step:
        app.advance("next")
    await at_step(pilot, step)


async def reach_validate(pilot: Pilot[int], *, url: str, name: str, username: str, secret: str, store: str = "uv",
                           targets: tuple[str, ...] = ("uv",), publish: bool = False, scope: str = "project",
                           walk: bool = False, keys: bool = False) -> None:
    """The Targets screen reached with these answers, its choices clicked, then Next to Validate.

    Targets is opened from the answers (``open_at``) unless ``walk``: then every step from Start is
    walked with keys, pastes and clicks (``keys``: the index name, username and secret typed a key
    at a time; the URL is pasted, as people enter URLs)."""
    if walk or keys:
        await _walk_to_targets(pilot, url=url, name=name, username=username, secret=secret, scope=scope, keys=keys)
    else:
        draft = answered(wizard(pilot).draft.project_dir, url=url, name=name, username=username, secret=secret,
                         scope=scope)
        await open_at(pilot, Step.TARGETS, draft)
    for tool in ("uv", "pip", "twine"):
        box = pilot.app.screen.query_one(f"#tool-{tool}", Checkbox)
        if box.value != (tool in targets):
            await pilot.click(f"#tool-{tool}")
    if publish:
        await pilot.click("#publish")
    await pilot.click(f"#store-{store}")
    await next_step(pilot)
    await at_step(pilot, Step.VALIDATE)


async def _walk_to_targets(pilot: Pilot[int], *, url: str, name: str, username: str, secret: str, scope: str,
                           keys: bool) -> None:
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: wizard(pilot).findings is not None, what="discovery")
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    await next_step(pilot)
    await answer_registry(pilot, url, name, scope=scope)
    if keys:
        await type_into(pilot, "#index-name", name, keys=True)
    await next_step(pilot)
    await at_step(pilot, Step.AUTH)
    await type_into(pilot, "#username", username, keys=keys)
    await next_step(pilot)
    await at_step(pilot, Step.CREDENTIALS)
    await type_into(pilot, "#secret", secret, keys=keys)
    await next_step(pilot)
    await at_step(pilot, Step.TARGETS)


async def finish_from_validate(pilot: Pilot[int]) -> None:
    app = wizard(pilot)
    await wait_until(pilot, lambda: app.verdict is not None, what="validation")
    assert app.verdict is not None
    assert app.verdict.ok, app.verdict.message
    await next_step(pilot)
    await at_step(pilot, Step.PREVIEW)
    await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: app.result is not None, what="apply")
    await next_step(pilot)
    await at_step(pilot, Step.DONE)


#: The terminals every screen is looked at in: a small one (where walks are made) and a large one.
SMALL, LARGE = (80, 24), (120, 40)


async def look_at_every_size(pilot: Pilot[int], then: tuple[int, int] = (100, 36)) -> list[str]:
    """What is wrong with the screen as the walk left it: what it is for (its verdict, its action, the
    field in error) drawn outside the part seen unscrolled at SMALL and at LARGE, then at ``then`` any
    markup shown as text or broken sentence. The terminal is left at ``then``."""
    await pilot.pause()
    problems = []
    for size in (SMALL, LARGE):
        if pilot.app.size != size:
            await pilot.resize_terminal(*size)
            await pilot.pause()
        problems += [f"{size[0]}x{size[1]}: {u}" for u in unseen(pilot.app.screen)]
    await pilot.resize_terminal(*then)
    await pilot.pause()
    return problems + screen_problems(pilot.app.screen)
