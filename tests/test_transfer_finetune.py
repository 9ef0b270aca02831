"""Notebook 09's third pretraining arm (issue 21, point 4): the standard transfer protocol,
backbone frozen while the new head trains, then unfrozen at a low learning rate with batch
norm in inference mode (experiments.transfer.experiment.Experiment.frozen_epochs), and
its heavy study (experiments.transfer.finetune, scripts/transfer_finetune_study.py)."""

import json

import numpy as np
import pytest
from helpers import TINY_BACKBONE_INPUT as SHAPE
from helpers import load_script, tiny_backbone
from synthetic_transfer import synthetic_comparison

from inception_edu import data
from inception_edu.backend import keras
from inception_edu.course.claims import empirical_verdict
from inception_edu.experiments.transfer import experiment as te
from inception_edu.experiments.transfer import finetune as ft
from inception_edu.training.batch_norm import batch_norm_layers

CLASSES = 4


@pytest.fixture(scope="module")
def split():
    """32 training and 16 validation images of 4 colour classes, with noise."""
    rng = np.random.default_rng(0)
    colours = rng.uniform(0.2, 0.8, size=(CLASSES, 3))
    labels = np.repeat(np.arange(CLASSES), 12)
    x = np.clip(colours[labels][:, None, None, :] + rng.normal(0, 0.15, (48, *SHAPE)), 0, 1)
    val = np.zeros(48, bool)
    for k in range(CLASSES):
        val[np.flatnonzero(labels == k)[:4]] = True
    names = tuple(f"class_{k}" for k in range(CLASSES))
    x = x.astype(np.float32)
    return data.Split(x[~val], labels[~val], x[val], labels[val], names)


def protocol(frozen=2, **changes):
    return te.Experiment(
        name="frozen then unfrozen",
        backbone=tiny_backbone,
        backbone_label="tiny",
        weights="course",  # a label: the backbone's weights as built are put back
        frozen_epochs=frozen,
        **changes,
    )


def body_weights(model) -> dict:
    """The backbone's variables by path: kernels, biases, BN scale, offset, moving stats."""
    body = te._body(model)
    return {v.path: np.array(v) for v in body.variables}


def trained(split, experiment, epochs, checkpoint_root=None):
    """(the backbone's weights as the arm starts, the model after the run, the result)."""
    models = te.SharedModels()
    start = models.initial(experiment, CLASSES, SHAPE, experiment.phases(epochs)[0][0])
    before = body_weights(start)
    result = te.run_experiment(
        split,
        experiment,
        epochs,
        batch_size=8,
        settle=False,
        models=models,
        checkpoint_root=checkpoint_root,
    )
    phase = experiment.phases(epochs)[-1][0]
    model, _ = models.model(experiment, CLASSES, SHAPE, phase)
    return before, model, result


def test_phase_one_trains_the_head_alone(split):
    """With every epoch frozen, no weight of the backbone moves, BN statistics included
    (the backbone runs in inference mode), while the head does."""
    arm = protocol(frozen=2)
    models = te.SharedModels()
    start = models.initial(arm, CLASSES, SHAPE, "frozen")
    assert not te._body(start).trainable
    head = [np.array(w) for w in start.get_layer("predictions").weights]
    before = body_weights(start)
    te.run_experiment(split, arm, 2, batch_size=8, settle=False, models=models)
    after = body_weights(start)
    assert before.keys() == after.keys() and len(after) == 8
    for path, value in before.items():
        np.testing.assert_array_equal(value, after[path], err_msg=path)
    moved = [np.array(w) for w in start.get_layer("predictions").weights]
    assert any(not np.array_equal(a, b) for a, b in zip(head, moved, strict=True))
    trainable = {v.path for v in start.trainable_variables}
    assert trainable == {v.path for v in start.get_layer("predictions").weights}


def test_phase_two_trains_every_layer_but_keeps_the_batch_norm_statistics(split):
    before, model, result = trained(split, protocol(frozen=1), 3)
    after = body_weights(model)
    moving = [p for p in before if p.endswith(("moving_mean", "moving_variance"))]
    assert len(moving) == 2 and len(batch_norm_layers(model)) == 1
    for path in moving:  # inference mode throughout: the stored statistics never move
        np.testing.assert_array_equal(before[path], after[path], err_msg=path)
    kernels = [p for p in before if p.endswith("kernel")]
    assert len(kernels) == 2
    assert all(not np.array_equal(before[p], after[p]) for p in kernels)  # unfrozen
    for path in ("bn_1/gamma", "bn_1/beta"):  # batch norm frozen whole, as Keras 3 needs
        np.testing.assert_array_equal(before[path], after[path], err_msg=path)
    assert len(model.trainable_variables) == 2 + 4  # the head's, and the two convolutions'
    assert result.epochs == (0, 1, 2) and result.trained_epochs == (0, 1, 2)
    assert len(result.history["val_categorical_accuracy"]) == 3


def test_in_keras_3_training_false_does_not_keep_an_unfrozen_backbone_in_inference_mode():
    """Why the protocol freezes the batch-norm layers instead of calling the backbone with
    ``training=False`` (Keras' guide): ``fit`` calls the model with ``training=True``,
    which overrides the call's ``training=False`` once the backbone is trainable
    (keras-team/keras#20285), so the statistics move; a frozen BN layer keeps them."""
    moved = {}
    for freeze_bn in (False, True):
        keras.utils.set_random_seed(0)
        base = tiny_backbone()
        inputs = keras.Input(SHAPE)
        pooled = keras.layers.GlobalAveragePooling2D()(base(inputs, training=False))
        model = keras.Model(inputs, keras.layers.Dense(2, activation="softmax")(pooled))
        base.trainable = True
        base.get_layer("bn_1").trainable = not freeze_bn
        model.compile(keras.optimizers.Adam(1e-5), "sparse_categorical_crossentropy")
        before = np.array(base.get_layer("bn_1").moving_mean)
        x = np.random.default_rng(0).uniform(size=(8, *SHAPE)).astype(np.float32)
        model.fit(x, np.arange(8) % 2, batch_size=8, epochs=1, verbose=0)
        moved[freeze_bn] = not np.array_equal(before, base.get_layer("bn_1").moving_mean)
    assert moved == {False: True, True: False}


def test_the_source_arm_updates_its_batch_norm_statistics(split):
    """The contrast: fine-tuning every layer from the start (the source's way) runs batch
    norm in training mode, so its moving statistics change."""
    arm = te.Experiment(name="all", backbone=tiny_backbone, backbone_label="tiny", weights="c")
    before, model, _ = trained(split, arm, 1)
    after = body_weights(model)
    mean = next(p for p in before if p.endswith("moving_mean"))
    assert not np.array_equal(before[mean], after[mean])


def test_the_phases_resume_from_their_checkpoints(split, tmp_path):
    arm = protocol(frozen=1)
    _, _, first = trained(split, arm, 2, checkpoint_root=tmp_path)
    seed_dir = tmp_path / arm.slug / "seed0"
    assert sorted(p.name for p in seed_dir.iterdir()) == ["frozen1", "unfrozen-after1-lr1e-05"]
    _, _, again = trained(split, arm, 2, checkpoint_root=tmp_path)
    assert again.trained_epochs == ()  # read back, nothing trained
    assert again.history["val_loss"] == pytest.approx(first.history["val_loss"])
    # other settings are never served from these checkpoints: their phases start afresh
    _, _, other = trained(split, protocol(frozen=1, unfrozen_learning_rate=1e-4), 2, tmp_path)
    assert other.trained_epochs == (1,)  # the head phase is the same run, read back
    _, _, longer = trained(split, protocol(frozen=2), 3, checkpoint_root=tmp_path)
    assert longer.trained_epochs == (0, 1, 2)


def test_phases_recipes_names_and_settings():
    arm = protocol(frozen=2)
    assert arm.phases(5) == (("frozen", 2), ("unfrozen", 3))
    assert arm.phases(2) == (("frozen", 2),)  # no epoch left: the head alone
    assert arm.phases(1) == (("frozen", 1),)
    assert protocol(frozen=0).phases(3) == (("all", 3),)
    assert arm.recipe("frozen").learning_rate == 1e-3
    assert arm.recipe("unfrozen").learning_rate == te.UNFROZEN_LEARNING_RATE == 1e-5
    assert arm.recipe().learning_rate == 1e-3
    assert arm.model_name.endswith("_frozen2_then_lr1e-05")
    assert protocol(frozen=3).model_name != arm.model_name  # never resumed as the other
    assert arm.settings()["training"] == "head 2 ep., then all at 1e-05"
    assert protocol(frozen=0).settings()["training"] == "all layers"


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: protocol(frozen=-1), r"frozen_epochs.*Received.*-1"),
        (lambda: protocol(frozen=1.5), r"frozen_epochs.*Received.*1\.5"),
        (lambda: protocol(unfrozen_learning_rate=0), r"unfrozen_learning_rate.*Received.*0"),
        (lambda: protocol(unfrozen_learning_rate=2), r"unfrozen_learning_rate.*Received.*2"),
        (lambda: protocol().recipe("thawed"), r"phase.*'all', 'frozen', 'unfrozen'.*thawed"),
        (lambda: protocol().phases(0), r"epochs.*Received.*0"),
        (lambda: ft.FinetuneSettings(epochs=6, frozen_epochs=6), r"frozen_epochs < epochs.*6"),
        (lambda: ft.FinetuneSettings(frozen_epochs=0), r"frozen_epochs.*Received.*0"),
        (lambda: ft.FinetuneSettings(seeds=(1, 1)), "distinct"),
        (lambda: ft.study_arms(ft.FinetuneSettings(), ("frozen",)), r"arms.*Received.*frozen"),
        (lambda: ft.run_study("settings"), r"FinetuneSettings. Received: str"),
        (lambda: ft.load_study("/no/such/study.json"), "transfer_finetune_study.py"),
        (lambda: ft.finals("study", "pretrained"), r"FinetuneStudy.*Received: str"),
    ],
)
def test_bad_arguments_say_what_was_received_and_what_is_allowed(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --------------------------------------------------------------------------- the stored study


@pytest.fixture(scope="module")
def study():
    return ft.load_study()


def test_the_stored_study_has_its_provenance_and_three_seeds_or_more(study):
    record = json.loads(ft.STUDY_FILE.read_text())
    provenance = record["provenance"]
    for key in ("command", "date", "commit", "dirty", "versions", "machine", "wall_seconds"):
        assert key in provenance, key
    assert provenance["command"].startswith("python scripts/transfer_finetune_study.py")
    assert provenance["dirty"] is False  # generated from a committed checkout
    assert set(study.runs) == set(ft.ARMS)
    assert len(study.settings.seeds) >= 3
    for arm, seeds in study.runs.items():
        assert sorted(seeds) == sorted(study.settings.seeds), arm
        assert all(len(run["as_trained"]) == study.settings.epochs for run in seeds.values())
    script = load_script("scripts/transfer_finetune_study.py")
    defaults = script.parse_args([])
    assert tuple(defaults.seeds) == study.settings.seeds  # the defaults regenerate it
    assert defaults.epochs == study.settings.epochs
    assert defaults.frozen_epochs == study.settings.frozen_epochs


def test_the_protocol_verdict_is_the_rule_over_the_stored_seeds(study):
    verdict = ft.protocol_verdict(study)
    differences = ft.finals(study, "frozen, then unfrozen", "as_trained") - ft.finals(
        study, "from scratch", "settled"
    )
    again = empirical_verdict(
        verdict.claim, np.round(differences, 4), verdict.effect, claimed="none", margin=0.1
    )
    assert verdict.verdict == again.verdict
    assert len(verdict.differences) >= 3
    low, high = ft.band(study, "frozen, then unfrozen")
    assert low <= high
    text = ft.study_table(study).text()
    assert "frozen, then unfrozen" in text and "from scratch" in text
    figure = ft.plot_study(study, live=("rerun", [0.5] * study.settings.epochs))
    labels = [line.get_label() for line in figure.axes[0].get_lines()]
    assert {"unfrozen here", "settled, last epoch (mean)", "rerun"} <= set(labels)
    with pytest.raises(ValueError, match="live must be"):
        ft.plot_study(study, live=("rerun", []))
    with pytest.raises(ValueError, match=r"arm.*Received.*'ResNet'"):
        ft.band(study, "ResNet")
    with pytest.raises(ValueError, match=r"key.*Received.*'raw'"):
        ft.finals(study, "pretrained", "raw")


def test_the_script_writes_a_study_with_its_provenance(tmp_path, monkeypatch):
    """The script end to end, its training replaced by made-up results of the study's
    shape (the real run is the stored one: minutes)."""
    script = load_script("scripts/transfer_finetune_study.py")

    def made_up(settings):
        comparison, _ = synthetic_comparison(seeds=settings.seeds, epochs=settings.epochs)
        picked = dict(zip(ft.ARMS, ("baseline", "resnet50", "from scratch"), strict=True))
        results = {arm: comparison.results[old] for arm, old in picked.items()}
        experiments = comparison.experiments[:3]
        return te.Comparison(experiments, settings.seeds, settings.epochs, 64, results)

    monkeypatch.setattr(script.finetune, "run_study", made_up)
    out = tmp_path / "study.json"
    argv = ["--seeds", "0", "1", "2", "--epochs", "4", "--frozen-epochs", "2"]
    record = script.main([*argv, "--out", str(out)])
    assert record["provenance"]["command"].endswith("--out " + str(out))
    assert isinstance(record["provenance"]["dirty"], bool)
    stored = ft.load_study(out)
    assert stored.settings.seeds == (0, 1, 2) and set(stored.runs) == set(ft.ARMS)
    assert stored.settings.frozen_epochs == 2
    assert len(stored.runs["from scratch"][1]["as_trained"]) == 4
