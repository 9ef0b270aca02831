"""How much faster the analytic engine answers than building the Keras model.

For each model at full size: the median time of the analytic summary (spec + shapes +
parameters + multiply-adds, pure Python) against building the Keras graph and calling
``count_params()``, and their ratio. The widgets rely on the first being far below
100 ms; the budget for full Inception-v4 is 50 ms.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/analysis_speed.py``). With
``--record`` the measurement also replaces ``benchmarks/results/analysis_speed.json``
(each model's milliseconds, with the provenance ``run_times.py`` records: date, commit,
CPU, load, versions), from which ``scripts/readme_tables.py`` writes the README's Speed
section.
"""

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from run_times import provenance, write_results  # noqa: E402  (benchmarks/, beside this file)

from inception_edu.analysis import analyze_model  # noqa: E402
from inception_edu.zoo import MODELS, model_spec  # noqa: E402

V4_BUDGET_S = 0.050
ANALYTIC_REPEATS = 25
KERAS_REPEATS = 3
RESULTS = Path(__file__).resolve().parent / "results" / "analysis_speed.json"


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def analytic(name: str):
    return analyze_model(model_spec(name)).total_params


def measure() -> dict:
    """Each model's median analytic and Keras milliseconds, printed as they come."""
    import keras

    from inception_edu import models

    print(f"{'model':<22}{'analytic ms':>12}{'keras ms':>11}{'ratio':>9}")
    measured = {}
    for name in MODELS:
        analytic_s = median_time(lambda n=name: analytic(n), ANALYTIC_REPEATS)

        def build(n=name):
            keras.utils.clear_session()
            return models.BUILDERS[n]().count_params()

        keras_s = median_time(build, KERAS_REPEATS)
        assert build() == analytic(name)
        print(
            f"{name:<22}{analytic_s * 1e3:>12.2f}{keras_s * 1e3:>11.0f}"
            f"{keras_s / analytic_s:>8.0f}x"
        )
        measured[name] = {
            "analytic_ms": round(analytic_s * 1e3, 2),
            "keras_ms": round(keras_s * 1e3, 1),
        }
    v4_s = measured["inception_v4"]["analytic_ms"] / 1e3
    verdict = "within" if v4_s < V4_BUDGET_S else "OVER"
    print(
        f"analytic Inception-v4: {v4_s * 1e3:.2f} ms, {verdict} the "
        f"{V4_BUDGET_S * 1e3:.0f} ms budget"
    )
    return measured


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    how = (
        f"benchmarks/analysis_speed.py --record: the median of {ANALYTIC_REPEATS} analytic "
        f"summaries and of {KERAS_REPEATS} Keras builds per model"
    )
    found = provenance(["inception_edu", "benchmarks/analysis_speed.py"], how)
    models = measure()
    if args.record:
        about = (
            "The analytic summary of each model against building it in Keras, in "
            "milliseconds; written by benchmarks/analysis_speed.py --record, read by "
            "scripts/readme_tables.py (README, Speed)."
        )
        budget = {"v4_budget_ms": V4_BUDGET_S * 1e3}
        write_results(RESULTS, {"about": about, **budget, "models": models, **found})


if __name__ == "__main__":
    main()
