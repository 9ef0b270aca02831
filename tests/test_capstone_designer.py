"""Notebook 11's block designer, headless: the branch lines, the live numbers, errors on
the widget, adding and removing branches, files; and the capstone's exercises (issue 23).

The designer is driven as a learner drives it, through its widgets' values; what it
shows is read from its attributes and its headline. Nothing here trains but the target
exercise's judge, on made-up runs with a stand-in for training.
"""

import json

import matplotlib
import pytest

from inception_edu.analysis import analyze
from inception_edu.experiments import capstone as cx
from inception_edu.experiments.capstone import exercises as capstone_exercises
from inception_edu.experiments.capstone.experiment import DesignRun

matplotlib.use("Agg")

THIN = ["1x1:8", "1x1:16 > 1x3:16 > 3x1:16", "1x1:4 > 3x3:8", "max3 > 1x1:8"]


@pytest.mark.parametrize(
    ("line", "ops"),
    [
        ("1x1:24 > 3x3:32", [{"op": "conv", "kernel": 1, "filters": 24},
                             {"op": "conv", "kernel": 3, "filters": 32}]),
        ("1x3:16>3x1:16", [{"op": "conv", "kernel": [1, 3], "filters": 16},
                           {"op": "conv", "kernel": [3, 1], "filters": 16}]),
        ("max3 > 1x1:8", [{"op": "pool", "kind": "max"},
                          {"op": "conv", "kernel": 1, "filters": 8}]),
        ("3x3:32/2V", [{"op": "conv", "kernel": 3, "filters": 32, "stride": 2,
                        "padding": "valid"}]),
        ("AVG5/2", [{"op": "pool", "kind": "avg", "size": 5, "stride": 2}]),
    ],
)  # fmt: skip
def test_a_branch_line_is_its_operations_and_back(line, ops):
    assert cx.parse_branch(line) == ops
    assert cx.parse_branch(cx.branch_text(ops)) == ops


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("", "b2 is empty"),
        ("1x1:8 >", "an empty step"),
        ("3x3:", "'3x3:' is not an operation"),
        ("conv 3", "'conv 3' is not an operation"),
        (None, "must be a text"),
    ],
)
def test_a_bad_branch_line_says_what_a_line_is(line, message):
    with pytest.raises(ValueError, match=message) as error:
        cx.parse_branch(line, "b2")
    assert "1x1:16" in str(error.value) or line is None or "empty" in message


def test_the_designer_starts_from_a_reference_with_its_numbers():
    designer = cx.BlockDesigner("inception(3a)")
    block = analyze(cx.design_to_spec(cx.reference_designs()["inception(3a)"]), cx.BLOCK_INPUT)
    assert designer.error is None
    assert [f.value for f in designer.branches] == [
        "1x1:16", "1x1:24 > 3x3:32", "1x1:4 > 5x5:8", "max3 > 1x1:8"
    ]  # fmt: skip
    assert (designer.summary.params, designer.summary.macs) == (block.params, block.macs)
    assert designer.macs_ratio == 1.0
    assert "653,312 multiply-adds" in designer.headline.value
    assert designer.redraws == 1 and "<svg" in designer.diagram.value


def test_typing_a_branch_updates_the_numbers_the_table_and_the_diagram():
    designer = cx.BlockDesigner("inception(3a)")
    for field, line in zip(designer.branches, THIN, strict=True):
        field.value = line
    assert designer.error is None
    assert designer.summary.output_shape == (8, 8, 40)
    assert designer.summary.macs == 227_328  # 64 positions x (384 + 2304 + 480 + 384)
    assert designer.macs_ratio == pytest.approx(227_328 / 653_312)
    assert "1x1:16 &gt; 1x3:16 &gt; 3x1:16" in designer.numbers.value
    assert "1x3 conv, 16" in designer.diagram.value


def test_a_design_with_no_answer_is_said_on_the_widget_and_the_last_one_stays():
    designer = cx.BlockDesigner("inception(3a)")
    good_picture = designer.diagram.value
    designer.branches[1].value = "1x1:24 > 3x3:32/2"
    assert "branches give 8x8 (b1) and 4x4 (b2): they cannot be concatenated" in designer.error
    assert "⚠" in designer.headline.value and "#b00020" in designer.headline.value
    assert designer.diagram.value == good_picture
    assert "last settings that worked" in designer.numbers.value
    assert designer.design == cx.BlockDesigner("inception(3a)").design  # the last good one
    designer.branches[1].value = "1x1:24 > 3x3:32"
    assert designer.error is None


def test_a_residual_add_needs_the_inputs_grid_and_takes_the_scale():
    designer = cx.BlockDesigner("Inception-ResNet-A")
    assert designer.combine.value == "scaled residual add" and not designer.scale.disabled
    assert designer.scale.value == pytest.approx(0.17)
    assert designer.summary.output_shape == cx.BLOCK_INPUT
    assert "linear 1x1" in designer.numbers.value
    designer.scale.value = 1.0
    assert designer.design["combine"] == {"residual": 1.0}
    designer.branches[0].value = "1x1:8/2"
    assert "b1 gives 4x4 but the block's input is 8x8" in designer.error
    designer.branches[0].value = "1x1:8"
    designer.combine.value = "concatenate"
    assert designer.scale.disabled and designer.design["combine"] == "concat"
    assert designer.summary.output_shape == (8, 8, 24)


def test_branches_are_added_and_removed_and_the_last_one_stays():
    designer = cx.BlockDesigner("inception(3a)")
    designer.add_branch("avg3 > 1x1:4")
    assert len(designer.rows.children) == 5 and designer.summary.output_shape[-1] == 68
    designer.branches[4].value = "avg3 > 1x1:6"  # a new field is observed too
    assert designer.summary.output_shape[-1] == 70
    designer.remove_branch(0)
    assert designer.summary.output_shape[-1] == 54
    assert [row.children[0].value for row in designer.rows.children] == ["b1", "b2", "b3", "b4"]
    for _ in range(3):
        designer.remove_branch(0)
    with pytest.raises(ValueError, match="at least one branch"):
        designer.remove_branch(0)
    with pytest.raises(ValueError, match="index must be a branch's position, 0 to 0"):
        designer.remove_branch(3)
    with pytest.raises(ValueError, match="not an operation"):
        designer.add_branch("7x7")


def test_start_from_replaces_the_design_in_one_update():
    designer = cx.BlockDesigner("inception(3a)")
    redraws = designer.redraws
    designer.start.value = "v3 Inception-A"
    assert designer.redraws == redraws + 1 and designer.error is None
    assert designer.name.value == "v3 Inception-A" and len(designer.branches) == 4
    assert designer.summary.macs == 1_019_904


def test_a_design_saved_from_the_designer_opens_in_it_the_same(tmp_path):
    designer = cx.BlockDesigner("inception(3a)")
    for field, line in zip(designer.branches, THIN, strict=True):
        field.value = line
    designer.batch_norm.value = False
    path = cx.save_design(designer.design, tmp_path / "mine.json")
    again = cx.BlockDesigner(str(path))
    assert cx.BlockDesigner(path).design == again.design  # a pathlib.Path opens it too
    assert again.design == designer.design
    assert not again.batch_norm.value
    assert (again.summary.params, again.summary.macs) == (
        designer.summary.params,
        designer.summary.macs,
    )


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("inception(4a)", "start must be one of 'naive'"),
        (3, "start must be one of"),
        ({"format": "inception-edu block"}, "needs the field 'version'"),
    ],
)
def test_a_bad_start_is_a_clear_error(start, message):
    with pytest.raises(ValueError, match=message):
        cx.BlockDesigner(start)


def test_a_design_file_puts_one_operation_on_a_line():
    design = cx.reference_designs()["v3 Inception-A"]
    text = cx.design_json(design)
    assert json.loads(text) == design
    assert '      {"op": "conv", "kernel": 1, "filters": 12},' in text.splitlines()


def test_the_plane_can_show_the_papers_ablation_beside_it():
    runs = [
        DesignRun(name, "test", seed, error, 1, macs, 2, macs + 1)
        for name, macs, error in (("a", 1000, 0.1), ("b", 4000, 0.05))
        for seed in range(3)
    ]
    figure = cx.plot_plane(runs, paper=True)
    axes = figure.get_axes()
    assert len(axes) == 2 and "Table 3" in axes[1].get_title()
    assert len(axes[1].collections[0].get_offsets()) == 8  # the eight rows of Table 3
    with pytest.raises(ValueError, match="paper"):
        cx.plot_plane(runs, paper="yes")


# --------------------------------------------------------------------------- exercises


def test_the_factorized_5x5_answer_is_counted_layer_by_layer():
    exercise = capstone_exercises.FACTORIZED_5X5
    exercise.reset()
    # per position: the 1x1 (48*4 = 192) in both; 5x5 on 4 to 8: 800; two 3x3s: 288 + 576
    expected = (192 + 864) / (192 + 800)
    assert exercise.answer() == pytest.approx(expected)
    assert exercise.check(round(expected, 2)).status == "correct"
    assert exercise.check(1.0).status == "wrong"  # "nothing changes" is not right
    assert exercise.check(0.72).status == "close"  # the paper's 18/25
    assert exercise.check(1.08).status == "close"  # the convolutions alone
    assert "Worked step" in exercise.check(0.4).message
    exercise.reset()


def _reference_runs(errors=(0.03, 0.03, 0.03)):
    return [
        DesignRun("inception(3a)", "ref", seed, error, 10_484, 653_312, 11_000, 681_600)
        for seed, error in enumerate(errors)
    ]


def _fake_training(errors):
    def train(split, designs, seeds, epochs, *batch_size):
        ((label, design),) = designs.items()
        macs = capstone_exercises.block_macs(design)
        return [DesignRun(label, "", s, errors[s], 1, macs, 1, macs) for s in seeds]

    return train


def test_the_target_prices_a_design_first_and_trains_only_a_cheap_one(monkeypatch):
    trained = []
    fake = _fake_training((0.04, 0.045, 0.035))
    monkeypatch.setattr(
        capstone_exercises, "train_designs", lambda *a: trained.append(1) or fake(*a)
    )
    target = capstone_exercises.design_target(None, _reference_runs())
    costly = cx.BlockDesigner("naive")
    feedback = target.check(costly)
    assert feedback.status == "wrong" and "2.37x" in feedback.message and not trained
    assert "thin the widest branch" in feedback.message
    cheap = cx.BlockDesigner("inception(3a)")
    for field, line in zip(cheap.branches, THIN, strict=True):
        field.value = line
    feedback = target.check(cheap)
    assert trained == [1]
    assert feedback.status == "correct" and "0.35x" in feedback.message, feedback.message


def test_the_target_is_close_when_cheap_but_less_accurate_and_refuses_a_bad_design(
    monkeypatch,
):
    monkeypatch.setattr(capstone_exercises, "train_designs", _fake_training((0.09, 0.02, 0.02)))
    target = capstone_exercises.design_target(None, _reference_runs())
    thin = {**cx.reference_designs()["inception(3a)"], "name": "thin"}
    thin["branches"] = [cx.parse_branch(line) for line in THIN]
    feedback = target.check(thin)
    assert feedback.status == "close" and "holds approximately" in feedback.message
    bad = cx.BlockDesigner("inception(3a)")
    bad.branches[0].value = "1x1:8/2"
    feedback = target.check(bad)
    assert feedback.status == "wrong" and "fix it first" in feedback.message
    assert target.wrong_answers == 1  # a malformed answer is not an attempt
    assert "Worked step" in target.check(cx.BlockDesigner("naive")).message
    with pytest.raises(ValueError, match="runs must hold inception"):
        capstone_exercises.design_target(None, [])


def test_the_train_button_puts_the_design_on_the_plane_beside_the_references(monkeypatch):
    from inception_edu.experiments.capstone import designer as designer_module

    monkeypatch.setattr(designer_module, "train_designs", _fake_training((0.04, 0.045, 0.035)))
    designer = cx.BlockDesigner("inception(3a)")
    for field, line in zip(designer.branches, THIN, strict=True):
        field.value = line
    designer.name.value = "mine"
    trainer = cx.PlaneTrainer(designer, None, _reference_runs())
    assert "3 seeds x 4 epochs, beside 1 design" in repr(trainer)
    assert trainer.train() and trainer.error is None and not trainer.button.disabled
    assert sorted({r.design for r in trainer.runs}) == ["inception(3a)", "mine"]
    assert "mean validation error 4.0% over 3 seeds" in trainer.status.value
    assert "0.35x inception(3a)&#x27;s multiply-adds; within 2 points: holds" in (
        trainer.status.value
    )
    assert bytes(trainer.plane.value).startswith(b"\x89PNG")  # the plane, drawn again
    trainer.train()  # the same name again: replaced, not added
    assert len(trainer.runs) == 6
    designer.name.value = "inception(3a)"  # a reference's name: drawn beside it
    trainer.train()
    assert sorted({r.design for r in trainer.runs}) == [
        "inception(3a)", "inception(3a) (yours)", "mine"
    ]  # fmt: skip
    designer.branches[0].value = "1x1:8/2"
    assert trainer.train() == [] and "fix the design first" in trainer.error
    with pytest.raises(ValueError, match="designer must be a BlockDesigner"):
        cx.PlaneTrainer("designer", None, _reference_runs())
    with pytest.raises(ValueError, match="runs must be the non-empty list"):
        cx.PlaneTrainer(designer, None, [])


def test_a_crowded_plane_numbers_its_points_and_names_them_in_a_key():
    runs = [
        DesignRun(f"pair {n:02d}", "class", seed, 0.02 + 0.01 * n + 0.001 * seed, 1, 1000 * n, 2, 0)
        for n in range(1, 13)
        for seed in range(3)
    ]
    ax = cx.plot_plane(runs).get_axes()[0]
    numbers = [t.get_text() for t in ax.texts]
    assert numbers == [str(n) for n in range(1, 13)]
    key = [t.get_text() for t in ax.artists[0].get_texts()]
    assert key[0] == "1  pair 01  3.1%" and len(key) == 12


def test_an_outlier_turns_the_error_axis_logarithmic_unless_a_seed_scored_zero():
    def plane(errors):
        runs = [
            DesignRun(name, "test", seed, error, 1, macs, 2, macs)
            for name, macs, error in zip("abc", (1000, 2000, 4000), errors, strict=True)
            for seed in range(3)
        ]
        return cx.plot_plane(runs).get_axes()[0]

    assert plane((0.02, 0.03, 0.30)).get_yscale() == "log"  # 15 times the best
    assert "log scale" in plane((0.02, 0.03, 0.30)).get_ylabel()
    assert plane((0.02, 0.03, 0.05)).get_yscale() == "linear"
    assert plane((0.0, 0.03, 0.30)).get_yscale() == "linear"  # log of 0: linear
