"""Small constructors for the spec nodes the papers' blocks are made of.

``conv_bn`` is the conv + batch-norm + ReLU unit of v3, v4 and the Inception-ResNets;
``conv_relu`` the plain conv + ReLU of the 2014 GoogLeNet. ``branch`` names its ops the way
tf-slim does (``0a_1x1``, ``0b_3x3``), so a layer reads ``mixed_6b_b3_0c_7x1``.
"""

from __future__ import annotations

from dataclasses import replace

from inception_edu.spec.nodes import (
    Concat,
    Conv,
    Dense,
    Dropout,
    GlobalPool,
    Pool,
    Sequence,
)

__all__ = [
    "avg_pool",
    "branch",
    "classifier_head",
    "conv_bn",
    "conv_relu",
    "max_pool",
    "named",
    "repeats",
    "scaled",
    "split_1x3_3x1",
]


def scaled(filters: int, width: float) -> int:
    """A filter count times ``width``, rounded half up, at least 1."""
    return max(1, int(filters * width + 0.5))


def repeats(count: int, depth: float) -> int:
    """A repeat count times ``depth``, rounded half up, at least 1."""
    return max(1, int(count * depth + 0.5))


def conv_bn(filters: int, kernel, strides=1, padding: str = "same") -> Conv:
    """A conv + batch-norm + ReLU, as in v3/v4 (no conv bias; BN without scale)."""
    return Conv("conv", filters, kernel, strides, padding)


def conv_relu(filters: int, kernel, strides=1, padding: str = "same") -> Conv:
    """A conv with bias + ReLU and no batch-norm, as in the 2014 GoogLeNet."""
    return Conv("conv", filters, kernel, strides, padding, batch_norm=False, use_bias=True)


def max_pool(size=3, strides=1, padding: str = "same") -> Pool:
    return Pool("pool", "max", size, strides, padding)


def avg_pool(size=3, strides=1, padding: str = "same") -> Pool:
    return Pool("pool", "avg", size, strides, padding)


def named(node, name: str):
    """``node`` renamed (a stage's or a branch op's name)."""
    return replace(node, name=name)


def _op_label(op) -> str:
    if isinstance(op, Conv):
        return f"{op.kernel[0]}x{op.kernel[1]}"
    if isinstance(op, Pool):
        return f"{op.kind}pool"
    return op.name


def branch(name: str, *ops) -> Sequence:
    """A branch whose ops are named in order like tf-slim's: ``0a_1x1``, ``0b_3x3``, ...

    A nested :class:`Concat` (v3's split into 1x3 and 3x1) keeps its own name.
    """
    return Sequence(
        name,
        tuple(
            op if isinstance(op, Concat) else named(op, f"0{chr(97 + i)}_{_op_label(op)}")
            for i, op in enumerate(ops)
        ),
    )


def split_1x3_3x1(filters: int) -> Concat:
    """v3's expanded filter bank (Figure 7): a 1x3 and a 3x1 conv side by side."""
    return Concat(
        "split", (named(conv_bn(filters, (1, 3)), "1x3"), named(conv_bn(filters, (3, 1)), "3x1"))
    )


def classifier_head(
    classes: int, dropout: float | None, activation: str | None = "softmax"
) -> tuple:
    """Global average pooling, optional dropout, and the dense classifier.

    ``activation=None`` gives logits (``classifier_activation=None`` of the builders).
    """
    head = [GlobalPool("avg_pool")]
    if dropout:
        head.append(Dropout("dropout", dropout))
    head.append(Dense("classifier", classes, activation))
    return tuple(head)
