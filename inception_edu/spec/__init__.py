"""Blocks and models as data: the spec types, their argument checks and their transforms.

See :mod:`inception_edu.spec.nodes` for the types, :mod:`inception_edu.spec.ops` for the
small constructors the papers' blocks are written with, and
:mod:`inception_edu.spec.transforms` for the edits the widgets make.
"""

from inception_edu.spec.checks import check_input_shape
from inception_edu.spec.nodes import (
    NODE_TYPES,
    OP_TYPES,
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
    Section,
    Sequence,
    children,
    ops_of,
)

__all__ = [
    "NODE_TYPES",
    "OP_TYPES",
    "AuxHead",
    "Concat",
    "Conv",
    "Dense",
    "Dropout",
    "Flatten",
    "GlobalPool",
    "ModelSpec",
    "Pool",
    "Residual",
    "Section",
    "Sequence",
    "check_input_shape",
    "children",
    "ops_of",
]
