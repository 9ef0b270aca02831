"""Grid-size reduction: Szegedy et al. 2015, "Rethinking the Inception Architecture",
section 5 ("Efficient Grid Size Reduction"), Figures 9 and 10; and the reduction modules
of v3 and v4 (the v4 paper's Figure 7 and Table 1).

The paper's question: from a d x d grid with k channels to a d/2 x d/2 grid with 2k
channels, where should the pooling go?

- :func:`figure9_pool_first` (Figure 9, left): pool, then the expanding layer. Cheap,
  but the whole representation passes through a (d/2)^2 k "representational bottleneck";
- :func:`figure9_conv_first` (Figure 9, right): the expanding layer on the full grid, then
  pool: no bottleneck, about 4 times the multiply-adds;
- :func:`figure10_parallel` (Figure 10, right): a stride-2 convolution with k filters
  beside a stride-2 pool, concatenated: 2k channels, no bottleneck, and cheaper still.

As in the paper's cost argument (and as seed 001 says: "Inception을 Convolution으로
생각해도 상관없다", one may think of the Inception module as a convolution), the expanding
layer is one convolution with 2k filters. Pooling is 3x3 max pooling with stride 2 and
"valid" padding, as in v3 and in the paper's example (35x35x320 -> 17x17x640), so a d x d
grid becomes (d - 3) // 2 + 1, not exactly d/2: for d = 35 the quarter is 17^2/35^2.

Reduction-A's filter counts k, l, m, n per network are the v4 paper's Table 1,
:data:`inception_edu.zoo.inception_v4.REDUCTION_A_FILTERS`; :func:`reduction_a_rows` reads
each network's Reduction-A stage back from its spec, with the shapes it gives.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.analysis import Table, analyze, analyze_model, fmt_count, fmt_shape
from inception_edu.spec.checks import check_choice, check_input_shape, check_int
from inception_edu.spec.nodes import Concat, Sequence
from inception_edu.spec.ops import branch, conv_bn, max_pool, named
from inception_edu.spec.transforms import conv_paths
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS
from inception_edu.zoo.registry import MODEL_LABELS, model_spec

__all__ = [
    "KERNELS",
    "LABELS",
    "LETTER_PATHS",
    "MODEL_LABELS",
    "PAPER_EXAMPLE",
    "REDUCTION_A_MODELS",
    "STRATEGIES",
    "ReductionARow",
    "StrategyCost",
    "compare_strategies",
    "figure10_parallel",
    "figure9_conv_first",
    "figure9_pool_first",
    "paper_cost",
    "reduction_a_filters",
    "reduction_a_rows",
    "reduction_a_table",
    "stages_table",
    "strategy",
    "strategy_table",
]

#: The paper's example (section 5, Figures 9 and 10): 35x35x320 -> 17x17x640.
PAPER_EXAMPLE = (35, 35, 320)

#: Kernel sizes the expanding convolution of Figure 9 may have (1: the paper's 2d²k²).
KERNELS = (1, 3, 5)


def _check_channels(channels) -> int:
    return check_int(channels, "channels", 1)


def _pool():
    return named(max_pool(3, 2, "valid"), "pool_3x3_s2")


def figure9_pool_first(channels: int, kernel: int = 3, name: str = "pool_first") -> Sequence:
    """Figure 9, left: a 3x3/2 max pool, then a ``kernel`` x ``kernel`` convolution with
    ``2 * channels`` filters on the pooled grid (the cheap order, with a bottleneck)."""
    channels = _check_channels(channels)
    check_choice(kernel, KERNELS, "kernel")
    return Sequence(
        name, (_pool(), named(conv_bn(2 * channels, kernel), f"conv_{kernel}x{kernel}"))
    )


def figure9_conv_first(channels: int, kernel: int = 3, name: str = "conv_first") -> Sequence:
    """Figure 9, right: a ``kernel`` x ``kernel`` convolution with ``2 * channels``
    filters on the full grid, then a 3x3/2 max pool (no bottleneck, the costly order)."""
    channels = _check_channels(channels)
    check_choice(kernel, KERNELS, "kernel")
    return Sequence(
        name, (named(conv_bn(2 * channels, kernel), f"conv_{kernel}x{kernel}"), _pool())
    )


def figure10_parallel(channels: int, name: str = "parallel") -> Concat:
    """Figure 10, right: a 3x3/2 "valid" convolution with ``channels`` filters beside a
    3x3/2 max pool, concatenated: ``2 * channels`` out, both branches on the full grid."""
    channels = _check_channels(channels)
    return Concat(
        name,
        (branch("conv", conv_bn(channels, 3, 2, "valid")), branch("pool", max_pool(3, 2, "valid"))),
    )


#: The three strategies, in the paper's order: name -> spec function of the channels.
STRATEGIES = {
    "pool_first": figure9_pool_first,
    "conv_first": figure9_conv_first,
    "parallel": figure10_parallel,
}

#: How the course names them (tables, widget buttons, figures).
LABELS = {
    "pool_first": "pool → conv (Fig. 9 left)",
    "conv_first": "conv → pool (Fig. 9 right)",
    "parallel": "conv /2 ‖ pool /2 (Fig. 10)",
}


def strategy(name: str, channels: int, kernel: int = 3, node_name: str | None = None):
    """The spec of strategy ``name`` (a key of :data:`STRATEGIES`) for ``channels`` in,
    called ``node_name`` (default: ``name``).

    ``kernel`` is the expanding convolution's size in Figure 9's two orders; Figure 10's
    strided convolution is always 3x3, the pool's window, so both branches give one grid.
    """
    check_choice(name, tuple(STRATEGIES), "strategy")
    node_name = name if node_name is None else node_name
    if name == "parallel":
        return figure10_parallel(channels, name=node_name)
    return STRATEGIES[name](channels, kernel, name=node_name)


@dataclass(frozen=True)
class StrategyCost:
    """One strategy on one input: what comes out, what it costs, and the smallest
    representation the whole input passes through on the way (``narrowest``, the
    number of values of the smallest full map between input and output)."""

    name: str
    input_shape: tuple
    output_shape: tuple
    narrowest_shape: tuple
    params: int
    macs: int

    @property
    def narrowest(self) -> int:
        h, w, c = self.narrowest_shape
        return h * w * c

    @property
    def output_values(self) -> int:
        h, w, c = self.output_shape
        return h * w * c


def _cost(name: str, node, input_shape) -> StrategyCost:
    summary = analyze(node, input_shape)
    rows = {row.name: row for row in summary.layers}
    if isinstance(node, Sequence):  # the full map after each step
        maps = [rows[f"{node.name}_{op.name}"].output_shape for op in node.ops]
    else:  # parallel branches: only their concatenation is the whole representation
        maps = [summary.output_shape]
    narrowest = min(maps, key=lambda s: s[0] * s[1] * s[2])
    return StrategyCost(
        name, summary.input_shape, summary.output_shape, narrowest, summary.params, summary.macs
    )


def compare_strategies(input_shape=PAPER_EXAMPLE, kernel: int = 3) -> dict:
    """``{name: StrategyCost}`` of the three strategies on ``input_shape`` (d, d, k).

    Each maps k channels to 2k and the d x d grid to (d - 3) // 2 + 1 (3x3/2 pooling,
    "valid"); a grid under 3x3 has nothing to reduce (``ValueError``).
    """
    shape = check_input_shape(input_shape, 3, "a 3x3/2 grid reduction")
    return {name: _cost(name, strategy(name, shape[2], kernel), shape) for name in STRATEGIES}


def paper_cost(d: float, k: float) -> dict:
    """The paper's own estimates (section 5) for a d x d x k input: ``2 d² k²``
    multiply-adds for the stride-1 convolution with 2k filters on the full grid (one
    multiply-add per weight and position: a 1x1 kernel), ``2 (d/2)² k²`` after pooling."""
    return {"conv_first": 2 * d * d * k * k, "pool_first": 2 * (d / 2) ** 2 * k * k}


def strategy_table(costs: dict, title: str = "") -> Table:
    """The strategies side by side: output, narrowest map, parameters, multiply-adds, and
    each one's multiply-adds over pool → conv's (the seed's "about 4x")."""
    base = costs["pool_first"].macs
    rows = tuple(
        (
            LABELS[name],
            fmt_shape(c.output_shape),
            fmt_shape(c.narrowest_shape),
            fmt_count(c.narrowest),
            fmt_count(c.params),
            fmt_count(c.macs),
            f"{c.macs / base:.2f}x",
        )
        for name, c in costs.items()
    )
    return Table(
        (
            "strategy",
            "output",
            "narrowest map",
            "values",
            "parameters",
            "multiply-adds",
            "vs pool → conv",
        ),
        rows,
        title,
    )


# --------------------------------------------------------------------------- Reduction-A

#: The networks that share Reduction-A (the v4 paper's Table 1), in the table's order.
REDUCTION_A_MODELS = tuple(REDUCTION_A_FILTERS)


#: Where each letter sits in :func:`~inception_edu.zoo.inception_v4.reduction_a`.
LETTER_PATHS = {
    "k": ("b2", "0a_1x1"),
    "l": ("b2", "0b_3x3"),
    "m": ("b2", "0c_3x3"),
    "n": ("b1", "0a_3x3"),
}


def reduction_a_filters(block) -> tuple:
    """``(k, l, m, n)`` read back from a Reduction-A block's convolutions."""
    convs = dict(conv_paths(block))
    missing = [path for path in LETTER_PATHS.values() if path not in convs]
    if missing:
        raise ValueError(
            f"{getattr(block, 'name', block)!r} is not a Reduction-A block: no conv at {missing}"
        )
    return tuple(convs[LETTER_PATHS[letter]].filters for letter in "klmn")


@dataclass(frozen=True)
class ReductionARow:
    """Reduction-A as one network builds it: its k, l, m, n, shapes and costs."""

    model: str
    filters: tuple
    input_shape: tuple
    output_shape: tuple
    params: int
    macs: int


def reduction_a_rows(input_size: int | None = None) -> list:
    """One :class:`ReductionARow` per network of Table 1, read from the network's own
    spec (its ``reduction_a`` stage) on a ``input_size`` x ``input_size`` image
    (``None``: the paper's 299)."""
    rows = []
    for model in REDUCTION_A_MODELS:
        spec = model_spec(model)
        shape = (
            None if input_size is None else (check_int(input_size, "input_size", 75), input_size, 3)
        )
        block = analyze_model(spec, shape).block("reduction_a")
        rows.append(
            ReductionARow(
                model,
                reduction_a_filters(spec.stage("reduction_a")),
                block.input_shape,
                block.output_shape,
                block.params,
                block.macs,
            )
        )
    return rows


def reduction_a_table(rows=None) -> Table:
    """Table 1 of the v4 paper with the shapes and costs each network's k, l, m, n give."""
    rows = reduction_a_rows() if rows is None else rows
    return Table(
        ("network", "k", "l", "m", "n", "input", "output", "parameters", "multiply-adds"),
        tuple(
            (
                MODEL_LABELS[r.model],
                *r.filters,
                fmt_shape(r.input_shape),
                fmt_shape(r.output_shape),
                fmt_count(r.params),
                fmt_count(r.macs),
            )
            for r in rows
        ),
        "Reduction-A (v4 paper, Figure 7 and Table 1)",
    )


def stages_table(pairs, title: str = "", input_size: int | None = None) -> Table:
    """Named stages of the course's networks side by side: ``pairs`` of (model, stage),
    e.g. ``[("inception_v3", "mixed_6a"), ("inception_v4", "reduction_b")]``, each with
    its input, output, parameters and multiply-adds on the paper's 299x299 image (or
    ``input_size``)."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError("stages_table needs (model, stage) pairs. Received: []")
    summaries, rows = {}, []
    for model, stage in pairs:
        if model not in summaries:
            shape = (
                None
                if input_size is None
                else (check_int(input_size, "input_size", 75), input_size, 3)
            )
            summaries[model] = analyze_model(model_spec(model), shape)
        block = summaries[model].block(stage)
        label = MODEL_LABELS.get(model, model)
        rows.append(
            (
                label,
                stage,
                fmt_shape(block.input_shape),
                fmt_shape(block.output_shape),
                fmt_count(block.params),
                fmt_count(block.macs),
            )
        )
    return Table(
        ("network", "stage", "input", "output", "parameters", "multiply-adds"),
        tuple(rows),
        title,
        left=2,
    )
