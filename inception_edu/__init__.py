"""inception_edu: the helper package of an interactive course on the Inception networks.

Light on import: the spec types and the analytic engine need no TensorFlow; the Keras
builders live in :mod:`inception_edu.models` and import Keras when that module is imported.
"""

__version__ = "0.1.0"
