"""Inception-v2/v3: Szegedy et al., "Rethinking the Inception Architecture", 2015.

The graph is the released one (``keras.applications.InceptionV3``, tf-slim), block for
block: the stem of Table 1 (three 3x3 convs where GoogLeNet had a 7x7, section 3.1), the
35x35 modules of Figure 5, the grid reductions of Figure 10, the 17x17 modules of
Figure 6 (n = 7) and the 8x8 modules of Figure 7, plus the batch-normalised auxiliary
head. Inception-v2 is the same graph without the v3 recipe (section 8). Blocks carry
tf-slim's names (``mixed_5b`` ... ``mixed_7c``); :data:`KERAS_MIXED` maps Keras'
``mixed0`` ... ``mixed10`` to them.
"""

from __future__ import annotations

from dataclasses import replace

from inception_edu.spec.checks import check_choice, check_flag, check_model_args
from inception_edu.spec.nodes import (
    AuxHead,
    Concat,
    Dense,
    Flatten,
    Pool,
    Sequence,
)
from inception_edu.spec.ops import (
    avg_pool,
    branch,
    classifier_head,
    conv_bn,
    max_pool,
    named,
    repeats,
    scaled,
    split_1x3_3x1,
)
from inception_edu.zoo.layout import Layout
from inception_edu.zoo.registry import register

#: Keras' names of v3's blocks (``keras.applications.InceptionV3``) -> ours (tf-slim's).
KERAS_MIXED = {
    "mixed0": "mixed_5b",
    "mixed1": "mixed_5c",
    "mixed2": "mixed_5d",
    "mixed3": "mixed_6a",
    "mixed4": "mixed_6b",
    "mixed5": "mixed_6c",
    "mixed6": "mixed_6d",
    "mixed7": "mixed_6e",
    "mixed8": "mixed_7a",
    "mixed9": "mixed_7b",
    "mixed10": "mixed_7c",
}


def _identity(filters: int) -> int:
    return filters


def stem(w=_identity) -> list:
    """v3's stem (Table 1 rows 1-7): 299x299x3 -> 35x35x192.

    Three 3x3 convs replace GoogLeNet's 7x7 (section 3.1), then pooling and 1x1/3x3 convs.
    """
    return [
        named(conv_bn(w(32), 3, 2, "valid"), "conv2d_1a_3x3"),  # 149 x 149 x 32
        named(conv_bn(w(32), 3, 1, "valid"), "conv2d_2a_3x3"),  # 147 x 147 x 32
        named(conv_bn(w(64), 3), "conv2d_2b_3x3"),  # 147 x 147 x 64
        named(max_pool(3, 2, "valid"), "max_pool_3a_3x3"),  # 73 x 73 x 64
        named(conv_bn(w(80), 1, 1, "valid"), "conv2d_3b_1x1"),  # 73 x 73 x 80
        named(conv_bn(w(192), 3, 1, "valid"), "conv2d_4a_3x3"),  # 71 x 71 x 192
        named(max_pool(3, 2, "valid"), "max_pool_5a_3x3"),  # 35 x 35 x 192
    ]


def inception_a(name: str, pool_proj: int, w=_identity) -> Concat:
    """v3's 35x35 module as released (Figure 5: the 5x5 factorised into two 3x3).

    Departure from the figure, kept by every released v3 (tf-slim, Keras): besides the
    two-3x3 branch there is also a 1x1 -> 5x5 branch (48 -> 64 filters).
    """
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(64), 1)),
            branch("b2", conv_bn(w(48), 1), conv_bn(w(64), 5)),
            branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
            branch("b4", avg_pool(3, 1), conv_bn(w(pool_proj), 1)),
        ),
    )


def reduction_a(name: str, w=_identity) -> Concat:
    """v3's 35x35 -> 17x17 grid reduction (Figure 10): parallel stride-2 conv and pool."""
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(384), 3, 2, "valid")),
            branch("b2", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3, 2, "valid")),
            branch("b3", max_pool(3, 2, "valid")),
        ),
    )


def inception_b(name: str, c7: int, w=_identity) -> Concat:
    """v3's 17x17 module (Figure 6, n = 7): 7x7 convs factorised into 1x7 and 7x1."""
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(192), 1)),
            branch("b2", conv_bn(w(c7), 1), conv_bn(w(c7), (1, 7)), conv_bn(w(192), (7, 1))),
            branch(
                "b3",
                conv_bn(w(c7), 1),
                conv_bn(w(c7), (7, 1)),
                conv_bn(w(c7), (1, 7)),
                conv_bn(w(c7), (7, 1)),
                conv_bn(w(192), (1, 7)),
            ),
            branch("b4", avg_pool(3, 1), conv_bn(w(192), 1)),
        ),
    )


def reduction_b(name: str, w=_identity) -> Concat:
    """v3's 17x17 -> 8x8 grid reduction (as in the released model)."""
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(192), 1), conv_bn(w(320), 3, 2, "valid")),
            branch(
                "b2",
                conv_bn(w(192), 1),
                conv_bn(w(192), (1, 7)),
                conv_bn(w(192), (7, 1)),
                conv_bn(w(192), 3, 2, "valid"),
            ),
            branch("b3", max_pool(3, 2, "valid")),
        ),
    )


def inception_c(name: str, w=_identity) -> Concat:
    """v3's 8x8 module (Figure 7): expanded filter banks, 1x3 and 3x1 side by side."""
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(320), 1)),
            branch("b2", conv_bn(w(384), 1), split_1x3_3x1(w(384))),
            branch("b3", conv_bn(w(448), 1), conv_bn(w(384), 3), split_1x3_3x1(w(384))),
            branch("b4", avg_pool(3, 1), conv_bn(w(192), 1)),
        ),
    )


def auxiliary_head(
    after: str, classes: int, w=_identity, activation: str | None = "softmax"
) -> AuxHead:
    """v3's auxiliary classifier on the 17x17x768 map, batch-normalised ("BN-auxiliary").

    As tf-slim: 5x5/3 average pool, 1x1 conv 128, a 5x5 "valid" conv with 768 filters
    (the fully connected layer, as a conv), then the classifier. Below 299x299 the pool and
    the 5x5 shrink to the grid (``fit=True``), as tf-slim's do.
    """
    return AuxHead(
        "aux",
        after,
        Sequence(
            "aux",
            (
                Pool("pool", "avg", 5, 3, "valid", fit=True),
                named(conv_bn(w(128), 1), "1x1"),
                replace(conv_bn(w(768), 5, 1, "valid"), name="5x5", fit=True),
                Flatten("flatten"),
                Dense("classifier", classes, activation),
            ),
        ),
    )


def _lettered(grid: int, index: int) -> str:
    """tf-slim's block names: mixed_5b, mixed_5c, ... (the 'a' is the reduction)."""
    return f"mixed_{grid}{chr(98 + index)}"


@register(
    "inception_v3",
    label="Inception-v3",
    year=2015,
    aliases=("inception_v2", "InceptionV3"),  # v2: the same graph, without the v3 recipe
    builder_doc="""Inception-v3 (Szegedy et al. 2015) as ``keras.applications.InceptionV3``.

    At full size it has exactly Keras' parameter count and the same shape at every
    ``mixed0..mixed10`` (our ``mixed_5b..mixed_7c``). Minimum input 75x75.
    ``aux_head=True`` adds the batch-normalised auxiliary classifier on ``mixed_6e`` and
    returns ``{"main", "aux"}``. Other options as :func:`googlenet`.
    """,
)
def inception_v3_spec(
    classes: int = 1000,
    include_top: bool = True,
    width: float = 1.0,
    depth: float = 1.0,
    aux_head: bool = False,
    classifier_activation: str | None = "softmax",
):
    """Inception-v3 as released (``keras.applications.InceptionV3``, tf-slim).

    Head: global average pool, dropout 0.2 (tf-slim's keep 0.8; Keras omits it: no
    parameters either way), classifier. ``depth`` scales the 3 x 35x35, 4 x 17x17 and
    2 x 8x8 modules; the 17x17 modules' 7x7 width goes 128, 160..., 192 as released.
    """
    classes, width, depth = check_model_args(
        classes, include_top, width, depth, classifier_activation
    )
    check_flag(aux_head, "aux_head")

    def w(filters):
        return scaled(filters, width)

    count_a, count_b, count_c = repeats(3, depth), repeats(4, depth), repeats(2, depth)
    c7s = [128] + [160] * (count_b - 2) + [192] if count_b > 1 else [128]
    layout = (
        Layout()
        .add("stem", stem(w))
        .add(
            "Inception-A (35x35)",
            [inception_a(_lettered(5, i), 32 if i == 0 else 64, w) for i in range(count_a)],
            repeated=True,
        )
        .add("Reduction-A", [reduction_a("mixed_6a", w)])
        .add(
            "Inception-B (17x17)",
            [inception_b(_lettered(6, i), c7, w) for i, c7 in enumerate(c7s)],
            repeated=True,
        )
        .add("Reduction-B", [reduction_b("mixed_7a", w)])
        .add(
            "Inception-C (8x8)",
            [inception_c(_lettered(7, i), w) for i in range(count_c)],
            repeated=True,
        )
    )
    if include_top:
        layout.add("classifier", classifier_head(classes, 0.2, classifier_activation))
    aux = ()
    if aux_head:
        if not include_top:
            raise ValueError("aux_head=True needs include_top=True. Received: include_top=False")
        aux = (auxiliary_head(_lettered(6, count_b - 1), classes, w, classifier_activation),)
    return layout.spec(
        "inception_v3",
        default_input=299,
        min_input=75,
        classes=classes if include_top else None,
        aux_heads=aux,
    )


# --------------------------------------------------------------------------- the paper's
# Figure 5 and Table 1, beside the released graph above (notebook 04)


def inception_a_figure5(name: str, pool_proj: int, w=_identity) -> Concat:
    """The paper's Figure 5 as drawn: GoogLeNet's module with its 5x5 replaced by two 3x3.

    Four branches: a 1x1; a 1x1 then a 3x3; a 1x1 then two 3x3 (the factorized 5x5); an
    average pool then a 1x1. The released module (:func:`inception_a`) has a 5x5 in place
    of the second branch's 3x3, which the figure does not have.

    Filter counts: the paper gives none for Figure 5. These are the released module's
    (64; 48 -> 64; 64 -> 96 -> 96; pool_proj), so the two modules differ in exactly one
    kernel (the 48 -> 64 convolution: 3x3 here, 5x5 there) and give the same outputs:
    35x35x256 with ``pool_proj=32``, 35x35x288 with 64, the 288 of Table 1.
    """
    return Concat(
        name,
        (
            branch("b1", conv_bn(w(64), 1)),
            branch("b2", conv_bn(w(48), 1), conv_bn(w(64), 3)),
            branch("b3", conv_bn(w(64), 1), conv_bn(w(96), 3), conv_bn(w(96), 3)),
            branch("b4", avg_pool(3, 1), conv_bn(w(pool_proj), 1)),
        ),
    )


#: Table 1 of the paper ("the outline of the proposed network architecture"), as both
#: seeds print it (seed 001's text; seed 000 prints the same cells in LaTeX): type, patch
#: size / stride or remarks, input size.
TABLE1 = (
    ("conv", "3x3 / 2", "299x299x3"),
    ("conv", "3x3 / 1", "149x149x32"),
    ("conv padded", "3x3 / 1", "147x147x32"),
    ("pool", "3x3 / 2", "147x147x64"),
    ("conv", "3x3 / 1", "73x73x64"),
    ("conv", "3x3 / 2", "71x71x80"),
    ("conv", "3x3 / 1", "35x35x192"),
    ("3xInception", "As in figure 5", "35x35x288"),
    ("5xInception", "As in figure 6", "17x17x768"),
    ("2xInception", "As in figure 7", "8x8x1280"),
    ("pool", "8x8", "8x8x2048"),
    ("linear", "logits", "1x1x2048"),
    ("softmax", "classifier", "1x1x1000"),
)

#: What each Table 1 row stands for in the built graph, in order: the stem's seven stages
#: one for one, then the modules (a string names a section of the spec: all its stages),
#: then the classifier. The grid reductions (mixed_6a, mixed_7a) and the dropout are no row
#: of the table: its caption puts "variations of [the] reduction technique" of Figure 10
#: between the Inception blocks.
TABLE1_STAGES = (
    ("conv2d_1a_3x3",),
    ("conv2d_2a_3x3",),
    ("conv2d_2b_3x3",),
    ("max_pool_3a_3x3",),
    ("conv2d_3b_1x1",),
    ("conv2d_4a_3x3",),
    ("max_pool_5a_3x3",),
    "Inception-A (35x35)",
    "Inception-B (17x17)",
    "Inception-C (8x8)",
    ("avg_pool",),
    ("classifier",),
    ("classifier",),
)


def table1_stages(spec=None) -> tuple:
    """:data:`TABLE1_STAGES` with each section resolved to its stages in ``spec``
    (default: the released v3: mixed_5b to mixed_5d, mixed_6b to mixed_6e, ...)."""
    spec = inception_v3_spec() if spec is None else spec
    titles = {section.title: section.stages for section in spec.sections}
    return tuple(titles[entry] if isinstance(entry, str) else entry for entry in TABLE1_STAGES)


def figure_module(figure: int) -> Concat:
    """The module of the paper's Figure 5, 6 (n = 7) or 7, as the course builds it."""
    check_choice(figure, (5, 6, 7), "figure")
    return {
        5: inception_a_figure5("figure_5", 64),
        6: inception_b("figure_6", 192),
        7: inception_c("figure_7"),
    }[figure]
