"""Tools found as each OS finds them, and the keyring backend named as the user knows it."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from ar_wizard import userpath
from ar_wizard.credentials import keyring_backend
from ar_wizard.paths import Platform


def _touch(path: Path, mode: int = 0o755) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("")
    path.chmod(mode)
    return path


def test_on_windows_a_bare_name_finds_gcloud_cmd_and_uv_exe_by_pathext(tmp_path):
    """What CreateProcess's callers (cmd, PowerShell, Python's shutil.which) do on Windows: each PATH
    entry in order, each PATHEXT extension in order; no execute bit is needed."""
    sdk, tools = tmp_path / "google-cloud-sdk" / "bin", tmp_path / ".local" / "bin"
    gcloud = _touch(sdk / "gcloud.cmd", 0o644)
    _touch(sdk / "gcloud", 0o644)  # the sh script the SDK also ships: Windows cannot run it
    uv = _touch(tools / "uv.exe", 0o644)
    p = Platform("windows", {"PATH": f"{sdk};{tools}", "PATHEXT": ".COM;.EXE;.BAT;.CMD"})
    assert userpath.which("gcloud", p) == str(gcloud)
    assert userpath.which("uv", p) == str(uv)
    assert userpath.which("uv.exe", p) == str(uv)
    assert userpath.which("aws", p) is None


def test_on_windows_path_is_found_whatever_its_case_and_pathext_has_a_default(tmp_path):
    keyring = _touch(tmp_path / "keyring.exe", 0o644)
    p = Platform("windows", {"Path": str(tmp_path)})
    assert userpath.which("keyring", p) == str(keyring)


@pytest.mark.skipif(os.name == "nt", reason="the execute bit this checks exists only on a POSIX file system")
def test_on_linux_and_macos_only_an_executable_file_is_found(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    _touch(first / "keyring", 0o644)
    runnable = _touch(second / "keyring")
    for os_ in ("linux", "macos"):
        assert userpath.which("keyring", Platform(os_, {"PATH": f"{first}:{second}"})) == str(runnable)


def test_a_venvs_executables_are_in_scripts_on_windows_and_bin_elsewhere():
    assert userpath.scripts_dir_name(Platform("windows")) == "Scripts"
    assert userpath.scripts_dir_name(Platform("macos")) == "bin"


# --- the keyring backend ------------------------------------------------------------------------

# `keyring --list-backends` prints `module.Class (priority: N)` per viable backend
# (keyring backend.py KeyringBackend.__str__); these are the lines each OS's keyring prints.
WINDOWS_LISTING = "keyring.backends.Windows.WinVaultKeyring (priority: 5)\nkeyring.backends.fail.Keyring (priority: 0)\n" \
                  "keyring.backends.chainer.ChainerBackend (priority: -1)\n"
MACOS_LISTING = "keyring.backends.macOS.Keyring (priority: 5)\nkeyring.backends.chainer.ChainerBackend (priority: -1)\n"
LINUX_DESKTOP = "keyring.backends.SecretService.Keyring (priority: 5)\nkeyring.backends.kwallet.DBusKeyring (priority: 4.9)\n" \
                "keyring.backends.chainer.ChainerBackend (priority: 10)\n"


def chosen(listing: str) -> keyring_backend.Backend:
    """The backend keyring writes to, for a listing that names one."""
    backend = keyring_backend.chosen(listing)
    assert backend is not None, listing
    return backend


@pytest.mark.parametrize(("listing", "title"), [
    (WINDOWS_LISTING, "Windows Credential Manager"),
    (MACOS_LISTING, "the macOS Keychain"),
    (LINUX_DESKTOP, "the Secret Service (GNOME Keyring or KWallet)"),  # the chainer writes to its first
])
def test_the_backend_keyring_writes_to_is_named_as_the_user_knows_it(listing, title):
    assert chosen(listing).title == title


def test_the_real_keyring_cli_is_read_for_its_backend(keyring_bin, monkeypatch):
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    listing = subprocess.run([keyring_bin / "keyring", "--list-backends"], capture_output=True, text=True).stdout
    assert keyring_backend.parse(listing), listing  # the real output has the form parse() reads
    assert keyring_backend.of(str(keyring_bin / "keyring")) == chosen(listing)


def test_a_backend_named_in_python_keyring_backend_is_the_one_named_without_running_keyring(tmp_path, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    backend = keyring_backend.of(str(tmp_path / "no-such-keyring"))  # had it been run, it would have failed
    assert backend is not None and backend.title == "a plain-text file (keyrings.alt)"


def test_a_secret_longer_than_windows_credential_manager_holds_is_refused_with_stores_that_can():
    manager = chosen(WINDOWS_LISTING)
    why = keyring_backend.refusal(manager, 3100)  # a service-account key as _json_key_base64
    assert why and "1,280" in why and "uv's credential store" in why
    assert keyring_backend.refusal(manager, 1200) is None
    assert keyring_backend.refusal(chosen(MACOS_LISTING), 3100) is None


def test_a_keyring_with_no_usable_backend_is_refused():
    listing = "keyring.backends.fail.Keyring (priority: 0)\nkeyring.backends.chainer.ChainerBackend (priority: -1)\n"
    why = keyring_backend.refusal(chosen(listing), 10)
    assert why and "no working backend" in why


@pytest.mark.integration
def test_setup_with_the_keyring_store_names_the_backend_in_its_plan(keyring_home, private_index, account):
    user, password = account
    result = keyring_home.wizard(
        "setup", "--provider", "generic", "--index", "acme", "--url", private_index.simple_url, "--auth", "token",
        "--username", user, "--password-stdin", "--store", "keyring", "--dry-run", input=password + "\n")
    assert result.returncode == 0, result.stderr
    assert "keyring keeps the secret in a plain-text file (keyrings.alt)" in result.stdout + result.stderr



@pytest.mark.integration
def test_setup_with_uvs_store_says_where_uv_keeps_the_secret_as_uv_auth_dir_says(home, private_index, account):
    user, password = account
    result = home.wizard(
        "setup", "--provider", "generic", "--index", "acme", "--url", private_index.simple_url, "--auth", "token",
        "--username", user, "--password-stdin", "--store", "uv", "--dry-run", input=password + "\n")
    assert result.returncode == 0, result.stderr
    uv_dir = home.uv("auth", "dir").stdout.strip()
    assert uv_dir
    assert f"uv keeps the secret in plain text in {uv_dir.replace(str(home.root), '~')}/credentials.toml" \
        in result.stdout + result.stderr


def test_keyring_setup_names_the_backend_a_stored_password_goes_to(keyring_bin, monkeypatch):
    from ar_wizard.credentials import keyring_setup

    monkeypatch.setenv("PATH", str(keyring_bin))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    findings = {f.id: f for f in keyring_setup.check(None, "", "https://pypi.acme.example/simple/")}
    assert findings["keyring-backend"].ok
    assert "a plain-text file (keyrings.alt)" in findings["keyring-backend"].message
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    failed = {f.id: f for f in keyring_setup.check(None, "", "https://pypi.acme.example/simple/")}["keyring-backend"]
    assert not failed.ok and "no working backend" in failed.message
