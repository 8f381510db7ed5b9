"""The wizard never strands its user: Next says why, a failed Apply has a way back,
the store is checked where it is chosen, and the words fit the screen and the registry."""

from __future__ import annotations

import asyncio

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Checkbox, Input, RadioSet

from ar_wizard.flow import Step
from ar_wizard.tui.app import WizardApp
from ar_wizard.tui.base import StepScreen
from conftest import PACKAGE
from wizard_driver import (
    answered,
    at_step,
    finish_from_validate,
    focused_id,
    next_step,
    open_at,
    reach_validate,
    shown_plan,
    shown_step,
    type_into,
    wait_until,
    wizard,
)

SIZE = (110, 45)


def text_of(app: App[int], selector: str) -> str:
    return str(app.screen.query_one(selector).render())


def reasons(app: App[int]) -> list[str]:
    return [str(r.render()) for r in app.screen.query(".reason, .why-not") if r.display]


def beside(app: App[int], selector: str, part: str) -> str:
    """What ``part`` (``.field-help``, ``.field-label``) says in the field around ``selector``."""
    field = app.screen.query_one(selector).parent
    assert field is not None, f"{selector} is in no field"
    return str(field.query_one(part).render())


def pressed_id(app: App[int], selector: str) -> str | None:
    """The id of the choice pressed in the radio set ``selector``."""
    button = app.screen.query_one(selector, RadioSet).pressed_button
    return button.id if button is not None else None


async def started(pilot: Pilot[int]) -> None:
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: wizard(pilot).findings is not None, what="discovery")


async def to_registry(pilot: Pilot[int], provider: str = "generic") -> None:
    await started(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    if provider != "generic":
        await pilot.click(f"#{provider}")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)


# -- Next on an unfinished screen ------------------------------------------------------


def test_next_with_an_empty_index_name_focuses_it_and_says_why_beside_it(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
            await next_step(pilot)
            await pilot.pause()
            focused = pilot.app.focused
            assert focused is not None and focused.parent is not None
            return shown_step(pilot.app), focused.id, str(focused.parent.query_one(".reason").render())

    step, focused, why = asyncio.run(flow())
    assert step == Step.REGISTRY and focused == "index-name"
    assert "The index name is empty" in why


def test_next_with_an_empty_username_focuses_it_and_says_why(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
            await type_into(pilot, "#index-name", "acme")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            await next_step(pilot)
            await pilot.pause()
            return shown_step(pilot.app), focused_id(pilot.app), reasons(pilot.app)

    step, focused, why = asyncio.run(flow())
    assert step == Step.AUTH and focused == "username"
    assert any("The username is empty" in w for w in why)


def test_next_with_an_empty_secret_focuses_it_and_says_why(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
            await type_into(pilot, "#index-name", "acme")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            await type_into(pilot, "#username", "me")
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            pilot.app.set_focus(None)
            await next_step(pilot)
            await pilot.pause()
            return shown_step(pilot.app), focused_id(pilot.app), reasons(pilot.app)

    step, focused, why = asyncio.run(flow())
    assert step == Step.CREDENTIALS and focused == "secret"
    assert any("The secret is empty" in w for w in why)


def test_next_with_no_tool_ticked_says_why_on_the_targets_screen(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await at_targets(pilot)
            await pilot.click("#tool-uv")  # unticks the only tool
            await next_step(pilot)
            await pilot.pause()
            return shown_step(pilot.app), focused_id(pilot.app), reasons(pilot.app)

    step, focused, why = asyncio.run(flow())
    assert step == Step.TARGETS and focused == "tool-uv"
    assert any("Choose at least one tool" in w for w in why)


async def at_targets(pilot, *, url="https://pypi.acme.example/simple/"):
    """Targets, opened from the answers to the screens before it (the flows walk those)."""
    await open_at(pilot, Step.TARGETS, answered(wizard(pilot).draft.project_dir, url=url, name="acme", username="me",
                                                secret="tok-1"))


def test_placeholders_read_as_examples(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "aws")
            return [i.placeholder for i in pilot.app.screen.query(Input)]

    placeholders = asyncio.run(flow())
    assert "e.g. acme" in placeholders
    assert all(p.startswith(("e.g.", "(")) for p in placeholders), placeholders


# -- focus where the first choice is, and a paste that lands somewhere ------------------


def test_auth_starts_on_the_method_and_arrows_and_enter_choose_it(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
            await type_into(pilot, "#index-name", "acme")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            first = focused_id(pilot.app)
            await pilot.press("down", "enter")
            await pilot.pause()
            return first, pressed_id(pilot.app, "#auth"), shown_step(pilot.app)

    first, chosen, step = asyncio.run(flow())
    assert first == "auth"
    assert chosen == "keyring" and step == Step.AUTH


def test_rotate_credentials_start_in_the_secret_field_and_a_stray_paste_lands_there(home, private_index, account):
    user, password = account
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n'
    )
    (home.root / ".netrc").write_text(f"machine 127.0.0.1 login {user} password {password}\n")
    (home.root / ".netrc").chmod(0o600)

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.press("r")
            await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "PickIndex")
            await pilot.press("enter")
            await at_step(pilot, Step.CREDENTIALS)
            await pilot.pause()
            first = focused_id(pilot.app)
            pilot.app.set_focus(None)
            pilot.app.post_message(events.Paste("pasted-token\n"))
            await pilot.pause()
            return first, pilot.app.screen.query_one("#secret", Input).value, focused_id(pilot.app)

    first, value, focused = asyncio.run(flow())
    assert first == "secret"
    assert value == "pasted-token" and focused == "secret"


def test_lists_and_choices_work_with_arrows_space_and_enter(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await started(pilot)
            await next_step(pilot)
            await at_step(pilot, Step.PROVIDER)
            pilot.app.screen.query_one("#provider").focus()
            await pilot.press("down", "space")
            provider = pressed_id(pilot.app, "#provider")
            await walk_back_to_targets(pilot)
            box = pilot.app.screen.query_one("#tool-pip", Checkbox)
            box.focus()
            await pilot.press("space")
            ticked = box.value
            await pilot.press("enter")
            return provider, ticked, box.value

    provider, ticked, unticked = asyncio.run(flow())
    assert provider == "gcp"
    assert ticked is True and unticked is False


async def walk_back_to_targets(pilot):
    pilot.app.screen.query_one("#generic").value = True
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", "https://pypi.acme.example/simple/")
    await type_into(pilot, "#index-name", "acme")
    await next_step(pilot)
    await at_step(pilot, Step.AUTH)
    await type_into(pilot, "#username", "me")
    await next_step(pilot)
    await at_step(pilot, Step.CREDENTIALS)
    await type_into(pilot, "#secret", "tok-1")
    await next_step(pilot)
    await at_step(pilot, Step.TARGETS)


# -- leaving ---------------------------------------------------------------------------


def test_ctrl_c_asks_like_escape_and_the_dialog_keeps_the_step_visible(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "https://h.example/simple/")
            await pilot.press("ctrl+c")
            await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmQuit")
            dialog = pilot.app.screen
            see_through = dialog.styles.background.a < 1
            await pilot.press("escape")
            await pilot.pause()
            return see_through, shown_step(pilot.app)

    see_through, step = asyncio.run(flow())
    assert see_through
    assert step == Step.REGISTRY


# -- words for the screen and the registry ------------------------------------------------


def test_a_bad_url_is_explained_without_naming_a_command_line_flag(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot)
            await type_into(pilot, "#field-url", "ftp://h.example/simple/")
            await pilot.pause()
            return reasons(pilot.app)

    why = asyncio.run(flow())
    assert any("is not an http(s) URL" in w for w in why)
    assert not any("--" in w for w in why)


@pytest.mark.parametrize("provider, absent, present", [
    ("aws", "gcloud", "aws codeartifact get-repository-endpoint"),
    ("azure", "gcloud", "Connect to feed"),
    ("gcp", "print-settings", "Cloud Console"),  # gcloud is not on this PATH
])
def test_the_registry_screen_helps_in_the_providers_own_words(home, monkeypatch, tmp_path, provider, absent, present):
    monkeypatch.setenv("PATH", str(tmp_path))  # no gcloud here

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, provider)
            return beside(pilot.app, "#paste-url", ".field-help")

    help_text = asyncio.run(flow())
    assert absent not in help_text and present in help_text


def test_azure_asks_for_a_personal_access_token_with_its_packaging_scope(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "azure")
            await type_into(pilot, "#field-organization", "acme")
            await type_into(pilot, "#field-feed", "py")
            await type_into(pilot, "#index-name", "azure")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            username_help = beside(pilot.app, "#username", ".field-help")
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            return username_help, beside(pilot.app, "#secret", ".field-label"), beside(pilot.app, "#secret", ".field-help")

    username_help, label, help_text = asyncio.run(flow())
    assert "JFrog" not in username_help and "personal access token" in username_help
    assert "Personal access token" in label
    assert "Packaging (Read)" in help_text and "Read & write" in help_text


# -- the store, checked where it is chosen ------------------------------------------------


def test_a_keyring_missing_from_path_is_said_on_targets_with_an_install_button(home, monkeypatch, tmp_path):
    import os
    import shutil

    bare = tmp_path / "bin"
    bare.mkdir()
    uv = shutil.which("uv")
    assert uv is not None, "the tests run under `uv run`, so uv is on PATH"
    os.symlink(uv, bare / "uv")
    monkeypatch.setenv("PATH", str(bare))  # the user's PATH: uv, and no keyring

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await at_targets(pilot)
            await pilot.click("#store-keyring")
            await wait_until(pilot, lambda: "Checking" not in text_of(pilot.app, "#store-ready"), what="the check")
            ready = text_of(pilot.app, "#store-ready")
            button = pilot.app.screen.query_one("#install-keyring", Button)
            await next_step(pilot)
            await pilot.pause()
            return ready, button.display, str(button.label), shown_step(pilot.app), focused_id(pilot.app)

    ready, shown, label, step, focused = asyncio.run(flow())
    assert "keyring is not on your PATH" in ready and "--store" not in ready
    assert shown and "Install keyring" in label
    assert step == Step.TARGETS and focused == "store"


def test_a_keyring_without_a_backend_is_said_on_targets(keyring_home, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

    async def flow():
        async with WizardApp(project_dir=keyring_home.project).run_test(size=SIZE) as pilot:
            await at_targets(pilot)
            await pilot.click("#store-keyring")
            await wait_until(pilot, lambda: "Checking" not in text_of(pilot.app, "#store-ready"), what="the check")
            ready = text_of(pilot.app, "#store-ready")
            await pilot.click("#store-netrc")
            await wait_until(pilot, lambda: "Checking" not in text_of(pilot.app, "#store-ready"), what="the check")
            screen = pilot.app.screen
            assert isinstance(screen, StepScreen)
            return ready, screen.problem()

    ready, problem_after = asyncio.run(flow())
    assert "no working backend" in ready
    assert problem_after is None


# -- the live check can be skipped ---------------------------------------------------------


def test_skip_the_live_check_says_what_it_risks_and_goes_on_to_the_preview(home):
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()  # accepts, never answers: a registry behind a VPN that is down
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/simple/"

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=url, name="acme", username="me", secret="tok", store="netrc")
            risk = text_of(pilot.app, "#skip-risk")
            await pilot.click("#skip-button")
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(pilot.app) is not None, what="the plan")
            plan = shown_plan(pilot.app)
            assert plan is not None
            return risk, [str(p) for p, _ in plan.diffs()]

    try:
        risk, files = asyncio.run(flow())
    finally:
        listener.close()
    assert "401 or 404" in risk and "undo" in risk
    assert any(f.endswith(".netrc") for f in files)


# -- Apply fails, and the way back ------------------------------------------------------


def test_a_failed_apply_goes_back_to_the_preview_and_another_store_succeeds(
    keyring_home, private_index, account, monkeypatch
):
    home = keyring_home
    user, password = account
    before = (home.project / "pyproject.toml").read_bytes()

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="keyring")
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            assert app.verdict is not None
            await pilot.press("ctrl+n" if app.verdict.ok else "ctrl+s")  # this test is about the write
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
            # The keyring loses its backend between the Preview and the write.
            monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
            await next_step(pilot)
            await at_step(pilot, Step.APPLY)
            await wait_until(pilot, lambda: app.rolled_back, what="the failure")
            await pilot.pause()
            failed = text_of(app, "#outcome")
            keys = (app.screen.check_action("back", ()), app.screen.check_action("next", ()))
            unchanged = (home.project / "pyproject.toml").read_bytes() == before
            await pilot.click("#back-button")
            await at_step(pilot, Step.PREVIEW)
            # Planned again, the keyring is refused before anything is written, naming the stores that work.
            await wait_until(pilot, lambda: "no working backend" in text_of(app, "#plan-error"), what="the refusal")
            monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
            await pilot.press("ctrl+b")
            await at_step(pilot, Step.VALIDATE)
            await pilot.press("ctrl+b")
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-netrc")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await finish_from_validate(pilot)
        return app, failed, keys, unchanged

    app, failed, keys, unchanged = asyncio.run(flow())
    assert "put back" in failed and unchanged
    assert keys == (True, False)  # Back to Preview is offered; Next is not
    assert app.result is not None and app.draft.store == "netrc"
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr


# -- Done ----------------------------------------------------------------------------------


def test_done_opens_at_the_top_with_the_outcome_and_the_env_activation_line_first(home, private_index, account):
    user, password = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="env")
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
            await next_step(pilot)
            await at_step(pilot, Step.APPLY)
            await wait_until(pilot, lambda: app.result is not None, what="apply")
            await pilot.resize_terminal(80, 24)  # the smallest common terminal
            await next_step(pilot)
            await at_step(pilot, Step.DONE)
            await pilot.pause(0.2)
            summary = app.screen.query_one("#summary")
            body = app.screen.query_one("#body")
            keys = {action: app.screen.check_action(action, ()) for action in ("back", "next", "check")}
            return str(summary.render()), body.scroll_y, summary.region.bottom <= body.region.bottom, keys

    summary, scrolled, visible, keys = asyncio.run(flow())
    assert scrolled == 0 and visible
    assert keys == {"back": False, "next": True, "check": True}  # Done shows only the keys that work
    lines = summary.splitlines()
    assert "acme is set up" in lines[0]
    assert any(line.startswith("Backup ") for line in lines[:3])
    steps = lines[lines.index(next(line for line in lines if line.startswith("Next"))) + 1:]
    assert steps[0].strip().startswith("set -a; . ./.env; set +a")


# -- Preview: jump between files -----------------------------------------------------------


def test_the_preview_jumps_from_file_to_file(home, private_index, account):
    user, password = account

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=(100, 30)) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="netrc", targets=("uv", "pip"))
            await wait_until(pilot, lambda: wizard(pilot).verdict is not None, what="validation")
            await next_step(pilot)
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(pilot.app) is not None, what="the plan")
            await pilot.pause()
            seen = []
            for key in ("right_square_bracket",) * 3 + ("left_square_bracket",):
                await pilot.press(key)
                await pilot.pause()
                seen.append(focused_id(pilot.app))
            return seen

    assert asyncio.run(flow()) == ["include-0", "include-1", "include-2", "include-1"]


def test_gcp_credentials_name_gcloud_only_where_it_is_installed(home, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no gcloud here

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "gcp")
            await type_into(pilot, "#paste-url", "https://europe-west1-python.pkg.dev/acme-prod/py/simple/")
            await type_into(pilot, "#index-name", "gar")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            screen = pilot.app.screen
            return (beside(pilot.app, "#secret", ".field-help"),
                    [b.id for b in screen.query("#mint-source RadioButton")])

    help_text, sources = asyncio.run(flow())
    assert "gcloud" not in help_text
    assert sources == ["mint-adc", "mint-key-file"]


def test_a_url_pasted_with_nothing_focused_fills_the_registry_fields(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "gcp")
            pilot.app.set_focus(None)
            pilot.app.post_message(events.Paste("https://europe-west1-python.pkg.dev/acme-prod/py/simple/"))
            await pilot.pause()
            return [pilot.app.screen.query_one(f"#field-{n}", Input).value for n in ("location", "project", "repository")]

    assert asyncio.run(flow()) == ["europe-west1", "acme-prod", "py"]


def test_a_user_login_given_as_a_key_file_is_explained_in_the_wizards_words(home, tmp_path):
    login = tmp_path / "adc.json"
    login.write_text('{"type": "authorized_user", "client_id": "x", "client_secret": "y", "refresh_token": "z"}')

    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "gcp")
            await type_into(pilot, "#paste-url", "https://europe-west1-python.pkg.dev/acme-prod/py/simple/")
            await type_into(pilot, "#index-name", "gar")
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            await pilot.click("#service-account-key")
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            await type_into(pilot, "#key-file", str(login))
            await pilot.pause()
            return reasons(pilot.app)

    why = asyncio.run(flow())
    assert any("not a service-account key" in w and "Auth screen" in w for w in why)
    assert not any("--" in w for w in why)


def test_a_broken_uv_on_path_is_said_on_the_start_screen_and_the_wizard_goes_on(home, monkeypatch, private_index):
    broken = home.root / "broken-bin"
    broken.mkdir()
    uv = broken / "uv"
    uv.write_text("#!/nonexistent/interpreter\n")  # on PATH and executable, but it cannot run
    uv.chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken}:{home.env['PATH']}")
    with (home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n')

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await wait_until(pilot, lambda: app.statuses is not None, what="the credentials look-up")
            said = [n.message for n in app._notifications]
            await next_step(pilot)
            await at_step(pilot, Step.PROVIDER)
            return said

    said = asyncio.run(flow())
    assert any("Could not run" in message and "uv" in message for message in said), said
