import subprocess
import sys

CRASHING_APP = """
from ar_wizard.model import Secret
from ar_wizard.tui.app import WizardApp

class Crashing(WizardApp):
    def on_mount(self):
        token = Secret("tui-crash-secret-4471").reveal()
        raise RuntimeError("broken while holding " + token)

Crashing().run(headless=True)
"""


def test_a_crash_in_the_wizard_with_a_secret_in_a_local_variable_does_not_print_it(home, tmp_path):
    script = tmp_path / "crashing_app.py"
    script.write_text(CRASHING_APP)
    proc = subprocess.run([sys.executable, script], capture_output=True, text=True,
                          env=home.env, cwd=home.project, timeout=60)
    output = proc.stdout + proc.stderr
    assert "RuntimeError" in output and "hit a bug" in output
    assert "tui-crash-secret-4471" not in output
