"""The scripted contract: flags, exit codes, one-sentence errors, no tracebacks, no secrets."""

from __future__ import annotations

import pytest

from ar_wizard import cli
from ar_wizard.model import Secret


def test_version_prints_the_version(home):
    result = home.wizard("--version")
    assert result.returncode == 0 and result.stdout.startswith("ar-wizard 0.")


def test_without_a_terminal_the_wizard_points_at_setup_and_exits_2(home):
    result = home.wizard(input="")
    assert result.returncode == 2
    assert "ar-wizard setup" in result.stderr and "--yes" in result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["setup", "--url", "https://h.example/simple/"], "--index"),
        (["setup", "--index", "acme", "--url", "https://h.example/simple/", "--targets", "uv,conda", "--yes"], "conda"),
        (["setup", "--index", "acme", "--url", "https://h.example/simple/", "--username", "me",
          "--token-env", "NOPE_NOT_SET", "--yes"], "NOPE_NOT_SET"),
        (["setup", "--index", "a b", "--url", "https://h.example/simple/", "--username", "me",
          "--token-env", "HOME", "--yes"], "index name"),
        (["setup", "--index", "acme", "--url", "https://me:pw@h.example/simple/", "--username", "me",
          "--token-env", "HOME", "--yes"], "contains credentials"),
        (["setup", "--index", "acme", "--url", "https://h.example/simple/", "--username", "me",
          "--token-env", "HOME", "--project-dir", "/nonexistent", "--yes"], "--project-dir"),
        (["setup", "--index", "acme", "--url", "https://h.example/simple/", "--username", "me",
          "--token-env", "HOME"], "--yes"),
        (["setup", "--index", "acme", "--store", "vault"], "--store"),
        (["undo", "no-such-backup", "--yes"], "no backup"),
    ],
)
def test_usage_and_input_errors_are_one_sentence_exit_2_and_write_nothing(home, args, words):
    before = home.files()
    result = home.wizard(*args, input="")
    assert result.returncode == 2, result.stderr
    assert words.lower() in result.stderr.lower()
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert home.files() == before


def test_dry_run_prints_the_masked_diff_and_writes_nothing(home, private_index, account):
    user, password = account
    before = home.files()
    result = home.wizard(
        "setup", "--index", "acme", "--url", private_index.simple_url, "--username", user,
        "--password-stdin", "--store", "env", "--dry-run", input=password,
    )
    assert result.returncode == 0, result.stderr
    assert "+[[tool.uv.index]]" in result.stdout
    assert "+UV_INDEX_ACME_PASSWORD=****" in result.stdout
    assert password not in result.stdout + result.stderr
    assert "nothing was written" in result.stdout.lower()
    assert home.files() == before


def test_a_crash_with_a_secret_in_a_local_variable_does_not_print_the_secret(monkeypatch, capsys):
    def explode(args, **_options):
        token = Secret("crash-secret-8812").reveal()
        raise RuntimeError(f"unexpected state with {token}")

    monkeypatch.setattr(cli, "_main", explode)
    code = cli.run(["setup"])
    out = capsys.readouterr()
    assert code == 70
    assert "crash-secret-8812" not in out.out + out.err
    assert "RuntimeError" in out.err and "hit a bug" in out.err
