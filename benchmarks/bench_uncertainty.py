"""A comparison under uncertainty, timed as a user runs it.

Usage: python benchmarks/bench_uncertainty.py [--draws 300] [--reps 30] [--workers 2]

Runs ``cxsim compare scenarios/siloed.toml scenarios/collaborative.toml --uncertainty``
in a fresh process with a fresh results store, exactly as the command line does
(starting the pool, settling each seed once, analysing the draws and printing the
summary), and reports the wall time, the time per pair of runs and, when fewer draws
than the default were asked for, the time the default (300 draws and 30 replications)
would take at the same rate. The target is the default in under 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 300.0
DEFAULT_PAIRS = 300 + 30


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=300)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        command = [
            sys.executable, "-m", "cxsim", "compare",
            str(ROOT / "scenarios" / "siloed.toml"),
            str(ROOT / "scenarios" / "collaborative.toml"),
            "--uncertainty", "--draws", str(args.draws), "--reps", str(args.reps),
            "--workers", str(args.workers), "--store", str(Path(scratch) / "bench.db"),
            "--quiet", "--json",
        ]  # fmt: skip
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=os.environ.copy())
        seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"cxsim compare failed ({done.returncode}):\n{done.stderr[-2000:]}")
    pairs = args.draws + args.reps
    default = seconds / pairs * DEFAULT_PAIRS
    figures = {
        "draws": args.draws,
        "reps": args.reps,
        "workers": args.workers,
        "seconds": seconds,
        "seconds_per_pair": seconds / pairs,
        "default_seconds": default,
        "target_met": default <= TARGET_SECONDS,
    }
    print(f"siloed against collaborative, {args.draws} draws and {args.reps} replications")
    print(f"  wall time          {seconds / 60:6.2f} min ({pairs} pairs of runs)")
    print(f"  per pair           {seconds / pairs:6.2f} s on {args.workers} workers")
    if pairs != DEFAULT_PAIRS:
        print(f"  the default (330)  {default / 60:6.2f} min at that rate")
    verdict = "met" if default <= TARGET_SECONDS else f"not met (x{default / TARGET_SECONDS:.2f})"
    print(f"  target: under {TARGET_SECONDS / 60:.0f} min: {verdict}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
