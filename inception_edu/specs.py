"""Blocks as data: the spec types every part of the course is driven by.

A block of an Inception network is described here as plain, immutable data: its branches,
each a sequence of operations, and how they merge (concatenated, or added to the block's
input as a scaled residual). One spec then drives four things:

1. the Keras graph (:mod:`inception_edu.blocks`, :mod:`inception_edu.models`),
2. the analytic shapes, parameters and multiply-adds (:mod:`inception_edu.analysis`),
3. the block diagrams, and
4. the widgets, which edit a copy of a spec and re-analyze it in microseconds.

Naming: every node has a short local name; a layer's full name is the chain of names from
its stage down, joined with ``_`` (Keras 3 forbids ``/``), e.g. ``inception_3a_b2_3x3``.
The output layer of every top-level stage carries the stage's own name, so
``model.get_layer("inception_3a")`` is that module's concatenation.

This module imports nothing heavy: the analytic engine and the command line must answer
without TensorFlow.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

PADDINGS = ("same", "valid")
POOL_KINDS = ("max", "avg")
ACTIVATIONS = (None, "relu", "softmax")


def _pair(value, what: str, name: str) -> tuple[int, int]:
    """Normalise an int or (h, w) pair of positive ints, or raise ``ValueError``."""
    pair = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    if (
        not isinstance(pair, tuple)
        or len(pair) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in pair)
    ):
        raise ValueError(
            f"{what} of {name!r} must be a positive int or a pair of positive ints. "
            f"Received: {what}={value!r}"
        )
    return pair


def _check_name(name) -> None:
    if not isinstance(name, str) or not name or "/" in name or " " in name:
        raise ValueError(
            f"A spec name must be a non-empty string without '/' or spaces. Received: {name!r}"
        )


def _check_choice(value, allowed, what: str, name: str) -> None:
    if value not in allowed:
        raise ValueError(f"{what} of {name!r} must be one of {allowed}. Received: {value!r}")


def _check_children(children, what: str, name: str) -> tuple:
    if not isinstance(children, (tuple, list)):
        raise ValueError(f"{what} of {name!r} must be a list of spec nodes. "
                         f"Received: {what}={children!r}")
    return tuple(children)


def _check_count(value, what: str, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError(f"{what} of {name!r} must be an int >= 1. Received: {value!r}")


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Conv:
    """A 2-D convolution, optionally followed by batch-norm and an activation.

    ``batch_norm`` follows the reference implementations of v3/v4 (tf-slim, Keras): no
    conv bias, and a batch-norm without its learned scale (``scale=False``: beta plus the
    two moving statistics, 3 numbers per channel), because a ReLU follows. ``fit=True``
    shrinks the kernel to the input when the input is smaller, as tf-slim's
    ``_reduced_kernel_size_for_small_input`` does for the auxiliary heads; it only ever
    matters below the papers' input sizes.
    """

    name: str
    filters: int
    kernel: int | tuple[int, int]
    strides: int | tuple[int, int] = 1
    padding: str = "same"
    batch_norm: bool = True
    use_bias: bool = False
    activation: str | None = "relu"
    fit: bool = False

    def __post_init__(self):
        _check_name(self.name)
        _check_count(self.filters, "filters", self.name)
        object.__setattr__(self, "kernel", _pair(self.kernel, "kernel", self.name))
        object.__setattr__(self, "strides", _pair(self.strides, "strides", self.name))
        _check_choice(self.padding, PADDINGS, "padding", self.name)
        _check_choice(self.activation, ACTIVATIONS, "activation", self.name)


@dataclass(frozen=True)
class Pool:
    """Max or average pooling over a window (no parameters, no multiply-adds counted)."""

    name: str
    kind: str
    size: int | tuple[int, int] = 3
    strides: int | tuple[int, int] = 1
    padding: str = "same"
    fit: bool = False

    def __post_init__(self):
        _check_name(self.name)
        _check_choice(self.kind, POOL_KINDS, "kind", self.name)
        object.__setattr__(self, "size", _pair(self.size, "size", self.name))
        object.__setattr__(self, "strides", _pair(self.strides, "strides", self.name))
        _check_choice(self.padding, PADDINGS, "padding", self.name)


@dataclass(frozen=True)
class GlobalPool:
    """Global average pooling: HxWxC -> C, no parameters (GoogLeNet's 7x7 average pool)."""

    name: str

    def __post_init__(self):
        _check_name(self.name)


@dataclass(frozen=True)
class Flatten:
    name: str

    def __post_init__(self):
        _check_name(self.name)


@dataclass(frozen=True)
class Dropout:
    """Dropout with drop probability ``rate`` (the v4 paper's "keep 0.8" is rate 0.2)."""

    name: str
    rate: float

    def __post_init__(self):
        _check_name(self.name)
        if not isinstance(self.rate, (int, float)) or not 0 <= self.rate < 1:
            raise ValueError(f"rate of {self.name!r} must be in [0, 1). Received: {self.rate!r}")


@dataclass(frozen=True)
class Dense:
    """A fully connected layer on a flat vector (the classifier)."""

    name: str
    units: int
    activation: str | None = None

    def __post_init__(self):
        _check_name(self.name)
        _check_count(self.units, "units", self.name)
        _check_choice(self.activation, ACTIVATIONS, "activation", self.name)


Op = Conv | Pool | GlobalPool | Flatten | Dropout | Dense


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Sequence:
    """A branch: nodes applied one after the other."""

    name: str
    ops: tuple

    def __post_init__(self):
        _check_name(self.name)
        object.__setattr__(self, "ops", _check_children(self.ops, "ops", self.name))
        if not self.ops:
            raise ValueError(f"Sequence {self.name!r} needs at least one op. Received: ops=()")


@dataclass(frozen=True)
class Concat:
    """Parallel branches on the same input, concatenated on the channel axis.

    Every branch must keep the same spatial size, which is why the branches of an
    Inception module use ``padding="same"`` (or all reduce the grid the same way).
    """

    name: str
    branches: tuple

    def __post_init__(self):
        _check_name(self.name)
        object.__setattr__(self, "branches", _check_children(self.branches, "branches",
                                                             self.name))
        if not self.branches:
            raise ValueError(f"Concat {self.name!r} needs at least one branch. Received: ()")


@dataclass(frozen=True)
class Residual:
    """An Inception-ResNet block: ``activation(x + scale * up(concat(branches(x))))``.

    ``up`` is the paper's "1x1 Conv (Linear)": a 1x1 convolution with bias, no batch-norm
    and no activation, that restores the input's channel count so that the sum is defined
    (Szegedy et al. 2016, section 3). ``projection_filters=None`` means "as many as the
    input has"; a number that differs from the input's channels raises ``ValueError``.
    """

    name: str
    branches: tuple
    scale: float = 1.0
    activation: str | None = "relu"
    projection_filters: int | None = None

    def __post_init__(self):
        _check_name(self.name)
        object.__setattr__(self, "branches", _check_children(self.branches, "branches",
                                                             self.name))
        if not self.branches:
            raise ValueError(f"Residual {self.name!r} needs at least one branch. Received: ()")
        if not isinstance(self.scale, (int, float)) or not math.isfinite(self.scale):
            raise ValueError(f"scale of {self.name!r} must be a finite number. "
                             f"Received: {self.scale!r}")
        _check_choice(self.activation, (None, "relu"), "activation", self.name)
        if self.projection_filters is not None:
            _check_count(self.projection_filters, "projection_filters", self.name)

    def projection(self, channels: int) -> Conv:
        """The linear 1x1 convolution that maps the branches back to ``channels``."""
        return Conv("up", channels, 1, batch_norm=False, use_bias=True, activation=None)


Node = Op | Sequence | Concat | Residual


def children(node) -> tuple:
    """The sub-nodes of a structural node (empty for an op)."""
    if isinstance(node, Sequence):
        return node.ops
    if isinstance(node, (Concat, Residual)):
        return node.branches
    return ()


@dataclass(frozen=True)
class AuxHead:
    """An auxiliary classifier: ``head`` applied to the output of stage ``after``."""

    name: str
    after: str
    head: Sequence


@dataclass(frozen=True)
class ModelSpec:
    """A whole network: named top-level stages in order, plus optional auxiliary heads.

    ``min_input`` is the smallest height/width the network accepts; ``default_input`` the
    paper's (224 for GoogLeNet, 299 for the others).
    """

    name: str
    stages: tuple
    default_input: int
    min_input: int
    aux_heads: tuple = field(default=())
    notes: str = ""

    def stage(self, name: str):
        for stage in self.stages:
            if stage.name == name:
                return stage
        raise ValueError(
            f"{self.name} has no stage {name!r}. Allowed: {[s.name for s in self.stages]}"
        )

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)
