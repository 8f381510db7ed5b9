"""The whole write path on the oldest Python the package supports, without ``os.fchmod``.

``os.fchmod`` exists on Windows only from Python 3.13, and ``uvx`` runs whatever
Python it finds. Here the package is installed into a Python 3.10 environment and
run with ``os.fchmod`` deleted, once as on Linux (modes set through ``os.chmod``)
and once as on Windows (no modes: the profile's ACL protects the files): a setup
killed half-way, its recovery by the next command, a full setup, and undo.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parent.parent
SHIM = ("import os, sys; del os.fchmod; import ar_wizard.paths as p; os_ = sys.argv.pop(1); "
        "p._running_os = lambda: os_; from ar_wizard.cli import run; raise SystemExit(run(sys.argv[1:]))")
SETUP = ["setup", "--index", "acme", "--url", "https://registry.example/simple/", "--username", "me",
         "--password-stdin", "--store", "env", "--targets", "uv,twine", "--no-validate", "--yes"]


def python310() -> str | None:
    """A Python 3.10 uv can find, or one pyenv installed (its shims run only the selected version)."""
    found = subprocess.run([shutil.which("uv") or "uv", "python", "find", "--no-python-downloads", "3.10"],
                           capture_output=True, text=True)
    if found.returncode == 0 and found.stdout.strip():
        return found.stdout.strip()
    pyenv = sorted(Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")).glob("versions/3.10*/bin/python3.10"))
    return str(pyenv[-1]) if pyenv else None


@pytest.fixture(scope="module")
def py310_env(tmp_path_factory) -> Path:
    interpreter = python310()
    if interpreter is None:
        pytest.skip("no Python 3.10 on this machine (uv python find 3.10 found none)")
    venv = tmp_path_factory.mktemp("py310") / "venv"
    subprocess.run([shutil.which("uv") or "uv", "venv", "-q", "--python", interpreter, venv], check=True)
    subprocess.run([shutil.which("uv") or "uv", "pip", "install", "-q", "--python", venv / "bin" / "python", ROOT],
                   check=True, capture_output=True)
    return venv / "bin" / "python"


@pytest.mark.parametrize("os_", ["linux", "windows"])
def test_setup_recovery_and_undo_work_on_python_310_without_fchmod(py310_env, home, os_):
    home.env |= {"USERPROFILE": str(home.root), "LOCALAPPDATA": str(home.root / "AppData" / "Local"),
                 "APPDATA": str(home.root / "AppData" / "Roaming")}
    state = home.root / "AppData" / "Local" / "ar-wizard" if os_ == "windows" else Path(home.env["XDG_STATE_HOME"]) / "ar-wizard"

    def user_files() -> dict[Path, bytes]:
        return {path: data for path, data in home.files().items() if state not in path.parents}

    before = user_files()

    def wizard(*args: str, kill_at: int | None = None):
        env = home.env | ({"AR_WIZARD_KILL_AT": str(kill_at)} if kill_at else {})
        return subprocess.run([str(py310_env), "-c", SHIM, os_, *args], input="s3cret\n", capture_output=True,
                              text=True, cwd=home.project, env=env, timeout=120)

    killed = wizard(*SETUP, kill_at=4)
    assert killed.returncode == -9, killed.stderr
    recovered = wizard("undo", "--list")
    assert recovered.returncode == 0, recovered.stderr
    assert user_files() == before  # the interrupted change is rolled back, temp files and all

    done = wizard(*SETUP)
    assert done.returncode == 0, done.stderr
    env_file = home.project / ".env"
    assert "s3cret" in env_file.read_text()
    if os_ == "linux":
        assert stat.S_IMODE(env_file.stat().st_mode) == 0o600  # os.chmod stood in for os.fchmod
    assert any((state / "backups").iterdir())

    undone = wizard("undo", "--yes")
    assert undone.returncode == 0, undone.stderr
    assert user_files() == before
