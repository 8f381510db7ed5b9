"""Odd secrets arrive exactly, or are refused before anything is written.

For every store, hypothesis makes secrets with unicode, quotes, ``#``, ``=``,
spaces at either end, line breaks, NUL and other control characters. Each is
stored through the real plan and transaction, then read back the way its
readers read it: ``uv auth token``, ``keyring get``, a POSIX shell sourcing
``.env``, Python's ``netrc``, and ``RawConfigParser`` as twine and pip read
``.pypirc`` and ``pip.conf``. Byte for byte the same, or refused with nothing
written (not written and then rolled back).
"""

from __future__ import annotations

import configparser
import netrc
import subprocess
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ar_wizard.apply import apply
from ar_wizard.errors import ApplyFailed, UserError
from ar_wizard.model import Draft, Secret
from ar_wizard.plan import build_plan
from ar_wizard.userpath import which

pytestmark = pytest.mark.integration

URL = "https://registry.example/simple/"
USER = "me"

odd = st.sampled_from(["'", '"', "#", "=", " ", "\t", "\n", "\r", "\x00", "\x07", "\x1b", "\\", "$", "%", ";",
                       "é", "ß", "\u00a0", "\u2003", "😀", "\u200b"])
secrets = st.lists(st.one_of(odd, st.characters(codec="utf-8"), st.text("abcXYZ019-_", min_size=1, max_size=6)),
                   min_size=1, max_size=12).map("".join)

TARGETS = {"uv": ("uv",), "keyring": ("uv",), "env": ("uv",), "netrc": ("uv",), "file": ("pip", "twine")}


def read_back(home, store: str) -> bytes | None:
    """The secret as the store's readers get it, or None when there is none."""
    if store in ("uv", "keyring"):
        tool = which("uv" if store == "uv" else "keyring")
        assert tool is not None, f"the {store} store's CLI is not on PATH"
        argv = [tool, "auth", "token", URL, "--username", USER] if store == "uv" else [tool, "get", URL, USER]
        out = subprocess.run(argv, capture_output=True, env=home.env)
        return out.stdout[:-1] if out.returncode == 0 and out.stdout.endswith(b"\n") else None
    if store == "env":
        if not (home.project / ".env").exists():
            return None
        out = subprocess.run(["sh", "-c", 'set -a; . ./.env; printf %s "$UV_INDEX_ACME_PASSWORD"'],
                             cwd=home.project, capture_output=True, check=True)
        return out.stdout
    if store == "netrc":
        path = home.root / ".netrc"
        found = netrc.netrc(str(path)).authenticators("registry.example") if path.exists() else None
        return found[2].encode() if found else None
    pypirc = configparser.RawConfigParser()  # twine's reader
    pypirc.read(home.root / ".pypirc", encoding="utf-8")
    pip_conf = configparser.RawConfigParser()  # pip's reader
    pip_conf.read(home.root / ".config" / "pip" / "pip.conf", encoding="utf-8")
    if not pypirc.has_option("acme", "password"):
        return None
    from_pip = [unquote(urlsplit(u).password or "") for u in pip_conf.get("global", "extra-index-url").split()]
    assert from_pip == [pypirc.get("acme", "password")], "pip and twine read the same secret"
    return pypirc.get("acme", "password").encode()


def files(home):
    """The user's files; the stores' own files (and their lock files) are compared through ``read_back``."""
    skip = ("python_keyring", "credentials", "ar-wizard")
    return {p: b for p, b in home.files().items() if not any(part in skip for part in p.parts)}


def store_secret(home, store: str, value: str):
    draft = Draft(fields={"url": URL}, index_name="acme", username=USER, secret=Secret(value), store=store,
                  targets=TARGETS[store], project_dir=home.project, validate=False)
    return apply(build_plan(draft), label="round trip")


@pytest.mark.parametrize("store", ["uv", "keyring", "env", "netrc", "file"])
def test_every_secret_is_stored_and_read_back_byte_for_byte_or_refused_before_any_write(request, store):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    kept = []

    # The keyring CLI takes ~0.3 s a call (five an example); the others are quick.
    examples = 10 if store == "keyring" else 25
    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(secrets)
    def round_trip(value):
        stored_before = read_back(home, store)
        before = files(home)
        try:
            store_secret(home, store, value)
        except ApplyFailed as err:
            pytest.fail(f"written, then rolled back instead of refused first: {err}")
        except UserError as err:
            assert "\n" not in str(err).strip()
            assert files(home) == before, "a refused secret changed a file"
            assert read_back(home, store) == stored_before, "a refused secret changed the store"
            return
        assert read_back(home, store) == value.encode(), f"stored {value!r} differently"
        kept.append(value)

    round_trip()
    assert kept, "some secrets are always kept"


@pytest.mark.parametrize("value, store, words", [
    ("tok\nen", "uv", "line break"),
    (" token", "uv", "--store keyring"),
    ("tok\x00en", "uv", "--store keyring"),
    ("tok\ren", "keyring", "line break"),
    ("it's", "env", "single quote"),
    ("to ken", "netrc", "space"),
    ("tok\x07en", "env", "--store keyring"),
])
def test_a_secret_a_store_cannot_hold_is_refused_with_one_sentence_naming_what_to_do(request, value, store, words):
    home = request.getfixturevalue("keyring_home" if store == "keyring" else "home")
    before = files(home)
    with pytest.raises(UserError) as err:
        store_secret(home, store, value)
    assert not isinstance(err.value, ApplyFailed)
    assert words in str(err.value)
    assert files(home) == before
