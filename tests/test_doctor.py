"""`ar-wizard doctor`: every check sees a broken setup built for real (files, PATH,
the keyring CLI, a live index), and sees it fixed after the offered fix is applied.

Most tests run the installed CLI as a user would (`doctor --json`, `doctor --fix
--yes`); only the token-expiry tests call ``diagnose`` in-process, to set the clock.
"""

from __future__ import annotations

import json
import os
import secrets
import shlex
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import PACKAGE, VENV_BIN
from private_index import wheel_filename
from test_setup_real_tools import load_dotenv, setup

pytestmark = pytest.mark.integration

CHECK_IDS = {
    "config-readable", "keyring-username", "keyring-on-path", "env-var-name", "index-name-collision",
    "index-host", "simple-path", "credentials-in-url", "credentials-in-lock", "pip-only-index", "user-scope",
    "pip-conf-shadowed", "token-expiry", "credentials-accepted", "index-found", "uv-version", "pip-version",
    "publish-url", "private-ca", "source-credentials", "source-password-inline", "source-hides-pypi",
}
KEYRING_CHECKS = {"keyring-on-path", "keyring-outside-venv", "plugin-importable", "tool-bin-on-path",
                  "backend-not-forced", "plugin-answers-host"}
GAR = ["--provider", "gcp", "--location", "us-central1", "--project", "acme-prod", "--repository", "py"]
GAR_URL = "https://oauth2accesstoken@us-central1-python.pkg.dev/acme-prod/py/simple/"
GAR_INSTALL = "uv tool install keyring --with keyrings.google-artifactregistry-auth"
BASH = shutil.which("bash")
HEAD = '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n'


# -- running doctor ------------------------------------------------------------------


@dataclass
class Report:
    exit: int
    data: dict
    stderr: str

    def checks(self, check_id: str) -> list[dict]:
        return [c for c in self.data["checks"] if c["id"] == check_id]

    def verdicts(self, check_id: str) -> set[str]:
        return {c["verdict"] for c in self.checks(check_id)}

    def finding(self, check_id: str) -> dict:
        """The one warn/fail check with this id."""
        found = [c for c in self.checks(check_id) if c["verdict"] in ("warn", "fail")]
        assert len(found) == 1, (check_id, self.data["checks"])
        return found[0]

    @property
    def finding_ids(self) -> set[str]:
        return {c["id"] for c in self.data["checks"] if c["verdict"] in ("warn", "fail")}


def doctor(home, *args, env=None) -> Report:
    """`ar-wizard doctor --json`, as a script would run it."""
    result = home.wizard("doctor", "--json", *args, env=env)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return Report(result.returncode, json.loads(result.stdout), result.stderr)


def fix(home, *args, env=None):
    """`ar-wizard doctor --fix --yes`: every offered plan applied, then the checks run again."""
    return home.wizard("doctor", "--fix", "--yes", *args, env=env)


def backups(home) -> str:
    return home.wizard("undo", "--list").stdout


def assert_fixed_with_backup(home, check_id, result):
    assert f"Fix for {check_id}" in result.stderr, result.stdout + result.stderr
    assert "backup " in result.stdout
    assert f"doctor fix {check_id}" in backups(home)


def pyproject(home, tail: str, *, needs_package: bool = False) -> Path:
    """The demo project with ``tail`` appended; ``needs_package``: it depends on the private package."""
    path = home.project / "pyproject.toml"
    head = HEAD.replace("[]", f'["{PACKAGE}"]') if needs_package else HEAD
    path.write_text(head + "\n" + tail)
    return path


def index_toml(name: str, url: str, table: str = "tool.uv.index") -> str:
    return f'[[{table}]]\nname = "{name}"\nurl = "{url}"\n'


def write_netrc(home, user: str, password: str, host: str = "127.0.0.1") -> None:
    netrc = home.root / ".netrc"
    netrc.write_text(f"machine {host} login {user} password {password}\n")
    netrc.chmod(0o600)


def uv_adds_package(home, env=None) -> bool:
    # --refresh everywhere: the uv cache is shared by the session, and a cached page needs no credentials.
    return home.uv("add", "--refresh", PACKAGE, env=env).returncode == 0


def in_a_new_shell(home, *argv):
    """What a new terminal runs: ~/.bashrc (which `uv tool update-shell` edits) is read first."""
    return home.run(BASH, "-c", '. "$HOME/.bashrc" && exec "$@"', "bash", *argv)


def doctor_in_a_new_shell(home, *args) -> Report:
    result = in_a_new_shell(home, VENV_BIN / "ar-wizard", "doctor", "--json", *args)
    assert result.returncode in (0, 1), result.stdout + result.stderr
    return Report(result.returncode, json.loads(result.stdout), result.stderr)


def netrc_setup(home, private_index, account):
    user, password = account
    result = setup(home, private_index, user, password, store="netrc")
    assert result.returncode == 0, result.stderr


# -- the report's shape and the exit codes ---------------------------------------------------


def test_a_healthy_setup_exits_0_and_its_json_lists_every_check_and_every_index(home, private_index, account):
    netrc_setup(home, private_index, account)

    report = doctor(home)

    assert report.exit == 0
    assert report.data["healthy"] is True
    assert set(report.data) == {"healthy", "checks", "indexes"}
    assert {c["id"] for c in report.data["checks"]} == CHECK_IDS
    for check in report.data["checks"]:
        assert set(check) == {"id", "verdict", "subject", "message", "fix", "fix_plan"}
        assert check["verdict"] in ("ok", "info", "skipped", "warn", "fail")
        assert isinstance(check["fix_plan"], bool) and isinstance(check["message"], str)
        assert check["fix"] is None or isinstance(check["fix"], str)
    assert report.checks("credentials-accepted") == [{
        "id": "credentials-accepted", "verdict": "ok", "subject": "acme",
        "message": "'acme' accepts the credential from ~/.netrc (machine 127.0.0.1).", "fix": None, "fix_plan": False,
    }]
    assert report.data["indexes"] == [{
        "name": "acme", "url": private_index.simple_url, "tool": "uv", "source": "~/work/demo/pyproject.toml",
        "scope": "project", "provider": "generic", "credentials": ["~/.netrc (machine 127.0.0.1)"],
    }]
    text = home.wizard("doctor")
    assert text.returncode == 0
    assert "nothing to fix" in text.stdout


def test_a_warning_alone_makes_doctor_exit_1_and_the_report_unhealthy(home, private_index, account):
    netrc_setup(home, private_index, account)
    path = home.project / "pyproject.toml"
    path.write_text(path.read_text().replace("/simple/", "/"))

    report = doctor(home, "--offline")
    text = home.wizard("doctor", "--offline")

    assert report.exit == 1 and report.data["healthy"] is False
    assert report.finding_ids == {"simple-path"}
    assert report.finding("simple-path")["verdict"] == "warn"
    assert text.returncode == 1
    assert "! warn simple-path:" in text.stdout and "1 finding," in text.stdout
    assert f"fix: Set the URL to {private_index.simple_url}.  (ar-wizard doctor --fix)" in text.stdout


def test_offline_skips_the_live_check_so_a_rejected_password_goes_unseen(home, private_index, account):
    user, _ = account
    netrc_setup(home, private_index, account)
    private_index.set_password(user, "pw-" + secrets.token_urlsafe(12))  # the registry revoked it

    offline = doctor(home, "--offline")
    online = doctor(home)

    assert offline.exit == 0
    assert offline.checks("credentials-accepted") == [{
        "id": "credentials-accepted", "verdict": "skipped", "subject": "", "message": "Not checked: --offline.",
        "fix": None, "fix_plan": False,
    }]
    assert online.exit == 1
    assert online.finding("credentials-accepted")["verdict"] == "fail"


def test_fix_without_yes_and_without_a_terminal_is_refused_and_writes_nothing(home, private_index, account):
    netrc_setup(home, private_index, account)
    path = home.project / "pyproject.toml"
    path.write_text(path.read_text().replace("/simple/", "/"))
    before = home.files()

    result = home.wizard("doctor", "--fix", "--offline")

    assert result.returncode == 2
    assert "add --yes" in result.stderr
    assert home.files() == before


def test_no_secret_appears_in_doctors_text_json_fix_output_or_fix_previews(home, private_index, account, tmp_path):
    """Passwords in the URL, in uv.lock, in a misspelt .env variable, in a shadowed pip.conf and in .pypirc."""
    from ar_wizard import doctor as core

    user, password = account
    in_env, in_pip, in_pypirc = ("pw-" + secrets.token_urlsafe(12) for _ in range(3))
    private_url = private_index.simple_url.replace("http://", f"http://{user}:{password}@")
    pyproject(home, index_toml("acme", private_url))
    assert uv_adds_package(home)
    lock = home.project / "uv.lock"
    lock.write_text(lock.read_text().replace("http://127.0.0.1", f"http://{user}:{password}@127.0.0.1"))
    (home.project / ".env").write_text(f"UV_INDEX_AMCE_PASSWORD={in_env}\n")
    (home.root / ".pip").mkdir()
    (home.root / ".pip" / "pip.conf").write_text(
        f"[global]\nextra-index-url = {private_index.simple_url.replace('http://', f'http://{user}:{in_pip}@')}\n")
    (home.root / ".config" / "pip").mkdir(parents=True)
    (home.root / ".config" / "pip" / "pip.conf").write_text(f"[global]\nextra-index-url = {tmp_path.as_uri()}\n")
    (home.root / ".pypirc").write_text(
        f"[distutils]\nindex-servers = acme\n\n[acme]\nrepository = {private_index.upload_url}\n"
        f"username = {user}\npassword = {in_pypirc}\n")
    report = core.diagnose(home.project, offline=True)
    previews = [diff for check in report.findings if check.fixer for _, diff in check.fixer().diffs()]

    runs = [home.wizard("doctor"), home.wizard("doctor", "--verbose"), home.wizard("doctor", "--json"),
            fix(home), home.wizard("doctor", "--json", "--verbose")]

    assert {"credentials-in-url", "credentials-in-lock", "env-var-name", "pip-conf-shadowed"} <= {
        c["id"] for c in json.loads(runs[2].stdout)["checks"] if c["verdict"] in ("warn", "fail")}
    assert len(previews) >= 4
    assert "****" in "".join(previews)
    for output in [r.stdout + r.stderr for r in runs] + previews:
        for secret in (password, in_env, in_pip, in_pypirc):
            assert secret not in output


# -- config-readable -----------------------------------------------------------------


BROKEN_TOML = b'[project]\nname = "demo"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "http://127.0.0.1/simple/\n'


def test_a_pyproject_that_does_not_parse_fails_config_readable_and_is_never_rewritten(home):
    path = home.project / "pyproject.toml"
    path.write_bytes(BROKEN_TOML)

    report = doctor(home, "--offline")
    fixing = fix(home, "--offline")

    check = report.finding("config-readable")
    assert check["verdict"] == "fail" and report.exit == 1
    assert "pyproject.toml" in check["message"]
    assert check["fix_plan"] is False and "by hand" in check["fix"]
    assert fixing.returncode == 1
    assert "No finding has a fix ar-wizard can apply" in fixing.stderr
    assert path.read_bytes() == BROKEN_TOML


def test_repairing_the_file_by_hand_clears_config_readable(home):
    path = home.project / "pyproject.toml"
    path.write_bytes(BROKEN_TOML)
    assert "config-readable" in doctor(home, "--offline").finding_ids

    path.write_bytes(BROKEN_TOML.replace(b"/simple/\n", b'/simple/"\n'))  # the closing quote

    assert doctor(home, "--offline").verdicts("config-readable") == {"ok"}


# -- keyring-username ------------------------------------------------------------------


def keyring_index_without_username(home, private_index, account):
    """A keyring setup whose URL lost its username: uv never asks the keyring."""
    user, password = account
    assert setup(home, private_index, user, password, store="keyring").returncode == 0
    assert uv_adds_package(home)
    path = home.project / "pyproject.toml"
    path.write_text(path.read_text().replace(f"{user}@", ""))


def test_a_keyring_index_without_a_username_fails_keyring_username_and_uv_gets_401(
    keyring_home, private_index, account
):
    keyring_index_without_username(keyring_home, private_index, account)

    report = doctor(keyring_home)

    check = report.finding("keyring-username")
    assert check["verdict"] == "fail" and check["subject"] == "acme"
    assert "UV_INDEX_ACME_USERNAME" in check["message"] and "UV_INDEX_ACME_USERNAME" in check["fix"]
    assert check["fix_plan"] is False  # a generic registry has no fixed username to put in the URL
    assert keyring_home.uv("lock", "--refresh").returncode != 0


def test_setting_the_username_variable_the_fix_names_clears_keyring_username_and_uv_resolves(
    keyring_home, private_index, account
):
    user, _ = account
    keyring_index_without_username(keyring_home, private_index, account)

    keyring_home.env["UV_INDEX_ACME_USERNAME"] = user
    report = doctor(keyring_home)

    assert report.exit == 0
    assert report.verdicts("keyring-username") == {"ok"}
    assert report.verdicts("credentials-accepted") == {"ok"}
    assert keyring_home.uv("lock", "--refresh").returncode == 0


@pytest.fixture
def gar_home(home, gauth_keyring_bin, key_file):
    """A laptop set up for Artifact Registry as the README says: keyring with the plugin installed
    as a uv tool and first on PATH, Application Default Credentials, no keyring backend forced."""
    home.put_first_on_path(gauth_keyring_bin)
    home.env.pop("PYTHON_KEYRING_BACKEND")
    home.env["GOOGLE_APPLICATION_CREDENTIALS"] = str(key_file)
    home.env["SHELL"] = BASH
    result = home.wizard("setup", *GAR, "--index", "gar", "--auth", "keyring", "--no-validate", "--yes")
    assert result.returncode == 0, result.stderr
    assert GAR_URL in (home.project / "pyproject.toml").read_text()
    return home


def test_a_gar_keyring_setup_made_as_instructed_is_healthy(gar_home):
    report = doctor(gar_home, "--offline")

    assert report.exit == 0, report.data
    assert {c["id"] for c in report.data["checks"]} >= KEYRING_CHECKS
    for check_id in KEYRING_CHECKS:
        assert report.verdicts(check_id) == {"ok"}, report.checks(check_id)


def test_a_gar_keyring_index_without_its_username_is_offered_the_url_with_oauth2accesstoken(gar_home):
    path = gar_home.project / "pyproject.toml"
    path.write_text(path.read_text().replace("oauth2accesstoken@", ""))

    report = doctor(gar_home, "--offline")

    check = report.finding("keyring-username")
    assert check["fix"] == f"Set the URL to {GAR_URL}."
    assert check["fix_plan"] is True


def test_doctor_fix_puts_oauth2accesstoken_back_in_the_gar_url_and_the_setup_is_healthy(gar_home):
    path = gar_home.project / "pyproject.toml"
    written = path.read_text()
    path.write_text(written.replace("oauth2accesstoken@", ""))

    result = fix(gar_home, "--offline")

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(gar_home, "keyring-username", result)
    assert path.read_text() == written
    assert doctor(gar_home, "--offline").verdicts("keyring-username") == {"ok"}


# -- keyring-on-path and tool-bin-on-path --------------------------------------------------


def only_uv_on_path(home, tmp_path) -> None:
    """A PATH with uv and nothing else: no keyring anywhere."""
    bin_dir = tmp_path / "only-uv"
    bin_dir.mkdir()
    (bin_dir / "uv").symlink_to(VENV_BIN / "uv")
    home.env["PATH"] = str(bin_dir)


def test_without_keyring_on_path_keyring_on_path_fails_with_the_install_command(gar_home, tmp_path):
    only_uv_on_path(gar_home, tmp_path)

    report = doctor(gar_home, "--offline")

    check = report.finding("keyring-on-path")
    assert check["verdict"] == "fail" and check["subject"] == "gar"
    assert "keyring is not on PATH" in check["message"]
    assert check["fix"] == GAR_INSTALL and check["fix_plan"] is False
    assert report.exit == 1


def test_running_the_offered_install_then_update_shell_clears_keyring_on_path(gar_home, tmp_path):
    only_uv_on_path(gar_home, tmp_path)
    command = doctor(gar_home, "--offline").finding("keyring-on-path")["fix"]

    installed = gar_home.run(*shlex.split(command))
    halfway = doctor(gar_home, "--offline")
    shell = gar_home.run(*shlex.split(halfway.finding("keyring-on-path")["fix"]))
    report = doctor_in_a_new_shell(gar_home, "--offline")

    assert installed.returncode == 0, installed.stderr
    # Installed, but uv's tool directory is not on PATH yet: the next fix is update-shell.
    assert "is installed in" in halfway.finding("keyring-on-path")["message"]
    assert halfway.finding("keyring-on-path")["fix"] == "uv tool update-shell"
    assert shell.returncode == 0, shell.stderr
    assert report.verdicts("keyring-on-path") == {"ok"}
    assert report.exit == 0, report.finding_ids


def tool_dir_off_path(home, gauth_keyring_bin, tmp_path) -> None:
    """keyring installed by `uv tool install` (uv's tool bin dir is the plugin keyring's), not on PATH."""
    only_uv_on_path(home, tmp_path)
    home.env["UV_TOOL_BIN_DIR"] = str(gauth_keyring_bin)


def test_a_keyring_in_uvs_tool_dir_off_path_fails_tool_bin_on_path_with_update_shell(
    gar_home, gauth_keyring_bin, tmp_path
):
    tool_dir_off_path(gar_home, gauth_keyring_bin, tmp_path)

    report = doctor(gar_home, "--offline")

    check = report.finding("tool-bin-on-path")
    assert str(gauth_keyring_bin) in check["message"] and "is not on PATH" in check["message"]
    assert check["fix"] == "uv tool update-shell" and check["fix_plan"] is False
    assert report.finding("keyring-on-path")["fix"] == "uv tool update-shell"


def test_uv_tool_update_shell_and_a_new_shell_clear_tool_bin_on_path(gar_home, gauth_keyring_bin, tmp_path):
    tool_dir_off_path(gar_home, gauth_keyring_bin, tmp_path)
    command = doctor(gar_home, "--offline").finding("tool-bin-on-path")["fix"]

    shell = gar_home.run(*shlex.split(command))
    report = doctor_in_a_new_shell(gar_home, "--offline")

    assert shell.returncode == 0, shell.stderr
    assert report.verdicts("tool-bin-on-path") == {"ok"}
    assert report.verdicts("keyring-on-path") == {"ok"}
    assert report.exit == 0, report.finding_ids


# -- keyring-outside-venv and plugin-importable ----------------------------------------------


@pytest.fixture
def project_venv(home) -> Path:
    """An activated project venv with keyring installed in it, as `pip install keyring` in a venv leaves it."""
    venv = home.project / ".venv"
    home.uv("venv", venv, check=True)
    shutil.copy2(VENV_BIN / "keyring", venv / "bin" / "keyring")  # a real keyring CLI, run by the test venv's Python
    home.env["VIRTUAL_ENV"] = str(venv)
    return venv


def test_the_virtualenvs_keyring_first_on_path_fails_keyring_outside_venv(gar_home, gauth_keyring_bin, project_venv):
    gar_home.put_first_on_path(project_venv / "bin")

    report = doctor(gar_home, "--offline")

    check = report.finding("keyring-outside-venv")
    assert str(project_venv / "bin" / "keyring") in check["message"]
    assert "pip ignores a keyring inside its own environment" in check["message"]
    assert f"pip would use {gauth_keyring_bin / 'keyring'} instead" in check["message"]
    assert check["fix"] == GAR_INSTALL and check["fix_plan"] is False


def test_ar_wizards_own_keyring_first_on_path_is_not_the_users(gar_home, gauth_keyring_bin):
    # `uvx ar-wizard` puts the wizard's environment, with a keyring in it, first on PATH.
    gar_home.put_first_on_path(VENV_BIN)

    report = doctor(gar_home, "--offline")

    assert report.verdicts("keyring-outside-venv") == {"ok"}
    assert str(gauth_keyring_bin / "keyring") in report.checks("keyring-on-path")[0]["message"]
    assert report.verdicts("plugin-importable") == {"ok"}


def test_installing_keyring_as_a_uv_tool_first_on_path_clears_keyring_outside_venv(gar_home, project_venv, user_bin):
    gar_home.env["PATH"] = os.pathsep.join([str(project_venv / "bin"), str(user_bin), "/usr/bin", "/bin"])
    command = doctor(gar_home, "--offline").finding("keyring-outside-venv")["fix"]

    installed = gar_home.run(*shlex.split(command))
    halfway = doctor(gar_home, "--offline")  # the venv's keyring still comes first; the next fix says why
    shell = gar_home.run(*shlex.split(halfway.finding("tool-bin-on-path")["fix"]))
    report = doctor_in_a_new_shell(gar_home, "--offline")

    assert installed.returncode == 0 and shell.returncode == 0, installed.stderr + shell.stderr
    assert "keyring-outside-venv" in halfway.finding_ids
    assert report.verdicts("keyring-outside-venv") == {"ok"}
    assert report.exit == 0, report.finding_ids


def test_a_keyring_without_the_artifact_registry_plugin_fails_plugin_importable(gar_home, keyring_bin):
    gar_home.put_first_on_path(keyring_bin)  # keyring with keyrings.alt only

    report = doctor(gar_home, "--offline")
    backends = gar_home.run("keyring", "--list-backends").stdout

    check = report.finding("plugin-importable")
    assert f"{keyring_bin / 'keyring'} cannot load keyrings.google-artifactregistry-auth" in check["message"]
    assert check["fix"] == GAR_INSTALL and check["fix_plan"] is False
    assert "GooglePythonAuth" not in backends


def test_installing_keyring_with_the_plugin_as_offered_clears_plugin_importable(gar_home, keyring_bin):
    gar_home.put_first_on_path(keyring_bin)
    command = doctor(gar_home, "--offline").finding("plugin-importable")["fix"]

    installed = gar_home.run(*shlex.split(command))
    halfway = doctor(gar_home, "--offline")  # the plugin-less keyring still comes first; the next fix says why
    shell = gar_home.run(*shlex.split(halfway.finding("tool-bin-on-path")["fix"]))
    report = doctor_in_a_new_shell(gar_home, "--offline")
    backends = in_a_new_shell(gar_home, "keyring", "--list-backends").stdout

    assert installed.returncode == 0 and shell.returncode == 0, installed.stderr + shell.stderr
    assert report.verdicts("plugin-importable") == {"ok"}
    assert report.exit == 0, report.finding_ids
    assert "GooglePythonAuth" in backends


# -- backend-not-forced and plugin-answers-host --------------------------------------------------


def test_a_forced_keyring_backend_fails_backend_not_forced_and_the_plugin_mints_nothing(gar_home):
    gar_home.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"

    report = doctor(gar_home, "--offline")
    got = gar_home.run("keyring", "get", GAR_URL.replace("oauth2accesstoken@", ""), "oauth2accesstoken")

    check = report.finding("backend-not-forced")
    assert "PYTHON_KEYRING_BACKEND=keyring.backends.null.Keyring" in check["message"]
    assert check["fix"] == "unset PYTHON_KEYRING_BACKEND" and check["fix_plan"] is False
    assert got.stdout.strip() == ""


def test_unsetting_python_keyring_backend_clears_backend_not_forced_and_the_plugin_mints(gar_home, token_server):
    gar_home.env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
    command = doctor(gar_home, "--offline").finding("backend-not-forced")["fix"]
    assert command == "unset PYTHON_KEYRING_BACKEND"

    gar_home.env.pop("PYTHON_KEYRING_BACKEND")
    report = doctor(gar_home, "--offline")
    got = gar_home.run("keyring", "get", GAR_URL.replace("oauth2accesstoken@", ""), "oauth2accesstoken")

    assert report.verdicts("backend-not-forced") == {"ok"}
    assert report.exit == 0, report.finding_ids
    assert got.returncode == 0 and got.stdout.strip() == token_server.issued[-1][1]


def proxy_keyring_index(home, private_index) -> None:
    """The plugin's setup, pointed at a URL in front of Artifact Registry (here the local index)."""
    proxy = private_index.simple_url.replace("http://", "http://oauth2accesstoken@")
    pyproject(home, '[tool.uv]\nkeyring-provider = "subprocess"\n\n' + index_toml("gar", proxy), needs_package=True)


def test_a_keyring_index_behind_a_proxy_fails_plugin_answers_host_and_uv_gets_no_token(
    gar_home, private_index, token_server, monkeypatch
):
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))
    proxy_keyring_index(gar_home, private_index)

    report = doctor(gar_home, "--offline")

    check = report.finding("plugin-answers-host")
    assert check["subject"] == "gar"
    assert "only answers for *.pkg.dev hosts and returns nothing for 127.0.0.1" in check["message"]
    assert "--auth token" in check["message"]
    assert check["fix"] is None and check["fix_plan"] is False
    assert gar_home.uv("lock", "--refresh").returncode != 0  # the plugin hands uv no token for this host


def test_a_minted_token_for_the_proxy_url_clears_plugin_answers_host_and_uv_resolves(
    gar_home, private_index, key_file, token_server, monkeypatch
):
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))
    proxy_keyring_index(gar_home, private_index)
    assert "plugin-answers-host" in doctor(gar_home, "--offline").finding_ids

    # The advice: --auth token with a minted token, for the same index.
    minted = gar_home.wizard("setup", *GAR, "--url", private_index.simple_url, "--index", "gar",
                             "--key-file", key_file, "--store", "uv", "--yes")
    report = doctor(gar_home)

    assert minted.returncode == 0, minted.stderr
    assert "plugin-answers-host" not in {c["id"] for c in report.data["checks"]}
    assert report.verdicts("credentials-accepted") == {"ok"}
    assert report.exit == 0, report.finding_ids
    assert gar_home.uv("lock", "--refresh").returncode == 0


# -- env-var-name ----------------------------------------------------------------------


def misspelt_dot_env(home, private_index, account):
    """An env-store setup whose variables were renamed by hand with a typo."""
    user, password = account
    assert setup(home, private_index, user, password, store="env").returncode == 0
    dotenv = home.project / ".env"
    dotenv.write_text(dotenv.read_text().replace("UV_INDEX_ACME_", "UV_INDEX_AMCE_"))
    pyproject_path = home.project / "pyproject.toml"
    pyproject_path.write_text(pyproject_path.read_text().replace("dependencies = []", f'dependencies = ["{PACKAGE}"]'))


def test_a_misspelt_variable_in_dot_env_warns_env_var_name_with_a_rename_plan(home, private_index, account):
    misspelt_dot_env(home, private_index, account)

    report = doctor(home)

    checks = {c["subject"]: c for c in report.checks("env-var-name")}
    assert set(checks) == {"UV_INDEX_AMCE_USERNAME", "UV_INDEX_AMCE_PASSWORD"}
    password = checks["UV_INDEX_AMCE_PASSWORD"]
    assert password["verdict"] == "warn"
    assert "the index 'acme' reads UV_INDEX_ACME_PASSWORD" in password["message"]
    assert password["fix"] == "Rename it to UV_INDEX_ACME_PASSWORD in .env." and password["fix_plan"] is True
    assert home.uv("lock", "--refresh", env=load_dotenv(home)).returncode != 0


def test_doctor_fix_renames_the_dot_env_variables_and_uv_resolves_with_them(home, private_index, account):
    user, password = account
    misspelt_dot_env(home, private_index, account)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "env-var-name", result)
    assert load_dotenv(home)["UV_INDEX_ACME_PASSWORD"] == password
    assert "AMCE" not in (home.project / ".env").read_text()
    assert doctor(home).verdicts("env-var-name") == {"ok"}
    assert home.uv("lock", "--refresh", env=load_dotenv(home)).returncode == 0


def misspelt_environment(home, private_index, account):
    """An index with no stored secret; its variables are exported under a misspelt name."""
    user, password = account
    pyproject(home, index_toml("acme", private_index.simple_url), needs_package=True)
    home.env |= {"UV_INDEX_AMCE_USERNAME": user, "UV_INDEX_AMCE_PASSWORD": password}


def test_a_misspelt_variable_in_the_environment_warns_with_where_to_rename_it(home, private_index, account):
    misspelt_environment(home, private_index, account)

    report = doctor(home)

    checks = {c["subject"]: c for c in report.checks("env-var-name")}
    assert set(checks) == {"UV_INDEX_AMCE_USERNAME", "UV_INDEX_AMCE_PASSWORD"}
    check = checks["UV_INDEX_AMCE_PASSWORD"]
    assert check["verdict"] == "warn" and "(in the environment)" in check["message"]
    assert check["fix"] == "Rename it to UV_INDEX_ACME_PASSWORD where it is set." and check["fix_plan"] is False
    assert home.uv("lock", "--refresh").returncode != 0


def test_renaming_the_environment_variables_clears_env_var_name_and_uv_resolves(home, private_index, account):
    misspelt_environment(home, private_index, account)
    assert "env-var-name" in doctor(home).finding_ids

    for part in ("USERNAME", "PASSWORD"):
        home.env[f"UV_INDEX_ACME_{part}"] = home.env.pop(f"UV_INDEX_AMCE_{part}")
    report = doctor(home)

    assert report.verdicts("env-var-name") == {"ok"}
    assert report.exit == 0, report.finding_ids
    assert home.uv("lock", "--refresh").returncode == 0


def password_variable_alone(home, private_index, account):
    """The username in the URL, the password in UV_INDEX_ACME_PASSWORD: uv sends neither."""
    user, password = account
    url = private_index.simple_url.replace("http://", f"http://{user}@")
    pyproject(home, index_toml("acme", url), needs_package=True)
    home.env["UV_INDEX_ACME_PASSWORD"] = password


def test_a_password_variable_without_its_username_variable_warns_env_var_name_as_uv_ignores_it(
    home, private_index, account
):
    password_variable_alone(home, private_index, account)

    report = doctor(home)

    check = report.finding("env-var-name")
    assert check["subject"] == "UV_INDEX_ACME_PASSWORD"
    assert "is set without UV_INDEX_ACME_USERNAME" in check["message"]
    assert check["fix"].startswith("Set UV_INDEX_ACME_USERNAME beside it") and check["fix_plan"] is False
    assert report.finding("credentials-accepted")["verdict"] == "fail"  # as uv: no credential is sent
    assert home.uv("lock", "--refresh").returncode != 0


def test_setting_the_username_variable_beside_the_password_clears_env_var_name_and_uv_resolves(
    home, private_index, account
):
    user, _ = account
    password_variable_alone(home, private_index, account)
    assert "env-var-name" in doctor(home).finding_ids

    home.env["UV_INDEX_ACME_USERNAME"] = user
    report = doctor(home)

    assert report.verdicts("env-var-name") == {"ok"}
    assert report.exit == 0, report.finding_ids
    assert home.uv("lock", "--refresh").returncode == 0


# -- index-name-collision ------------------------------------------------------------------


def colliding_indexes(home, private_index, tmp_path):
    pyproject(home, index_toml("acme-prod", private_index.simple_url) + "\n" + index_toml("acme_prod", tmp_path.as_uri())
              + '\n[tool.uv.sources]\nacme-secret = { index = "acme_prod" }\n')


def test_two_index_names_that_share_variables_fail_index_name_collision(home, private_index, tmp_path):
    colliding_indexes(home, private_index, tmp_path)

    report = doctor(home, "--offline")

    check = report.finding("index-name-collision")
    assert check["subject"] == "acme_prod"
    assert "both read UV_INDEX_ACME_PROD_USERNAME/_PASSWORD" in check["message"]
    assert check["fix_plan"] is True and "Rename 'acme_prod' to 'acme_prod-2'" in check["fix"]


def test_the_offered_rename_clears_index_name_collision_and_keeps_the_sources_pointing_at_the_index(
    home, private_index, tmp_path
):
    colliding_indexes(home, private_index, tmp_path)
    path = home.project / "pyproject.toml"
    before = path.read_text()

    result = fix(home, "--offline")

    assert_fixed_with_backup(home, "index-name-collision", result)
    assert "UV_INDEX_ACME_PROD_2_USERNAME" in result.stderr  # the note on the renamed index's variables
    assert path.read_text() == before.replace('"acme_prod"', '"acme_prod-2"')
    assert doctor(home, "--offline").verdicts("index-name-collision") == {"ok"}


def test_renaming_one_of_the_colliding_indexes_by_hand_clears_index_name_collision(home, private_index, tmp_path):
    colliding_indexes(home, private_index, tmp_path)
    assert "index-name-collision" in doctor(home, "--offline").finding_ids

    path = home.project / "pyproject.toml"
    path.write_text(path.read_text().replace('"acme_prod"', '"acme-mirror"'))

    assert doctor(home, "--offline").verdicts("index-name-collision") == {"ok"}


# -- simple-path -----------------------------------------------------------------------


def index_without_simple(home, private_index, account):
    netrc_setup(home, private_index, account)
    path = home.project / "pyproject.toml"
    path.write_text(path.read_text().replace("/simple/", "/"))


def test_an_index_url_without_simple_warns_simple_path_with_the_url_to_set(home, private_index, account):
    # (pypiserver also serves /PROJECT/ at its root, so uv copes here; Artifact Registry,
    # CodeArtifact and Azure answer 404 without /simple/.)
    index_without_simple(home, private_index, account)

    report = doctor(home)

    check = report.finding("simple-path")
    assert check["subject"] == "acme" and "lacks the /simple/ part" in check["message"]
    assert check["fix"] == f"Set the URL to {private_index.simple_url}." and check["fix_plan"] is True


def test_doctor_fix_adds_simple_to_the_url_and_uv_add_resolves(home, private_index, account):
    index_without_simple(home, private_index, account)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "simple-path", result)
    assert f'url = "{private_index.simple_url}"' in (home.project / "pyproject.toml").read_text()
    assert doctor(home).exit == 0
    assert uv_adds_package(home)


# -- index-host --------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["999.1.1.1", "1.2.3.4.5"])
def test_a_configured_host_uv_cannot_read_fails_index_host_and_the_real_uv_agrees(home, host):
    url = f"https://{host}/simple/"
    (home.project / "pyproject.toml").write_text(
        HEAD + f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n')

    report = doctor(home, "--offline")

    check = report.finding("index-host")
    assert check["verdict"] == "fail" and check["subject"] == "acme" and url in check["message"]
    assert home.uv("lock").returncode != 0  # the finding is real: uv refuses the config


# -- credentials-in-url ------------------------------------------------------------------


def password_in_url(home, private_index, account):
    user, password = account
    url = private_index.simple_url.replace("http://", f"http://{user}:{password}@")
    pyproject(home, index_toml("acme", url))


def test_a_password_in_the_pyproject_index_url_fails_credentials_in_url(home, private_index, account):
    user, password = account
    password_in_url(home, private_index, account)

    result = home.wizard("doctor", "--json")
    report = doctor(home)

    check = report.finding("credentials-in-url")
    assert check["verdict"] == "fail" and check["subject"] == "acme"
    assert check["fix"] == "Move it to uv’s credential store and keep only the username in the URL."
    assert check["fix_plan"] is True
    assert report.data["indexes"][0]["url"] == private_index.simple_url.replace("http://", f"http://{user}@")
    assert report.data["indexes"][0]["credentials"] == ["the URL in ~/work/demo/pyproject.toml"]
    assert password not in result.stdout + result.stderr


@pytest.mark.parametrize("store", ["uv", "netrc"])
def test_doctor_fix_moves_the_password_out_of_pyproject_and_uv_add_still_resolves(
    home, private_index, account, store, tmp_path
):
    user, password = account
    password_in_url(home, private_index, account)
    if store == "netrc":  # without uv on PATH the password goes to ~/.netrc, which uv and pip both read
        home.env["PATH"] = str(tmp_path)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "credentials-in-url", result)
    text = (home.project / "pyproject.toml").read_text()
    assert password not in text
    assert private_index.simple_url.replace("http://", f"http://{user}@") in text
    if store == "uv":
        assert home.uv("auth", "token", private_index.simple_url, "--username", user).stdout.strip() == password
    else:
        assert password in (home.root / ".netrc").read_text()
    assert doctor(home).verdicts("credentials-in-url") == {"ok"}
    assert uv_adds_package(home)
    assert password not in (home.project / "pyproject.toml").read_text() + (home.project / "uv.lock").read_text()


def test_a_password_in_the_uv_index_variable_is_named_with_a_by_hand_fix_that_clears_it(
    home, private_index, account
):
    user, password = account
    pyproject(home, "", needs_package=True)
    home.env["UV_INDEX"] = "acme=" + private_index.simple_url.replace("http://", f"http://{user}:{password}@")

    broken = doctor(home)
    home.env["UV_INDEX"] = "acme=" + private_index.simple_url
    home.env |= {"UV_INDEX_ACME_USERNAME": user, "UV_INDEX_ACME_PASSWORD": password}
    fixed = doctor(home)

    check = broken.finding("credentials-in-url")
    assert "$UV_INDEX" in check["message"] and check["fix_plan"] is False
    assert check["fix"] == "Take it out of $UV_INDEX and set UV_INDEX_ACME_USERNAME and UV_INDEX_ACME_PASSWORD instead."
    assert fixed.verdicts("credentials-in-url") == {"ok"}
    assert fixed.verdicts("credentials-accepted") == {"ok"} and fixed.exit == 0
    assert home.uv("lock", "--refresh").returncode == 0


# -- credentials-in-lock -----------------------------------------------------------------


def password_in_lock(home, private_index, account) -> Path:
    """A lock whose index URLs carry the password, as older uv versions wrote them."""
    user, password = account
    netrc_setup(home, private_index, account)
    assert uv_adds_package(home)
    lock = home.project / "uv.lock"
    lock.write_text(lock.read_text().replace("http://127.0.0.1", f"http://{user}:{password}@127.0.0.1"))
    return lock


def test_a_password_in_uv_lock_urls_fails_credentials_in_lock(home, private_index, account):
    _, password = account
    password_in_lock(home, private_index, account)

    result = home.wizard("doctor", "--offline")
    report = doctor(home, "--offline")

    check = report.finding("credentials-in-lock")
    assert check["verdict"] == "fail" and check["subject"] == "uv.lock"
    assert check["fix_plan"] is True and "rotate" in check["fix"]
    assert password not in result.stdout + result.stderr


def test_doctor_fix_strips_the_password_from_uv_lock_and_uv_sync_locked_still_works(home, private_index, account):
    _, password = account
    lock = password_in_lock(home, private_index, account)

    result = fix(home, "--offline")

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "credentials-in-lock", result)
    assert password not in lock.read_text()
    assert doctor(home, "--offline").verdicts("credentials-in-lock") == {"ok"}
    synced = home.uv("sync", "--locked", "--refresh")
    assert synced.returncode == 0, synced.stderr


# -- pip-only-index ----------------------------------------------------------------------


def pip_only_index(home, private_index, account):
    """The private index only in [tool.uv.pip]; its password in ~/.netrc."""
    user, password = account
    url = private_index.simple_url.replace("http://", f"http://{user}@")
    pyproject(home, f'[tool.uv.pip]\nextra-index-url = ["{url}"]\n')
    write_netrc(home, user, password)


def test_an_index_only_in_tool_uv_pip_warns_pip_only_index_and_uv_add_ignores_it(home, private_index, account):
    pip_only_index(home, private_index, account)

    report = doctor(home)

    check = report.finding("pip-only-index")
    assert check["subject"] == private_index.simple_url
    assert check["fix"] == "Add it as [[tool.uv.index]] name = '127'." and check["fix_plan"] is True
    assert not uv_adds_package(home)


def test_doctor_fix_adds_the_pip_only_index_as_a_uv_index_and_uv_add_resolves(home, private_index, account):
    pip_only_index(home, private_index, account)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "pip-only-index", result)
    assert '[[tool.uv.index]]\nname = "127"' in (home.project / "pyproject.toml").read_text()
    report = doctor(home)
    assert report.verdicts("pip-only-index") == {"ok"}
    assert report.verdicts("credentials-accepted") == {"ok"}
    assert uv_adds_package(home)


# -- user-scope ------------------------------------------------------------------------


def uv_outside_the_project_resolves(home) -> bool:
    ran = home.run("uv", "run", "--refresh", "--no-project", "--with", PACKAGE, "python", "-c", "import acme_secret", cwd=home.root)
    return ran.returncode == 0


def test_a_project_only_index_is_info_user_scope_and_the_exit_code_stays_0(home, private_index, account):
    netrc_setup(home, private_index, account)

    report = doctor(home)
    text = home.wizard("doctor")

    check = report.checks("user-scope")[0]
    assert check["verdict"] == "info" and check["subject"] == "acme"
    assert check["fix"] == "Copy it to ~/.config/uv/uv.toml if you install tools from it." and check["fix_plan"] is True
    assert report.exit == 0 and report.data["healthy"] is True
    assert text.returncode == 0 and "i info user-scope" in text.stdout
    assert "(ar-wizard doctor --fix)" not in text.stdout  # --fix applies findings only
    assert not uv_outside_the_project_resolves(home)


def test_applying_the_user_scope_plan_lets_uv_outside_the_project_resolve_the_package(home, private_index, account):
    from ar_wizard import doctor as core
    from ar_wizard.apply import apply

    netrc_setup(home, private_index, account)
    check = next(c for c in core.diagnose(home.project, offline=True).checks if c.id == "user-scope")
    assert check.fixer is not None

    applied = apply(check.fixer(), label="doctor fix user-scope")  # what the wizard's Doctor screen does

    assert applied.backup_id and "doctor fix user-scope" in backups(home)
    assert "[[index]]" in (home.root / ".config" / "uv" / "uv.toml").read_text()
    report = doctor(home)
    assert report.verdicts("user-scope") == {"ok"} and report.exit == 0
    # The index is now in both configs: one index to uv, so one live check and one line, not two.
    assert len(report.checks("credentials-accepted")) == 1
    assert uv_outside_the_project_resolves(home)


# -- pip-conf-shadowed -------------------------------------------------------------------


def shadowed_pip_conf(home, private_index, account, tmp_path):
    """The private index in ~/.pip/pip.conf; ~/.config/pip/pip.conf sets another extra-index-url."""
    user, password = account
    write_netrc(home, user, password)
    (home.root / ".pip").mkdir()
    (home.root / ".pip" / "pip.conf").write_text(f"[global]\nextra-index-url = {private_index.simple_url}\n")
    other = tmp_path / "other-index"
    other.mkdir()
    (home.root / ".config" / "pip").mkdir(parents=True)
    winner = home.root / ".config" / "pip" / "pip.conf"
    winner.write_text(f"[global]\n# the team mirror\nextra-index-url = {other.as_uri()}\n")
    return winner


def pip_downloads(home, tmp_path) -> bool:
    dest = tmp_path / f"dl-{secrets.token_hex(3)}"
    ran = home.pip("download", "--no-cache-dir", "--no-deps", "-d", dest, PACKAGE)
    return ran.returncode == 0 and (dest / wheel_filename(PACKAGE, "1.0.0")).exists()


def test_an_extra_index_url_in_dot_pip_shadowed_by_the_xdg_pip_conf_warns_and_pip_ignores_it(
    home, private_index, account, tmp_path
):
    shadowed_pip_conf(home, private_index, account, tmp_path)

    report = doctor(home)
    in_effect = home.pip("config", "get", "global.extra-index-url").stdout

    check = report.finding("pip-conf-shadowed")
    assert check["subject"] == "~/.pip/pip.conf"
    assert f"pip reads ~/.pip/pip.conf before ~/.config/pip/pip.conf, so the extra-index-url of the first ({private_index.simple_url})" in check["message"]
    assert check["fix"] == "Add those URLs to ~/.config/pip/pip.conf's extra-index-url." and check["fix_plan"] is True
    # The real pip agrees: only the XDG file's extra-index-url is in effect.
    assert in_effect.split() == [(tmp_path / "other-index").as_uri()]
    assert not pip_downloads(home, tmp_path)


def test_doctor_fix_merges_the_shadowed_url_into_the_winning_pip_conf_and_pip_download_works(
    home, private_index, account, tmp_path
):
    winner = shadowed_pip_conf(home, private_index, account, tmp_path)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "pip-conf-shadowed", result)
    assert "# the team mirror" in winner.read_text()
    assert home.pip("config", "get", "global.extra-index-url").stdout.split() == [
        (tmp_path / "other-index").as_uri(), private_index.simple_url]
    assert doctor(home).verdicts("pip-conf-shadowed") == {"ok"}
    assert pip_downloads(home, tmp_path)


def pip_conf_file_overrides(home, private_index, account, tmp_path) -> Path:
    """The private index in ~/.config/pip/pip.conf, while PIP_CONFIG_FILE names a CI file."""
    user, password = account
    write_netrc(home, user, password)
    (home.root / ".config" / "pip").mkdir(parents=True)
    (home.root / ".config" / "pip" / "pip.conf").write_text(f"[global]\nextra-index-url = {private_index.simple_url}\n")
    ci = tmp_path / "ci-pip.conf"
    ci.write_text("[global]\ntimeout = 60\n")
    home.env["PIP_CONFIG_FILE"] = str(ci)
    return ci


def test_a_pip_config_file_variable_hides_the_user_pip_conf_entirely_and_doctor_says_so(
    home, private_index, account, tmp_path
):
    ci = pip_conf_file_overrides(home, private_index, account, tmp_path)

    report = doctor(home)
    in_effect = home.pip("config", "get", "global.extra-index-url")

    check = report.finding("pip-conf-shadowed")
    assert check["subject"] == "~/.config/pip/pip.conf"
    assert f"pip does not read ~/.config/pip/pip.conf at all while PIP_CONFIG_FILE={ci}" in check["message"]
    assert check["fix"] == f"Add those URLs to {ci}'s extra-index-url." and check["fix_plan"] is True
    assert in_effect.returncode != 0  # the real pip has no extra-index-url at all
    assert not pip_downloads(home, tmp_path)


def test_doctor_fix_adds_the_hidden_url_to_the_pip_config_file_and_pip_download_works(
    home, private_index, account, tmp_path
):
    ci = pip_conf_file_overrides(home, private_index, account, tmp_path)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "pip-conf-shadowed", result)
    assert "timeout = 60" in ci.read_text()
    assert home.pip("config", "get", "global.extra-index-url").stdout.split() == [private_index.simple_url]
    assert doctor(home).verdicts("pip-conf-shadowed") == {"ok"}
    assert pip_downloads(home, tmp_path)


def test_pip_config_file_dev_null_hides_every_pip_conf_and_the_fix_is_to_unset_it(home, private_index, account, tmp_path):
    pip_conf_file_overrides(home, private_index, account, tmp_path)
    home.env["PIP_CONFIG_FILE"] = os.devnull

    report = doctor(home)
    in_effect = home.pip("config", "get", "global.extra-index-url")
    home.env.pop("PIP_CONFIG_FILE")
    unset = doctor(home)

    check = report.finding("pip-conf-shadowed")
    assert f"pip does not read ~/.config/pip/pip.conf at all while PIP_CONFIG_FILE={os.devnull}" in check["message"]
    assert check["fix"].startswith("Unset PIP_CONFIG_FILE") and check["fix_plan"] is False
    assert in_effect.returncode != 0
    assert unset.verdicts("pip-conf-shadowed") == {"ok"}
    assert pip_downloads(home, tmp_path)


def shadowed_index_url(home, private_index, tmp_path):
    (home.root / ".pip").mkdir()
    (home.root / ".pip" / "pip.conf").write_text(f"[global]\nindex-url = {private_index.simple_url}\n")
    (home.root / ".config" / "pip").mkdir(parents=True)
    winner = home.root / ".config" / "pip" / "pip.conf"
    winner.write_text(f"[global]\nindex-url = {tmp_path.as_uri()}\n")
    return winner


def test_two_index_urls_warn_pip_conf_shadowed_with_a_by_hand_fix(home, private_index, tmp_path):
    shadowed_index_url(home, private_index, tmp_path)

    report = doctor(home, "--offline")
    in_effect = home.pip("config", "get", "global.index-url").stdout

    check = report.finding("pip-conf-shadowed")
    assert "the index-url of the first" in check["message"]
    assert check["fix"] == "Keep one index-url: move the other to extra-index-url in ~/.config/pip/pip.conf."
    assert check["fix_plan"] is False
    assert in_effect.strip() == tmp_path.as_uri()


def test_moving_the_lost_index_url_to_extra_index_url_by_hand_clears_pip_conf_shadowed(home, private_index, tmp_path):
    winner = shadowed_index_url(home, private_index, tmp_path)
    assert "pip-conf-shadowed" in doctor(home, "--offline").finding_ids

    winner.write_text(winner.read_text() + f"extra-index-url = {private_index.simple_url}\n")

    assert doctor(home, "--offline").verdicts("pip-conf-shadowed") == {"ok"}


# -- token-expiry -------------------------------------------------------------------------


@pytest.fixture
def minted_gar(home, private_index, key_file, token_server, monkeypatch):
    """An index whose token ar-wizard minted from a service-account key; the index accepts each new token."""
    monkeypatch.setattr(token_server, "on_issue", lambda token: private_index.set_password("oauth2accesstoken", token))

    def make(lifetime: int = 3599):
        monkeypatch.setattr(token_server, "lifetime", lifetime)
        result = home.wizard("setup", *GAR, "--url", private_index.simple_url, "--index", "gar",
                             "--key-file", key_file, "--store", "uv", "--yes")
        assert result.returncode == 0, result.stderr
        monkeypatch.setattr(token_server, "lifetime", 3599)
        assert uv_adds_package(home)
        return home

    return make


def test_a_minted_token_with_20_min_left_warns_and_an_expired_one_fails_token_expiry(minted_gar, private_index):
    from ar_wizard import doctor as core
    from ar_wizard import expiry

    home = minted_gar()
    token = expiry.for_url(private_index.simple_url)
    assert token is not None, "the minted token's expiry is recorded"
    expires = token.expires_at

    def token_check(now):
        report = core.diagnose(home.project, offline=True, now=now)
        return next(c for c in report.checks if c.id == "token-expiry")

    later, soon, gone = (token_check(expires - timedelta(hours=2)), token_check(expires - timedelta(minutes=20)),
                         token_check(expires + timedelta(minutes=5)))

    assert later.verdict == "ok" and "expires in 2 h" in later.message
    assert soon.verdict == "warn" and soon.finding
    assert "The token for 'gar' (minted for uploader@acme-prod.iam.gserviceaccount.com) expires in 20 min" in soon.message
    assert soon.fix == "ar-wizard rotate --index gar" and soon.fixer is not None
    assert gone.verdict == "fail" and "expired 5 min ago" in gone.message


def test_a_short_lived_minted_token_warns_token_expiry_in_the_cli(minted_gar):
    home = minted_gar(lifetime=600)  # 10 minutes: inside the 30 minutes doctor warns about

    report = doctor(home, "--offline")

    check = report.finding("token-expiry")
    assert check["verdict"] == "warn" and check["subject"] == "gar"
    assert "expires in" in check["message"]
    assert check["fix"] == "ar-wizard rotate --index gar" and check["fix_plan"] is True
    assert report.exit == 1


def test_doctor_fix_re_mints_an_expired_token_and_token_expiry_passes(minted_gar, token_server):
    home = minted_gar(lifetime=0)  # expired the moment it was issued
    assert doctor(home, "--offline").finding("token-expiry")["verdict"] == "fail"
    issued = len(token_server.issued)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "token-expiry", result)
    assert len(token_server.issued) > issued
    report = doctor(home)
    assert report.verdicts("token-expiry") == {"ok"}
    assert report.verdicts("credentials-accepted") == {"ok"}
    assert home.uv("lock", "--refresh").returncode == 0


# -- credentials-accepted -------------------------------------------------------------------


def test_a_password_the_index_rejects_fails_credentials_accepted_with_the_rotate_command(
    home, private_index, account
):
    user, _ = account
    netrc_setup(home, private_index, account)
    assert uv_adds_package(home)
    private_index.set_password(user, "pw-" + secrets.token_urlsafe(12))  # the registry revoked the old one

    report = doctor(home)

    check = report.finding("credentials-accepted")
    assert check["verdict"] == "fail" and check["subject"] == "acme"
    assert "'acme' (~/.netrc (machine 127.0.0.1))" in check["message"] and "401" in check["message"]
    assert check["fix"] == "ar-wizard rotate --index acme" and check["fix_plan"] is False
    assert report.exit == 1
    assert home.uv("lock", "--refresh").returncode != 0


def test_rotating_to_the_right_password_clears_credentials_accepted(home, private_index, account):
    user, _ = account
    netrc_setup(home, private_index, account)
    new = "pw-" + secrets.token_urlsafe(12)
    private_index.set_password(user, new)
    command = doctor(home).finding("credentials-accepted")["fix"]

    rotated = home.wizard(*shlex.split(command)[1:], "--password-stdin", "--yes", input=new + "\n")
    report = doctor(home)

    assert rotated.returncode == 0, rotated.stderr
    assert report.verdicts("credentials-accepted") == {"ok"}
    assert report.exit == 0


def test_a_revoked_minted_gar_token_fails_credentials_accepted_with_a_re_mint_plan(minted_gar, private_index):
    home = minted_gar()
    private_index.set_password("oauth2accesstoken", "revoked-" + secrets.token_urlsafe(8))

    report = doctor(home)

    check = report.finding("credentials-accepted")
    assert check["subject"] == "gar" and "uv's credential store" in check["message"]
    assert check["fix"] == "ar-wizard rotate --index gar" and check["fix_plan"] is True
    assert home.uv("lock", "--refresh").returncode != 0


def test_doctor_fix_re_mints_a_revoked_gar_token_and_uv_resolves(minted_gar, private_index, token_server):
    home = minted_gar()
    private_index.set_password("oauth2accesstoken", "revoked-" + secrets.token_urlsafe(8))
    issued = len(token_server.issued)

    result = fix(home)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_fixed_with_backup(home, "credentials-accepted", result)
    assert len(token_server.issued) == issued + 1
    stored = home.uv("auth", "token", private_index.simple_url, "--username", "oauth2accesstoken").stdout.strip()
    assert stored == token_server.issued[-1][1]
    assert doctor(home).verdicts("credentials-accepted") == {"ok"}
    assert home.uv("lock", "--refresh").returncode == 0


def test_doctor_with_no_index_at_all_says_so_and_how_to_start_instead_of_healthy(home):
    report = doctor(home, "--offline")

    check = report.finding("index-found")
    assert report.exit == 1 and report.data["healthy"] is False
    assert "No private index is configured" in check["message"] and "ar-wizard" in check["fix"]


def test_a_project_that_names_an_index_this_machine_has_no_credentials_for_says_so(home, private_index):
    with (home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{private_index.simple_url}"\n')

    report = doctor(home)

    check = report.finding("credentials-accepted")
    assert check["message"] == (
        f"This machine holds no credentials for 'acme' yet, and {private_index.simple_url} asks for them."
    )
    assert "''" not in check["message"]


def test_a_fresh_token_the_index_still_refuses_is_a_finding_not_a_fix_and_nothing_is_written(
    minted_gar, private_index, token_server, monkeypatch
):
    home = minted_gar()
    # The identity lost its role: every token minted from now on is refused as well.
    monkeypatch.setattr(token_server, "on_issue", lambda token: None)
    private_index.set_password("oauth2accesstoken", "revoked-" + secrets.token_urlsafe(8))
    before = home.files()
    issued = len(token_server.issued)

    result = fix(home)

    assert result.returncode == 1, result.stdout + result.stderr
    assert len(token_server.issued) == issued + 1
    assert "A token minted just now for uploader@acme-prod.iam.gserviceaccount.com is refused too" in result.stderr
    # A fresh token rules the token out: the sentence points at the identity's role, not at the token.
    assert "lacks roles/artifactregistry.reader" in result.stderr
    assert "nothing was written" in result.stderr and "Fixed" not in result.stdout
    assert "doctor fix credentials-accepted" not in backups(home)
    assert {p: b for p, b in home.files().items() if "ar-wizard" not in str(p)} == {
        p: b for p, b in before.items() if "ar-wizard" not in str(p)}


@pytest.mark.parametrize(("username", "plugin_checked"), [("azure", False), ("VssSessionToken", True)])
def test_plugin_checks_are_for_plugin_indexes_only_not_a_pat_kept_with_keyring_set(
    keyring_home, username, plugin_checked
):
    url = f"https://{username}@pkgs.dev.azure.com/acme/_packaging/py/pypi/simple/"
    with (keyring_home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[tool.uv]\nkeyring-provider = "subprocess"\n\n[[tool.uv.index]]\nname = "feed"\nurl = "{url}"\n')
    # PYTHON_KEYRING_BACKEND is set (the file backend): it hides a plugin, not a stored PAT.

    report = doctor(keyring_home, "--offline")

    assert report.verdicts("keyring-on-path") == {"ok"}
    if plugin_checked:
        assert {"plugin-importable", "backend-not-forced"} <= set(report.finding_ids)
    else:
        assert not report.checks("plugin-importable") and not report.checks("backend-not-forced")
        assert report.exit == 0, report.finding_ids


# -- doctor --fix on combined findings -------------------------------------------------------


def combined_findings(home, private_index, account) -> Path:
    """Seven findings in one project: two indexes that share variables, the later one's URL with a
    password and without /simple/, a .env variable named for neither, a password in uv.lock, and an
    index only pip is told about."""
    user, password = account
    bare = private_index.simple_url.replace("/simple/", "/").replace("http://", f"http://{user}:{password}@")
    other = private_index.simple_url.replace("127.0.0.1", "localhost")
    path = pyproject(home, index_toml("acme-prod", private_index.simple_url) + "\n" + index_toml("acme_prod", bare)
                     + f'\n[tool.uv.pip]\nextra-index-url = ["{other}"]\n')
    (home.project / ".env").write_text(f"UV_INDEX_ACMEPROD_USERNAME={user}\nUV_INDEX_ACMEPROD_PASSWORD={password}\n")
    (home.project / "uv.lock").write_text(
        'version = 1\nrequires-python = ">=3.10"\n\n[[package]]\nname = "demo"\nversion = "0.1.0"\n'
        f'source = {{ registry = "{bare}" }}\n')
    return path


def test_doctor_fix_on_combined_findings_replans_after_each_fix_and_ends_healthy_or_names_what_it_skipped(
        home, private_index, account):
    _, password = account
    path = combined_findings(home, private_index, account)
    before = doctor(home, "--offline")
    found = sorted((c["id"], c["subject"]) for c in before.data["checks"] if c["verdict"] in ("warn", "fail"))
    assert len(found) == 7 and {c for c, _ in found} == {"credentials-in-lock", "credentials-in-url", "env-var-name",
                                                         "index-name-collision", "pip-only-index", "simple-path"}

    result = fix(home, "--offline")

    assert "Traceback" not in result.stderr, result.stderr
    after = doctor(home, "--offline")
    text = path.read_text()
    assert password not in text, "the password was moved even though the rename fix changed the index's name"
    assert password not in (home.project / "uv.lock").read_text()
    skipped = [line for line in result.stderr.splitlines() if line.startswith("Skipped the fix for")]
    for check in after.data["checks"]:
        if check["verdict"] in ("warn", "fail") and check["fix_plan"]:
            assert any(f"{check['id']} ({check['subject']})" in line for line in skipped), (check, result.stderr)
    for line in skipped:
        assert ": " in line and line.endswith("."), "each skipped fix says why"
    assert "Skipped the fix for credentials-in-url (acme_prod): an earlier fix renamed it, and it was fixed as " \
           "'acme_prod-2'." in skipped, result.stderr
    assert after.exit == 0 or skipped, "healthy, or it named what it skipped"
    names = {env.split("=")[0] for env in (home.project / ".env").read_text().splitlines()}
    index_names = {i["name"] for i in after.data["indexes"]}
    stems = {name.upper().replace("-", "_") for name in index_names}
    assert all(var.removeprefix("UV_INDEX_").rsplit("_", 1)[0] in stems for var in names), (names, index_names)
