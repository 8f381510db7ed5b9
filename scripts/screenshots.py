"""Copy the TUI snapshot SVGs to screenshots/ (run after `pytest --snapshot-update`)."""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOTS = ROOT / "tests" / "__snapshots__" / "test_tui_snapshots"

(ROOT / "screenshots").mkdir(exist_ok=True)
for svg in sorted(SNAPSHOTS.glob("*.raw")):
    name = re.search(r"\[(.+)\]", svg.name).group(1)
    shutil.copyfile(svg, ROOT / "screenshots" / f"{name}.svg")
    print(f"screenshots/{name}.svg")
