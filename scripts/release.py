"""The release steps `.github/workflows/release.yml` runs, kept here so the suite can test them.

    python scripts/release.py set-version 1.2.3     # the tag's version into pyproject.toml and __init__.py
    python scripts/release.py notes                 # CHANGELOG's Unreleased section, for the release page
    python scripts/release.py check dist/           # the sdist and wheel hold what users need, and only that
"""

from __future__ import annotations

import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_VERSION = re.compile(r"\d+\.\d+\.\d+(?:(?:a|b|rc)\d+)?(?:\.post\d+)?(?:\.dev\d+)?")


def set_version(version: str, root: Path = ROOT) -> None:
    """Write ``version`` (a tag without its ``v``) where the package declares it: both places or neither."""
    if not _VERSION.fullmatch(version):
        raise SystemExit(f"{version!r} is not a release version (1.2.3, 1.2.3rc1): tag as vX.Y.Z.")
    edits = {
        root / "pyproject.toml": (re.compile(r'(?m)^version = "[^"]*"$'), f'version = "{version}"'),
        root / "src" / "ar_wizard" / "__init__.py": (re.compile(r'(?m)^__version__ = "[^"]*"$'),
                                                      f'__version__ = "{version}"'),
    }
    new = {}
    for path, (pattern, line) in edits.items():
        text, count = pattern.subn(line, path.read_text(), count=1)
        if count != 1:
            raise SystemExit(f"{path.relative_to(root)} has no version line to set.")
        new[path] = text
    for path, text in new.items():
        path.write_text(text)


def notes(root: Path = ROOT) -> str:
    """The Unreleased section of CHANGELOG.md, without its heading."""
    text = (root / "CHANGELOG.md").read_text()
    match = re.search(r"(?ms)^## Unreleased\n(.*?)(?=^## )", text + "\n## ")
    body = match[1].strip() if match else ""
    if not body:
        raise SystemExit("CHANGELOG.md's Unreleased section is empty: say what this release changes.")
    return body + "\n"


#: Files every distribution must hold, and the top-level parts a wheel may have.
_WHEEL_MUST = ("ar_wizard/__init__.py", "ar_wizard/cli.py", "ar_wizard/tui/app.tcss")
_SDIST_MUST = ("pyproject.toml", "README.md", "LICENSE", "src/ar_wizard/__init__.py")


def check(dist: Path) -> list[str]:
    """What is wrong with the distributions in ``dist`` (nothing: an empty list)."""
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    problems = [] if len(wheels) == 1 and len(sdists) == 1 else [f"expected one wheel and one sdist in {dist}"]
    for wheel in wheels:
        names = zipfile.ZipFile(wheel).namelist()
        problems += [f"{wheel.name} lacks {n}" for n in _WHEEL_MUST if n not in names]
        tops = {n.split("/")[0] for n in names}
        stray = sorted(t for t in tops if t != "ar_wizard" and not t.endswith(".dist-info"))
        problems += [f"{wheel.name} carries {t}, which is not the package" for t in stray]
        problems += [f"{wheel.name} carries {n}" for n in names if "__pycache__" in n or n.endswith(".pyc")]
        if not any(n.endswith((".dist-info/licenses/LICENSE", "/LICENSE")) for n in names):
            problems.append(f"{wheel.name} carries no LICENSE")
    for sdist in sdists:
        with tarfile.open(sdist) as tar:
            names = ["/".join(n.split("/")[1:]) for n in tar.getnames()]
        problems += [f"{sdist.name} lacks {n}" for n in _SDIST_MUST if n not in names]
    return problems


def main(argv: list[str]) -> int:
    if argv[:1] == ["set-version"] and len(argv) == 2:
        set_version(argv[1].removeprefix("v"))
    elif argv == ["notes"]:
        sys.stdout.write(notes())
    elif argv[:1] == ["check"] and len(argv) == 2:
        problems = check(Path(argv[1]))
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1 if problems else 0
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
