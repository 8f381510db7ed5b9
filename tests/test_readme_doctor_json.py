"""The README documents `doctor --json`; the documented shape is the real one."""

from __future__ import annotations

import json
import re
from pathlib import Path

README = Path(__file__).parent.parent / "README.md"


def documented() -> dict:
    section = README.read_text().split("## When it fails: `ar-wizard doctor`", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.S)
    assert block is not None, "README's doctor section has no json block"
    return json.loads(block.group(1))


def test_the_readme_shows_the_keys_doctor_json_really_prints(home):
    (home.project / "pyproject.toml").write_text(
        '[project]\nname = "d"\nversion = "0"\n\n[[tool.uv.index]]\nname = "acme"\n'
        'url = "https://me:hunter2-secret@pypi.acme.example/simple/"\n'
    )

    result = home.wizard("doctor", "--offline", "--json")

    real, doc = json.loads(result.stdout), documented()
    assert result.returncode == 1
    assert set(real) == set(doc)
    assert {tuple(sorted(c)) for c in real["checks"]} == {tuple(sorted(doc["checks"][0]))}
    assert set(real["indexes"][0]) == set(doc["indexes"][0])
    finding = next(c for c in real["checks"] if c["id"] == "credentials-in-url")
    assert finding["verdict"] == doc["checks"][0]["verdict"] and finding["fix_plan"] is True
    assert "hunter2-secret" not in result.stdout


def test_every_check_id_the_doctor_runs_is_in_the_readme_table(home):
    result = home.wizard("doctor", "--offline", "--json")
    table = README.read_text().split("## When it fails", 1)[1]
    ids = {c["id"] for c in json.loads(result.stdout)["checks"]}
    assert ids and all(f"| `{check_id}` |" in table for check_id in ids)


def test_every_id_in_the_readme_table_is_one_the_doctor_can_report():
    import inspect

    from ar_wizard import doctor
    from ar_wizard.credentials import keyring_setup

    table = README.read_text().split("## When it fails", 1)[1].split("```json", 1)[0]
    documented_ids = re.findall(r"^\| `([a-z-]+)` \|", table, re.M)
    source = inspect.getsource(doctor) + inspect.getsource(keyring_setup)
    assert documented_ids and len(set(documented_ids)) == len(documented_ids)  # each id once
    assert all(f'"{check_id}"' in source for check_id in documented_ids)
