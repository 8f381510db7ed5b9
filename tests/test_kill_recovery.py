"""A kill at any point of `setup --yes` leaves nothing half-done once the next command starts.

A kill lands at each kind of crash point of the transaction (``AR_WIZARD_KILL_AT=N``
makes the Nth one SIGKILL the process): the journal, a backup copy, a manifest
save, a file, a secret, the final save; at the first and the last of each kind,
the points between being like one of those. ``-m kill_sweep`` tries every point
in turn (CI's kill-sweep job). For the credential
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
    found = shutil.which(name, path=home.env["PATH"])
    assert found is not None, f"{name} is not on the home's PATH"
    return found


def secrets(home, store: str) -> dict[str, str | None]:
    """The value each service holds for USER in the store (None: no entry)."""
    out: dict[str, str | None] = {}
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


def crash_points(home, store: str) -> list[str]:
    """What each crash point of this setup writes, in order: a run that kills nowhere says them.

    That run's change is then undone, and what it added to ar-wizard's own state (the names it
    gave the index) removed, so each killed run starts where this one did and passes the same points."""
    state = Path(home.env["XDG_STATE_HOME"]) / "ar-wizard"
    had = set(state.glob("*.json"))
    run = home.run(*setup_argv(store), input=NEW + "\n", env={"AR_WIZARD_KILL_AT": "0"})
    assert run.returncode == 0, run.stderr
    assert secrets(home, store).get(URL, NEW) == NEW
    undo = home.wizard("undo", "--yes")
    assert undo.returncode == 0, run.stderr + undo.stderr
    for added in set(state.glob("*.json")) - had:
        added.unlink()
    return [line.removeprefix("crash point: ") for line in run.stderr.splitlines() if line.startswith("crash point: ")]


def kind(point: str, home) -> str:
    """The kind of a crash point: kills at two points of one kind leave the same kind of thing to recover."""
    if not point.startswith(os.sep):
        return "a secret put" if point.startswith("the secret") else point
    path, state = Path(point), Path(home.env["XDG_STATE_HOME"]) / "ar-wizard"
    if state not in path.parents:
        return "a user's file"
    if path.relative_to(state).parts[0] == "backups":
        return "the backup manifest" if path.name == "manifest.json" else "a backup copy"
    return f"ar-wizard's {path.name}"


def first_and_last_of_each_kind(points: list[str], home) -> list[int]:
    """The 1-based points to kill at: the first of each kind (nothing of it done yet) and the last
    (all of it done but the last); the points between are like one of these."""
    chosen: dict[str, list[int]] = {}
    for n, point in enumerate(points, 1):
        chosen.setdefault(kind(point, home), []).append(n)
    return sorted({n for ns in chosen.values() for n in (ns[0], ns[-1])})


def kill_at_each(store: str, home, points: list[int]) -> None:
    """Kill setup at each of ``points``, and check the next command leaves everything as before."""
    files, stored, status = snapshot(home), secrets(home, store), git_status(home)
    for n in points:
        run = home.run(*setup_argv(store), input=NEW + "\n", env={"AR_WIZARD_KILL_AT": str(n)})
        assert run.returncode == -signal.SIGKILL, f"crash point {n} was not reached: {run.stderr}"
        after = next_command(home)
        said = f"killed at crash point {n}: {after.stderr}"
        newest = after.stdout.splitlines()[0] if after.stdout else ""
        if "setup acme" in newest and "undone by" not in newest:
            # Killed after the change was whole: it stands, as a change `undo` takes back.
            assert "rolled back" not in after.stderr, said
            assert home.wizard("undo", "--yes").returncode == 0
        else:
            assert "rolled back" in after.stderr or "before it wrote anything" in after.stderr, said
        assert_as_before(home, store, files, stored, status, said)


def test_a_kill_at_the_first_and_last_point_of_each_kind_in_setup_is_rolled_back_by_the_next_command(prepared):
    store, home = prepared
    points = crash_points(home, store)
    kinds = {kind(point, home) for point in points}
    assert {"ar-wizard's journal", "the backup manifest", "a backup copy", "a user's file"} <= kinds, points
    assert ("a secret put" in kinds) == (store in ("uv", "keyring")), points
    kill_at_each(store, home, first_and_last_of_each_kind(points, home))


@pytest.mark.kill_sweep
def test_a_kill_at_every_point_of_setup_is_rolled_back_by_the_next_command(prepared):
    store, home = prepared
    points = crash_points(home, store)
    assert len(points) >= 6, "the kill points cover the journal, every file and the final save"
    kill_at_each(store, home, list(range(1, len(points) + 1)))


SHIM = """#!/bin/sh
# A slow credential store: the wizard is killed while this runs (recovery then waits for it to end).
case "$1 $2" in
  "auth login"|"set "*)
    if [ "$SLOW_STORE" = before ]; then touch "$SLOW_MARK"; sleep 3; fi
    "{real}" "$@"; code=$?
    if [ "$SLOW_STORE" = after ]; then touch "$SLOW_MARK"; sleep 3; fi
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
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
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


SLOW_SHIM = """#!/bin/sh
# A slow store command, the first time the setup calls it: it goes on only once the test lets it,
# after the next command (which runs without SLOW_MARK, so its own calls are not held) has run.
case "$1 $2" in
  "auth login"|"set "*)
    if [ -n "$SLOW_MARK" ] && [ ! -e "$SLOW_MARK" ]; then
      echo $$ > "$SLOW_MARK"
      n=0; while [ ! -e "$SLOW_RELEASE" ] && [ $n -lt 600 ]; do sleep 0.05; n=$((n+1)); done
      # Its output goes nowhere, as a wizard that is gone reads none: the store is written regardless.
      exec "{real}" "$@" >/dev/null 2>&1
    fi
    exec "{real}" "$@" ;;
esac
exec "{real}" "$@"
"""


@pytest.mark.parametrize("store", ["uv", "keyring"])
def test_a_kill_of_the_wizard_alone_during_a_slow_store_command_ends_with_the_old_secret(store, home, keyring_bin,
                                                                                          tmp_path):
    from ar_wizard import journal, paths

    home.put_first_on_path(keyring_bin)
    name = "uv" if store == "uv" else "keyring"
    real = tool(home, name)
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    (shim_dir / name).write_text(SLOW_SHIM.format(real=real))
    (shim_dir / name).chmod(0o755)
    home.put_first_on_path(shim_dir)
    if store == "uv":
        subprocess.run([real, "auth", "login", URL, "--username", USER, "--password", "-"],
                       input=OLD + "\n", env=home.env, text=True, check=True, capture_output=True)
    else:
        subprocess.run([real, "set", URL, USER], input=OLD + "\n", env=home.env, text=True, check=True,
                       capture_output=True)
    stored = secrets(home, store)
    mark, release = tmp_path / "mark", tmp_path / "release"

    proc = subprocess.Popen(setup_argv(store), stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, cwd=home.project,
                            env=home.env | {"SLOW_MARK": str(mark), "SLOW_RELEASE": str(release)})
    assert proc.stdin is not None
    proc.stdin.write(NEW.encode() + b"\n")
    proc.stdin.close()
    deadline = time.monotonic() + 60
    while not (mark.exists() and mark.read_text().strip()):
        assert proc.poll() is None, "the wizard ended before the store was called"
        assert time.monotonic() < deadline, "the store was never called"
        time.sleep(0.02)
    shim = int(mark.read_text())
    # The wizard writes the journal once the child has started, so it may come just after the mark.
    while (entry := journal.read_entry(paths.state_dir())) is None or entry.child is None:
        assert time.monotonic() < deadline, "the journal never named the store command"
        time.sleep(0.02)
    assert entry.child.pid == shim, "its PID is in the journal"
    os.kill(proc.pid, signal.SIGKILL)  # the wizard alone, as an OOM kill or `kill -9 PID` does
    proc.wait()

    after = next_command(home)
    release.touch()  # had the store command outlived the wizard, it would write the new secret now
    assert "rolled back" in after.stderr and "restored 1 secret" in after.stderr, after.stderr
    deadline = time.monotonic() + 10
    while _running(shim) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(shim), "the store command died with the wizard"
    assert secrets(home, store) == stored == {URL: OLD}


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except FileNotFoundError:
        return False


def test_recovery_stops_a_recorded_child_and_its_process_group_before_rolling_back(tmp_path):
    from ar_wizard.credentials import process

    mark = tmp_path / "written"
    # A stand-in for a store command that writes late, with a child of its own in its group.
    child = subprocess.Popen(["sh", "-c", f"(sleep 30; touch {mark}) & sleep 30; touch {mark}"],
                             start_new_session=True)
    try:
        assert process.stop(child.pid, process.started(child.pid), grace=0.2) is True
        child.wait(timeout=10)
        with pytest.raises(ProcessLookupError):
            os.killpg(child.pid, 0)
        assert not mark.exists()
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGKILL)


def test_recovery_leaves_alone_a_process_that_reused_a_recorded_pid(tmp_path):
    from ar_wizard.credentials import process

    other = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        start = process.started(other.pid)
        if not start:
            pytest.skip("this system does not say when a process started")
        assert process.stop(other.pid, start + 1, grace=0.2) is False
        assert other.poll() is None, "a process that is not the recorded child is never signalled"
    finally:
        other.kill()
        other.wait()


FAILING_STORE = """#!/bin/sh
# A keyring whose `set` fails after the project's directory became read-only: the transaction's
# roll-back cannot put pyproject.toml back, and must say so.
if [ "$1" = set ]; then
  if [ "$(id -u)" = 0 ]; then chattr +i "$LOCK_DIR"; else chmod 500 "$LOCK_DIR"; fi
  echo "error: the keyring is locked" >&2
  exit 1
fi
exec "{real}" "$@"
"""


def test_a_failed_apply_whose_roll_back_fails_names_each_files_state_and_the_next_command_finishes_it(
        home, keyring_bin, tmp_path):
    if os.geteuid() == 0 and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to make a directory read-only for root")
    home.put_first_on_path(keyring_bin)
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    (shim_dir / "keyring").write_text(FAILING_STORE.format(real=tool(home, "keyring")))
    (shim_dir / "keyring").chmod(0o755)
    home.put_first_on_path(shim_dir)
    pyproject = home.project / "pyproject.toml"
    before = pyproject.read_bytes()
    try:
        failed = home.run(*setup_argv("keyring"), input=NEW + "\n", env={"LOCK_DIR": str(home.project)})
        assert failed.returncode == 3, failed.stderr
        errors = [line for line in failed.stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1, failed.stderr
        said = errors[0]
        assert "~/work/demo/pyproject.toml could not be put back yet (" in said, said
        assert f"the secret for {URL} is as before" in said, said
        assert "The next ar-wizard command finishes putting them back" in said, said
        assert "nothing was left half-written" not in failed.stderr
        assert pyproject.read_bytes() != before, "the sentence is true: the file is still the new one"
    finally:
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(home.project)], check=True)
        else:
            home.project.chmod(0o755)

    after = next_command(home)
    assert "has been rolled back: put back ~/work/demo/pyproject.toml" in after.stderr, after.stderr
    assert pyproject.read_bytes() == before
    assert secrets(home, "keyring") == {URL: None}


SET_LOCKS_THE_BACKUP = """#!/bin/sh
# A keyring whose `set` works, after which the backup set can no longer be written (as a full disk
# would do): the transaction cannot mark the set complete.
if [ "$1" = set ]; then
  "{real}" "$@"; code=$?
  for set in "$XDG_STATE_HOME"/ar-wizard/backups/*; do
    if [ "$(id -u)" = 0 ]; then chattr +i "$set"; else chmod 500 "$set"; fi
  done
  exit $code
fi
exec "{real}" "$@"
"""


def test_a_set_that_cannot_be_marked_complete_says_so_and_the_next_command_rolls_the_change_back(
        home, keyring_bin, tmp_path):
    if os.geteuid() == 0 and shutil.which("chattr") is None:
        pytest.skip("running as root without chattr: no way to make a directory read-only for root")
    home.put_first_on_path(keyring_bin)
    shim_dir = tmp_path / "shim"
    shim_dir.mkdir()
    (shim_dir / "keyring").write_text(SET_LOCKS_THE_BACKUP.format(real=tool(home, "keyring")))
    (shim_dir / "keyring").chmod(0o755)
    home.put_first_on_path(shim_dir)
    pyproject = home.project / "pyproject.toml"
    before = pyproject.read_bytes()
    backups_dir = home.root / ".local" / "state" / "ar-wizard" / "backups"
    try:
        failed = home.run(*setup_argv("keyring"), input=NEW + "\n")
        assert failed.returncode == 3, failed.stderr
        assert "Every file and secret was written, but backup " in failed.stderr, failed.stderr
        assert "could not be marked complete" in failed.stderr and "the next ar-wizard command rolls" in failed.stderr
        assert "nothing was left half-written" not in failed.stderr
    finally:
        for directory in backups_dir.iterdir():
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(directory)], check=True)
            else:
                directory.chmod(0o700)

    after = next_command(home)
    assert "has been rolled back" in after.stderr and "restored 1 secret" in after.stderr, after.stderr
    assert pyproject.read_bytes() == before
    assert secrets(home, "keyring") == {URL: None}
