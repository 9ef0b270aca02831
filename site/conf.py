"""Sphinx configuration of the course website (``make site``; ``scripts/build_site.py``).

The site is the notebooks as they are stored: their outputs, never re-executed. It is
built with Sphinx, MyST-NB and the Sphinx Book Theme directly, which is what Jupyter Book 1
wraps. Jupyter Book 2 (mystmd) is a Node.js program (its wheel runs a bundled .cjs file
under ``node`` and downloads Node.js when none is found), and the course installs on a
machine with Python only; the jupyter-book 1 package would add a dozen extensions the
site does not use. So: three packages from PyPI, pure Python.

Nothing on a page is fetched from the internet when it is viewed:

- the explorers' widget views are never chosen (their stored ``text/html`` output, the
  static copy with its SVG diagram, is), and no widget manager, RequireJS or CDN script
  is loaded;
- the few formulas (``$H(x) = f(x) + x$``) are turned into MathML at build time by
  docutils' own LaTeX converter, which browsers draw natively, instead of MathJax from a
  CDN;
- a remote image in a markdown cell (an "Open in Colab" badge) becomes its alt text, still
  a link; a remote image, script or stylesheet in an output is a build warning;
- the theme's fonts, icons and scripts are all served from ``_static``.

``scripts/build_site.py`` stages the notebooks (without saved widget state; the Colab
install cell tagged ``remove-cell``, so it is off the page and in the download),
``index.md`` and the credits page (``CREDITS.md`` as ``credits.md``, with the licence
files) in a source folder under ``build/`` and runs ``sphinx-build -c site``; this file is
read from here, so ``html_static_path`` and ``templates_path`` are relative to ``site/``.
Every page's footer names the licences and links to the credits page. Printed output
wraps as in JupyterLab, except printed tables, which keep their columns (see
``MarkTabularStreams``).

The site has two editions, built from the same configuration: the English one (the
notebooks of ``notebooks/``) at the site's root, and the Korean one (한국어판, the notebooks
of ``notebooks/ko/``, front page ``site/index.ko.md``) under ``ko/``, built with the Sphinx
tag ``ko`` (``sphinx-build -t ko``, as ``scripts/build_site.py`` does). Every page's header
has a language switch (``_templates/language-switch.html``) to the same page in the other
edition. Few machines without a Korean system have a Korean font, so both editions (the
English one has Hangul in its switch and its glossary) serve their own, NanumGothic (from
the ``koreanize-matplotlib`` wheel, SIL Open Font License, the font of the course's
figures), used only for Hangul (``course-hangul.css``).
"""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from docutils.utils.math import latex2mathml
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

project = "inception-edu"
author = "the inception-edu authors"
copyright = "2026, the inception-edu authors"  # noqa: A001 (Sphinx's name)
# The edition this build makes: Korean under the tag "ko" (sphinx-build -t ko), else English.
EDITION = "ko" if tags.has("ko") else "en"  # noqa: F821 (Sphinx defines `tags` here)
language = EDITION
# The other edition's copy of a page: its path from the site's root is this prefix and the
# page's own path (language-switch.html).
html_context = {
    "edition_switch": {
        "en": {"prefix": "ko/", "lang": "ko", "label": "한국어", "title": "한국어판으로"},
        "ko": {"prefix": "../", "lang": "en", "label": "English", "title": "English edition"},
    }[EDITION],
}

extensions = ["myst_nb"]

# The notebooks' stored outputs are the content: never execute them.
nb_execution_mode = "off"
# An explorer's output carries a widget view (useless without a kernel) beside its
# static copy (text/html: numbers, table, SVG diagram). Never pick the view, so the static
# copy shows whether or not the notebook saved its widget state.
_WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
nb_mime_priority_overrides = [
    (builder, _WIDGET_VIEW, None) for builder in ("html", "dirhtml", "singlehtml")
]
# ... and load no widget manager (its default is RequireJS and a bundle from two CDNs).
nb_ipywidgets_js: dict = {}
nb_merge_streams = True  # one block per cell for consecutive prints

# $...$ as math; <img> in markdown as image nodes (so remote ones are caught below)
myst_enable_extensions = ["dollarmath", "html_image"]
myst_heading_anchors = 3
html_math_renderer = "mathml"

root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints", "_build"]

html_theme = "sphinx_book_theme"
html_title = "inception-edu"
html_static_path = ["_static"]
templates_path = ["_templates"]  # licence.html: the footer's licence line
html_css_files = ["course.css", "course-hangul.css"]
html_copy_source = True  # the download button offers the .ipynb
html_show_sourcelink = False
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "show_toc_level": 2,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "use_repository_button": False,
    "use_source_button": False,
    "use_issues_button": False,
    "use_edit_page_button": False,
    "navigation_with_keys": False,
    # one search field, in the sidebar (not a second one in an otherwise empty top bar)
    "navbar_persistent": [],
    # every page's footer: the copyright, then the licences and a link to the credits page
    # (CREDITS.md, staged as credits.md)
    "footer_content_items": ["copyright.html", "licence.html"],
    # every page's header: the switch to the other edition, then the theme's buttons
    "article_header_end": ["language-switch.html", "article-header-buttons.html"],
}
pygments_style = "default"

logger = logging.getLogger(__name__)

_REMOTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)
# a tag in raw HTML that would make the browser fetch a remote URL when the page is viewed
_REMOTE_IN_HTML = re.compile(
    r"<(?:img|script|link|iframe|source|video|audio)\b[^>]*?\b(?:src|href)\s*=\s*"
    r"[\"']?(?:https?:)?//",
    re.IGNORECASE,
)


class RemoteImagesToLinks(SphinxTransform):
    """A remote image (a Colab or Binder badge) becomes its alt text, a badge-like span;
    the link around it stays. Remote fetches in raw HTML are reported as warnings."""

    default_priority = 100  # before Sphinx collects images

    def apply(self, **kwargs) -> None:
        for image in list(self.document.findall(nodes.image)):
            uri = image.get("uri", "")
            if not _REMOTE.match(uri):
                continue
            label = image.get("alt") or uri.rsplit("/", 1)[-1]
            image.replace_self(nodes.inline(label, label, classes=["remote-badge"]))
        for raw in self.document.findall(nodes.raw):
            if "html" in raw.get("format", "").split() and _REMOTE_IN_HTML.search(raw.astext()):
                logger.warning(
                    "raw HTML output fetches a remote URL when viewed; the site must work "
                    "offline: %s",
                    _REMOTE_IN_HTML.search(raw.astext()).group(0),
                    location=raw,
                )


_COLUMNS = re.compile(r"\S {2,}\S")  # two words apart by a run of spaces: aligned columns


class MarkTabularStreams(SphinxTransform):
    """Printed output wraps on the site, as it does in JupyterLab, except a printed table
    (most lines in aligned columns), which keeps its columns and scrolls when too wide."""

    default_priority = 800

    def apply(self, **kwargs) -> None:
        for block in self.document.findall(nodes.literal_block):
            if "stream" not in block["classes"]:
                continue
            lines = [line for line in block.astext().splitlines() if line.strip()]
            if lines and 2 * sum(bool(_COLUMNS.search(line)) for line in lines) >= len(lines):
                block["classes"].append("tabular")


def _mathml(node: nodes.Element, block: bool) -> str:
    try:
        return latex2mathml.tex2mathml(node.astext(), as_block=block)
    except SyntaxError as error:  # docutils' converter reports bad LaTeX this way
        logger.warning("cannot convert %r to MathML: %s", node.astext(), error, location=node)
        return f"<code>{node.astext()}</code>"


def _visit_math(translator, node: nodes.math) -> None:
    translator.body.append(f'<span class="math">{_mathml(node, block=False)}</span>')
    raise nodes.SkipNode


def _visit_math_block(translator, node: nodes.math_block) -> None:
    translator.body.append(f'<div class="math">{_mathml(node, block=True)}</div>')
    raise nodes.SkipNode


def _write_hangul_fonts(app, exception) -> None:
    """The Hangul font files into ``_static/fonts`` (course-hangul.css loads them)."""
    if exception is not None or app.builder.format != "html":
        return
    from inception_edu.viz.hangul import write_web_fonts

    try:
        write_web_fonts(Path(app.outdir) / "_static" / "fonts")
    except ValueError as error:
        logger.warning("%s; Hangul shows only where the reader has a Korean font", error)


def setup(app) -> dict:
    app.connect("build-finished", _write_hangul_fonts)
    app.add_transform(RemoteImagesToLinks)
    app.add_transform(MarkTabularStreams)
    app.add_html_math_renderer("mathml", (_visit_math, None), (_visit_math_block, None))
    return {"parallel_read_safe": True, "parallel_write_safe": True}
