"""Notebook 10's exercise: the cost estimate applied to another GPU, network and budget."""

from __future__ import annotations

from inception_edu.analysis.cost import REFERENCE_RUN, Throughput, gpu_hours, training_macs
from inception_edu.analysis.engine import analyze_model
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.zoo.registry import model_spec

#: The new case: Inception-v4 for 90 epochs on a DGX-1's 8 V100s, from NVIDIA's published
#: ResNet-50 v1.5 throughput on one V100 16GB with mixed precision (the same README as
#: :data:`~inception_edu.analysis.cost.REFERENCE_RUN`, the DGX-1 table's 1-GPU row).
V100_RUN = Throughput(
    device="V100 SXM2 16GB",
    model="ResNet-50 v1.5",
    macs_per_image=REFERENCE_RUN.macs_per_image,
    images_per_second=1376.0,
    precision="mixed (FP16)",
    source=REFERENCE_RUN.source,
)
V100_GPUS = 8
V100_EPOCHS = 90


def _v4_macs() -> int:
    return analyze_model(model_spec("inception_v4")).total_macs


def dgx1_v4_hours() -> float:
    """Wall-clock hours for Inception-v4, 90 epochs, 8 V100s scaling perfectly."""
    return round(gpu_hours(_v4_macs(), V100_EPOCHS, V100_RUN.macs_per_second) / V100_GPUS, 1)


def _near(value: float):
    return lambda answer: abs(answer - value) <= max(0.05 * value, 0.15)


def _resnet_rate_hours() -> float:  # the slip: ResNet-50's images per second for v4's
    images = training_macs(1, V100_EPOCHS)  # images x epochs x 3
    return images / 3 / V100_RUN.images_per_second / V100_GPUS / 3600


def _a100_hours() -> float:  # the slip: the A100's rate instead of the V100's
    return gpu_hours(_v4_macs(), V100_EPOCHS, REFERENCE_RUN.macs_per_second) / V100_GPUS


DGX1_INCEPTION_V4 = Exercise(
    question=N_(  # says V100_EPOCHS and V100_GPUS: a marked sentence is a literal
        "NVIDIA published 1,376 images/s for training ResNet-50 v1.5 (4.09 G "
        "multiply-adds per image) on one V100 with mixed precision. How many hours would "
        "Inception-v4 take for 90 epochs of ImageNet on 8 such GPUs, "
        "assuming the same multiply-adds per second as ResNet-50 and perfect scaling? "
        "(hours, one decimal)"
    ),
    expected=dgx1_v4_hours,
    tolerance=0.15,
    minimum=0,
    hint=N_(
        "The GPU delivers a fixed number of multiply-adds per second: rate = ResNet-50's "
        "images/s x 3 x its multiply-adds per image (those were training images). Divide "
        "Inception-v4's training multiply-adds (images x epochs x 3 x its multiply-adds per "
        "image) by that rate, and share the work among the GPUs."
    ),
    worked=lambda a: _(
        "rate = 1,376 x 3 x 4.09 G = {rate} multiply-adds/s per "
        "GPU; work = 1,281,167 x {epochs} x 3 x {macs} G = "
        "{work}; work / rate / 3600 / "
        "{gpus} = {hours} hours."
    ).format(
        rate=f"{V100_RUN.macs_per_second:.3g}",
        epochs=V100_EPOCHS,
        macs=f"{_v4_macs() / 1e9:.2f}",
        work=f"{training_macs(_v4_macs(), V100_EPOCHS):.3g}",
        gpus=V100_GPUS,
        hours=f"{a:.1f}",
    ),
    right=lambda a: _(
        "Right: about {hours} hours, if Inception-v4 kept the GPUs as busy as ResNet-50 "
        "does and 8 GPUs were 8 times as fast; both are optimistic, so plan for more."
    ).format(hours=f"{a:.1f}"),
    close=(
        Close(  # says V100_GPUS
            N_("Close: that is the time on one GPU; 8 GPUs share the work."),
            test=lambda answer: _near(dgx1_v4_hours() * V100_GPUS)(answer),
        ),
        Close(  # 3.0: Inception-v4's multiply-adds per image over ResNet-50's (12.25 / 4.09 G)
            N_(
                "Close: that is how long ResNet-50 would take (or Inception-v4 with the 3 left "
                "out of the work). Inception-v4 costs "
                "3.0x as many multiply-adds per "
                "image, so it gets through fewer images per second, and the 3 belongs in the "
                "work as in the rate."
            ),
            test=lambda answer: _near(_resnet_rate_hours())(answer),
        ),
        Close(
            N_(
                "Close: the 3 belongs in both the work (forward + backward) and the rate "
                "(ResNet-50's images/s were training images), so it cancels; you used it on "
                "one side only."
            ),
            test=lambda answer: (
                _near(dgx1_v4_hours() * 3)(answer) or _near(dgx1_v4_hours() / 3)(answer)
            ),
        ),
        Close(  # says V100_EPOCHS
            N_("Close: that is 100 epochs, the notebook's table; this run has 90."),
            test=lambda answer: _near(dgx1_v4_hours() * 100 / V100_EPOCHS)(answer),
        ),
        Close(
            N_(
                "Close: that uses the A100's measured rate (2,180 images/s); these are V100s "
                "(1,376 images/s)."
            ),
            test=lambda answer: _near(_a100_hours())(answer),
        ),
    ),
)
