"""Korean (Hangul) in every figure: a Korean font as a per-glyph fallback of the course's font.

The source's experiment (seed ``000``) labelled its 51 classes with its Korean-speaking
authors' folder names, and a learner's own folder may be named in Korean too. matplotlib's
default font, DejaVu Sans, has no Hangul: every such label is drawn as empty boxes with a
"Glyph ... missing from font(s) DejaVu Sans" warning. The course therefore depends on
``koreanize-matplotlib``, whose wheel ships the NanumGothic font (SIL Open Font License
1.1, Naver; the package's own code is MIT), and registers that font here.

It is registered as a *fallback*, not as the font: ``rcParams["font.family"]`` becomes
``["sans-serif", "NanumGothic"]`` (matplotlib >= 3.6 looks each glyph up in the families
of that list in order), so Latin text keeps DejaVu Sans, the font whose metrics
:mod:`~inception_edu.viz.fonts` measures for the diagrams, and only glyphs DejaVu Sans
lacks come from NanumGothic. ``koreanize_matplotlib`` itself is never imported: on import
it makes NanumGothic the font of all text (changing every Latin label's width) and turns
``axes.unicode_minus`` off, and it imports ``distutils``, which Python 3.12 removed. Its
font file is found through the package's import spec, without running its code.

:func:`register_korean_font` runs when :mod:`inception_edu.viz` is imported (so every
figure the course's modules draw has it) and may be called again at any time, e.g. after
``matplotlib.rcdefaults()``; it is idempotent.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
from pathlib import Path

__all__ = ["KOREAN_FAMILY", "korean_font_path", "register_korean_font", "write_web_fonts"]

#: The family name matplotlib knows the registered font by.
KOREAN_FAMILY = "NanumGothic"

_PACKAGE = "koreanize_matplotlib"
_FILES = {False: "NanumGothic.ttf", True: "NanumGothicBold.ttf"}


def korean_font_path(bold: bool = False) -> Path | None:
    """The NanumGothic file (regular or bold) shipped by ``koreanize-matplotlib``, or
    ``None`` when that package is not installed. Nothing is imported."""
    if not isinstance(bold, bool):
        raise ValueError(f"bold must be True or False. Received: bold={bold!r}")
    try:
        spec = importlib.util.find_spec(_PACKAGE)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        path = Path(location) / "fonts" / _FILES[bold]
        if path.is_file():
            return path
    return None


def write_web_fonts(folder) -> list[Path]:
    """NanumGothic (regular and bold) as WOFF files a browser accepts, written into
    ``folder`` as ``NanumGothic.woff`` and ``NanumGothicBold.woff`` (kept when newer than
    the font), for the course's website and slides to serve their Hangul offline. The VTT
    source tables NanumGothic carries (``TSI0``-``TSI5``, one of them empty) are dropped:
    Chromium's font sanitizer refuses the file with them. Returns the files; raises
    ValueError when ``koreanize-matplotlib`` is not installed."""
    from fontTools.ttLib import TTFont  # matplotlib's dependency

    folder = Path(folder)
    written = []
    for bold in (False, True):
        source = korean_font_path(bold)
        if source is None:
            raise ValueError(
                f"the Korean font {_FILES[bold]} is missing: install requirements.txt "
                f"({_PACKAGE.replace('_', '-')})"
            )
        target = folder / Path(_FILES[bold]).with_suffix(".woff").name
        if not target.is_file() or target.stat().st_mtime < source.stat().st_mtime:
            folder.mkdir(parents=True, exist_ok=True)
            font = TTFont(source)
            for tag in [tag for tag in font.keys() if tag.startswith("TSI")]:
                del font[tag]
            font.flavor = "woff"
            font.save(target)
        written.append(target)
    return written


@functools.lru_cache(maxsize=1)
def _add_font_files() -> bool:
    """Adds the regular and bold files to matplotlib's font list, once per process.

    NanumGothicBold.ttf declares weight 600 (semibold) in its OS/2 table; it is the
    family's bold, so it is listed as 700. Otherwise every bold label of every figure,
    Latin ones too, would log "findfont: Failed to find font weight bold for NanumGothic,
    now using 600" (matplotlib looks each family of the list up, whatever the text)."""
    from matplotlib import font_manager, ft2font

    regular, bold = korean_font_path(False), korean_font_path(True)
    if regular is None:
        return False
    font_manager.fontManager.addfont(str(regular))
    if bold is not None:
        entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(bold)))
        font_manager.fontManager.ttflist.append(dataclasses.replace(entry, weight=700))
        font_manager.fontManager._findfont_cached.cache_clear()  # as addfont does
    return True


def register_korean_font() -> bool:
    """Make NanumGothic the per-glyph fallback of matplotlib's font; True if it is.

    Appends :data:`KOREAN_FAMILY` to ``rcParams["font.family"]`` (after the families
    already there, so Latin text keeps its font) unless it is there already. Returns
    ``False``, changing nothing, when ``koreanize-matplotlib`` is not installed.
    """
    if not _add_font_files():
        return False
    import matplotlib

    families = matplotlib.rcParams["font.family"]
    families = [families] if isinstance(families, str) else list(families)
    if KOREAN_FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, KOREAN_FAMILY]
    return True
