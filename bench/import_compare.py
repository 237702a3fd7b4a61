"""Two dantrack installations importing the same file, run by turns so they share the
machine's noise: the fairest before/after comparison of import speed on a busy machine.

    python bench/import_compare.py BEFORE_CHECKOUT AFTER_CHECKOUT [--runs N]

Each checkout is a directory with its own .venv (pip install -e .) in which
bench/import_bench.py has run once, so that bench/out holds the 100,000-petition CSV and an
empty database made by that checkout's own schema. Every run imports the CSV (that of
AFTER_CHECKOUT, so both read the same bytes) into a fresh copy of the checkout's empty base,
as a whole `dantrack import` process. Prints the median of each, and their ratio.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def run_once(checkout: Path, csv: Path, scratch: Path) -> float:
    target = scratch / f"{checkout.name}.sqlite"
    for stale in scratch.glob(f"{checkout.name}.sqlite*"):
        stale.unlink()  # a -wal left beside it would replay the last run's rows
    shutil.copy(checkout / "bench" / "out" / "import-empty-base.sqlite", target)
    env = {**os.environ, "DANTRACK_TODAY": "2026-12-01"}
    started = time.perf_counter()
    result = subprocess.run([str(checkout / ".venv" / "bin" / "dantrack"), "--db", str(target),
                             "import", "petitions", str(csv)], env=env, capture_output=True,
                            text=True)
    seconds = time.perf_counter() - started
    if result.returncode != 0 or "100000 inserted" not in result.stderr:
        sys.exit(f"{checkout}: {result.stderr.strip()}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    csv = args.after / "bench" / "out" / "petitions-100000.csv"
    times: dict[Path, list[float]] = {args.before: [], args.after: []}
    with tempfile.TemporaryDirectory() as scratch:
        for _ in range(args.runs):
            for checkout in times:
                times[checkout].append(run_once(checkout, csv, Path(scratch)))
    medians = {checkout: statistics.median(values) for checkout, values in times.items()}
    for checkout, values in times.items():
        print(f"{checkout}: median {medians[checkout]:.2f} s "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    print(f"after / before: {medians[args.after] / medians[args.before]:.3f}")


if __name__ == "__main__":
    main()
