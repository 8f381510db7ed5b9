"""The Registry screen lists the repositories the identity can reach, to pick from."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, OptionList

from ar_wizard.flow import Step
from ar_wizard.model import Draft
from ar_wizard.tui.app import WizardApp
from conftest import PACKAGE
from wizard_driver import at_step, finish_from_validate, next_step, start_to_registry, type_into, wait_until

pytestmark = pytest.mark.integration

SIZE = (110, 60)


def test_a_repository_picked_from_the_list_fills_the_fields_and_uv_add_works(
    home, private_index, monkeypatch, key_file, token_server, cloud_apis
):
    cloud_apis.repositories = {"acme-prod": {"us-central1": [("py", "PYTHON"), ("images", "DOCKER")],
                                             "europe-west1": [("py-eu", "PYTHON")]}}
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(key_file))  # ADC: what the list is minted from
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, api_endpoint=cloud_apis.url))
        async with app.run_test(size=SIZE) as pilot:
            await start_to_registry(pilot, "gcp")
            options = pilot.app.screen.query_one("#reachable-options", OptionList)
            await wait_until(pilot, lambda: options.option_count == 2, what="the list of repositories")
            await type_into(pilot, "#reachable-filter", "eu")
            await pilot.press("enter")
            await pilot.pause()
            picked = [pilot.app.screen.query_one(f"#field-{n}", Input).value for n in ("location", "project", "repository")]
            name = pilot.app.screen.query_one("#index-name", Input).value
            await type_into(pilot, "#field-url", private_index.simple_url)  # the fixture stands in for it
            await next_step(pilot)
            await at_step(pilot, Step.AUTH)
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            await pilot.click("#mint-key-file")
            await type_into(pilot, "#key-file", str(key_file))
            await pilot.click("#mint-button")
            await wait_until(pilot, lambda: "Minted a token" in str(pilot.app.screen.query_one("#minted").render()))
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-netrc")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await finish_from_validate(pilot)
        return picked, name

    picked, name = asyncio.run(flow())
    assert picked == ["europe-west1", "acme-prod", "py-eu"] and name == "py-eu"
    assert cloud_apis.seen_tokens
    assert home.uv("add", PACKAGE).returncode == 0


def test_without_credentials_to_list_with_typing_still_works_and_the_reason_is_shown_at_once(home, cloud_apis, monkeypatch):
    monkeypatch.delenv("GOOGLE_APPLICATION_CREDENTIALS", raising=False)  # and no gcloud, no ADC file

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, provider="gcp", api_endpoint=cloud_apis.url))
        async with app.run_test(size=SIZE) as pilot:
            await start_to_registry(pilot)
            status = pilot.app.screen.query_one("#reachable-status")
            await wait_until(pilot, lambda: "type the names below" in str(status.render()), what="the reason")
            await type_into(pilot, "#field-project", "acme-prod")
            return str(status.render()), pilot.app.screen.query_one("#field-project", Input).value

    reason, typed = asyncio.run(flow())
    assert "No Application Default Credentials on this machine" in reason and typed == "acme-prod"


def test_aws_lists_the_region_typed_and_a_pick_fills_domain_owner_and_repository(home, fake_aws, monkeypatch):
    from aws_fixtures import ACCOUNT

    monkeypatch.setenv("FAKE_AWS_REPOSITORIES", "py,py-upstream")

    async def flow():
        app = WizardApp(draft=Draft(project_dir=home.project, provider="aws"))
        async with app.run_test(size=SIZE) as pilot:
            await start_to_registry(pilot)
            status = pilot.app.screen.query_one("#reachable-status")
            await wait_until(pilot, lambda: "Give the region" in str(status.render()), what="the region prompt")
            await type_into(pilot, "#field-region", "eu-west-1")
            options = pilot.app.screen.query_one("#reachable-options", OptionList)
            await wait_until(pilot, lambda: options.option_count == 2, what="the list of repositories")
            options.focus()
            await pilot.press("end", "enter")
            await pilot.pause()
            return [pilot.app.screen.query_one(f"#field-{n}", Input).value
                    for n in ("domain", "domain_owner", "region", "repository")]

    assert asyncio.run(flow()) == ["acme", ACCOUNT, "eu-west-1", "py-upstream"]
