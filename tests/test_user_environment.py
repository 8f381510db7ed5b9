"""ar-wizard looks at the user's tools, in the user's versions: not at its own environment's.

Old clients are the real ones, installed from PyPI into temp dirs: uv 0.8.15
(whose `uv auth login` refuses http:// URLs) and pip 22.0.2 (which ignores
`keyring-provider`). The keyring plugin that takes its time is a `keyring`
shim that logs each call and sleeps, as a cloud plugin with no credentials does.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest

from conftest import PACKAGE, VENV_BIN
from test_setup_real_tools import setup

pytestmark = pytest.mark.integration


def _venv_with(root: Path, requirement: str, *, seed: bool = False) -> Path:
    """A venv holding ``requirement``, installed by the real uv from the package registry."""
    uv = str(VENV_BIN / "uv")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV"))}
    import subprocess

    subprocess.run([uv, "venv", "--quiet", "--python", sys.executable, *(["--seed"] if seed else []), str(root)],
                   env=env, check=True, capture_output=True)
    subprocess.run([uv, "pip", "install", "--quiet", "--python", str(root / "bin" / "python"), requirement],
                   env=env, check=True, capture_output=True)
    return root


@pytest.fixture(scope="session")
def old_uv_bin(tmp_path_factory) -> Path:
    """uv 0.8.15, the first with a credential store, whose `uv auth login` takes https only."""
    return _venv_with(tmp_path_factory.mktemp("uv-0.8.15"), "uv==0.8.15") / "bin"


@pytest.fixture
def old_pip_project(home) -> Path:
    """The project's own venv holds pip 22.0.2 (what Ubuntu 22.04 ships)."""
    venv = _venv_with(home.project / ".venv", "pip==22.0.2", seed=True)
    return venv / "bin" / "pip"


# -- uv's version ---------------------------------------------------------------------


def test_uv_0_8_15_is_refused_for_an_http_index_before_anything_is_written(home, private_index, account, old_uv_bin):
    user, password = account
    home.put_first_on_path(old_uv_bin)
    before = home.files()

    result = setup(home, private_index, user, password, store="uv")

    assert result.returncode == 2, result.stderr
    assert "uv 0.8.15 stores credentials only for https URLs" in result.stderr
    assert "uv self update" in result.stderr and "--store netrc" in result.stderr
    assert home.files() == before


def test_a_tools_error_line_is_what_ar_wizard_shows_not_its_help_hint(home, private_index, old_uv_bin):
    from ar_wizard.credentials.process import first_line

    refused = home.run(old_uv_bin / "uv", "auth", "login", private_index.simple_url, "--username", "u",
                       "--password", "-", input="pw\n")

    assert refused.returncode != 0
    assert refused.stderr.strip().splitlines()[-1].startswith("For more information")
    assert first_line(refused.stderr).startswith("error:")


def test_the_uv_ar_wizard_runs_is_the_users_not_its_own(home, private_index, account, old_uv_bin):
    # The wizard's own environment (first on PATH under uvx) has a new uv; the user's shell runs 0.8.15.
    user, password = account
    home.env["PATH"] = os.pathsep.join([str(VENV_BIN), str(old_uv_bin), home.env["PATH"]])

    result = setup(home, private_index, user, password, store="uv")

    assert result.returncode == 2 and "uv 0.8.15" in result.stderr


# -- pip's version ----------------------------------------------------------------------


def test_pip_older_than_23_1_is_refused_for_the_keyring_store_before_anything_is_written(
    keyring_home, private_index, account, old_pip_project
):
    user, password = account
    before = keyring_home.files()

    result = setup(keyring_home, private_index, user, password, "--targets", "uv,pip", store="keyring")

    assert result.returncode == 2, result.stderr
    assert f"pip 22.0.2 ({old_pip_project}) ignores keyring-provider" in result.stderr
    assert f"{old_pip_project} install --upgrade pip" in result.stderr and "--store netrc" in result.stderr
    assert keyring_home.files() == before


def test_doctor_fails_pip_version_where_pip_conf_asks_a_keyring_old_pip_ignores(
    keyring_home, private_index, account, old_pip_project
):
    user, password = account
    conf = keyring_home.root / ".config" / "pip" / "pip.conf"
    conf.parent.mkdir(parents=True)
    url = private_index.simple_url.replace("://", f"://{user}@")
    conf.write_text(f"[global]\nextra-index-url = {url}\nkeyring-provider = subprocess\n")

    result = keyring_home.wizard("doctor", "--json", "--offline")
    # The refusal is real: the old pip never asks the keyring, and the index refuses it.
    keyring_home.run("keyring", "set", private_index.simple_url, user, input=password + "\n", check=True)
    download = keyring_home.run(old_pip_project, "download", "--no-deps", "-d", keyring_home.root / "dl", PACKAGE)

    check = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "pip-version")
    assert result.returncode == 1
    assert check["verdict"] == "fail" and "pip 22.0.2" in check["message"]
    assert check["fix"] == f"{old_pip_project} install --upgrade pip"
    assert download.returncode != 0


# -- keyring plugins: asked once, bounded, never offline --------------------------------


SLOW_KEYRING = """\
#!/bin/sh
# A keyring plugin with no cloud credentials: it waits on a metadata server, then has nothing.
echo "$*" >> "{log}"
if [ "$1" = get ]; then sleep {seconds}; echo "No credentials found: no metadata server" >&2; exit 1; fi
exit 0
"""


def _slow_keyring(home, seconds: float) -> Path:
    bin_dir = home.root / "slow-keyring"
    bin_dir.mkdir()
    log = home.root / "keyring-calls.log"
    script = bin_dir / "keyring"
    script.write_text(SLOW_KEYRING.format(log=log, seconds=seconds))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    home.put_first_on_path(bin_dir)
    return log


def _two_keyring_indexes(home) -> None:
    with (home.project / "pyproject.toml").open("a") as f:
        f.write(
            '\n[tool.uv]\nkeyring-provider = "subprocess"\n\n'
            '[[tool.uv.index]]\nname = "one"\nurl = "http://me@127.0.0.1:9/one/simple/"\n\n'
            '[[tool.uv.index]]\nname = "two"\nurl = "http://me@127.0.0.1:9/two/simple/"\n'
        )


def _gets(log: Path) -> list[str]:
    return [line for line in log.read_text().splitlines() if line.startswith("get ")] if log.exists() else []


def test_doctor_offline_never_asks_the_keyring(home):
    log = _slow_keyring(home, 1)
    _two_keyring_indexes(home)

    result = home.wizard("doctor", "--json", "--offline")

    assert result.returncode in (0, 1), result.stderr
    assert _gets(log) == []


def test_doctor_asks_the_keyring_once_per_index_and_shows_what_it_said(home):
    log = _slow_keyring(home, 0)
    _two_keyring_indexes(home)

    result = home.wizard("doctor", "--json")

    assert sorted(_gets(log)) == ["get http://127.0.0.1:9/one/simple/ me", "get http://127.0.0.1:9/two/simple/ me"]
    accepted = [c for c in json.loads(result.stdout)["checks"] if c["id"] == "credentials-accepted"]
    assert all("No credentials found: no metadata server" in c["message"] for c in accepted), accepted


def test_a_keyring_that_does_not_answer_is_stopped_and_named_as_the_cause(home):
    log = _slow_keyring(home, 30)
    _two_keyring_indexes(home)

    result = home.wizard("doctor", "--json")

    checks = json.loads(result.stdout)["checks"]
    slow = [c for c in checks if c["id"] == "keyring-slow"]
    assert {c["subject"] for c in slow} == {"one", "two"}
    assert all("did not answer within 5 s" in c["message"] for c in slow)
    assert len(_gets(log)) == 2


def test_doctor_offline_never_asks_the_keyring_for_a_poetry_or_pdm_source_either(home):
    log = _slow_keyring(home, 1)
    auth = Path(home.env["XDG_CONFIG_HOME"]) / "pypoetry" / "auth.toml"
    auth.parent.mkdir(parents=True, exist_ok=True)
    auth.write_text('[http-basic.acme]\nusername = "me"\n')  # the password is in the keyring, as Poetry keeps it
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\nversion = "0"\n\n[tool.poetry]\npackage-mode = false\n\n'
        '[[tool.poetry.source]]\nname = "acme"\nurl = "http://127.0.0.1:9/one/simple/"\npriority = "supplemental"\n')

    offline = home.wizard("doctor", "--json", "--offline")
    assert offline.returncode in (0, 1), offline.stderr
    assert _gets(log) == []

    home.wizard("doctor", "--json")
    assert _gets(log) == ["get poetry-repository-acme me"]  # online, the one name Poetry keeps it under
