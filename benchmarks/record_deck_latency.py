"""Record the key press -> new numbers latency of an explorer on a live slide (jupyterlab-deck).

The measurement is the browser test's: ``tests/e2e/test_deck_in_browser.py`` presents a copy
of notebook 01 as slides inside JupyterLab in headless Chromium, moves the block explorer's
"b2 3x3" slider on its slide with ArrowRight (ten timed presses after a warm-up) and writes
the samples to ``build/e2e/deck_latency.json``, in the form of ``build/e2e/latency.json``.
This script copies them into ``benchmarks/results/deck_latency.json``, which is committed,
with each case's median and slowest sample (``record_latency.summarize``) and the
provenance ``run_times.py`` records (commit, dirty tree, CPU, load, versions, with
JupyterLab's, jupyterlab-deck's and Chromium's). README's "Slides" section quotes it.

    python benchmarks/record_deck_latency.py              # run the test, then record
    python benchmarks/record_deck_latency.py --last-run   # record the last run's file as is
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from record_latency import summarize
from run_times import REPO, provenance, write_results

LAST_RUN = REPO / "build" / "e2e" / "deck_latency.json"
RESULTS = REPO / "benchmarks" / "results" / "deck_latency.json"
TEST = "tests/e2e/test_deck_in_browser.py"
MEASURED = ["inception_edu", "tests/e2e"]


def run_test() -> None:
    """Run the deck test alone; exit, recording nothing, if it failed or was skipped."""
    command = [sys.executable, "-m", "pytest", "-q", "-rs", "-s", TEST]
    print(" ".join(command[1:]), flush=True)
    done = subprocess.run(command, cwd=REPO)
    if done.returncode:
        sys.exit(f"error: the deck test failed (exit {done.returncode}); nothing recorded")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--last-run", action="store_true", help=f"record {LAST_RUN.relative_to(REPO)} as is"
    )
    args = parser.parse_args(argv)
    if not args.last_run:
        LAST_RUN.unlink(missing_ok=True)
        run_test()
    if not LAST_RUN.is_file():
        sys.exit(f"error: no {LAST_RUN.relative_to(REPO)}: the deck test did not run")
    last_run = json.loads(LAST_RUN.read_text())
    how = (
        f"{TEST}, {last_run['presses']} presses on a slide of jupyterlab-deck in headless "
        "Chromium and JupyterLab, recorded by benchmarks/record_deck_latency.py"
        + (" --last-run" if args.last_run else "")
    )
    packages = ("jupyterlab", "jupyterlab-deck", "ipykernel", "playwright")
    found = provenance(MEASURED, how, packages=packages)
    found["date"] = last_run["date"]  # when and under which load it was measured
    found["load_average"] = last_run.get("load_average")
    about = (
        "Key press to the new numbers on a live slide (jupyterlab-deck presenting the "
        "notebook panel), in milliseconds; written by benchmarks/record_deck_latency.py "
        "from the browser test's build/e2e/deck_latency.json, quoted in README (Slides)."
    )
    summary = summarize(last_run)
    write_results(RESULTS, {"about": about, **summary, **found, "chromium": last_run["chromium"]})
    for label, case in summary["cases"].items():
        print(f"{label:<60}median {case['median_ms']:>5.0f} ms, slowest {case['max_ms']:>4.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
