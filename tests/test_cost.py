"""The ImageNet cost estimate of notebook 10 (inception_edu.analysis.cost)."""

import pytest

from inception_edu.analysis import cost
from inception_edu.analysis.engine import analyze_model
from inception_edu.zoo.registry import model_spec


def _keras_macs(model) -> int:
    """Multiply-adds read off the built Keras layers: output positions x kernel x in x out."""
    from inception_edu.backend import keras

    total = 0
    for layer in model.layers:
        if isinstance(layer, keras.layers.Conv2D):
            _, height, width, out = layer.output.shape
            kh, kw, cin, _ = layer.kernel.shape
            total += height * width * kh * kw * cin * out
        elif isinstance(layer, keras.layers.Dense):
            total += layer.kernel.shape[0] * layer.kernel.shape[1]
    return total


@pytest.mark.parametrize("size", [224, 160])
def test_resnet50_v1_count_matches_the_built_keras_network(size):
    from inception_edu.keras_build.resnet import resnet50

    model = resnet50((size, size, 3), classes=1000)
    assert cost.resnet50_macs("1", input_size=size) == _keras_macs(model)


def test_v1_5_moves_the_stride_to_the_3x3_and_costs_more():
    # each of the 3 downsampling blocks runs its 1x1 reduce on 4x the positions:
    # 0.75 x 56 x 56 x 256 x 128 (and the same product at 28x28x512x256, 14x14x1024x512)
    extra = 3 * 3 * 56 * 56 * 256 * 128 // 4
    assert cost.resnet50_macs("1.5") - cost.resnet50_macs("1") == extra
    assert round(cost.resnet50_macs("1.5") / 1e9, 2) == 4.09


def test_training_multiply_adds_and_hours():
    assert cost.training_macs(10, 2, images=5) == 5 * 2 * 3 * 10
    assert cost.training_macs(10**9, 1) == 1_281_167 * 3 * 10**9
    # at 1e12 multiply-adds per second: 3.843501e15 / 1e12 / 3600 = 1.0676 hours
    assert cost.gpu_hours(10**9, 1, 1e12) == pytest.approx(1.0676, abs=1e-4)


def test_the_reference_run_and_its_share_of_the_peak():
    run = cost.REFERENCE_RUN
    assert run.images_per_second == 2180 and run.macs_per_image == cost.resnet50_macs("1.5")
    share = run.macs_per_second * 2 / cost.PEAKS[run.device]
    assert 0.15 < share < 0.2  # about a sixth of the datasheet's peak


def test_imagenet_costs_table():
    table = cost.imagenet_costs(100)
    labels = [row[0] for row in table.rows]
    assert labels[-1] == "ResNet-50 v1.5" and len(labels) == 6
    v3 = dict(zip(table.columns, table.rows[labels.index("Inception-v3")], strict=True))
    macs = analyze_model(model_spec("inception_v3")).total_macs
    assert v3["input"] == "299x299" and v3["multiply-adds / image"] == f"{macs / 1e9:.2f} G"
    hours = 1_281_167 * 100 * 3 * macs / cost.REFERENCE_RUN.macs_per_second / 3600
    assert float(v3["hours at ResNet-50 v1.5's rate"]) == pytest.approx(hours, abs=0.05)
    peak_hours = 1_281_167 * 100 * 3 * macs / (312e12 / 2) / 3600
    assert float(v3["hours at A100 SXM peak"]) == pytest.approx(peak_hours, abs=0.05)
    # the delivered rate is a fraction of the peak, so every network takes longer at it
    assert all(float(r[5]) > float(r[4]) for r in table.rows)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: cost.resnet50_macs("2"), r"version must be one of '1', '1.5'. Received"),
        (lambda: cost.training_macs(0, 1), "macs_per_image"),
        (lambda: cost.training_macs(10, 1.5), "epochs"),
        (lambda: cost.gpu_hours(10, 1, 0), r"a number > 0. Received: macs_per_second=0"),
        (lambda: cost.gpu_hours(10, 1, "fast"), r"> 0. Received: macs_per_second='fast'"),
        # bools are not numbers here: True would be a rate of 1 multiply-add per second
        (lambda: cost.gpu_hours(10, 1, True), r"> 0. Received: macs_per_second=True"),
        (lambda: cost.gpu_hours(10, 1, float("nan")), r"> 0. Received: macs_per_second=nan"),
        (
            lambda: cost.gpu_hours(10, 1, macs_per_sec=1e12),
            r"no argument 'macs_per_sec' \(did "
            r"you mean 'macs_per_second'\?\). Allowed: macs_per_image, epochs, macs_per_second",
        ),
        (
            lambda: cost.Throughput("A100", "net", 10, True, "fp16", "here"),
            r"images_per_second must be a number > 0. Received: images_per_second=True",
        ),
        (
            lambda: cost.Throughput("A100", "net", 10, -5.0, "fp16", "here"),
            r"images_per_second must be a number > 0. Received: images_per_second=-5.0",
        ),
        (
            lambda: cost.Throughput("A100", "net", 2.5e9, 100.0, "fp16", "here"),
            r"macs_per_image must be an int >= 1. Received: macs_per_image=2500000000.0",
        ),
        (lambda: cost.Throughput(1, "net", 10, 1.0, "fp16", "here"), "device must be a str"),
        (lambda: cost.imagenet_costs(10, peak="T4"), r"peak must be one of .*'T4'"),
        (lambda: cost.imagenet_costs(10, reference=2180), "Throughput"),
    ],
)
def test_bad_input_is_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()
