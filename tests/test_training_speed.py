"""benchmarks/training_speed.py's utilisation case: its arithmetic and its list of runs,
without training anything (the case itself measures; this checks what it computes from
the measurements)."""

from pathlib import Path

import keras
import pytest
from helpers import load_script

REPO = Path(__file__).resolve().parents[1]


training_speed = load_script("benchmarks/training_speed.py")


def test_training_step_is_three_passes_of_two_flops_per_multiply_add():
    assert training_speed.training_flops(1) == 6
    assert training_speed.training_flops(1_000) == 6_000


def test_reference_convolution_flops():
    # 32 maps of 56x56, a 3x3 kernel from 128 to 128 channels: 1.85 G multiply-adds forward
    macs = 32 * 56 * 56 * 9 * 128 * 128
    assert training_speed.conv_flops_per_step(32, 56, 128) == 6 * macs
    assert training_speed.conv_flops_per_step(1, 1, 1) == 6 * 9


@pytest.mark.parametrize(
    ("achieved", "peak", "expected"), [(50.0, 200.0, 0.25), (1.0, 0.0, 0.0), (0.0, 5.0, 0.0)]
)
def test_share(achieved, peak, expected):
    assert training_speed.share(achieved, peak) == expected


def test_model_macs_counts_nested_models():
    inner_input = keras.Input((8, 8, 4))
    inner = keras.Model(inner_input, keras.layers.Conv2D(2, 1)(inner_input))
    inputs = keras.Input((8, 8, 1))
    x = keras.layers.Conv2D(4, 3, padding="same")(inputs)  # 64 positions x 9 x 1 x 4
    x = inner(x)  # 64 positions x 4 x 2
    x = keras.layers.GlobalAveragePooling2D()(x)
    outputs = keras.layers.Dense(3)(x)  # 2 x 3
    model = keras.Model(inputs, outputs)
    assert training_speed.model_macs(model) == 64 * 9 * 4 + 64 * 4 * 2 + 2 * 3


def _row(experiment, setting, value, notebook=False, conv=(100.0, 100.0)):
    """A measured row: ``value`` of a 100 GFLOP/s reference."""
    return {
        "experiment": experiment,
        "setting": setting,
        "notebook": notebook,
        "share": value,
        "gflops": value * 100,
        "conv_gflops": list(conv),
    }


def test_summarise_takes_the_median_of_the_notebook_settings_and_each_best():
    rows = [
        _row("01", "notebook", 0.1, notebook=True),
        _row("01", "big batch", 0.3),
        _row("03", "notebook", 0.2, notebook=True, conv=(100.0, 200.0)),
        _row("03", "224", 0.6),
        _row("07", "notebook", 0.05, notebook=True),
        {"experiment": "07", "setting": "XLA", "notebook": False, "error": "failed"},
    ]
    summary = training_speed.summarise(rows)
    assert summary["median_share_notebook_settings"] == 0.1
    assert summary["best_setting"] == {
        "01": ("big batch", 0.3),
        "03": ("224", 0.6),
        "07": ("notebook", 0.05),
    }
    assert summary["median_share_best_settings"] == 0.3
    # against the session's best reference (200 GFLOP/s), every share halves
    assert summary["best_conv_gflops"] == 200.0
    assert summary["median_share_of_best_conv_notebook_settings"] == 0.05
    assert summary["median_share_of_best_conv_best_settings"] == 0.15


def test_summarise_without_measurements():
    summary = training_speed.summarise([])
    assert summary["median_share_notebook_settings"] is None
    assert summary["median_share_best_settings"] is None


def test_every_training_notebook_has_its_own_setting():
    arms = training_speed.course_arms()
    notebooks = {arm.experiment[:2] for arm in arms if arm.notebook}
    assert notebooks == {"01", "03", "05", "06", "07", "08", "09", "10"}
    labels = [(arm.experiment, arm.setting) for arm in arms]
    assert len(labels) == len(set(labels))


def test_merge_rows_replaces_the_arms_measured_again_and_keeps_the_others():
    stored = [_row("01 x", "notebook", 0.1, True), _row("01 x", "big", 0.2)]
    stored.append(_row("03 y", "nb", 0.3))
    measured = [_row("01 x", "notebook", 0.5, True), _row("05 z", "notebook", 0.4, True)]
    merged = training_speed.merge_rows(stored, measured)
    assert [(r["experiment"], r["setting"], r["share"]) for r in merged] == [
        ("01 x", "notebook", 0.5),
        ("01 x", "big", 0.2),
        ("03 y", "nb", 0.3),
        ("05 z", "notebook", 0.4),
    ]


def test_summarise_gives_the_median_fixed_cost_of_the_notebook_settings():
    rows = [_row("01 x", "notebook", 0.1, True), _row("03 y", "notebook", 0.2, True)]
    rows[0]["fixed_cost_share"], rows[1]["fixed_cost_share"] = 0.9, 0.5
    rows.append(_row("03 y", "big", 0.4))
    assert training_speed.summarise(rows)["median_fixed_cost_share_notebook_settings"] == 0.7


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["utilisaton"], "unknown case utilisaton; allowed: xla"),
        (["utilisation", "--only=04"], "--only 04: allowed 01,03,05"),
        (["--recrod"], "unrecognized arguments: --recrod"),
    ],
)
def test_a_wrong_command_line_exits_2_and_says_what_is_allowed(argv, says, capsys):
    with pytest.raises(SystemExit) as stopped:
        training_speed.parse_args(argv)
    assert stopped.value.code == 2
    assert says in capsys.readouterr().err


def test_the_command_line_reads_cases_and_notebooks():
    args = training_speed.parse_args(["utilisation", "--notebook", "--only=03,07", "--record"])
    assert args.cases == ["utilisation"] and args.notebook and args.record
    assert args.only == ("03", "07")
    assert training_speed.parse_args([]).only == ()
