"""What tying a child to the wizard costs per child: its own process group, and the parent-death signal.

A transaction's children (`keyring set`, `uv auth login`) get both; every other child gets its own
process group only, because the signal is set between fork and exec, which makes Python fork the
whole process instead of vfork-ing it. Each way spawns `true` many times and prints the mean.

    uv run python benchmarks/child_spawn.py [--runs 200]
"""

from __future__ import annotations

import argparse
import subprocess
import time

from ar_wizard.credentials import process


def mean_ms(kwargs: dict, runs: int) -> float:
    started = time.perf_counter()
    for _ in range(runs):
        subprocess.run(["true"], **kwargs)
    return (time.perf_counter() - started) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    for label, kwargs in (
        ("plain Popen", {}),
        ("own process group", process._tied_to_us(die_with_us=False)),
        ("own group + parent-death signal", process._tied_to_us(die_with_us=True)),
    ):
        print(f"{label:34} {mean_ms(kwargs, runs):6.2f} ms per child")


if __name__ == "__main__":
    main()
