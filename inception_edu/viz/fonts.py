"""Text metrics for the diagrams: the width of a label before anything is drawn.

The diagrams are laid out in inches around their labels, so every label is measured
first. Matplotlib's ``TextToPath`` measures exactly but lays the string out anew on each
call (about 0.8 ms per string with matplotlib 3.11), and a slider move on a widget makes
a dozen strings no call has seen yet ("3x3 conv, 129", "28x28x129", ...). Here each
glyph's advance and each kerning pair is read once from the same font file (DejaVu Sans,
matplotlib's default) and a string's width is their sum: the same number ``TextToPath``
gives (its width is that sum), at a few microseconds per new string.

Browsers lay SVG text out the same way (advances plus kerning), so an SVG that asks for
DejaVu Sans first gets exactly the measured widths; fonts further down the stack
(Verdana, Arial, Helvetica) are no wider, so labels still fit their boxes.
"""

from __future__ import annotations

import functools

from matplotlib.font_manager import FontProperties, findfont, get_font
from matplotlib.ft2font import Kerning, LoadFlags

__all__ = ["ASCENT", "DESCENT", "FONT_FAMILY", "LINE_HEIGHT", "text_width"]

#: The SVG font stack: the font the widths are measured with first, then no wider ones.
FONT_FAMILY = "DejaVu Sans, Bitstream Vera Sans, Verdana, Arial, Helvetica, sans-serif"

_EM = 100.0  # glyphs are read at 100 pt, 72 dpi: advances in hundredths of the size


class _Metrics:
    """Advances and kerning of one face of matplotlib's default sans-serif font."""

    def __init__(self, bold: bool):
        self.path = findfont(
            FontProperties(family="sans-serif", weight="bold" if bold else "normal")
        )
        self.advances: dict = {}
        self.kerning: dict = {}

    def _font(self):
        # matplotlib shares this FT2Font with its renderers, which set other sizes
        font = get_font(self.path)
        font.set_size(_EM, 72)
        return font

    def advance(self, char: str) -> tuple[float, int]:
        """(advance in units of the font size, glyph index) of ``char``."""
        found = self.advances.get(char)
        if found is None:
            font = self._font()
            glyph = font.load_char(ord(char), flags=LoadFlags.NO_HINTING)
            found = (glyph.linearHoriAdvance / 65536 / _EM, font.get_char_index(ord(char)))
            self.advances[char] = found
        return found

    def kern(self, left: int, right: int) -> float:
        pair = (left, right)
        found = self.kerning.get(pair)
        if found is None:
            found = self._font().get_kerning(left, right, Kerning.UNFITTED) / 64 / _EM
            self.kerning[pair] = found
        return found

    def width(self, text: str) -> float:
        """Width of one line in units of the font size."""
        total, previous = 0.0, None
        for char in text:
            advance, index = self.advance(char)
            total += advance
            if previous is not None:
                total += self.kern(previous, index)
            previous = index
        return total


_FACES = {False: _Metrics(False), True: _Metrics(True)}


@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in points of one line of ``text`` at ``size`` points (its widest line if it
    has several)."""
    face = _FACES[bool(bold)]
    return max(face.width(line) for line in text.split("\n")) * size


def _vertical_metrics() -> tuple[float, float, float]:
    """Ascent and descent of "lp", and the font's line height (its OS/2 typographic
    ascender plus descender), in units of the font size: matplotlib 3.11 spaces lines by
    ``linespacing`` times that height and centres a line on its ink, so both renderers
    place text alike."""
    font = _FACES[False]._font()
    font.set_text("lp", 0.0, flags=LoadFlags.NO_HINTING)
    height = font.get_width_height()[1] / 64 / _EM
    descent = font.get_descent() / 64 / _EM
    table = font.get_sfnt_table("OS/2")
    per_em = font.get_sfnt_table("head")["unitsPerEm"]
    line = (table["sTypoAscender"] - table["sTypoDescender"]) / per_em if table else 1.0
    return height - descent, descent, line


#: Height above and depth below the baseline of a line of text, and the distance of two
#: baselines at ``linespacing=1``, in units of the font size.
ASCENT, DESCENT, LINE_HEIGHT = _vertical_metrics()
