"""The block and model diagrams: right labels, one box per layer, readable, fast.

Everything is checked on the artists of the figure (texts, and boxes found by their
``gid``), so a layout change that keeps the content passes and a wrong label, a missing
box, an overlap or a slow redraw fails. No TensorFlow is needed.
"""

import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from inception_edu import architectures as A  # noqa: E402
from inception_edu.analysis import analyze  # noqa: E402
from inception_edu.diagrams import draw_block, draw_model, op_label  # noqa: E402
from inception_edu.specs import Concat, Conv, Pool, Residual  # noqa: E402


def ident(filters):
    return filters


def googlenet_3a():
    return A.inception_module("inception_3a", 64, 96, 128, 16, 32, 32), (28, 28, 192)


BLOCKS = {
    "googlenet_3a": googlenet_3a,
    "naive": lambda: (A.naive_inception_module("naive", 64, 128, 32), (28, 28, 192)),
    "v3_b": lambda: (A.inception_v3_b("mixed_6b", 128, ident), (17, 17, 768)),
    "v3_c": lambda: (A.inception_v3_c("mixed_7b", ident), (8, 8, 1280)),
    "v4_c": lambda: (A.inception_c("inception_c_1", ident), (8, 8, 1536)),
    "reduction_a": lambda: (A.reduction_a("reduction_a", 192, 224, 256, 384, ident),
                            (35, 35, 384)),
    "irv2_a": lambda: (A.inception_resnet_v2_a("inception_resnet_a_1", 0.17, ident),
                       (35, 35, 320)),
    "irv2_b": lambda: (A.inception_resnet_v2_b("inception_resnet_b_1", 0.1, ident),
                       (17, 17, 1088)),
    "branch": lambda: (A.branch("b2", A.conv_bn(48, 1), A.conv_bn(64, 5)), (35, 35, 192)),
    "op": lambda: (A.conv_bn(64, 3, 2, "valid"), (35, 35, 32)),
}


def texts(fig) -> list:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def boxes(fig) -> dict:
    """The named boxes of a diagram, by gid."""
    return {p.get_gid(): p for p in fig.findobj(FancyBboxPatch) if p.get_gid()}


def layer_boxes(fig) -> dict:
    """Boxes standing for an analysed layer, by full layer name."""
    return {gid.split(":", 1)[1]: p for gid, p in boxes(fig).items()
            if gid.startswith(("op:", "merge:"))}


def rect(patch):
    return (patch.get_x(), patch.get_y(), patch.get_x() + patch.get_width(),
            patch.get_y() + patch.get_height())


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def ops_of(node) -> list:
    if isinstance(node, (Conv, Pool)):
        return [node]
    children = getattr(node, "ops", None) or getattr(node, "branches", ())
    return [op for child in children for op in ops_of(child)]


# --------------------------------------------------------------------------- draw_block


def test_googlenet_3a_reads_like_the_paper():
    fig = draw_block(*googlenet_3a())
    found = texts(fig)
    for label in ("input 28x28x192", "1x1 conv, 64", "1x1 conv, 96", "3x3 conv, 128",
                  "1x1 conv, 16", "5x5 conv, 32", "3x3 max pool /1", "1x1 conv, 32",
                  "concatenate → 28x28x256"):
        assert label in found, label
    # the shape beside each arrow is the output of the op above it
    for shape in ("28x28x64", "28x28x96", "28x28x128", "28x28x16", "28x28x32", "28x28x192"):
        assert shape in found, shape
    assert any("28x28x192 → 28x28x256" in t for t in found)  # the title


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_every_analysed_layer_gets_exactly_one_box(name):
    node, shape = BLOCKS[name]()
    fig = draw_block(node, shape)
    rows = analyze(node, shape).layers
    drawn = layer_boxes(fig)
    if isinstance(node, (Conv, Pool)):
        assert set(drawn) == {node.name}
    else:
        assert set(drawn) == {row.name for row in rows}
    op_boxes = [g for g in boxes(fig) if g.startswith("op:")]
    assert len(op_boxes) == len(ops_of(node)) + (1 if isinstance(node, Residual) else 0)
    # and every row's output shape is written in the figure
    found = " ".join(texts(fig))
    for row in rows:
        assert "x".join(map(str, row.output_shape)) in found, row.name


def test_nested_split_is_drawn_side_by_side_then_joined():
    node, shape = BLOCKS["v3_c"]()
    drawn = layer_boxes(draw_block(node, shape))
    one, three = drawn["mixed_7b_b2_split_1x3"], drawn["mixed_7b_b2_split_3x1"]
    join = drawn["mixed_7b_b2_split"]
    assert one.get_y() == three.get_y()  # same row
    assert rect(one)[2] <= rect(three)[0]  # 1x3 left of 3x1
    assert join.get_y() > rect(one)[3]  # the join below both
    assert join.get_x() <= one.get_x() and rect(join)[2] >= rect(three)[2]


def test_paper_labels_stride_valid_and_asymmetric_kernels():
    node, shape = BLOCKS["reduction_a"]()
    found = texts(draw_block(node, shape))
    for label in ("3x3 conv /2 V, 384", "1x1 conv, 192", "3x3 conv, 224", "3x3 conv /2 V, 256",
                  "3x3 max pool /2 V", "concatenate → 17x17x1024"):
        assert label in found, label
    node, shape = BLOCKS["v3_b"]()
    found = texts(draw_block(node, shape))
    assert "1x7 conv, 128" in found and "7x1 conv, 192" in found and "3x3 avg pool /1" in found


def test_op_label():
    assert op_label(A.conv_bn(96, 3, 1, "valid")) == "3x3 conv V, 96"
    assert op_label(A.conv_bn(192, (1, 7))) == "1x7 conv, 192"
    assert op_label(A.avg_pool(3, 1)) == "3x3 avg pool /1"
    assert op_label(Conv("up", 320, 1, activation=None)) == "1x1 conv (linear), 320"


def test_residual_block_shows_projection_scaled_add_and_shortcut():
    node, shape = BLOCKS["irv2_b"]()
    fig = draw_block(node, shape)
    found = texts(fig)
    assert "1x1 conv (linear), 1088" in found
    assert "add: x + 0.1·F(x), ReLU → 17x17x1088" in found
    assert "concatenate → 17x17x384" in found
    assert "shortcut: x" in found
    drawn = layer_boxes(fig)
    concat, up, add = (drawn[n] for n in ("inception_resnet_b_1_concat",
                                          "inception_resnet_b_1_up", "inception_resnet_b_1"))
    assert concat.get_y() < up.get_y() < add.get_y()
    # the last block of a stage is unscaled and linear
    last = A.inception_resnet_v2_c("inception_resnet_c_10", 0.2, ident)
    last = Residual(last.name, last.branches, scale=1.0, activation=None)
    assert "add: x + F(x) (no ReLU) → 8x8x2080" in texts(draw_block(last, (8, 8, 2080)))


def test_convolutions_coloured_by_kernel_pool_and_merge_apart():
    node, shape = googlenet_3a()
    drawn = layer_boxes(draw_block(node, shape))

    def colour(suffix):
        return drawn[f"inception_3a_{suffix}"].get_facecolor()

    ones = {colour(s) for s in ("b1_1x1", "b2_3x3_reduce", "b3_5x5_reduce", "b4_pool_proj")}
    assert len(ones) == 1
    kinds = [colour("b1_1x1"), colour("b2_3x3"), colour("b3_5x5"), colour("b4_pool"),
             drawn["inception_3a"].get_facecolor()]
    assert len(set(kinds)) == len(kinds)
    node, shape = BLOCKS["v3_b"]()
    drawn = layer_boxes(draw_block(node, shape))
    asym = drawn["mixed_6b_b2_0b_1x7"].get_facecolor()
    assert asym == drawn["mixed_6b_b2_0c_7x1"].get_facecolor()
    assert asym not in kinds


def assert_readable(fig):
    """Text of at least 10 pt, no two boxes overlapping, no two texts overlapping.

    Returns the shown texts and their extents for further checks."""
    renderer = fig.canvas.get_renderer()
    shown = [t for t in fig.findobj(Text) if t.get_text()]
    assert min(t.get_fontsize() for t in shown) >= 10
    rects = [rect(p) for p in boxes(fig).values()]
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            assert not overlaps(a, b), (a, b)
    extents = [t.get_window_extent(renderer) for t in shown]
    for i, a in enumerate(extents):
        for j in range(i + 1, len(extents)):
            assert not a.overlaps(extents[j]), (shown[i].get_text(), shown[j].get_text())
    return renderer, shown, extents


@pytest.mark.parametrize("name", ["googlenet_3a", "v3_c", "v4_c", "irv2_b", "reduction_a"])
def test_readable_no_overlaps_text_inside_its_box(name):
    node, shape = BLOCKS[name]()
    fig = draw_block(node, shape)
    renderer, shown, extents = assert_readable(fig)
    for patch in boxes(fig).values():
        box = patch.get_window_extent(renderer)
        for text, extent in zip(shown, extents, strict=True):
            anchor = text.get_transform().transform(text.get_position())
            if box.contains(*anchor):  # a box's own label stays inside it
                assert box.x0 <= extent.x0 and extent.x1 <= box.x1, text.get_text()
                assert box.y0 <= extent.y0 and extent.y1 <= box.y1, text.get_text()


def test_figure_grows_with_branches_and_branch_length():
    naive = draw_block(*BLOCKS["naive"]()).get_size_inches()
    v3_b = draw_block(*BLOCKS["v3_b"]()).get_size_inches()  # a 5-op branch
    assert v3_b[1] > naive[1] + 1
    one = Concat("one", (A.branch("b1", A.conv_bn(64, 1)),))
    few = draw_block(one, (28, 28, 192), title="").get_size_inches()
    many = draw_block(BLOCKS["naive"]()[0], (28, 28, 192), title="").get_size_inches()
    assert many[0] > few[0] + 3


def test_highlight_thickens_exactly_that_branch():
    node, shape = googlenet_3a()
    plain = {g: p.get_linewidth() for g, p in boxes(draw_block(node, shape)).items()}
    marked = {g: p.get_linewidth() for g, p in
              boxes(draw_block(node, shape, highlight="b3")).items()}
    changed = {g for g in plain if marked[g] != plain[g]}
    assert changed == {"op:inception_3a_b3_5x5_reduce", "op:inception_3a_b3_5x5"}
    assert all(marked[g] > plain[g] for g in changed)
    # in a nested split the join belongs to its branch too
    node, shape = BLOCKS["v3_c"]()
    marked = boxes(draw_block(node, shape, highlight="b2"))
    thick = {g for g, p in marked.items() if p.get_linewidth() > 2}
    assert thick == {"op:mixed_7b_b2_0a_1x1", "op:mixed_7b_b2_split_1x3",
                     "op:mixed_7b_b2_split_3x1", "merge:mixed_7b_b2_split"}
    with pytest.raises(ValueError, match="b9"):
        draw_block(node, shape, highlight="b9")


def test_unanalysable_block_raises_the_engines_error():
    naive = A.naive_inception_module("naive", 64, 128, 32, padding="valid")
    with pytest.raises(ValueError, match="cannot concatenate"):
        draw_block(naive, (28, 28, 192))
    with pytest.raises(ValueError, match="input_shape"):
        draw_block(googlenet_3a()[0], (28, 28))


def test_draws_into_a_given_axes_and_redraws_cleanly():
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    node, shape = googlenet_3a()
    assert draw_block(node, shape, ax=ax) is fig
    count = len(boxes(fig))
    assert draw_block(node, shape, ax=ax, highlight="b1") is fig
    assert len(boxes(fig)) == count  # the axes was cleared, not drawn over
    assert "5x5 conv, 32" in texts(fig)
    assert draw_model(A.model_spec("googlenet"), (224, 224, 3), ax=ax) is fig


def test_title_can_be_replaced_or_left_out():
    node, shape = googlenet_3a()
    assert "inception(3a)" in texts(draw_block(node, shape, title="inception(3a)"))
    assert not any("params" in t for t in texts(draw_block(node, shape, title="")))


def test_diagrams_import_no_tensorflow():
    code = ("import sys, inception_edu.diagrams; "
            "assert not {'tensorflow', 'keras'} & set(sys.modules), 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- draw_model


def test_googlenet_model_shows_every_module_and_stage_outputs():
    fig = draw_model(A.model_spec("googlenet"), (224, 224, 3))
    found = texts(fig)
    for name in ("inception_3a", "inception_3b", "inception_4a", "inception_4e",
                 "inception_5b", "pool4_3x3_s2", "classifier"):
        assert name in found, name
    joined = "\n".join(found)
    assert "7x7x832" in joined and "14x14x832" in joined and "224x224x3" in joined
    assert "7x7 conv /2, 64" in joined
    stages = [g for g in boxes(fig) if g.startswith("stage:")]
    assert len(stages) == 19


def test_inception_resnet_v2_groups_repeats():
    spec = A.model_spec("inception_resnet_v2")
    fig = draw_model(spec, (299, 299, 3))
    found = texts(fig)
    for group in ("10 × inception_resnet_a", "20 × inception_resnet_b",
                  "10 × inception_resnet_c"):
        assert group in found, group
    assert "inception_resnet_a_3" not in " ".join(found)
    assert len([g for g in boxes(fig) if g.startswith("stage:")]) == 54 - 37
    joined = "\n".join(found)
    assert "17x17x1088" in joined and "8x8x1536" in joined


def test_model_boxes_do_not_overlap_and_are_readable():
    assert_readable(draw_model(A.model_spec("googlenet", aux_heads=True), (224, 224, 3)))


def test_aux_heads_hang_off_their_tap():
    fig = draw_model(A.model_spec("googlenet", aux_heads=True), (224, 224, 3))
    drawn = boxes(fig)
    for aux, tap in (("aux_4a", "inception_4a"), ("aux_4d", "inception_4d")):
        head, stage = rect(drawn[f"aux:{aux}"]), rect(drawn[f"stage:{tap}"])
        assert head[0] > stage[2]  # to the right
        assert head[1] < stage[3] and stage[1] < head[3]  # level with it


def test_model_highlight_marks_the_stage_or_its_group():
    spec = A.model_spec("inception_resnet_v2")
    drawn = boxes(draw_model(spec, (299, 299, 3), highlight="inception_resnet_b_3"))
    thick = {g for g, p in drawn.items() if p.get_linewidth() > 2}
    assert thick == {"stage:inception_resnet_b_1"}
    with pytest.raises(ValueError, match="no_such_stage"):
        draw_model(spec, (299, 299, 3), highlight="no_such_stage")
