"""What a figure shows, in words, stored beside its picture when a notebook displays it.

The course website (``scripts/build_site.py``) gives every figure an ``alt`` text, read
aloud to a reader who cannot see it. The best words for it are the figure's own: its
title and its axes' titles and labels. :func:`describe_figure` collects them, and
:func:`png_with_alt`, registered as IPython's PNG formatter for matplotlib figures by
:func:`register_alt_text`, stores them in the output's metadata
(``{"image/png": {"alt": ...}}``), where the site's build finds them (IPython formatters
may return ``(data, metadata)``). Figures displayed before it was registered get their
``alt`` from the notebook around them instead (see ``scripts/build_site.py``).
"""

from __future__ import annotations

__all__ = ["ALT_LENGTH", "describe_figure", "png_with_alt", "register_alt_text"]

#: The longest description, in characters: a screen reader reads all of an ``alt``.
ALT_LENGTH = 250
_LABELLED_PANELS = 3  # more panels than this (an image grid): their labels are left out


def _words(text: str) -> str:
    return " ".join(str(text).split())


def describe_figure(figure) -> str:
    """The words of a matplotlib ``figure`` a reader needs, in reading order: its
    suptitle, each panel's title (once, however many panels repeat it) and, for a figure
    of at most three panels, each panel's axis labels ("x: epoch; y: loss"). Cut at a word
    to :data:`ALT_LENGTH` characters; ``""`` for a figure without words."""
    from matplotlib.figure import Figure

    if not isinstance(figure, Figure):
        raise ValueError(f"figure must be a matplotlib Figure. Received: {type(figure).__name__}")
    parts: list[str] = []

    def add(text: str) -> None:
        text = _words(text)
        if text and text not in parts:
            parts.append(text)

    add(figure.get_suptitle())
    axes = [ax for ax in figure.axes if ax.get_visible()]
    for ax in axes:
        for where in ("left", "center", "right"):
            add(ax.get_title(where))
        if len(axes) <= _LABELLED_PANELS:
            labels = [
                f"{axis}: {_words(label)}"
                for axis, label in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()))
                if _words(label)
            ]
            if labels:
                add("; ".join(labels))
    text = ". ".join(part.rstrip(".") for part in parts)
    if len(text) > ALT_LENGTH:
        text = text[: ALT_LENGTH - 1].rsplit(" ", 1)[0].rstrip(",;:.") + "…"
    return text


def png_with_alt(figure, **kwargs):
    """``figure`` as IPython's PNG formatter shows it (base64 text), with its description
    (:func:`describe_figure`) as the output's metadata: ``(png, {"alt": ...})``, or
    ``(png, None)`` when it has no words. ``kwargs`` go to IPython's ``print_figure``."""
    from IPython.core.pylabtools import print_figure

    alt = describe_figure(figure)
    png = print_figure(figure, "png", base64=True, **kwargs)
    return png, ({"alt": alt} if alt else None)


def register_alt_text(shell=None) -> bool:
    """Make :func:`png_with_alt` the PNG formatter of matplotlib figures in ``shell``
    (the running IPython shell when ``None``; anything with a ``display_formatter``). Call
    it after anything that sets figure formats (``select_figure_formats``), which replaces
    it. Returns False, changing nothing, outside IPython."""
    from matplotlib.figure import Figure

    if shell is None:
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        shell = get_ipython()
        if shell is None:
            return False
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not isinstance(formatters, dict) or "image/png" not in formatters:
        raise ValueError(
            "shell must be an IPython shell (with display_formatter.formatters['image/png'])."
            f" Received: {type(shell).__name__}"
        )
    formatters["image/png"].for_type(Figure, png_with_alt)
    return True
