"""The wizard in a Poetry project: it proposes Poetry, and writes what `setup` writes for the same answers."""

from __future__ import annotations

import asyncio

from ar_wizard.apply import undo
from ar_wizard.flow import Step
from ar_wizard.tui.app import WizardApp
from test_poetry_pdm import PROJECTS, TOOL_ENV, add_private_package
from wizard_driver import at_step, finish_from_validate, reach_validate, wait_until

SIZE = (110, 45)


def test_in_a_poetry_project_the_wizard_proposes_poetry_and_writes_what_setup_writes(home, private_index, account):
    home.env.update(TOOL_ENV)
    (home.project / "pyproject.toml").write_text(PROJECTS["poetry"])
    user, password = account

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            await reach_validate(pilot, url=private_index.simple_url, name="acme", username=user,
                                 secret=password, store="file", targets=("poetry",))
            await finish_from_validate(pilot)
            await at_step(pilot, Step.DONE)
            await wait_until(pilot, lambda: app.plan is not None, what="the plan")
        return app

    assert WizardApp(project_dir=home.project).draft.targets == ("poetry",)
    app = asyncio.run(flow())
    assert "poetry add PACKAGE" in "\n".join(app.plan.next_steps)
    by_wizard = {p: b for p, b in home.files().items() if ".local/state" not in p.as_posix()}
    pyproject = by_wizard[home.project / "pyproject.toml"].decode()
    assert "[[tool.poetry.source]]" in pyproject and "tool.uv" not in pyproject  # uv was not proposed
    assert add_private_package(home, "poetry").returncode == 0

    undo()
    (home.project / "pyproject.toml").write_text(PROJECTS["poetry"])
    (home.project / "poetry.lock").unlink()
    cli = home.wizard("setup", "--index", "acme", "--url", private_index.simple_url, "--username", user,
                      "--password-stdin", "--store", "file", "--yes", input=password)
    assert cli.returncode == 0, cli.stderr
    assert {p: b for p, b in home.files().items() if ".local/state" not in p.as_posix()} == by_wizard


def test_a_teammate_joins_a_pdm_project_from_the_start_screen_and_pdm_adds_the_package(home, private_index, account):
    from test_tui_join import start_joining
    from wizard_driver import next_step, shown_plan, type_into

    home.env.update(TOOL_ENV)
    user, password = account
    pyproject = (PROJECTS["pdm"] + f'\n[[tool.pdm.source]]\nname = "acme"\nurl = "{private_index.simple_url}"\n').encode()
    (home.project / "pyproject.toml").write_bytes(pyproject)

    async def flow():
        app = WizardApp(project_dir=home.project)
        async with app.run_test(size=SIZE) as pilot:
            start = await start_joining(pilot)
            await type_into(pilot, "#username", user)
            await next_step(pilot)
            await at_step(pilot, Step.CREDENTIALS)
            await type_into(pilot, "#secret", password)
            await next_step(pilot)
            await at_step(pilot, Step.TARGETS)
            await pilot.click("#store-file")
            await next_step(pilot)
            await at_step(pilot, Step.VALIDATE)
            await wait_until(pilot, lambda: app.verdict is not None, what="validation")
            await next_step(pilot)
            await at_step(pilot, Step.PREVIEW)
            await wait_until(pilot, lambda: shown_plan(app) is not None, what="the plan")
            await next_step(pilot)
            await at_step(pilot, Step.APPLY)
            await wait_until(pilot, lambda: app.result is not None, what="apply")
            return start, app.draft.targets

    start, targets = asyncio.run(flow())
    assert "no credentials on this machine" in start and "Add my credentials for 'acme'" in start
    assert targets == ("pdm",)
    assert (home.project / "pyproject.toml").read_bytes() == pyproject
    assert add_private_package(home, "pdm").returncode == 0
