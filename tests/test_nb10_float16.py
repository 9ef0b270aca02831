"""Notebook 10, section 4: on a CPU, float16 arithmetic is not the several-fold gain that
Tensor Cores give (the notebook's checked print: "float16 at least twice as fast as
float32 on this CPU, as on Tensor Cores: False").

The same measurement as the notebook: one 3x3 convolution of 32 images, 35x35x64 to 64
channels, on the CPU, in float16 and in float32, the fastest of five tries each. Other
work on the machine only slows a try down, and the claim is a factor of two away from
what a CPU does, so the comparison does not depend on the machine's load.
"""

import timeit
from functools import partial

from inception_edu.backend import tf


def test_float16_is_not_twice_as_fast_as_float32_on_the_cpu():
    images, weights = tf.random.normal((32, 35, 35, 64)), tf.random.normal((3, 3, 64, 64))
    per_conv = {}
    with tf.device("/CPU:0"):
        for dtype in (tf.float16, tf.float32):
            conv = partial(
                tf.nn.conv2d,
                tf.cast(images, dtype),
                tf.cast(weights, dtype),
                strides=1,
                padding="SAME",
            )
            conv()  # the first call picks the kernels
            per_conv[dtype.name] = min(timeit.repeat(conv, number=3, repeat=5)) / 3
    assert per_conv["float16"] > per_conv["float32"] / 2, per_conv
