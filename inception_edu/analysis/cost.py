"""What a full ImageNet training run of each network costs, from the analytic engine's
multiply-adds and a GPU's published throughput (notebook 10).

The estimate is the one a practitioner makes before renting GPUs:

    training multiply-adds = images x epochs x 3 x multiply-adds per image

The factor 3 is the usual rule for one training step: the forward pass, then the
backward pass, which computes the gradient with respect to the activations and with
respect to the weights, each about as costly as the forward pass. Dividing by a device's
rate gives time. Two rates are set side by side:

- the **peak** of the datasheet (:data:`PEAKS`): a lower bound on the time, never reached;
- the **delivered** rate of a published, measured training benchmark
  (:data:`REFERENCE_RUN`: ResNet-50 v1.5 on one A100, mixed precision), converted to
  multiply-adds per second with ResNet-50's own count (:func:`resnet50_macs`). Using it
  for another network assumes that network keeps the GPU as busy, per multiply-add, as
  ResNet-50 does. Inception's many narrow branches usually keep it less busy, so this is
  an optimistic (short) estimate; say so wherever it is shown.

Nothing here imports TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.analysis.engine import analyze_model
from inception_edu.analysis.tables import Table
from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_int, check_number, checks_keywords
from inception_edu.zoo.registry import MODEL_LABELS, MODELS, model_spec

__all__ = [
    "IMAGENET_TRAIN_IMAGES",
    "PEAKS",
    "REFERENCE_RUN",
    "TRAINING_PASSES",
    "Throughput",
    "gpu_hours",
    "imagenet_costs",
    "resnet50_macs",
    "training_macs",
]

#: Images in the ILSVRC-2012 training set (Russakovsky et al. 2015, "ImageNet Large Scale
#: Visual Recognition Challenge", IJCV, Table 2: 1,281,167 for classification).
IMAGENET_TRAIN_IMAGES = 1_281_167

#: One training step costs about three forward passes (forward; backward to the
#: activations; backward to the weights).
TRAINING_PASSES = 3

#: Datasheet peaks for dense FP16/BF16 Tensor Core math, in floating-point operations per
#: second (one multiply-add = 2 operations), without the 2:4 sparsity that doubles the
#: advertised figure. Sources: NVIDIA Tesla V100 datasheet (SXM2, "Tensor Performance"
#: 125 TFLOPS); NVIDIA A100 Tensor Core GPU datasheet (SXM, "FP16 Tensor Core" 312
#: TFLOPS); NVIDIA H100 Tensor Core GPU datasheet (SXM, "FP16 Tensor Core" 1,979 TFLOPS
#: with sparsity, so 989.5 dense).
PEAKS = {
    "V100 SXM2": 125e12,
    "A100 SXM": 312e12,
    "H100 SXM": 989.5e12,
}


@dataclass(frozen=True)
class Throughput:
    """A measured training throughput: ``images_per_second`` of network ``model`` (whose
    forward pass costs ``macs_per_image``) on ``device`` at ``precision``, from
    ``source``."""

    device: str
    model: str
    macs_per_image: int
    images_per_second: float
    precision: str
    source: str

    def __post_init__(self):
        for name in ("device", "model", "precision", "source"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(
                    _("{name} must be a str. Received: {name}={value!r}").format(
                        name=name, value=getattr(self, name)
                    )
                )
        check_int(self.macs_per_image, "macs_per_image", 1)
        rate = check_number(self.images_per_second, "images_per_second", 0, open_min=True)
        object.__setattr__(self, "images_per_second", rate)

    @property
    def macs_per_second(self) -> float:
        """Training multiply-adds per second the device delivered on this benchmark."""
        return self.images_per_second * TRAINING_PASSES * self.macs_per_image


@checks_keywords
def resnet50_macs(version: str = "1.5", input_size: int = 224, classes: int = 1000) -> int:
    """Multiply-adds of one forward pass of ResNet-50 (He et al. 2016, Table 1), conv and
    dense layers, as the course counts them (output positions x kernel x in x out).

    ``version="1"`` puts a downsampling block's stride on its first 1x1 conv (the paper,
    Keras' ``ResNet50``, :func:`inception_edu.keras_build.resnet.resnet50`); ``"1.5"`` puts it
    on the 3x3 (torchvision's and NVIDIA's benchmarks): that 1x1 then runs at the full grid.
    """
    version = check_choice(version, ("1", "1.5"), "version")
    input_size = check_int(input_size, "input_size", 32)
    classes = check_int(classes, "classes", 1)
    size = (input_size + 6 - 7) // 2 + 1  # conv1: 7x7/2 after 3 zeros each side
    macs = size * size * 7 * 7 * 3 * 64
    size = (size + 2 - 3) // 2 + 1  # pool1: 3x3/2 after 1 zero each side
    channels = 64
    for stage, (filters, blocks) in enumerate(((64, 3), (128, 4), (256, 6), (512, 3))):
        for block in range(blocks):
            stride = 2 if block == 0 and stage > 0 else 1
            out = (size - 1) // stride + 1
            reduce_at = out if version == "1" else size
            macs += reduce_at * reduce_at * channels * filters  # 1x1 reduce
            macs += out * out * 9 * filters * filters  # 3x3
            macs += out * out * filters * 4 * filters  # 1x1 expand
            if block == 0:
                macs += out * out * channels * 4 * filters  # projection shortcut
            channels, size = 4 * filters, out
    return macs + channels * classes


#: NVIDIA's published training throughput of ResNet-50 v1.5 on one A100 80GB with mixed
#: precision (batch 256, MXNet 20.12 NGC container, "Total IPS (data + compute time taken
#: into account)"): NVIDIA DeepLearningExamples, MxNet/Classification/RN50v1.5/README.md,
#: "Training performance: NVIDIA DGX A100 (8x A100 80GB)", the 1-GPU row.
REFERENCE_RUN = Throughput(
    device="A100 SXM",
    model="ResNet-50 v1.5",
    macs_per_image=resnet50_macs("1.5"),
    images_per_second=2180.0,
    precision="mixed (FP16)",
    source="https://github.com/NVIDIA/DeepLearningExamples/tree/master/MxNet/"
    "Classification/RN50v1.5#training-performance-results",
)


@checks_keywords
def training_macs(macs_per_image: int, epochs: int, images: int = IMAGENET_TRAIN_IMAGES) -> int:
    """images x epochs x 3 x multiply-adds per image: the multiply-adds of a training run."""
    macs_per_image = check_int(macs_per_image, "macs_per_image", 1)
    epochs = check_int(epochs, "epochs", 1)
    images = check_int(images, "images", 1)
    return images * epochs * TRAINING_PASSES * macs_per_image


@checks_keywords
def gpu_hours(macs_per_image: int, epochs: int, macs_per_second: float) -> float:
    """Hours on one device delivering ``macs_per_second`` training multiply-adds."""
    macs_per_second = check_number(macs_per_second, "macs_per_second", 0, open_min=True)
    return training_macs(macs_per_image, epochs) / macs_per_second / 3600


@checks_keywords
def imagenet_costs(
    epochs: int, reference: Throughput = REFERENCE_RUN, peak: str = "A100 SXM"
) -> Table:
    """One row per network of the course (the paper's input size, 1000 classes) and one
    for ResNet-50 v1.5: multiply-adds per image, training multiply-adds for ``epochs``
    epochs of ImageNet, and hours on one ``peak`` GPU at the datasheet peak and at the
    rate ``reference`` delivered."""
    epochs = check_int(epochs, "epochs", 1)
    if not isinstance(reference, Throughput):
        raise ValueError(
            _("reference must be a Throughput. Received: {type}").format(
                type=type(reference).__name__
            )
        )
    peak = check_choice(peak, tuple(PEAKS), "peak")
    peak_macs = PEAKS[peak] / 2  # two floating-point operations per multiply-add
    networks = [(MODEL_LABELS[name], analyze_model(model_spec(name))) for name in MODELS]
    rows = [(label, summary.input_shape[0], summary.total_macs) for label, summary in networks]
    rows.append((reference.model, 224, reference.macs_per_image))
    return Table(
        columns=(
            _("network"),
            _("input"),
            _("multiply-adds / image"),
            _("training multiply-adds ({epochs} epochs)").format(epochs=epochs),
            _("hours at {peak} peak").format(peak=peak),
            _("hours at {model}'s rate").format(model=reference.model),
        ),
        rows=tuple(
            (
                label,
                f"{size}x{size}",
                f"{macs / 1e9:.2f} G",
                f"{training_macs(macs, epochs):.2e}",
                f"{gpu_hours(macs, epochs, peak_macs):.1f}",
                f"{gpu_hours(macs, epochs, reference.macs_per_second):.1f}",
            )
            for label, size, macs in rows
        ),
        title=_("ImageNet ({images:,} images) x {epochs} epochs on one {peak}").format(
            images=IMAGENET_TRAIN_IMAGES, epochs=epochs, peak=peak
        ),
    )
