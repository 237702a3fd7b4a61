"""Official units: time to parse the shipped file and to select one province's part.

    python bench/official_units.py [--runs N]

Each run starts a fresh interpreter, so nothing is cached: "parse all" is reading, unzipping
and parsing the whole country; "import" is importing dantrack.official, apart.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

PROBE = """
import time
t0 = time.perf_counter()
from dantrack.official import official_units, units_for_province
t1 = time.perf_counter()
units = official_units()
t2 = time.perf_counter()
part = units_for_province("Bắc Kạn")
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, len(units), len(part))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    samples = [subprocess.run([sys.executable, "-c", PROBE], check=True, capture_output=True,
                              text=True).stdout.split() for _ in range(runs)]
    for label, index in (("import", 0), ("parse all", 1), ("province part", 2)):
        values = [float(s[index]) * 1000 for s in samples]
        print(f"{label:14} median {statistics.median(values):6.1f} ms  max {max(values):6.1f} ms")
    print(f"units {samples[0][3]}, Bắc Kạn part {samples[0][4]}")


if __name__ == "__main__":
    main()
