"""A snapshot of every screen; the same SVGs are the README's screenshots.

Each walk is made at 80×24, as a user on a small terminal makes it, and the screen it reaches is
looked at there and at 120×40 for what must be on screen unscrolled, then photographed at 100×36
once its text is read for markup shown as text and broken sentences (``look_at_every_size``): one
walk per screen for both, where test_tui_every_screen.py looks at the paths no picture shows.
A picture of a step after Registry starts from the state it photographs: the wizard opened at
that step (or at Targets, for the steps after it) from the answers to the steps before
(``open_at``), then what that screen's picture needs typed or clicked; test_tui_flows walks every
step by keys and proves an opened wizard the same as a walked one.

Everything a screen shows is pinned so the pictures only change when the UI
does: the index's port as the pictures show it, a PATH holding only uv, the
backup ID, and the measured latency.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from ar_wizard import backups, validate
from ar_wizard.flow import Step
from ar_wizard.tui.app import WizardApp
from private_index import PrivateIndex
from wizard_driver import (
    SMALL,
    answered,
    at_step,
    look_at_every_size,
    next_step,
    open_at,
    reach_validate,
    type_into,
    wait_until,
)

SIZE = (100, 36)
#: The port the pictures show. The index listens on a free port, so that parallel workers and
#: other runs on the machine never collide; each picture is taken with that port spelled as this.
SHOWN_PORT = 47613
USER, PASSWORD = "deploy", "tok-snapshot-only"
SNAPSHOTS = Path(__file__).parent / "__snapshots__" / "test_tui_snapshots"
SCREENSHOTS = Path(__file__).parent.parent / "screenshots"


class Index:
    """Where this run's snapshot index listens (one per xdist worker process)."""

    url = ""


def _free_port_index(root: Path) -> PrivateIndex:
    """An index on a free port of as many digits as SHOWN_PORT, so the respelled picture keeps its layout."""
    for _ in range(20):
        index = PrivateIndex(root / "packages", root / "htpasswd").start()
        if len(str(urlsplit(index.base_url).port)) == len(str(SHOWN_PORT)):
            return index
        index.stop()
    raise RuntimeError(f"no free port with {len(str(SHOWN_PORT))} digits in 20 tries")


@pytest.fixture(scope="module")
def fixed_index(tmp_path_factory):
    index = _free_port_index(tmp_path_factory.mktemp("snapshot-index"))
    index.add_package("acme-secret", "1.0.0")
    index.set_password(USER, PASSWORD)
    Index.url = index.simple_url
    yield index
    index.stop()


@pytest.fixture
def port_shown_pinned(fixed_index, monkeypatch):
    """Take every picture with the index's port spelled as SHOWN_PORT.

    The text is respelled in the recorded segments, before the SVG is made: the SVG's
    ids hash that text, so editing the SVG afterwards would not give the stored picture."""
    from rich.console import Console
    from rich.segment import Segment

    real, shown = f":{urlsplit(fixed_index.base_url).port}", f":{SHOWN_PORT}"
    export_svg = Console.export_svg

    def respelled(console, **kwargs):
        console._record_buffer[:] = [
            Segment(seg.text.replace(real, shown), seg.style, seg.control) for seg in console._record_buffer
        ]
        return export_svg(console, **kwargs)

    monkeypatch.setattr(Console, "export_svg", respelled)


@pytest.fixture
def pinned(home, monkeypatch, tmp_path):
    from textual.widgets import Input

    # The cursor stays shown in the focused field: a blink phase would make each picture
    # depend on how long the machine took to get there (it differs under parallel runs).
    monkeypatch.setattr(Input, "cursor_blink", False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    uv = shutil.which("uv", path=home.env["PATH"])
    assert uv is not None, "uv is on the test home's PATH"
    os.symlink(uv, bin_dir / "uv")
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(backups, "new_id", lambda: "20261121-120000-000000")
    monkeypatch.setattr(validate, "clock", lambda: 0.0)
    return WizardApp(project_dir=home.project)


async def to_validate(pilot, *, secret=PASSWORD, store="uv", targets=("uv",)):
    await reach_validate(pilot, url=Index.url, name="acme", username=USER,
                         secret=secret, store=store, targets=targets, publish=True)
    await wait_until(pilot, lambda: pilot.app.verdict is not None, what="validation")
    await pilot.pause()


async def to_preview(pilot):
    await to_validate(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PREVIEW)
    await wait_until(pilot, lambda: pilot.app.screen._plan is not None, what="the plan")
    await pilot.pause()


async def to_apply(pilot):
    await to_preview(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: pilot.app.result is not None, what="apply")
    await pilot.pause()


async def to_done(pilot):
    await to_apply(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.DONE)


async def start(pilot):
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.findings is not None, what="discovery")
    await pilot.pause()


async def provider(pilot):
    await start(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.PROVIDER)


async def registry(pilot):
    await provider(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#field-url", "https://pypi.acme.example/repo/")
    await type_into(pilot, "#index-name", "acme")
    await pilot.pause()


#: What the Registry screen's picture types, as the later screens' pictures find it answered.
ACME = {"url": "https://pypi.acme.example/simple/", "name": "acme"}


async def auth(pilot):
    await open_at(pilot, Step.AUTH, answered(pilot.app.draft.project_dir, **ACME))
    await type_into(pilot, "#username", USER)


async def credentials(pilot):
    await open_at(pilot, Step.CREDENTIALS, answered(pilot.app.draft.project_dir, **ACME, username=USER))
    await type_into(pilot, "#secret", PASSWORD)


async def targets(pilot):
    await open_at(pilot, Step.TARGETS, answered(pilot.app.draft.project_dir, **ACME, username=USER, secret=PASSWORD))
    await pilot.click("#tool-pip")
    await pilot.pause()


async def validate_failed(pilot):
    await to_validate(pilot, secret="wrong-token")


async def quit_confirmation(pilot):
    await registry(pilot)
    await pilot.press("escape")
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "ConfirmQuit")


async def gcp_registry(pilot):
    await provider(pilot)
    await pilot.click("#gcp")
    await next_step(pilot)
    await at_step(pilot, Step.REGISTRY)
    await type_into(pilot, "#paste-url", "https://europe-west1-python.pkg.dev/acme-prod/py-internal/simple/")
    await type_into(pilot, "#index-name", "gar")
    await pilot.pause()


async def gcp_credentials(pilot):
    await gcp_registry(pilot)
    await next_step(pilot)
    await at_step(pilot, Step.AUTH)
    await next_step(pilot)
    await at_step(pilot, Step.CREDENTIALS)


async def targets_store_check(pilot):
    """The keyring chosen on a machine whose PATH has no keyring: said here, with the fix."""
    await targets(pilot)
    await pilot.click("#store-keyring")
    await wait_until(pilot, lambda: pilot.app.screen.query_one("#install-keyring").display, what="the store check")
    await pilot.pause()


async def apply_failed(pilot):
    """pyproject.toml changed between the Preview and Apply: nothing is written, and Back leads to the Preview."""
    await to_preview(pilot)
    pyproject = pilot.app.draft.project_dir / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + "# edited in another window\n")
    await next_step(pilot)
    await at_step(pilot, Step.APPLY)
    await wait_until(pilot, lambda: pilot.app.rolled_back, what="the rollback")
    await pilot.pause()


SCREENS = {
    "01-start": start,
    "02-provider": provider,
    "03-registry": registry,
    "04-auth": auth,
    "05-credentials": credentials,
    "06-targets": targets,
    "07-validate": to_validate,
    "08-validate-failed": validate_failed,
    "09-preview": to_preview,
    "10-apply": to_apply,
    "11-done": to_done,
    "12-quit": quit_confirmation,
    "13-gcp-registry": gcp_registry,
    "14-gcp-credentials": gcp_credentials,
    "18-targets-store-check": targets_store_check,
    "19-apply-failed": apply_failed,
}


async def rotate_pick(pilot):
    await start(pilot)
    await pilot.press("r")
    await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "PickIndex")
    await pilot.pause()


async def rotate_credentials(pilot):
    await rotate_pick(pilot)
    await pilot.press("enter")
    await at_step(pilot, Step.CREDENTIALS)


async def doctor(pilot):
    await start(pilot)
    home = pilot.app.draft.project_dir.parent.parent
    (home / ".netrc").write_text(f"machine 127.0.0.1 login {USER} password revoked-token\n")  # a stale secret
    await pilot.press("d")
    await wait_until(pilot, lambda: getattr(pilot.app.screen, "report", None) is not None, what="the checks")
    await pilot.pause()


#: Screens of the second run: an index "acme" set up with its password in ~/.netrc.
SET_UP_SCREENS = {
    "15-rotate-pick": rotate_pick,
    "16-rotate-credentials": rotate_credentials,
    "17-doctor": doctor,
}


@pytest.fixture
def set_up(pinned, home, fixed_index):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\n\n'
        f'[[tool.uv.index]]\nname = "acme"\nurl = "{fixed_index.simple_url}"\n'
    )
    (home.root / ".netrc").write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    (home.root / ".netrc").chmod(0o600)
    return pinned


async def join_start(pilot):
    await at_step(pilot, Step.START)
    await wait_until(pilot, lambda: pilot.app.statuses is not None, what="the credentials look-up")
    await pilot.pause()


async def join_auth(pilot):
    await join_start(pilot)
    await pilot.press("a")
    await at_step(pilot, Step.AUTH)
    await pilot.pause()


#: The teammate's first run: the project names "acme", this machine has no credentials for it.
JOIN_SCREENS = {
    "20-join-start": join_start,
    "21-join-auth": join_auth,
}


@pytest.fixture
def joining(pinned, home, fixed_index):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\n\n'
        f'[[tool.uv.index]]\nname = "acme"\nurl = "{fixed_index.simple_url}"\n'
    )
    return pinned


#: Screens that a walk at 80×24 leaves scrolled (to the store's check, to the pasted URL's fields), so
#: their picture is walked at 100×36 and test_tui_every_screen.py makes their walk at 80×24 apart.
SCROLLED_AT_SMALL = ("06-targets", "13-gcp-registry", "18-targets-store-check")


def looked_at(walk, problems: list[str]):
    """``walk`` made at SMALL, then the screen it reaches looked at every size, what is wrong put in ``problems``."""

    async def run_before(pilot):
        await at_step(pilot, Step.START)  # a resize sent before the first screen is up is undone by the harness's own
        await pilot.resize_terminal(*SMALL)
        await walk(pilot)
        problems.extend(await look_at_every_size(pilot, then=SIZE))

    return run_before


@pytest.mark.parametrize("name", SCREENS)
def test_each_screen_looks_as_it_did(name, snap_compare, pinned, port_shown_pinned):
    problems: list[str] = []
    walk = SCREENS[name] if name in SCROLLED_AT_SMALL else looked_at(SCREENS[name], problems)
    assert snap_compare(pinned, run_before=walk, terminal_size=SIZE)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", SET_UP_SCREENS)
def test_each_second_run_screen_looks_as_it_did(name, snap_compare, set_up, port_shown_pinned):
    problems: list[str] = []
    assert snap_compare(set_up, run_before=looked_at(SET_UP_SCREENS[name], problems), terminal_size=SIZE)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", JOIN_SCREENS)
def test_each_join_screen_looks_as_it_did(name, snap_compare, joining, port_shown_pinned):
    problems: list[str] = []
    assert snap_compare(joining, run_before=looked_at(JOIN_SCREENS[name], problems), terminal_size=SIZE)
    assert not problems, "\n".join(problems)


def test_the_readme_screenshots_are_the_snapshots():
    """`python scripts/screenshots.py` copies them after a deliberate UI change."""
    for name in SCREENS:
        snapshot = SNAPSHOTS / f"test_each_screen_looks_as_it_did[{name}].raw"
        assert (SCREENSHOTS / f"{name}.svg").read_bytes() == snapshot.read_bytes(), name
    for name in SET_UP_SCREENS:
        snapshot = SNAPSHOTS / f"test_each_second_run_screen_looks_as_it_did[{name}].raw"
        assert (SCREENSHOTS / f"{name}.svg").read_bytes() == snapshot.read_bytes(), name
    for name in JOIN_SCREENS:
        snapshot = SNAPSHOTS / f"test_each_join_screen_looks_as_it_did[{name}].raw"
        assert (SCREENSHOTS / f"{name}.svg").read_bytes() == snapshot.read_bytes(), name
