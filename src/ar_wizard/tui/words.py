"""The wizard's words for the remedies the core spells as command-line flags.

A verdict or a note from the core ("…, or use --auth keyring so …") is shared
by both front ends; where the wizard shows it, each flag becomes the screen and
choice that does the same. Errors that need more than a word swap carry their
own wizard sentence (``UserError(in_wizard=…)``).
"""

from __future__ import annotations

import re
from functools import cache

_CHOICES = {
    "--auth keyring": "the keyring plugin (on the Auth screen)",
    "--auth token": "a token (on the Auth screen)",
    "--auth service-account-key": "a service-account key (on the Auth screen)",
    "--store keyring": "the keyring as the store (on the Targets screen)",
    "--store netrc": "~/.netrc as the store (on the Targets screen)",
    "--store env": "a .env file as the store (on the Targets screen)",
    "--store file": "pip.conf/.pypirc as the store (on the Targets screen)",
    "--store uv": "uv's credential store (on the Targets screen)",
    "--password-stdin": "the secret field",
    "--token-env VAR": "the secret field",
    "--token-env": "the secret field",
    "--key-file PATH": "the key file field",
    "--key-file": "the key file field",
    "--no-validate": "Skip the live check",
    "--url": "the index URL field",
}


@cache
def _flags() -> re.Pattern[str]:
    # Compiled on first use: the first frame shows no verdict.
    return re.compile("|".join(re.escape(flag) + r"\b" for flag in sorted(_CHOICES, key=len, reverse=True)))


def in_wizard(text: str) -> str:
    """``text`` with each command-line flag it names replaced by the wizard's own choice."""
    return _flags().sub(lambda m: _CHOICES[m.group(0)], text)
