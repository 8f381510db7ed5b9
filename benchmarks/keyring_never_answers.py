"""How long setup and doctor take when a keyring plugin's network never answers.

The `keyring` on PATH is a stand-in for a plugin behind a silent proxy (artifacts-keyring waits
60 s there): it records the call and sleeps far longer than any bound on `keyring get`. Setup
(`--auth keyring` against the tests' pypiserver on 127.0.0.1) and `doctor` on a project whose index
asks the keyring run in turn, several times. The budget (README, "Performance"): each about 10 s at
most, the plugin asked once, the same bound in both.

    uv run python benchmarks/keyring_never_answers.py [--runs 3] [--wizard PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from private_index import PrivateIndex  # noqa: E402 - the tests' index, found through the path above

USER = "bench"
SILENT_KEYRING = """#!/bin/sh
# A keyring plugin whose network never answers: `get` waits (far longer than any bound).
echo "$*" >> "{calls}"
if [ "$1" = get ]; then
    sleep 600
fi
exit 1
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=180)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--wizard", help="the ar-wizard to time (default: this venv's), e.g. an older build's")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ar-wizard-keyring-bench-"))
    index = PrivateIndex(work / "packages", work / "htpasswd").start()
    index.add_package("acme-secret")
    bin_dir = work / "bin"
    bin_dir.mkdir()
    calls = work / "keyring-calls"
    keyring = bin_dir / "keyring"
    keyring.write_text(SILENT_KEYRING.format(calls=calls))
    keyring.chmod(0o755)
    venv_bin = Path(sys.executable).parent
    (bin_dir / "uv").symlink_to(venv_bin / "uv")
    setup_dir, doctor_dir = work / "setup", work / "doctor"
    for project in (setup_dir, doctor_dir):
        project.mkdir()
        (project / "pyproject.toml").write_text(
            '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n')
    url = index.simple_url.replace("http://", f"http://{USER}@")
    with (doctor_dir / "pyproject.toml").open("a") as f:
        f.write(f'\n[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n\n[tool.uv]\nkeyring-provider = "subprocess"\n')
    env = {
        "PATH": os.pathsep.join([str(bin_dir), "/usr/bin", "/bin"]),
        "HOME": str(work),
        "XDG_CONFIG_HOME": str(work / ".config"),
        "XDG_STATE_HOME": str(work / ".local" / "state"),
        "XDG_DATA_HOME": str(work / ".local" / "share"),
        "UV_CACHE_DIR": str(work / "uv-cache"),
        "UV_TOOL_BIN_DIR": str(bin_dir),
        "UV_PYTHON": sys.executable,
        "UV_PYTHON_DOWNLOADS": "never",
        "LANG": os.environ.get("LANG", "C.UTF-8"),
    }
    wizard = args.wizard or str(venv_bin / "ar-wizard")
    commands = {
        "setup --auth keyring": (setup_dir, [wizard, "setup", "--provider", "generic", "--index", "acme", "--url",
                                             index.simple_url, "--auth", "keyring", "--username", USER,
                                             "--targets", "uv", "--yes"]),
        "doctor": (doctor_dir, [wizard, "doctor", "--json"]),
    }
    try:
        times: dict[str, list[float]] = {name: [] for name in commands}
        asked: dict[str, list[int]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, (cwd, argv) in commands.items():
                calls.write_text("")
                seconds, result = timed(argv, cwd, env)
                if result.returncode not in (0, 1):
                    raise SystemExit(f"{name} exited {result.returncode}: {result.stderr.strip()}")
                times[name].append(seconds)
                asked[name].append(sum(line.startswith("get ") for line in calls.read_text().splitlines()))
    finally:
        index.stop()

    print(f"keyring stand-in never answers `get`; {args.runs} runs each")
    for name, samples in times.items():
        print(f"{name:22} median {statistics.median(samples):5.2f} s  (range {min(samples):.2f}-{max(samples):.2f} s)"
              f"  keyring get calls per run {sorted(set(asked[name]))}  (budget about 10 s, one call)")


if __name__ == "__main__":
    main()
