"""Import TensorFlow and Keras once, without TensorFlow's C++ start-up lines.

On import, TensorFlow's C++ core writes INFO lines (oneDNN, CPU instruction sets) straight
to file descriptor 2 before its logging is configured, so ``TF_CPP_MIN_LOG_LEVEL`` cannot
stop them. In a notebook they would land in a cell's output with a timestamp, which is
noise for a learner and breaks nbval's comparison. We point descriptor 2 at /dev/null for
the duration of the import only; Python exceptions and later warnings are unaffected.
Every module of the package that needs Keras imports it from here.
"""

import contextlib
import logging
import os
import sys


@contextlib.contextmanager
def _descriptor_2_silenced():
    try:
        saved = os.dup(2)
    except OSError:  # no descriptor 2 (some embedded interpreters): nothing to silence
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        sys.stderr.flush()
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


_first_import = "tensorflow" not in sys.modules
with _descriptor_2_silenced() if _first_import else contextlib.nullcontext():
    import tensorflow as tf

import keras  # noqa: E402

# TensorFlow's Python logger prints INFO lines under a distribution strategy: the devices
# it mirrors onto and every all-reduce it builds (dozens per trace). Warnings still show.
if tf.get_logger().getEffectiveLevel() < logging.WARNING:
    tf.get_logger().setLevel(logging.WARNING)

__all__ = ["keras", "tf"]
