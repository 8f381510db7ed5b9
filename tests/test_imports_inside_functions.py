"""An import inside a function is there to keep start-up fast: it must load a module that is not
already loaded by the time the function runs. One that the module's own top-level imports have
loaded already (directly, or through another module of the package they import) buys nothing
and hides the imports that matter."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "ar_wizard"


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _targets(node: ast.Import | ast.ImportFrom, here: str, is_package: bool, modules: set[str]) -> set[str]:
    """The modules ``node`` loads, absolute, each with its parent packages."""
    if isinstance(node, ast.Import):
        names = {alias.name for alias in node.names}
    else:
        base = here if is_package else here.rpartition(".")[0]
        for _ in range(node.level - 1):
            base = base.rpartition(".")[0]
        source = ".".join(p for p in (base if node.level else "", node.module or "") if p)
        names = {f"{source}.{a.name}" if f"{source}.{a.name}" in modules else source for a in node.names}
    out = set()
    for name in names:
        parts = name.split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return out


def _top_level(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """The imports run when the module is imported (not those under ``if TYPE_CHECKING:``)."""
    out: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop(0)
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            out.append(node)
        elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            pending += node.body + node.orelse
        elif isinstance(node, ast.Try):
            pending += node.body
    return out


def dead_imports(root: Path = SRC, package: str = PACKAGE) -> list[str]:
    files = {_module_name(p, root): p for p in (root / package).rglob("*.py")}
    modules = set(files)
    trees = {name: ast.parse(path.read_text()) for name, path in files.items()}
    direct = {name: set().union(*(_targets(n, name, files[name].name == "__init__.py", modules)
                                  for n in _top_level(tree)), set())
              for name, tree in trees.items()}
    loaded: dict[str, set[str]] = {}

    def closure(name: str) -> set[str]:
        if name not in loaded:
            loaded[name] = {name}
            for target in direct.get(name, set()):
                loaded[name] |= closure(target) if target in modules else {target}
        return loaded[name]

    found = set()
    for name, tree in trees.items():
        already = set().union(*(closure(t) if t in modules else {t} for t in direct[name]), set())
        for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            for node in ast.walk(function):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    wanted = _targets(node, name, files[name].name == "__init__.py", modules)
                    leaves = {t for t in wanted if not any(o.startswith(t + ".") for o in wanted)}
                    if leaves and leaves <= already:
                        where = files[name].relative_to(root / package)
                        found.add(f"{where}:{node.lineno} imports {', '.join(sorted(leaves))}, loaded already")
    return sorted(found)


def test_no_function_imports_a_module_its_module_has_already_loaded():
    assert dead_imports() == []


def test_the_check_finds_an_import_made_dead_by_another_modules_top_level_import(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "low.py").write_text("import json\n")
    (package / "high.py").write_text(
        "from . import low\n\ndef f():\n    import json\n    from . import low\n    import tomllib\n")
    assert dead_imports(tmp_path, "pkg") == [
        "high.py:4 imports json, loaded already", "high.py:5 imports pkg.low, loaded already"]
