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

import sys

from record_latency import record, run_test
from run_times import REPO

LAST_RUN = REPO / "build" / "e2e" / "deck_latency.json"
RESULTS = REPO / "benchmarks" / "results" / "deck_latency.json"
TEST = "tests/e2e/test_deck_in_browser.py"
MEASURED = ["inception_edu", "tests/e2e"]


def main(argv: list[str] | None = None) -> int:
    how = (
        f"{TEST}, {{presses}} presses on a slide of jupyterlab-deck in headless "
        "Chromium and JupyterLab, recorded by benchmarks/record_deck_latency.py"
    )
    about = (
        "Key press to the new numbers on a live slide (jupyterlab-deck presenting the "
        "notebook panel), in milliseconds; written by benchmarks/record_deck_latency.py "
        "from the browser test's build/e2e/deck_latency.json, quoted in README (Slides)."
    )
    packages = ("jupyterlab", "jupyterlab-deck", "ipykernel", "playwright")
    return record(
        argv, LAST_RUN, RESULTS, lambda: run_test(TEST, ()), how, about, MEASURED, packages
    )


if __name__ == "__main__":
    sys.exit(main())
