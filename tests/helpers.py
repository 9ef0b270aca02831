"""Small helpers shared by the test modules (pytest puts this folder on ``sys.path``)."""

import xml.etree.ElementTree as ET


def svg_texts(html: str) -> list:
    """The texts of every inline SVG in ``html``, in order."""
    texts, start = [], html.find("<svg")
    while start >= 0:
        end = html.index("</svg>", start) + len("</svg>")
        root = ET.fromstring(html[start:end])
        texts += ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]
        start = html.find("<svg", end)
    return texts
