"""GoogLeNet / Inception-v1: Szegedy et al., "Going deeper with convolutions", 2014.

The paper's Table 1 is data here (:data:`MODULES`, :data:`OUTPUT_SIZES`, :data:`PRINTED`):
the model is built from its filter columns, and the tests set the params and ops it
prints against what those columns give. Figure 2 is :func:`naive_inception_module` (a)
and :func:`inception_module` (b); section 5 describes the auxiliary classifiers
(:func:`aux_head`).
"""

from __future__ import annotations

from inception_edu.spec.checks import check_flag, check_model_args
from inception_edu.spec.nodes import AuxHead, Concat, Dense, Dropout, Flatten, Pool, Sequence
from inception_edu.spec.ops import (
    classifier_head,
    conv_relu,
    max_pool,
    named,
    repeats,
    scaled,
)
from inception_edu.zoo.layout import Layout
from inception_edu.zoo.registry import register

#: Table 1's filter columns, in its order.
COLUMNS = ("ch1x1", "ch3x3red", "ch3x3", "ch5x5red", "ch5x5", "pool_proj")

#: Table 1 of the 2014 paper: #1x1, #3x3 reduce, #3x3, #5x5 reduce, #5x5, pool proj.
MODULES = {
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

#: Table 1's "output size" column for the rows of :data:`PRINTED`.
OUTPUT_SIZES = {
    "conv1": (112, 112, 64),
    "conv2": (56, 56, 192),
    "3a": (28, 28, 256),
    "3b": (28, 28, 480),
    "4a": (14, 14, 512),
    "4b": (14, 14, 512),
    "4c": (14, 14, 512),
    "4d": (14, 14, 528),
    "4e": (14, 14, 832),
    "5a": (7, 7, 832),
    "5b": (7, 7, 1024),
    "linear": (1000,),  # printed 1x1x1000
}

#: Table 1's printed "params" (units of 1,024 weights) and "ops" (millions) columns.
PRINTED = {
    "conv1": (2.7, 34),
    "conv2": (112, 360),
    "3a": (159, 128),
    "3b": (380, 304),
    "4a": (364, 73),
    "4b": (437, 88),
    "4c": (463, 100),
    "4d": (580, 119),
    "4e": (840, 170),
    "5a": (1072, 54),
    "5b": (1388, 71),
    "linear": (1000, 1),
}

#: The stages each Table 1 row stands for.
TABLE1_STAGES = {
    "conv1": ("conv1_7x7_s2",),
    "conv2": ("conv2_reduce", "conv2_3x3"),
    "linear": ("classifier",),
}

#: inception(3a)'s input: the 28x28x192 map the stem gives at 224x224.
INPUT_3A = (28, 28, 192)

#: Weight of each auxiliary loss in the total (section 5): "weighted by 0.3".
AUX_WEIGHT = 0.3


def table1_stages(row: str) -> tuple:
    """The stage names of a Table 1 row ("conv2" -> its two convs, "4a" -> inception_4a)."""
    return TABLE1_STAGES.get(row, (f"inception_{row}",))


def inception_module(
    name: str,
    ch1x1: int,
    ch3x3red: int,
    ch3x3: int,
    ch5x5red: int,
    ch5x5: int,
    pool_proj: int,
    conv=conv_relu,
) -> Concat:
    """GoogLeNet's Inception module with dimension reductions (Figure 2b).

    Four branches on the same input, concatenated: a 1x1 conv; a 1x1 "reduce" then a 3x3;
    a 1x1 "reduce" then a 5x5; a 3x3 max pool then a 1x1 "pool proj". The arguments are
    Table 1's columns, in its order.
    """
    return Concat(
        name,
        (
            Sequence("b1", (named(conv(ch1x1, 1), "1x1"),)),
            Sequence("b2", (named(conv(ch3x3red, 1), "3x3_reduce"), named(conv(ch3x3, 3), "3x3"))),
            Sequence("b3", (named(conv(ch5x5red, 1), "5x5_reduce"), named(conv(ch5x5, 5), "5x5"))),
            Sequence("b4", (named(max_pool(3, 1), "pool"), named(conv(pool_proj, 1), "pool_proj"))),
        ),
    )


def module(label: str, name: str | None = None, width: float = 1.0) -> Concat:
    """The Table 1 module ``label`` ("3a" ... "5b"), its filters times ``width``."""
    if label not in MODULES:
        raise ValueError(f"Table 1 has no module {label!r}. Allowed: {', '.join(MODULES)}")
    columns = [scaled(c, width) for c in MODULES[label]]
    return inception_module(name or f"inception_{label}", *columns)


def naive_inception_module(
    name: str, ch1x1: int, ch3x3: int, ch5x5: int, padding: str = "same", conv=conv_relu
) -> Concat:
    """The naive Inception module (Figure 2a): 1x1, 3x3, 5x5 and a 3x3 max pool.

    The pool branch passes every input channel through, so the output always has more
    channels than the input: stacking such modules makes channels and cost grow.
    ``padding="valid"`` is accepted so a learner can see why every branch needs "same":
    the branches then disagree on height and width and cannot be concatenated.
    """
    return Concat(
        name,
        (
            Sequence("b1", (named(conv(ch1x1, 1, padding=padding), "1x1"),)),
            Sequence("b2", (named(conv(ch3x3, 3, padding=padding), "3x3"),)),
            Sequence("b3", (named(conv(ch5x5, 5, padding=padding), "5x5"),)),
            Sequence("b4", (named(max_pool(3, 1, padding), "pool"),)),
        ),
    )


def auxiliary_head(
    name: str, after: str, classes: int, width: float = 1.0, activation: str | None = "softmax"
) -> AuxHead:
    """GoogLeNet's auxiliary classifier (section 5).

    5x5/3 average pool (4x4x512 at 4a), 1x1 conv with 128 filters and ReLU, a 1024-unit
    fully connected ReLU layer, 70% dropout, and the classifier. Below the paper's input
    size the pool shrinks to the grid (``fit=True``), as tf-slim's aux heads do.
    """
    return AuxHead(
        name,
        after,
        Sequence(
            name,
            (
                Pool("pool", "avg", 5, 3, "valid", fit=True),
                named(conv_relu(scaled(128, width), 1), "1x1"),
                Flatten("flatten"),
                Dense("fc", scaled(1024, width), "relu"),
                Dropout("dropout", 0.7),
                Dense("classifier", classes, activation),
            ),
        ),
    )


@register(
    "googlenet",
    label="GoogLeNet",
    year=2014,
    aliases=("inception_v1", "inception-v1"),
    builder_doc="""GoogLeNet / Inception-v1 (Szegedy et al. 2014), module widths from Table 1.

    Args:
        input_shape: (height, width, channels), at least 32x32.
        classes: width of the classifier.
        include_top: add global average pool, dropout 0.4 and the classifier.
        width: multiplies every filter count (1.0 = the paper's).
        depth: fraction of modules kept per stage (1.0 = the paper's 2/5/2).
        aux_heads: add the auxiliary classifiers after 4a and 4d; the model then returns
            ``{"main", "aux_4a", "aux_4d"}``.
        classifier_activation: ``"softmax"``, or ``None`` for logits.
        final_endpoint: a block name to stop after (``"inception_4e"``), or ``None``.
            With ``aux_heads=True`` only ``None`` or the last block (a cut would drop
            the heads).
    """,
)
def googlenet_spec(
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    aux_heads: bool = False,
    classifier_activation: str | None = "softmax",
):
    """GoogLeNet (Inception-v1) from the 2014 paper's Table 1.

    Convolutions have biases and ReLU and no batch-norm, as in the paper. Departures:
    the paper's local response normalisation after conv1 and conv2 (Figure 3, twice) is
    left out (Keras 3 has no such layer, it has no parameters, and Inception-v2's
    batch-norm replaced it; torchvision drops it too); the 7x7/1 average pool is a global
    average pool, identical at 224x224 and defined for other input sizes.

    ``depth`` (at most 1) keeps the first ``round(n * depth)`` modules of each stage
    (3: 2, 4: 5, 5: 2): unlike the later networks' repeated blocks, GoogLeNet's modules all
    differ, so there is nothing to repeat. The aux heads tap inception(4a) and
    inception(4d), so they need a depth that keeps 4d.
    """
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )
    check_flag(aux_heads, "aux_heads")
    if depth > 1:
        raise ValueError(
            "GoogLeNet's modules all differ (Table 1), so depth keeps a fraction of them and "
            f"cannot exceed 1. Received: depth={depth:g}"
        )
    layout = Layout().add(
        "stem",
        [
            named(conv_relu(scaled(64, width), 7, 2), "conv1_7x7_s2"),
            named(max_pool(3, 2), "pool1_3x3_s2"),
            named(conv_relu(scaled(64, width), 1), "conv2_reduce"),
            named(conv_relu(scaled(192, width), 3), "conv2_3x3"),
            named(max_pool(3, 2), "pool2_3x3_s2"),
        ],
    )
    for stage in ("3", "4", "5"):
        labels = [label for label in MODULES if label.startswith(stage)]
        kept = labels[: repeats(len(labels), depth)]
        layout.add(f"Inception {stage}", [module(label, width=width) for label in kept])
        if stage != "5":
            layout.add("max pool", [named(max_pool(3, 2), f"pool{stage}_3x3_s2")])
    if include_top:
        layout.add("classifier", classifier_head(classes, 0.4, classifier_activation))
    aux = ()
    if aux_heads:
        if not include_top:
            raise ValueError("aux_heads=True needs include_top=True. Received: include_top=False")
        names = {stage.name for stage in layout.stages}
        if "inception_4d" not in names:
            raise ValueError(
                "GoogLeNet's aux heads tap inception_4a and inception_4d, but "
                f"depth={depth:g} keeps only {sorted(n for n in names if n.startswith('incep'))}."
                " Use depth >= 0.7 with aux_heads=True."
            )
        aux = (
            auxiliary_head("aux_4a", "inception_4a", classes, width, classifier_activation),
            auxiliary_head("aux_4d", "inception_4d", classes, width, classifier_activation),
        )
    return layout.spec(
        "googlenet",
        default_input=224,
        min_input=32,
        classes=classes if include_top else None,
        aux_heads=aux,
    )
