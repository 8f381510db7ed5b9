"""The commands ar-wizard prints, in the form for the shell the user runs: POSIX sh, PowerShell or cmd.

Every command a user is told to run (next steps, doctor's fixes, loading ``.env``)
is built here, so each shell's spelling lives in one place and the tests check
all three: the POSIX forms run in ``sh``, the PowerShell forms go through a real
PowerShell parser, the cmd forms through the grammar ``tests/test_shells.py`` states.
"""

from __future__ import annotations

from typing import Literal

from .paths import Platform, current

Shell = Literal["posix", "powershell", "cmd"]
SHELLS: tuple[Shell, ...] = ("posix", "powershell", "cmd")

#: What ``.env`` holds, as ``targets/env_file.py`` writes it and a POSIX shell reads it: ``NAME=value``
#: (``export`` allowed), the value bare or in single quotes, then backslashes written twice each, then
#: an optional comment. Group 1 is the name, 2 the quoted body, 3 the bare body, 4 the backslashes.
#: The pattern uses only what .NET's regex and Python's ``re`` read alike, so the tests check it with ``re``.
ENV_LINE = r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(?:'([^']*)'|([^\s#'\\]*))((?:\\\\)*)\s*(?:#.*)?$"


def detect(platform: Platform | None = None) -> Shell:
    """The shell the user runs, read from the environment as uv reads it (``uv-shell`` ``Shell::from_env``).

    The variables a running shell sets come first (``BASH_VERSION``, ``ZSH_VERSION``, … — a POSIX
    shell; ``PSModulePath`` — PowerShell), then ``SHELL`` (Git Bash and MSYS set it on Windows too),
    then on Windows ``PROMPT``, which cmd sets and PowerShell does not. One refinement over uv:
    Windows defines ``PSModulePath`` for every process, cmd's too, so on Windows it counts only
    when PowerShell has added its own user module folder to it (a ``Documents`` entry)."""
    platform = platform or current()
    if any(platform.var(v) for v in ("BASH_VERSION", "ZSH_VERSION", "KSH_VERSION", "FISH_VERSION", "NU_VERSION")):
        return "posix"
    modules = platform.var("PSModulePath")
    if modules and (not platform.windows or "documents" in modules.lower()):
        return "powershell"
    if platform.var("SHELL"):
        return "posix"
    if platform.windows:
        return "cmd" if platform.var("PROMPT") else "powershell"
    return "posix"


def quote(shell: Shell, value: str) -> str:
    """``value`` as one literal word in ``shell`` (used for names and URLs, never for a secret)."""
    if shell == "cmd":
        return f'"{value}"' if any(c in value for c in ' &|<>^()%"') else value
    # PowerShell reads a bare word that starts with "-" as an operator or parameter, so it is quoted there.
    if value and all(c.isalnum() or c in "_-./:@=+," for c in value) and not (shell == "powershell" and value[0] == "-"):
        return value
    return "'" + value.replace("'", "'\\''" if shell == "posix" else "''") + "'"


def with_note(shell: Shell, command: str, note: str) -> str:
    """``command`` followed by a short explanation the shell ignores if the line is pasted whole."""
    if not note:
        return command
    return f"{command}   & rem {note}" if shell == "cmd" else f"{command}   # {note}"


def load_env_file(shell: Shell, name: str = ".env") -> str:
    """Load the variables of ``name`` (as ar-wizard writes it) into the current shell session."""
    if shell == "posix":
        return f"set -a; . ./{name}; set +a"
    pattern = ENV_LINE.replace("'", "''")
    value = "$Matches[2] + $Matches[3] + ($Matches[4] -replace '\\\\\\\\', '\\')"
    if shell == "powershell":
        return (f"Get-Content {name} | ForEach-Object {{ if ($_ -match '{pattern}') "
                f"{{ Set-Item \"env:$($Matches[1])\" ({value}) }} }}")
    # cmd has no parser for this file: PowerShell (on every Windows) prints NAME=value lines and
    # cmd's for /f sets each one; inside the double quotes cmd passes | and ^ through untouched.
    printer = (f"Get-Content {name} | ForEach-Object {{ if ($_ -match '{pattern}') "
               f"{{ $Matches[1] + '=' + ({value}) }} }}")
    return f'for /f "usebackq tokens=1,* delims==" %A in (`powershell -NoProfile -Command "{printer}"`) do @set "%A=%B"'


def set_variable(shell: Shell, name: str, value: str) -> str:
    """Set environment variable ``name`` for this session (``value`` is a placeholder or a URL, never a secret)."""
    if shell == "posix":
        return f"export {name}={quote(shell, value)}"
    if shell == "powershell":
        return f"$env:{name} = {repr_ps(value)}"
    return f'set "{name}={value}"'


def repr_ps(value: str) -> str:
    """A PowerShell single-quoted string: nothing in it is expanded."""
    return "'" + value.replace("'", "''") + "'"


def unset_variable(shell: Shell, name: str) -> str:
    if shell == "posix":
        return f"unset {name}"
    if shell == "powershell":
        return f"Remove-Item Env:{name}"
    return f"set {name}="
