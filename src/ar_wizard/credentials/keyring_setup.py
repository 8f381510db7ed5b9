"""Is a keyring plugin reachable the way uv and pip will look for it?

With ``keyring-provider = "subprocess"`` uv and pip run the ``keyring``
command found on PATH and ask it ``keyring get URL USERNAME``; the plugin
(``keyrings.google-artifactregistry-auth``, ``keyrings.codeartifact``,
``artifacts-keyring``) must be importable by *that* keyring. Each check here
runs the real ``keyring`` and ``uv`` commands; no secret is involved.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .. import paths, shells, userpath
from ..errors import UserError
from ..providers.gcp import GCP_PLUGIN
from . import keyring_backend
from .process import first_line, run

#: The hosts a plugin answers for; for any other URL it returns nothing.
PLUGIN_HOSTS: dict[str, tuple[str, str]] = {
    # keyrings/gauth.py: get_password returns None unless the host ends in ".pkg.dev".
    GCP_PLUGIN: (".pkg.dev", "Artifact Registry"),
    # keyrings.codeartifact parses the CodeArtifact host to find the domain and region.
    "keyrings.codeartifact": (".amazonaws.com", "AWS CodeArtifact"),
}


@dataclass(frozen=True)
class Finding:
    id: str
    ok: bool
    message: str
    fix: str | None = None


def install_command(plugin_package: str, keep: tuple[str, ...] = ()) -> list[str]:
    """``uv tool install keyring --with PLUGIN`` (plus the plugins already installed)."""
    argv = ["uv", "tool", "install", "keyring"]
    for package in (*keep, plugin_package):
        if package:  # "" installs keyring alone
            argv += ["--with", package]
    return argv


def check(plugin_package: str | None, backend_hint: str, url: str) -> list[Finding]:
    """Every finding about the keyring path for ``url``, the passing ones too, in the order to fix them.

    Without a plugin (a password stored with ``keyring set``) only the keyring command itself is checked."""
    fix = " ".join(install_command(plugin_package) if plugin_package else ["uv", "tool", "install", "keyring"])
    bin_dir = tool_bin_dir()
    bin_on_path = _on_path(bin_dir)
    findings = []
    first = userpath.which("keyring")
    usable = False
    if first is None:
        if not bin_on_path and userpath.which("keyring", search=[str(bin_dir)]):
            findings.append(
                Finding(
                    "keyring-on-path",
                    False,
                    f"keyring is installed in {bin_dir}, but that directory is not on PATH, so uv and pip "
                    "cannot run it; add it to PATH and open a new shell.",
                    "uv tool update-shell",
                )
            )
        else:
            findings.append(
                Finding(
                    "keyring-on-path",
                    False,
                    "keyring is not on PATH, so uv and pip cannot ask the plugin for credentials.",
                    fix,
                )
            )
    else:
        findings.append(Finding("keyring-on-path", True, f"keyring is on PATH: {first}."))
        venv = _venv_finding(first, fix)
        findings.append(venv)
        usable = venv.ok
        if plugin_package:
            plugin = _plugin_finding(first, plugin_package, backend_hint, fix)
            findings.append(plugin)
            usable = usable and plugin.ok
    findings.append(_tool_bin_finding(bin_dir, bin_on_path, usable_keyring=first if usable else None))
    if not plugin_package:
        if first is not None and usable:
            findings.append(_store_finding(first))
        return findings
    findings.append(_backend_finding(backend_hint))
    if plugin_package in PLUGIN_HOSTS:
        findings.append(_host_finding(plugin_package, url))
    return findings


def _venv_finding(keyring: str, fix: str) -> Finding:
    env = _environment_of(keyring)
    if env is None:
        return Finding("keyring-outside-venv", True, f"{keyring} is not inside a virtual environment.")
    pips = _keyring_for_pip(env)
    used = f"pip would use {pips} instead" if pips else "pip finds no other keyring"
    return Finding(
        "keyring-outside-venv",
        False,
        f"The keyring on PATH, {keyring}, belongs to the virtual environment {env}: pip ignores a "
        f"keyring inside its own environment ({used}); install keyring as a uv tool instead.",
        fix,
    )


def install(plugin_package: str) -> list[str]:
    """Run ``uv tool install keyring --with PLUGIN`` with the real uv, keeping the
    plugins already installed with keyring (``--with`` replaces them otherwise).
    Returns the command that ran."""
    uv = userpath.which("uv")
    if uv is None:
        raise UserError(
            f"uv is not on PATH, so keyring cannot be installed for you: install uv, then run "
            f"`{' '.join(install_command(plugin_package))}`."
        )
    keep = tuple(p for p in installed_plugins(uv) if _normal(p) != _normal(plugin_package))
    argv = install_command(plugin_package, keep)
    result = run([uv, *argv[1:]], timeout=300)
    if result.returncode != 0:
        raise UserError(f"`{' '.join(argv)}` failed: {first_line(result.stderr)}")
    return argv


def installed_plugins(uv: str | None = None) -> tuple[str, ...]:
    """The packages installed ``--with`` keyring as a uv tool, from `uv tool list --show-with`."""
    uv = uv or userpath.which("uv")
    if uv is None:
        return ()
    result = run([uv, "tool", "list", "--show-with"])
    for line in result.stdout.splitlines():
        match = re.match(r"^keyring v\S+(?: \[with: (?P<with>[^\]]*)\])?", line)
        if match:
            return tuple(p.strip() for p in (match["with"] or "").split(",") if p.strip())
    return ()


def tool_bin_dir() -> Path:
    """Where `uv tool install` puts executables: `uv tool dir --bin`, or uv's rule without uv."""
    uv = userpath.which("uv")
    if uv is not None:
        result = run([uv, "tool", "dir", "--bin"])
        if result.returncode == 0 and result.stdout.strip():
            return Path(result.stdout.strip())
    return paths.current().uv_tool_bin_dir()


def _plugin_finding(keyring: str, plugin_package: str, backend_hint: str, fix: str) -> Finding:
    result = run([keyring, "--list-backends"])
    if result.returncode != 0:
        return Finding(
            "plugin-importable",
            False,
            f"`{keyring} --list-backends` failed ({first_line(result.stderr)}): reinstall keyring.",
            fix,
        )
    if any(line.strip().startswith(backend_hint) for line in result.stdout.splitlines()):
        return Finding("plugin-importable", True, f"{keyring} loads {plugin_package} ({backend_hint}).")
    return Finding(
        "plugin-importable",
        False,
        f"{keyring} cannot load {plugin_package}: its backend {backend_hint} is not in `keyring --list-backends`, "
        "because the plugin must be installed in keyring's own environment.",
        fix,
    )


def _tool_bin_finding(directory: Path, on_path: bool, *, usable_keyring: str | None) -> Finding:
    if on_path:
        return Finding("tool-bin-on-path", True, f"uv's tool directory {directory} is on PATH.")
    if usable_keyring:
        return Finding(
            "tool-bin-on-path",
            True,
            f"uv's tool directory {directory} is not on PATH, which does not matter while {usable_keyring} is used.",
        )
    return Finding(
        "tool-bin-on-path",
        False,
        f"uv's tool directory {directory} is not on PATH, so a keyring installed with `uv tool install` "
        "is not found by uv or pip; add it to PATH and open a new shell.",
        "uv tool update-shell",
    )


def _store_finding(keyring: str) -> Finding:
    """Where ``keyring set`` puts a password on this machine, named as the user knows it."""
    backend = keyring_backend.of(keyring)
    if backend is None:
        return Finding("keyring-backend", True, f"`{keyring} --list-backends` did not say which store keyring uses.")
    if not backend.usable:
        return Finding("keyring-backend", False, f"{keyring} has no working backend to keep secrets in ({backend.name}: "
                       f"{backend.note}): start your desktop's keyring, or keep the secret in uv's credential store or "
                       "netrc.", "start the OS keyring, or set PYTHON_KEYRING_BACKEND to a backend that can store")
    detail = f" ({backend.note})" if backend.note else ""
    return Finding("keyring-backend", True, f"keyring keeps passwords in {backend.title}{detail}.")


def _backend_finding(backend_hint: str) -> Finding:
    forced = os.environ.get("PYTHON_KEYRING_BACKEND", "").strip()
    if not forced or forced == backend_hint or forced.endswith("chainer.ChainerBackend"):
        return Finding("backend-not-forced", True, "keyring is free to ask the plugin (PYTHON_KEYRING_BACKEND is not forcing another backend).")
    return Finding(
        "backend-not-forced",
        False,
        f"PYTHON_KEYRING_BACKEND={forced} makes keyring use only that backend, so the plugin is never asked: "
        "unset it where uv and pip run.",
        shells.unset_variable(shells.detect(), "PYTHON_KEYRING_BACKEND"),
    )


def _host_finding(plugin_package: str, url: str) -> Finding:
    suffix, registry = PLUGIN_HOSTS[plugin_package]
    host = urlsplit(url).hostname or ""
    if host.endswith(suffix):
        return Finding("plugin-answers-host", True, f"{plugin_package} answers for {host}.")
    return Finding(
        "plugin-answers-host",
        False,
        f"{plugin_package} only answers for *{suffix} hosts and returns nothing for {host or repr(url)}, so uv and pip "
        f"would get no token for this URL (a proxy or custom domain in front of {registry}): use --auth token "
        f"with a minted token, or the repository's own {suffix} URL.",
        None,
    )


def _environment_of(executable: str) -> Path | None:
    """The virtual environment ``executable`` sits in, if any (a ``pyvenv.cfg`` beside its scripts directory).

    Where the command sits, not where a symlink points: pip compares the
    location, and ``uv tool install`` links ``~/.local/bin/keyring`` into a
    tool environment that pip never runs from."""
    env = Path(executable).parent.parent
    return env if (env / "pyvenv.cfg").is_file() else None


def _keyring_for_pip(env: Path) -> str | None:
    """The keyring pip would run: the first on the user's PATH outside ``env``'s scripts directory."""
    scripts = {(env / d).resolve() for d in ("bin", "Scripts")}
    rest = [p for p in userpath.path_entries() if Path(p).resolve() not in scripts]
    return userpath.which("keyring", search=rest)


def _on_path(directory: Path) -> bool:
    wanted = directory.resolve()
    return any(Path(p).resolve() == wanted for p in userpath.path_entries())


def _normal(name: str) -> str:
    """PEP 503 name normalisation, so ``keyrings.alt`` and ``keyrings-alt`` compare equal."""
    return re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", name, maxsplit=1)[0]).lower()
