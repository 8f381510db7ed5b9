"""The keyring-plugin path, checked with the real keyring and uv commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from ar_wizard.credentials.keyring_setup import check, install, installed_plugins
from ar_wizard.providers.gcp import GCP_BACKEND, GCP_PLUGIN
from conftest import VENV_BIN

pytestmark = pytest.mark.integration

GAR_URL = "https://us-central1-python.pkg.dev/acme-prod/python-internal/simple/"
INSTALL = "uv tool install keyring --with keyrings.google-artifactregistry-auth"


def by_id(findings) -> dict:
    return {f.id: f for f in findings}


def use_path(monkeypatch, home, *directories) -> None:
    home.env["PATH"] = os.pathsep.join(str(d) for d in directories)
    monkeypatch.setenv("PATH", home.env["PATH"])


def test_without_keyring_on_path_the_fix_is_the_uv_tool_install_command(home, monkeypatch, tmp_path):
    use_path(monkeypatch, home, tmp_path)  # nothing on PATH, not even uv

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert not found["keyring-on-path"].ok
    assert "keyring is not on PATH" in found["keyring-on-path"].message
    assert found["keyring-on-path"].fix == INSTALL
    assert "plugin-importable" not in found
    # Without uv, its rule still says where tools go: $XDG_DATA_HOME/../bin, i.e. ~/.local/bin here.
    assert not found["tool-bin-on-path"].ok
    assert str(home.root / ".local" / "bin") in found["tool-bin-on-path"].message


def test_keyring_installed_in_uvs_tool_dir_but_off_path_is_fixed_with_update_shell(
    home, monkeypatch, tmp_path, gauth_keyring_bin
):
    monkeypatch.setenv("UV_TOOL_BIN_DIR", str(gauth_keyring_bin))
    use_path(monkeypatch, home, tmp_path)

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert not found["keyring-on-path"].ok
    assert f"keyring is installed in {gauth_keyring_bin}, but that directory is not on PATH" in found["keyring-on-path"].message
    assert found["keyring-on-path"].fix == "uv tool update-shell"


def test_keyring_without_the_plugin_is_found_and_the_plugin_is_missing(keyring_home, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert found["keyring-on-path"].ok
    assert found["keyring-outside-venv"].ok
    plugin = found["plugin-importable"]
    assert not plugin.ok
    assert f"cannot load {GCP_PLUGIN}" in plugin.message and GCP_BACKEND in plugin.message
    assert plugin.fix == INSTALL


def test_a_forced_keyring_backend_is_flagged_because_the_plugin_is_never_asked(keyring_home):
    # keyring_home sets PYTHON_KEYRING_BACKEND to keyrings.alt's file backend.
    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert not found["backend-not-forced"].ok
    assert "PYTHON_KEYRING_BACKEND=keyrings.alt.file.PlaintextKeyring" in found["backend-not-forced"].message


@pytest.fixture
def gauth_home(home, gauth_keyring_bin, monkeypatch):
    """A user who followed the instructions: the plugin's keyring first on PATH, which is uv's tool dir."""
    home.put_first_on_path(gauth_keyring_bin)
    home.env["UV_TOOL_BIN_DIR"] = str(gauth_keyring_bin)
    home.env.pop("PYTHON_KEYRING_BACKEND")
    monkeypatch.setenv("PATH", home.env["PATH"])
    monkeypatch.setenv("UV_TOOL_BIN_DIR", str(gauth_keyring_bin))
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND")
    return home


def test_with_the_plugin_installed_as_told_every_check_passes(gauth_home, gauth_keyring_bin):
    findings = check(GCP_PLUGIN, GCP_BACKEND, GAR_URL)

    assert [f.id for f in findings if not f.ok] == []
    assert by_id(findings)["plugin-importable"].message.startswith(str(gauth_keyring_bin / "keyring"))


def test_a_usable_keyring_outside_uvs_tool_dir_makes_the_tool_dir_irrelevant(gauth_home, monkeypatch, tmp_path):
    monkeypatch.setenv("UV_TOOL_BIN_DIR", str(tmp_path / "elsewhere"))

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert found["tool-bin-on-path"].ok
    assert "does not matter while" in found["tool-bin-on-path"].message


def test_a_url_that_is_not_pkg_dev_is_explained_because_the_plugin_answers_nothing_for_it(gauth_home, private_index):
    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, private_index.simple_url))

    host = found["plugin-answers-host"]
    assert not host.ok
    assert "only answers for *.pkg.dev hosts and returns nothing for 127.0.0.1" in host.message
    assert "--auth token" in host.message


def test_the_real_plugin_mints_for_pkg_dev_and_is_silent_for_other_hosts(
    gauth_home, key_file, token_server, service_account, private_index
):
    # What uv runs with keyring-provider = "subprocess"; the plugin reads ADC,
    # which here is the key whose token_uri is the local endpoint.
    env = {"GOOGLE_APPLICATION_CREDENTIALS": str(key_file)}

    minted = gauth_home.run("keyring", "get", GAR_URL, "oauth2accesstoken", env=env)
    elsewhere = gauth_home.run("keyring", "get", private_index.simple_url, "oauth2accesstoken", env=env)

    assert minted.returncode == 0, minted.stderr
    assert (service_account.email, minted.stdout.strip()) == token_server.issued[-1]
    assert elsewhere.returncode != 0
    assert elsewhere.stdout == ""


def test_ar_wizards_own_keyring_first_on_path_is_passed_over_for_the_users(home, monkeypatch, keyring_bin):
    # Under uvx the wizard's environment (here the test venv, with a keyring in it) comes first on PATH.
    assert shutil.which("keyring") == str(VENV_BIN / "keyring")
    use_path(monkeypatch, home, home.env["PATH"], keyring_bin)

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert found["keyring-on-path"].message == f"keyring is on PATH: {keyring_bin / 'keyring'}."
    assert found["keyring-outside-venv"].ok


def test_the_same_keyring_in_an_active_virtualenv_is_flagged_too(home, monkeypatch, tmp_path):
    env = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    (env / "bin" / "keyring").symlink_to(VENV_BIN / "keyring")
    monkeypatch.setenv("VIRTUAL_ENV", str(env))
    use_path(monkeypatch, home, env / "bin", VENV_BIN)

    found = by_id(check(GCP_PLUGIN, GCP_BACKEND, GAR_URL))

    assert not found["keyring-outside-venv"].ok
    assert str(env) in found["keyring-outside-venv"].message


def test_install_adds_the_plugin_and_keeps_the_plugins_keyring_already_had(home, monkeypatch, tmp_path):
    tools = {"UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin")}
    for name, value in tools.items():
        monkeypatch.setenv(name, value)
    home.uv("tool", "install", "keyring", "--with", "keyrings.alt", env=tools, check=True)
    assert installed_plugins() == ("keyrings-alt",)

    ran = install(GCP_PLUGIN)

    assert ran == ["uv", "tool", "install", "keyring", "--with", "keyrings-alt", "--with", GCP_PLUGIN]
    backends = home.run(tmp_path / "bin" / "keyring", "--list-backends", check=True).stdout
    assert GCP_BACKEND in backends and "keyrings.alt.file.PlaintextKeyring" in backends
    assert set(installed_plugins()) == {"keyrings-alt", "keyrings-google-artifactregistry-auth"}
