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
    "--publish-url": "the Upload URL field",
    # The core's remedy for a refused secret; while setting up, the secret is still on the Credentials screen.
    "store it with `ar-wizard rotate`": "paste it in the secret field (Back to Credentials)",
    "store a new one with `ar-wizard rotate`": "paste a new one in the secret field (Back to Credentials)",
}
# On the Doctor screen the index is set up already: a new secret goes in by rotating it.
_DOCTOR_CHOICES = {
    "store it with `ar-wizard rotate`": "store it with Rotate (R on the Start screen)",
    "store a new one with `ar-wizard rotate`": "store a new one with Rotate (R on the Start screen)",
    "`ar-wizard rotate`": "Rotate (R on the Start screen)",
}


@cache
def _flags(doctor: bool) -> tuple[re.Pattern[str], dict[str, str]]:
    # Compiled on first use: the first frame shows no verdict.
    choices = {**_CHOICES, **_DOCTOR_CHOICES} if doctor else _CHOICES
    # A flag ends at a word boundary (--store, not --store-x); a phrase ending in ` ends where it ends.
    spelled = (re.escape(f) + (r"\b" if f[-1].isalnum() else "") for f in sorted(choices, key=len, reverse=True))
    return re.compile("|".join(spelled)), choices


def in_wizard(text: str, *, doctor: bool = False) -> str:
    """``text`` with each command-line flag it names replaced by the wizard's own choice.

    ``doctor``: the words for the Doctor screen, where the index is set up already."""
    pattern, choices = _flags(doctor)
    return pattern.sub(lambda m: choices[m.group(0)], text)
