"""Text metrics for the diagrams: the width of a label before anything is drawn.

The diagrams are laid out in inches around their labels, so every label is measured
first. Matplotlib's ``TextToPath`` measures exactly but lays the string out anew on each
call, and a slider move on a widget makes a dozen strings no call has seen yet ("3x3
conv, 129", "28x28x129", ...). Here each glyph's advance and each kerning pair is read
once from the same font file (DejaVu Sans, matplotlib's default) and a string's width is
their sum: the same number ``TextToPath`` gives (its width is that sum), without laying
anything out, so a new string costs a small fraction of ``TextToPath``'s time
(``benchmarks/text_width_speed.py`` measures both).

Browsers lay SVG text out the same way (advances plus kerning), so an SVG that asks for
DejaVu Sans first gets exactly the measured widths; fonts further down the stack
(Verdana, Arial, Helvetica) are no wider, so labels still fit their boxes.

Hangul (a learner's Korean class names, as in the source's experiment) is not in DejaVu
Sans: its characters are measured in the Korean font that :mod:`~inception_edu.viz.hangul`
registers as matplotlib's fallback (NanumGothic), and an SVG holding Hangul lists Korean
fonts in its stack (:func:`font_family`). A browser without NanumGothic draws Hangul in
another Korean font whose widths differ by a few per cent.
"""

from __future__ import annotations

import functools

from matplotlib import ft2font
from matplotlib.font_manager import FontProperties, findfont, get_font

from inception_edu.viz.hangul import KOREAN_FAMILY, korean_font_path

__all__ = [
    "ASCENT",
    "DESCENT",
    "FONT_FAMILY",
    "FONT_FAMILY_KOREAN",
    "LINE_HEIGHT",
    "font_family",
    "has_hangul",
    "text_width",
]

#: The SVG font stack: the font the widths are measured with first, then no wider ones.
FONT_FAMILY = "DejaVu Sans, Bitstream Vera Sans, Verdana, Arial, Helvetica, sans-serif"

#: The stack of an SVG that holds Hangul: the Latin fonts above, then the Korean font
#: Hangul is measured with (NanumGothic, from ``koreanize-matplotlib``; a page shows it
#: where the reader has it), then the Korean fonts macOS, Windows and Linux ship.
FONT_FAMILY_KOREAN = (
    "DejaVu Sans, Bitstream Vera Sans, Verdana, Arial, Helvetica, "
    f"{KOREAN_FAMILY}, Apple SD Gothic Neo, Malgun Gothic, Noto Sans CJK KR, "
    "Noto Sans KR, sans-serif"
)

# Hangul Jamo, Compatibility Jamo, Jamo Extended-A, Syllables, Jamo Extended-B
_HANGUL = ((0x1100, 0x11FF), (0x3130, 0x318F), (0xA960, 0xA97F), (0xAC00, 0xD7FF))


def has_hangul(text: str) -> bool:
    """Whether ``text`` holds a Hangul letter or syllable."""
    return any(low <= ord(char) <= high for char in text for low, high in _HANGUL)


def font_family(texts) -> str:
    """The SVG font stack for a picture whose labels are ``texts``: :data:`FONT_FAMILY`,
    or :data:`FONT_FAMILY_KOREAN` when a label holds Hangul (so a Latin-only picture's
    bytes do not change)."""
    return FONT_FAMILY_KOREAN if any(has_hangul(text) for text in texts) else FONT_FAMILY


_EM = 100.0  # glyphs are read at 100 pt, 72 dpi: advances in hundredths of the size


def _no_hinting_flag(module=ft2font):
    """The no-hinting glyph load flag of ``module`` (``matplotlib.ft2font``): the enum
    member ``LoadFlags.NO_HINTING`` of matplotlib 3.10 and later, or the integer constant
    ``LOAD_NO_HINTING`` of 3.8 and 3.9 (the same FreeType value)."""
    flags = getattr(module, "LoadFlags", None)
    return flags.NO_HINTING if flags is not None else module.LOAD_NO_HINTING


_NO_HINTING = _no_hinting_flag()


def _kerning_scale(units_per_em: int) -> int:
    """FreeType's 16.16 scale from font units to 1/64 points at ``_EM`` points, 72 dpi
    (``FT_DivFix``, rounded as FreeType rounds)."""
    return ((round(_EM * 64) << 16) + units_per_em // 2) // units_per_em


def _scaled_kerning(value: int, scale: int) -> int:
    """``value`` font units in 1/64 points: FreeType's ``FT_MulFix`` (half away from 0)."""
    magnitude = (abs(value) * scale + 0x8000) >> 16
    return -magnitude if value < 0 else magnitude


def _kerning_pairs(path) -> tuple[dict, int]:
    """(``{(left glyph index, right glyph index): font units}``, units per em) of the
    horizontal format-0 subtables of the font's ``kern`` table (``{}`` if it has none),
    read with fontTools, which every matplotlib since 3.5 requires."""
    from fontTools.ttLib import TTFont

    with TTFont(path, lazy=True) as ttf:
        per_em = ttf["head"].unitsPerEm
        if "kern" not in ttf:
            return {}, per_em
        index = {name: i for i, name in enumerate(ttf.getGlyphOrder())}
        pairs: dict = {}
        for table in ttf["kern"].kernTables:
            coverage = getattr(table, "coverage", 1)
            if getattr(table, "format", None) != 0 or not coverage & 1 or coverage & 0b110:
                continue  # only horizontal, non-minimum, non-cross-stream kerning
            for (left, right), value in table.kernTable.items():
                key = (index[left], index[right])
                pairs[key] = pairs.get(key, 0) + value
        return pairs, per_em


class _Metrics:
    """Advances and kerning of one face of matplotlib's default sans-serif font."""

    def __init__(self, bold: bool):
        self.bold = bold
        self.path = findfont(
            FontProperties(family="sans-serif", weight="bold" if bold else "normal")
        )
        self.advances: dict = {}
        self.kerning: dict | None = None  # glyph pair -> kerning, read on first use

    def _font(self):
        # matplotlib shares this FT2Font with its renderers, which set other sizes
        font = get_font(self.path)
        font.set_size(_EM, 72)
        return font

    def _fallback(self, char: str):
        """The Korean font (:mod:`~inception_edu.viz.hangul`) at ``_EM`` points when it has
        ``char``; None when it is not installed or lacks the glyph too."""
        path = korean_font_path(self.bold)
        if path is None:
            return None
        font = get_font(str(path))
        font.set_size(_EM, 72)
        return font if font.get_char_index(ord(char)) else None

    def advance(self, char: str) -> tuple[float, int]:
        """(advance in units of the font size, glyph index) of ``char``.

        A character this font lacks (Hangul) is measured in the Korean fallback font, as
        matplotlib and browsers draw it; its index is -1, which no kerning pair has
        (nothing kerns across two fonts)."""
        found = self.advances.get(char)
        if found is None:
            font = self._font()
            index = font.get_char_index(ord(char))
            fallback = self._fallback(char) if index == 0 and char not in "\n\r" else None
            if fallback is not None:
                font, index = fallback, -1
            glyph = font.load_char(ord(char), flags=_NO_HINTING)
            found = (glyph.linearHoriAdvance / 65536 / _EM, index)
            self.advances[char] = found
        return found

    def kern(self, left: int, right: int) -> float:
        """Kerning between glyphs ``left`` and ``right`` in units of the font size.

        Read from the font file and scaled the way FreeType scales unfitted kerning in
        matplotlib 3.11 (``get_kerning(..., Kerning.UNFITTED)``), not asked of matplotlib:
        matplotlib 3.8-3.10 truncate the same kerning towards zero (their hinting factor),
        which moved a label by up to 1/64 pt per 100 pt. So every matplotlib the course
        allows gives the same widths, to the bit."""
        if self.kerning is None:
            pairs, per_em = _kerning_pairs(self.path)
            scale = _kerning_scale(per_em)
            self.kerning = {
                pair: _scaled_kerning(value, scale) / 64 / _EM for pair, value in pairs.items()
            }
        return self.kerning.get((left, right), 0.0)

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
    font.set_text("lp", 0.0, flags=_NO_HINTING)
    height = font.get_width_height()[1] / 64 / _EM
    descent = font.get_descent() / 64 / _EM
    return height - descent, descent, _typographic_line(font, _FACES[False].path)


def _typographic_line(font, path) -> float:
    """The OS/2 typographic ascender minus descender of the font at ``path``, in units of
    its em; 1.0 for a font without an OS/2 table.

    matplotlib's ``get_sfnt_table("OS/2")`` lists ``sTypoAscender`` from 3.11 on (3.8-3.10
    leave it out); fontTools, which every matplotlib since 3.5 requires, reads the same
    numbers from the file, so every matplotlib gives the same line height."""
    table = font.get_sfnt_table("OS/2")
    if table and "sTypoAscender" in table and "sTypoDescender" in table:
        ascender, descender = table["sTypoAscender"], table["sTypoDescender"]
        per_em = font.get_sfnt_table("head")["unitsPerEm"]
    else:
        from fontTools.ttLib import TTFont

        with TTFont(path, lazy=True) as ttf:
            if "OS/2" not in ttf:
                return 1.0
            ascender, descender = ttf["OS/2"].sTypoAscender, ttf["OS/2"].sTypoDescender
            per_em = ttf["head"].unitsPerEm
    return (ascender - descender) / per_em


#: Height above and depth below the baseline of a line of text, and the distance of two
#: baselines at ``linespacing=1``, in units of the font size.
ASCENT, DESCENT, LINE_HEIGHT = _vertical_metrics()
