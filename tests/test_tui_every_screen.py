"""Every screen of every path, as the user sees it: no markup shown as text, no broken sentence,
and at 80×24 as at 120×40 the primary action, the verdict and the field in error on screen
without scrolling.

The walks are the snapshot tests' (one per screen they picture) and the paths the pictures do
not show: AWS and Azure, a setup writing several files, the keyring, a doctor fix's preview.
"""

from __future__ import annotations

import asyncio

import pytest
from textual.widget import Widget

from ar_wizard.flow import Step
from ar_wizard.model import Draft
from ar_wizard.tui.app import WizardApp
from screen_text import screen_problems
from test_tui_snapshots import (  # noqa: F401 - the snapshot walks' fixtures, used by name
    JOIN_SCREENS,
    PASSWORD,
    SCREENS,
    SET_UP_SCREENS,
    USER,
    Index,
    fixed_index,
    joining,
    pinned,
    provider,
    set_up,
    start,
)
from wizard_driver import at_step, next_step, type_into, wait_until, walk_to_validate

SIZES = [(80, 24), (120, 40)]
AZURE_PAT = "azure-pat-" + "7" * 42  # as long as a real one

#: What a screen is for, when it shows it: each must be on screen as the walk leaves it.
VERDICTS = ("#verdict", "#outcome", "#summary", "#proof", "#doctor-summary", "#store-check", "#store-ready",
            "#plan-error", "#minted", "#start-error", ".reason.error", ".why-not")
#: Where the user is elsewhere on purpose, what they look at instead: the fix being previewed, not the
#: report's count; the field being typed, not the list of repositories above it.
SUPERSEDED = {"#doctor-summary": "#fix", "#reachable-status": "#index-name:focus"}
#: The action the screen asks for next, where it is a button rather than a footer key.
ACTIONS = ("#retry-button", "#back-button", "#apply-fix", "#mint-button", "#install-keyring")


async def env_store_done(pilot):
    """uv and twine with the secret in .env: four files, a [acme] .pypirc heading, an activation line."""
    await walk_to_validate(pilot, url=Index.url, name="acme", username=USER, secret=PASSWORD, store="env",
                           targets=("uv", "twine"), publish=True)
    await wait_until(pilot, lambda: pilot.app.verdict is not None, what="validation")
    await next_step(pilot)
    await at_step(pilot, Step.PREVIEW)
    await wait_until(pilot, lambda: pilot.app.screen._plan is not None, what="the plan")
    await pilot.pause()
    assert not screen_problems(pilot.app.screen), screen_problems(pilot.app.screen)
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: pilot.app.result is not None, what="apply")
    await next_step(pilot)
    await at_step(pilot, Step.DONE)
    await pilot.pause()


async def keyring_auth(pilot):
    await provider(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
    await type_into(pilot, "#index-name", "acme")
    await next_step(pilot)
    await at_step(pilot, Step.AUTH)
    pilot.app.screen.query_one("#auth").focus()
    await pilot.press("down")
    await pilot.pause()


async def aws_registry(pilot):
    await start(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    await pilot.click("#aws")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    options = pilot.app.screen.query_one("#reachable-options")
    await wait_until(pilot, lambda: options.option_count == 3, what="the repositories")
    await pilot.pause()


async def azure_registry(pilot):
    await start(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    await pilot.click("#azure")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-organization", "acme")
    await type_into(pilot, "#reachable-pat", AZURE_PAT)
    options = pilot.app.screen.query_one("#reachable-options")
    await wait_until(pilot, lambda: options.option_count == 2, what="the feeds")
    await pilot.pause()


async def unfinished_registry(pilot):
    """Next with a bad URL: the field in error is where the user is sent."""
    await provider(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", "ftp://pypi.acme.example/simple/")
    await pilot.press("ctrl+n")
    await pilot.pause()


async def doctor_fix(pilot):
    await start(pilot)
    home = pilot.app.draft.project_dir.parent.parent
    (home / ".netrc").write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    (home / ".netrc").chmod(0o644)  # readable by others: a finding with a fix
    await pilot.press("d")
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "report", None) is not None, what="the checks")
    await pilot.pause()
    buttons = list(pilot.app.screen.query("Button.fix"))
    assert buttons, "no finding with a fix"
    buttons[0].press()
    await wait_until(pilot, lambda: pilot.app.screen.query_one("#fix").display, what="the fix's preview")
    await pilot.pause()


FIRST_RUN = {**SCREENS, "env-store-done": env_store_done, "keyring-auth": keyring_auth,
             "unfinished-registry": unfinished_registry}
SECOND_RUN = {**SET_UP_SCREENS, "doctor-fix": doctor_fix}
CLOUD = {"aws-registry": aws_registry, "azure-registry": azure_registry}
WALKS = {**{f"first/{k}": v for k, v in FIRST_RUN.items()}, **{f"second/{k}": v for k, v in SECOND_RUN.items()},
         **{f"join/{k}": v for k, v in JOIN_SCREENS.items()}, **{f"cloud/{k}": v for k, v in CLOUD.items()}}


@pytest.fixture
def app_for(request, monkeypatch, tmp_path):
    def make(walk: str) -> WizardApp:
        kind = walk.split("/")[0]
        if kind == "second":
            return request.getfixturevalue("set_up")
        if kind == "join":
            return request.getfixturevalue("joining")
        app = request.getfixturevalue("pinned")
        if walk == "cloud/aws-registry":
            request.getfixturevalue("fake_aws")
            monkeypatch.setenv("FAKE_AWS_REPOSITORIES", "py,py-upstream,py-dev")
            monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")  # the region the AWS CLI would use
            monkeypatch.delenv("AWS_REGION", raising=False)
        if walk == "cloud/azure-registry":
            apis = request.getfixturevalue("cloud_apis")
            apis.feeds = {"acme": {"": ["shared"], "web": ["web-py"]}}
            apis.pat = AZURE_PAT
            return WizardApp(draft=Draft(project_dir=app.draft.project_dir, api_endpoint=apis.url))
        request.getfixturevalue("fixed_index")
        return app

    return make


def _on_screen(widget: Widget) -> bool:
    """Whether the widget's first lines are inside the part of the screen the user sees, unscrolled."""
    screen = widget.screen
    region = widget.region
    body = screen.query("#body")
    view = body.first().region if body and body.first() in widget.ancestors else screen.region
    rows = min(region.height, 3)
    return bool(rows) and view.y <= region.y and region.y + rows <= view.bottom and view.x <= region.x < view.right


def _shown(widget: Widget) -> bool:
    return widget.display and all(a.display for a in widget.ancestors if isinstance(a, Widget))


def _next_key_on_screen(screen) -> bool:
    """The footer's Next (Apply, Finish…) key is drawn inside the screen's width."""
    keys = [k for k in screen.query("FooterKey") if getattr(k, "action", "") == "next"]
    return not keys or all(screen.region.contains_region(k.region) for k in keys)


def _unseen(screen) -> list[str]:
    unseen = []
    for selector in VERDICTS + ACTIONS + ("#reachable-status", "#reachable-options"):
        instead = SUPERSEDED.get(selector)
        if instead and any(_shown(w) for w in screen.query(instead)):
            continue
        for widget in screen.query(selector):
            if _shown(widget) and not _on_screen(widget):
                unseen.append(f"{selector} at {widget.region} outside {screen.region}")
    if not _next_key_on_screen(screen):
        unseen.append("the footer's Next key")
    return unseen


@pytest.mark.parametrize("walk", WALKS)
def test_every_screen_shows_text_as_text_and_its_verdict_action_and_field_in_error_without_scrolling(walk, app_for):
    """One walk per path, looked at three ways: at 80×24 (where the walk was made, as a user on a small
    terminal makes it), then at 120×40, each for what must be on screen; then at 100×36 for its text."""

    async def flow():
        app = app_for(walk)
        async with app.run_test(size=SIZES[0]) as pilot:
            await WALKS[walk](pilot)
            await pilot.pause()
            unseen = [f"{SIZES[0][0]}x{SIZES[0][1]}: {u}" for u in _unseen(pilot.app.screen)]
            for width, height in SIZES[1:]:
                await pilot.resize_terminal(width, height)
                await pilot.pause()
                unseen += [f"{width}x{height}: {u}" for u in _unseen(pilot.app.screen)]
            await pilot.resize_terminal(100, 36)
            await pilot.pause()
            return unseen, screen_problems(pilot.app.screen)

    unseen, problems = asyncio.run(flow())
    assert not unseen, "\n".join(unseen)
    assert not problems, "\n".join(problems)
