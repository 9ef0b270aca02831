"""Course-sized networks for the training experiments: one module on a small input.

The recipe notebooks (06, and the experiments that compare training choices) need a
network that trains in seconds on a 2-core CPU, several seeds at a time. Tracing a
training step costs time in proportion to the number of layers, so these networks keep
the family's own block, once: a 3x3 stem, one module, global average pooling and a
classifier. They are specs like every model of the zoo, so they are counted, drawn and
built the same way.
"""

from __future__ import annotations

from inception_edu.spec.checks import check_choice, check_int, check_multiplier
from inception_edu.spec.ops import classifier_head, conv_bn, named, scaled
from inception_edu.zoo import inception_v3
from inception_edu.zoo.layout import Layout

__all__ = ["mini_inception_v3_spec"]


def mini_inception_v3_spec(
    classes: int = 10,
    input_size: int = 8,
    width: float = 0.125,
    classifier_activation: str | None = None,
):
    """A 3x3 conv + batch-norm stem, one Inception-v3 35x35 module (Figure 5, as released),
    global average pooling and a classifier (logits by default, for label smoothing and
    temperature scaling): the v3 recipe's test bed (notebook 06).

    ``width`` multiplies the stem's 64 filters and the module's; the module keeps v3's
    batch-normalised convolutions, which the short runs need to learn quickly.
    """
    classes = check_int(classes, "classes", 2)
    input_size = check_int(input_size, "input_size", 4)
    width = check_multiplier(width, "width")
    check_choice(classifier_activation, ("softmax", None), "classifier_activation")

    def w(filters):
        return scaled(filters, width)

    layout = (
        Layout()
        .add("stem", [named(conv_bn(w(64), 3), "stem_3x3")])
        .add("Inception-A", [inception_v3.inception_a("mixed_a", 32, w)])
        .add("classifier", classifier_head(classes, None, classifier_activation))
    )
    return layout.spec("mini_inception_v3", default_input=input_size, min_input=4, classes=classes)
