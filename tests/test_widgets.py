"""The explorers, driven from Python as a learner drives them with the mouse.

Each test sets a control's ``value`` (what a click does, through the same observer) and
reads the numbers, the page's HTML and the picture the explorer shows.
"""

import pytest
from helpers import svg_texts

from inception_edu.spec.nodes import Concat, Conv, Sequence
from inception_edu.spec.ops import conv_bn, split_1x3_3x1
from inception_edu.widgets.base import Explorer
from inception_edu.widgets.blocks import (
    BlockExplorer,
    NaiveVsBottleneck,
    StackExplorer,
    stack_growth,
)
from inception_edu.zoo.googlenet import INPUT_3A, module, naive_inception_module
from inception_edu.zoo.inception_resnet import block
from inception_edu.zoo.inception_v3 import inception_c

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def explorer_3a():
    return BlockExplorer(module("3a"), INPUT_3A)


# --------------------------------------------------------------------------- BlockExplorer


def test_unticking_the_5x5_branch_drops_exactly_its_channels_and_parameters(explorer_3a):
    before_params, before_draws = explorer_3a.summary.params, explorer_3a.redraws
    assert explorer_3a.output_channels == 256
    assert "concatenate → 28x28x256" in svg_texts(explorer_3a.diagram.value)
    explorer_3a.checkboxes["b3"].value = False
    five_by_five = (192 * 16 + 16) + (5 * 5 * 16 * 32 + 32)  # reduce and 5x5, with biases
    assert explorer_3a.output_channels == 256 - 32
    assert explorer_3a.summary.params == before_params - five_by_five
    assert "output 28x28x224" in explorer_3a.headline.value
    assert explorer_3a.redraws == before_draws + 1
    assert "b3" not in explorer_3a.branch_numbers()
    assert explorer_3a.sliders[("b3", "5x5")].disabled  # greyed out while unticked
    assert not explorer_3a.sliders[("b2", "3x3")].disabled
    texts = svg_texts(explorer_3a.diagram.value)
    assert "concatenate → 28x28x224" in texts and "5x5 conv, 32" not in texts


def test_a_filter_slider_changes_channels_cost_table_and_picture(explorer_3a):
    before = explorer_3a.summary
    explorer_3a.sliders[("b2", "3x3")].value = 64
    assert explorer_3a.output_channels == 256 - 64
    assert before.macs - explorer_3a.summary.macs == 9 * 96 * 64 * 28 * 28
    assert explorer_3a.branch_numbers()["b2"][0] == 64
    assert "<td style='padding:2px 10px;text-align:right'>64</td>" in explorer_3a.numbers.value
    assert "3x3 conv, 64" in svg_texts(explorer_3a.diagram.value)


def test_no_branch_ticked_is_shown_on_the_widget_and_it_recovers(explorer_3a):
    for name in ("b1", "b2", "b3"):
        explorer_3a.checkboxes[name].value = False
    picture, draws = explorer_3a.diagram.value, explorer_3a.redraws
    explorer_3a.checkboxes["b4"].value = False  # nothing left to concatenate
    assert "at least one branch" in explorer_3a.error
    assert "at least one branch" in explorer_3a.headline.value
    assert "color:#b00020" in explorer_3a.headline.value  # red, on the widget itself
    assert explorer_3a.diagram.value == picture and explorer_3a.redraws == draws
    assert "last settings that worked" in explorer_3a.numbers.value
    assert explorer_3a.output_channels == 32  # the last settings that worked: b4 alone
    explorer_3a.checkboxes["b1"].value = True
    assert explorer_3a.error is None and explorer_3a.output_channels == 64
    assert "output 28x28x64" in explorer_3a.headline.value
    assert "last settings" not in explorer_3a.numbers.value
    assert explorer_3a.redraws == draws + 1


def test_any_exception_while_updating_is_shown_and_the_next_change_works(explorer_3a, monkeypatch):
    def broken(spec):
        raise RuntimeError("the renderer broke")

    picture = explorer_3a.diagram.value
    monkeypatch.setattr(explorer_3a, "render", broken)
    explorer_3a.sliders[("b1", "1x1")].value = 10
    assert explorer_3a.error == "RuntimeError: the renderer broke"
    assert "RuntimeError: the renderer broke" in explorer_3a.headline.value
    assert isinstance(explorer_3a.exception, RuntimeError)
    assert explorer_3a.diagram.value == picture  # the last good picture stays
    monkeypatch.undo()
    explorer_3a.sliders[("b1", "1x1")].value = 11
    assert explorer_3a.error is None and explorer_3a.output_channels == 256 - 64 + 11
    assert "1x1 conv, 11" in svg_texts(explorer_3a.diagram.value)

    monkeypatch.setattr(explorer_3a, "analyze", lambda spec: 1 / 0)
    explorer_3a.checkboxes["b2"].value = False
    assert explorer_3a.error.startswith("ZeroDivisionError")


def test_numbers_reach_the_page_before_the_picture(explorer_3a):
    sent = []
    for name in ("headline", "numbers", "diagram"):
        getattr(explorer_3a, name).observe(lambda change, n=name: sent.append(n), "value")
    explorer_3a.sliders[("b3", "5x5")].value = 40
    assert sent == ["headline", "numbers", "diagram"]


def test_the_naive_block_explorer_and_bad_arguments():
    explorer = BlockExplorer(naive_inception_module("naive", 64, 128, 32), INPUT_3A, draw=False)
    assert explorer.output_channels == 416 and explorer.redraws == 0
    assert explorer.diagram.value == "" and explorer.diagram.layout.display == "none"
    explorer.checkboxes["b4"].value = False  # the pool branch carries all 192 channels
    assert explorer.output_channels == 224
    with pytest.raises(ValueError, match="Concat or Residual block. Received: block=Sequence"):
        BlockExplorer(Sequence("s", (Conv("c", 4, 1),)), INPUT_3A)
    with pytest.raises(ValueError, match="cannot concatenate"):
        BlockExplorer(naive_inception_module("naive", 64, 128, 32, padding="valid"), INPUT_3A)
    with pytest.raises(ValueError, match="draw must be True or False. Received: draw='yes'"):
        BlockExplorer(module("3a"), INPUT_3A, draw="yes")


def test_a_residual_block_keeps_its_channels_and_shows_its_projection():
    explorer = BlockExplorer(block("v2", "a", "inception_resnet_a_1", 0.17), (35, 35, 320))
    params = explorer.summary.params
    assert explorer.output_channels == 320
    assert "1x1 projection" in explorer.numbers.value
    explorer.checkboxes["b3"].value = False
    assert explorer.output_channels == 320 and explorer.summary.params < params
    assert "shortcut: x" in svg_texts(explorer.diagram.value)
    for box in explorer.checkboxes.values():
        box.value = False
    assert "add to the input" in explorer.error


def test_nested_splits_get_a_slider_each():
    explorer = BlockExplorer(inception_c("mixed_7b"), (8, 8, 1280), draw=False)
    assert ("b2", "split", "1x3") in explorer.sliders
    explorer.sliders[("b2", "split", "1x3")].value = 100
    assert explorer.output_channels == 2048 - 384 + 100


def test_a_branch_that_is_a_bare_op_has_its_numbers():
    explorer = BlockExplorer(split_1x3_3x1(8), (8, 8, 16), draw=False)
    assert explorer.branch_numbers() == {
        "1x3": (8, 3 * 16 * 8 + 3 * 8, 3 * 16 * 8 * 64),
        "3x1": (8, 3 * 16 * 8 + 3 * 8, 3 * 16 * 8 * 64),
    }


# --------------------------------------------------------------------------- NaiveVsBottleneck


def test_naive_vs_bottleneck_ratio_follows_the_sliders():
    panel = NaiveVsBottleneck()
    assert panel.ratio == pytest.approx(2.37, abs=0.005)
    assert panel.naive.output_shape == (28, 28, 416)
    assert panel.bottleneck.output_shape == (28, 28, 256)
    assert "2.37x" in panel.headline.value
    draws = panel.redraws
    panel.sliders["ch3x3red"].value = 192  # a "reduction" that reduces nothing
    assert panel.ratio < 2.37 and panel.redraws == draws + 1
    assert f"{panel.ratio:.2f}x" in panel.headline.value
    texts = svg_texts(panel.diagram.value)
    assert "1x1 conv, 192" in texts and "concatenate → 28x28x416" in texts  # both drawn


def test_naive_vs_bottleneck_every_slider_step_changes_the_headline():
    panel = NaiveVsBottleneck(draw=False)
    for key, slider in panel.sliders.items():
        before = panel.headline.value
        slider.value += 1
        assert panel.headline.value != before, key


def test_naive_vs_bottleneck_checks_its_arguments():
    with pytest.raises(ValueError, match=r"Unknown columns \['foo'\]"):
        NaiveVsBottleneck(foo=3)
    with pytest.raises(ValueError, match="ch5x5red must be an int >= 1. Received: ch5x5red=0"):
        NaiveVsBottleneck(ch5x5red=0)
    with pytest.raises(ValueError, match="input_shape"):
        NaiveVsBottleneck(None)
    assert NaiveVsBottleneck(ch5x5red=24, draw=False).sliders["ch5x5red"].value == 24


# --------------------------------------------------------------------------- stacks


def test_stacked_naive_blocks_grow_by_224_channels_each():
    growth = stack_growth(4)
    assert [channels for channels, _ in growth["naive"]] == [416, 640, 864, 1088]
    assert [channels for channels, _ in growth["bottleneck"]] == [256] * 4
    naive_cost = [macs for _, macs in growth["naive"]]
    assert all(b - a > 0 for a, b in zip(naive_cost, naive_cost[1:], strict=False))
    with pytest.raises(ValueError, match="blocks must be an int >= 1. Received: blocks=0"):
        stack_growth(0)
    with pytest.raises(ValueError, match="naive_filters must be"):
        stack_growth(2, INPUT_3A, (64, 128))
    with pytest.raises(ValueError, match="naive_filters 3x3 must be an int >= 1"):
        stack_growth(2, INPUT_3A, (64, 0, 32))


def test_stack_explorer_starts_at_its_largest_stack_and_follows_the_slider():
    explorer = StackExplorer()
    assert explorer.slider.value == explorer.slider.max == 4
    assert len(explorer.growth["naive"]) == 4 and explorer.redraws == 1
    assert "after 4 blocks: naive 1088 channels" in explorer.headline.value
    explorer.slider.value = 3
    assert len(explorer.growth["naive"]) == 3 and explorer.redraws == 2
    assert "1088" not in explorer.numbers.value and "864" in explorer.numbers.value
    texts = svg_texts(explorer.diagram.value)
    assert "output channels" in texts and "naive blocks" in texts
    assert StackExplorer(max_blocks=7, draw=False).slider.value == 7


def test_stack_explorer_follows_the_naive_filters():
    explorer = StackExplorer(naive_filters=(8, 8, 8), draw=False)
    explorer.slider.value = 2
    assert [channels for channels, _ in explorer.growth["naive"]] == [216, 240]


def test_stack_explorer_checks_its_arguments():
    with pytest.raises(
        ValueError, match="max_blocks must be an int in \\[1, 12\\]. Received: max_blocks=0"
    ):
        StackExplorer(max_blocks=0)
    with pytest.raises(ValueError, match="max_blocks"):
        StackExplorer(max_blocks=2.5)
    with pytest.raises(ValueError, match="input_shape"):
        StackExplorer(None)
    with pytest.raises(ValueError, match="naive_filters"):
        StackExplorer(naive_filters="abc")


# --------------------------------------------------------------------------- display


@pytest.mark.parametrize(
    "make",
    [
        lambda: BlockExplorer(module("3a"), INPUT_3A),
        lambda: NaiveVsBottleneck(),
        lambda: StackExplorer(),
    ],
    ids=["block", "naive_vs_bottleneck", "stack"],
)
def test_the_stored_output_carries_a_static_fallback(make):
    explorer = make()
    bundle = explorer._repr_mimebundle_()
    assert bundle[WIDGET_VIEW]["model_id"] == explorer.widget.model_id
    static = bundle["text/html"]
    assert "<table>" in static and "<svg" in static and "<script" not in static
    assert explorer.headline.value in static
    assert svg_texts(static) == svg_texts(explorer.diagram.value)
    assert bundle["text/plain"].startswith(type(explorer).__name__ + "(")
    assert make()._repr_mimebundle_()["text/html"] == static  # deterministic, for nbval


def test_the_static_fallback_follows_the_controls(explorer_3a):
    explorer_3a.checkboxes["b3"].value = False
    static = explorer_3a._repr_mimebundle_()["text/html"]
    assert "output 28x28x224" in static and "5x5 conv, 32" not in svg_texts(static)


def test_an_explorer_is_a_small_subclass():
    """The base class runs the loop; a subclass says what the controls mean."""
    import ipywidgets as widgets

    from inception_edu.analysis import Table, analyze
    from inception_edu.viz.diagrams import block_svg

    class OneConv(Explorer):
        def __init__(self):
            self.slider = widgets.IntSlider(value=8, min=1, max=64)
            super().__init__([self.slider])

        def transform(self):
            return Concat("one", (conv_bn(self.slider.value, 3),))

        def analyze(self, spec):
            return {"summary": analyze(spec, (8, 8, 4))}

        def headline_html(self):
            return f"{self.summary.params} parameters"

        def table(self):
            return Table(("params",), ((self.summary.params,),))

        def render(self, spec):
            return block_svg(spec, (8, 8, 4))

    explorer = OneConv()
    with pytest.raises(ValueError, match="the controls it observes"):
        Explorer(widgets.VBox([widgets.IntSlider()]))  # a container, nothing observed
    assert explorer.summary.params == 3 * 3 * 4 * 8 + 3 * 8
    explorer.slider.value = 16
    assert explorer.headline.value == f"{3 * 3 * 4 * 16 + 3 * 16} parameters"
    assert explorer.redraws == 2


def _explorer_classes(base):
    for cls in base.__subclasses__():
        yield cls
        yield from _explorer_classes(cls)


def test_a_misspelt_keyword_to_any_explorer_or_the_training_panel_is_a_clear_valueerror():
    import inception_edu.experiments.residual_scaling  # noqa: F401
    import inception_edu.experiments.transfer.explorers  # noqa: F401
    import inception_edu.widgets.factorization  # noqa: F401  (every explorer module loaded)
    import inception_edu.widgets.recipe  # noqa: F401
    import inception_edu.widgets.reduction  # noqa: F401
    import inception_edu.widgets.stages  # noqa: F401
    from inception_edu.widgets.base import Explorer
    from inception_edu.widgets.training import TrainingPanel

    classes = sorted(set(_explorer_classes(Explorer)), key=lambda c: c.__name__)
    assert len(classes) >= 12
    for cls in [*classes, TrainingPanel]:
        with pytest.raises(ValueError, match=r"drwa|Allowed") as raised:
            cls(drwa=False)
        assert "TypeError" not in str(raised.value), cls.__name__
