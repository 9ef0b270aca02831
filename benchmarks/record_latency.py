"""Record the browser's key press -> new numbers latency, which the README's Speed quotes.

Only a browser can time what a learner waits for, so the measurement is the browser test's:
``tests/e2e/test_widgets_in_browser.py::test_key_press_to_new_numbers_latency`` (JupyterLab
in headless Chromium, ten presses per control) writes its samples to
``build/e2e/latency.json`` on every run, ``make test`` included. That file is a build
output, overwritten by the next run; this script copies it into
``benchmarks/results/widget_latency.json``, which is committed, adding each case's median
and slowest sample and the provenance ``run_times.py`` records (commit, dirty tree, CPU,
load, versions, with JupyterLab's and Chromium's). ``scripts/readme_tables.py`` writes the
README's numbers from that file.

    python benchmarks/record_latency.py              # run the latency test, then record
    python benchmarks/record_latency.py --last-run   # record build/e2e/latency.json as is

The first form records only a run that passed. The second takes the file as the last run
left it (after ``make test``, say): its date is the run's, the commit and dirty flag are
the checkout's when recording, so record before changing what was measured. The load
average is the one the test saw as it finished measuring: its own JupyterLab, kernel and
Chromium are part of it.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from run_times import REPO, provenance, write_results

LAST_RUN = REPO / "build" / "e2e" / "latency.json"
RESULTS = REPO / "benchmarks" / "results" / "widget_latency.json"
TEST = "tests/e2e/test_widgets_in_browser.py"
MEASURED = ["inception_edu", "tests/e2e", "tests/synthetic_transfer.py"]
SAMPLES = ("numbers_ms", "painted_ms", "diagram_ms")


def run_test(test: str = TEST, select: tuple = ("-k", "latency")) -> None:
    """Run the browser test alone; exit, recording nothing, if it failed or was skipped."""
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-s", test, *select]
    print(" ".join(command[1:]), flush=True)
    done = subprocess.run(command, cwd=REPO)
    if done.returncode:
        sys.exit(f"error: {test} failed (exit {done.returncode}); nothing recorded")


def summarize(last_run: dict) -> dict:
    """The results entry: each case with its median and slowest sample of the new numbers."""
    cases = {}
    for label, case in last_run["cases"].items():
        numbers = case["numbers_ms"]
        cases[label] = {
            "notebook": case["notebook"],
            "explorer": case["explorer"],
            "median_ms": round(statistics.median(numbers), 1),
            "max_ms": round(max(numbers), 1),
            **case,
            # performance.now() has 0.1 ms steps: the rest is float noise
            **{kind: [round(ms, 1) for ms in case[kind]] for kind in SAMPLES},
            "warm_up_ms": round(case["warm_up_ms"], 1),
        }
    return {
        "presses": last_run["presses"],
        "budget_ms": last_run["budget_ms"],
        "cases": cases,
    }


def record(argv, last_file, results, run, how: str, about: str, measured, packages) -> int:
    """The command line of a latency recorder: run the browser test (``run``) unless
    ``--last-run``, then write ``last_file``'s samples to ``results`` with ``about``, the
    summary and the provenance of ``measured`` and ``packages``; print each case."""
    parser = argparse.ArgumentParser(description=about)
    parser.add_argument(
        "--last-run", action="store_true", help=f"record {last_file.relative_to(REPO)} as is"
    )
    args = parser.parse_args(argv)
    if not args.last_run:
        last_file.unlink(missing_ok=True)
        run()
    if not last_file.is_file():
        sys.exit(f"error: no {last_file.relative_to(REPO)}: the browser test did not run")
    last_run = json.loads(last_file.read_text())
    how = how.format(presses=last_run["presses"]) + (" --last-run" if args.last_run else "")
    found = provenance(measured, how, packages=packages)
    found["date"] = last_run["date"]  # when and under which load it was measured
    found["load_average"] = last_run.get("load_average")
    summary = summarize(last_run)
    write_results(results, {"about": about, **summary, **found, "chromium": last_run["chromium"]})
    for label, case in summary["cases"].items():
        print(f"{label:<60}median {case['median_ms']:>5.0f} ms, slowest {case['max_ms']:>4.0f} ms")
    return 0


def main(argv: list[str] | None = None) -> int:
    how = (
        f"{TEST}::test_key_press_to_new_numbers_latency, {{presses}} presses per "
        "control in headless Chromium and JupyterLab, recorded by benchmarks/record_latency.py"
    )
    about = (
        "Key press (or a dropdown's choice) to the new numbers on the page, in "
        "milliseconds, per control; written by benchmarks/record_latency.py from the "
        "browser test's build/e2e/latency.json, read by scripts/readme_tables.py "
        "(README, Speed)."
    )
    packages = ("jupyterlab", "ipykernel", "playwright")
    return record(argv, LAST_RUN, RESULTS, run_test, how, about, MEASURED, packages)


if __name__ == "__main__":
    sys.exit(main())
