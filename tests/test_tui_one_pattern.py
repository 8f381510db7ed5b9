"""The TUI does each job one way, so a reader who knows one screen knows them all:

- what a screen shows in each state lives in app.tcss: the screen keeps its state in a reactive
  phase whose watcher sets a CSS class, or in a few reactive flags that toggle one each
  (``reactive(False, toggle_class=...)``), and no code sets ``.display``;
- each worker's result comes back as its own message class, ``Finished[T]`` with ``T`` named, and
  each handler takes that class, never the bare ``Finished``;
- every worker hands its result over the same way: ``report(..., outcome=TheMessage)``, never
  ``call_from_thread``.
"""

from __future__ import annotations

import ast
import importlib
import typing
from pathlib import Path

TUI = Path(__file__).resolve().parent.parent / "src" / "ar_wizard" / "tui"

#: a ``.display`` set in code is allowed only under a comment that starts with this and says why
BY_HAND = "# display set by hand:"


def _modules() -> list[tuple[str, Path, ast.Module]]:
    out = []
    for path in sorted(TUI.rglob("*.py")):
        parts = path.relative_to(TUI.parent.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((name, path, ast.parse(path.read_text(encoding="utf-8"))))
    return out


def _where(path: Path, node: ast.AST) -> str:
    return f"{path.relative_to(TUI.parent.parent.parent)}:{getattr(node, 'lineno', '?')}"


def test_no_screen_or_widget_sets_display_in_code_without_saying_why():
    found = []
    for _, path, tree in _modules():
        lines = path.read_text(encoding="utf-8").splitlines()
        for node in ast.walk(tree):
            targets = node.targets if isinstance(node, ast.Assign) else (
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "display":
                    above = lines[target.lineno - 2].strip() if target.lineno > 1 else ""
                    if not above.startswith(BY_HAND):
                        found.append(_where(path, node))
    assert not found, (
        "Show and hide parts through the screen's reactive phase and a CSS class in app.tcss, not `.display = `"
        f" (or say why on the line above, starting {BY_HAND!r}): {found}"
    )


def test_no_handler_takes_the_bare_finished_message():
    found = []
    for _, path, tree in _modules():
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.name == "on_finished":
                found.append(_where(path, node))
            for decorator in node.decorator_list:
                if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Name)
                        and decorator.func.id == "on" and decorator.args
                        and isinstance(decorator.args[0], ast.Name) and decorator.args[0].id == "Finished"):
                    found.append(_where(path, node))
    assert not found, f"Handle the worker's own outcome class (a Finished[T] subclass), not Finished: {found}"


def test_every_worker_reports_its_result_as_its_own_typed_message():
    from ar_wizard.tui.background import Finished

    reports: dict[type, str] = {}
    for name, path, tree in _modules():
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "report"):
                continue
            outcome = next((k.value for k in node.keywords if k.arg == "outcome"), None)
            assert isinstance(outcome, ast.Name), f"{_where(path, node)}: report(..., outcome=ItsMessage)"
            cls = getattr(importlib.import_module(name), outcome.id)
            assert issubclass(cls, Finished) and cls is not Finished, f"{_where(path, node)}: {cls!r}"
            # Finished[T] with T named (a string names a core type loaded only when the worker runs).
            value_types = [typing.get_args(base) for base in getattr(cls, "__orig_bases__", ())
                           if typing.get_origin(base) is Finished]
            assert value_types and value_types[0], f"{_where(path, node)}: {cls.__name__} does not name its value's type"
            # One message per kind of result: a handler never has to ask which worker sent it.
            assert cls not in reports, f"{_where(path, node)} and {reports[cls]} both report {cls.__name__}"
            reports[cls] = _where(path, node)
    assert len(reports) >= 10, "the workers were not found: has report() been renamed?"


def test_no_worker_hands_its_result_over_with_call_from_thread():
    found = [
        _where(path, node)
        for _, path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and node.attr == "call_from_thread"
    ]
    assert not found, f"A worker posts its outcome with report(..., outcome=…), as every other does: {found}"


def test_every_class_a_state_sets_is_one_app_tcss_styles():
    """A flag or a phase watcher that sets a class no rule selects on would leave its parts as they
    were: a typo, or a rule deleted while its state stayed."""
    tcss = (TUI / "app.tcss").read_text(encoding="utf-8")
    classes: list[tuple[Path, ast.AST, str]] = []
    for _, path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "toggle_class" and isinstance(node.value, ast.Constant):
                classes += [(path, node.value, name) for name in str(node.value.value).split()]
            if not (isinstance(node, ast.FunctionDef) and node.name.startswith("watch_")):
                continue
            in_fstrings = {id(c) for j in ast.walk(node) if isinstance(j, ast.JoinedStr) for c in ast.walk(j)}
            classes += [(path, node, c.value if c.value.startswith("-") else f"-{c.value}")
                        for c in ast.walk(node)
                        if isinstance(c, ast.Constant) and isinstance(c.value, str) and id(c) not in in_fstrings]
    assert len(classes) >= 14, "the states' flags and watchers were not found"
    missing = [f"{_where(path, node)}: .{name}" for path, node, name in classes if f".{name} " not in tcss
               and f".{name}." not in tcss and f".{name}," not in tcss]
    assert not missing, f"No rule in app.tcss selects on these classes: {missing}"
