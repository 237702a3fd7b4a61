"""Completion benchmark (issue 16 item 4): what a shell waits for when Tab is pressed.

Target: completing a petition ref, a locality and a vocabulary word each within 0.3 s median,
whole process, on a database of 100,000 petitions. Measured in the same alternating loop as
the floors: `python -c pass` and a bare Typer app's `--help` (what any Typer program costs to
start), so that all share the machine's noise.

    python bench/completion.py [--runs N] [--petitions N] [--json]

Run it with the interpreter of the environment dantrack is installed in. The database is made
as bench/startup.py makes its large one (localities through the CLI, petitions in bulk), in a
temporary directory.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from startup import (  # noqa: E402  (the bench scripts beside this one)
    BARE_TYPER,
    bulk_insert,
    child_env,
    console_script,
    create_localities,
    load_average,
    log,
    timed_run,
)

TARGET = 0.3


def completion_env(env: dict[str, str], line: str, db: Path) -> dict[str, str]:
    words = ["dantrack", "--db", str(db), *line.split(" ")]
    return {**env, "_DANTRACK_COMPLETE": "complete_bash", "COMP_WORDS": " ".join(words),
            "COMP_CWORD": str(len(words) - 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--petitions", type=int, default=100_000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    script = console_script()
    if script is None:
        log(f"no dantrack console script next to {sys.executable}")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="dantrack-completion-"))
    env, _ = child_env(workdir, private_pycache=True)
    try:
        db = workdir / "large.sqlite"
        log(f"building a database of {args.petitions} petitions in {workdir}")
        create_localities(db, workdir, env)
        bulk_insert(db, args.petitions, 2024)
        bare = workdir / "bare_typer.py"
        bare.write_text(BARE_TYPER, encoding="utf-8")
        cases = {
            "python -c pass": ([sys.executable, "-c", "pass"], env),
            "bare typer --help": ([sys.executable, str(bare), "--help"], env),
            "petition show P2024-0001<Tab>": (
                [str(script)], completion_env(env, "petition show P2024-0001", db)),
            "petition list --locality xa<Tab>": (
                [str(script)], completion_env(env, "petition list --locality xa", db)),
            "petition list --kind <Tab>": (
                [str(script)], completion_env(env, "petition list --kind ", db)),
        }
        for command, case_env in cases.values():  # warm the page and bytecode caches
            timed_run(command, cwd=workdir, env=case_env)
        times: dict[str, list[float]] = {label: [] for label in cases}
        for _ in range(args.runs):
            for label, (command, case_env) in cases.items():
                times[label].append(timed_run(command, cwd=workdir, env=case_env))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    medians = {label: statistics.median(values) for label, values in times.items()}
    results = {"runs": args.runs, "petitions": args.petitions, "target_s": TARGET,
               "load_average": load_average(), "medians_s": medians,
               "ratio_to_bare_typer": {label: median / medians["bare typer --help"]
                                       for label, median in medians.items()}}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.runs} runs each, {args.petitions} petitions, load {load_average()}")
        for label, median in medians.items():
            floor = "" if "<Tab>" not in label else (
                " met" if median <= TARGET else f" MISSED by {median - TARGET:.3f} s")
            ratio = median / medians["bare typer --help"]
            print(f"  {label:36} {median:.3f} s  ({ratio:.2f}× bare Typer){floor}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
