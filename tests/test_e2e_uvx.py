"""As users run it: the built wheel under `uvx`, proven with the real uv and pip.

`uvx --from ar_wizard-*.whl ar-wizard …` puts the wheel's own environment first
on PATH. The user's keyring is elsewhere: `uv tool install keyring --with
keyrings.alt` in uv's tool bin dir, with a file backend. Every test here runs the
wizard that way in a temp HOME whose PATH is a user's (the keyring tool, uv, pip,
/usr/bin) and judges the result with the real uv, pip and the user's keyring
against the private index. The keyring tests also run with a keyring inside the
wizard's environment (`uvx --with keyring`, as every release that depended on
keyring had), where a lookup by PATH alone finds the wrong one.

The wheel is built once per session; its dependencies come from PyPI into the
session's own uv cache once, and every run after that is `uvx --offline`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import PACKAGE, VENV_BIN, Home, clean_env
from private_index import wheel_filename
from test_setup_real_tools import load_dotenv, setup

pytestmark = [pytest.mark.integration, pytest.mark.e2e]

REPO = Path(__file__).resolve().parent.parent
# Read at import: the `home` fixture empties the environment of everything a user's shell would not have.
GIVEN_WHEEL = os.environ.get("AR_WIZARD_WHEEL")
GAR = ["--provider", "gcp", "--location", "us-central1", "--project", "acme-prod", "--repository", "py"]
KEYRING_CHECKS = {"keyring-on-path", "keyring-outside-venv", "plugin-importable", "tool-bin-on-path",
                  "backend-not-forced", "plugin-answers-host"}


# -- the wheel, and uvx as a user has it -----------------------------------------------------


def _uv_env(uv_cache: Path) -> dict[str, str]:
    return clean_env() | {
        "UV_CACHE_DIR": str(uv_cache),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "UV_NO_PROGRESS": "1",
    }


@pytest.fixture(scope="session")
def wheel(tmp_path_factory, uv_cache, worker_id) -> Path:
    """The wheel `uv build` makes from this checkout, built once per session; or the one
    $AR_WIZARD_WHEEL names (a release, or an older build to see what the tier catches)."""
    if GIVEN_WHEEL:
        return Path(GIVEN_WHEEL).resolve()
    # Under xdist, built by the first worker to get here (a lock) in the run's own directory; the others take it.
    out = tmp_path_factory.mktemp("dist") if worker_id == "master" else tmp_path_factory.getbasetemp().parent / "dist"
    with FileLock(str(out) + ".lock"):
        if not list(out.glob("ar_wizard-*.whl")):
            built = subprocess.run([VENV_BIN / "uv", "build", "--wheel", "-o", out], cwd=REPO,
                                   env=_uv_env(uv_cache), capture_output=True, text=True, timeout=300)
            assert built.returncode == 0, built.stderr
    (whl,) = out.glob("ar_wizard-*.whl")
    return whl


@pytest.fixture(scope="session")
def uvx_from_wheel(wheel, uv_cache, tmp_path_factory) -> Callable[..., list[str]]:
    """``uvx_from_wheel(*with_)`` is `uvx --offline [--with PKG…] --from WHEEL`. The first use of each
    ``with_`` runs uvx with the network once, so that the environment's dependencies (from PyPI) are
    in the session's uv cache; later runs need no network and take a tenth of the time."""
    env = _uv_env(uv_cache) | {"UV_TOOL_DIR": str(tmp_path_factory.mktemp("no-tools"))}
    warm: set[tuple[str, ...]] = set()

    def argv(*with_: str) -> list[str]:
        extra = [arg for package in with_ for arg in ("--with", package)]
        if with_ not in warm:
            ran = subprocess.run([VENV_BIN / "uvx", *extra, "--from", wheel, "ar-wizard", "--version"], env=env,
                                 capture_output=True, text=True, timeout=600)
            assert ran.returncode == 0, ran.stderr
            warm.add(with_)
        return [str(VENV_BIN / "uvx"), "--offline", *extra, "--from", str(wheel)]

    return argv


@pytest.fixture
def wizard_with() -> tuple[str, ...]:
    """Packages added to the wizard's environment with `uvx --with`: none, as most users run it.

    Tests of the keyring store and checks also run with ``("keyring",)``: a user who put keyring
    (or a plugin, which brings it) beside the wizard, so the wizard's own keyring shadows theirs."""
    return ()


#: Runs a test with the wizard as `uvx ar-wizard` and as `uvx --with keyring ar-wizard`.
BOTH_WIZARD_ENVS = pytest.mark.parametrize("wizard_with", [(), ("keyring",)], ids=["uvx", "uvx-with-keyring"])


@dataclass
class UserHome(Home):
    """A temp HOME where ar-wizard runs as `uvx ar-wizard` and the user's keyring is a uv tool."""

    uvx: list[str] = field(default_factory=list)
    keyring_bin: Path = Path()

    def wizard(self, *args, input: str | None = None, env: dict | None = None):
        return self.run(*self.uvx, "ar-wizard", *args, input=input, env=env)

    def in_wizard_env(self, *argv):
        """``argv`` run by uvx inside the wizard's own environment, with the PATH uvx gives the wizard."""
        return self.run(*self.uvx, *argv)

    def user_keyring(self, *args):
        return self.run(self.keyring_bin / "keyring", *args)


def user_bin(tmp_path: Path) -> Path:
    """What a user's ~/.local/bin-like dir holds besides the keyring tool: uv, uvx and a pip."""
    directory = tmp_path / "user-bin"
    directory.mkdir()
    for tool in ("uv", "uvx", "pip"):
        (directory / tool).symlink_to(VENV_BIN / tool)
    return directory


def as_a_user(home: Home, uvx: list[str], keyring_bin: Path | None, tmp_path: Path) -> UserHome:
    """``home`` with a user's PATH: their keyring tool's bin dir (when they installed one), uv, pip
    and the system's, and nothing of this test run's venv; uv's tool dirs are where that keyring lives."""
    dirs = [keyring_bin] if keyring_bin else []
    env = home.env | {"PATH": os.pathsep.join(str(d) for d in [*dirs, user_bin(tmp_path), "/usr/bin", "/bin"])}
    if keyring_bin:
        env |= {"UV_TOOL_DIR": str(keyring_bin.parent / "tools"), "UV_TOOL_BIN_DIR": str(keyring_bin)}
    else:
        env |= {"UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "tool-bin")}
    return UserHome(root=home.root, project=home.project, env=env, uvx=uvx, keyring_bin=keyring_bin or Path())


@pytest.fixture
def user(home, uvx_from_wheel, wizard_with, keyring_bin, tmp_path) -> UserHome:
    return as_a_user(home, uvx_from_wheel(*wizard_with), keyring_bin, tmp_path)


# -- proving a setup with the real tools -----------------------------------------------------


def uv_add_resolves(home: Home, env=None) -> bool:
    # --refresh: the uv cache is the session's, and a page cached by another test needs no credentials.
    added = home.uv("add", "--refresh", PACKAGE, env=env)
    assert added.returncode == 0, added.stderr
    return PACKAGE in (home.project / "uv.lock").read_text()


def uv_lock_refresh_works(home: Home, env=None) -> bool:
    return home.uv("lock", "--refresh", env=env).returncode == 0


def pip_downloads(home: Home, dest: Path) -> bool:
    downloaded = home.pip("download", "--no-deps", "--no-cache-dir", "-d", dest, PACKAGE)
    assert downloaded.returncode == 0, downloaded.stdout + downloaded.stderr
    return (dest / wheel_filename(PACKAGE, "1.0.0")).exists()


def doctor_json(home: UserHome, *args) -> tuple[int, dict]:
    result = home.wizard("doctor", "--json", *args)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return result.returncode, json.loads(result.stdout)


def verdicts(report: dict, check_id: str) -> set[str]:
    return {c["verdict"] for c in report["checks"] if c["id"] == check_id}


def findings(report: dict) -> list[dict]:
    return [c for c in report["checks"] if c["verdict"] in ("warn", "fail")]


def wizard_prefix(home: UserHome) -> str:
    return home.in_wizard_env("python", "-c", "import sys; print(sys.prefix)").stdout.strip()


# -- the trap this tier exists for ------------------------------------------------------------


def test_under_uvx_the_wizards_own_environment_comes_first_on_its_path(user):
    shown = user.in_wizard_env("python", "-c", "import os, sys; print(sys.prefix); print(os.environ['PATH'])")

    prefix, path = shown.stdout.split()
    assert shown.returncode == 0, shown.stderr
    assert path.split(os.pathsep)[0] == str(Path(prefix) / "bin")


def test_with_keyring_beside_the_wizard_a_lookup_by_path_finds_its_keyring_not_the_users(
    home, uvx_from_wheel, keyring_bin, tmp_path
):
    # The control for the tests run with BOTH_WIZARD_ENVS: there the trap is real.
    user = as_a_user(home, uvx_from_wheel("keyring"), keyring_bin, tmp_path)

    shown = user.in_wizard_env("python", "-c", "import shutil, sys; print(sys.prefix); print(shutil.which('keyring'))")

    prefix, keyring = shown.stdout.split()
    assert Path(keyring) == Path(prefix) / "bin" / "keyring"
    assert Path(keyring) != user.keyring_bin / "keyring"


# -- setup with each store, proven by uv, pip and doctor -------------------------------------


@pytest.mark.parametrize(
    "store, targets",
    # keyring with uv,pip: the test after this one.
    [("uv", "uv"), ("keyring", "uv"), ("env", "uv"), ("netrc", "uv"), ("netrc", "uv,pip")],
)
def test_setup_under_uvx_with_each_store_works_for_the_real_uv_and_pip_and_doctor_finds_it_healthy(
    user, private_index, account, store, targets, tmp_path
):
    name, password = account

    result = setup(user, private_index, name, password, "--targets", targets, store=store)

    assert result.returncode == 0, result.stdout + result.stderr
    env = load_dotenv(user) if store == "env" else None
    assert uv_add_resolves(user, env=env)
    assert uv_lock_refresh_works(user, env=env)
    if "pip" in targets:
        assert pip_downloads(user, tmp_path / "dl")
    for written in ("pyproject.toml", "uv.lock"):
        assert password not in (user.project / written).read_text()
    exit_code, report = doctor_json(user)
    assert (exit_code, findings(report)) == (0, []), report
    assert verdicts(report, "credentials-accepted") == {"ok"}


@BOTH_WIZARD_ENVS
def test_the_keyring_store_under_uvx_writes_to_the_users_keyring_that_uv_and_pip_run(
    user, private_index, account, tmp_path
):
    name, password = account

    result = setup(user, private_index, name, password, "--targets", "uv,pip", store="keyring")

    assert result.returncode == 0, result.stdout + result.stderr
    # Read back with the keyring uv's and pip's subprocess provider runs: the uv tool on the user's PATH.
    stored = user.user_keyring("get", private_index.simple_url, name)
    assert stored.returncode == 0 and stored.stdout.rstrip("\n") == password, stored.stderr
    assert uv_add_resolves(user)
    assert pip_downloads(user, tmp_path / "dl")
    exit_code, report = doctor_json(user)
    assert (exit_code, findings(report)) == (0, []), report


@BOTH_WIZARD_ENVS
def test_without_a_keyring_of_their_own_the_keyring_store_is_refused_with_the_install_command(
    home, uvx_from_wheel, wizard_with, private_index, account, tmp_path
):
    # The user's PATH has no keyring, so uv and pip would have none (whatever the wizard's environment holds).
    user = as_a_user(home, uvx_from_wheel(*wizard_with), None, tmp_path)
    name, password = account
    before = user.files()

    result = setup(user, private_index, name, password, store="keyring")

    assert result.returncode == 2, result.stdout + result.stderr
    assert "uv tool install keyring" in result.stderr
    assert "Traceback" not in result.stderr
    assert user.files() == before


# -- rotate and undo ---------------------------------------------------------------------------


@pytest.mark.parametrize("store", ["keyring", "uv", "netrc"])
def test_rotate_under_uvx_replaces_the_secret_where_it_lives_and_uv_locks_with_the_new_one(
    user, private_index, account, store
):
    name, old = account
    assert setup(user, private_index, name, old, store=store).returncode == 0
    assert uv_add_resolves(user)
    pyproject = (user.project / "pyproject.toml").read_bytes()
    new = old + "-rotated"
    private_index.set_password(name, new)
    assert not uv_lock_refresh_works(user)  # the old secret no longer opens the index

    result = user.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", input=new + "\n")

    assert result.returncode == 0, result.stdout + result.stderr
    assert uv_lock_refresh_works(user)
    assert (user.project / "pyproject.toml").read_bytes() == pyproject
    if store == "keyring":
        assert user.user_keyring("get", private_index.simple_url, name).stdout.rstrip("\n") == new


def test_undo_under_uvx_restores_every_file_and_takes_the_secret_out_of_the_users_keyring(
    user, private_index, account
):
    name, password = account
    pip_conf = user.root / ".config" / "pip" / "pip.conf"
    pip_conf.parent.mkdir(parents=True)
    pip_conf.write_bytes(b"[global]\n# mine\ntimeout = 60\n")
    before = user.files()
    assert setup(user, private_index, name, password, "--targets", "uv,pip", store="keyring").returncode == 0
    assert user.user_keyring("get", private_index.simple_url, name).returncode == 0

    undone = user.wizard("undo", "--yes")

    assert undone.returncode == 0, undone.stdout + undone.stderr
    after = {p: b for p, b in user.files().items() if ".local/state/ar-wizard" not in str(p)
             and "python_keyring" not in str(p)}
    assert after == before
    gone = user.user_keyring("get", private_index.simple_url, name)
    assert (gone.returncode, gone.stdout) == (1, "")


# -- doctor's keyring findings are about the user's keyring ------------------------------------


@BOTH_WIZARD_ENVS
def test_doctor_under_uvx_names_the_users_keyring_and_never_the_wizards_own(user, private_index, account):
    name, password = account
    assert setup(user, private_index, name, password, store="keyring").returncode == 0

    exit_code, report = doctor_json(user)

    assert (exit_code, findings(report)) == (0, []), report
    on_path = [c for c in report["checks"] if c["id"] == "keyring-on-path"]
    assert [c["message"] for c in on_path] == [f"keyring is on PATH: {user.keyring_bin / 'keyring'}."]
    assert verdicts(report, "keyring-outside-venv") == {"ok"}
    assert wizard_prefix(user) not in json.dumps(report)


@BOTH_WIZARD_ENVS
def test_doctor_under_uvx_fails_keyring_on_path_when_the_user_has_no_keyring(
    home, uvx_from_wheel, wizard_with, private_index, tmp_path
):
    # An index that asks the keyring, on a machine whose user never installed one: uv gets no credential.
    user = as_a_user(home, uvx_from_wheel(*wizard_with), None, tmp_path)
    url = private_index.simple_url.replace("http://", "http://me@")
    pyproject = user.project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text() + f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n'
                         '\n[tool.uv]\nkeyring-provider = "subprocess"\n')

    exit_code, report = doctor_json(user, "--offline")

    failed = [c for c in findings(report) if c["id"] == "keyring-on-path"]
    assert len(failed) == 1 and "keyring is not on PATH" in failed[0]["message"], report
    assert failed[0]["fix"].startswith("uv tool install keyring")
    assert exit_code == 1


@pytest.fixture
def gar_user(home, uvx_from_wheel, wizard_with, gauth_keyring_bin, key_file, tmp_path) -> UserHome:  # noqa: F811 - fixtures
    """Artifact Registry set up as Google's docs say: keyring with the plugin as a uv tool,
    Application Default Credentials, no keyring backend forced; the wizard run by uvx."""
    user = as_a_user(home, uvx_from_wheel(*wizard_with), gauth_keyring_bin, tmp_path)
    user.env.pop("PYTHON_KEYRING_BACKEND")
    user.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key_file)
    return user


@BOTH_WIZARD_ENVS
def test_a_gar_keyring_setup_under_uvx_passes_every_keyring_check_against_the_users_plugin(gar_user):
    result = gar_user.wizard("setup", *GAR, "--index", "gar", "--auth", "keyring", "--no-validate", "--yes")
    assert result.returncode == 0, result.stdout + result.stderr

    exit_code, report = doctor_json(gar_user, "--offline")

    for check_id in KEYRING_CHECKS:
        assert verdicts(report, check_id) == {"ok"}, [c for c in report["checks"] if c["id"] == check_id]
    assert exit_code == 0, findings(report)
