"""Drives the wizard with keys, as a person would, for the Pilot and snapshot tests."""

from __future__ import annotations

import asyncio

from ar_wizard.flow import Step
from screen_text import screen_problems


async def wait_until(pilot, predicate, *, timeout: float = 30.0, what: str = "the wizard") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def at_step(pilot, step: Step) -> None:
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "STEP", None) == step and pilot.app.screen.is_mounted,
                     what=f"step {step.value}")
    await pilot.pause()


async def type_into(pilot, selector: str, text: str) -> None:
    widget = pilot.app.screen.query_one(selector)
    widget.focus()
    widget.value = ""
    await pilot.press(*text)


def reads_well(pilot) -> None:
    """The screen as it stands shows no markup as text and no broken sentence."""
    problems = screen_problems(pilot.app.screen)
    assert not problems, "\n".join(problems)


async def next_step(pilot) -> None:
    # Every walk checks each screen it leaves, in the state the user saw it.
    reads_well(pilot)
    await pilot.press("ctrl+n")


async def start_to_registry(pilot, provider: str | None = None) -> None:
    """Start → Provider (choosing ``provider``, else the draft's) → Registry."""
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.findings is not None, what="discovery")
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    if provider:
        await pilot.click(f"#{provider}")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)


async def answer_registry(pilot, url: str, name: str, *, scope: str = "project") -> None:
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", url)
    await type_into(pilot, "#index-name", name)
    if scope == "user":
        await pilot.click("#user")


async def walk_to_validate(pilot, *, url: str, name: str, username: str, secret: str,
                           store: str = "uv", targets=("uv",), publish: bool = False, scope: str = "project") -> None:
    """Start → … → Validate with these answers, using only keys and clicks."""
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.findings is not None, what="discovery")
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    await next_step(pilot)
    await answer_registry(pilot, url, name, scope=scope)
    await next_step(pilot)
    await at_step(pilot, Step.AUTH)
    await type_into(pilot, "#username", username)
    await next_step(pilot)
    await at_step(pilot, Step.CREDENTIALS)
    await type_into(pilot, "#secret", secret)
    await next_step(pilot)
    await at_step(pilot, Step.TARGETS)
    for tool in ("uv", "pip", "twine"):
        box = pilot.app.screen.query_one(f"#tool-{tool}")
        if box.value != (tool in targets):
            await pilot.click(f"#tool-{tool}")
    if publish:
        await pilot.click("#publish")
    await pilot.click(f"#store-{store}")
    await next_step(pilot)
    await at_step(pilot, Step.VALIDATE)


async def finish_from_validate(pilot) -> None:
    await wait_until(pilot, lambda: pilot.app.verdict is not None, what="validation")
    assert pilot.app.verdict.ok, pilot.app.verdict.message
    await next_step(pilot)
    await at_step(pilot, Step.PREVIEW)
    await wait_until(pilot, lambda: pilot.app.screen._plan is not None, what="the plan")
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: pilot.app.result is not None, what="apply")
    await next_step(pilot)
    await at_step(pilot, Step.DONE)
