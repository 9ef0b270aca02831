"""The capstone's design format: a block as JSON, both ways, with clear errors (issue 23).

Pure Python: no TensorFlow, each test in milliseconds.
"""

import copy
import json
import re

import pytest

from inception_edu.analysis import analyze
from inception_edu.experiments.capstone import (
    BLOCK_INPUT,
    FORMAT,
    VERSION,
    design_to_spec,
    load_design,
    reference_blocks,
    reference_designs,
    save_design,
    spec_to_design,
)
from inception_edu.spec.nodes import Concat, Residual
from inception_edu.spec.ops import conv_bn, conv_relu, scaled
from inception_edu.zoo import googlenet, inception_resnet, inception_v3

#: One of every kind of operation the format holds: a 1x1, a reduce then an n x n, a
#: factorized 1 x n + n x 1, stacked 3x3s, a named op, a 2014 convolution, a pool branch
#: with its projection.
EVERY_KIND = {
    "format": FORMAT,
    "version": VERSION,
    "name": "Ana's block",
    "author": "Ana",
    "combine": "concat",
    "branches": [
        [{"op": "conv", "kernel": 1, "filters": 8}],
        [{"op": "conv", "kernel": 1, "filters": 8}, {"op": "conv", "kernel": 5, "filters": 12}],
        [
            {"op": "conv", "kernel": 1, "filters": 6, "name": "reduce"},
            {"op": "conv", "kernel": [1, 3], "filters": 8},
            {"op": "conv", "kernel": [3, 1], "filters": 8, "batch_norm": False},
        ],
        [
            {"op": "conv", "kernel": 3, "filters": 8},
            {"op": "conv", "kernel": 3, "filters": 8},
        ],
        [{"op": "pool", "kind": "avg", "size": 3}, {"op": "conv", "kernel": 1, "filters": 4}],
    ],
}

STRIDED = {
    "format": FORMAT,
    "version": VERSION,
    "name": "strided",
    "combine": "concat",
    "branches": [
        [{"op": "conv", "kernel": 3, "filters": 8, "stride": 2}],
        [{"op": "pool", "kind": "max", "size": 2, "stride": 2, "padding": "valid"}],
    ],
}

RESIDUAL = {
    "format": FORMAT,
    "version": VERSION,
    "name": "residual",
    "combine": {"residual": 0.2},
    "branches": [
        [{"op": "conv", "kernel": 1, "filters": 8}],
        [{"op": "conv", "kernel": 1, "filters": 8}, {"op": "conv", "kernel": 3, "filters": 8}],
    ],
}


@pytest.mark.parametrize("design", [EVERY_KIND, STRIDED, RESIDUAL], ids=lambda d: d["name"])
def test_saved_and_loaded_gives_the_same_spec_parameters_and_multiply_adds(design, tmp_path):
    block = design_to_spec(design)
    path = save_design(design, tmp_path / "design.json")
    loaded = load_design(path)
    again = design_to_spec(loaded)
    assert again == block
    before, after = analyze(block, BLOCK_INPUT), analyze(again, BLOCK_INPUT)
    assert (after.params, after.macs, after.output_shape) == (
        before.params,
        before.macs,
        before.output_shape,
    )
    assert loaded["name"] == design["name"] and loaded.get("author") == design.get("author")


def test_the_design_is_the_block_it_says():
    block = design_to_spec(EVERY_KIND)
    assert isinstance(block, Concat) and block.name == "Ana_s_block"
    factorized = block.branches[2].ops
    assert [op.name for op in factorized] == ["reduce", "0b_1x3", "0c_3x1"]
    assert [op.kernel for op in factorized] == [(1, 1), (1, 3), (3, 1)]
    assert factorized[2].batch_norm is False and factorized[2].use_bias is True
    assert analyze(block, BLOCK_INPUT).output_shape == (8, 8, 8 + 12 + 8 + 8 + 4)
    assert analyze(design_to_spec(STRIDED), BLOCK_INPUT).output_shape == (4, 4, 8 + 48)
    residual = design_to_spec(RESIDUAL)
    assert isinstance(residual, Residual) and residual.scale == 0.2
    assert analyze(residual, BLOCK_INPUT).output_shape == BLOCK_INPUT


def test_the_references_are_the_zoos_modules_and_their_designs_give_them_back():
    blocks = reference_blocks()
    assert list(blocks) == ["naive", "inception(3a)", "v3 Inception-A", "Inception-ResNet-A"]

    def w(filters):
        return scaled(filters, 0.25)

    assert blocks["inception(3a)"] == googlenet.inception_module(
        "inception_3a", *map(w, googlenet.MODULES["3a"]), conv=conv_bn
    )
    assert reference_blocks(batch_norm=False)["inception(3a)"] == googlenet.module("3a", width=0.25)
    assert reference_blocks(batch_norm=False)["naive"] == googlenet.naive_inception_module(
        "naive", 16, 32, 8, conv=conv_relu
    )
    assert blocks["v3 Inception-A"] == inception_v3.inception_a("inception_a", 32, w)
    assert blocks["Inception-ResNet-A"] == inception_resnet.block(
        "v1", "a", "inception_resnet_a", 0.17, w
    )
    for label, design in reference_designs().items():
        assert design["name"] == label
        assert design_to_spec(design).branches == blocks[label].branches
        assert spec_to_design(design_to_spec(design), label) == design
    # at a quarter of Table 1, on a quarter of 3a's input: the module gives 256 / 4 channels
    assert analyze(blocks["inception(3a)"], BLOCK_INPUT).output_shape == (8, 8, 64)


def test_spec_to_design_refuses_what_the_format_cannot_hold():
    split = inception_v3.inception_c("mixed_7b")  # a nested 1x3 / 3x1 split in a branch
    with pytest.raises(ValueError, match="cannot hold"):
        spec_to_design(split)
    with pytest.raises(ValueError, match="needs a Concat or Residual"):
        spec_to_design(conv_bn(8, 3))


def _with(path: str, value):
    """EVERY_KIND with the field at ``path`` (dots and [i]) set to ``value``."""
    design = copy.deepcopy(EVERY_KIND)
    keys = path.replace("[", ".").replace("]", "").split(".")
    place = design
    for key in keys[:-1]:
        place = place[int(key)] if key.isdigit() else place[key]
    last = keys[-1]
    if value is _DELETE:
        del place[last]
    else:
        place[int(last) if last.isdigit() else last] = value
    return design


_DELETE = object()


@pytest.mark.parametrize(
    "path, value, message",
    [
        ("version", 2, r"version must be 1: this library reads version 1.*Received: version=2"),
        ("format", "keras", r"format must be 'inception-edu block'"),
        ("branches[1][1].op", "dense", r'branches\[1\]\[1\].op must be one of "conv", "pool"'),
        ("branches[1][1].kernel", 0, r"branches\[1\]\[1\].kernel must be an int from 1 to 11"),
        ("branches[1][1].kernel", [3, -1], r"kernel must be an int from 1 to 11.*\[3, -1\]"),
        ("branches[1][1].filters", _DELETE, r"branches\[1\]\[1\] needs the field 'filters'"),
        ("branches[1][1].filters", 2.5, r"filters must be an int from 1 to 512"),
        ("branches[0][0].filter", 3, r"no field 'filter' \(did you mean 'filters'\?\)"),
        ("branches[4][0].kind", "min", r'kind must be one of "max", "avg"'),
        ("branches[1][1].padding", "full", r'padding must be one of "same", "valid"'),
        ("combine", "add", r'combine must be "concat" or \{"residual": scale\}'),
        (
            "combine",
            {"residual": 0},
            r"combine.residual \(the scale\) must be a number in \(0, 10\]",
        ),
        ("branches", [], r"branches must be a list of 1 to 8 branches"),
        ("name", "", r"name must be a text of 1 to 60 characters"),
        ("branches[0]", [], r"branches\[0\] must be a list of 1 to 8 operations"),
    ],
)
def test_a_bad_field_is_named_with_what_is_allowed(path, value, message, tmp_path):
    with pytest.raises(ValueError, match=message):
        design_to_spec(_with(path, value))
    file = tmp_path / "ana.json"
    file.write_text(json.dumps(_with(path, value)))
    with pytest.raises(ValueError, match=rf"^{re.escape(str(file))}: "):
        load_design(file)


def test_branches_of_different_grids_cannot_be_concatenated(tmp_path):
    design = _with("branches[1][1].stride", 2)
    file = tmp_path / "ana.json"
    file.write_text(json.dumps(design))
    with pytest.raises(ValueError) as caught:
        load_design(file)
    assert str(caught.value) == (
        f"{file}: branches give 8x8 (branches[0]) and 4x4 (branches[1]): they cannot be "
        'concatenated. Every branch must keep the same height and width (padding "same" '
        "and the same stride in every branch)"
    )


def test_a_residual_must_keep_the_input_grid_and_channels():
    strided = copy.deepcopy(RESIDUAL)
    strided["branches"][1][1]["stride"] = 2
    with pytest.raises(ValueError, match=r"branches\[1\] gives 4x4 but the block's input is 8x8"):
        design_to_spec(strided)
    projected = copy.deepcopy(RESIDUAL)
    projected["combine"] = {"residual": 0.2, "projection": 64}
    with pytest.raises(
        ValueError, match="projection gives 64 channels but the block's input has 48"
    ):
        design_to_spec(projected)
    projected["combine"]["projection"] = 48
    assert design_to_spec(projected).projection_filters == 48


def test_a_window_that_does_not_fit_names_its_operation():
    design = _with("branches[1][1]", {"op": "conv", "kernel": 11, "filters": 4, "padding": "valid"})
    with pytest.raises(ValueError, match=r"branches\[1\]\[1\] \(0b_11x11\): a 'valid' 11-wide"):
        design_to_spec(design)


def test_a_file_that_is_not_a_design(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "inception-edu block", "version": 1,')
    with pytest.raises(ValueError, match=r"broken.json: is not valid JSON .*line 1"):
        load_design(broken)
    listed = tmp_path / "list.json"
    listed.write_text("[1, 2]")
    with pytest.raises(ValueError, match=r"list.json: A design must be a JSON object"):
        load_design(listed)
    with pytest.raises(ValueError, match="no such design file"):
        load_design(tmp_path / "missing.json")


def test_a_bad_design_is_never_written(tmp_path):
    with pytest.raises(ValueError, match="version"):
        save_design(_with("version", 3), tmp_path / "bad.json")
    assert not (tmp_path / "bad.json").exists()


def test_a_design_is_checked_on_the_input_it_is_given():
    design = copy.deepcopy(STRIDED)
    design["branches"] = [[{"op": "conv", "kernel": 11, "filters": 4, "padding": "valid"}]]
    with pytest.raises(ValueError, match="does not fit"):
        design_to_spec(design)
    block = design_to_spec(design, input_shape=(16, 16, 48))
    assert analyze(block, (16, 16, 48)).output_shape == (6, 6, 4)
    with pytest.raises(ValueError, match="input_shape"):
        design_to_spec(EVERY_KIND, input_shape=(8, 8))
