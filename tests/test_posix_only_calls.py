"""No POSIX-only call without a fallback: every use of an API Windows lacks sits in a function that
decides by the OS (or by the API's presence) before it reaches it."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "ar_wizard"

#: Names Python on Windows lacks (os.fchmod until 3.13) or that mean nothing there.
POSIX_ONLY = {
    "os.fchmod", "os.killpg", "os.getpgid", "os.setsid", "os.getuid", "os.geteuid", "os.fork",
    "signal.SIGKILL", "signal.SIGHUP", "signal.SIGTERM", "prctl",
}
POSIX_MODULES = {"fcntl", "pwd", "grp", "termios", "tty", "resource"}
#: What a function may test first: the OS, the API's presence, or the platform value's own answer.
GUARDS = ("os.name", "sys.platform", "hasattr(os", "applies_modes", ".windows", "_prctl()")
#: Uses that need no fallback, and why.
ALLOWED = {
    ("fileio.py", "crash_point"): "the kill tests' hook, reached only when AR_WIZARD_KILL_AT is set",
    ("process.py", "_group_alive"): "called only by stop(), which returns first on Windows",
    ("process.py", "started"): "reads /proc inside try/except OSError: 0 where the OS does not say",
}
#: Paths that exist only on POSIX systems.
POSIX_PATHS = ("/dev/tty", "/proc/")


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return node.id if isinstance(node, ast.Name) else ""


def _posix_only(node: ast.AST) -> str:
    if isinstance(node, (ast.Attribute, ast.Name)) and _dotted(node) in POSIX_ONLY:
        return _dotted(node)
    if isinstance(node, ast.Import):
        return next((a.name for a in node.names if a.name in POSIX_MODULES), "")
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return next((p for p in POSIX_PATHS if node.value.startswith(p)), "")
    return ""


def _unguarded() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        source = path.read_text()
        tree = ast.parse(source)
        parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
        for node in ast.walk(tree):
            name = _posix_only(node)
            if not name or isinstance(node, ast.Constant) and isinstance(parents.get(node), ast.Expr):
                continue  # (a docstring that names a path is no call)
            assert isinstance(node, (ast.expr, ast.stmt))  # the names, imports and strings it matches have a line
            enclosing = []
            up = parents.get(node)
            while up is not None:
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    enclosing.append(up)
                up = parents.get(up)
            if not enclosing:
                continue  # module level: the import check below
            bodies = [ast.get_source_segment(source, f) or "" for f in enclosing]
            if any((path.name, f.name) in ALLOWED for f in enclosing) or any(g in b for b in bodies for g in GUARDS):
                continue
            found.append(f"{path.relative_to(SRC)}:{node.lineno} {name} in {enclosing[0].name}()")
        for node in tree.body:  # a module-level import of a POSIX-only module fails at import on Windows
            if isinstance(node, ast.Import) and any(a.name in POSIX_MODULES for a in node.names):
                found.append(f"{path.relative_to(SRC)}:{node.lineno} imports a POSIX-only module at the top")
    return found


def test_every_posix_only_call_is_behind_a_check_of_the_os():
    assert _unguarded() == []


def test_the_check_finds_an_unguarded_call(tmp_path, monkeypatch):
    # The control: a function calling os.fchmod with no check of the OS is reported.
    (tmp_path / "bad.py").write_text("import os\n\ndef write(fd):\n    os.fchmod(fd, 0o600)\n")
    monkeypatch.setattr("test_posix_only_calls.SRC", tmp_path)
    assert _unguarded() == ["bad.py:4 os.fchmod in write()"]
