"""inception_edu: the helper package of an interactive course on the Inception networks.

Light on import: the spec types and the analytic engine need no TensorFlow; the Keras
builders live in :mod:`inception_edu.models` and import Keras when that module is imported.
"""

import os

# TensorFlow's C++ start-up chatter (CPU instruction sets, oneDNN notes) is noise in a
# notebook; warnings and errors from Python still show. Set before TensorFlow loads.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

__version__ = "0.1.0"
