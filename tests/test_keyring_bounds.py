"""A keyring plugin whose network never answers: setup and doctor ask it once, stop it at the same
bound, and say the same thing about what it was waiting on; one that returns nothing costs no live request."""

from __future__ import annotations

import json
import socket
import textwrap

import pytest

from ar_wizard.credentials import keyring_cli
from index_servers import free_port

# -- what the plugin was waiting on, from what this machine holds --------------------------------


def test_a_gcp_plugin_without_google_credentials_was_waiting_on_the_metadata_server(tmp_path, monkeypatch):
    monkeypatch.setenv("CLOUDSDK_CONFIG", str(tmp_path / "gcloud"))
    monkeypatch.setenv("APPDATA", str(tmp_path))

    said = keyring_cli.waited_for("gcp", "https://us-python.pkg.dev/p/r/simple/", env={"HOME": str(tmp_path)})

    assert said.startswith("Google's metadata server")


def test_a_gcp_plugin_with_a_key_file_was_waiting_on_the_network_not_a_metadata_server(tmp_path):
    key = tmp_path / "key.json"
    key.write_text("{}")

    said = keyring_cli.waited_for("gcp", "https://us-python.pkg.dev/p/r/simple/",
                                  env={"GOOGLE_APPLICATION_CREDENTIALS": str(key)})

    assert "metadata" not in said and said.startswith("Google's token endpoint")


@pytest.mark.parametrize(("env", "start"), [
    ({}, "the EC2 metadata server"),
    ({"AWS_PROFILE": "dev"}, "the CodeArtifact API"),
])
def test_an_aws_plugin_was_waiting_on_what_its_credentials_point_to(tmp_path, env, start):
    said = keyring_cli.waited_for("aws", "https://d-1.d.codeartifact.eu-west-1.amazonaws.com/pypi/r/simple/",
                                  env={"HOME": str(tmp_path), **env})

    assert said.startswith(start)


def test_a_plugin_that_printed_a_device_code_was_waiting_on_a_browser_sign_in():
    said = keyring_cli.waited_for("azure", "https://pkgs.dev.azure.com/o/_packaging/f/pypi/simple/",
                                  "To sign in, use a web browser to open https://microsoft.com/devicelogin", env={})

    assert said.startswith("a sign-in in a browser")


def test_artifacts_keyring_without_output_was_waiting_on_the_feed():
    said = keyring_cli.waited_for("azure", "https://pkgs.dev.azure.com/o/_packaging/f/pypi/simple/", env={})

    assert said.startswith("the feed at pkgs.dev.azure.com")


# -- the real keyring CLI with a backend that never answers ---------------------------------------

BACKENDS = '''
import os
import socket

from keyring.backend import KeyringBackend


def _log(service):
    with open(os.environ["ASKED_LOG"], "a") as log:
        log.write(service + "\\n")


class NeverAnswers(KeyringBackend):
    """Connects to its "cloud" (a socket that accepts and never answers) and waits."""

    priority = 1

    def get_password(self, service, username):
        _log(service)
        sock = socket.create_connection(("127.0.0.1", int(os.environ["SILENT_PORT"])))
        sock.recv(1)

    def set_password(self, service, username, password):
        raise RuntimeError("read-only")

    def delete_password(self, service, username):
        raise RuntimeError("read-only")


class ReturnsNothing(NeverAnswers):
    def get_password(self, service, username):
        _log(service)
        return None
'''


@pytest.fixture
def silent_cloud():
    """A listener that completes connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield sock.getsockname()[1]


@pytest.fixture
def plugin_home(keyring_home, tmp_path, silent_cloud):
    plugins = tmp_path / "plugins"
    plugins.mkdir()
    (plugins / "test_backends.py").write_text(textwrap.dedent(BACKENDS))
    keyring_home.env |= {"PYTHONPATH": str(plugins), "SILENT_PORT": str(silent_cloud),
                         "ASKED_LOG": str(tmp_path / "asked.log")}
    keyring_home.asked = lambda: (tmp_path / "asked.log").read_text().splitlines() \
        if (tmp_path / "asked.log").exists() else []
    return keyring_home


def _configure(home, url: str) -> None:
    with (home.project / "pyproject.toml").open("a") as f:
        f.write(f'\n[tool.uv]\nkeyring-provider = "subprocess"\n\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n')


@pytest.mark.integration
def test_setup_stops_a_plugin_that_never_answers_at_the_bound_asks_once_and_writes_nothing(plugin_home):
    plugin_home.env["PYTHON_KEYRING_BACKEND"] = "test_backends.NeverAnswers"
    url = f"http://127.0.0.1:{free_port()}/simple/"
    before = plugin_home.files()

    result = plugin_home.wizard("setup", "--provider", "generic", "--index", "acme", "--url", url,
                                "--auth", "keyring", "--username", "someone", "--targets", "uv", "--yes")

    assert result.returncode == 1
    assert f"did not answer within {keyring_cli.PLUGIN_TIMEOUT:.0f} s and was stopped" in result.stderr
    assert "was waiting on the keyring backend or a plugin in it" in result.stderr
    assert plugin_home.asked() == [url]
    assert plugin_home.files() == before


@pytest.mark.integration
def test_doctor_stops_the_same_plugin_at_the_same_bound_with_the_same_words_and_skips_the_live_check(plugin_home):
    plugin_home.env["PYTHON_KEYRING_BACKEND"] = "test_backends.NeverAnswers"
    url = f"http://127.0.0.1:{free_port()}/simple/"
    _configure(plugin_home, url.replace("http://", "http://someone@"))

    result = plugin_home.wizard("doctor", "--json")

    checks = {c["id"]: c for c in json.loads(result.stdout)["checks"]}
    assert f"did not answer within {keyring_cli.PLUGIN_TIMEOUT:.0f} s and was stopped" in checks["keyring-slow"]["message"]
    assert "was waiting on the keyring backend or a plugin in it" in checks["keyring-slow"]["message"]
    assert checks["credentials-accepted"]["verdict"] == "skipped"
    assert plugin_home.asked() == [url]  # once, for every check that needs the answer


@pytest.mark.integration
def test_doctor_makes_no_live_request_for_an_index_whose_keyring_returned_nothing(plugin_home):
    plugin_home.env["PYTHON_KEYRING_BACKEND"] = "test_backends.ReturnsNothing"
    url = f"http://127.0.0.1:{free_port()}/simple/"  # nothing listens: a live request would say so
    _configure(plugin_home, url.replace("http://", "http://someone@"))

    result = plugin_home.wizard("doctor", "--json")

    live = next(c for c in json.loads(result.stdout)["checks"] if c["id"] == "credentials-accepted")
    assert live["verdict"] == "fail"
    assert live["message"].startswith("'acme': the keyring returned nothing")
    assert "listening" not in live["message"]


@pytest.mark.integration
def test_rotate_stops_the_same_plugin_at_the_same_bound_with_the_same_words(plugin_home):
    plugin_home.env["PYTHON_KEYRING_BACKEND"] = "test_backends.NeverAnswers"
    url = f"http://127.0.0.1:{free_port()}/simple/"
    _configure(plugin_home, url.replace("http://", "http://someone@"))

    result = plugin_home.wizard("rotate", "--index", "acme", "--password-stdin", "--yes", input="new-secret\n")

    assert result.returncode == 2
    assert f"did not answer within {keyring_cli.PLUGIN_TIMEOUT:.0f} s and was stopped" in result.stderr
    assert "was waiting on the keyring backend or a plugin in it" in result.stderr
    assert plugin_home.asked() == [url]
