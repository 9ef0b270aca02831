"""One way to make a figure for the course: a matplotlib ``Figure`` outside pyplot.

Figures made here are not registered with pyplot, so widget redraws don't pile up open
figures and a notebook cell that returns one shows it once. In IPython, the first call
registers the formatter that displays a returned ``Figure`` as a PNG (pyplot's inline
backend would only do so once a pyplot figure had been made), with the figure's titles
and axis labels as its ``alt`` text (:mod:`~inception_edu.viz.alt_text`).
"""

from matplotlib.figure import Figure

_display_ready = False


def _register_notebook_display() -> None:
    global _display_ready
    _display_ready = True
    try:
        from IPython import get_ipython
        from IPython.core.pylabtools import select_figure_formats
    except ImportError:  # plain Python: nothing to display on
        return
    shell = get_ipython()
    if shell is not None:
        select_figure_formats(shell, {"png"})
        from inception_edu.viz.alt_text import register_alt_text

        register_alt_text(shell)  # the figure's own words as its alt text (the website)


def new_figure(**kwargs) -> Figure:
    """A ``Figure(**kwargs)`` that a notebook cell can display by returning it."""
    if not _display_ready:
        _register_notebook_display()
    return Figure(**kwargs)
