"""inception_edu: the helper package of an interactive course on the Inception networks.

Light on import: the spec types and the analytic engine need no TensorFlow; the Keras
builders live in :mod:`inception_edu.models` and import Keras when that module is imported.
"""

import os

# TensorFlow's C++ log lines are noise in a notebook, and they differ by machine: a CPU
# without AVX-512 logs an ERROR line ("oneDNN supports DT_HALF only on platforms with
# AVX-512", with a timestamp) the first time a float16 op runs (notebook 10), so a stored
# output would change with the machine and on every run. Level 3 keeps them all out;
# warnings and errors from Python, and every exception, still show. Set before TensorFlow
# loads.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

__version__ = "0.1.0"
