"""The project's own CI configuration is linted like the workflows ar-wizard writes for users."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from test_snippets import actionlint, linters  # noqa: F401 - linters is a fixture

WORKFLOWS = sorted((Path(__file__).resolve().parent.parent / ".github" / "workflows").glob("*.yml"))


@pytest.mark.integration
def test_actionlint_and_its_shellcheck_find_nothing_in_the_projects_own_workflows(linters):  # noqa: F811
    assert WORKFLOWS
    result = actionlint(linters, *WORKFLOWS)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ci_runs_on_linux_macos_and_windows_with_the_oldest_and_newest_python():
    ci = yaml.safe_load((WORKFLOWS[0].parent / "ci.yml").read_text())
    matrix = ci["jobs"]["tests"]["strategy"]["matrix"]
    assert {"ubuntu-latest", "macos-latest", "windows-latest"} <= set(matrix["os"])
    assert "3.10" in matrix["python"]
    steps = " ".join(step.get("run", "") for step in ci["jobs"]["tests"]["steps"])
    assert "pytest -m fast" in steps and "test_e2e_uvx.py" in steps


def test_the_projects_workflows_pin_the_actions_the_snippets_pin():
    # One version of each action across the project: bumped in snippets/pins.py, bumped here.
    from ar_wizard.snippets import pins

    text = "".join(w.read_text() for w in WORKFLOWS)
    for pin in (pins.CHECKOUT, pins.SETUP_UV):
        assert text.count(pin.split("@")[0]) == text.count(pin), pin
