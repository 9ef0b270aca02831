"""One widget's display bundle on ipywidgets 7 and 8.

ipywidgets 8 gives a widget ``_repr_mimebundle_``; ipywidgets 7 (the version Colab's front
end renders, googlecolab/colabtools issues 3020 and 4525) displays it through
``_ipython_display_`` instead, which calls ``display`` itself. The explorers and the
training panel add a static copy to the widget's bundle, so they need the bundle as a
value: :func:`widget_bundle` returns the same dict on both.
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["VIEW_MIME", "widget_bundle"]

#: The MIME type of a live widget view, in both versions' bundles.
VIEW_MIME = "application/vnd.jupyter.widget-view+json"


def widget_bundle(widget, **kwargs) -> dict:
    """The MIME bundle ``display(widget)`` sends: ``text/plain`` and the widget view
    (``{}`` for a closed widget, as ipywidgets 8 gives)."""
    if not isinstance(widget, widgets.Widget):
        raise ValueError(f"widget must be an ipywidgets Widget. Received: {widget!r}")
    own = getattr(type(widget), "_repr_mimebundle_", None)
    if own is not None:  # ipywidgets 8 (None on an instance once it is closed)
        method = getattr(widget, "_repr_mimebundle_", None)
        return (method(**kwargs) or {}) if method is not None else {}
    # ipywidgets 7: what Widget._ipython_display_ passes to display(), without displaying
    if getattr(widget, "_ipython_display_", None) is None:
        return {}  # closed
    plaintext = repr(widget)
    if len(plaintext) > 110:
        plaintext = plaintext[:110] + "…"
    bundle = {"text/plain": plaintext}
    if widget._view_name is not None:
        bundle[VIEW_MIME] = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
        # IPython calls _ipython_display_() without arguments; the include/exclude that
        # _repr_mimebundle_ receives are not for ipywidgets 7's display callbacks
        widget._handle_displayed()
    return bundle
