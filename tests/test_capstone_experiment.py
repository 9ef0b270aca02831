"""The capstone's experiment: designs trained in one small network, the table, the Pareto
front, the accuracy-cost plane, and the command line (issue 23).

The table, front, plane and target are tested on made-up runs (no TensorFlow); training
and the command line on three tiny designs, one epoch, a few images.
"""

import csv
import json
import re

import matplotlib
import pytest

from inception_edu.analysis import analyze, analyze_model
from inception_edu.experiments.capstone import (
    BLOCK_INPUT,
    FORMAT,
    DesignRun,
    capstone_network,
    design_table,
    design_to_spec,
    main,
    pareto_front,
    plot_plane,
    reference_blocks,
    target_verdict,
    train_designs,
    write_table_csv,
)

matplotlib.use("Agg")


def _design(name, branches, combine="concat"):
    return {"format": FORMAT, "version": 1, "name": name, "combine": combine, "branches": branches}


TINY = {
    "one by one": _design("one by one", [[{"op": "conv", "kernel": 1, "filters": 4}]]),
    "reduce 3x3": _design(
        "reduce 3x3",
        [
            [{"op": "conv", "kernel": 1, "filters": 4}],
            [{"op": "conv", "kernel": 1, "filters": 2}, {"op": "conv", "kernel": 3, "filters": 4}],
        ],
    ),
    "residual": _design(
        "residual", [[{"op": "conv", "kernel": 1, "filters": 4}]], {"residual": 0.2}
    ),
}


def _runs(points, seeds=(0, 1, 2)):
    """Made-up runs: ``{design: (block macs, [error per seed])}``."""
    return [
        DesignRun(name, "test", seed, error, macs // 100, macs, 2 * macs // 100, macs + 1000)
        for name, (macs, errors) in points.items()
        for seed, error in zip(seeds, errors, strict=True)
    ]


POINTS = {
    "cheap": (100_000, [0.10, 0.12, 0.11]),
    "balanced": (400_000, [0.05, 0.04, 0.06]),
    "dominated": (900_000, [0.08, 0.07, 0.09]),
    "best": (2_000_000, [0.02, 0.03, 0.01]),
}


def test_the_network_holds_the_block_and_counts_it():
    block = reference_blocks()["inception(3a)"]
    spec = capstone_network(block)
    assert spec.stage_names == ("stem_3x3", "block", "avg_pool", "classifier")
    summary = analyze_model(spec, (8, 8, 1))
    alone = analyze(block, BLOCK_INPUT)
    assert (summary.block("block").params, summary.block("block").macs) == (
        alone.params,
        alone.macs,
    )
    with pytest.raises(ValueError, match="block must be a Concat or Residual"):
        capstone_network(spec)


def test_the_pareto_front_keeps_the_designs_nothing_beats():
    runs = _runs(POINTS)
    assert pareto_front(runs) == ["cheap", "balanced", "best"]
    table = design_table(runs)
    on_front = {row[0]: row[-1] for row in table.rows}
    assert on_front == {"cheap": "yes", "balanced": "yes", "dominated": "", "best": "yes"}
    row = dict(zip(table.columns, table.rows[1], strict=True))
    assert (row["mean error"], row["spread"], row["error seed 2"]) == ("5.0%", "2.0%", "6.0%")
    with pytest.raises(ValueError, match="runs must be a non-empty list of DesignRun"):
        pareto_front([])


def test_the_csv_holds_the_tables_numbers(tmp_path):
    path = write_table_csv(_runs(POINTS), tmp_path / "designs.csv")
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["design"] for r in rows] == list(POINTS)
    assert rows[1]["block_macs"] == "400000" and float(rows[1]["mean_val_error"]) == 0.05
    assert [r["pareto_front"] for r in rows] == ["True", "True", "False", "True"]


def test_the_plane_draws_every_design_its_seeds_and_the_front(tmp_path):
    figure = plot_plane(_runs(POINTS), references=["cheap"])
    ax = figure.axes[0]
    assert ax.get_xscale() == "log"
    texts = [t.get_text() for t in ax.texts]
    assert texts == ["cheap  11.0%", "balanced  5.0%", "dominated  8.0%", "best  2.0%"]
    front = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(front) == 1
    assert list(front[0].get_xdata()) == [100_000, 400_000, 400_000, 2_000_000, 2_000_000]
    dots = [c for c in ax.collections if len(c.get_offsets()) == 3]
    assert len(dots) == 4  # each design's three seeds
    assert ax.get_title() == "the accuracy-cost plane: 4 designs, 3 seeds each"
    figure.savefig(tmp_path / "plane.png")
    assert (tmp_path / "plane.png").stat().st_size > 10_000


def test_a_target_is_met_on_cost_and_on_every_seed():
    runs = _runs(
        {
            "inception(3a)": (1_000_000, [0.05, 0.06, 0.05]),
            "mine": (400_000, [0.06, 0.07, 0.065]),
            "worse": (300_000, [0.09, 0.07, 0.10]),
        }
    )
    ratio, cheap_enough, verdict = target_verdict(runs, "mine")
    assert ratio == pytest.approx(0.4) and cheap_enough
    assert verdict.verdict == "holds"
    _, _, verdict = target_verdict(runs, "worse")
    assert verdict.verdict == "wrong"
    with pytest.raises(ValueError, match="design must be one of"):
        target_verdict(runs, "nobody")


def test_designs_train_side_by_side_and_resume_from_their_checkpoints(tmp_path):
    from inception_edu.data import Split, load_digits_split

    digits = load_digits_split()
    split = Split(
        digits.x_train[:64], digits.y_train[:64], digits.x_val, digits.y_val, digits.class_names
    )
    runs = train_designs(
        split, TINY, seeds=(0, 1), epochs=1, checkpoint_root=tmp_path, sources={"residual": "r"}
    )
    assert [(r.design, r.seed) for r in runs] == [(d, s) for s in (0, 1) for d in TINY]
    for r in runs:
        block = analyze(design_to_spec(TINY[r.design]), BLOCK_INPUT)
        assert (r.block_params, r.block_macs) == (block.params, block.macs)
        assert 0.0 <= r.val_error <= 1.0
    assert runs[2].source == "r" and runs[0].source == ""  # a reference's: its figure (CLI)
    assert len(list(tmp_path.glob("*/seed_*"))) == 2
    again = train_designs(split, TINY, seeds=(0, 1), epochs=1, checkpoint_root=tmp_path)
    assert [r.val_error for r in again] == [r.val_error for r in runs]  # read back, not retrained
    with pytest.raises(ValueError, match=r"^broken: .*filters"):
        train_designs(split, {"broken": _design("b", [[{"op": "conv", "kernel": 1}]])})


def _folder(tmp_path, designs):
    folder = tmp_path / "designs"
    folder.mkdir()
    for name, design in designs.items():
        (folder / f"{name.replace(' ', '_')}.json").write_text(json.dumps(design))
    return folder


def test_the_command_trains_a_folder_and_writes_the_plane_and_the_table(tmp_path, capsys):
    folder = _folder(tmp_path, TINY)
    out = tmp_path / "out"
    code = main(
        [str(folder), "--seeds", "0", "--epochs", "1", "--train-images", "64", "--out", str(out)]
    )
    printed = capsys.readouterr().out
    assert code == 0
    assert (out / "plane.png").stat().st_size > 10_000
    with open(out / "designs.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["design"] for r in rows] == [
        *reference_blocks(),
        "one by one",
        "reduce 3x3",
        "residual",
    ]
    assert rows[0]["from"] == "GoogLeNet Fig. 2a" and rows[-1]["from"] == "residual.json"
    assert "reduce 3x3" in printed and f"plane: {out / 'plane.png'}" in printed


@pytest.mark.parametrize(
    "problem, message",
    [
        ("missing", "is not a folder"),
        ("empty", "no design in"),
        ("bad file", r"bad.json: branches\[0\]\[0\].kernel must be"),
        ("bad epochs", "--epochs must be an int >= 1"),
        ("bad option", "unrecognized arguments: --rounds"),
    ],
)
def test_the_command_refuses_bad_input_in_one_line(problem, message, tmp_path, capsys):
    folder = tmp_path / "designs"
    folder.mkdir()
    argv = [str(folder), "--out", str(tmp_path / "out")]
    if problem == "missing":
        argv[0] = str(tmp_path / "nowhere")
    if problem in ("bad file", "bad epochs", "bad option"):
        (folder / "good.json").write_text(json.dumps(TINY["one by one"]))
    if problem == "bad file":
        bad = _design("bad", [[{"op": "conv", "kernel": -1, "filters": 2}]])
        (folder / "bad.json").write_text(json.dumps(bad))
    if problem == "bad epochs":
        argv += ["--epochs", "0"]
    if problem == "bad option":
        argv += ["--rounds", "2"]
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ")
    assert re.search(message, lines[0])
    assert not (tmp_path / "out").exists()
