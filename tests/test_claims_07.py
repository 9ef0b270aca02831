"""Claims C25-C28 of the ledger (notebook 07, Inception-v4), asserted on the package's
spec and on the built Keras model, and the notebook's full-size numbers against the
command line's (issue 9, point 4)."""

import re
from pathlib import Path

import pytest
from helpers import printed_text

from inception_edu.analysis import analyze_model
from inception_edu.analysis.sections import section_summaries
from inception_edu.backend import keras
from inception_edu.models import end_points, keras_summary
from inception_edu.zoo.inception_v4 import REDUCTION_A_FILTERS
from inception_edu.zoo.registry import model_spec

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "07_inception_v4.ipynb"


@pytest.fixture(scope="module")
def v4():
    from inception_edu import models

    return models.inception_v4()


@pytest.fixture(scope="module")
def sections():
    return {s.title: s for s in section_summaries(model_spec("inception_v4"))}


def test_c25_the_stem_turns_299x299x3_into_35x35x384(sections, v4):
    stem = sections["stem"]
    assert (stem.input_shape, stem.output_shape) == ((299, 299, 3), (35, 35, 384))
    assert tuple(end_points(v4)["mixed_5a"].shape[1:]) == (35, 35, 384)


def test_c25_the_stem_grid_shrinks_only_at_valid_layers(sections):
    summary = analyze_model(model_spec("inception_v4"))
    sides = [summary.block(name).output_shape[0] for name in sections["stem"].stages]
    assert sides == [149, 147, 147, 73, 71, 35]


def test_c26_four_a_seven_b_three_c_on_their_grids(sections, v4):
    expected = {
        "Inception-A": (4, (35, 35, 384)),
        "Inception-B": (7, (17, 17, 1024)),
        "Inception-C": (3, (8, 8, 1536)),
    }
    for title, (count, shape) in expected.items():
        section = sections[title]
        assert len(section.stages) == count and section.repeated
        assert section.input_shape == shape == section.output_shape
    points = end_points(v4)
    assert tuple(points["inception_b_7"].shape[1:]) == (17, 17, 1024)
    assert tuple(points["inception_c_3"].shape[1:]) == (8, 8, 1536)


def test_c27_inception_v4_builds_reduction_a_with_its_row_of_table_1(sections):
    k, l, m, n = REDUCTION_A_FILTERS["inception_v4"]  # noqa: E741
    assert (k, l, m, n) == (192, 224, 256, 384)
    assert sections["Reduction-A"].output_shape == (17, 17, 384 + n + m)


def test_c28_average_pool_dropout_0_2_softmax(v4):
    pool, dropout, dense = v4.layers[-3:]
    assert isinstance(pool, keras.layers.GlobalAveragePooling2D)
    assert isinstance(dropout, keras.layers.Dropout) and dropout.rate == pytest.approx(0.2)
    assert isinstance(dense, keras.layers.Dense) and dense.units == 1000
    assert dense.get_config()["activation"] == "softmax"


def test_the_published_count_is_keras_count_less_one_per_batch_norm_channel(v4):
    channels = sum(
        layer.beta.shape[0]
        for layer in v4.layers
        if isinstance(layer, keras.layers.BatchNormalization)
    )
    # the published count: imgclsmob's InceptionV4 row, timm's inception_v4.tf_in1k
    assert v4.count_params() - channels == 42_679_816


def test_the_notebook_prints_what_the_command_line_reports(v4):
    """Issue 9, point 4: the full-size numbers of notebook 07 are `summarize --keras`'s.

    ``summarize --keras`` reports ``keras_summary`` of the built model (tests/test_cli.py
    covers the command line itself); it is read here off the module's one full-size v4.
    """
    printed = printed_text(NOTEBOOK.name)
    found = re.search(r"Inception-v4 on 299x299x3: ([\d,]+) parameters, ([\d,]+) multiply", printed)
    assert found, "notebook 07 no longer prints its full-size totals"
    params, macs = (int(group.replace(",", "")) for group in found.groups())
    reported = keras_summary(v4).as_dict()
    assert (params, macs) == (reported["total_params"], reported["total_macs"])
