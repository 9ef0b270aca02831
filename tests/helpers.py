"""Small helpers shared by the test modules (pytest puts this folder on ``sys.path``)."""

import importlib.util
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"

#: The transfer tests' image size (75x75x3): the smallest that Keras's InceptionV3 and
#: InceptionResNetV2 accept without their top.
TINY_BACKBONE_INPUT = (75, 75, 3)


def load_script(relative: str):
    """A script or benchmark of the repository (``"scripts/portability.py"``) imported as a
    module named after its file, afresh on every call."""
    path = REPO / relative
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def printed_text(name: str) -> str:
    """Everything the stored outputs of ``notebooks/<name>`` printed (stream outputs)."""
    cells = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))["cells"]
    return "".join(
        "".join(output.get("text", ""))
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
    )


def svg_texts(html: str) -> list:
    """The texts of every inline SVG in ``html``, in order."""
    texts, start = [], html.find("<svg")
    while start >= 0:
        end = html.index("</svg>", start) + len("</svg>")
        root = ET.fromstring(html[start:end])
        texts += ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        start = html.find("<svg", end)
    return texts


def tiny_backbone():
    """A two-conv backbone without top for the transfer tests: conv, batch norm, ReLU,
    conv, ``TINY_BACKBONE_INPUT`` (75x75x3) -> an 18x18x8 feature map, built the same every
    call. Its batch norm makes a resumed run restore moving statistics too; its
    "pretrained" weights are whatever the arm's seed draws, so the tests check the
    protocol's behaviour, not its accuracy. Keras is imported here, not with this module."""
    from inception_edu.backend import keras

    inputs = keras.Input(TINY_BACKBONE_INPUT, name="image")
    x = keras.layers.Conv2D(4, 3, strides=2, name="conv_1")(inputs)
    x = keras.layers.BatchNormalization(name="bn_1")(x)
    x = keras.layers.Activation("relu", name="relu_1")(x)
    x = keras.layers.Conv2D(8, 3, strides=2, activation="relu", name="conv_2")(x)
    return keras.Model(inputs, x, name="tiny_backbone")
