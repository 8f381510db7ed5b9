"""The ``keyring`` command on PATH: the same one uv and pip call with
``keyring-provider = subprocess``, so the wizard reads and writes what they will see."""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import paths
from ..errors import UserError
from ..model import Secret, mask
from .process import TimedOut, find, first_line, run

#: How long setup, rotate, the wizard and doctor let ``keyring get`` take: a plugin with no cloud
#: credentials waits seconds on a metadata server, and one behind a silent proxy a minute.
PLUGIN_TIMEOUT = 5.0


@dataclass(frozen=True)
class Answer:
    """What ``keyring get`` said: the secret, or why there was none (its last stderr line, or the time-out)."""

    secret: Secret | None
    reason: str = ""
    timed_out: bool = False
    seconds: float = 0.0
    said: str = ""  # what a stopped plugin had written by then (a device-code prompt, a retry warning)


def missing(*, in_wizard: bool = False) -> str:
    """Why keyring cannot be used, naming uv's tool directory as this OS spells it."""
    bin_dir = paths.shown(paths.current().uv_tool_bin_dir())
    if in_wizard:
        return ("keyring is not on PATH, so uv and pip cannot ask it for credentials: install it with the button "
                f"below (`uv tool install keyring`, with {bin_dir} on PATH), or choose another store.")
    return ("keyring is not on PATH, so uv and pip cannot ask it for credentials: run "
            f"`uv tool install keyring` and make sure {bin_dir} is on PATH, or choose another --store.")


def executable() -> str:
    return find("keyring", missing=missing(), in_wizard=missing(in_wizard=True))


def read(service: str, username: str) -> Secret | None:
    return ask(service, username).secret


def ask(service: str, username: str, *, timeout: float = PLUGIN_TIMEOUT) -> Answer:
    """``keyring get SERVICE USERNAME``, the call uv and pip make, stopped after ``timeout`` seconds."""
    started = time.monotonic()
    try:
        result = run([executable(), "get", service, username], timeout=timeout)
    except TimedOut as err:
        return Answer(None, f"keyring get did not answer within {timeout:.0f} s", True, time.monotonic() - started,
                      mask(err.stderr))
    seconds = time.monotonic() - started
    value = result.stdout.rstrip("\r\n")
    if result.returncode == 0 and value:
        return Answer(Secret(value), seconds=seconds)
    reason = mask(first_line(result.stderr)) if result.stderr.strip() else ""
    return Answer(None, reason, seconds=seconds)


def write(service: str, username: str, secret: Secret) -> None:
    # keyring reads the password from a pipe and strips one trailing newline.
    result = run([executable(), "set", service, username], stdin=secret.reveal() + "\n")
    if result.returncode != 0:
        raise UserError(f"keyring set for {service} failed: {mask(first_line(result.stderr))}")


def delete(service: str, username: str) -> None:
    run([executable(), "del", service, username])


# -- a plugin that did not answer ------------------------------------------------------------


def waited_for(cloud: str, service: str, said: str = "", env: Mapping[str, str] | None = None) -> str:
    """What a stopped ``keyring get`` was most likely waiting on, from what it wrote and what this machine
    holds: a browser sign-in, a cloud's metadata server (no credentials here), its token API, or the feed."""
    env = os.environ if env is None else env
    host = urlsplit(service).hostname or service
    text = said.lower()
    if "devicelogin" in text or "device code" in text or "browser" in text:
        return "a sign-in in a browser (a device code it printed), which nobody completes in a check"
    if cloud == "gcp":
        adc = env.get("GOOGLE_APPLICATION_CREDENTIALS")
        if (adc and Path(adc).is_file()) or paths.current().gcloud_adc_file().is_file():
            return "Google's token endpoint, although this machine has Google credentials: the network or a proxy"
        return "Google's metadata server, which answers only on Google Cloud: this machine has no Google credentials"
    if cloud == "aws":
        home = Path(env.get("HOME") or Path.home())
        if env.get("AWS_ACCESS_KEY_ID") or env.get("AWS_PROFILE") or (home / ".aws" / "credentials").is_file() \
                or (home / ".aws" / "config").is_file():
            return "the CodeArtifact API, although this machine has AWS credentials: the network or a proxy"
        return "the EC2 metadata server, which answers only on AWS: this machine has no AWS credentials"
    if cloud == "azure":
        return f"the feed at {host} (it asks the feed how to sign in first): the network or a proxy"
    return f"the keyring backend or a plugin in it (the feed at {host}, a cloud's metadata server)"


def no_answer(service: str, username: str, answer: Answer, *, cloud: str, plugin: str, sign_in: str) -> str:
    """The one sentence for a ``keyring get`` that was stopped, in setup, rotate, the wizard and doctor alike."""
    who = plugin or "the keyring"
    fix = f"`{sign_in}`, then check again" if sign_in else "sign in to the registry's cloud, or store a token instead"
    return (
        f"`keyring get {service} {username}` did not answer within {PLUGIN_TIMEOUT:.0f} s and was stopped "
        f"(uv and pip would wait as long on every run): {who} was waiting on "
        f"{waited_for(cloud, service, answer.said)}. Fix: {fix}."
    )
