"""The analytic engine on its own: shape rules, counts, tables and clear errors."""

import pytest

from inception_edu.analysis import Table, analyze, analyze_model, blocks_table
from inception_edu.analysis.engine import conv_output_size
from inception_edu.spec.nodes import Concat, Conv, Dense, Pool, Residual, Sequence
from inception_edu.zoo import model_spec
from inception_edu.zoo.googlenet import inception_module, naive_inception_module


@pytest.mark.parametrize(
    "size, kernel, stride, padding, expected",
    [
        (28, 3, 1, "same", 28),
        (299, 3, 2, "valid", 149),
        (147, 3, 2, "valid", 73),
        (35, 3, 2, "valid", 17),
        (17, 3, 2, "valid", 8),
        (112, 3, 2, "same", 56),
        (7, 7, 1, "valid", 1),
    ],
)
def test_conv_output_size(size, kernel, stride, padding, expected):
    assert conv_output_size(size, kernel, stride, padding, "x") == expected


def test_inception_3a_counts_from_table_1_columns():
    block = analyze(inception_module("inception_3a", 64, 96, 128, 16, 32, 32), (28, 28, 192))
    assert block.output_shape == (28, 28, 256)
    kernels = 192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32
    biases = 64 + 96 + 128 + 16 + 32 + 32
    assert (block.kernel_params, block.params) == (kernels, kernels + biases)
    assert block.macs == kernels * 28 * 28
    branch_outputs = {row.name: row.output_shape for row in block.layers}
    assert branch_outputs["inception_3a_b2_3x3"] == (28, 28, 128)
    assert branch_outputs["inception_3a_b4_pool_proj"] == (28, 28, 32)


def test_batch_norm_adds_three_numbers_per_channel_and_no_bias():
    conv = analyze(Conv("c", 8, 3), (5, 5, 4))
    assert conv.params == 3 * 3 * 4 * 8 + 3 * 8
    assert conv.macs == 3 * 3 * 4 * 8 * 25


def test_naive_module_with_valid_padding_cannot_concatenate():
    with pytest.raises(
        ValueError,
        match="cannot concatenate.*b1 gives 28x28x64 but b2 gives 26x26x128.*padding='same'",
    ):
        analyze(naive_inception_module("naive", 64, 128, 32, padding="valid"), (28, 28, 192))


def test_valid_window_larger_than_the_map_names_the_layer():
    with pytest.raises(ValueError, match="'tiny': a 'valid' 3-wide window does not fit a 2-wide"):
        analyze(Conv("tiny", 4, 3, padding="valid"), (2, 2, 3))


def test_a_reduction_that_leaves_nothing_names_the_layer():
    stack = Sequence("s", (Conv("a", 4, 3, 2, "valid"), Conv("b", 4, 3, 2, "valid")))
    with pytest.raises(ValueError, match="'s_b': a 'valid' 3-wide window does not fit a 2-wide"):
        analyze(stack, (5, 5, 3))


def test_residual_projection_must_match_its_input():
    block = Residual("r", (Sequence("b1", (Conv("1x1", 8, 1),)),), projection_filters=16)
    with pytest.raises(ValueError, match="projection has 16 filters but its input has 32"):
        analyze(block, (9, 9, 32))
    assert analyze(block, (9, 9, 16)).output_shape == (9, 9, 16)


def test_residual_branches_must_keep_the_grid():
    block = Residual("r", (Sequence("b1", (Conv("3x3", 8, 3, 2),)),))
    with pytest.raises(ValueError, match="branches give a 5x5 grid but its input is 9x9"):
        analyze(block, (9, 9, 8))


def test_residual_counts_its_linear_projection():
    block = Residual(
        "r", (Sequence("b1", (Conv("1x1", 8, 1),)), Sequence("b2", (Conv("1x1", 4, 1),))), scale=0.2
    )
    summary = analyze(block, (6, 6, 32))
    up = next(row for row in summary.layers if row.name == "r_up")
    assert (up.params, up.kernel_params) == (12 * 32 + 32, 12 * 32)  # bias, no batch-norm


def test_dense_needs_a_flat_input_and_duplicate_names_are_refused():
    with pytest.raises(ValueError, match="needs a flat vector"):
        analyze(Dense("fc", 3), (4, 4, 2))
    twin = Concat("c", (Sequence("b", (Pool("p", "max"),)), Sequence("b", (Pool("p", "max"),))))
    with pytest.raises(ValueError, match="Two layers would be named 'c_b_p'"):
        analyze(twin, (4, 4, 2))


def test_model_summary_tables_and_dict():
    summary = analyze_model(model_spec("googlenet", width=0.25, depth=0.5), (32, 32, 3))
    text = summary.table()
    assert text.splitlines()[0] == "googlenet on 32x32x3"
    assert f"{summary.total_params:,}" in text.splitlines()[-1]
    assert "<table>" in summary._repr_html_()
    assert "inception_3a" in blocks_table(summary.blocks).html()
    data = summary.as_dict()
    assert set(data) == {
        "model",
        "input_shape",
        "classes",
        "total_params",
        "total_kernel_params",
        "total_macs",
        "blocks",
    }
    assert data["blocks"][0] == {
        "name": "conv1_7x7_s2",
        "output_shape": [16, 16, 16],
        "params": 7 * 7 * 3 * 16 + 16,
        "kernel_params": 7 * 7 * 3 * 16,
        "macs": 7 * 7 * 3 * 16 * 16 * 16,
    }
    assert blocks_table(summary.blocks[:1]).text().count("\n") == 4  # rules above and below


def test_the_analytic_engine_never_imports_tensorflow():
    import subprocess
    import sys

    code = (
        "import sys; from inception_edu.cli import main; main(['summarize', "
        "'inception_v4', '--json']); assert 'tensorflow' not in sys.modules, 'imported TF'; "
        "assert 'keras' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


@pytest.mark.parametrize("node", [None, "inception_3a", 3])
def test_analyze_refuses_what_is_not_a_spec(node):
    with pytest.raises(ValueError, match="needs a spec node"):
        analyze(node, (8, 8, 3))
    with pytest.raises(ValueError, match="needs a ModelSpec"):
        analyze_model(node, (224, 224, 3))


def test_the_class_count_is_the_specs_own():
    """``analyze_model(model_spec("googlenet", classes=10))`` reports 10, not 1000."""
    summary = analyze_model(model_spec("googlenet", classes=10), (224, 224, 3))
    assert summary.classes == 10 and summary.blocks[-1].output_shape == (10,)
    assert summary.as_dict()["classes"] == 10


def test_grouped_convolution_counts_a_kernel_per_group():
    grouped = analyze(Conv("g", 8, 3, groups=2, batch_norm=False, use_bias=True), (5, 5, 6))
    assert grouped.kernel_params == 3 * 3 * 3 * 8 and grouped.params == 3 * 3 * 3 * 8 + 8
    with pytest.raises(ValueError, match="5 input channels do not split into 2 groups"):
        analyze(Conv("g", 8, 3, groups=2), (5, 5, 5))


def test_a_residual_block_without_shortcut_scales_but_does_not_add():
    block = Residual("r", (Sequence("b1", (Conv("1x1", 8, 1),)),), scale=0.2, shortcut=False)
    rows = analyze(block, (6, 6, 16)).layers
    assert [row.kind for row in rows][-1] == "scale 0.2"
    assert rows[-1].name == "r_scale"  # a ReLU follows and carries the block's name


def test_the_table_writer_gives_the_same_rows_as_text_and_html():
    table = Table(("name", "count"), (("a", "1,024"), ("total", "1,024")), "t", bold_last=True)
    assert table.text().splitlines() == [
        "t",
        "name   count",
        "------------",
        "a      1,024",
        "------------",
        "total  1,024",
    ]
    assert "<caption" in table.html() and "font-weight:bold" in table.html()
    assert str(table) == table.text() and table._repr_html_() == table.html()


def test_table_helpers_name_what_they_need():
    from inception_edu.analysis import blocks_table, default_input_shape

    with pytest.raises(ValueError, match="default_input_shape needs a ModelSpec.*Received: str"):
        default_input_shape("googlenet")
    with pytest.raises(ValueError, match="blocks must be a list of NodeSummary or LayerRow"):
        blocks_table("inception_3a")
