"""Korean class names in every figure (issue 22, point 1): ``inception_edu.viz`` registers
NanumGothic (from ``koreanize-matplotlib``) as matplotlib's per-glyph fallback, so Hangul
titles, tick labels and legends draw without a missing-glyph warning, Latin text keeps
DejaVu Sans (the font the diagrams' widths are measured with), and the SVG diagrams list
Korean fonts and measure Hangul in the registered font."""

import io
import json
import subprocess
import sys
import warnings

import matplotlib
import pytest
from matplotlib.figure import Figure

import inception_edu.viz  # noqa: F401  (registers the font)
from inception_edu.viz import fonts, hangul
from inception_edu.viz.svg import SvgCanvas

CLASSES = ["고양이", "강아지", "나비", "cat"]  # a learner's folder names: cat, dog, butterfly

# Draws Hangul in a title, tick labels, axis label and legend, to PNG and SVG, and prints
# the missing-glyph warnings as JSON. Run with and without the registration.
CHECK = """
import io, json, sys, warnings
import matplotlib
matplotlib.use("Agg")
from matplotlib.figure import Figure
if sys.argv[1] == "register":
    import inception_edu.viz
classes = {classes!r}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    figure = Figure(figsize=(4, 3))
    ax = figure.add_subplot()
    for i, name in enumerate(classes):
        ax.bar([i], [i + 1], label=name)
    ax.set_xticks(range(len(classes)), classes)
    ax.set_title("클래스별 정확도 (accuracy per class)", fontweight="bold")
    ax.set_ylabel("이미지 수")
    ax.legend()
    for fmt in ("png", "svg"):
        figure.savefig(io.BytesIO(), format=fmt)
missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
print(json.dumps(missing))
"""


def _missing_glyphs(mode: str) -> list:
    done = subprocess.run(
        [sys.executable, "-c", CHECK.format(classes=CLASSES), mode],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1]), done.stderr


def test_the_check_finds_missing_glyphs_without_the_registration():
    # the test of the test: plain matplotlib draws Hangul as boxes, and says so
    missing, _ = _missing_glyphs("plain")
    assert missing and all("DejaVu Sans" in message for message in missing)
    assert any("HANGUL SYLLABLE GO" in message for message in missing)


def test_hangul_figures_after_importing_inception_edu_viz_miss_no_glyph():
    missing, stderr = _missing_glyphs("register")
    assert missing == []
    # nor does a bold label log "findfont: Failed to find font weight bold for NanumGothic"
    assert "findfont" not in stderr


def test_in_this_process_titles_ticks_and_legend_draw_without_a_warning():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = Figure(figsize=(3, 2))
        ax = figure.add_subplot()
        ax.plot([0, 1], [0, 1], label=CLASSES[0])
        ax.set_xticks([0, 1], CLASSES[:2])
        ax.set_title(CLASSES[2], fontweight="bold")
        ax.legend()
        for fmt in ("png", "svg"):
            figure.savefig(io.BytesIO(), format=fmt)
    assert [str(w.message) for w in caught if "missing" in str(w.message)] == []


def test_the_font_is_a_fallback_and_latin_text_is_drawn_exactly_as_before():
    assert matplotlib.rcParams["font.family"][-1] == hangul.KOREAN_FAMILY
    assert "koreanize_matplotlib" not in sys.modules  # its import side effects never run

    def png(families) -> bytes:
        with matplotlib.rc_context({"font.family": families}):
            figure = Figure(figsize=(2, 1))
            figure.text(0.1, 0.5, "Inception AVATar 3x3 -1", fontsize=9)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png")
            return buffer.getvalue()

    assert png(["sans-serif"]) == png(["sans-serif", hangul.KOREAN_FAMILY])


def test_registration_is_idempotent_and_keeps_other_families():
    with matplotlib.rc_context({"font.family": ["serif"]}):
        assert hangul.register_korean_font() and hangul.register_korean_font()
        assert matplotlib.rcParams["font.family"] == ["serif", hangul.KOREAN_FAMILY]


def test_the_font_file_is_found_without_importing_the_package(monkeypatch):
    path = hangul.korean_font_path()
    assert path.name == "NanumGothic.ttf" and path.is_file()
    assert hangul.korean_font_path(bold=True).name == "NanumGothicBold.ttf"
    monkeypatch.setattr(hangul.importlib.util, "find_spec", lambda name: None)
    assert hangul.korean_font_path() is None
    with pytest.raises(ValueError, match="bold must be True or False. Received: bold=1"):
        hangul.korean_font_path(bold=1)


# --------------------------------------------------------------------------- SVG diagrams


def test_text_width_measures_hangul_in_the_registered_font():
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    for text in ("고양이", "고양이 cat", "3x3 conv, 나비"):
        expected = TextToPath().get_text_width_height_descent(
            text, FontProperties(size=10), ismath=False
        )[0]
        assert fonts.text_width(text, 10) == pytest.approx(expected, abs=0.01)
    # a syllable is about an em wide: not the advance of DejaVu Sans' empty box
    assert 0.8 * 10 < fonts.text_width("고", 10) < 1.05 * 10
    assert fonts.text_width("고양이", 10, bold=True) > 0.8 * 30


def test_an_svg_with_hangul_lists_korean_fonts_and_a_latin_one_is_unchanged():
    latin, korean = SvgCanvas(100, 20), SvgCanvas(100, 20)
    latin.text(50, 10, "3x3 conv", 10)
    korean.text(50, 10, "고양이", 10)
    assert f'font-family="{fonts.FONT_FAMILY}"' in latin.svg()
    assert f'font-family="{fonts.FONT_FAMILY_KOREAN}"' in korean.svg()
    stack = [name.strip() for name in fonts.FONT_FAMILY_KOREAN.split(",")]
    assert stack[0] == "DejaVu Sans" and stack[-1] == "sans-serif"
    assert {"NanumGothic", "Apple SD Gothic Neo", "Malgun Gothic"} <= set(stack)
    assert fonts.has_hangul("ㄱ") and fonts.has_hangul(CLASSES[0]) and not fonts.has_hangul("é")


def test_the_courses_own_figures_of_a_korean_folder_draw_every_name(tmp_path):
    # a learner's folder named in Korean (NFD, as a Mac writes it), through the loader,
    # the example grid and the per-class bars: no missing glyph anywhere
    import unicodedata

    import numpy as np
    from PIL import Image

    from inception_edu.data import load_image_folder
    from inception_edu.viz.images import plot_per_class, show_examples

    for k, name in enumerate(CLASSES):
        folder = tmp_path / "photos" / unicodedata.normalize("NFD", name)
        folder.mkdir(parents=True)
        for i in range(4):
            Image.new("RGB", (12, 12), (60 * k, 200 - 40 * k, 30 * i)).save(folder / f"{i}.png")
    data = load_image_folder(tmp_path / "photos", size=12, verbose=False)
    assert set(data.class_names) == set(CLASSES)
    rng = np.random.default_rng(0)
    values = {"augmented": rng.random(4), "from scratch": rng.random(4)}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figures = [
            show_examples(data.split(val_fraction=0.25, seed=0), per_class=2),
            plot_per_class(values, data.class_names, title="클래스별 정확도"),
        ]
        for i, figure in enumerate(figures):
            figure.savefig(tmp_path / f"figure_{i}.png", dpi=60)
            figure.savefig(io.BytesIO(), format="svg")
    assert [str(w.message) for w in caught if "missing from font" in str(w.message)] == []
