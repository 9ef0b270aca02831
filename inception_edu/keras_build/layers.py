"""The one custom layer of the course: the scaled residual add of Inception-ResNet."""

from __future__ import annotations

from inception_edu.backend import keras


@keras.saving.register_keras_serializable(package="inception_edu")
class ScaledResidual(keras.layers.Layer):
    """``shortcut + scale * residual``: the residual scaling of the v4 paper (section 3.3).

    Scaling the residual by 0.1-0.3 before the add keeps very wide Inception-ResNets
    (more than 1000 filters) from "dying" early in training. Serializable, so a model
    saved with ``model.save("x.keras")`` loads back with ``keras.models.load_model``.
    ``scale`` is a plain attribute: changing it on a built model changes what the next
    eager call computes (the scale slider of notebook 08 does so).
    """

    def __init__(self, scale: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = float(scale)

    def call(self, inputs):
        shortcut, residual = inputs
        return shortcut + residual * self.scale

    def compute_output_shape(self, input_shapes):
        return input_shapes[0]

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}
