"""The explorer base class: controls -> spec transform -> analyze -> render.

Every explorer of the course is the same loop. A learner moves a control; the explorer

1. **transforms** a spec (a copy: :mod:`inception_edu.spec.transforms`) to match the
   controls, which may raise ``ValueError`` for a combination that has no answer;
2. **analyzes** it with the analytic engine (microseconds, no Keras model is built);
3. sends the **numbers** (a headline and a :class:`~inception_edu.analysis.Table`) to the
   page, first, so they arrive before anything slower;
4. **renders** the picture (inline SVG from :mod:`inception_edu.viz.diagrams`).

Whatever goes wrong in steps 1-4 (a ``ValueError`` from a bad combination, or any other
exception) is shown on the widget itself, in red with its message; the last good table
and picture stay, and the next change is handled as usual. A widget never stops
answering silently.

The numbers are also plain attributes (``summary``, ``ratio``, ``growth``, ...), so tests
and notebooks drive an explorer from Python (``explorer.sliders[...].value = 64``) and read
what a learner sees. ``error`` is ``None`` while the attributes match the controls, else
the message shown; ``redraws`` counts pictures sent.

Displayed in a notebook, an explorer's output carries, beside the live widget, a static
``text/html`` copy of its headline, table and picture (:meth:`Explorer.static_html`): on
GitHub, nbviewer or Colab, before any kernel runs, the learner still sees a diagram. It is
deterministic (same controls, same bytes), as strict nbval needs.
"""

from __future__ import annotations

import html
import inspect

import ipywidgets as widgets

from inception_edu.i18n import N_, _
from inception_edu.spec.checks import check_flag, checks_keywords
from inception_edu.widgets.compat import widget_bundle

__all__ = ["DOT", "ERROR_COLOUR", "Explorer", "int_slider"]

#: The separator between the numbers of an explorer's headline.
DOT = " &nbsp;·&nbsp; "

ERROR_COLOUR = "#b00020"

_NOTE = "<div style='color:#555555;font-size:90%'>{}</div>"
_STALE_NOTE = N_("The table and the picture below show the last settings that worked.")
_STATIC_NOTE = N_("A static copy of the explorer: run the notebook to move its controls.")


class Explorer:
    """Base of the course's explorers. A subclass builds its controls, then calls
    ``super().__init__(controls, draw)``, and implements:

    - :meth:`transform`: the spec(s) the controls describe now;
    - :meth:`analyze`: a dict of the attributes to set from that spec (``summary``, ...);
    - :meth:`headline_html` and :meth:`table`: the numbers, from those attributes;
    - :meth:`render`: the picture, an HTML string (inline SVG).

    ``controls`` is a list of widgets (each observed for ``value`` changes) or a single
    container widget together with ``observe=`` the controls inside it.
    """

    def __init_subclass__(cls, **kwargs):
        """A misspelt keyword to an explorer is a ``ValueError`` naming the allowed ones
        (:func:`~inception_edu.spec.checks.checks_keywords`), not Python's ``TypeError``;
        an ``__init__`` that takes ``**keywords`` checks them itself."""
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and all(
            p.kind is not p.VAR_KEYWORD for p in inspect.signature(init).parameters.values()
        ):
            cls.__init__ = checks_keywords(init)

    def __init__(self, controls, draw: bool = True, observe=None):
        self.draw = check_flag(draw, "draw")
        self.redraws = 0
        self.error: str | None = None
        self.exception: BaseException | None = None
        self._table_html = ""
        self._picture = ""
        if isinstance(controls, widgets.Widget):
            self.controls = controls
            observed = list(observe or ())
        else:
            observed = list(controls)
            self.controls = widgets.VBox(observed)
        if not observed or not all(isinstance(c, widgets.ValueWidget) for c in observed):
            raise ValueError(
                "An explorer needs the controls it observes: widgets with a "
                f"value. Received: {observed!r}"
            )
        self.headline = widgets.HTML()
        self.numbers = widgets.HTML()
        self.diagram = widgets.HTML(
            layout=widgets.Layout(
                max_width="100%", overflow="auto", display=None if self.draw else "none"
            )
        )
        for control in observed:
            control.observe(self.update, names="value")
        self.widget = widgets.VBox([self.controls, self.headline, self.numbers, self.diagram])
        self.widget.add_class("inception-edu-explorer")
        self.update()

    # ------------------------------------------------------------------ the four steps

    def transform(self):
        """The spec (or specs) the controls describe now; ``ValueError`` if none."""
        raise NotImplementedError

    def analyze(self, spec) -> dict:
        """The attributes (name -> value) the numbers and the picture are made from."""
        raise NotImplementedError

    def headline_html(self) -> str:
        """One line of HTML with the numbers that matter most."""
        raise NotImplementedError

    def table(self):
        """The :class:`~inception_edu.analysis.Table` shown under the headline."""
        raise NotImplementedError

    def render(self, spec) -> str:
        """The picture as HTML (inline SVG)."""
        raise NotImplementedError

    # ------------------------------------------------------------------ the loop

    def update(self, change=None) -> None:
        """Re-run transform -> analyze -> numbers -> picture for the controls' values.

        Called on every control change; never raises: a failure is shown on the widget.
        """
        try:
            spec = self.transform()
            values = self.analyze(spec)
            for name, value in values.items():
                setattr(self, name, value)
            self.spec = spec
            headline, table = self.headline_html(), self.table().html()
        except Exception as error:  # noqa: BLE001 (shown to the learner, never swallowed)
            self._show_error(error)
            return
        self.error, self.exception = None, None
        self._table_html = table
        # the numbers go to the page first: each assignment is one message to the browser
        self.headline.value = headline
        self.numbers.value = table
        if not self.draw:
            return
        try:
            picture = self.render(spec)
        except Exception as error:  # noqa: BLE001
            self._show_error(error)
            return
        self._picture = picture
        self.diagram.value = picture
        self.redraws += 1

    def _show_error(self, error: BaseException) -> None:
        message = (
            str(error) if isinstance(error, ValueError) else (f"{type(error).__name__}: {error}")
        )
        self.error, self.exception = message, error
        self.headline.value = (
            f"<div style='color:{ERROR_COLOUR};font-weight:bold'>⚠ {html.escape(message)}</div>"
        )
        if self._table_html:
            self.numbers.value = _NOTE.format(_(_STALE_NOTE)) + self._table_html

    # ------------------------------------------------------------------ display

    def static_html(self) -> str:
        """The headline, table and picture as one HTML fragment (no script, no widget)."""
        picture = self._picture if self.draw else ""
        return (
            "<div class='inception-edu-explorer-static'>"
            f"{_NOTE.format(_(_STATIC_NOTE))}<div>{self.headline.value}</div>{self.numbers.value}"
            f"{picture}</div>"
        )

    def __repr__(self) -> str:
        state = f"error: {self.error}" if self.error else _plain(self.headline.value)
        return f"{type(self).__name__}({state})"

    def _repr_mimebundle_(self, **kwargs):
        bundle = widget_bundle(self.widget, **kwargs)
        bundle["text/plain"] = repr(self)
        bundle["text/html"] = self.static_html()
        return bundle


def _plain(fragment: str) -> str:
    """The text of a small HTML fragment (tags dropped, entities decoded)."""
    out, inside = [], False
    for char in fragment:
        if char == "<":
            inside = True
        elif char == ">":
            inside = False
        elif not inside:
            out.append(char)
    return " ".join(html.unescape("".join(out)).split())


def int_slider(
    value: int, description: str, low: int, high: int, label_width: str = "150px"
) -> widgets.IntSlider:
    """An explorer's integer slider: updates on release, the course's label and track widths."""
    return widgets.IntSlider(
        value=value,
        min=low,
        max=high,
        description=description,
        continuous_update=False,
        style={"description_width": label_width},
        layout=widgets.Layout(width="420px"),
    )
