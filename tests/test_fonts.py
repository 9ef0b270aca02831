"""The label widths of the diagrams: the same numbers on every matplotlib the course allows.

Colab ships matplotlib 3.10, whose ``matplotlib.ft2font`` has no OS/2 ``sTypoAscender``
and whose FreeType rounds kerning otherwise; 3.8 and 3.9 have no ``LoadFlags`` enum. The
tests below run :mod:`inception_edu.viz.fonts` against matplotlib stand-ins that behave like
those versions (in a fresh interpreter) and compare every number with this one's.
"""

import json
import subprocess
import sys

import matplotlib
import pytest
from packaging.version import Version

from inception_edu.viz import fonts

LABELS = ["3x3 conv, 129", "28x28x129", "AVATar Wo", "concatenate → 28x28x256", "Ty.\nlonger line"]

REPORT = """
import json
from inception_edu.viz import fonts
widths = [fonts.text_width(t, 10, b) for t in {labels!r} for b in (False, True)]
print(json.dumps([fonts.ASCENT, fonts.DESCENT, fonts.LINE_HEIGHT, widths]))
"""

# matplotlib 3.8/3.9's ft2font (integer constants, no enums) and 3.10's OS/2 table (no
# sTypoAscender/sTypoDescender), on top of the matplotlib installed here
OLD_MATPLOTLIB = (
    """
import matplotlib.font_manager as font_manager
import matplotlib.ft2font as ft2font

if hasattr(ft2font, "LoadFlags"):  # 3.10 and later
    no_hinting = ft2font.LoadFlags.NO_HINTING
    del ft2font.LoadFlags, ft2font.Kerning
    ft2font.LOAD_NO_HINTING = no_hinting


class Old:
    def __init__(self, font):
        self._font = font

    def __getattr__(self, name):
        return getattr(self._font, name)

    def get_sfnt_table(self, name):
        table = self._font.get_sfnt_table(name)
        if name == "OS/2":
            return {{k: v for k, v in table.items() if not k.startswith("sTypo")}}
        return table

    def get_kerning(self, *args):
        raise AssertionError("the widths must not depend on matplotlib's kerning")


real = font_manager.get_font
font_manager.get_font = lambda *args, **kwargs: Old(real(*args, **kwargs))
"""
    + REPORT
)


def _here():
    return [fonts.ASCENT, fonts.DESCENT, fonts.LINE_HEIGHT] + [
        [fonts.text_width(t, 10, b) for t in LABELS for b in (False, True)]
    ]


def _run(code: str):
    done = subprocess.run(
        [sys.executable, "-c", code.format(labels=LABELS)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_a_fresh_interpreter_measures_the_same_widths():
    assert _run(REPORT) == _here()


def test_matplotlib_3_8_to_3_10_stand_ins_give_the_same_widths_and_line_metrics():
    # before: ImportError (no LoadFlags) on 3.8/3.9, KeyError: 'sTypoAscender' on 3.10
    assert _run(OLD_MATPLOTLIB) == _here()


def test_the_line_height_is_the_fonts_typographic_ascender_plus_descender():
    from fontTools.ttLib import TTFont

    with TTFont(fonts._FACES[False].path) as ttf:
        os2, per_em = ttf["OS/2"], ttf["head"].unitsPerEm
        assert fonts.LINE_HEIGHT == (os2.sTypoAscender - os2.sTypoDescender) / per_em


def test_no_hinting_flag_of_an_ft2font_with_and_without_enums():
    class Enums:
        class LoadFlags:
            NO_HINTING = "enum"

    class Constants:
        LOAD_NO_HINTING = 2

    assert fonts._no_hinting_flag(Enums) == "enum"
    assert fonts._no_hinting_flag(Constants) == 2


@pytest.mark.parametrize("bold", [False, True], ids=["regular", "bold"])
def test_kerning_read_from_the_file_is_matplotlib_3_11s_for_every_pair(bold):
    if Version(matplotlib.__version__) < Version("3.11"):
        pytest.skip("matplotlib before 3.11 truncates kerning; the widths follow 3.11's")
    face = fonts._FACES[bold]
    font = face._font()
    pairs, _ = fonts._kerning_pairs(face.path)
    assert len(pairs) > 1000  # DejaVu Sans kerns many pairs
    different = {
        pair: (face.kern(*pair), font.get_kerning(*pair, fonts.ft2font.Kerning.UNFITTED))
        for pair in pairs
        if face.kern(*pair) != font.get_kerning(*pair, fonts.ft2font.Kerning.UNFITTED) / 64 / 100
    }
    assert different == {}
    assert face.kern(0, 0) == 0.0  # a pair the table does not kern


def test_freetype_rounding_of_kerning_is_half_away_from_zero():
    scale = fonts._kerning_scale(2048)
    assert scale == 100 * 64 * 65536 // 2048
    # 45 units at 100 pt of a 2048-unit em are 140.625/64 pt; 38 units are 118.75/64
    assert fonts._scaled_kerning(-45, scale) == -141
    assert fonts._scaled_kerning(38, scale) == 119
    assert fonts._scaled_kerning(-36, scale) == -113  # -112.5: away from zero
    assert fonts._scaled_kerning(0, scale) == 0
