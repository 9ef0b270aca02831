"""How much faster the analytic engine answers than building the Keras model.

For each model at full size: the median time of the analytic summary (spec + shapes +
parameters + multiply-adds, pure Python) against building the Keras graph and calling
``count_params()``, and their ratio. The widgets rely on the first being far below
100 ms; the budget for full Inception-v4 is 50 ms.

Run: ``make bench`` (or ``.venv/bin/python benchmarks/analysis_speed.py``).
"""

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from inception_edu.analysis import analyze_model  # noqa: E402
from inception_edu.zoo import MODELS, model_spec  # noqa: E402

V4_BUDGET_S = 0.050


def median_time(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def analytic(name: str):
    return analyze_model(model_spec(name)).total_params


def main() -> None:
    import keras

    from inception_edu import models

    print(f"{'model':<22}{'analytic ms':>12}{'keras ms':>11}{'ratio':>9}")
    for name in MODELS:
        analytic_s = median_time(lambda n=name: analytic(n), 25)

        def build(n=name):
            keras.utils.clear_session()
            return models.BUILDERS[n]().count_params()

        keras_s = median_time(build, 3)
        assert build() == analytic(name)
        print(
            f"{name:<22}{analytic_s * 1e3:>12.2f}{keras_s * 1e3:>11.0f}"
            f"{keras_s / analytic_s:>8.0f}x"
        )
        if name == "inception_v4":
            verdict = "within" if analytic_s < V4_BUDGET_S else "OVER"
            v4_line = (
                f"analytic Inception-v4: {analytic_s * 1e3:.2f} ms, {verdict} the "
                f"{V4_BUDGET_S * 1e3:.0f} ms budget"
            )
    print(v4_line)


if __name__ == "__main__":
    main()
