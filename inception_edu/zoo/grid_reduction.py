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
:data:`inception_edu.zoo.inception_v4.REDUCTION_A_FILTERS`; :func:`reduction_a_filters`
reads them back from a block. What each strategy and each Reduction-A costs is measured in
:mod:`inception_edu.analysis.reduction_costs`.
"""

from __future__ import annotations

from inception_edu.spec.checks import check_choice, check_int
from inception_edu.spec.nodes import Concat, Sequence
from inception_edu.spec.ops import branch, conv_bn, max_pool, named
from inception_edu.spec.transforms import conv_paths
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS

__all__ = [
    "KERNELS",
    "LABELS",
    "LETTER_PATHS",
    "PAPER_EXAMPLE",
    "REDUCTION_A_MODELS",
    "STRATEGIES",
    "figure10_parallel",
    "figure9_conv_first",
    "figure9_pool_first",
    "paper_cost",
    "reduction_a_filters",
    "strategy",
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


def N_(label: str) -> str:
    """Marks ``label`` for the message catalog (``scripts/catalog.py`` reads ``N_``); it
    is translated where it is shown (``inception_edu.i18n._``). The zoo imports nothing of
    the package but its specs, so the marker is its own."""
    return label


#: How the course names them (tables, widget buttons, figures; shown in the reader's
#: language).
LABELS = {
    "pool_first": N_("pool → conv (Fig. 9 left)"),
    "conv_first": N_("conv → pool (Fig. 9 right)"),
    "parallel": N_("conv /2 ‖ pool /2 (Fig. 10)"),
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


def paper_cost(d: float, k: float) -> dict:
    """The paper's own estimates (section 5) for a d x d x k input: ``2 d² k²``
    multiply-adds for the stride-1 convolution with 2k filters on the full grid (one
    multiply-add per weight and position: a 1x1 kernel), ``2 (d/2)² k²`` after pooling."""
    return {"conv_first": 2 * d * d * k * k, "pool_first": 2 * (d / 2) ** 2 * k * k}


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
