"""How long one change on an explorer takes on the Python side: transform, analysis,
table and picture.

Prints, for each explorer, the median time per change (a control's value set from
Python, which runs the same observer a click does) against the course's 30 ms budget for
the kernel's share of a click (the browser test, ``tests/e2e``, measures the whole key
press -> new numbers on the page, against 100 ms), and where the time goes in one block
explorer change. The comparison lines: the same diagram drawn the old way (matplotlib
artists + ``savefig(format="svg")``), and building a Keras model instead.

Run: ``make bench`` (or ``python benchmarks/widget_speed.py``). With ``--record`` the
measurement also replaces ``benchmarks/results/widget_speed.json`` (each change's median
milliseconds and its notebook, the diagram's two ways, with the provenance
``run_times.py`` records: date, commit, CPU, load, versions), from which
``scripts/readme_tables.py`` writes the README's Speed section.
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import matplotlib  # noqa: E402
from run_times import provenance, write_results  # noqa: E402  (benchmarks/, beside this file)

matplotlib.use("Agg")

from inception_edu.analysis import analyze  # noqa: E402
from inception_edu.data import load_digits_split  # noqa: E402
from inception_edu.experiments.capstone import BlockDesigner  # noqa: E402
from inception_edu.experiments.residual_scaling import (
    ScaleExplorer,  # noqa: E402
    activation_growth,  # noqa: E402
)
from inception_edu.experiments.transfer.explorers import (  # noqa: E402
    ClassErrorExplorer,
    ExperimentPicker,
)
from inception_edu.viz.diagrams import block_svg, draw_block  # noqa: E402
from inception_edu.widgets.blocks import (  # noqa: E402
    BlockExplorer,
    NaiveVsBottleneck,
    StackExplorer,
)
from inception_edu.widgets.factorization import (  # noqa: E402
    FactorizationExplorer,
    ModuleExplorer,
)
from inception_edu.widgets.recipe import LabelSmoothingExplorer  # noqa: E402
from inception_edu.widgets.reduction import ReductionAExplorer, StrategyComparer  # noqa: E402
from inception_edu.widgets.stages import StageExplorer  # noqa: E402
from inception_edu.zoo.googlenet import INPUT_3A, module  # noqa: E402
from inception_edu.zoo.inception_v3 import inception_c  # noqa: E402
from inception_edu.zoo.mini import mini_inception_resnet_spec  # noqa: E402

# notebook 09's explorers are timed on made-up results, the tests' fixture
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from synthetic_transfer import synthetic_comparison  # noqa: E402

BUDGET_S = 0.030
REPEATS = 21
RESULTS = Path(__file__).resolve().parent / "results" / "widget_speed.json"


def median_change(control, values, repeats=REPEATS) -> float:
    """Median seconds per change, alternating ``values`` (each a real change); new
    values each time where it can, so no label is measured from a warm cache only."""
    times = []
    for i in range(repeats):
        value = values[i % len(values)]
        start = time.perf_counter()
        control.value = value
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def median_call(function, repeats=REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def explorer_cases(explorer_3a) -> list:
    """(its notebook, what changes, the control, the values it takes) for every explorer of
    the course."""
    explorer_v3c = BlockExplorer(inception_c("mixed_7b"), (8, 8, 1280))
    pairs = NaiveVsBottleneck()
    stack = StackExplorer()
    factorization, modules = FactorizationExplorer(), ModuleExplorer("B")
    strategies, reduction_a = StrategyComparer(), ReductionAExplorer()
    smoothing = LabelSmoothingExplorer()
    stages = StageExplorer()
    # notebook 08's explorer: the forward passes for every scale are made once, up front
    wide = mini_inception_resnet_spec(channels=1024, blocks=16, width=1.0, branches=3)
    scale = ScaleExplorer(activation_growth(wide, load_digits_split(seed=0).x_val[:8]))
    cases = [
        ("01", "block explorer, 3a: tick a branch", explorer_3a.checkboxes["b3"], [False, True]),
        (
            "01",
            "block explorer, 3a: move a slider",
            explorer_3a.sliders[("b2", "3x3")],
            list(range(100, 140)),
        ),
        (
            "04",
            "block explorer, v3 mixed_7b: slider",
            explorer_v3c.sliders[("b2", "0a_1x1")],
            list(range(300, 340)),
        ),
        (
            "02",
            "naive vs bottleneck: slider (2 diagrams)",
            pairs.sliders["ch5x5red"],
            list(range(8, 48)),
        ),
        ("01", "stack explorer: blocks slider", stack.slider, [1, 2, 3, 4]),
        ("04", "factorization explorer (04): n slider", factorization.slider, [3, 5, 7, 9, 11]),
        ("04", "module explorer (04): module dropdown", modules.dropdown, ["A", "B", "C"]),
        (
            "04",
            "module explorer (04): B's slider",
            modules.explorers["B"].sliders[("b2", "0a_1x1")],
            list(range(100, 140)),
        ),
        ("05", "strategy comparer (05): grid slider", strategies.grid, list(range(20, 60))),
        (
            "05",
            "Reduction-A explorer (05): network",
            reduction_a.model,
            ["inception_resnet_v1", "inception_resnet_v2", "inception_v4"],
        ),
        (
            "05",
            "Reduction-A explorer (05): k slider",
            reduction_a.sliders["k"],
            list(range(150, 190)),
        ),
        (
            "06",
            "label smoothing (06): epsilon slider",
            smoothing.epsilon,
            [round(0.01 * i, 2) for i in range(40)],
        ),
        ("07", "stage explorer (07): section dropdown", stages.section, [0, 1, 2, 3, 4, 5, 6]),
        ("07", "stage explorer (07): input size slider", stages.input_size, list(range(260, 300))),
        ("08", "scale explorer (08): residual scale slider", scale.slider, [0.1, 0.3, 0.5, 1.0]),
    ]
    return cases + _results_and_designer_cases()


def _results_and_designer_cases() -> list:
    """:func:`explorer_cases` of notebook 09 (on made-up results of its shape: 12 classes,
    75x75 images) and of notebook 11 (the block designer, a branch line typed)."""
    comparison, x_val = synthetic_comparison(classes=12, per_class=8, size=75)
    picker = ExperimentPicker(comparison)
    class_errors = ClassErrorExplorer(comparison.results["baseline"], x_val)
    designer = BlockDesigner("inception(3a)")
    return [
        ("09", "experiment picker (09): loss dropdown", picker.loss, ["binary", "categorical"]),
        ("09", "experiment picker (09): metric dropdown", picker.metric, list(picker.metrics)),
        (
            "09",
            "class errors (09): class dropdown",
            class_errors.dropdown,
            [value for _, value in class_errors.dropdown.options],
        ),
        (
            "11",
            "block designer (11): type in a branch",
            designer.branches[1],
            [f"1x1:24 > 3x3:{filters}" for filters in range(20, 60)],
        ),
    ]


def print_latencies(cases) -> dict:
    """The Python side of one change of each control, against the budget; returns each
    change's notebook and median milliseconds by its label."""
    worst = 0.0
    print(
        f"Python side of one change, median of {REPEATS} "
        f"(budget {BUDGET_S * 1e3:.0f} ms per change)"
    )
    print(f"{'change':<44}{'median ms':>10}{'of budget':>11}")
    changes = {}
    for notebook, label, control, values in cases:
        seconds = median_change(control, values)
        worst = max(worst, seconds / BUDGET_S)
        print(f"{label:<44}{seconds * 1e3:>10.2f}{seconds / BUDGET_S:>10.0%}")
        changes[label] = {"notebook": notebook, "median_ms": round(seconds * 1e3, 3)}
    print(f"every explorer within budget: {worst <= 1} (worst {worst:.0%} of it)")
    return changes


def print_block_breakdown(explorer_3a) -> dict:
    """Where the time of one block-explorer change goes, and what the old way cost;
    returns the steps' and the comparisons' median milliseconds."""
    block = explorer_3a.spec
    steps = [
        ("transform (with_filters, keep_branches)", explorer_3a.transform),
        ("analyze", lambda: analyze(block, INPUT_3A)),
        (
            "headline + table HTML",
            lambda: (explorer_3a.headline_html(), explorer_3a.table().html()),
        ),
        ("block_svg (warm text-width cache)", lambda: block_svg(block, INPUT_3A)),
    ]
    print("\none change of the 3a block explorer, step by step (median ms):")
    step_ms = {}
    for label, step in steps:
        step_ms[label] = round(median_call(step) * 1e3, 3)
        print(f"  {label:<40}{step_ms[label]:>8.2f}")

    def old_way():
        buffer = io.BytesIO()
        with matplotlib.rc_context({"svg.fonttype": "none"}):
            draw_block(block, INPUT_3A).savefig(buffer, format="svg", metadata={"Date": None})

    old = median_call(old_way, 7)
    new = median_call(lambda: block_svg(block, INPUT_3A))
    print(
        f"for comparison, the same diagram via matplotlib + savefig(svg): {old * 1e3:.1f} ms "
        f"({old / new:.0f}x the direct SVG)"
    )

    from inception_edu import models

    start = time.perf_counter()
    models.googlenet().count_params()
    keras_s = time.perf_counter() - start
    print(
        f"for comparison, building GoogLeNet in Keras once: {keras_s * 1e3:.0f} ms "
        f"({keras_s / BUDGET_S:.0f}x the budget)"
    )
    return {
        "block_3a_steps_ms": step_ms,
        "diagram_ms": {"direct_svg": round(new * 1e3, 3), "matplotlib_svg": round(old * 1e3, 1)},
        "keras_googlenet_once_ms": round(keras_s * 1e3, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--record", action="store_true", help=f"write {RESULTS.name}")
    args = parser.parse_args(argv)
    how = f"benchmarks/widget_speed.py --record: the median of {REPEATS} changes per control"
    measured = ["inception_edu", "benchmarks/widget_speed.py", "tests/synthetic_transfer.py"]
    found = provenance(measured, how)
    explorer_3a = BlockExplorer(module("3a"), INPUT_3A)
    changes = print_latencies(explorer_cases(explorer_3a))
    breakdown = print_block_breakdown(explorer_3a)
    if args.record:
        about = (
            "The Python side of one change on each explorer (a control's value set from "
            "Python), and one block diagram drawn directly as SVG and through matplotlib, in "
            "milliseconds; written by benchmarks/widget_speed.py --record, read by "
            "scripts/readme_tables.py (README, Speed)."
        )
        budget = {"budget_ms": BUDGET_S * 1e3}
        write_results(RESULTS, {"about": about, **budget, "changes": changes, **breakdown, **found})


if __name__ == "__main__":
    main()
