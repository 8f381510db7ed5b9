"""The wizard never shows a command-line flag where it means one of its own choices."""

from __future__ import annotations

import re

import pytest

from ar_wizard import providers
from ar_wizard.tui.words import in_wizard

FLAG = re.compile(r"(?<![\w`-])--[a-z][a-z-]+")
URLS = {
    "gcp": "https://us-python.pkg.dev/acme-prod/py/simple/",
    "aws": "https://acme-123456789012.d.codeartifact.us-east-1.amazonaws.com/pypi/py/simple/",
    "azure": "https://pkgs.dev.azure.com/acme/_packaging/py/pypi/simple/",
    "generic": "https://pypi.acme.example/simple/",
}


def test_a_flag_becomes_the_screen_and_choice_that_does_the_same():
    text = "Mint a new one, or use --auth keyring so one is minted on every request; or choose --store netrc."

    assert in_wizard(text) == ("Mint a new one, or use the keyring plugin (on the Auth screen) so one is minted on "
                               "every request; or choose ~/.netrc as the store (on the Targets screen).")


@pytest.mark.parametrize("provider", sorted(URLS))
@pytest.mark.parametrize("status", [401, 403, 404, 407, 429, 500])
@pytest.mark.parametrize("fresh_token", [False, True])
def test_no_status_reading_shows_a_flag_in_the_wizard(provider, status, fresh_token):
    reading = providers.get(provider).explain_status(status, url=URLS[provider], username="someone", publish=True,
                                                     fresh_token=fresh_token)
    # Flags inside a command to copy (`aws codeartifact … --domain acme`) stay: that command runs as printed.
    outside_commands = re.sub(r"`[^`]*`", "", in_wizard(reading))

    assert not FLAG.findall(outside_commands), reading
