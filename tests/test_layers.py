"""The layer contracts in pyproject.toml cover every module of the core, new ones included."""

from __future__ import annotations

import sys
from pathlib import Path

import ar_wizard

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

PYPROJECT = Path(__file__).parent.parent / "pyproject.toml"
# The front ends: cli.py starts the TUI when it runs it, and tui/ is the TUI.
FRONT_ENDS = {"cli", "tui", "__main__", "__init__"}


def test_the_core_contract_names_every_module_outside_the_front_ends():
    contracts = tomllib.loads(PYPROJECT.read_text())["tool"]["importlinter"]["contracts"]
    (core,) = [c for c in contracts if "ar_wizard.tui" in c["forbidden_modules"] and "textual" in c["forbidden_modules"]]
    package = Path(ar_wizard.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} | {p.parent.name for p in package.glob("*/__init__.py")}
    assert {f"ar_wizard.{m}" for m in modules - FRONT_ENDS} == set(core["source_modules"])


def test_no_module_imports_itself_through_others_counting_imports_inside_functions():
    import grimp

    graph = grimp.build_graph("ar_wizard", cache_dir=None, exclude_type_checking_imports=True)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back:
                cycles.append(" -> ".join((module, *back)))
    assert not cycles, "import cycles (move the shared helper below both modules):\n" + "\n".join(cycles)
