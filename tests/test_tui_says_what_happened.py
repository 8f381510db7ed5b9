"""The wizard says what happened, in the user's words: success only where it is true, what is
still to do, every choice made with the keys a person presses, and every field a URL determines."""

from __future__ import annotations

import asyncio

from textual.widgets import Button, Input, OptionList

from ar_wizard import cli
from ar_wizard.flow import Step
from ar_wizard.model import Draft
from ar_wizard.tui.app import WizardApp
from conftest import PACKAGE
from wizard_driver import at_step, next_step, reach_validate, shown_plan, type_into, wait_until, wizard

SIZE = (100, 36)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


async def started(pilot):
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.findings is not None, what="discovery")


async def to_registry(pilot, provider: str):
    await started(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)
    await pilot.click(f"#{provider}")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)


async def preview_to_done(pilot, *, untick: tuple[str, ...] = ()) -> None:
    await at_step(pilot, Step.PREVIEW)
    await wait_until(pilot, lambda: pilot.app.screen._plan is not None, what="the plan")
    for n, change in enumerate(pilot.app.screen._plan.file_changes):
        if change.path.name in untick:
            await pilot.click(f"#include-{n}")
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: pilot.app.result is not None, what="apply")
    await next_step(pilot)
    await at_step(pilot, Step.DONE)
    await pilot.pause()


# -- Done tells the truth, and the terminal keeps it ---------------------------------------


def test_leaving_pyproject_out_in_the_preview_is_not_called_set_up_and_uv_add_is_not_offered(
    home, private_index, account
):
    user, password = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="netrc", targets=("uv", "pip"))
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await preview_to_done(pilot, untick=("pyproject.toml",))
            return text_of(app, "#summary"), app.screen.query_one("#proof-row").display, app.summary()

    shown, proof_offered, summary = asyncio.run(flow())
    assert "is set up" not in shown and "acme is only partly set up" in shown
    assert "pyproject.toml was left out, so uv does not know acme yet" in shown
    assert "uv add" not in shown and "pip install PACKAGE" in shown
    assert not proof_offered  # a proof with uv, which does not know the index, would only mislead
    assert summary is not None and not summary.complete and "uv add PACKAGE" not in summary.next_steps


def test_skipping_a_refused_check_says_the_index_refused_and_offers_no_uv_proof_for_pip_alone(
    home, private_index, account
):
    user, _ = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret="wrong-token", store="file", targets=("pip", "twine"))
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await pilot.press("ctrl+s")
            await preview_to_done(pilot)
            return text_of(app, "#summary"), app.screen.query_one("#proof-row").display

    shown, proof_offered = asyncio.run(flow())
    assert "✓" not in shown and "acme is written, but the index refused the credentials" in shown
    assert "401" in shown and "Once the index accepts the secret:" in shown
    assert not proof_offered


def test_a_rotation_ends_in_rotated_not_set_up(home, private_index, account):
    user, password = account
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n'
    )
    (home.root / ".netrc").write_text(f"machine 127.0.0.1 login {user} password old-token\n")
    (home.root / ".netrc").chmod(0o600)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await wait_until(pilot, lambda: app.statuses is not None, what="the credentials look-up")
            await pilot.press("r")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "PickIndex")
            await pilot.press("enter")
            await at_step(pilot, Step.CREDENTIALS)
            await type_into(pilot, "#secret", password)
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await preview_to_done(pilot)
            return text_of(app, "#summary")

    shown = asyncio.run(flow())
    assert "The secret of acme is rotated" in shown and "set up" not in shown


def test_after_finish_the_terminal_keeps_the_summary_with_the_backup_and_the_next_steps(
    home, private_index, account, monkeypatch, capsys
):
    """`ar-wizard` itself: the wizard runs, Finish closes the full-screen display, and the summary stays."""
    user, password = account

    async def walk(app):
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="env")
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await preview_to_done(pilot)
            await next_step(pilot)  # Finish
        return app.return_code or 0

    monkeypatch.setattr(WizardApp, "run", lambda app: asyncio.run(walk(app)))
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    monkeypatch.chdir(home.project)
    code = cli.run([])

    printed = capsys.readouterr().out
    assert code == 0
    lines = printed.splitlines()
    assert lines[0].startswith("✓ acme is set up: wrote ")
    backup = next(line for line in lines if line.startswith("Backup "))
    assert "`ar-wizard undo " in backup
    steps = lines[lines.index("Next, in your shell:") + 1:]
    assert steps[0].strip().startswith("set -a; . ./.env; set +a") and any("uv add PACKAGE" in s for s in steps)
    assert password not in printed


def test_a_change_rolled_back_before_the_wizard_began_is_said_on_the_start_screen(home):
    async def flow():
        app = WizardApp(project_dir=home.project, recovered="An interrupted change (setup acme) was rolled back.")
        async with app.run_test(size=SIZE) as pilot:
            await started(pilot)
            await pilot.pause()
            return text_of(app, "#findings")

    assert "⚠ An interrupted change (setup acme) was rolled back." in asyncio.run(flow())


# -- keys ---------------------------------------------------------------------------------


def test_on_the_provider_screen_the_highlight_is_the_choice_and_enter_moves_on(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await started(pilot)
            await next_step(pilot)
            await at_step(pilot, Step.PROVIDER)
            pilot.app.screen.query_one("#provider").focus()
            await pilot.press("down")
            await next_step(pilot)  # Ctrl+N after moving: goes on with what is highlighted
            await at_step(pilot, Step.REGISTRY)
            after_next = wizard(pilot).draft.provider
            await pilot.press("ctrl+b")
            await at_step(pilot, Step.PROVIDER)
            pilot.app.screen.query_one("#provider").focus()
            await pilot.press("down", "enter")  # Enter picks and moves on
            await at_step(pilot, Step.REGISTRY)
            return after_next, wizard(pilot).draft.provider

    assert asyncio.run(flow()) == ("gcp", "aws")


def test_a_second_ctrl_c_in_the_quit_dialog_quits(home):
    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await to_registry(pilot, "generic")
            await type_into(pilot, "#field-url", "https://h.example/simple/")
            await pilot.press("ctrl+c")
            await wait_until(pilot, lambda: type(app.screen).__name__ == "ConfirmQuit")
            await pilot.press("ctrl+c")
            await wait_until(pilot, lambda: app.return_code is not None, what="the wizard to close")
        return app.return_code

    assert asyncio.run(flow()) == 0


def test_tab_in_the_preview_and_done_goes_from_control_to_control_not_through_headings(home, private_index, account):
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
            in_preview = []
            for _ in range(4):
                await pilot.press("tab")
                in_preview.append(type(app.focused).__name__)
            await preview_to_done(pilot)
            in_done = []
            for _ in range(5):
                await pilot.press("tab")
                in_done.append(type(app.focused).__name__)
            return in_preview, in_done

    in_preview, in_done = asyncio.run(flow())
    assert set(in_preview) == {"Tick"}
    assert set(in_done) == {"Input", "Button", "RadioSet"}  # the package, Check now, the snippet's kind and buttons


# -- fields: a pasted URL fills what it determines -------------------------------------------


def test_a_pasted_url_fills_every_field_and_the_index_name_for_each_cloud(home):
    urls = {
        "gcp": ("https://europe-west1-python.pkg.dev/acme-prod/py-internal/simple/", "py-internal"),
        "aws": ("https://acme-123456789012.d.codeartifact.eu-west-1.amazonaws.com/pypi/py-shared/simple/",
                "py-shared"),
        "azure": ("https://pkgs.dev.azure.com/acme/web/_packaging/web-py/pypi/simple/", "web-py"),
    }

    async def flow(provider):
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, provider)
            await type_into(pilot, "#paste-url", urls[provider][0])
            await pilot.pause()
            name = pilot.app.screen.query_one("#index-name", Input).value
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)  # every field it determines is filled: nothing blocks Next
            return name

    for provider, (_, expected) in urls.items():
        assert asyncio.run(flow(provider)) == expected, provider


def test_a_typed_index_name_is_kept_when_a_url_is_pasted_after_it(home):
    async def flow():
        async with WizardApp(project_dir=home.project).run_test(size=SIZE) as pilot:
            await to_registry(pilot, "gcp")
            await type_into(pilot, "#index-name", "mine")
            await type_into(pilot, "#paste-url", "https://europe-west1-python.pkg.dev/acme-prod/py/simple/")
            await pilot.pause()
            return pilot.app.screen.query_one("#index-name", Input).value

    assert asyncio.run(flow()) == "mine"


# -- the Registry screen's list -----------------------------------------------------------------


def test_aws_lists_the_region_the_aws_cli_would_use_as_tall_as_the_screen_allows(home, fake_aws, monkeypatch):
    monkeypatch.setenv("FAKE_AWS_REPOSITORIES", "py,py-upstream,py-dev,py-ml,py-web")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.delenv("AWS_REGION", raising=False)

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, provider="aws"))
        async with app.run_test(size=(120, 40)) as pilot:
            await to_registry(pilot, "aws")
            options = app.screen.query_one("#reachable-options", OptionList)
            await wait_until(pilot, lambda: options.option_count == 5, what="the repositories")
            await pilot.pause()
            return app.screen.query_one("#field-region", Input).value, options.scrollable_content_region.height

    region, rows = asyncio.run(flow())
    assert region == "eu-west-1"
    assert rows >= 5  # every repository on screen at once, not one row to scroll through


def test_an_aws_listing_error_without_its_cause_is_one_clean_sentence(home, monkeypatch, tmp_path):
    # The AWS CLI's own words when a service error comes without a message (a proxy's bare 400).
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    aws = bin_dir / "aws"
    aws.write_text("#!/bin/sh\necho 'An error occurred (400) when calling the ListDomains operation: ' >&2\nexit 254\n")
    aws.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{home.env['PATH']}")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, provider="aws"))
        async with app.run_test(size=SIZE) as pilot:
            await to_registry(pilot, "aws")
            status = app.screen.query_one("#reachable-status")
            await wait_until(pilot, lambda: "below" in str(status.render()), what="the reason")
            return str(status.render())

    reason = asyncio.run(flow())
    assert reason == ("`aws codeartifact list-domains` failed: An error occurred (400) when calling the "
                      "ListDomains operation. Type the names below."), reason


def test_azure_lists_the_feeds_a_pasted_pat_can_read_and_keeps_it_as_the_secret(home, cloud_apis):
    pat = "azure-pat-" + "7" * 42
    cloud_apis.pat = pat
    cloud_apis.feeds = {"acme": {"": ["shared"], "web": ["web-py"]}}

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, api_endpoint=cloud_apis.url))
        async with app.run_test(size=SIZE) as pilot:
            await to_registry(pilot, "azure")
            status = app.screen.query_one("#reachable-status")
            asked = str(status.render())
            await type_into(pilot, "#field-organization", "acme")
            await type_into(pilot, "#reachable-pat", pat)
            options = app.screen.query_one("#reachable-options", OptionList)
            await wait_until(pilot, lambda: options.option_count == 2, what="the feeds")
            options.focus()
            await pilot.press("end", "enter")
            await pilot.pause()
            fields = [app.screen.query_one(f"#field-{n}", Input).value for n in ("organization", "project", "feed")]
            name = app.screen.query_one("#index-name", Input).value
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            return asked, fields, name, app.draft.secret

    asked, fields, name, secret = asyncio.run(flow())
    assert "Type the organization below" in asked
    assert fields == ["acme", "web", "web-py"] and name == "web-py"
    assert secret is not None and secret.reveal() == pat


# -- doctor ---------------------------------------------------------------------------------------


def test_doctor_scrolls_with_page_down_and_end_and_opens_a_fix_under_its_finding(home, private_index, account):
    user, password = account
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "demo"\nversion = "0.1.0"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n'
    )
    (home.root / ".netrc").write_text(f"machine 127.0.0.1 login {user} password {password}\n")
    (home.root / ".netrc").chmod(0o644)  # readable by others: a finding with a fix

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=(80, 24)) as pilot:
            await started(pilot)
            await pilot.press("d")
            await wait_until(pilot, lambda: getattr(app.screen, "report", None) is not None, what="the checks")
            await pilot.pause()
            body = app.screen.query_one("#body")
            await pilot.press("end")
            await pilot.pause()
            at_end, bottom = body.scroll_y, body.max_scroll_y
            await pilot.press("home")
            await pilot.pause()
            await pilot.press("pagedown")
            await pilot.pause()
            paged = body.scroll_y
            button = app.screen.query("Button.fix").first(Button)
            button.press()
            await wait_until(pilot, lambda: app.screen.query_one("#fix").display, what="the fix's preview")
            children = list(app.screen.query_one("#checks").children)
            return at_end, bottom, paged, children.index(app.screen.query_one("#fix")) - children.index(button)

    at_end, bottom, paged, after_its_button = asyncio.run(flow())
    assert bottom > 0 and at_end == bottom and paged > 0
    assert after_its_button == 1


def test_uv_resolves_after_a_setup_whose_done_said_set_up(home, private_index, account):
    """The other side of the truth: where Done says set up, `uv add` works."""
    user, password = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="netrc")
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await preview_to_done(pilot)
            return text_of(app, "#summary")

    assert "✓ acme is set up" in asyncio.run(flow())
    assert home.uv("add", PACKAGE).returncode == 0
