"""Notebook 08's experiment module and mini network: behaviour and bad input."""

import numpy as np
import pytest

from inception_edu.analysis import analyze_model
from inception_edu.backend import keras
from inception_edu.data import Split, load_digits_split
from inception_edu.experiments import residual_scaling as rx
from inception_edu.keras_build import build
from inception_edu.spec.nodes import Residual
from inception_edu.training import Recipe
from inception_edu.training.side_by_side import side_by_side
from inception_edu.zoo.mini import mini_inception_resnet_spec


def tiny(**changes):
    options = dict(channels=8, blocks=2, width=0.25, branches=2)
    options.update(changes)
    return mini_inception_resnet_spec(**options)


@pytest.fixture(scope="module")
def digits():
    full = load_digits_split(seed=0)
    return Split(
        full.x_train[:96], full.y_train[:96], full.x_val[:48], full.y_val[:48], full.class_names
    )


# --------------------------------------------------------------------------- the network


def test_the_mini_inception_resnet_is_a_stack_of_v1_a_blocks_on_a_wide_trunk():
    spec = mini_inception_resnet_spec()
    summary = analyze_model(spec, (8, 8, 1))
    names = spec.stage_names
    assert names[0] == "stem_3x3" and names[-2:] == ("avg_pool", "classifier")
    blocks = [stage for stage in spec.stages if isinstance(stage, Residual)]
    assert len(blocks) == 6 and all(b.scale == 0.2 and b.shortcut for b in blocks)
    assert [b.name for b in blocks[0].branches] == ["b1", "b2"]
    assert summary.block("inception_resnet_a_1").output_shape == (4, 4, 64)
    concat = next(r for r in summary.layers if r.name == "inception_resnet_a_1_concat")
    assert concat.output_shape == (4, 4, 16)  # 2 x 8 widened to 64 by the linear 1x1
    assert spec.stage("classifier").activation is None  # logits
    three = mini_inception_resnet_spec(branches=3, stride=1)
    assert analyze_model(three, (8, 8, 1)).block("inception_resnet_a_6").output_shape == (
        8,
        8,
        64,
    )


def test_the_plain_twin_has_the_same_layers_without_shortcuts():
    residual, plain = mini_inception_resnet_spec(), mini_inception_resnet_spec(shortcut=False)
    assert not any(s.shortcut for s in plain.stages if isinstance(s, Residual))
    a, b = analyze_model(residual, (8, 8, 1)), analyze_model(plain, (8, 8, 1))
    assert (a.total_params, a.total_macs) == (b.total_params, b.total_macs)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(classes=1), "classes"),
        (dict(input_size=3), "input_size"),
        (dict(channels=0), "channels"),
        (dict(blocks=0), "blocks"),
        (dict(width=0), "width"),
        (dict(scale=0), "scale"),
        (dict(shortcut=1), "shortcut"),
        (dict(branches=4), "branches"),
        (dict(stride=3), "stride"),
        (dict(classifier_activation="relu"), "classifier_activation"),
    ],
)
def test_the_mini_network_checks_its_arguments(change, message):
    with pytest.raises(ValueError, match=message):
        mini_inception_resnet_spec(**change)


# --------------------------------------------------------------------------- at init


def test_rms_and_residual_stages():
    assert rx.rms([3.0, -4.0]) == pytest.approx(np.sqrt(12.5))
    with pytest.raises(ValueError, match="non-empty"):
        rx.rms([])
    assert rx.residual_stages(tiny()) == ("inception_resnet_a_1", "inception_resnet_a_2")
    with pytest.raises(ValueError, match="ModelSpec"):
        rx.residual_stages("mini")


def test_activation_growth_scale_zero_is_the_identity_and_one_grows(digits):
    growth = rx.activation_growth(tiny(blocks=4), digits.x_val[:8], scales=(0.0, 0.5, 1.0))
    assert growth.blocks == tuple(f"inception_resnet_a_{i}" for i in range(1, 5))
    # scale 0: every block is ReLU(x), x itself on the stem's non-negative output
    np.testing.assert_allclose(growth.at(0.0), growth.stem, rtol=1e-6)
    assert growth.growth(0.0) == pytest.approx(1.0)
    assert growth.growth(1.0) > 1.1
    assert 1.0 < growth.growth(0.5) < growth.growth(1.0)
    again = rx.activation_growth(tiny(blocks=4), digits.x_val[:8], scales=(1.0,))
    assert again.at(1.0) == pytest.approx(growth.at(1.0), rel=1e-5)  # the same draw
    with pytest.raises(ValueError, match="not measured"):
        growth.at(0.2)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(spec="mini"), "ModelSpec"),
        (dict(x=np.zeros((1, 8, 8, 1))), "at least 2"),
        (dict(x=np.zeros((4, 8, 8))), "shaped"),
        (dict(scales=()), "scales"),
        (dict(scales=(0.2, 0.2)), "distinct"),
        (dict(scales=(-1,)), "scale"),
        (dict(seed=-1), "seed"),
    ],
)
def test_activation_growth_checks_its_arguments(digits, arguments, message):
    call = dict(spec=tiny(), x=digits.x_val[:4], scales=(1.0,), seed=0)
    call.update(arguments)
    with pytest.raises(ValueError, match=message):
        rx.activation_growth(**call)


def test_plot_growth_draws_one_line_per_scale():
    growth = rx.ActivationGrowth((0.2, 1.0), ("a", "b"), 1.0, ((1.0, 1.1), (1.5, 2.0)))
    figure = rx.plot_growth(growth, scales=(1.0, 0.2))
    lines = figure.axes[0].get_lines()
    assert [line.get_label() for line in lines] == ["unscaled (1.0)", "scaled by 0.2"]
    np.testing.assert_allclose(lines[0].get_ydata(), [1.0, 1.5, 2.0])
    assert [t.get_text() for t in figure.axes[0].texts] == ["2.0x", "1.1x"]
    with pytest.raises(ValueError, match="not measured"):
        rx.plot_growth(growth, scales=(0.3,))
    with pytest.raises(ValueError, match="ActivationGrowth"):
        rx.plot_growth({})


# --------------------------------------------------------------------------- training


def test_reinitialize_draws_by_seed_and_layer_name_alike_in_every_replica():
    first, second = build(tiny(), (8, 8, 1)), build(tiny(scale=1.0), (8, 8, 1))
    pair = side_by_side([first, second])
    rx.reinitialize(pair, 3)
    for a, b in zip(first.weights, second.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())  # same names, same draw
    before = [w.numpy() for w in first.weights]
    first.get_layer("stem_3x3_bn").moving_mean.assign(np.ones(8))
    rx.reinitialize(first, 3)
    for a, b in zip(before, first.weights, strict=True):
        np.testing.assert_array_equal(a, b.numpy())  # again the same, statistics reset
    rx.reinitialize(first, 4)
    kernel = first.get_layer("stem_3x3_conv").kernel.numpy()
    assert not np.array_equal(kernel, before[0])
    with pytest.raises(ValueError, match="seed"):
        rx.reinitialize(first, -1)


def test_reinitialize_refuses_layers_it_cannot_redraw():
    inputs = keras.Input((4,))
    model = keras.Model(inputs, keras.layers.LayerNormalization(name="norm")(inputs))
    with pytest.raises(ValueError, match="norm"):
        rx.reinitialize(model, 0)
    with pytest.raises(ValueError):
        rx.reinitialize("model", 0)


def test_train_variants_trains_each_variant_on_each_seed_and_rate(digits):
    variants = {"unscaled": tiny(scale=1.0), "plain": tiny(scale=1.0, shortcut=False)}
    runs = rx.train_variants(digits, variants, (0, 1), (0.05, 0.1), epochs=2, batch_size=32)
    keys = [(r.learning_rate, r.seed, r.variant) for r in runs]
    assert keys == [(lr, s, v) for lr in (0.05, 0.1) for s in (0, 1) for v in variants]
    for run in runs:
        assert len(run.loss) == 2 and run.finite and run.final_loss == run.loss[-1]
        assert 0 <= run.val_accuracy <= 1 and 0 <= run.dead <= 1
    by_seed = {(r.seed, r.variant): r.loss for r in runs if r.learning_rate == 0.05}
    assert by_seed[0, "unscaled"] != by_seed[1, "unscaled"]  # seeds differ
    again = rx.train_variants(digits, variants, (1,), (0.05,), epochs=2, batch_size=32)
    assert again[0].loss == pytest.approx(by_seed[1, "unscaled"], rel=1e-4)  # and repeat


@pytest.mark.parametrize(
    "arguments, message",
    [
        (dict(split=(1, 2)), "Split"),
        (dict(variants={}), "variants"),
        (dict(variants={"": None}), "label"),
        (dict(variants={"x": "spec"}), "ModelSpec"),
        (dict(seeds=(0, 0)), "distinct"),
        (dict(seeds=(-1,)), "seed"),
        (dict(learning_rates=()), "learning_rates"),
        (dict(learning_rates=(0,)), "learning_rate"),
        (dict(epochs=0), "epochs"),
        (dict(batch_size=0), "batch_size"),
        (dict(recipe="sgd"), "recipe"),
        (dict(recipe=Recipe(optimizer="sgd", schedule="cosine")), "constant"),
    ],
)
def test_train_variants_checks_its_arguments(digits, arguments, message):
    call = dict(split=digits, variants={"a": tiny()})
    call.update(arguments)
    with pytest.raises(ValueError, match=message):
        rx.train_variants(**call)


def _runs():
    make = rx.VariantRun
    return [
        make("unscaled", 0, 1.0, (3.0, 2.3), 0.1, 1.0),
        make("scaled", 0, 1.0, (2.4, 0.9), 0.8, 0.6),
        make("unscaled", 1, 1.0, (3.1, 2.2), 0.12, 0.99),
        make("scaled", 1, 1.0, (2.5, 1.1), 0.7, 0.7),
    ]


def test_final_values_differences_and_the_table_pair_runs_by_seed():
    runs = _runs()
    assert rx.final_values(runs) == {("unscaled", 1.0): [2.3, 2.2], ("scaled", 1.0): [0.9, 1.1]}
    assert rx.final_values(runs, "dead")["unscaled", 1.0] == [1.0, 0.99]
    assert rx.differences(runs, "unscaled", "scaled", 1.0) == pytest.approx([1.4, 1.1])
    assert rx.differences(runs, "scaled", "unscaled", 1.0, "val_accuracy") == pytest.approx(
        [0.7, 0.58]
    )
    text = rx.runs_table(runs).text()
    assert "loss, seed 1" in text and "10%-12%" in text and "100%" in text
    with pytest.raises(ValueError, match="field"):
        rx.final_values(runs, "loss")
    with pytest.raises(ValueError, match="No runs of 'plain'"):
        rx.differences(runs, "plain", "scaled", 1.0)
    with pytest.raises(ValueError, match="VariantRun"):
        rx.runs_table([])
    assert not rx.VariantRun("x", 0, 1.0, (2.0, float("nan")), 0.1, 1.0).finite


def test_plot_training_draws_a_panel_per_rate_with_the_guessing_line():
    runs = _runs() + [rx.VariantRun("scaled", 0, 0.1, (2.2, 1.8), 0.5, 0.2)]
    figure = rx.plot_training(runs, variants=("unscaled", "scaled"))
    assert [ax.get_title() for ax in figure.axes] == ["learning rate 1", "learning rate 0.1"]
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert labels == [
        "unscaled (2 seeds: mean)",
        "scaled (2 seeds: mean)",
        "guessing: ln 10 = 2.30",
    ]
    np.testing.assert_allclose(figure.axes[0].get_lines()[0].get_ydata(), [3.05, 2.25])
    assert [line.get_label() for line in figure.axes[1].get_lines()][0] == "scaled (1 seeds: mean)"
    with pytest.raises(ValueError, match="classes"):
        rx.plot_training(runs, classes=1)
    with pytest.raises(ValueError, match="trained variants"):
        rx.plot_training(runs, variants=("plain",))


# --------------------------------------------------------------------------- growth, warm-up


def test_growth_over_seeds_is_activation_growth_seed_by_seed(digits):
    spec = tiny(blocks=3)
    both = rx.growth_over_seeds(spec, digits.x_val[:8], (0, 1), scales=(1.0, 0.2))
    assert len(both) == 2 and both[0].scales == (1.0, 0.2)
    for seed, growth in zip((0, 1), both, strict=True):
        alone = rx.activation_growth(spec, digits.x_val[:8], scales=(1.0, 0.2), seed=seed)
        np.testing.assert_allclose(growth.at(1.0), alone.at(1.0), rtol=1e-5)
        assert growth.stem == pytest.approx(alone.stem, rel=1e-5)
    assert both[0].at(1.0)[-1] != pytest.approx(both[1].at(1.0)[-1])  # seeds differ
    with pytest.raises(ValueError, match="distinct"):
        rx.growth_over_seeds(spec, digits.x_val[:8], (0, 0))


def test_a_warm_up_longer_than_the_run_is_a_run_at_the_warm_up_rate(digits):
    variants = {"unscaled": tiny(scale=1.0), "scaled": tiny()}
    warm = rx.train_variants(
        digits, variants, (0,), (0.5,), 2, 32, warmup_steps=100, warmup_factor=0.1
    )
    low = rx.train_variants(digits, variants, (0,), (0.05,), 2, 32)
    for a, b in zip(warm, low, strict=True):
        assert a.loss == pytest.approx(b.loss, rel=1e-4)
    short = rx.train_variants(digits, variants, (0,), (0.5,), 2, 32, warmup_steps=2)
    assert short[0].loss[-1] != pytest.approx(warm[0].loss[-1], rel=1e-3)  # it switched
    with pytest.raises(ValueError, match="warmup_steps"):
        rx.train_variants(digits, variants, warmup_steps=-1)
    with pytest.raises(ValueError, match="warmup_factor"):
        rx.train_variants(digits, variants, warmup_steps=1, warmup_factor=0)


# --------------------------------------------------------------------------- the study


def _tiny_settings(**changes):
    options = dict(
        channels=8,
        blocks=2,
        seeds=(0,),
        learning_rates=(0.1,),
        epochs=1,
        samples=64,
        warmup_steps=1,
    )
    options.update(changes)
    return rx.StudySettings(**options)


def test_the_study_runs_every_arm_and_its_record_reads_back(tmp_path):
    import json

    settings = _tiny_settings()
    runs = rx.run_study(settings)
    assert [r.variant for r in runs] == [
        "unscaled",
        "scaled",
        "unscaled + warm-up",
        "scaled + warm-up",
    ]
    record = rx.study_record(runs, settings, {"command": "test"})
    path = tmp_path / "study.json"
    path.write_text(json.dumps(record))
    study = rx.load_study(path)
    assert study.settings == settings and study.provenance == {"command": "test"}
    assert study.runs == tuple(runs)
    for schedule in rx.SCHEDULES:
        assert "died: unscaled" in rx.study_table(runs, schedule).text()
    table = rx.warmup_table(runs).text()
    assert "unscaled: warm-up - constant" in table and "died after it" in table
    arm = rx.run_study(settings, schedules=("constant",))
    assert arm[0].loss == pytest.approx(runs[0].loss, rel=1e-4)  # the arm reruns
    with pytest.raises(ValueError, match="schedule"):
        rx.run_study(settings, schedules=("cosine",))
    with pytest.raises(ValueError, match="No stored study"):
        rx.load_study(tmp_path / "none.json")


def _study_runs():
    make = rx.VariantRun
    return (
        make("unscaled", 0, 0.1, (2.0, 1.0), 0.9, 0.5),
        make("scaled", 0, 0.1, (2.0, 1.5), 0.6, 0.5),
        make("unscaled", 0, 1.0, (2.3, 2.3), 0.1, 1.0),
        make("scaled", 0, 1.0, (2.2, 1.2), 0.7, 0.5),
        make("unscaled", 1, 0.1, (2.0, 0.9), 0.8, 0.5),
        make("scaled", 1, 0.1, (2.0, float("nan")), 0.5, 0.5),
        make("unscaled", 1, 1.0, (2.3, 2.3), 0.15, 1.0),
        make("scaled", 1, 1.0, (2.3, 2.3), 0.11, 1.0),
    )


def test_died_rescues_band_and_best_accuracy():
    runs = _study_runs()
    assert [rx.died(r) for r in runs] == [False, False, True, False, False, True, True, True]
    assert rx.rescues(runs, "unscaled", "scaled") == {0: [1.0], 1: []}
    assert rx.rescues(runs, "scaled", "unscaled") == {0: [], 1: [0.1]}
    # a twin that ended within the margin above the line is no rescue
    assert rx.rescues(runs, "unscaled", "scaled", margin=0.6) == {0: [], 1: []}
    with pytest.raises(ValueError, match="margin"):
        rx.rescues(runs, "unscaled", "scaled", margin=-0.1)
    assert rx.band(runs, "scaled", 1.0) == (0.11, 0.7)
    assert rx.best_accuracy(runs, "scaled") == {0: (1.0, 0.7), 1: (0.1, 0.5)}
    text = rx.study_table(runs).text()
    assert "11%-70%" in text and "1 of 2" in text and "zeros: unscaled" in text
    with pytest.raises(ValueError, match="schedule"):
        rx.study_table(runs, "cosine")
    with pytest.raises(ValueError, match="No runs of"):
        rx.study_table(runs, "warm-up")
    figure = rx.plot_study(runs)
    assert [ax.get_xscale() for ax in figure.axes] == ["log", "log"]
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert "unscaled" in labels and "scaled" in labels and "guessing: 10%" in labels
    with pytest.raises(ValueError, match="No stored runs"):
        rx.band(runs, "scaled", 0.3)
    with pytest.raises(ValueError, match="No runs of 'plain'"):
        rx.rescues(runs, "plain", "scaled")
    with pytest.raises(ValueError, match="No runs of 'plain'"):
        rx.best_accuracy(runs, "plain")


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(channels=0), "channels"),
        (dict(blocks=0), "blocks"),
        (dict(scale=0), "scale"),
        (dict(seeds=(1, 1)), "distinct"),
        (dict(learning_rates=(0,)), "learning_rate"),
        (dict(epochs=0), "epochs"),
        (dict(samples=1), "samples"),
        (dict(warmup_steps=0), "warmup_steps"),
        (dict(width=0), "width"),
        (dict(branches=4), "branches"),
    ],
)
def test_study_settings_check_their_values(change, message):
    with pytest.raises(ValueError, match=message):
        _tiny_settings(**change)


def test_best_runs_picks_each_seeds_best_rate_and_never_a_nan():
    runs = list(_study_runs())
    lowest = rx.best_runs(runs, "scaled")
    assert {s: r.learning_rate for s, r in lowest.items()} == {0: 1.0, 1: 1.0}  # nan loses
    highest = rx.best_runs(runs, "unscaled", "val_accuracy")
    assert {s: r.learning_rate for s, r in highest.items()} == {0: 0.1, 1: 0.1}
    with pytest.raises(ValueError, match="field"):
        rx.best_runs(runs, "scaled", "dead")
    with pytest.raises(ValueError, match="No runs of 'plain'"):
        rx.best_runs(runs, "plain")


def test_the_growth_record_reads_back(tmp_path):
    import json

    measured = rx.measure_growth(widths=(8,), blocks=2, seeds=(0, 1), scales=(1.0, 0.2))
    assert len(measured[8]) == 2 and measured[8][0].scales == (1.0, 0.2)
    path = tmp_path / "growth.json"
    network = dict(widths=(8,), blocks=2, seeds=(0, 1))
    path.write_text(json.dumps(rx.growth_record(measured, {"command": "test"}, network)))
    assert rx.growth_made(path) == (
        {"widths": [8], "blocks": 2, "seeds": [0, 1]},
        {"command": "test"},
    )
    back = rx.load_growth(path)
    assert list(back) == [8]
    for a, b in zip(back[8], measured[8], strict=True):
        assert a.growth(1.0) == pytest.approx(b.growth(1.0)) and a.blocks == b.blocks
    with pytest.raises(ValueError, match="No stored growth"):
        rx.load_growth(tmp_path / "none.json")
    with pytest.raises(ValueError, match="No stored growth"):
        rx.growth_made(tmp_path / "none.json")


def _three_seeds(unscaled, scaled, rate=1.0):
    """Unscaled and scaled runs at ``rate`` ending at these accuracies, seeds 0-2."""
    return tuple(
        rx.VariantRun(variant, seed, rate, (2.3, 2.0), accuracy, 1.0)
        for seed, pair in enumerate(zip(unscaled, scaled, strict=True))
        for variant, accuracy in zip(("unscaled", "scaled"), pair, strict=True)
    )


@pytest.mark.parametrize(
    "unscaled, scaled, verdict, reproduced",
    [
        ((0.1, 0.1, 0.1), (0.1, 0.1, 0.1), "not shown at this scale", False),  # both die
        ((0.1, 0.1, 0.1), (0.7, 0.6, 0.5), "holds", True),  # scaling saves every seed
        ((0.1, 0.1, 0.5), (0.7, 0.6, 0.5), "holds approximately", True),
        ((0.23, 0.23, 0.1), (0.1, 0.1, 0.1), "not shown at this scale", False),  # noise
        ((0.5, 0.5, 0.1), (0.1, 0.1, 0.1), "wrong", False),  # scaling kills clearly
    ],
)
def test_stability_is_the_course_rule_on_rescues(unscaled, scaled, verdict, reproduced):
    found = rx.stability(_three_seeds(unscaled, scaled))
    assert found.verdict.verdict == verdict and found.reproduced == reproduced
    assert set(found.saved) == set(found.lost) == {0, 1, 2}


def test_paired_differences_and_the_seed_spread():
    runs = _three_seeds((0.5, 0.6, 0.8), (0.4, 0.6, 0.5), rate=0.1)
    assert rx.paired(runs, "unscaled", "scaled") == {0.1: pytest.approx([0.1, 0.0, 0.3])}
    assert rx.paired(runs, "unscaled", "scaled", "dead") == {0.1: [0.0, 0.0, 0.0]}
    assert rx.seed_spread(runs) == pytest.approx(0.25)  # the median of 0.3 and 0.2
    with pytest.raises(ValueError, match="No paired runs"):
        rx.paired(runs, "unscaled", "plain")
    with pytest.raises(ValueError, match="field"):
        rx.paired(runs, "unscaled", "scaled", "loss")
    with pytest.raises(ValueError, match="No arm"):
        rx.seed_spread(_three_seeds((0.1,) * 3, (0.1,) * 3))


def test_the_study_network_is_described_from_its_spec():
    lines = rx.describe_network(rx.StudySettings())
    text = "\n".join(lines)
    assert "1024 channels" in text and "1x1 8 | 1x1 8 -> 3x3 8" in text
    assert "rank <= 16" in text and "64x fewer" in text
    assert max(map(len, lines)) <= 100
    full = "\n".join(rx.describe_network(rx.StudySettings(width=1.0, branches=3)))
    assert "rank <= 96" in full and "1x1 32 -> 3x3 32 -> 3x3 32" in full
    with pytest.raises(ValueError, match="StudySettings"):
        rx.describe_network({"channels": 1024})
