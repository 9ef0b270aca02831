"""Receptive fields of stacked convolutions: the window, and how it is weighted.

Two numbers describe what one output unit of a stack of convolutions sees:

- its **window** (the theoretical receptive field): every input pixel that can influence
  it at all. :func:`receptive_field_size` computes it from the spec alone, layer by layer:
  ``size += (kernel - 1) * step`` and ``step *= stride``. Two 3x3 convolutions see the
  same 5x5 window as one 5x5 convolution; three see 7x7 (the Inception-v3 paper,
  section 3.1 and Figure 1).
- its **weighting** inside that window. :func:`path_counts` counts the paths from each
  input pixel to the centre output unit (the input gradient with every weight set to 1):
  one path per pixel for a single convolution, a pyramid for a stack.
  :func:`effective_receptive_field` measures the *effective receptive field* of Luo et
  al. 2016 ("Understanding the Effective Receptive Field in Deep Convolutional Neural
  Networks", NeurIPS 2016): the input gradient of the centre output unit for random
  weights, in absolute value, averaged over several initialisations so that it shows the
  expected weighting rather than one draw's.

Needs TensorFlow (the gradients), so it lives here and not in :mod:`inception_edu.analysis`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from inception_edu.backend import tf
from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_int
from inception_edu.spec.nodes import Concat, Conv, Pool, Sequence

__all__ = ["ReceptiveField", "effective_receptive_field", "path_counts", "receptive_field_size"]

#: What :func:`effective_receptive_field` may put after each convolution.
ACTIVATIONS = (None, "relu")


def _nodes(node) -> tuple:
    """``node`` as a tuple of nodes to chain (a list or tuple is chained as given)."""
    nodes = tuple(node) if isinstance(node, (list, tuple)) else (node,)
    if not nodes:
        raise ValueError(_("A receptive field needs at least one layer. Received: []"))
    return nodes


def _size_and_step(node, size: tuple, step: tuple) -> tuple[tuple, tuple]:
    if isinstance(node, (Conv, Pool)):
        window = node.kernel if isinstance(node, Conv) else node.size
        size = tuple(s + (k - 1) * j for s, k, j in zip(size, window, step, strict=True))
        return size, tuple(j * s for j, s in zip(step, node.strides, strict=True))
    if isinstance(node, Sequence):
        for op in node.ops:
            size, step = _size_and_step(op, size, step)
        return size, step
    if isinstance(node, Concat):
        ends = [_size_and_step(branch, size, step) for branch in node.branches]
        steps = {end[1] for end in ends}
        if len(steps) > 1:
            raise ValueError(
                _(
                    "The branches of {name!r} move their windows in different steps {steps}; "
                    "they could not be concatenated."
                ).format(name=node.name, steps=sorted(steps))
            )
        return (max(e[0][0] for e in ends), max(e[0][1] for e in ends)), ends[0][1]
    raise ValueError(
        _(
            "A receptive field is defined for Conv, Pool, Sequence and Concat nodes "
            "(or a list of them). Received: {type}"
        ).format(type=type(node).__name__)
    )


def receptive_field_size(node) -> tuple[int, int]:
    """(height, width) of the input window one output unit of ``node`` depends on.

    ``node``: a spec ``Conv``, ``Pool``, ``Sequence`` or ``Concat`` (the widest branch),
    or a list of them applied one after the other (the stages of a stem). Padding does not
    change the window, only where it sits.
    """
    size, step = (1, 1), (1, 1)
    for part in _nodes(node):
        size, step = _size_and_step(part, size, step)
    return size


def _convs(node) -> list:
    """The convolutions of ``node`` in order; anything else is refused."""
    if isinstance(node, Conv):
        return [node]
    if isinstance(node, Sequence):
        return [conv for op in node.ops for conv in _convs(op)]
    raise ValueError(
        _(
            "The gradient maps need a Conv or a Sequence of Convs (a single path). Received: {type}"
        ).format(type=type(node).__name__)
    )


def _input_size(convs, size) -> int:
    window = max(receptive_field_size(convs))
    if size is None:
        return 2 * window + 1
    return check_int(size, "size", window)


def _centre_gradient(convs, kernels, x, activation):
    """|d (sum over channels of the centre output unit) / d input|, mean over channels."""
    x = tf.convert_to_tensor(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = x
        for conv, kernel in zip(convs, kernels, strict=True):
            y = tf.nn.conv2d(y, kernel, strides=conv.strides, padding=conv.padding.upper())
            if activation == "relu":
                y = tf.nn.relu(y)
        centre = tf.reduce_sum(y[:, y.shape[1] // 2, y.shape[2] // 2, :])
    gradient = tape.gradient(centre, x)
    return np.abs(gradient.numpy()[0]).mean(axis=-1)


def path_counts(node, size: int | None = None) -> np.ndarray:
    """How many paths lead from each input pixel to the centre output unit of ``node``.

    The input gradient of the centre unit with one channel and every weight 1: a single
    k x k convolution gives 1 on its k x k window; two stacked 3x3 give the 5x5 pyramid
    1-2-3-2-1 times 1-2-3-2-1 (the centre pixel reaches the output 9 ways). ``size`` is the
    input's height and width (default: twice the window plus one). Integers, exactly.
    """
    convs = _convs(node)
    size = _input_size(convs, size)
    kernels = [np.ones((*c.kernel, 1, 1), np.float32) for c in convs]
    x = np.zeros((1, size, size, 1), np.float32)
    return np.rint(_centre_gradient(convs, kernels, x, None)).astype(np.int64)


@dataclass(frozen=True)
class ReceptiveField:
    """An effective receptive field: ``map`` (height x width, the mean over ``seeds`` of
    the absolute input gradient, scaled so its largest value is 1) and ``window`` (the
    theoretical receptive field of the same stack, :func:`receptive_field_size`)."""

    label: str
    map: np.ndarray
    window: tuple
    seeds: tuple

    @property
    def support(self) -> tuple[int, int]:
        """(height, width) of the smallest box holding every pixel with a gradient."""
        rows, cols = np.nonzero(self.map > 0)
        return int(rows.max() - rows.min() + 1), int(cols.max() - cols.min() + 1)

    @property
    def box(self) -> tuple[int, int, int, int]:
        """(top, left, height, width) of that box in ``map``."""
        rows, cols = np.nonzero(self.map > 0)
        return int(rows.min()), int(cols.min()), *self.support

    def inside(self) -> np.ndarray:
        """The map cropped to its box."""
        top, left, height, width = self.box
        return self.map[top : top + height, left : left + width]

    @property
    def centre_to_corner(self) -> float:
        """The weight of the box's centre over the mean of its four corners."""
        inside = self.inside()
        corners = inside[[0, 0, -1, -1], [0, -1, 0, -1]].mean()
        return float(inside[inside.shape[0] // 2, inside.shape[1] // 2] / corners)


def effective_receptive_field(
    node,
    label: str | None = None,
    seeds=tuple(range(16)),
    channels: int = 8,
    size: int | None = None,
    activation: str | None = None,
) -> ReceptiveField:
    """The effective receptive field (Luo et al. 2016) of a stack of convolutions.

    ``node``: a spec ``Conv`` or a ``Sequence`` of them (e.g. ``factorize(conv, "3x3")``);
    their kernels, strides, padding and filter counts are used, not their batch-norm.
    For each seed: normal weights with variance 1 / fan-in, a normal input of ``channels``
    channels and ``size`` x ``size`` pixels (default: twice the window plus one); the
    gradient of the centre output unit (summed over its channels) with respect to the
    input, in absolute value, averaged over input channels. The maps are averaged over
    ``seeds`` and scaled to a maximum of 1. ``activation``: ``None`` (linear, the weighting
    the wiring alone gives) or ``"relu"`` after every convolution.
    """
    convs = _convs(node)
    check_int(channels, "channels", 1)
    check_choice(activation, ACTIVATIONS, "activation")
    seeds = tuple(seeds) if isinstance(seeds, (list, tuple, range)) else seeds
    if not isinstance(seeds, tuple) or not seeds:
        raise ValueError(
            _("seeds must be a non-empty list of ints. Received: seeds={seeds!r}").format(
                seeds=seeds
            )
        )
    for seed in seeds:
        check_int(seed, "seed", 0)
    size = _input_size(convs, size)
    total = np.zeros((size, size))
    for seed in seeds:
        rng = np.random.default_rng(seed)
        kernels, inputs = [], channels
        for conv in convs:
            fan_in = conv.kernel[0] * conv.kernel[1] * inputs
            shape = (*conv.kernel, inputs, conv.filters)
            kernels.append((rng.standard_normal(shape) / np.sqrt(fan_in)).astype(np.float32))
            inputs = conv.filters
        x = rng.standard_normal((1, size, size, channels)).astype(np.float32)
        total += _centre_gradient(convs, kernels, x, activation)
    mean = total / len(seeds)
    if label is None:
        label = " + ".join(f"{c.kernel[0]}x{c.kernel[1]}" for c in convs)
    return ReceptiveField(label, mean / mean.max(), receptive_field_size(convs), seeds)
