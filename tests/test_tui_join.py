"""The teammate who joins: the project already names the index; they add only their own credentials."""

from __future__ import annotations

import asyncio
import secrets

import pytest
from textual.widgets import Input, RadioSet

from ar_wizard.flow import Step
from ar_wizard.tui.app import WizardApp
from conftest import PACKAGE
from wizard_driver import at_step, next_step, shown_plan, type_into, wait_until

SIZE = (110, 45)


def names_index(home, url: str, name: str = "acme") -> bytes:
    """The project as a teammate clones it: the index is in pyproject.toml, no secret anywhere."""
    text = (home.project / "pyproject.toml").read_text() + f'\n[[tool.uv.index]]\nname = "{name}"\nurl = "{url}"\n'
    (home.project / "pyproject.toml").write_text(text)
    return text.encode()


async def start_joining(pilot) -> str:
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.statuses is not None, what="the credentials look-up")
    await pilot.pause()
    shown = str(pilot.app.screen.query_one("#findings").render()) + str(pilot.app.screen.query_one("#choice").render())
    await pilot.press("enter")  # the first choice when an index lacks credentials here
    await at_step(pilot, Step.AUTH)
    return shown


@pytest.mark.integration
def test_joining_a_generic_index_stores_only_the_secret_and_uv_add_works(home, private_index, account):
    user, password = account
    pyproject = names_index(home, private_index.simple_url)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            start = await start_joining(pilot)
            steps = str(app.screen.query_one("#steps").render())
            await type_into(pilot, "#username", user)
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            await type_into(pilot, "#secret", password)
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-netrc")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
            plan = shown_plan(app)
            assert plan is not None
            files = [str(c.path) for c in plan.file_changes]
            await next_step(pilot)
            await at_step(pilot, Step.APPLY)
            await wait_until(pilot, lambda: app.result is not None, what="apply")
            await next_step(pilot)
            await at_step(pilot, Step.DONE)
        return app, start, steps, files

    app, start, steps, files = asyncio.run(flow())
    assert "no credentials on this machine" in start and "▸ Add my credentials for 'acme'  Enter or A" in start
    assert "step 2 of 8" in steps  # Start, Auth, Credentials, Targets, Validate, Preview, Apply, Done
    assert files == [str(home.root / ".netrc")]
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    added = home.uv("add", PACKAGE)
    assert added.returncode == 0, added.stderr


@pytest.mark.integration
def test_an_index_with_credentials_here_is_shown_with_where_they_are(home, private_index, account):
    user, password = account
    names_index(home, private_index.simple_url)
    (home.root / ".netrc").write_text(f"machine 127.0.0.1 login {user} password {password}\n")
    (home.root / ".netrc").chmod(0o600)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await wait_until(pilot, lambda: app.statuses is not None, what="the credentials look-up")
            await pilot.pause()
            return str(app.screen.query_one("#findings").render()), str(app.screen.query_one("#choice").render())

    findings, choices = asyncio.run(flow())
    assert "✓ credentials in ~/.netrc (machine 127.0.0.1)" in findings
    assert "Add my credentials" not in choices


def test_the_start_screen_draws_before_the_credentials_are_looked_up(home, private_index):
    names_index(home, private_index.simple_url)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            first = str(app.screen.query_one("#findings").render()), app.statuses
            await wait_until(pilot, lambda: app.statuses is not None, what="the credentials look-up")
            return first

    shown, statuses = asyncio.run(flow())
    assert "Looking at this machine" in shown and statuses is None


@pytest.fixture
def gar_host(private_index, tmp_path):
    """Artifact Registry's hostname answered by the private index, over TLS, through a proxy."""
    from registry_host import RegistryHost

    host = RegistryHost(private_index, tmp_path, "us-python.pkg.dev", "/acme-prod/py").start()
    yield host
    host.stop()


@pytest.mark.integration
def test_joining_a_gar_index_asks_google_s_way_and_uv_add_works_with_pyproject_byte_identical(
    home, private_index, gar_host, monkeypatch
):
    token = "ya29.a-token-from-gcloud-" + secrets.token_hex(4)
    private_index.set_password("oauth2accesstoken", token)
    pyproject = names_index(home, gar_host.simple_url, name="gar")
    for key, value in gar_host.env().items():
        monkeypatch.setenv(key, value)  # the wizard's live check goes the same way as uv

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await start_joining(pilot)
            joining = str(app.screen.query_one("#joining").render())
            username = app.screen.query_one("#username", Input).value
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            field = app.screen.query_one("#secret").parent
            assert field is not None
            label = str(field.query_one(".field-label").render())
            await type_into(pilot, "#secret", token)
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-netrc")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            assert app.verdict is not None
            assert app.verdict.ok, app.verdict.message
            await next_step(pilot)
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
            await next_step(pilot)
            await at_step(pilot, Step.APPLY)
            await wait_until(pilot, lambda: app.result is not None, what="apply")
        return app, joining, username, label

    app, joining, username, label = asyncio.run(flow())
    assert app.draft.provider == "gcp" and "Google Artifact Registry" in joining
    assert username == "oauth2accesstoken" and "Access token" in label
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert "machine us-python.pkg.dev login oauth2accesstoken" in (home.root / ".netrc").read_text()
    added = home.uv("add", PACKAGE, env=gar_host.env())
    assert added.returncode == 0, added.stderr


@pytest.mark.integration
def test_setup_without_url_joins_the_configured_index(home, private_index, account):
    user, password = account
    pyproject = names_index(home, private_index.simple_url)

    result = home.wizard("setup", "--index", "acme", "--username", user, "--password-stdin", "--store", "netrc",
                         "--yes", input=password + "\n")

    assert result.returncode == 0, result.stderr
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert home.uv("add", PACKAGE).returncode == 0


def test_setup_without_url_for_an_index_nobody_configured_names_the_flag(home):
    result = home.wizard("setup", "--index", "nowhere", "--username", "me", "--password-stdin", "--yes",
                         input="tok\n")
    assert result.returncode == 2
    assert "--url" in result.stderr


def test_joining_a_plugin_index_whose_plugin_cannot_answer_here_offers_the_plugin(home):
    text = (home.project / "pyproject.toml").read_text()
    (home.project / "pyproject.toml").write_text(
        text.replace("[tool.ruff]", '[tool.uv]\nkeyring-provider = "subprocess"\n\n[tool.ruff]')
        + '\n[[tool.uv.index]]\nname = "gar"\nurl = "https://oauth2accesstoken@us-python.pkg.dev/acme-prod/py/simple/"\n'
    )

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            start = await start_joining(pilot)
            pressed = app.screen.query_one("#auth", RadioSet).pressed_button
            assert pressed is not None
            method = pressed.id
            await wait_until(pilot, lambda: "Checking" not in str(app.screen.query_one("#keyring-findings").render()),
                             what="the plugin check")
            findings = str(app.screen.query_one("#keyring-findings").render())
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)  # a plugin mints the token: there is no secret to type
        return start, method, findings

    start, method, findings = asyncio.run(flow())
    assert "its keyring plugin cannot answer here" in start and "Add my credentials for 'gar'" in start
    assert method == "keyring"
    assert "✗" in findings and "uv tool install keyring --with keyrings.google-artifactregistry-auth" in findings
