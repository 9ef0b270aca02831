"""The notebooks' own figure titles and axis labels are in the message catalog
(inception_edu.course.captions), so the Korean edition draws them in Korean."""

import ast
import json
from pathlib import Path

import numpy as np

from inception_edu import i18n
from inception_edu.course.captions import CAPTIONS
from inception_edu.viz.curves import plot_reliability

REPO = Path(__file__).resolve().parents[1]
KEYWORDS = ("title", "xlabel", "ylabel")


def captions_in(path: Path) -> list[str]:
    """The plain-string ``title=``/``xlabel=``/``ylabel=`` arguments of a notebook's code."""
    found = []
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:  # an IPython magic
            continue
        found += [
            keyword.value.value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            for keyword in node.keywords
            if keyword.arg in KEYWORDS
            and isinstance(keyword.value, ast.Constant)
            and isinstance(keyword.value.value, str)
        ]
    return found


def test_the_list_is_the_notebooks_captions():
    written = {}
    for path in sorted((REPO / "notebooks").glob("*.ipynb")):
        if captions_in(path):
            written[path.name[:2]] = tuple(captions_in(path))
    assert written == CAPTIONS


def test_a_caption_is_drawn_in_korean():
    title = CAPTIONS["06"][-1]
    try:
        i18n.set_language("ko")
        korean = i18n._(title)
        figure = plot_reliability(
            probabilities=np.array([[0.9, 0.1], [0.4, 0.6]]), labels=np.array([0, 0]), title=title
        )
    finally:
        i18n.set_language("en")
    assert korean != title
    assert figure.axes[0].get_title() == korean
