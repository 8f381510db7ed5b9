"""How long `ar-wizard doctor` takes with a slow keyring plugin, against `ar-wizard --version`.

A project's index asks the keyring (``keyring-provider = "subprocess"``, the
username in its URL) on a private index (the tests' pypiserver on 127.0.0.1).
The `keyring` on PATH is a stand-in for a plugin with no cloud credentials: it
sleeps before answering `keyring get`, as the GCP and AWS plugins do while they
wait on a metadata server that is not there, then gives the right password.
`doctor --offline`, `doctor` and `--version` run in turn, several times, and
each median is given as a ratio to `--version`'s in the same run. The budgets
(docs/servers-and-clients.md, "Budgets"): `doctor --offline` about a second with no plugin call, `doctor`
about the slowest index plus a second, the plugin asked at most once.

    uv run python benchmarks/doctor.py [--runs 5] [--plugin-delay 3] [--wizard PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from private_index import PrivateIndex  # noqa: E402 - the tests' index, found through the path above

USER, PASSWORD = "bench", "bench-password"
SLOW_KEYRING = """#!/bin/sh
# A keyring plugin with no cloud credentials: slow to answer `get`, quick for anything else.
echo "$*" >> "{calls}"
if [ "$1" = get ]; then
    sleep {delay}
    [ "$3" = {user} ] && echo {password} && exit 0
    exit 1
fi
exit 0
"""


def timed(argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--plugin-delay", type=float, default=3.0, help="seconds the keyring stand-in sleeps")
    parser.add_argument("--wizard", help="the ar-wizard to time (default: this venv's), e.g. an older build's")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="ar-wizard-doctor-bench-"))
    index = PrivateIndex(work / "packages", work / "htpasswd").start()
    index.add_package("acme-secret")
    index.set_password(USER, PASSWORD)

    # A user's PATH: the slow keyring and uv, then the system's; not this venv's bin.
    bin_dir = work / "bin"
    bin_dir.mkdir()
    calls = work / "keyring-calls"
    keyring = bin_dir / "keyring"
    keyring.write_text(SLOW_KEYRING.format(calls=calls, delay=args.plugin_delay, user=USER, password=PASSWORD))
    keyring.chmod(0o755)
    venv_bin = Path(sys.executable).parent
    (bin_dir / "uv").symlink_to(venv_bin / "uv")
    project = work / "demo"
    project.mkdir()
    url = index.simple_url.replace("http://", f"http://{USER}@")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "demo"\nversion = "0.1.0"\nrequires-python = ">=3.10"\ndependencies = []\n\n'
        f'[[tool.uv.index]]\nname = "acme"\nurl = "{url}"\n\n[tool.uv]\nkeyring-provider = "subprocess"\n'
    )
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
        "--version": [wizard, "--version"],
        "doctor --offline": [wizard, "doctor", "--offline", "--json"],
        "doctor": [wizard, "doctor", "--json"],
    }
    try:
        for argv in commands.values():  # warm the file cache and bytecode once
            timed(argv, project, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        keyring_calls: dict[str, int] = {}
        reports: dict[str, dict] = {}
        for _ in range(args.runs):  # interleaved, so drift in the machine's load hits all three
            for name, argv in commands.items():
                calls.write_text("")
                seconds, result = timed(argv, project, env)
                if result.returncode not in (0, 1):
                    raise SystemExit(f"{' '.join(argv[1:])} exited {result.returncode}: {result.stderr.strip()}")
                times[name].append(seconds)
                keyring_calls[name] = sum(line.startswith("get ") for line in calls.read_text().splitlines())
                if name != "--version":
                    reports[name] = json.loads(result.stdout)
    finally:
        index.stop()

    base = statistics.median(times["--version"])
    print(f"keyring stand-in answers `get` after {args.plugin_delay:g} s; {args.runs} runs each")
    for name, samples in times.items():
        median = statistics.median(samples)
        spread = f"{min(samples) * 1000:.0f}-{max(samples) * 1000:.0f}"
        line = f"{name:17} median {median * 1000:6.0f} ms  (range {spread} ms)  ratio {median / base:5.1f}"
        if name in reports:
            findings = sorted({c["id"] for c in reports[name]["checks"] if c["verdict"] in ("warn", "fail")})
            line += f"  keyring get calls {keyring_calls[name]}  findings {', '.join(findings) or 'none'}"
        print(line)
    offline = statistics.median(times["doctor --offline"])
    online = statistics.median(times["doctor"])
    print(f"doctor --offline {offline:.2f} s (budget about 1 s); "
          f"doctor {online:.2f} s = plugin {args.plugin_delay:g} s + {online - args.plugin_delay:.2f} s "
          "(budget: slowest index + about 1 s)")


if __name__ == "__main__":
    main()
