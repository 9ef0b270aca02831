"""Edits of a spec: each returns a new spec and leaves the original alone.

The widgets and the notebooks change a block by transforming its spec (specs are frozen
dataclasses) and re-analyzing it: keep some branches, change filter counts, set a
residual scale, remove a shortcut or the batch-norm, factorize a kernel, stop a model at
a named block.
"""

from __future__ import annotations

from dataclasses import replace

from inception_edu.i18n import _
from inception_edu.spec.checks import check_choice, check_int, check_number
from inception_edu.spec.nodes import (
    Concat,
    Conv,
    ModelSpec,
    Residual,
    Section,
    Sequence,
    children,
)

__all__ = [
    "conv_paths",
    "factorize",
    "keep_branches",
    "map_residuals",
    "truncate",
    "with_filters",
    "without_batch_norm",
    "without_shortcut",
]


def _check_block(block, what: str) -> None:
    if not isinstance(block, (Concat, Residual)):
        raise ValueError(
            _("{what} needs a Concat or Residual block. Received: {type}").format(
                what=what, type=type(block).__name__
            )
        )


def keep_branches(block, names):
    """A copy of ``block`` with only the branches named in ``names``, in block order."""
    _check_block(block, "keep_branches")
    names = (names,) if isinstance(names, str) else tuple(names)
    known = [b.name for b in block.branches]
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise ValueError(
            _("Branches of {name!r}: {known}. Received: {names}").format(
                name=block.name, known=known, names=list(names)
            )
        )
    return replace(block, branches=tuple(b for b in block.branches if b.name in names))


def conv_paths(node, path=()):
    """(path of local names below ``node``, Conv) for every conv inside it, depth first."""
    for child in children(node):
        child_path = path + (child.name,)
        if isinstance(child, Conv):
            yield child_path, child
        else:
            yield from conv_paths(child, child_path)


def with_filters(node, filters: dict):
    """A copy of ``node`` whose convs take their filter counts from ``filters`` by path
    (the paths of :func:`conv_paths`); convs not named keep theirs."""
    known = {path for path, _conv in conv_paths(node)}
    unknown = [path for path in filters if path not in known]
    if unknown:
        raise ValueError(
            _("{name!r} has no conv at {unknown}. Allowed: {allowed}").format(
                name=node.name, unknown=unknown, allowed=sorted(known)
            )
        )
    return _with_filters(node, filters, ())


def _with_filters(node, filters: dict, path: tuple):
    edited = []
    for child in children(node):
        child_path = path + (child.name,)
        if isinstance(child, Conv):
            value = filters.get(child_path, child.filters)
            check_int(value, _("filters of {path}").format(path="_".join(child_path)), 1)
            edited.append(replace(child, filters=value))
        elif children(child):
            edited.append(_with_filters(child, filters, child_path))
        else:
            edited.append(child)
    if isinstance(node, Sequence):
        return replace(node, ops=tuple(edited))
    return replace(node, branches=tuple(edited))


def without_shortcut(block: Residual) -> Residual:
    """The block without its ``x +``: the "plain twin" of a residual block (claim C33)."""
    if not isinstance(block, Residual):
        raise ValueError(
            _("without_shortcut needs a Residual block. Received: {type}").format(
                type=type(block).__name__
            )
        )
    return replace(block, shortcut=False)


def without_batch_norm(node):
    """``node`` with every convolution made the 2014 kind: a bias and a ReLU, no batch-norm.

    For convolutions, sequences and concatenations (a grid reduction, a module); anything
    else holding children is refused rather than half converted.
    """
    if isinstance(node, Conv):
        return replace(node, batch_norm=False, use_bias=True)
    if isinstance(node, Sequence):
        return replace(node, ops=tuple(without_batch_norm(op) for op in node.ops))
    if isinstance(node, Concat):
        return replace(node, branches=tuple(without_batch_norm(b) for b in node.branches))
    if children(node):
        raise ValueError(
            _(
                "without_batch_norm handles convolutions, sequences and concatenations. "
                "Received: {type} {name!r}"
            ).format(type=type(node).__name__, name=node.name)
        )
    return node


def map_residuals(spec: ModelSpec, edit) -> ModelSpec:
    """``spec`` with every residual stage replaced by ``edit(stage)`` (a Residual)."""
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _("map_residuals needs a ModelSpec. Received: {type}").format(type=type(spec).__name__)
        )
    stages = tuple(edit(s) if isinstance(s, Residual) else s for s in spec.stages)
    return replace(spec, stages=stages)


FACTORIZATIONS = ("3x3", "asymmetric")


def factorize(conv: Conv, how: str) -> Sequence:
    """One n x n convolution replaced by a stack of smaller ones (v3 paper, section 3).

    ``how="3x3"``: (n - 1) / 2 stacked 3x3 convolutions (5x5 -> two 3x3, 7x7 -> three),
    the same receptive field (Figure 1); n must be odd and at least 5.
    ``how="asymmetric"``: a 1 x n then an n x 1 convolution (Figure 3; 3x3 -> 1x3 + 3x1).
    The inner convolutions keep ``conv.filters`` outputs, as in the paper's cost
    comparison; only the last keeps the original's stride, padding and activation.
    """
    if not isinstance(conv, Conv):
        raise ValueError(
            _("factorize needs a Conv. Received: {type}").format(type=type(conv).__name__)
        )
    check_choice(how, FACTORIZATIONS, "how")
    n, m = conv.kernel
    if n != m:
        raise ValueError(
            _("factorize needs a square kernel. Received: kernel={kernel}").format(
                kernel=conv.kernel
            )
        )
    inner = replace(conv, strides=(1, 1), padding="same")
    if how == "3x3":
        if n < 5 or n % 2 == 0:
            raise ValueError(
                _(
                    "Only an odd kernel of 5 or more factorizes into 3x3s. Received: kernel={n}x{n}"
                ).format(n=n)
            )
        count = (n - 1) // 2
        ops = [replace(inner, name=f"{chr(97 + i)}_3x3", kernel=(3, 3)) for i in range(count)]
    else:
        if n < 2:
            raise ValueError(
                _("A 1x1 kernel has nothing to factorize. Received: kernel={n}x{n}").format(n=n)
            )
        ops = [
            replace(inner, name=f"a_1x{n}", kernel=(1, n)),
            replace(inner, name=f"b_{n}x1", kernel=(n, 1)),
        ]
    ops[-1] = replace(ops[-1], strides=conv.strides, padding=conv.padding)
    return Sequence(conv.name, tuple(ops))


def truncate(spec: ModelSpec, final_endpoint: str) -> ModelSpec:
    """``spec`` up to and including the stage ``final_endpoint`` (tf-slim's argument).

    Auxiliary heads are dropped, and so is the class count when the classifier is cut.
    """
    if not isinstance(spec, ModelSpec):
        raise ValueError(
            _("truncate needs a ModelSpec. Received: {type}").format(type=type(spec).__name__)
        )
    check_choice(final_endpoint, spec.stage_names, "final_endpoint", spec.name)
    end = spec.stage_names.index(final_endpoint) + 1
    if end == len(spec.stages):
        return spec
    kept = set(spec.stage_names[:end])
    sections = []
    for section in spec.sections:
        stages = tuple(s for s in section.stages if s in kept)
        if stages:
            sections.append(Section(section.title, stages, section.repeated))
    return replace(
        spec, stages=spec.stages[:end], aux_heads=(), sections=tuple(sections), classes=None
    )


def check_scale(value, name: str = "scale") -> float:
    """A residual scale: a number in (0, 10]."""
    return check_number(value, name, 0, 10, open_min=True)
