"""Time `dantrack locality load official` for the whole country into a fresh SQLite file.

    python bench/official_load.py [--runs N]

Each run is the whole process, as a user would start it (interpreter, imports, creating the
database, reading the shipped lists, writing about 14,000 units and their successors), into a
new file. Prints the median and the slowest run; the target is ≤ 5 s.
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

TARGET_S = 5.0


def one_run(directory: Path, number: int) -> float:
    env = {**os.environ, "DANTRACK_DB": str(directory / f"load-{number}.sqlite")}
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "dantrack", "locality", "load", "official"],
                   env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as name:
        samples = [one_run(Path(name), number) for number in range(runs)]
    median = statistics.median(samples)
    print(f"locality load official, whole country: median {median:.2f} s, "
          f"max {max(samples):.2f} s over {runs} runs (target ≤ {TARGET_S:.0f} s)")


if __name__ == "__main__":
    main()
