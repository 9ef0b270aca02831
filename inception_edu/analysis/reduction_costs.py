"""What grid reductions cost: the strategies of :mod:`inception_edu.zoo.grid_reduction`
measured (Szegedy et al. 2015, "Rethinking the Inception Architecture", section 5,
Figures 9 and 10), Reduction-A across the networks of the v4 paper's Table 1, and named
stages of the course's networks side by side (notebooks 05 and 08).

- :func:`compare_strategies` and :func:`strategy_table`: the three ways from d x d x k to
  a smaller grid with 2k channels, their output, narrowest map, parameters and
  multiply-adds (the paper's own estimates are
  :func:`~inception_edu.zoo.grid_reduction.paper_cost`);
- :func:`reduction_a_rows` and :func:`reduction_a_table`: each network's Reduction-A stage
  read back from its spec, with the shapes and costs its k, l, m, n give;
- :func:`stages_table`: any (network, stage) pairs, e.g. the grid reductions of v3 and v4.
"""

from __future__ import annotations

from dataclasses import dataclass

from inception_edu.analysis.engine import analyze, analyze_model
from inception_edu.analysis.tables import Table, fmt_count, fmt_shape
from inception_edu.i18n import _
from inception_edu.spec.checks import check_input_shape, check_int
from inception_edu.spec.nodes import Sequence
from inception_edu.zoo.grid_reduction import (
    LABELS,
    PAPER_EXAMPLE,
    REDUCTION_A_MODELS,
    STRATEGIES,
    reduction_a_filters,
    strategy,
)
from inception_edu.zoo.registry import MODEL_LABELS, model_spec

__all__ = [
    "ReductionARow",
    "StrategyCost",
    "compare_strategies",
    "reduction_a_rows",
    "reduction_a_table",
    "stages_table",
    "strategy_table",
]


# --------------------------------------------------------------------------- Figures 9-10


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
    shape = check_input_shape(input_shape, 3, _("a 3x3/2 grid reduction"))
    return {name: _cost(name, strategy(name, shape[2], kernel), shape) for name in STRATEGIES}


def strategy_table(costs: dict, title: str = "") -> Table:
    """The strategies side by side: output, narrowest map, parameters, multiply-adds, and
    each one's multiply-adds over pool → conv's (the seed's "about 4x")."""
    base = costs["pool_first"].macs
    rows = tuple(
        (
            _(LABELS[name]),
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
            _("strategy"),
            _("output"),
            _("narrowest map"),
            _("values"),
            _("parameters"),
            _("multiply-adds"),
            _("vs pool → conv"),
        ),
        rows,
        title,
    )


# --------------------------------------------------------------------------- Reduction-A


def _input_shape(input_size: int | None):
    """A square RGB input of side ``input_size`` (``None``: the network's own, 299)."""
    return None if input_size is None else (check_int(input_size, "input_size", 75), input_size, 3)


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
        block = analyze_model(spec, _input_shape(input_size)).block("reduction_a")
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
        (
            _("network"),
            "k",
            "l",
            "m",
            "n",
            _("input"),
            _("output"),
            _("parameters"),
            _("multiply-adds"),
        ),
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
        _("Reduction-A (v4 paper, Figure 7 and Table 1)"),
    )


# --------------------------------------------------------------------------- any stages


def stages_table(pairs, title: str = "", input_size: int | None = None) -> Table:
    """Named stages of the course's networks side by side: ``pairs`` of (model, stage),
    e.g. ``[("inception_v3", "mixed_6a"), ("inception_v4", "reduction_b")]``, each with
    its input, output, parameters and multiply-adds on the paper's 299x299 image (or
    ``input_size``)."""
    pairs = list(pairs)
    if not pairs:
        raise ValueError(_("stages_table needs (model, stage) pairs. Received: []"))
    summaries, rows = {}, []
    for model, stage in pairs:
        if model not in summaries:
            summaries[model] = analyze_model(model_spec(model), _input_shape(input_size))
        block = summaries[model].block(stage)
        rows.append(
            (
                MODEL_LABELS.get(model, model),
                stage,
                fmt_shape(block.input_shape),
                fmt_shape(block.output_shape),
                fmt_count(block.params),
                fmt_count(block.macs),
            )
        )
    return Table(
        (
            _("network"),
            _("stage"),
            _("input"),
            _("output"),
            _("parameters"),
            _("multiply-adds"),
        ),
        tuple(rows),
        title,
        left=2,
    )
