"""``widget_bundle``: what ``display(widget)`` sends, on ipywidgets 7 (Colab's) and 8.

``make test-envs`` runs this file and every explorer's tests with ipywidgets 7.7.1 in its
Colab stand-in; here they run on the pinned ipywidgets."""

import ipywidgets as widgets
import pytest
from IPython.core.formatters import DisplayFormatter

from inception_edu.widgets.base import Explorer
from inception_edu.widgets.compat import VIEW_MIME, widget_bundle


def test_the_bundle_names_the_widgets_model_for_the_front_end():
    slider = widgets.IntSlider(value=3)
    bundle = widget_bundle(slider)
    assert bundle[VIEW_MIME] == {
        "version_major": 2,
        "version_minor": 0,
        "model_id": slider.model_id,
    }
    assert bundle["text/plain"].startswith("IntSlider(")


def test_a_closed_widget_has_no_view():
    slider = widgets.IntSlider()
    slider.close()
    assert widget_bundle(slider) == {}


def test_an_explorer_bundle_carries_its_live_view_and_a_static_copy():
    class Doubler(Explorer):
        def __init__(self):
            self.slider = widgets.IntSlider(value=2, min=0, max=10)
            super().__init__([self.slider])

        def transform(self):
            return self.slider.value

        def analyze(self, spec):
            return {"doubled": 2 * spec}

        def headline_html(self):
            return f"doubled {self.doubled}"

        def table(self):
            class Table:
                def html(self_inner):
                    return "<table></table>"

            return Table()

        def render(self, spec):
            return f"<svg><text>{spec}</text></svg>"

    explorer = Doubler()
    explorer.slider.value = 5  # an update
    bundle, _ = DisplayFormatter().format(explorer)  # as IPython's display() asks for it
    assert bundle[VIEW_MIME]["model_id"] == explorer.widget.model_id
    assert "doubled 10" in bundle["text/html"] and "<text>5</text>" in bundle["text/html"]
    assert bundle["text/plain"] == "Doubler(doubled 10)"


@pytest.mark.parametrize("thing", [None, "slider", 3])
def test_a_non_widget_is_refused(thing):
    with pytest.raises(ValueError, match="must be an ipywidgets Widget. Received"):
        widget_bundle(thing)
