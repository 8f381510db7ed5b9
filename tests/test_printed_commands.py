"""Every command ar-wizard prints for a user to copy runs as printed."""

from __future__ import annotations

import re
import shlex

import pytest

from test_setup_real_tools import setup

pytestmark = pytest.mark.integration


def _printed_secret_command(output: str) -> list[str]:
    match = re.search(r"^secret: (.+) \(value masked\)$", output, flags=re.MULTILINE)
    assert match, output
    return shlex.split(match.group(1))


@pytest.mark.parametrize("store", ["keyring", "uv"])
def test_the_secret_command_a_dry_run_prints_stores_the_secret_when_run_as_printed(
    keyring_home, private_index, account, store
):
    user, password = account
    dry = setup(keyring_home, private_index, user, password, "--dry-run", store=store)
    assert dry.returncode == 0, dry.stderr
    argv = _printed_secret_command(dry.stdout)

    ran = keyring_home.run(*argv, input=password + "\n")

    assert ran.returncode == 0, ran.stderr
    if store == "keyring":
        assert argv[:2] == ["keyring", "set"] and "--username" not in argv
        read = keyring_home.run("keyring", "get", private_index.simple_url, user)
    else:
        read = keyring_home.uv("auth", "token", private_index.simple_url, "--username", user)
    assert read.stdout.strip() == password
