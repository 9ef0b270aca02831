"""Section summaries, the share chart and the stage explorer (notebook 07)."""

import pytest
from helpers import svg_texts

from inception_edu.analysis import analyze_model
from inception_edu.analysis.sections import section_summaries, sections_table
from inception_edu.spec.nodes import Sequence
from inception_edu.viz.charts import share_bars_svg
from inception_edu.widgets.stages import StageExplorer, section_node
from inception_edu.zoo.registry import MODELS, model_spec


@pytest.mark.parametrize("model", MODELS)
def test_sections_add_up_to_the_whole_network(model):
    spec = model_spec(model)
    summary = analyze_model(spec)
    rows = section_summaries(spec)
    assert sum(r.params for r in rows) == summary.total_params
    assert sum(r.macs for r in rows) == summary.total_macs
    assert sum(r.params_share for r in rows) == pytest.approx(1.0)
    assert rows[0].input_shape == summary.input_shape
    assert [name for r in rows for name in r.stages] == list(spec.stage_names)


def test_sections_follow_the_grid_at_another_input_size():
    rows = {r.title: r for r in section_summaries(model_spec("inception_v4"), (75, 75, 3))}
    assert rows["stem"].output_shape == (7, 7, 384)
    assert rows["Inception-C"].input_shape == (1, 1, 1536)
    assert rows["Inception-B"].label == "7 x Inception-B"


def test_sections_table_marks_the_chosen_section_and_totals():
    rows = section_summaries(model_spec("inception_v4"))
    text = sections_table(rows, chosen=3).text()
    assert "▶ 7 x Inception-B" in text and text.count("▶") == 1
    assert "42,711,400" in text.splitlines()[-1]


@pytest.mark.parametrize(
    "call",
    [
        lambda: section_summaries("inception_v4"),
        lambda: sections_table([]),
        lambda: sections_table(section_summaries(model_spec("inception_v4")), chosen=7),
        lambda: share_bars_svg(["a", "b"], {"x": [0.5]}, "t"),
        lambda: share_bars_svg(["a"], {"x": [0.5]}, "t", highlight=1),
    ],
)
def test_bad_input_is_a_value_error(call):
    with pytest.raises(ValueError):
        call()


def test_share_bars_label_each_share_in_percent():
    svg = share_bars_svg(["stem", "body"], {"params": [0.25, 0.75]}, "shares", highlight=1)
    assert {"stem", "body", "25%", "75%", "params"} <= set(svg_texts(svg))


def test_a_stem_is_drawn_as_its_stages_and_a_repeated_section_as_one_block():
    spec = model_spec("inception_v4")
    stem = section_node(spec, 0)
    assert isinstance(stem, Sequence) and len(stem.ops) == len(spec.sections[0].stages)
    assert section_node(spec, 3).name == "inception_b_1"


def test_the_explorer_reports_the_chosen_section():
    explorer = StageExplorer("inception_v4", section="Inception-B")
    assert explorer.error is None
    assert explorer.chosen.title == "Inception-B"
    assert explorer.chosen.input_shape == (17, 17, 1024)
    assert "48.2% of the network" in explorer.headline.value
    assert "Inception-B, 1 of 7 on 17x17x1024" in svg_texts(explorer.diagram.value)
    explorer.section.value = 5
    assert explorer.chosen.title == "Inception-C" and explorer.chosen.input_shape == (8, 8, 1536)


def test_the_input_size_changes_shapes_and_cost_not_parameters():
    explorer = StageExplorer("inception_v4", section="Inception-C")
    params, macs = explorer.chosen.params, explorer.chosen.macs
    explorer.input_size.value = 75
    assert explorer.chosen.input_shape == (1, 1, 1536)
    assert explorer.chosen.params == params and explorer.chosen.macs < macs / 50


def test_another_network_resets_sections_and_input_in_one_update():
    explorer = StageExplorer("inception_v4", section="Reduction-B", input_size=150)
    redraws = explorer.redraws
    explorer.network.value = "googlenet"
    assert explorer.redraws == redraws + 1
    assert explorer.section.value == 0 and explorer.input_size.value == 224
    assert explorer.summary.model == "googlenet" and explorer.error is None
    labels = [label for label, _ in explorer.section.options]
    assert len(labels) == len(set(labels))  # GoogLeNet's two max pools are told apart


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(model="resnet50"),
        dict(section="Inception-Z"),
        dict(input_size=74),
        dict(input_size="big"),
        dict(draw="yes"),
    ],
)
def test_bad_arguments_name_what_is_allowed(kwargs):
    with pytest.raises(ValueError):
        StageExplorer(**kwargs)


def test_the_static_copy_shows_the_table_and_both_pictures():
    html = StageExplorer(section="stem").static_html()
    texts = svg_texts(html)
    assert "each section's share of the network" in texts and "3x3 conv /2 V, 32" in texts
    assert "stem" in html and "42,711,400" in html
