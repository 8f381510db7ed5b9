"""Smoke test: the installed `ar-wizard` in a real terminal (tmux), driven with keys."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import time

import pytest

from conftest import VENV_BIN

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed (.ci/run installs it)")


class Terminal:
    def __init__(self, home):
        self.socket = "ar-wizard-test-" + secrets.token_hex(4)
        self.home = home

    def tmux(self, *args):
        return subprocess.run(["tmux", "-L", self.socket, *args], env=self.home.env,
                              capture_output=True, text=True, check=True)

    def start(self, command: str, size: tuple[int, int] = (110, 40)):
        self.tmux("new-session", "-d", "-x", str(size[0]), "-y", str(size[1]), "-c", str(self.home.project), command)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p").stdout

    def wait_for(self, text: str, timeout: float = 30) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                time.sleep(0.3)  # the screen is drawn; let it take focus as a person would
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen was:\n{self.screen()}")

    def keys(self, *keys):
        self.tmux("send-keys", *keys)

    def type(self, text: str):
        self.tmux("send-keys", "-l", text)

    def stop(self):
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


# 80×24 is the smallest common terminal: every step, and the next steps on Done, must work there unscrolled.
@pytest.mark.parametrize("size", [(110, 40), (80, 24)], ids=["110x40", "80x24"])
def test_the_installed_wizard_walks_from_nothing_to_a_working_setup_in_a_real_terminal(
    home, private_index, account, size
):
    user, password = account
    term = Terminal(home)
    done_marker = home.root / "exit-code"
    term.start(f"{VENV_BIN / 'ar-wizard'}; echo $? > {done_marker}; sleep 60", size)
    try:
        term.wait_for("Set up a new index")
        term.keys("C-n")
        term.wait_for("Which registry holds your packages?")
        term.keys("C-n")
        term.wait_for("Where is the index?")
        term.type(private_index.simple_url)
        term.wait_for(private_index.simple_url)
        term.keys("C-n")  # too early: Next moves to the field that blocks it and says why
        term.wait_for("The index name is empty")
        term.type("acme")
        term.keys("C-n")
        term.wait_for("How do you sign in")
        term.keys("C-n")  # the method is focused first; Next moves on to the empty username
        term.wait_for("The username is empty")
        term.type(user)
        term.keys("C-n")
        term.wait_for("Token or password")
        term.type(password)
        screen = term.wait_for("•" * len(password))
        assert password not in screen
        term.keys("C-n")
        term.wait_for("where does the secret live?")
        term.keys("C-n")
        term.wait_for("accepted the credentials")
        term.keys("C-n")
        term.wait_for("+[[tool.uv.index]]")
        term.keys("C-n")
        term.wait_for("undo")
        term.keys("C-n")
        done = term.wait_for("Next, in your shell")
        # The outcome, the backup and the next steps are on the first screenful, unscrolled.
        assert "acme is set up" in done and "ar-wizard undo" in done and "uv add PACKAGE" in done, done
        term.keys("C-n")
        deadline = time.monotonic() + 20
        while not done_marker.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        # The full-screen display is gone; the same summary stays in the terminal.
        after = term.wait_for("Next, in your shell")
        assert "acme is set up" in after and "ar-wizard undo" in after and "uv add PACKAGE" in after, after
    finally:
        term.stop()

    assert done_marker.read_text().strip() == "0"
    pyproject = (home.project / "pyproject.toml").read_text()
    assert f'url = "{private_index.simple_url}"' in pyproject and password not in pyproject
    stored = home.uv("auth", "token", private_index.simple_url, "--username", user)
    assert stored.stdout.strip() == password
    assert home.uv("add", "acme-secret").returncode == 0


def test_the_wizard_configures_the_project_named_by_project_dir_not_the_current_directory(home, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (home.project / "pyproject.toml").write_text(
        (home.project / "pyproject.toml").read_text()
        + '\n[[tool.uv.index]]\nname = "teamindex"\nurl = "https://pypi.team.example/simple/"\n'
    )
    term = Terminal(home)
    term.tmux("new-session", "-d", "-x", "110", "-y", "40", "-c", str(elsewhere),
              f"{VENV_BIN / 'ar-wizard'} --project-dir {home.project}; sleep 60")
    try:
        screen = term.wait_for("teamindex")
        assert "Set up a new index" in screen
    finally:
        term.stop()
