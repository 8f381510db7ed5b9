"""The core never imports Textual, and the quick commands import nothing heavy."""

import pkgutil
import subprocess
import sys

import pytest

import ar_wizard

HEAVY = ("textual", "tomlkit", "google", "keyring", "filelock", "urllib.request")


def modules_after(code: str) -> set[str]:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('\\n'.join(sys.modules), file=sys.stderr))\n" + code
    )
    proc = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    return set(proc.stderr.split())


def core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(ar_wizard.__path__, "ar_wizard.")
        if not m.name.startswith("ar_wizard.tui") and m.name != "ar_wizard.__main__"
    ]


def test_importing_every_core_module_does_not_import_textual():
    loaded = modules_after("".join(f"import {name}\n" for name in core_modules()))
    assert "ar_wizard.plan" in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["setup", "--help"], ["rotate", "--help"], ["doctor", "--help"]])
def test_the_quick_commands_import_nothing_heavy(argv):
    loaded = modules_after(f"import sys\nsys.argv = ['ar-wizard', *{argv!r}]\nfrom ar_wizard.cli import main\nmain()\n")
    assert "ar_wizard.cli" in loaded
    assert not [m for m in loaded if m.startswith(HEAVY)]


def test_the_doctor_runs_without_importing_textual(home):
    code = "import sys\nsys.argv = ['ar-wizard', 'doctor', '--offline']\nfrom ar_wizard.cli import main\nmain()\n"
    loaded = modules_after(code)
    assert "ar_wizard.doctor" in loaded
    assert not any(m == "textual" or m.startswith("textual.") for m in loaded)
