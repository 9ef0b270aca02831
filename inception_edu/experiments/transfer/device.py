"""What notebook 09 changes when it finds a GPU (Colab's GPU runtime), and what it keeps.

The course is built for a 2-core CPU: every arm of the comparison trains in float32 at
the parameters cell's batch and input size, so its numbers are the ones the notebook
stores. A learner's own folder is another matter: on a GPU the same training can use the
device well, and :func:`device_plan` says how, in words the notebook prints:

- **mixed precision** (``keras.mixed_precision`` policy ``"mixed_float16"``): layers
  compute in float16 and keep float32 variables, which roughly halves memory and uses the
  GPU's tensor cores (Micikevicius et al. 2018, *Mixed Precision Training*, sections 3.1-3.3;
  the Keras guide "Mixed precision"). The softmax must stay float32: float16's largest
  value is 65,504 and its smallest step near 1 is 1/1,024, so logits overflow and
  probabilities near 0 or 1 round away. The course's heads are built with
  ``dtype="float32"`` (:func:`~inception_edu.experiments.transfer.pretrained.with_head`,
  :func:`~inception_edu.experiments.transfer.experiment.source_model`), a no-op in float32;
- **a larger batch** (:data:`GPU_BATCH_FACTOR` times the CPU's): a GPU step on 64 small
  images leaves most of the device idle;
- **the ImageNet weights at 299 pixels** when the learner asks for them (``TRY_IMAGENET``):
  299 is the input size Inception-ResNet-v2 was trained at (Szegedy et al. 2016, section
  3), whereas 75 is only the smallest it accepts; on a CPU that costs (299/75)^2, about 16
  times the arithmetic per image, which no CPU budget of the course allows.

On a CPU nothing changes. The plan is only a description until :func:`apply_plan` sets
the mixed-precision policy (a global Keras setting: models built afterwards use it).
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.backend import keras, tf
from inception_edu.i18n import N_, _, translate_filled
from inception_edu.spec.checks import check_flag, check_int

__all__ = ["GPU_BATCH_FACTOR", "IMAGENET_SIZE", "DevicePlan", "apply_plan", "device_plan"]

#: How many times the CPU's batch a GPU trains with.
GPU_BATCH_FACTOR = 4

#: The input size Inception-ResNet-v2's ImageNet weights were trained at.
IMAGENET_SIZE = 299

# A plan's changes, kept in English in ``DevicePlan.changes`` and shown in the course's
# language by :meth:`DevicePlan.describe`.
_MIXED = N_("mixed precision: float16 arithmetic, float32 weights and a float32 softmax")
_BATCH = N_("batch {old} -> {new}")
_INPUT = N_("input {old} -> {new} px, the ImageNet weights' own size")


@dataclass(frozen=True)
class DevicePlan:
    """How to train on this machine: ``device`` in words, the ``batch_size`` and
    ``input_size`` to use, whether ``mixed_precision`` is on, and ``changes``: each change
    from the parameters cell's settings, in a sentence (empty on a CPU)."""

    device: str
    batch_size: int
    input_size: int
    mixed_precision: bool
    changes: tuple

    def describe(self) -> str:
        """The plan as the notebook prints it."""
        lines = [_("device: {device}").format(device=self.device)]
        if not self.changes:
            lines.append(
                _(
                    "  nothing changed: float32, batch {batch}, {size}x{size} (the course's "
                    "CPU settings)"
                ).format(batch=self.batch_size, size=self.input_size)
            )
        shown = (translate_filled(change, (_MIXED, _BATCH, _INPUT)) for change in self.changes)
        lines += [f"  - {change}" for change in shown]
        return "\n".join(lines)


def _gpu_names() -> list:
    """The names of the GPUs TensorFlow sees (none on the course's CPU build)."""
    found = []
    for gpu in tf.config.list_physical_devices("GPU"):
        details = tf.config.experimental.get_device_details(gpu)
        found.append(details.get("device_name", gpu.name))
    return found


def device_plan(
    batch_size: int = 64, input_size: int = 75, imagenet: bool = False, gpus=None
) -> DevicePlan:
    """The plan for this machine, from the parameters cell's ``batch_size`` and
    ``input_size`` and whether the ImageNet weights are in use (``imagenet``).

    ``gpus``: the GPU names to plan for (a list of str); ``None`` asks TensorFlow. On a
    CPU the settings come back unchanged; on a GPU the module's changes apply."""
    batch_size = check_int(batch_size, "batch_size", 1)
    input_size = check_int(input_size, "input_size", 1)
    imagenet = check_flag(imagenet, "imagenet")
    if gpus is None:
        gpus = _gpu_names()
    if not isinstance(gpus, (list, tuple)) or not all(isinstance(g, str) for g in gpus):
        raise ValueError(
            _("gpus must be a list of GPU names (str) or None. Received: {gpus!r}").format(
                gpus=gpus
            )
        )
    if not gpus:
        return DevicePlan("CPU", batch_size, input_size, False, ())
    changes = [_MIXED, _BATCH.format(old=batch_size, new=batch_size * GPU_BATCH_FACTOR)]
    size = input_size
    if imagenet and input_size < IMAGENET_SIZE:
        size = IMAGENET_SIZE
        changes.append(_INPUT.format(old=input_size, new=size))
    device = f"GPU ({', '.join(gpus)})"
    return DevicePlan(device, batch_size * GPU_BATCH_FACTOR, size, True, tuple(changes))


def apply_plan(plan: DevicePlan) -> str:
    """Set Keras' global precision policy for ``plan`` and return the policy's name:
    ``"mixed_float16"`` on a GPU, ``"float32"`` otherwise (restoring the default, so a
    second call with a CPU plan undoes a first one)."""
    if not isinstance(plan, DevicePlan):
        raise ValueError(
            _("plan must be a DevicePlan from device_plan(). Received: {plan!r}").format(plan=plan)
        )
    policy = "mixed_float16" if plan.mixed_precision else "float32"
    keras.mixed_precision.set_global_policy(policy)
    return policy
