"""The repository stands alone: no file cites a document outside it, and every document it cites exists."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = re.compile(r"DESIGN\.md|STYLE\.md|\.\./shared|/work/shared")
CITED = re.compile(r"\b((?:docs/)?[A-Z][A-Za-z-]*\.md|docs/[a-z-]+\.md)\b")


def tracked_text_files() -> list[Path]:
    names = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return [ROOT / n for n in names if n.endswith((".py", ".md", ".toml", ".yml", ".yaml", ".tcss", ".cfg")) or
            n.startswith(".ci/")]


def test_no_file_cites_a_document_outside_the_repository():
    citing = [str(p.relative_to(ROOT)) for p in tracked_text_files()
              if p.is_file() and p.name != Path(__file__).name and OUTSIDE.search(p.read_text(errors="replace"))]
    assert citing == []


def test_every_markdown_document_the_repository_cites_is_in_it():
    missing = set()
    for path in tracked_text_files():
        if not path.is_file():
            continue
        for name in CITED.findall(path.read_text(errors="replace")):
            if not (ROOT / name).exists():
                missing.add(f"{path.relative_to(ROOT)} cites {name}")
    assert sorted(missing) == []
