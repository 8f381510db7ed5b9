"""The wizard's second and hundredth run: rotating a secret and the doctor, driven with keys."""

from __future__ import annotations

import asyncio
import secrets
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import pytest

from ar_wizard import expiry
from ar_wizard.flow import Step
from ar_wizard.model import Draft
from ar_wizard.tui.app import WizardApp
from ar_wizard.tui.doctor import DoctorScreen
from conftest import PACKAGE
from test_setup_real_tools import setup
from wizard_driver import at_step, finish_from_validate, type_into, wait_until

SIZE = (110, 45)


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector).render())


@pytest.mark.integration
def test_rotating_in_the_wizard_replaces_only_the_secret_and_uv_works_again(home, private_index, account):
    user, old = account
    assert setup(home, private_index, user, old, store="netrc").returncode == 0
    assert home.uv("add", PACKAGE).returncode == 0
    pyproject = (home.project / "pyproject.toml").read_bytes()
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await at_step(pilot, Step.START)
            await wait_until(pilot, lambda: app.findings is not None, what="discovery")
            await pilot.press("r")
            await wait_until(pilot, lambda: app.screen.__class__.__name__ == "PickIndex", what="the index list")
            await pilot.press("enter")
            await at_step(pilot, Step.CREDENTIALS)
            assert ".netrc (machine 127.0.0.1)" in text_of(app, "#rotating")
            await type_into(pilot, "#secret", new)
            await pilot.press("ctrl+n")
            await at_step(pilot, Step.VALIDATE)
            await finish_from_validate(pilot)
        return app

    app = asyncio.run(flow())

    assert app.draft.mode == "rotate"
    assert app.result.backup_id
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert home.uv("lock", "--refresh").returncode == 0


def test_the_start_screen_says_when_a_minted_token_expires_soon(home, private_index):
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "d"\nversion = "0"\n\n[[tool.uv.index]]\nname = "gar"\nurl = "{private_index.simple_url}"\n'
    )
    minted = SimpleNamespace(expires_at=datetime.now(timezone.utc) + timedelta(minutes=20, seconds=30),
                             identity="me@example.com", source="ADC")
    expiry.record(private_index.simple_url, Draft(index_name="gar", provider="gcp"), minted)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.findings is not None, what="discovery")
            await pilot.pause()
            return text_of(app, "#findings")

    shown = asyncio.run(flow())

    assert "The token for gar expires in 20 min — rotate now? Press R." in shown


def test_the_doctor_screen_previews_a_fix_masked_and_applies_it_with_a_backup(home, private_index):
    password = "pw-" + secrets.token_urlsafe(12)
    url = private_index.simple_url.replace("://", f"://someone:{password}@")
    (home.project / "pyproject.toml").write_text(
        f'[project]\nname = "d"\nversion = "0"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n'
    )

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await wait_until(pilot, lambda: app.findings is not None, what="discovery")
            await pilot.press("d")
            await wait_until(pilot, lambda: isinstance(app.screen, DoctorScreen) and app.screen.report is not None,
                             what="the checks")
            doctor = app.screen
            assert isinstance(doctor, DoctorScreen) and doctor.report is not None
            found = [c.id for c in doctor.report.findings]
            fix = next(n for n, c in enumerate(doctor._checks) if c.id == "credentials-in-url")
            await pilot.click(f"#fix-{fix}")
            await wait_until(pilot, lambda: doctor._plan is not None, what="the fix's plan")
            await pilot.pause()
            preview = app.export_screenshot()  # what the user sees, as a screenshot would keep it
            await pilot.click("#apply-fix")
            await wait_until(pilot, lambda: app.screen is doctor and doctor._plan is None and doctor.report is not None
                             and "credentials-in-url" not in [c.id for c in doctor.report.findings],
                             what="the fix and the checks after it")
            return found, preview

    found, preview = asyncio.run(flow())

    assert "credentials-in-url" in found
    assert password not in preview and "pyproject.toml" in preview and "****" in preview
    assert password not in (home.project / "pyproject.toml").read_text()
    assert home.wizard("undo", "--list").stdout.count("doctor fix") == 1
