"""Blocks as data: the spec types every part of the course is driven by.

A block of an Inception network is described here as plain, immutable data: its branches,
each a sequence of operations, and how they merge (concatenated, or added to the block's
input as a scaled residual). One spec then drives four things:

1. the Keras graph (:mod:`inception_edu.keras_build`, :mod:`inception_edu.models`),
2. the analytic shapes, parameters and multiply-adds (:mod:`inception_edu.analysis`),
3. the block and model diagrams (:mod:`inception_edu.viz`), and
4. the widgets, which edit a copy of a spec (:mod:`inception_edu.spec.transforms`) and
   re-analyze it in microseconds.

Naming: every node has a short local name; a layer's full name is the chain of names from
its stage down, joined with ``_`` (Keras 3 forbids ``/``), e.g. ``inception_3a_b2_3x3``.
The output layer of every top-level stage, and of every auxiliary head, carries the
stage's own name, so ``model.get_layer("inception_3a")`` is that module's concatenation
and every other layer of the stage is named ``inception_3a_...``. :class:`ModelSpec`
refuses stage names that would make this ambiguous, which is what lets
:func:`inception_edu.keras_build.end_points` find the stages of a built model from its
layer names alone, also after ``keras.models.load_model``.

This module imports nothing heavy: the analytic engine and the command line must answer
without TensorFlow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import (
    check_choice,
    check_int,
    check_name,
    check_number,
    check_pair,
)

PADDINGS = ("same", "valid")
POOL_KINDS = ("max", "avg")
ACTIVATIONS = (None, "relu", "softmax")


def _check_children(children, what: str, name: str) -> tuple:
    if not isinstance(children, (tuple, list)) or not children:
        raise ValueError(
            _(
                "{what} of {name!r} must be a non-empty list of spec nodes. "
                "Received: {what}={children!r}"
            ).format(what=what, name=name, children=children)
        )
    for child in children:
        if not isinstance(child, NODE_TYPES):
            raise ValueError(
                _("{what} of {name!r} must hold spec nodes. Received: {type}").format(
                    what=what, name=name, type=type(child).__name__
                )
            )
    return tuple(children)


# --------------------------------------------------------------------------- operations


@dataclass(frozen=True)
class Conv:
    """A 2-D convolution, optionally followed by batch-norm and an activation.

    ``batch_norm`` follows the reference implementations of v3/v4 (tf-slim, Keras): no
    conv bias, and a batch-norm without its learned scale (``scale=False``: beta plus the
    two moving statistics, 3 numbers per channel), because a ReLU follows. ``groups``
    splits the input channels into that many groups, each with its own filters (the
    original two-GPU AlexNet; 1 everywhere in the Inception family). ``fit=True``
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
    groups: int = 1

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        check_int(self.filters, _("filters of {name!r}").format(name=self.name), 1)
        check_int(self.groups, _("groups of {name!r}").format(name=self.name), 1)
        if self.filters % self.groups:
            raise ValueError(
                _(
                    "filters of {name!r} must divide into {groups} groups. "
                    "Received: filters={filters}"
                ).format(name=self.name, groups=self.groups, filters=self.filters)
            )
        object.__setattr__(self, "kernel", check_pair(self.kernel, "kernel", self.name))
        object.__setattr__(self, "strides", check_pair(self.strides, "strides", self.name))
        check_choice(self.padding, PADDINGS, "padding", self.name)
        check_choice(self.activation, ACTIVATIONS, "activation", self.name)


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
        check_name(self.name, N_("spec name"))
        check_choice(self.kind, POOL_KINDS, "kind", self.name)
        object.__setattr__(self, "size", check_pair(self.size, "size", self.name))
        object.__setattr__(self, "strides", check_pair(self.strides, "strides", self.name))
        check_choice(self.padding, PADDINGS, "padding", self.name)


@dataclass(frozen=True)
class GlobalPool:
    """Global average pooling: HxWxC -> C, no parameters (GoogLeNet's 7x7 average pool)."""

    name: str

    def __post_init__(self):
        check_name(self.name, N_("spec name"))


@dataclass(frozen=True)
class Flatten:
    name: str

    def __post_init__(self):
        check_name(self.name, N_("spec name"))


@dataclass(frozen=True)
class Dropout:
    """Dropout with drop probability ``rate`` (the v4 paper's "keep 0.8" is rate 0.2)."""

    name: str
    rate: float

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        check_number(self.rate, _("rate of {name!r}").format(name=self.name), 0, 1, open_max=True)


@dataclass(frozen=True)
class Dense:
    """A fully connected layer on a flat vector (the classifier, with ``activation=None``
    for logits)."""

    name: str
    units: int
    activation: str | None = None

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        check_int(self.units, _("units of {name!r}").format(name=self.name), 1)
        check_choice(self.activation, ACTIVATIONS, "activation", self.name)


OP_TYPES = (Conv, Pool, GlobalPool, Flatten, Dropout, Dense)


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Sequence:
    """A branch: nodes applied one after the other."""

    name: str
    ops: tuple

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        object.__setattr__(self, "ops", _check_children(self.ops, "ops", self.name))


@dataclass(frozen=True)
class Concat:
    """Parallel branches on the same input, concatenated on the channel axis.

    Every branch must keep the same spatial size, which is why the branches of an
    Inception module use ``padding="same"`` (or all reduce the grid the same way).
    """

    name: str
    branches: tuple

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        object.__setattr__(self, "branches", _check_children(self.branches, "branches", self.name))


@dataclass(frozen=True)
class Residual:
    """An Inception-ResNet block: ``activation(x + scale * up(concat(branches(x))))``.

    ``up`` is the paper's "1x1 Conv (Linear)": a 1x1 convolution with bias, no batch-norm
    and no activation, that restores the input's channel count so that the sum is defined
    (Szegedy et al. 2016, section 3). ``projection_filters=None`` means "as many as the
    input has"; a number that differs from the input's channels raises ``ValueError``.
    ``shortcut=False`` drops the ``x +``: the same block without its residual connection,
    the "plain twin" of an Inception-ResNet (notebook 08, claim C33).
    """

    name: str
    branches: tuple
    scale: float = 1.0
    activation: str | None = "relu"
    projection_filters: int | None = None
    shortcut: bool = True

    def __post_init__(self):
        check_name(self.name, N_("spec name"))
        object.__setattr__(self, "branches", _check_children(self.branches, "branches", self.name))
        # a residual shrunk, never flipped
        check_number(self.scale, _("scale of {name!r}").format(name=self.name), 0)
        check_choice(self.activation, (None, "relu"), "activation", self.name)
        if self.projection_filters is not None:
            check_int(
                self.projection_filters,
                _("projection_filters of {name!r}").format(name=self.name),
                1,
            )
        if not isinstance(self.shortcut, bool):
            raise ValueError(
                _(
                    "shortcut of {name!r} must be True or False. Received: shortcut={shortcut!r}"
                ).format(name=self.name, shortcut=self.shortcut)
            )

    def projection(self, channels: int) -> Conv:
        """The linear 1x1 convolution that maps the branches back to ``channels``."""
        return Conv("up", channels, 1, batch_norm=False, use_bias=True, activation=None)


NODE_TYPES = (*OP_TYPES, Sequence, Concat, Residual)


def children(node) -> tuple:
    """The sub-nodes of a structural node (empty for an op)."""
    if isinstance(node, Sequence):
        return node.ops
    if isinstance(node, (Concat, Residual)):
        return node.branches
    return ()


def ops_of(node) -> list:
    """Every op under ``node`` (itself, for an op), depth first, in order."""
    if isinstance(node, OP_TYPES):
        return [node]
    return [op for child in children(node) for op in ops_of(child)]


@dataclass(frozen=True)
class AuxHead:
    """An auxiliary classifier: ``head`` applied to the output of stage ``after``.

    The head's last layer is named after the head (``aux_4a``), like a stage's output.
    """

    name: str
    after: str
    head: Sequence

    def __post_init__(self):
        check_name(self.name, N_("aux head name"))
        if not isinstance(self.head, Sequence):
            raise ValueError(
                _("head of {name!r} must be a Sequence. Received: {type}").format(
                    name=self.name, type=type(self.head).__name__
                )
            )


@dataclass(frozen=True)
class Section:
    """Consecutive stages the paper names together: ``stem``, ``4 x Inception-A``.

    ``repeated`` says the stages are the same block repeated (v4's 4 x Inception-A), so a
    diagram draws them as one "4 ×" box; GoogLeNet's modules all differ and are not.
    """

    title: str
    stages: tuple
    repeated: bool = False

    def __post_init__(self):
        if not isinstance(self.title, str) or not self.title:
            raise ValueError(
                _("A section title must be a non-empty string. Received: {title!r}").format(
                    title=self.title
                )
            )
        object.__setattr__(self, "stages", tuple(self.stages))
        if not self.stages:
            raise ValueError(
                _("Section {title!r} needs at least one stage.").format(title=self.title)
            )


@dataclass(frozen=True)
class ModelSpec:
    """A whole network: named top-level stages in order, plus optional auxiliary heads.

    ``classes`` is the classifier's width (``None`` without a top); ``min_input`` the
    smallest height/width the network accepts; ``default_input`` the paper's (224 for
    GoogLeNet, 299 for the others). ``sections`` group the stages as the paper does (one
    section per stage when not given); they drive the model diagram and the stage explorer.
    """

    name: str
    stages: tuple
    default_input: int
    min_input: int
    classes: int | None = None
    aux_heads: tuple = field(default=())
    sections: tuple = field(default=())
    notes: str = ""

    def __post_init__(self):
        check_name(self.name, N_("model name"))
        object.__setattr__(self, "stages", _check_children(self.stages, "stages", self.name))
        object.__setattr__(self, "aux_heads", tuple(self.aux_heads))
        if self.classes is not None:
            check_int(self.classes, "classes", 1)
        names = [s.name for s in self.stages] + [a.name for a in self.aux_heads]
        _check_stage_names(names, self.name)
        for aux in self.aux_heads:
            check_choice(
                aux.after,
                self.stage_names,
                _("the tap of aux head {name!r}").format(name=aux.name),
            )
        sections = tuple(self.sections) or tuple(Section(s.name, (s.name,)) for s in self.stages)
        covered = [stage for section in sections for stage in section.stages]
        if covered != list(self.stage_names):
            raise ValueError(
                _(
                    "The sections of {model} must list its stages once each, in order. "
                    "Received: {covered}"
                ).format(model=self.name, covered=covered)
            )
        object.__setattr__(self, "sections", sections)

    def stage(self, name: str):
        """The stage called ``name``."""
        check_choice(name, self.stage_names, "stage", self.name)
        return self.stages[self.stage_names.index(name)]

    @property
    def stage_names(self) -> tuple[str, ...]:
        return tuple(stage.name for stage in self.stages)

    def section_of(self, stage: str) -> Section:
        """The section holding ``stage``."""
        check_choice(stage, self.stage_names, "stage", self.name)
        return next(s for s in self.sections if stage in s.stages)


def _check_stage_names(names: list, model: str) -> None:
    """Unique, and no name a stage name plus ``_...``: the layers of stage ``s`` are ``s``
    and ``s_...``, so such a pair would make a built model's stages ambiguous."""
    seen = set()
    for name in names:
        if name in seen:
            raise ValueError(
                _("{model}: two stages are called {name!r}.").format(model=model, name=name)
            )
        seen.add(name)
    for name in names:
        for other in names:
            if other != name and name.startswith(other + "_"):
                raise ValueError(
                    _(
                        "{model}: stage name {name!r} starts with stage name {other!r} plus "
                        "'_', so their layers could not be told apart. Rename one of them."
                    ).format(model=model, name=name, other=other)
                )
