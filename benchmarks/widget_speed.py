"""How long one click on an explorer takes: analysis, table and diagram redraw.

Prints the median time per change of each explorer against the 100 ms budget of the
course (a widget must answer "in well under 100 ms"), and the ratio to that budget.
The comparison line: the same change answered by building a Keras model instead.

Run: ``make bench``.
"""

import os
import statistics
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402

matplotlib.use("Agg")

from inception_edu.architectures import inception_module, inception_v3_c  # noqa: E402
from inception_edu.widgets import BlockExplorer, NaiveVsBottleneck, StackExplorer  # noqa: E402

BUDGET_S = 0.100


def median_change(control, values, repeats=15) -> float:
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        control.value = values[i % len(values)]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    explorer_3a = BlockExplorer(inception_module("inception_3a", 64, 96, 128, 16, 32, 32),
                                (28, 28, 192))
    explorer_v3c = BlockExplorer(inception_v3_c("mixed_7b", lambda f: f), (8, 8, 1280))
    pairs = NaiveVsBottleneck()
    stack = StackExplorer()
    cases = [
        ("block explorer, 3a: tick a branch", explorer_3a.checkboxes["b3"], [False, True]),
        ("block explorer, 3a: move a slider", explorer_3a.sliders[("b2", "3x3")], [64, 128]),
        ("block explorer, v3 mixed_7b: slider", explorer_v3c.sliders[("b2", "0a_1x1")],
         [192, 384]),
        ("naive vs bottleneck: slider (2 diagrams)", pairs.sliders["ch5x5red"], [8, 16]),
        ("stack explorer: blocks slider", stack.slider, [4, 1]),
    ]
    print(f"{'change':<42}{'median ms':>10}{'of budget':>11}")
    for label, control, values in cases:
        seconds = median_change(control, values)
        print(f"{label:<42}{seconds * 1e3:>10.1f}{seconds / BUDGET_S:>10.0%}")

    from inception_edu import models

    start = time.perf_counter()
    models.googlenet().count_params()
    keras_s = time.perf_counter() - start
    print(f"for comparison, building GoogLeNet in Keras once: {keras_s * 1e3:.0f} ms "
          f"({keras_s / BUDGET_S:.1f}x the budget)")


if __name__ == "__main__":
    main()
