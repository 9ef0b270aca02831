"""The paper tables: every block and model of the Inception family as a spec.

One function per paper figure, named after it (``inception_module`` is GoogLeNet's
inception(3a..5b), ``inception_a``/``reduction_a``/... the v4 paper's figures), and one
``*_spec`` function per model that lays the blocks out in stages keyed by the papers' labels.
Filter counts are written at full size and multiplied by ``width``; repeat counts are
multiplied by ``depth``. Nothing here imports TensorFlow.

Papers:
- GoogLeNet: Szegedy et al., "Going deeper with convolutions", 2014 (Table 1, Figure 2).
- Inception-v2/v3: Szegedy et al., "Rethinking the Inception Architecture", 2015
  (figures 5, 6, 7, 10 and Table 1).
- Inception-v4, Inception-ResNet-v1/v2: Szegedy et al., "Inception-v4, Inception-ResNet
  and the Impact of Residual Connections on Learning", 2016 (figures 3-19, Table 1).
"""

from __future__ import annotations

import inspect
import math
from dataclasses import replace

from inception_edu.specs import (
    AuxHead,
    Concat,
    Conv,
    Dense,
    Dropout,
    Flatten,
    GlobalPool,
    ModelSpec,
    Pool,
    Residual,
    Sequence,
)

MODELS = ("googlenet", "inception_v3", "inception_v4", "inception_resnet_v1",
          "inception_resnet_v2")
MAX_MULTIPLIER = 4.0


# --------------------------------------------------------------------------- arguments


def check_multiplier(value, what: str) -> float:
    """``width``/``depth`` must be a number in (0, 4]."""
    if (
        not isinstance(value, (int, float))
        or isinstance(value, bool)
        or not math.isfinite(value)
        or not 0 < value <= MAX_MULTIPLIER
    ):
        raise ValueError(
            f"{what} must be a number in (0, {MAX_MULTIPLIER:g}]. Received: {what}={value!r}"
        )
    return float(value)


def check_classes(classes) -> int:
    if not isinstance(classes, int) or isinstance(classes, bool) or classes < 1:
        raise ValueError(f"classes must be an int >= 1. Received: classes={classes!r}")
    return classes


def scaled(filters: int, width: float) -> int:
    """A filter count times ``width``, rounded half up, at least 1."""
    return max(1, int(filters * width + 0.5))


def repeats(count: int, depth: float) -> int:
    """A repeat count times ``depth``, rounded half up, at least 1."""
    return max(1, int(count * depth + 0.5))


# --------------------------------------------------------------------------- op helpers


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
    named = [
        op if isinstance(op, Concat) else replace(op, name=f"0{chr(97 + i)}_{_op_label(op)}")
        for i, op in enumerate(ops)
    ]
    return Sequence(name, tuple(named))


def split_1x3_3x1(filters: int) -> Concat:
    """v3's expanded filter bank (Figure 7): a 1x3 and a 3x1 conv side by side."""
    return Concat("split", (replace(conv_bn(filters, (1, 3)), name="1x3"),
                            replace(conv_bn(filters, (3, 1)), name="3x1")))


def named(op, name: str):
    """``op`` renamed: a top-level stage's name."""
    return replace(op, name=name)


def classifier_head(classes: int, dropout: float | None) -> tuple:
    """Global average pooling, optional dropout, and a softmax dense layer."""
    head = [GlobalPool("avg_pool")]
    if dropout:
        head.append(Dropout("dropout", dropout))
    head.append(Dense("classifier", classes, "softmax"))
    return tuple(head)


# --------------------------------------------------------------------------- GoogLeNet

#: Table 1 of the 2014 paper: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
GOOGLENET_MODULES = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}

#: Table 1's "output size" column for the rows of GOOGLENET_PRINTED.
GOOGLENET_OUTPUT_SIZES = {
    "conv1": (112, 112, 64), "conv2": (56, 56, 192),
    "3a": (28, 28, 256), "3b": (28, 28, 480),
    "4a": (14, 14, 512), "4b": (14, 14, 512), "4c": (14, 14, 512), "4d": (14, 14, 528),
    "4e": (14, 14, 832), "5a": (7, 7, 832), "5b": (7, 7, 1024),
    "linear": (1000,),  # printed 1x1x1000
}

#: Table 1's printed "params" (units of 1,024 weights) and "ops" (millions) columns.
GOOGLENET_PRINTED = {
    "conv1": (2.7, 34), "conv2": (112, 360),
    "3a": (159, 128), "3b": (380, 304),
    "4a": (364, 73), "4b": (437, 88), "4c": (463, 100), "4d": (580, 119), "4e": (840, 170),
    "5a": (1072, 54), "5b": (1388, 71),
    "linear": (1000, 1),
}


def inception_module(name: str, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int,
                     ch5x5: int, pool_proj: int, conv=conv_relu) -> Concat:
    """GoogLeNet's Inception module with dimension reductions (2014 paper, Figure 2b).

    Four branches on the same input, concatenated: a 1x1 conv; a 1x1 "reduce" then a 3x3;
    a 1x1 "reduce" then a 5x5; a 3x3 max pool then a 1x1 "pool proj". The arguments are
    Table 1's columns, in its order.
    """
    return Concat(name, (
        Sequence("b1", (named(conv(ch1x1, 1), "1x1"),)),
        Sequence("b2", (named(conv(ch3x3red, 1), "3x3_reduce"), named(conv(ch3x3, 3), "3x3"))),
        Sequence("b3", (named(conv(ch5x5red, 1), "5x5_reduce"), named(conv(ch5x5, 5), "5x5"))),
        Sequence("b4", (named(max_pool(3, 1), "pool"), named(conv(pool_proj, 1), "pool_proj"))),
    ))


def naive_inception_module(name: str, ch1x1: int, ch3x3: int, ch5x5: int,
                           padding: str = "same", conv=conv_relu) -> Concat:
    """The naive Inception module (2014 paper, Figure 2a): 1x1, 3x3, 5x5 and a 3x3 max pool.

    The pool branch passes every input channel through, so the output always has more
    channels than the input: stacking such modules makes channels and cost grow.
    ``padding="valid"`` is accepted so a learner can see why every branch needs "same":
    the branches then disagree on height and width and cannot be concatenated.
    """
    return Concat(name, (
        Sequence("b1", (named(conv(ch1x1, 1, padding=padding), "1x1"),)),
        Sequence("b2", (named(conv(ch3x3, 3, padding=padding), "3x3"),)),
        Sequence("b3", (named(conv(ch5x5, 5, padding=padding), "5x5"),)),
        Sequence("b4", (named(max_pool(3, 1, padding), "pool"),)),
    ))


def googlenet_aux_head(name: str, after: str, classes: int, width: float) -> AuxHead:
    """GoogLeNet's auxiliary classifier (2014 paper, section 5).

    5x5/3 average pool (4x4x512 at 4a), 1x1 conv with 128 filters and ReLU, a 1024-unit
    fully connected ReLU layer, 70% dropout, and a softmax classifier. Below the paper's
    input size the pool shrinks to the grid (``fit=True``), as tf-slim's aux heads do.
    """
    return AuxHead(name, after, Sequence(name, (
        Pool("pool", "avg", 5, 3, "valid", fit=True),
        named(conv_relu(scaled(128, width), 1), "1x1"),
        Flatten("flatten"),
        Dense("fc", scaled(1024, width), "relu"),
        Dropout("dropout", 0.7),
        Dense("classifier", classes, "softmax"),
    )))


def googlenet_spec(classes: int = 1000, include_top: bool = True, width: float = 1.0,
                   depth: float = 1.0, aux_heads: bool = False) -> ModelSpec:
    """GoogLeNet (Inception-v1) from the 2014 paper's Table 1.

    Convolutions have biases and ReLU and no batch-norm, as in the paper. Departures:
    the paper's local response normalisation after conv1 and conv2 is left out (Keras 3
    has no such layer, and later work, including Inception-v2's batch-norm, showed it
    contributes little; torchvision's GoogLeNet drops it too); the 7x7/1 average pool is a
    global average pool, identical at 224x224 and defined for other input sizes.

    ``depth`` (at most 1) keeps the first ``round(n * depth)`` modules of each stage
    (3: 2, 4: 5, 5: 2): unlike the later networks' repeated blocks, GoogLeNet's modules all
    differ, so there is nothing to repeat. The aux heads tap inception(4a) and
    inception(4d), so they need a depth that keeps 4d.
    """
    classes, width, depth = _check_model_args(classes, include_top, width, depth)
    _check_flag(aux_heads, "aux_heads")
    if depth > 1:
        raise ValueError(
            "GoogLeNet's modules all differ (Table 1), so depth keeps a fraction of them and "
            f"cannot exceed 1. Received: depth={depth:g}"
        )
    stages = [
        named(conv_relu(scaled(64, width), 7, 2), "conv1_7x7_s2"),
        named(max_pool(3, 2), "pool1_3x3_s2"),
        named(conv_relu(scaled(64, width), 1), "conv2_3x3_reduce"),
        named(conv_relu(scaled(192, width), 3), "conv2_3x3"),
        named(max_pool(3, 2), "pool2_3x3_s2"),
    ]
    for stage in ("3", "4", "5"):
        labels = [label for label in GOOGLENET_MODULES if label.startswith(stage)]
        for label in labels[: repeats(len(labels), depth)]:
            columns = [scaled(c, width) for c in GOOGLENET_MODULES[label]]
            stages.append(inception_module(f"inception_{label}", *columns))
        if stage != "5":
            stages.append(named(max_pool(3, 2), f"pool{stage}_3x3_s2"))
    if include_top:
        stages.extend(classifier_head(classes, 0.4))
    aux = ()
    if aux_heads:
        if not include_top:
            raise ValueError("aux_heads=True needs include_top=True. Received: include_top=False")
        names = {stage.name for stage in stages}
        if "inception_4d" not in names:
            raise ValueError(
                "GoogLeNet's aux heads tap inception_4a and inception_4d, but "
                f"depth={depth:g} keeps only {sorted(n for n in names if n.startswith('incep'))}."
                " Use depth >= 0.7 with aux_heads=True."
            )
        aux = (googlenet_aux_head("aux_4a", "inception_4a", classes, width),
               googlenet_aux_head("aux_4d", "inception_4d", classes, width))
    return ModelSpec("googlenet", tuple(stages), default_input=224, min_input=32, aux_heads=aux)


# --------------------------------------------------------------------------- Inception-v3


def inception_v3_stem(w) -> list:
    """v3's stem (2015 paper, Table 1 rows 1-7): 299x299x3 -> 35x35x192.

    Three 3x3 convs replace GoogLeNet's 7x7 (section 3.1), then pooling and 1x1/3x3 convs.
    """
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),   # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),   # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),               # 147 x 147 x 64
        named(max_pool(3, 2, "valid"), "max_pool_3a_3x3"),       # 73 x 73 x 64
        named(conv_bn(w(80), 1, 1, "valid"), "conv2d_3b_1x1"),   # 73 x 73 x 80
        named(conv_bn(w(192), 3, 1, "valid"), "conv2d_4a_3x3"),  # 71 x 71 x 192
        named(max_pool(3, 2, "valid"), "max_pool_5a_3x3"),       # 35 x 35 x 192
    ]


def inception_v3_a(name: str, pool_proj: int, w) -> Concat:
    """v3's 35x35 module (Figure 5: the 5x5 factorised into two 3x3).

    Departure from the figure, kept by every released v3 (tf-slim, Keras): besides the
    two-3x3 branch there is also a 1x1 -> 5x5 branch (48 -> 64 filters).
    """
    return Concat(name, (
        branch("b1", conv_bn(w(64), 1)),
        branch("b2", conv_bn(w(48), 1), conv_bn(w(64), 5)),
        branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
        branch("b4", avg_pool(3, 1), conv_bn(w(pool_proj), 1)),
    ))


def inception_v3_reduction_a(name: str, w) -> Concat:
    """v3's 35x35 -> 17x17 grid reduction (Figure 10): parallel stride-2 conv and pool."""
    return Concat(name, (
        branch("b1", conv_bn(w(384), 3, 2, "valid")),
        branch("b2", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3, 2, "valid")),
        branch("b3", max_pool(3, 2, "valid")),
    ))


def inception_v3_b(name: str, c7: int, w) -> Concat:
    """v3's 17x17 module (Figure 6, n = 7): 7x7 convs factorised into 1x7 and 7x1."""
    return Concat(name, (
        branch("b1", conv_bn(w(192), 1)),
        branch("b2", conv_bn(w(c7), 1), conv_bn(w(c7), (1, 7)), conv_bn(w(192), (7, 1))),
        branch("b3", conv_bn(w(c7), 1), conv_bn(w(c7), (7, 1)), conv_bn(w(c7), (1, 7)),
               conv_bn(w(c7), (7, 1)), conv_bn(w(192), (1, 7))),
        branch("b4", avg_pool(3, 1), conv_bn(w(192), 1)),
    ))


def inception_v3_reduction_b(name: str, w) -> Concat:
    """v3's 17x17 -> 8x8 grid reduction (as in the released model)."""
    return Concat(name, (
        branch("b1", conv_bn(w(192), 1), conv_bn(w(320), 3, 2, "valid")),
        branch("b2", conv_bn(w(192), 1), conv_bn(w(192), (1, 7)), conv_bn(w(192), (7, 1)),
               conv_bn(w(192), 3, 2, "valid")),
        branch("b3", max_pool(3, 2, "valid")),
    ))


def inception_v3_c(name: str, w) -> Concat:
    """v3's 8x8 module (Figure 7): expanded filter banks, 1x3 and 3x1 side by side."""
    return Concat(name, (
        branch("b1", conv_bn(w(320), 1)),
        branch("b2", conv_bn(w(384), 1), split_1x3_3x1(w(384))),
        branch("b3", conv_bn(w(448), 1), conv_bn(w(384), 3), split_1x3_3x1(w(384))),
        branch("b4", avg_pool(3, 1), conv_bn(w(192), 1)),
    ))


def inception_v3_aux_head(classes: int, w) -> AuxHead:
    """v3's auxiliary classifier on the 17x17x768 map, batch-normalised ("BN-auxiliary").

    As tf-slim: 5x5/3 average pool, 1x1 conv 128, a 5x5 "valid" conv with 768 filters
    (the fully connected layer, as a conv), then the classifier. Below 299x299 the pool and
    the 5x5 shrink to the grid (``fit=True``), as tf-slim's do.
    """
    return AuxHead("aux", "mixed_6e", Sequence("aux", (
        Pool("pool", "avg", 5, 3, "valid", fit=True),
        named(conv_bn(w(128), 1), "1x1"),
        replace(conv_bn(w(768), 5, 1, "valid"), name="5x5", fit=True),
        Flatten("flatten"),
        Dense("classifier", classes, "softmax"),
    )))


#: Keras' names of v3's blocks (``keras.applications.InceptionV3``) -> ours (tf-slim's).
KERAS_V3_MIXED = {
    "mixed0": "mixed_5b", "mixed1": "mixed_5c", "mixed2": "mixed_5d", "mixed3": "mixed_6a",
    "mixed4": "mixed_6b", "mixed5": "mixed_6c", "mixed6": "mixed_6d", "mixed7": "mixed_6e",
    "mixed8": "mixed_7a", "mixed9": "mixed_7b", "mixed10": "mixed_7c",
}


def _lettered(grid: int, index: int) -> str:
    """tf-slim's block names: mixed_5b, mixed_5c, ... (the 'a' is the reduction)."""
    return f"mixed_{grid}{chr(98 + index)}"


def inception_v3_spec(classes: int = 1000, include_top: bool = True, width: float = 1.0,
                      depth: float = 1.0, aux_head: bool = False) -> ModelSpec:
    """Inception-v3 as released (``keras.applications.InceptionV3``, tf-slim).

    Inception-v2 is this same graph trained without the v3 recipe. Blocks use tf-slim's
    names; :data:`KERAS_V3_MIXED` maps Keras' ``mixed0..mixed10`` to them. Head: global
    average pool, dropout 0.2 (tf-slim's keep 0.8; Keras omits it: no parameters either
    way), softmax. ``depth`` scales 3 x 35x35, 4 x 17x17 and 2 x 8x8 modules; the 17x17
    modules' 7x7 width goes 128, 160..., 192 as in the released model.
    """
    classes, width, depth = _check_model_args(classes, include_top, width, depth)
    _check_flag(aux_head, "aux_head")

    def w(filters):
        return scaled(filters, width)

    stages = inception_v3_stem(w)
    count_a, count_b, count_c = repeats(3, depth), repeats(4, depth), repeats(2, depth)
    for i in range(count_a):
        stages.append(inception_v3_a(_lettered(5, i), 32 if i == 0 else 64, w))
    stages.append(inception_v3_reduction_a("mixed_6a", w))
    c7s = [128] + [160] * (count_b - 2) + [192] if count_b > 1 else [128]
    for i, c7 in enumerate(c7s):
        stages.append(inception_v3_b(_lettered(6, i), c7, w))
    stages.append(inception_v3_reduction_b("mixed_7a", w))
    for i in range(count_c):
        stages.append(inception_v3_c(_lettered(7, i), w))
    if include_top:
        stages.extend(classifier_head(classes, 0.2))
    aux = ()
    if aux_head:
        if not include_top:
            raise ValueError("aux_head=True needs include_top=True. Received: include_top=False")
        aux = (replace(inception_v3_aux_head(classes, w), after=_lettered(6, count_b - 1)),)
    return ModelSpec("inception_v3", tuple(stages), default_input=299, min_input=75,
                     aux_heads=aux)


# --------------------------------------------------------------------------- Inception-v4
#
# Branches are listed left to right as the v4 paper's figures draw them. tf-slim
# concatenates some of them in another order (the pool branch last in Inception-A and
# Reduction-B, first in Mixed_3a) and starts some 1x7/7x1 pairs the other way round
# (Mixed_4a, Inception-B, Inception-C). Shapes, parameters and multiply-adds are the same
# either way; only loading tf-slim's checkpoint would need its order.

#: Table 1 of the v4 paper: Reduction-A's filter counts k, l, m, n per network.
REDUCTION_A_FILTERS = {
    "inception_v4": (192, 224, 256, 384),
    "inception_resnet_v1": (192, 192, 256, 384),
    "inception_resnet_v2": (256, 256, 384, 384),
}


def inception_v4_stem(w) -> list:
    """The stem of Inception-v4 and of the paper's Inception-ResNet-v2 (Figure 3).

    299x299x3 -> 35x35x384; "V" in the figure means padding="valid". The figure's last
    3x3 conv (192 V) must have stride 2 to give 35x35 from 71x71, as tf-slim has it.
    """
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),  # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),  # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),              # 147 x 147 x 64
        Concat("mixed_3a", (                                    # 73 x 73 x 160
            branch("b1", max_pool(3, 2, "valid")),
            branch("b2", conv_bn(w(96), 3, 2, "valid")),
        )),
        Concat("mixed_4a", (                                    # 71 x 71 x 192
            branch("b1", conv_bn(w(64), 1), conv_bn(w(96), 3, 1, "valid")),
            branch("b2", conv_bn(w(64), 1), conv_bn(w(64), (7, 1)), conv_bn(w(64), (1, 7)),
                   conv_bn(w(96), 3, 1, "valid")),
        )),
        Concat("mixed_5a", (                                    # 35 x 35 x 384
            branch("b1", conv_bn(w(192), 3, 2, "valid")),
            branch("b2", max_pool(3, 2, "valid")),
        )),
    ]


def inception_a(name: str, w) -> Concat:
    """Inception-v4's 35x35 block (Figure 4): output 384 channels."""
    return Concat(name, (
        branch("b1", avg_pool(3, 1), conv_bn(w(96), 1)),
        branch("b2", conv_bn(w(96), 1)),
        branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3)),
        branch("b4", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
    ))


def reduction_a(name: str, k: int, l: int, m: int, n: int, w) -> Concat:  # noqa: E741
    """Reduction-A (Figure 7): 35x35 -> 17x17, shared by v4 and both Inception-ResNets.

    A 3x3/2 max pool; ``n`` 3x3/2 conv; ``k`` 1x1 -> ``l`` 3x3 -> ``m`` 3x3/2 conv.
    The paper's Table 1 gives k, l, m, n per network (:data:`REDUCTION_A_FILTERS`).
    """
    return Concat(name, (
        branch("b1", conv_bn(w(n), 3, 2, "valid")),
        branch("b2", conv_bn(w(k), 1), conv_bn(w(l), 3), conv_bn(w(m), 3, 2, "valid")),
        branch("b3", max_pool(3, 2, "valid")),
    ))


def inception_b(name: str, w) -> Concat:
    """Inception-v4's 17x17 block (Figure 5): output 1024 channels.

    The 1x7/7x1 order follows the figure; tf-slim starts the long branch with 7x1 instead
    (same shapes and counts).
    """
    return Concat(name, (
        branch("b1", avg_pool(3, 1), conv_bn(w(128), 1)),
        branch("b2", conv_bn(w(384), 1)),
        branch("b3", conv_bn(w(192), 1), conv_bn(w(224), (1, 7)), conv_bn(w(256), (7, 1))),
        branch("b4", conv_bn(w(192), 1), conv_bn(w(192), (1, 7)), conv_bn(w(224), (7, 1)),
               conv_bn(w(224), (1, 7)), conv_bn(w(256), (7, 1))),
    ))


def reduction_b(name: str, w) -> Concat:
    """Inception-v4's Reduction-B (Figure 8): 17x17x1024 -> 8x8x1536."""
    return Concat(name, (
        branch("b1", max_pool(3, 2, "valid")),
        branch("b2", conv_bn(w(192), 1), conv_bn(w(192), 3, 2, "valid")),
        branch("b3", conv_bn(w(256), 1), conv_bn(w(256), (1, 7)), conv_bn(w(320), (7, 1)),
               conv_bn(w(320), 3, 2, "valid")),
    ))


def inception_c(name: str, w) -> Concat:
    """Inception-v4's 8x8 block (Figure 6): output 1536 channels.

    The 1x3 -> 3x1 order of the long branch follows the figure (tf-slim: 3x1 -> 1x3).
    """
    return Concat(name, (
        branch("b1", avg_pool(3, 1), conv_bn(w(256), 1)),
        branch("b2", conv_bn(w(256), 1)),
        branch("b3", conv_bn(w(384), 1), split_1x3_3x1(w(256))),
        branch("b4", conv_bn(w(384), 1), conv_bn(w(448), (1, 3)), conv_bn(w(512), (3, 1)),
               split_1x3_3x1(w(256))),
    ))


def inception_v4_spec(classes: int = 1000, include_top: bool = True, width: float = 1.0,
                      depth: float = 1.0) -> ModelSpec:
    """Inception-v4 (v4 paper, Figure 9): stem, 4 x A, Reduction-A, 7 x B, Reduction-B,
    3 x C, average pool, dropout 0.2 (keep 0.8), softmax. Paper and tf-slim agree on the
    repeats and widths."""
    classes, width, depth = _check_model_args(classes, include_top, width, depth)

    def w(filters):
        return scaled(filters, width)

    stages = inception_v4_stem(w)
    stages += [inception_a(f"inception_a_{i + 1}", w) for i in range(repeats(4, depth))]
    stages.append(reduction_a("reduction_a", *REDUCTION_A_FILTERS["inception_v4"], w))
    stages += [inception_b(f"inception_b_{i + 1}", w) for i in range(repeats(7, depth))]
    stages.append(reduction_b("reduction_b", w))
    stages += [inception_c(f"inception_c_{i + 1}", w) for i in range(repeats(3, depth))]
    if include_top:
        stages.extend(classifier_head(classes, 0.2))
    return ModelSpec("inception_v4", tuple(stages), default_input=299, min_input=75)


# --------------------------------------------------------------------------- Inception-ResNet


def _residual_stage(prefix: str, count: int, block, scale: float, last_linear: bool) -> list:
    """``count`` residual blocks; with ``last_linear`` the last one is unscaled and has no
    ReLU after the add, as in every reference implementation (Keras, tf-slim, facenet)."""
    blocks = [block(f"{prefix}_{i + 1}", scale) for i in range(count)]
    if last_linear:
        blocks[-1] = replace(blocks[-1], scale=1.0, activation=None)
    return blocks


def inception_resnet_v1_stem(w) -> list:
    """Inception-ResNet-v1's own stem (v4 paper, Figure 14): 299x299x3 -> 35x35x256."""
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),   # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),   # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),               # 147 x 147 x 64
        named(max_pool(3, 2, "valid"), "max_pool_3a_3x3"),       # 73 x 73 x 64
        named(conv_bn(w(80), 1, 1, "valid"), "conv2d_3b_1x1"),   # 73 x 73 x 80
        named(conv_bn(w(192), 3, 1, "valid"), "conv2d_4a_3x3"),  # 71 x 71 x 192
        named(conv_bn(w(256), 3, 2, "valid"), "conv2d_4b_3x3"),  # 35 x 35 x 256
    ]


def inception_resnet_v1_a(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v1's 35x35 block (Figure 10): 96 channels, then a linear 1x1 to 256."""
    return Residual(name, (
        branch("b1", conv_bn(w(32), 1)),
        branch("b2", conv_bn(w(32), 1), conv_bn(w(32), 3)),
        branch("b3", conv_bn(w(32), 1), conv_bn(w(32), 3), conv_bn(w(32), 3)),
    ), scale)


def inception_resnet_v1_b(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v1's 17x17 block (Figure 11): 256 channels, linear 1x1 to 896."""
    return Residual(name, (
        branch("b1", conv_bn(w(128), 1)),
        branch("b2", conv_bn(w(128), 1), conv_bn(w(128), (1, 7)), conv_bn(w(128), (7, 1))),
    ), scale)


def inception_resnet_v1_c(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v1's 8x8 block (Figure 13): 384 channels, linear 1x1 to 1792."""
    return Residual(name, (
        branch("b1", conv_bn(w(192), 1)),
        branch("b2", conv_bn(w(192), 1), conv_bn(w(192), (1, 3)), conv_bn(w(192), (3, 1))),
    ), scale)


def reduction_b_resnet(name: str, second: int, third: tuple, w) -> Concat:
    """Reduction-B of the Inception-ResNets (Figure 12 for v1, Figure 18 for v2).

    A 3x3/2 max pool; 256 1x1 -> 384 3x3/2; 256 1x1 -> ``second`` 3x3/2;
    256 1x1 -> ``third[0]`` 3x3 -> ``third[1]`` 3x3/2. v1: 256 and (256, 256);
    v2: 288 and (288, 320).
    """
    return Concat(name, (
        branch("b1", conv_bn(w(256), 1), conv_bn(w(384), 3, 2, "valid")),
        branch("b2", conv_bn(w(256), 1), conv_bn(w(second), 3, 2, "valid")),
        branch("b3", conv_bn(w(256), 1), conv_bn(w(third[0]), 3),
               conv_bn(w(third[1]), 3, 2, "valid")),
        branch("b4", max_pool(3, 2, "valid")),
    ))


RESIDUAL_SCALES = (0.17, 0.10, 0.20)  # A, B, C blocks: as Keras, tf-slim and facenet


def inception_resnet_v1_spec(classes: int = 1000, include_top: bool = True,
                             width: float = 1.0, depth: float = 1.0) -> ModelSpec:
    """Inception-ResNet-v1 (v4 paper, Figure 15): its own stem, 5 x A, Reduction-A
    (k=192, l=192, m=256, n=384), 10 x B, Reduction-B, 5 x C, average pool, dropout 0.2.

    Residual scales 0.17, 0.10, 0.20 as in the reference implementations; the paper only
    says "between 0.1 and 0.3". The last C block is unscaled and has no ReLU, as in every
    reference implementation; facenet's port adds it as a sixth C block, we count it among
    the figure's five so the repeats are the paper's 5/10/5.
    """
    classes, width, depth = _check_model_args(classes, include_top, width, depth)

    def w(filters):
        return scaled(filters, width)

    scale_a, scale_b, scale_c = RESIDUAL_SCALES
    stages = inception_resnet_v1_stem(w)
    stages += _residual_stage("inception_resnet_a", repeats(5, depth),
                              lambda n, s: inception_resnet_v1_a(n, s, w), scale_a, False)
    stages.append(reduction_a("reduction_a", *REDUCTION_A_FILTERS["inception_resnet_v1"], w))
    stages += _residual_stage("inception_resnet_b", repeats(10, depth),
                              lambda n, s: inception_resnet_v1_b(n, s, w), scale_b, False)
    stages.append(reduction_b_resnet("reduction_b", 256, (256, 256), w))
    stages += _residual_stage("inception_resnet_c", repeats(5, depth),
                              lambda n, s: inception_resnet_v1_c(n, s, w), scale_c, True)
    if include_top:
        stages.extend(classifier_head(classes, 0.2))
    return ModelSpec("inception_resnet_v1", tuple(stages), default_input=299, min_input=75)


def inception_resnet_v2_stem(w) -> list:
    """Inception-ResNet-v2's stem as released (Keras, tf-slim): 299x299x3 -> 35x35x320.

    Departure from the paper: its Figure 15 gives v2 the v4 stem (35x35x384); the released
    checkpoint uses v3's stem plus a v3-style 35x35 module ``mixed_5b``.
    """
    return inception_v3_stem(w) + [
        Concat("mixed_5b", (
            branch("b1", conv_bn(w(96), 1)),
            branch("b2", conv_bn(w(48), 1), conv_bn(w(64), 5)),
            branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
            branch("b4", avg_pool(3, 1), conv_bn(w(64), 1)),
        )),                                                      # 35 x 35 x 320
    ]


def inception_resnet_v2_a(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v2's 35x35 block (Figure 16): 128 channels, linear 1x1 back."""
    return Residual(name, (
        branch("b1", conv_bn(w(32), 1)),
        branch("b2", conv_bn(w(32), 1), conv_bn(w(32), 3)),
        branch("b3", conv_bn(w(32), 1), conv_bn(w(48), 3), conv_bn(w(64), 3)),
    ), scale)


def inception_resnet_v2_b(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v2's 17x17 block (Figure 17): 384 channels, linear 1x1 back.

    The figure's projection has 1154 filters for a 1152-channel input, which cannot be
    added; the released model's input here has 1088 channels and the projection matches it.
    """
    return Residual(name, (
        branch("b1", conv_bn(w(192), 1)),
        branch("b2", conv_bn(w(128), 1), conv_bn(w(160), (1, 7)), conv_bn(w(192), (7, 1))),
    ), scale)


def inception_resnet_v2_c(name: str, scale: float, w) -> Residual:
    """Inception-ResNet-v2's 8x8 block (Figure 19): 448 channels, linear 1x1 back."""
    return Residual(name, (
        branch("b1", conv_bn(w(192), 1)),
        branch("b2", conv_bn(w(192), 1), conv_bn(w(224), (1, 3)), conv_bn(w(256), (3, 1))),
    ), scale)


def inception_resnet_v2_spec(classes: int = 1000, include_top: bool = True,
                             width: float = 1.0, depth: float = 1.0) -> ModelSpec:
    """Inception-ResNet-v2 as released: ``keras.applications.InceptionResNetV2``.

    Departures from the paper's Figure 15, all for the released checkpoint (so its
    ImageNet weights load into this graph layer for layer): the stem (see
    :func:`inception_resnet_v2_stem`); 10 x A, 20 x B, 10 x C blocks where the figure has
    5/10/5 (``depth=0.5`` gives the figure's counts); widths 320 -> 1088 -> 2080 from
    Reduction-A (k=l=256, m=n=384, as Table 1) and Reduction-B (Figure 18); and a final
    1x1 conv to 1536 channels before pooling. Dropout 0.2 follows the paper and tf-slim;
    Keras omits it (no parameters either way).
    """
    classes, width, depth = _check_model_args(classes, include_top, width, depth)

    def w(filters):
        return scaled(filters, width)

    scale_a, scale_b, scale_c = RESIDUAL_SCALES
    stages = inception_resnet_v2_stem(w)
    stages += _residual_stage("inception_resnet_a", repeats(10, depth),
                              lambda n, s: inception_resnet_v2_a(n, s, w), scale_a, False)
    stages.append(reduction_a("reduction_a", *REDUCTION_A_FILTERS["inception_resnet_v2"], w))
    stages += _residual_stage("inception_resnet_b", repeats(20, depth),
                              lambda n, s: inception_resnet_v2_b(n, s, w), scale_b, False)
    stages.append(reduction_b_resnet("reduction_b", 288, (288, 320), w))
    stages += _residual_stage("inception_resnet_c", repeats(10, depth),
                              lambda n, s: inception_resnet_v2_c(n, s, w), scale_c, True)
    stages.append(named(conv_bn(w(1536), 1), "conv2d_7b_1x1"))
    if include_top:
        stages.extend(classifier_head(classes, 0.2))
    return ModelSpec("inception_resnet_v2", tuple(stages), default_input=299, min_input=75)


# --------------------------------------------------------------------------- comparisons


def alexnet_spec(classes: int = 1000) -> ModelSpec:
    """AlexNet (Krizhevsky et al. 2012) for parameter comparisons (claim C03), 227x227 input.

    Built as one tower: the paper split conv2, conv4 and conv5 into two groups (one per
    GPU), each group seeing half the input channels, so the original is somewhat lighter
    than this single-tower version. Local response normalisation is left out (it has no
    parameters).
    """
    classes = check_classes(classes)
    stages = [
        named(conv_relu(96, 11, 4, "valid"), "conv1"), named(max_pool(3, 2, "valid"), "pool1"),
        named(conv_relu(256, 5), "conv2"), named(max_pool(3, 2, "valid"), "pool2"),
        named(conv_relu(384, 3), "conv3"), named(conv_relu(384, 3), "conv4"),
        named(conv_relu(256, 3), "conv5"), named(max_pool(3, 2, "valid"), "pool5"),
        Flatten("flatten"), Dense("fc6", 4096, "relu"), Dropout("drop6", 0.5),
        Dense("fc7", 4096, "relu"), Dropout("drop7", 0.5), Dense("fc8", classes, "softmax"),
    ]
    return ModelSpec("alexnet", tuple(stages), default_input=227, min_input=227)


def vgg16_spec(classes: int = 1000) -> ModelSpec:
    """VGG-16 (Simonyan & Zisserman 2014, configuration D), as ``keras.applications.VGG16``."""
    classes = check_classes(classes)
    stages = []
    for group, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]):
        stages += [named(conv_relu(filters, 3), f"block{group + 1}_conv{i + 1}")
                   for i in range(convs)]
        stages.append(named(max_pool(2, 2, "valid"), f"block{group + 1}_pool"))
    stages += [Flatten("flatten"), Dense("fc1", 4096, "relu"), Dense("fc2", 4096, "relu"),
               Dense("predictions", classes, "softmax")]
    return ModelSpec("vgg16", tuple(stages), default_input=224, min_input=32)


# --------------------------------------------------------------------------- dispatch


def _check_flag(value, name: str) -> None:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False. Received: {name}={value!r}")


def _check_model_args(classes, include_top, width, depth):
    _check_flag(include_top, "include_top")
    return (check_classes(classes), check_multiplier(width, "width"),
            check_multiplier(depth, "depth"))


_SPECS = {
    "googlenet": googlenet_spec,
    "inception_v3": inception_v3_spec,
    "inception_v4": inception_v4_spec,
    "inception_resnet_v1": inception_resnet_v1_spec,
    "inception_resnet_v2": inception_resnet_v2_spec,
}


def model_spec(model: str, **kwargs) -> ModelSpec:
    """The spec of ``model`` (one of :data:`MODELS`) with the builder's keyword arguments."""
    if not isinstance(model, str) or model not in _SPECS:
        raise ValueError(f"Unknown model {model!r}. Allowed: {', '.join(MODELS)}")
    function = _SPECS[model]
    allowed = list(inspect.signature(function).parameters)
    unknown = sorted(set(kwargs) - set(allowed))
    if unknown:
        raise ValueError(f"{model} takes no argument {', '.join(unknown)}. Allowed: "
                         f"{', '.join(allowed)}")
    return function(**kwargs)
