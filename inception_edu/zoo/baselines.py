"""The comparison networks of claim C03: AlexNet (one tower and grouped) and VGG-16."""

from __future__ import annotations

from dataclasses import replace

from inception_edu.spec.checks import check_choice, check_int
from inception_edu.spec.nodes import Dense, Dropout, Flatten
from inception_edu.spec.ops import conv_relu, max_pool, named
from inception_edu.zoo.layout import Layout

ALEXNET_VARIANTS = ("one_tower", "grouped")

#: The layers the original AlexNet splits into two groups (each sees half its input).
ALEXNET_GROUPED_LAYERS = ("conv2", "conv4", "conv5")


def alexnet_spec(classes: int = 1000, variant: str = "one_tower"):
    """AlexNet (Krizhevsky et al. 2012), 227x227 input, for parameter comparisons (C03).

    ``variant="one_tower"``: every convolution sees all input channels, as most re-
    implementations do. ``variant="grouped"``: the original two-GPU network, where conv2,
    conv4 and conv5 are split into two groups, each group seeing half the input channels
    (so each of their kernels is half as deep): 60,965,224 parameters. Local response
    normalisation has no parameters and is left out.
    """
    classes = check_int(classes, "classes", 1)
    check_choice(variant, ALEXNET_VARIANTS, "variant")
    stages = [
        named(conv_relu(96, 11, 4, "valid"), "conv1"),
        named(max_pool(3, 2, "valid"), "pool1"),
        named(conv_relu(256, 5), "conv2"),
        named(max_pool(3, 2, "valid"), "pool2"),
        named(conv_relu(384, 3), "conv3"),
        named(conv_relu(384, 3), "conv4"),
        named(conv_relu(256, 3), "conv5"),
        named(max_pool(3, 2, "valid"), "pool5"),
    ]
    if variant == "grouped":
        stages = [replace(s, groups=2) if s.name in ALEXNET_GROUPED_LAYERS else s for s in stages]
    head = [
        Flatten("flatten"),
        Dense("fc6", 4096, "relu"),
        Dropout("drop6", 0.5),
        Dense("fc7", 4096, "relu"),
        Dropout("drop7", 0.5),
        Dense("fc8", classes, "softmax"),
    ]
    return (
        Layout()
        .add("features", stages)
        .add("classifier", head)
        .spec(
            f"alexnet_{variant}" if variant != "one_tower" else "alexnet",
            default_input=227,
            min_input=227,
            classes=classes,
        )
    )


def vgg16_spec(classes: int = 1000):
    """VGG-16 (Simonyan & Zisserman 2014, configuration D), as ``keras.applications.VGG16``."""
    classes = check_int(classes, "classes", 1)
    layout = Layout()
    for group, (filters, convs) in enumerate([(64, 2), (128, 2), (256, 3), (512, 3), (512, 3)]):
        layout.add(
            f"block {group + 1}",
            [named(conv_relu(filters, 3), f"block{group + 1}_conv{i + 1}") for i in range(convs)]
            + [named(max_pool(2, 2, "valid"), f"block{group + 1}_pool")],
        )
    layout.add(
        "classifier",
        [
            Flatten("flatten"),
            Dense("fc1", 4096, "relu"),
            Dense("fc2", 4096, "relu"),
            Dense("predictions", classes, "softmax"),
        ],
    )
    return layout.spec("vgg16", default_input=224, min_input=32, classes=classes)
