"""Notebook 09's device plan (inception_edu.experiments.transfer.device): what a GPU changes,
what a CPU keeps; the GPU branch is planned from given device names, since CI has none."""

import keras
import numpy as np
import pytest

from inception_edu.experiments.transfer import device


def test_a_cpu_changes_nothing():
    plan = device.device_plan(64, 75, imagenet=True, gpus=[])
    assert (plan.batch_size, plan.input_size, plan.mixed_precision) == (64, 75, False)
    assert plan.changes == () and plan.device.startswith("CPU")
    assert "nothing changed: float32, batch 64, 75x75" in plan.describe()


def test_this_machine_is_planned_without_naming_it():
    plan = device.device_plan()
    assert plan.mixed_precision == bool(plan.changes) == plan.device.startswith("GPU")


@pytest.mark.parametrize(("imagenet", "size"), [(False, 75), (True, 299)])
def test_a_gpu_uses_mixed_precision_a_larger_batch_and_imagenet_size(imagenet, size):
    plan = device.device_plan(64, 75, imagenet=imagenet, gpus=["NVIDIA T4"])
    assert plan.mixed_precision and plan.batch_size == 64 * device.GPU_BATCH_FACTOR
    assert plan.input_size == size and plan.device == "GPU (NVIDIA T4)"
    text = plan.describe()
    assert "float32 softmax" in text and f"batch 64 -> {plan.batch_size}" in text
    assert ("input 75 -> 299 px" in text) is imagenet


def test_the_policy_is_set_and_undone_and_the_head_stays_float32():
    from inception_edu.experiments.transfer.pretrained import with_head

    gpu = device.device_plan(gpus=["any"])
    try:
        assert device.apply_plan(gpu) == "mixed_float16"
        inputs = keras.Input((8, 8, 3))
        body = keras.Model(inputs, keras.layers.Conv2D(4, 3)(inputs))
        model = with_head(body, 3)
        assert body.layers[-1].compute_dtype == "float16"
        out = model(np.zeros((2, 8, 8, 3), np.float32))
        assert model.get_layer("predictions").compute_dtype == "float32"
        assert keras.ops.convert_to_numpy(out).dtype == np.float32
        from inception_edu.experiments.transfer.experiment import source_model

        course = source_model(lambda: body, 3)
        assert course.get_layer("predictions").compute_dtype == "float32"
        assert course.output.dtype == "float32"
    finally:
        assert device.apply_plan(device.device_plan(gpus=[])) == "float32"
    assert keras.mixed_precision.global_policy().name == "float32"


@pytest.mark.parametrize(
    ("kwargs", "says"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"input_size": "75"}, "input_size"),
        ({"imagenet": "yes"}, "imagenet"),
        ({"gpus": "T4"}, "gpus must be a list of GPU names"),
    ],
)
def test_bad_settings_are_clear_errors(kwargs, says):
    with pytest.raises(ValueError, match=says):
        device.device_plan(**kwargs)
    with pytest.raises(ValueError, match="plan must be a DevicePlan"):
        device.apply_plan("gpu")
