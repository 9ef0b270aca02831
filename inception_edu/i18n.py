"""The language of what the package prints and draws: English, or Korean (한국어).

The course's sentences (feedback on an exercise, the notes of an explorer, ...) are
written in English in the code and marked with :func:`_`; their Korean is in a gettext
message catalog, ``inception_edu/locale/ko/LC_MESSAGES/inception_edu.po``, the
ecosystem's standard form (read with Babel, so no compiled ``.mo`` file has to be kept in
step). English is the default; the language is chosen by one call,
:func:`set_language` (``"ko"`` or ``"en"``), or before the package is imported by the
environment variable ``INCEPTION_EDU_LANG``. A sentence the catalog lacks stays English
(``scripts/catalog.py check``, run by the tests, fails on one).

    from inception_edu import i18n
    i18n.set_language("ko")

Maintainers: after marking a sentence with ``_()``, ``python scripts/catalog.py extract``
adds it to the catalog's template and to the Korean catalog, with an empty entry to fill.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
import re
import unicodedata
from functools import cache
from pathlib import Path

__all__ = [
    "DOMAIN",
    "LANGUAGES",
    "LOCALE_DIR",
    "N_",
    "_",
    "catalog_path",
    "columns",
    "language",
    "ljust",
    "rjust",
    "set_language",
    "translate_filled",
]

#: The languages the course speaks, English first (the default).
LANGUAGES = ("en", "ko")
#: The gettext domain: the catalogs' file name.
DOMAIN = "inception_edu"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
ENVIRONMENT = "INCEPTION_EDU_LANG"

_current = {"language": "en"}


def _checked(code) -> str:
    if not isinstance(code, str) or code.strip().lower() not in LANGUAGES:
        raise ValueError(
            f"language must be one of {', '.join(map(repr, LANGUAGES))}. Received: {code!r}"
        )
    return code.strip().lower()


def catalog_path(code: str) -> Path:
    """The ``.po`` catalog of language ``code`` (there is none for English)."""
    return LOCALE_DIR / _checked(code) / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(code: str) -> gettext.NullTranslations:
    """The catalog of ``code`` as gettext translations (English: the sentences as written)."""
    if code == "en":
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with open(catalog_path(code), "rb") as po:
        catalog = read_po(po, locale=code, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog)  # fuzzy entries are left out: they stay English
    compiled.seek(0)
    return gettext.GNUTranslations(compiled)


def set_language(code: str) -> None:
    """Print and draw in ``code`` from now on (``"en"`` or ``"ko"``)."""
    code = _checked(code)
    _translations(code)  # a missing or broken catalog fails here, not at the next print
    _current["language"] = code


def language() -> str:
    """The language the package prints in now."""
    return _current["language"]


def _(message: str) -> str:
    """``message`` (an English sentence, marked for the catalog) in the current language;
    a sentence the catalog lacks as it is. ``""`` stays ``""`` (gettext would answer it
    with the catalog's header)."""
    if not message:
        return message
    return _translations(_current["language"]).gettext(message)


def N_(message: str) -> str:
    """Mark ``message`` for the catalog where it is defined (a constant), translated later
    with :func:`_` where it is shown."""
    return message


def columns(text: str) -> int:
    """How many columns ``text`` takes in a monospaced output: two for a wide character
    (Hangul, CJK: East Asian width W or F), one for any other. Printed tables align their
    columns by it, so a Korean header lines up with the numbers under it."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in str(text))


def ljust(text: str, width: int) -> str:
    """``text`` padded on the right with spaces to ``width`` columns (:func:`columns`)."""
    return str(text) + " " * max(0, width - columns(text))


def rjust(text: str, width: int) -> str:
    """``text`` padded on the left with spaces to ``width`` columns (:func:`columns`)."""
    return " " * max(0, width - columns(text)) + str(text)


@functools.cache
def _template_pattern(template: str) -> re.Pattern:
    """A regular expression matching ``template`` filled in: each ``{name}`` any text."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile(
        "".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
        re.DOTALL,
    )


def translate_filled(text: str, templates, translated=()) -> str:
    """``text`` in the current language, when it is one of ``templates`` filled in.

    For sentences a result keeps in English because code compares or caches them (why a
    file was skipped, what grouped a folder), translated only where they are shown.
    ``templates``: English sentences marked ``N_()`` with named placeholders, each used
    once; the first that matches the whole of ``text`` is translated (:func:`_`) and
    filled with the same values, those named in ``translated`` translated too. Text that
    matches none comes back unchanged."""
    for template in templates:
        match = _template_pattern(template).fullmatch(text)
        if match is not None:
            values = {
                key: _(value) if key in translated and value else value
                for key, value in match.groupdict().items()
            }
            return _(template).format(**values)
    return text


if os.environ.get(ENVIRONMENT):
    set_language(os.environ[ENVIRONMENT])
