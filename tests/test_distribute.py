"""Data-parallel training on two logical CPU devices (inception_edu.experiments.scale_out).

Logical devices can only be configured before TensorFlow initialises its devices, which
the test session has long done; the training checks therefore run in a child process.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from inception_edu.experiments import scale_out as distribute

REPO = Path(__file__).resolve().parents[1]

CHILD = """
import json
from inception_edu.experiments.scale_out import (
    relative_gaps, seconds_per_epoch, split_cpu, synchronize_batch_norm, train_arms)
report = {"devices": split_cpu(2), "again": split_cpu(2)}
try:
    split_cpu(3)
except ValueError as error:
    report["three"] = str(error)
from inception_edu.backend import tf
from inception_edu.data import load_digits_split
from inception_edu.keras_build.graph import build
from inception_edu.training import Recipe, run
from inception_edu.zoo.mini import mini_inception_v3_spec

digits = load_digits_split(seed=0)
train, val = (digits.x_train[:256], digits.y_train[:256]), (digits.x_val, digits.y_val)
spec = mini_inception_v3_spec(classes=10, input_size=8, width=0.125)
strategy = tf.distribute.MirroredStrategy(["CPU:0", "CPU:1"])
one = tf.distribute.OneDeviceStrategy("CPU:0")  # the notebook's one-device arm
with one.scope():
    single = build(spec, digits.input_shape)
with strategy.scope():
    synced = synchronize_batch_norm(build(spec, digits.input_shape))
    local = build(spec, digits.input_shape)
arms = {"single": (single, one), "sync": (synced, strategy), "local": (local, strategy)}
recipe = Recipe(optimizer="adam", learning_rate=1e-2)
runs = train_arms(arms, train, val, recipe, 1, 64, seeds=(0, 1))
steps = {label: model.train_function for label, (model, _) in arms.items()}
runs_again = train_arms(arms, train, val, recipe, 1, 64, seeds=(1,))
report["reused"] = all(m.train_function is steps[k] for k, (m, _) in arms.items())
report["again_equal"] = runs_again["sync"][0]["loss"] == runs["sync"][1]["loss"]
gaps = relative_gaps(runs, "single")
report["seconds"] = [runs["sync"][0]["seconds"], runs["sync"][1]["seconds"]]
report["per_epoch"] = seconds_per_epoch(runs)
report["gaps"] = {label: g.tolist() for label, g in gaps.items()}
report["synchronized"] = [l.synchronized for l in synced.layers if hasattr(l, "synchronized")]
try:
    run(build(spec, digits.input_shape), train, None, recipe, 1, strategy=strategy)
except ValueError as error:
    report["outside"] = str(error)
print("REPORT " + json.dumps(report))
"""


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    script = tmp_path_factory.mktemp("distribute") / "child.py"
    script.write_text(textwrap.dedent(CHILD))
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=600, cwd=REPO
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("REPORT "))
    return json.loads(line.removeprefix("REPORT "))


def test_split_cpu_gives_two_devices_once_and_refuses_a_change_later(report):
    assert report["devices"] == ["/device:CPU:0", "/device:CPU:1"] == report["again"]
    assert "split_cpu(3) must run before" in report["three"]
    assert "already initialised with 2" in report["three"] and "Restart" in report["three"]


def test_mirrored_with_synchronized_batch_norm_is_the_single_device_run(report):
    sync, local = np.array(report["gaps"]["sync"]), np.array(report["gaps"]["local"])
    assert sync.shape == local.shape == (2, 1)  # seeds x epochs
    assert sync.max() < 1e-3  # the same computation, up to float rounding
    # per-replica batch statistics: another computation, a gap far above rounding
    assert (local > 10 * sync).all() and local.min() > 1e-4


def test_every_epoch_is_timed_and_the_fastest_is_reported(report):
    assert [len(s) for s in report["seconds"]] == [1, 1]  # seeds x epochs
    assert set(report["per_epoch"]) == {"single", "sync", "local"}
    assert all(0 < s < 60 for s in report["per_epoch"].values())
    # one epoch per run: nothing to leave out, the fastest of the two seeds' epochs
    assert report["per_epoch"]["sync"] == min(s[0] for s in report["seconds"])


def test_models_are_reused_across_seeds_and_runs_repeat(report):
    assert report["reused"]  # the traced training step is kept, on one device or two
    assert report["again_equal"]  # a seed gives the same run whatever ran before
    assert report["synchronized"] and all(report["synchronized"])


def test_a_model_built_outside_the_strategy_scope_is_refused(report):
    assert "built outside it" in report["outside"] and "scope()" in report["outside"]


def test_bad_arguments_are_clear_value_errors():
    with pytest.raises(ValueError, match="model must be a keras.Model. Received: str"):
        distribute.synchronize_batch_norm("model")
    with pytest.raises(ValueError, match="devices"):
        distribute.split_cpu(0)
    with pytest.raises(ValueError, match="arms must be a non-empty dict"):
        distribute.train_arms({}, None, None, None, 1, 64, seeds=(0,))
    with pytest.raises(ValueError, match=r"\(model, strategy\) pair"):
        distribute.train_arms({"a": "model"}, None, None, None, 1, 64, seeds=(0,))
    with pytest.raises(ValueError, match=r"seeds must be a non-empty list .* seeds=\(\)"):
        distribute.train_arms({"a": (None, None)}, None, None, None, 1, 64, seeds=())
    with pytest.raises(ValueError, match=r"seeds must be distinct. Received: seeds=\[0, 0\]"):
        distribute.train_arms({"a": (None, None)}, None, None, None, 1, 64, seeds=(0, 0))
    runs = {"a": [{"loss": [1.0, 0.5]}], "b": [{"loss": [1.1]}]}
    with pytest.raises(ValueError, match=r"reference must be one of .*'c'"):
        distribute.relative_gaps(runs, "c")
    with pytest.raises(ValueError, match="same seeds and epochs"):
        distribute.relative_gaps(runs, "a")
    with pytest.raises(ValueError, match="must log 'accuracy'"):
        distribute.relative_gaps(runs, "a", metric="accuracy")
    gaps = distribute.relative_gaps({"a": [{"loss": [2.0]}], "b": [{"loss": [2.5]}]}, "a")
    np.testing.assert_allclose(gaps["b"], [[0.25]])
    with pytest.raises(ValueError, match="must have its epochs' 'seconds'"):
        distribute.seconds_per_epoch({"a": [{"loss": [1.0]}]})
    with pytest.raises(ValueError, match="non-empty dict"):
        distribute.seconds_per_epoch({})
    timed = {"a": [{"seconds": [9.0, 2.0]}, {"seconds": [0.5, 3.0]}], "b": [{"seconds": [4.0]}]}
    # each run's first epoch left out (it builds the pipeline, or traces), then the fastest
    assert distribute.seconds_per_epoch(timed) == {"a": 2.0, "b": 4.0}
