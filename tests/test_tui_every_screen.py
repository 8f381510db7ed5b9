"""Every screen of every path, as the user sees it: no markup shown as text, no broken sentence,
and at 80×24 as at 120×40 the primary action, the verdict and the field in error on screen
without scrolling.

The walks here are the paths the pictures do not show: AWS and Azure, a setup writing several
files, the keyring, a field in error, a doctor fix's preview, and the pictured screens a walk at
80×24 leaves scrolled. Every other pictured screen is looked at the same way in its snapshot test
(test_tui_snapshots.py), on the same walk.
"""

from __future__ import annotations

import asyncio

import pytest

from ar_wizard.flow import Step
from ar_wizard.model import Draft
from ar_wizard.tui.app import WizardApp
from screen_text import screen_problems
from test_tui_snapshots import (  # noqa: F401 - the snapshot walks' fixtures, used by name
    PASSWORD,
    SCREENS,
    SCROLLED_AT_SMALL,
    USER,
    Index,
    fixed_index,
    pinned,
    provider,
    set_up,
    start,
)
from wizard_driver import SMALL, at_step, look_at_every_size, next_step, reach_validate, type_into, wait_until

AZURE_PAT = "azure-pat-" + "7" * 42  # as long as a real one


async def env_store_done(pilot):
    """uv and twine with the secret in .env: four files, a [acme] .pypirc heading, an activation line."""
    await reach_validate(pilot, url=Index.url, name="acme", username=USER, secret=PASSWORD, store="env",
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


#: The paths no snapshot's walk looks at (test_tui_snapshots.py looks at the others' screens the same way).
WALKS = {**{f"first/{name}": SCREENS[name] for name in SCROLLED_AT_SMALL},
         "first/env-store-done": env_store_done, "first/keyring-auth": keyring_auth,
         "first/unfinished-registry": unfinished_registry, "second/doctor-fix": doctor_fix,
         "cloud/aws-registry": aws_registry, "cloud/azure-registry": azure_registry}


@pytest.fixture
def app_for(request, monkeypatch, tmp_path):
    def make(walk: str) -> WizardApp:
        if walk.startswith("second/"):
            return request.getfixturevalue("set_up")
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


@pytest.mark.parametrize("walk", WALKS)
def test_every_screen_shows_text_as_text_and_its_verdict_action_and_field_in_error_without_scrolling(walk, app_for):
    """One walk per path, made at 80×24 as a user on a small terminal makes it, then looked at as
    ``look_at_every_size`` does (wizard_driver.py)."""

    async def flow():
        app = app_for(walk)
        async with app.run_test(size=SMALL) as pilot:
            await WALKS[walk](pilot)
            return await look_at_every_size(pilot)

    problems = asyncio.run(flow())
    assert not problems, "\n".join(problems)
