"""The wizard driven with keys (Textual's Pilot) against the real private index."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import pytest
from textual.widgets import Input

from ar_wizard.apply import undo
from ar_wizard.flow import Step
from ar_wizard.tui.app import WizardApp
from conftest import PACKAGE
from wizard_driver import (
    answer_registry,
    answered,
    at_step,
    finish_from_validate,
    focused_id,
    next_step,
    open_at,
    reach_validate,
    shown_step,
    start_to_registry,
    type_into,
    wait_until,
    wizard,
)

SIZE = (110, 45)


def config_files(home) -> dict:
    """What a user would diff: every file but the wizard's own state and uv's caches."""
    return {p: b for p, b in home.files().items() if ".local/state/ar-wizard" not in str(p)}


@pytest.mark.parametrize("store", ["uv", "keyring", "env", "netrc"])
def test_a_complete_wizard_flow_writes_what_setup_writes_for_the_same_answers(
    request, store, private_index, account
):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    user, password = account
    targets = ("uv", "pip") if store in ("keyring", "netrc") else ("uv",)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store=store, targets=targets, publish=True, walk=True,
                                 keys=store == "uv")  # one walk types its name, username and secret key by key
            await finish_from_validate(pilot)
            await pilot.click("#check-button")
            await wait_until(pilot, lambda: "uv resolved" in str(pilot.app.screen.query_one("#proof").render()),
                             what="the uv check")
            await next_step(pilot)
        return app

    app = asyncio.run(flow())
    by_wizard = config_files(home)
    assert app.return_value == 0
    assert "uv add PACKAGE" in "\n".join(app.plan.next_steps)

    undo()
    cli = home.wizard(
        "setup", "--index", "acme", "--url", private_index.simple_url, "--username", user, "--password-stdin",
        "--store", store, "--targets", ",".join(targets), "--publish", "--yes", input=password,
    )
    assert cli.returncode == 0, cli.stderr
    assert config_files(home) == by_wizard


def test_back_keeps_what_was_typed(home, private_index):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url="http://127.0.0.1:9/simple/", name="acme", username="me",
                                 secret="tok-1", store="netrc", walk=True)
            for step in (Step.TARGETS, Step.CREDENTIALS, Step.AUTH, Step.REGISTRY):
                await pilot.press("ctrl+b")
                await at_step(pilot, step)
            screen = pilot.app.screen
            return screen.query_one("#field-url", Input).value, screen.query_one("#index-name", Input).value

    assert asyncio.run(flow()) == ("http://127.0.0.1:9/simple/", "acme")


def test_opening_at_targets_from_the_answers_leaves_the_wizard_as_walking_there_does(home):
    """The tests of later screens open at Targets from the answers (``open_at``): the same draft, the
    same screens on the stack holding the same values, as a walk that typed them."""
    answers = dict(url="https://pypi.acme.example/simple/", name="acme", username="me", secret="tok-1",
                   scope="user")

    async def flow(open_it):
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            if open_it:
                await open_at(pilot, Step.TARGETS, answered(home.project, **answers))
            else:
                await start_to_registry(pilot)
                await answer_registry(pilot, answers["url"], answers["name"], scope=answers["scope"])
                for step, field, value in ((Step.AUTH, "#username", answers["username"]),
                                           (Step.CREDENTIALS, "#secret", answers["secret"])):
                    await next_step(pilot)
                    await at_step(pilot, step)
                    await type_into(pilot, field, value)
                await next_step(pilot)
                await at_step(pilot, Step.TARGETS)
            app = wizard(pilot)
            draft, secret = replace(app.draft, secret=None), app.draft.secret
            stack = [getattr(screen, "STEP", None) for screen in app.screen_stack]
            shown: dict[str | None, str] = {}
            for step in (Step.CREDENTIALS, Step.AUTH, Step.REGISTRY):
                await pilot.press("ctrl+b")
                await at_step(pilot, step)
                shown |= {i.id: i.value for i in app.screen.query(Input)}
            return draft, secret.reveal() if secret else None, stack, shown

    walked, opened = asyncio.run(flow(False)), asyncio.run(flow(True))
    assert opened == walked
    assert walked[1] == "tok-1" and walked[3]["field-url"] == answers["url"]


def test_a_failing_validation_blocks_next_and_says_why(home, private_index, account):
    user, _ = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret="wrong", store="netrc")
            await wait_until(pilot, lambda: app.verdict is not None)
            await next_step(pilot)
            await pilot.pause()
            screen = app.screen
            why = [str(w.render()) for w in screen.query(".why-not")]
            return shown_step(app), str(screen.query_one("#verdict").render()), why

    before = config_files(home)
    step, verdict, why = asyncio.run(flow())
    assert step == Step.VALIDATE
    assert "rejected the credentials" in verdict
    assert any("did not accept the credentials" in w for w in why)
    assert config_files(home) == before


def test_back_cancels_a_validation_that_is_still_waiting(home):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts, never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/simple/"

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=url, name="acme", username="me", secret="tok", store="netrc")
            validate_screen = app.screen
            (worker,) = [w for w in app.workers if w.group == "validate"]
            await pilot.press("ctrl+b")
            await at_step(pilot, Step.TARGETS)
            await wait_until(pilot, lambda: worker.is_cancelled, what="the cancellation")
            return worker, validate_screen, app.verdict

    try:
        worker, screen, verdict = asyncio.run(flow())
    finally:
        listener.close()
    assert worker.is_cancelled and not screen.is_attached
    assert verdict is None


@pytest.mark.parametrize("confirm", [True, False])
def test_leaving_after_typing_asks_first_and_writes_nothing(home, confirm):
    before = config_files(home)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await next_step(pilot)
            await next_step(pilot)
            await at_step(pilot, Step.REGISTRY)
            await type_into(pilot, "#field-url", "https://h.example/simple/")
            await pilot.press("escape")
            await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmQuit")
            await pilot.press("y" if confirm else "escape")
            await pilot.pause()
            return app, getattr(pilot.app.screen, "STEP", None)

    app, step = asyncio.run(flow())
    if confirm:
        assert app.return_value == 0
    else:
        assert step == Step.REGISTRY
    assert config_files(home) == before


@pytest.mark.parametrize("steps_in", [0, 1])
def test_leaving_before_typing_anything_does_not_ask(home, steps_in):
    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            for _ in range(steps_in):
                await next_step(pilot)
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        return app

    assert asyncio.run(flow()).return_value == 0


def test_fields_say_why_they_are_wrong_as_they_are_typed(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await next_step(pilot)
            await next_step(pilot)
            await at_step(pilot, Step.REGISTRY)
            await type_into(pilot, "#field-url", "https://me:pw@h.example/simple/")
            await type_into(pilot, "#index-name", "bad name")
            await pilot.pause()
            reasons = [str(r.render()) for r in pilot.app.screen.query(".reason") if r.display]
            await next_step(pilot)
            await pilot.pause()
            return reasons, shown_step(pilot.app), focused_id(pilot.app)

    reasons, step, focused = asyncio.run(flow())
    assert any("contains credentials" in r for r in reasons)
    assert any("is not allowed" in r for r in reasons)
    assert step == Step.REGISTRY and focused == "field-url"


def test_the_gcp_path_mints_a_token_from_a_key_file_and_uv_resolves_with_it(
    home, private_index, monkeypatch, key_file, token_server
):
    key = key_file
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await start_to_registry(pilot, "gcp")
            await type_into(pilot, "#paste-url", "https://europe-west1-python.pkg.dev/acme-prod/py/simple/")
            await pilot.pause()
            parsed = [pilot.app.screen.query_one(f"#field-{n}", Input).value for n in ("location", "project", "repository")]
            await type_into(pilot, "#field-url", private_index.simple_url)  # a proxy in front of the registry
            await type_into(pilot, "#index-name", "gar")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            username = pilot.app.screen.query_one("#username", Input).value
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            await pilot.click("#mint-key-file")
            await type_into(pilot, "#key-file", str(key))
            await pilot.click("#mint-button")
            await wait_until(pilot, lambda: "Minted a token" in str(pilot.app.screen.query_one("#minted").render()))
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-netrc")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await finish_from_validate(pilot)
            await next_step(pilot)
        return app, parsed, username

    app, parsed, username = asyncio.run(flow())
    assert parsed == ["europe-west1", "acme-prod", "py"]
    assert username == "oauth2accesstoken"
    assert "login oauth2accesstoken" in (home.root / ".netrc").read_text()
    assert home.uv("add", PACKAGE).returncode == 0


def test_enter_on_the_start_screen_begins_a_new_setup(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await pilot.press("enter")
            await at_step(pilot, Step.PROVIDER)
            return shown_step(pilot.app)

    assert asyncio.run(flow()) == Step.PROVIDER
