"""Notebook 03's exercise: the depth of the path through the second auxiliary head."""

from __future__ import annotations

from inception_edu.analysis import parameter_depth
from inception_edu.exercises.checker import Close, Exercise
from inception_edu.i18n import N_, _
from inception_edu.spec.nodes import Sequence
from inception_edu.zoo import model_spec


def aux_path_depth(head: str = "aux_4d") -> int:
    """Layers with parameters from the input to the output of GoogLeNet's ``head``."""
    spec = model_spec("googlenet", aux_heads=True)
    aux = next(a for a in spec.aux_heads if a.name == head)
    stages = spec.stages[: spec.stage_names.index(aux.after) + 1]
    return parameter_depth(Sequence("path", stages)) + parameter_depth(aux.head)


AUX_4D_DEPTH = Exercise(
    question=N_(
        "how many layers with parameters lie on the path from the input image to the "
        "output of the second auxiliary classifier, aux_4d?"
    ),
    expected=aux_path_depth,
    hint=N_(
        "Count like the paper: only layers with parameters, along the longest path from "
        "the image to the head's output. Which modules lie below the tap of aux_4d, and how "
        "deep is each on its longest branch?"
    ),
    worked=lambda d: _(
        "3 (conv1, conv2 reduce, conv2) + 2 x 6 modules (3a, 3b, 4a, 4b, 4c, "
        "4d) + 3 (the head's 1x1 conv, fc and classifier) = {depth}."
    ).format(depth=d),
    right=lambda d: _(
        "Right: {depth}, against 22 for the main output: a shorter path for the "
        "gradient to the middle of the network."
    ).format(depth=d),
    close=(
        Close(N_("Close: that is the path to aux_4a. aux_4d sits three modules higher."), value=12),
        Close(
            N_(
                "Close: you counted the stem and modules; add the aux head's own three "
                "layers with parameters."
            ),
            value=15,
        ),
        Close(
            N_(
                "Close, but 22 is the main output's path, through all nine modules to the "
                "main classifier. aux_4d leaves the network after inception(4d): count only "
                "the modules up to there, then the head's own layers."
            ),
            value=22,
        ),
        Close(
            N_("Close: the pooling layers on the path have no parameters; do not count them."),
            value=21,
        ),
    ),
)
