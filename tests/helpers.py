"""Small helpers shared by the test modules (pytest puts this folder on ``sys.path``)."""

import json
import xml.etree.ElementTree as ET
from pathlib import Path

NOTEBOOKS = Path(__file__).parents[1] / "notebooks"


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
