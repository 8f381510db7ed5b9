"""A kill at any point of `setup --yes` leaves nothing half-done once the next command starts.

Every crash point of the transaction is tried in turn (``AR_WIZARD_KILL_AT=N``
makes the Nth one SIGKILL the process): the journal, each backup copy and
manifest save, each file, each secret, the final save. For the credential
stores, a slow stand-in for ``uv``/``keyring`` is also killed, with the wizard,
while the secret is being written: once before the real tool ran and once
after. After each kill the next command (`undo --list`) must leave every file
byte-identical to before, every secret its old value, no temp file, and
`git status` clean.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import VENV_BIN

pytestmark = pytest.mark.integration

URL = "https://registry.example/simple/"
OLD, NEW = "old-secret-1", "new-secret-2"
USER = "me"


def setup_argv(store: str) -> list[str]:
    # Each store with the targets that make it write the most files (keyring: one secret; its CLI is slow).
    targets = {"uv": "uv", "keyring": "uv", "env": "uv,twine", "netrc": "uv,pip", "file": "pip,twine"}[store]
    return [
        str(VENV_BIN / "ar-wizard"), "setup", "--index", "acme", "--url", URL, "--username", USER,
        "--password-stdin", "--store", store, "--targets", targets, "--no-validate", "--yes",
    ]


def tool(home, name: str) -> str:
    return shutil.which(name, path=home.env["PATH"])


def secrets(home, store: str) -> dict[str, str | None]:
    """The value each service holds for USER in the store (None: no entry)."""
    out = {}
    for service in (URL,):
        if store == "uv":
            argv = [tool(home, "uv"), "auth", "token", service, "--username", USER]
        elif store == "keyring":
            argv = [tool(home, "keyring"), "get", service, USER]
        else:
            return out
        proc = subprocess.run(argv, env=home.env, capture_output=True)
        out[service] = proc.stdout.decode()[:-1] if proc.returncode == 0 and proc.stdout else None
    return out


def snapshot(home) -> dict[Path, bytes]:
    """Every file the user has, except the stores' own files (compared by value instead) and state."""
    skip = ("python_keyring", "credentials", "ar-wizard", ".git")
    return {p: b for p, b in home.files().items() if not any(part in skip for part in p.parts)}


def git_status(home) -> str:
    return subprocess.run(["git", "status", "--porcelain", "--ignored=no"], cwd=home.project, capture_output=True,
                          text=True, check=True).stdout


def temp_files(home) -> list[Path]:
    return list(home.root.rglob("*.ar-wizard"))


@pytest.fixture(params=["uv", "keyring", "env", "netrc", "file"])
def prepared(request, home, keyring_bin):
    store = request.param
    home.put_first_on_path(keyring_bin)
    project = home.project
    (home.root / ".pypirc").write_text("[distutils]\nindex-servers =\n    pypi\n\n[pypi]\nusername = __token__\n")
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "start"], cwd=project,
                   check=True)
    if store == "uv":
        subprocess.run([tool(home, "uv"), "auth", "login", URL, "--username", USER, "--password", "-"],
                       input=OLD + "\n", env=home.env, text=True, check=True, capture_output=True)
    if store == "keyring":
        subprocess.run([tool(home, "keyring"), "set", URL, USER], input=OLD + "\n", env=home.env, text=True,
                       check=True, capture_output=True)
    return store, home


def next_command(home):
    after = home.wizard("undo", "--list")
    assert after.returncode == 0, after.stderr
    assert "Traceback" not in after.stderr
    return after


def assert_as_before(home, store, files, stored, status, said=""):
    assert snapshot(home) == files, said
    assert secrets(home, store) == stored, said
    assert temp_files(home) == [], said
    assert git_status(home) == status, said


def test_a_kill_at_every_point_of_setup_is_rolled_back_by_the_next_command(prepared):
    store, home = prepared
    files, stored, status = snapshot(home), secrets(home, store), git_status(home)

    killed_at = 0
    for n in range(1, 80):
        run = home.run(*setup_argv(store), input=NEW + "\n", env={"AR_WIZARD_KILL_AT": str(n)})
        if run.returncode == 0:
            break  # past the last crash point: the change went through whole
        assert run.returncode == -signal.SIGKILL, run.stderr
        killed_at = n
        after = next_command(home)
        said = f"killed at crash point {n}: {after.stderr}"
        if "setup acme" in after.stdout:
            # Killed after the change was whole: it stands, as a change `undo` takes back.
            assert "rolled back" not in after.stderr, said
            assert home.wizard("undo", "--yes").returncode == 0
        else:
            assert "rolled back" in after.stderr or "before it wrote anything" in after.stderr, said
        assert_as_before(home, store, files, stored, status, said)
    else:
        pytest.fail("setup never finished: the crash points did not run out")
    assert killed_at >= 6, "the kill points cover the journal, every file and the final save"
    assert secrets(home, store).get(URL, NEW) == NEW


SHIM = """#!/bin/sh
# A slow credential store: the wizard is killed while this runs.
case "$1 $2" in
  "auth login"|"set "*)
    if [ "$SLOW_STORE" = before ]; then touch "$SLOW_MARK"; sleep 30; fi
    "{real}" "$@"; code=$?
    if [ "$SLOW_STORE" = after ]; then touch "$SLOW_MARK"; sleep 30; fi
    exit $code ;;
esac
exec "{real}" "$@"
"""


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("store", ["uv", "keyring"])
def test_a_kill_while_a_slow_store_writes_the_secret_is_rolled_back(store, when, home, keyring_bin, tmp_path):
    home.put_first_on_path(keyring_bin)
    name = "uv" if store == "uv" else "keyring"
    real = tool(home, name)
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    (shim_dir / name).write_text(SHIM.format(real=real))
    (shim_dir / name).chmod(0o755)
    home.put_first_on_path(shim_dir)
    subprocess.run(["git", "init", "-q"], cwd=home.project, check=True)
    if store == "uv":
        subprocess.run([real, "auth", "login", URL, "--username", USER, "--password", "-"],
                       input=OLD + "\n", env=home.env, text=True, check=True, capture_output=True)
    files, stored, status = snapshot(home), secrets(home, store), git_status(home)
    mark = tmp_path / "mark"

    proc = subprocess.Popen(setup_argv(store), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=home.project, start_new_session=True,
                            env=home.env | {"SLOW_STORE": when, "SLOW_MARK": str(mark)})
    proc.stdin.write(NEW.encode() + b"\n")
    proc.stdin.close()
    deadline = time.monotonic() + 60
    while not mark.exists():
        assert proc.poll() is None, proc.stderr.read().decode()
        assert time.monotonic() < deadline, "the store was never called"
        time.sleep(0.02)
    # The whole process group, as a closed terminal or a cancelled CI job does: the store dies with it.
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    proc.stderr.close()

    after = next_command(home)
    assert_as_before(home, store, files, stored, status, after.stderr)
    assert "rolled back" in after.stderr
    assert "restored 1 secret" in after.stderr


@pytest.mark.parametrize("argv", [
    ["doctor", "--offline"],
    ["rotate", "--index", "acme", "--dry-run"],
    ["setup", "--index", "acme", "--url", "https://registry.example/simple/", "--username", "me", "--dry-run"],
    ["undo", "--list"],
    [],  # the wizard: it refuses without a terminal, after recovering
], ids=["doctor", "rotate", "setup", "undo", "wizard"])
def test_every_command_and_the_wizard_start_by_rolling_back_an_interrupted_change(home, argv):
    from ar_wizard import backups, journal, paths
    from ar_wizard.fileio import write_atomically

    pyproject = home.project / "pyproject.toml"
    before = pyproject.read_bytes()
    state = paths.state_dir()
    state.mkdir(parents=True)
    backup = backups.BackupSet.create(backups.new_id(), "setup acme")
    journal.begin(state, backup.id)
    backup.add_file(pyproject, pyproject, before, before + b"# half\n", 0o644, holds_secret=False)
    backup.save()
    write_atomically(pyproject, before + b"# half\n", 0o644)
    (home.project / ".pyproject.toml.a1b2c3d4.ar-wizard").write_bytes(b"half-written")

    result = home.wizard(*argv, input="")

    assert "note: An earlier ar-wizard 'setup acme' was interrupted and has been rolled back: put back " \
           "~/work/demo/pyproject.toml; removed 1 temp file." in result.stderr, result.stderr
    assert pyproject.read_bytes() == before
    assert not list(home.project.glob("*.ar-wizard")) and not list(home.project.glob(".*.ar-wizard"))


def test_a_file_edited_after_the_kill_is_left_as_it_is_and_its_old_copy_kept(home):
    from ar_wizard import backups, journal, paths
    from ar_wizard.fileio import write_atomically

    pyproject = home.project / "pyproject.toml"
    before = pyproject.read_bytes()
    state = paths.state_dir()
    state.mkdir(parents=True)
    backup = backups.BackupSet.create(backups.new_id(), "setup acme")
    journal.begin(state, backup.id)
    backup.add_file(pyproject, pyproject, before, before + b"# half\n", 0o644, holds_secret=False)
    backup.save()
    write_atomically(pyproject, before + b"# half\n", 0o644)
    pyproject.write_bytes(b"# the user's own edit since\n")

    result = home.wizard("undo", "--list")

    assert "left ~/work/demo/pyproject.toml as edited since then" in result.stderr, result.stderr
    assert pyproject.read_bytes() == b"# the user's own edit since\n"
    assert (backup.dir / "file-0").read_bytes() == before
    assert journal.in_flight(state) is None


def test_a_kill_during_recovery_is_recovered_by_the_command_after(home):
    from ar_wizard import backups, journal, paths
    from ar_wizard.fileio import write_atomically

    pyproject, dotenv = home.project / "pyproject.toml", home.project / ".env"
    before = pyproject.read_bytes()
    state = paths.state_dir()
    state.mkdir(parents=True)
    backup = backups.BackupSet.create(backups.new_id(), "setup acme")
    journal.begin(state, backup.id)
    for path, old, new in ((pyproject, before, before + b"# half\n"), (dotenv, None, b"X=1\n")):
        backup.add_file(path, path, old, new, 0o600, holds_secret=True)
        backup.save()
        write_atomically(path, new, 0o600)

    for n in range(1, 20):
        run = home.wizard("undo", "--list", env={"AR_WIZARD_KILL_AT": str(n)})
        if run.returncode == 0:
            break
        assert run.returncode == -signal.SIGKILL, run.stderr
    else:
        pytest.fail("recovery never finished")
    assert n > 1, "recovery itself has crash points"
    assert "has been rolled back" in run.stderr
    assert pyproject.read_bytes() == before and not dotenv.exists()
    assert temp_files(home) == [] and journal.in_flight(state) is None
