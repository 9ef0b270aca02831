"""The analytic engine (shapes, parameters, multiply-adds of a spec, pure Python) and the
course's tables. Nothing here imports TensorFlow."""

from inception_edu.analysis.engine import (
    LayerRow,
    ModelSummary,
    NodeSummary,
    analyze,
    analyze_model,
    default_input_shape,
    parameter_depth,
)
from inception_edu.analysis.tables import Table, blocks_table, fmt_count, fmt_macs, fmt_shape

__all__ = [
    "LayerRow",
    "ModelSummary",
    "NodeSummary",
    "Table",
    "analyze",
    "analyze_model",
    "blocks_table",
    "default_input_shape",
    "fmt_count",
    "fmt_macs",
    "fmt_shape",
    "parameter_depth",
]
