"""The block and model diagrams: right labels, one box per layer, readable, deterministic.

One layout engine paints onto two renderers (matplotlib figures and SVG strings); the
content checks run on both through :class:`Drawn`, which reads the texts, the boxes (by
their identifier) and the arrows back out of either picture. The SVG is parsed as XML.
No TensorFlow is needed.
"""

import re
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from inception_edu.analysis import analyze  # noqa: E402
from inception_edu.analysis.engine import residual_merge_name  # noqa: E402
from inception_edu.spec.nodes import Concat, Conv, ModelSpec, Residual, ops_of  # noqa: E402
from inception_edu.spec.ops import avg_pool, branch, conv_bn, split_1x3_3x1  # noqa: E402
from inception_edu.spec.transforms import (  # noqa: E402
    keep_branches,
    map_residuals,
    without_shortcut,
)
from inception_edu.viz.diagrams import (  # noqa: E402
    block_svg,
    draw_block,
    draw_model,
    model_svg,
    op_label,
)
from inception_edu.viz.fonts import ASCENT, DESCENT, text_width  # noqa: E402
from inception_edu.zoo import googlenet as G  # noqa: E402
from inception_edu.zoo import inception_resnet as R  # noqa: E402
from inception_edu.zoo import inception_v3 as V3  # noqa: E402
from inception_edu.zoo import inception_v4 as V4  # noqa: E402
from inception_edu.zoo import model_spec  # noqa: E402
from inception_edu.zoo.baselines import alexnet_spec  # noqa: E402

SVG_NS = "{http://www.w3.org/2000/svg}"


def googlenet_3a():
    return G.module("3a"), G.INPUT_3A


BLOCKS = {
    "googlenet_3a": googlenet_3a,
    "naive": lambda: (G.naive_inception_module("naive", 64, 128, 32), G.INPUT_3A),
    "v3_b": lambda: (V3.inception_b("mixed_6b", 128), (17, 17, 768)),
    "v3_c": lambda: (V3.inception_c("mixed_7b"), (8, 8, 1280)),
    "v4_c": lambda: (V4.inception_c("inception_c_1"), (8, 8, 1536)),
    "reduction_a": lambda: (V4.reduction_a("reduction_a", 192, 224, 256, 384), (35, 35, 384)),
    "irv2_a": lambda: (R.block("v2", "a", "inception_resnet_a_1", 0.17), (35, 35, 320)),
    "irv2_b": lambda: (R.block("v2", "b", "inception_resnet_b_1", 0.1), (17, 17, 1088)),
    "branch": lambda: (branch("b2", conv_bn(48, 1), conv_bn(64, 5)), (35, 35, 192)),
    "op": lambda: (conv_bn(64, 3, 2, "valid"), (35, 35, 32)),
}


# --------------------------------------------------------------------------- reading back


@dataclass
class Box:
    rect: tuple  # (x0, y0, x1, y1) in the renderer's own units
    fill: str
    width: float  # outline


@dataclass
class Drawn:
    """What a picture shows: its texts (with extents), boxes by identifier, arrows."""

    texts: list
    extents: list  # (text, (x0, y0, x1, y1), anchor point)
    boxes: dict
    arrows: int

    def has(self, text: str) -> bool:
        return text in self.texts

    def joined(self) -> str:
        return "\n".join(self.texts)


def from_figure(fig) -> Drawn:
    if not hasattr(fig.canvas, "get_renderer"):  # a plain Figure made by the caller
        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()

    def extent(artist):
        box = artist.get_window_extent(renderer)
        return (box.x0, box.y0, box.x1, box.y1)

    shown = [t for t in fig.findobj(Text) if t.get_text()]
    boxes = {
        p.get_gid(): Box(extent(p), to_hex(p.get_facecolor()), p.get_linewidth())
        for p in fig.findobj(FancyBboxPatch)
        if p.get_gid()
    }
    extents = [
        (t.get_text(), extent(t), tuple(t.get_transform().transform(t.get_position())))
        for t in shown
    ]
    return Drawn([t.get_text() for t in shown], extents, boxes, len(fig.findobj(FancyArrowPatch)))


def parse_svg(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG_NS}svg"
    return root


def _svg_text(element) -> tuple[str, list]:
    spans = element.findall(f"{SVG_NS}tspan")
    if spans:
        return "\n".join(s.text or "" for s in spans), [
            (float(s.get("x")), float(s.get("y")), s.text or "") for s in spans
        ]
    text = element.text or ""
    return text, [(float(element.get("x")), float(element.get("y")), text)]


def from_svg(svg: str) -> Drawn:
    root = parse_svg(svg)
    texts, extents = [], []
    for element in root.iter(f"{SVG_NS}text"):
        text, lines = _svg_text(element)
        size = float(element.get("font-size"))
        bold = element.get("font-weight") == "bold"
        anchor = element.get("text-anchor", "start")
        boxes = []
        for x, y, line in lines:
            width = text_width(line, size, bold)
            if element.get("transform", "").startswith("rotate(-90"):
                boxes.append((x - ASCENT * size, y - width / 2, x + DESCENT * size, y + width / 2))
                continue
            x0 = {"start": x, "middle": x - width / 2, "end": x - width}[anchor]
            boxes.append((x0, y - ASCENT * size, x0 + width, y + DESCENT * size))
        rect = (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
        texts.append(text)
        extents.append((text, rect, (lines[0][0], lines[0][1])))
    boxes = {}
    for rect in root.iter(f"{SVG_NS}rect"):
        if rect.get("data-gid"):
            x, y = float(rect.get("x")), float(rect.get("y"))
            boxes[rect.get("data-gid")] = Box(
                (x, y, x + float(rect.get("width")), y + float(rect.get("height"))),
                rect.get("fill").lower(),
                float(rect.get("stroke-width")),
            )
    arrows = len(list(root.iter(f"{SVG_NS}path")))
    return Drawn(texts, extents, boxes, arrows)


RENDERERS = {
    "matplotlib": (
        lambda *a, **k: from_figure(draw_block(*a, **k)),
        lambda *a, **k: from_figure(draw_model(*a, **k)),
    ),
    "svg": (
        lambda *a, **k: from_svg(block_svg(*a, **k)),
        lambda *a, **k: from_svg(model_svg(*a, **k)),
    ),
}


@pytest.fixture(params=sorted(RENDERERS))
def block(request):
    """Draw a block with the renderer under test and read it back."""
    return RENDERERS[request.param][0]


@pytest.fixture(params=sorted(RENDERERS))
def model(request):
    return RENDERERS[request.param][1]


def layer_boxes(drawn: Drawn) -> dict:
    """Boxes standing for an analysed layer, by full layer name."""
    return {
        gid.split(":", 1)[1]: box
        for gid, box in drawn.boxes.items()
        if gid.startswith(("op:", "merge:"))
    }


def overlaps(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def inside(inner, outer, slack=0.0) -> bool:
    return (
        outer[0] - slack <= inner[0]
        and inner[2] <= outer[2] + slack
        and outer[1] - slack <= inner[1]
        and inner[3] <= outer[3] + slack
    )


def assert_readable(drawn: Drawn) -> None:
    """No two boxes overlap, no two texts overlap, a box's own label stays inside it."""
    rects = list(drawn.boxes.values())
    for i, a in enumerate(rects):
        for b in rects[i + 1 :]:
            assert not overlaps(a.rect, b.rect), (a, b)
    for i, (text_a, a, _) in enumerate(drawn.extents):
        for text_b, b, _ in drawn.extents[i + 1 :]:
            assert not overlaps(a, b), (text_a, text_b)
    for box in rects:
        for text, extent, anchor in drawn.extents:
            x0, y0, x1, y1 = box.rect
            if x0 <= anchor[0] <= x1 and min(y0, y1) <= anchor[1] <= max(y0, y1):
                assert inside(extent, box.rect), text


# --------------------------------------------------------------------------- blocks


def test_googlenet_3a_reads_like_the_paper(block):
    drawn = block(*googlenet_3a())
    for label in (
        "input 28x28x192",
        "1x1 conv, 64",
        "1x1 conv, 96",
        "3x3 conv, 128",
        "1x1 conv, 16",
        "5x5 conv, 32",
        "3x3 max pool /1",
        "1x1 conv, 32",
        "concatenate → 28x28x256",
    ):
        assert drawn.has(label), label
    # the shape beside each arrow is the output of the op above it
    for shape in ("28x28x64", "28x28x96", "28x28x128", "28x28x16", "28x28x32", "28x28x192"):
        assert drawn.has(shape), shape
    assert drawn.has("inception_3a: 28x28x192 → 28x28x256")  # the title
    assert drawn.has("163,696 params · 128.0 M multiply-adds")


@pytest.mark.parametrize("name", sorted(BLOCKS))
def test_every_analysed_layer_gets_exactly_one_box(block, name):
    node, shape = BLOCKS[name]()
    drawn = block(node, shape)
    rows = analyze(node, shape).layers
    if isinstance(node, Conv):
        assert set(layer_boxes(drawn)) == {node.name}
    else:
        assert set(layer_boxes(drawn)) == {row.name for row in rows}
    op_boxes = [g for g in drawn.boxes if g.startswith("op:")]
    assert len(op_boxes) == len(ops_of(node)) + (1 if isinstance(node, Residual) else 0)
    for row in rows:  # and every row's output shape is written in the picture
        assert "x".join(map(str, row.output_shape)) in drawn.joined(), row.name


def test_nested_split_is_drawn_side_by_side_then_joined(block):
    drawn = layer_boxes(block(*BLOCKS["v3_c"]()))
    one, three = drawn["mixed_7b_b2_split_1x3"].rect, drawn["mixed_7b_b2_split_3x1"].rect
    join = drawn["mixed_7b_b2_split"].rect
    assert {one[1], one[3]} == {three[1], three[3]}  # same row
    assert one[2] <= three[0]  # 1x3 left of 3x1
    assert not overlaps(join, one) and not overlaps(join, three)
    assert join[0] <= one[0] and join[2] >= three[2]  # the join spans both


def test_paper_labels_stride_valid_and_asymmetric_kernels(block):
    drawn = block(*BLOCKS["reduction_a"]())
    for label in (
        "3x3 conv /2 V, 384",
        "1x1 conv, 192",
        "3x3 conv, 224",
        "3x3 conv /2 V, 256",
        "3x3 max pool /2 V",
        "concatenate → 17x17x1024",
    ):
        assert drawn.has(label), label
    assert any(t.startswith("/s: stride s") and "V: 'valid' padding" in t for t in drawn.texts)
    drawn = block(*BLOCKS["v3_b"]())
    for label in ("1x7 conv, 128", "7x1 conv, 192", "3x3 avg pool /1"):
        assert drawn.has(label), label
    assert not any("valid" in t for t in drawn.texts)  # no V label, no V note


def test_op_label():
    assert op_label(conv_bn(96, 3, 1, "valid")) == "3x3 conv V, 96"
    assert op_label(conv_bn(192, (1, 7))) == "1x7 conv, 192"
    assert op_label(avg_pool(3, 1)) == "3x3 avg pool /1"
    assert op_label(Conv("up", 320, 1, activation=None)) == "1x1 conv (linear), 320"
    assert op_label(Conv("conv2", 256, 5, groups=2)) == "5x5 conv, 256, 2 groups"
    with pytest.raises(ValueError, match="Received: Concat"):
        op_label(G.module("3a"))


def test_grouped_convolutions_say_so(block, model):
    drawn = block(Conv("conv2", 256, 5, groups=2), (27, 27, 96))
    assert drawn.has("5x5 conv, 256, 2 groups")
    assert "5x5 conv, 256, 2 groups" in model(alexnet_spec(variant="grouped")).joined()


def test_residual_block_shows_projection_scaled_add_and_shortcut(block):
    node, shape = BLOCKS["irv2_b"]()
    drawn = block(node, shape)
    for label in (
        "1x1 conv (linear), 1088",
        "add: x + 0.1·F(x), ReLU → 17x17x1088",
        "concatenate → 17x17x384",
        "shortcut: x",
    ):
        assert drawn.has(label), label
    boxes = layer_boxes(drawn)
    concat, up, add = (
        boxes[n].rect
        for n in (
            "inception_resnet_b_1_concat",
            "inception_resnet_b_1_up",
            residual_merge_name(node, node.name),
        )
    )
    assert abs(concat[1] - add[1]) > abs(concat[1] - up[1])  # projection between the two
    # the last block of a stage is unscaled and linear
    last = replace(R.block("v2", "c", "inception_resnet_c_10", 0.2), scale=1.0, activation=None)
    assert block(last, (8, 8, 2080)).has("add: x + F(x) (no ReLU) → 8x8x2080")


def test_a_block_without_shortcut_draws_no_shortcut(block):
    node, shape = BLOCKS["irv2_a"]()
    with_it, without = block(node, shape), block(without_shortcut(node), shape)
    assert with_it.has("shortcut: x") and not without.has("shortcut: x")
    assert without.arrows == with_it.arrows - 1
    assert without.has("no shortcut: 0.17·F(x), ReLU → 35x35x320")
    assert set(layer_boxes(without)) == {
        row.name for row in analyze(without_shortcut(node), shape).layers
    }


def test_legend_names_the_merges_drawn(block):
    texts = block(*googlenet_3a()).texts
    assert "concatenate" in texts and not any(re.search(r"\badd\b", t) for t in texts)
    node, shape = BLOCKS["irv2_a"]()
    assert block(node, shape).has("concatenate / add")
    assert block(keep_branches(node, ["b1"]), shape).has("add")  # one branch: no concat
    assert block(without_shortcut(node), shape).has("concatenate / scale (no shortcut)")
    assert block(*BLOCKS["branch"]()).texts.count("concatenate") == 0


def test_convolutions_coloured_by_kernel_pool_and_merge_apart(block):
    drawn = layer_boxes(block(*googlenet_3a()))

    def colour(suffix):
        return drawn[f"inception_3a_{suffix}"].fill

    ones = {colour(s) for s in ("b1_1x1", "b2_3x3_reduce", "b3_5x5_reduce", "b4_pool_proj")}
    assert len(ones) == 1
    kinds = [
        colour("b1_1x1"),
        colour("b2_3x3"),
        colour("b3_5x5"),
        colour("b4_pool"),
        drawn["inception_3a"].fill,
    ]
    assert len(set(kinds)) == len(kinds)
    drawn = layer_boxes(block(*BLOCKS["v3_b"]()))
    asym = drawn["mixed_6b_b2_0b_1x7"].fill
    assert asym == drawn["mixed_6b_b2_0c_7x1"].fill
    assert asym not in kinds


@pytest.mark.parametrize("name", ["googlenet_3a", "v3_c", "v4_c", "irv2_b", "reduction_a"])
def test_readable_no_overlaps_text_inside_its_box(block, name):
    assert_readable(block(*BLOCKS[name]()))


def test_text_is_at_least_10_points():
    node, shape = BLOCKS["irv2_b"]()
    assert (
        min(t.get_fontsize() for t in draw_block(node, shape).findobj(Text) if t.get_text()) >= 10
    )
    sizes = [
        float(t.get("font-size")) for t in parse_svg(block_svg(node, shape)).iter(f"{SVG_NS}text")
    ]
    assert min(sizes) >= 10


def test_picture_grows_with_branches_and_branch_length():
    def size(node, shape, title=None):
        root = parse_svg(block_svg(node, shape, title=title))
        svg = [float(v) for v in root.get("viewBox").split()[2:]]
        fig = draw_block(node, shape, title=title).get_size_inches()
        assert svg == pytest.approx([72 * fig[0], 72 * fig[1]], abs=0.01)  # same layout
        return fig

    naive, v3_b = size(*BLOCKS["naive"]()), size(*BLOCKS["v3_b"]())  # a 5-op branch
    assert v3_b[1] > naive[1] + 1
    one = Concat("one", (branch("b1", conv_bn(64, 1)),))
    few = size(one, G.INPUT_3A, "")
    many = size(BLOCKS["naive"]()[0], G.INPUT_3A, "")
    assert many[0] > few[0] + 3


def test_highlight_thickens_exactly_that_branch(block):
    node, shape = googlenet_3a()
    plain = {g: b.width for g, b in block(node, shape).boxes.items()}
    marked = {g: b.width for g, b in block(node, shape, highlight="b3").boxes.items()}
    changed = {g for g in plain if marked[g] != plain[g]}
    assert changed == {"op:inception_3a_b3_5x5_reduce", "op:inception_3a_b3_5x5"}
    assert all(marked[g] > plain[g] for g in changed)
    # in a nested split the join belongs to its branch too
    node, shape = BLOCKS["v3_c"]()
    marked = block(node, shape, highlight="b2").boxes
    thick = {g for g, b in marked.items() if b.width > 2}
    assert thick == {
        "op:mixed_7b_b2_0a_1x1",
        "op:mixed_7b_b2_split_1x3",
        "op:mixed_7b_b2_split_3x1",
        "merge:mixed_7b_b2_split",
    }
    with pytest.raises(ValueError, match="Received: highlight='b9'"):
        block(node, shape, highlight="b9")


def test_unanalysable_block_raises_the_engines_error(block):
    naive = G.naive_inception_module("naive", 64, 128, 32, padding="valid")
    with pytest.raises(ValueError, match="cannot concatenate"):
        block(naive, G.INPUT_3A)
    with pytest.raises(ValueError, match="input_shape"):
        block(googlenet_3a()[0], (28, 28))


def test_draws_into_a_given_axes_and_redraws_cleanly():
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    node, shape = googlenet_3a()
    assert draw_block(node, shape, ax=ax) is fig
    count = len(from_figure(fig).boxes)
    assert draw_block(node, shape, ax=ax, highlight="b1") is fig
    assert len(from_figure(fig).boxes) == count  # the axes was cleared, not drawn over
    assert "5x5 conv, 32" in from_figure(fig).texts
    assert draw_model(model_spec("googlenet"), (224, 224, 3), ax=ax) is fig


def test_title_can_be_replaced_or_left_out(block):
    node, shape = googlenet_3a()
    assert block(node, shape, title="inception(3a)").has("inception(3a)")
    assert not any("params" in t for t in block(node, shape, title="").texts)


def test_diagrams_import_no_tensorflow():
    code = (
        "import sys; from inception_edu.viz.diagrams import block_svg; "
        "from inception_edu.zoo.googlenet import module; block_svg(module('3a'), "
        "(28, 28, 192)); assert not {'tensorflow', 'keras'} & set(sys.modules)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------- SVG as SVG


def test_svg_is_scalable_text_as_text_and_self_contained():
    svg = block_svg(*googlenet_3a())
    root = parse_svg(svg)
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width > 400 and height > 300
    assert "max-width:100%" in root.get("style")
    assert root.get("font-family").endswith("sans-serif")
    assert "DejaVu Sans" in root.get("font-family")  # the font the widths are measured in
    assert root.find(f"{SVG_NS}title").text == "inception_3a: 28x28x192 → 28x28x256"
    assert len(list(root.iter(f"{SVG_NS}text"))) > 20
    assert not list(root.iter(f"{SVG_NS}image"))  # nothing rasterised
    assert " id=" not in svg and "url(#" not in svg  # nothing to clash when shown twice


def test_svg_is_byte_identical_for_the_same_input():
    node, shape = BLOCKS["v3_c"]()
    assert block_svg(node, shape) == block_svg(node, shape)
    spec = model_spec("googlenet", aux_heads=True)
    assert model_svg(spec) == model_svg(spec)
    # and in a fresh process (no warm caches, no dict-order luck)
    code = (
        "import hashlib; from inception_edu.viz.diagrams import block_svg; "
        "from inception_edu.zoo.inception_v3 import inception_c; "
        "print(hashlib.sha256(block_svg(inception_c('mixed_7b'), (8, 8, 1280))"
        ".encode()).hexdigest())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.strip()
    import hashlib

    assert out == hashlib.sha256(block_svg(node, shape).encode()).hexdigest()


def test_svg_changes_with_the_block():
    node, shape = googlenet_3a()
    other = G.inception_module("inception_3a", 64, 96, 129, 16, 32, 32)
    assert block_svg(node, shape) != block_svg(other, shape)
    assert "3x3 conv, 129" in from_svg(block_svg(other, shape)).texts


def test_block_svg_is_fast():
    """Well inside a widget's 30 ms budget (a generous bound: it takes ~2-5 ms)."""
    node, shape = BLOCKS["v3_c"]()
    times = []
    for filters in range(100, 107):  # new labels each time: nothing cached
        edited = V3.inception_c("mixed_7b", lambda f, k=filters: f + k)
        start = time.perf_counter()
        block_svg(edited, shape)
        times.append(time.perf_counter() - start)
    assert statistics.median(times) < 0.030


# --------------------------------------------------------------------------- models


def stage_boxes(drawn: Drawn) -> list:
    return [g for g in drawn.boxes if g.startswith("stage:")]


def test_googlenet_model_shows_every_module_ungrouped(model):
    spec = model_spec("googlenet")
    drawn = model(spec, (224, 224, 3))
    for name in (
        "inception_3a",
        "inception_3b",
        "inception_4a",
        "inception_4e",
        "inception_5b",
        "pool4_3x3_s2",
        "classifier",
    ):
        assert drawn.has(name), name
    joined = drawn.joined()
    assert "7x7x832" in joined and "14x14x832" in joined and "224x224x3" in joined
    assert "7x7 conv /2, 64" in joined and " × " not in joined
    assert len(stage_boxes(drawn)) == len(spec.stages) == 19
    # the notes explain the suffixes the labels use: /2 here, no V without the aux heads
    assert any(t.startswith("/s: stride s") for t in drawn.texts)
    assert "V: 'valid' padding" not in joined
    assert "V: 'valid' padding" in model(model_spec("googlenet", aux_heads=True)).joined()


@pytest.mark.parametrize(
    "name, groups, expected_boxes",
    [
        ("inception_v3", ("3 × Inception-A", "4 × Inception-B", "2 × Inception-C"), 21 - 6),
        ("inception_v4", ("4 × Inception-A", "7 × Inception-B", "3 × Inception-C"), 25 - 11),
        (
            "inception_resnet_v2",
            ("10 × Inception-ResNet-A", "20 × Inception-ResNet-B", "10 × Inception-ResNet-C"),
            54 - 37,
        ),
    ],
)
def test_repeated_sections_are_one_box(model, name, groups, expected_boxes):
    spec = model_spec(name)
    drawn = model(spec)
    for group in groups:
        assert any(t.startswith(group) for t in drawn.texts), group
    assert len(stage_boxes(drawn)) == expected_boxes
    for section in spec.sections:  # a repeated section: only its first stage has a box
        if section.repeated:
            assert f"stage:{section.stages[0]}" in drawn.boxes
            assert not set(section.stages[1:]) & set(drawn.texts)


def test_v3_mixed_blocks_are_grouped_by_section_not_by_name(model):
    drawn = model(model_spec("inception_v3"))
    assert "stage:mixed_5b" in drawn.boxes and "stage:mixed_5c" not in drawn.boxes
    assert "35x35x288" in drawn.joined()  # the section's output


def test_numbered_stages_are_not_grouped_without_a_repeated_section(model):
    stages = tuple(replace(G.module("3a"), name=f"block_{i}") for i in (1, 2))
    spec = ModelSpec("two_blocks", stages, default_input=28, min_input=28)
    drawn = model(spec, (28, 28, 192))
    assert drawn.has("block_1") and drawn.has("block_2")
    assert len(stage_boxes(drawn)) == 2


def test_a_plain_twin_says_it_has_no_shortcut(model):
    drawn = model(map_residuals(model_spec("inception_resnet_v2"), without_shortcut))
    assert "Inception-ResNet block without shortcut" in drawn.texts
    assert "Inception-ResNet block (add)" not in drawn.texts
    assert "3 branches, 0.17·F(x) (no shortcut)" in drawn.texts


@pytest.mark.parametrize("name", ["googlenet", "inception_resnet_v2"])
def test_model_boxes_do_not_overlap_and_are_readable(model, name):
    spec = model_spec(name, aux_heads=True) if name == "googlenet" else model_spec(name)
    assert_readable(model(spec))


def test_aux_heads_hang_off_their_tap(model):
    drawn = model(model_spec("googlenet", aux_heads=True), (224, 224, 3))
    for aux, tap in (("aux_4a", "inception_4a"), ("aux_4d", "inception_4d")):
        head, stage = drawn.boxes[f"aux:{aux}"].rect, drawn.boxes[f"stage:{tap}"].rect
        assert head[0] > stage[2]  # to the right
        assert min(head[1], head[3]) < max(stage[1], stage[3])  # level with it
        assert min(stage[1], stage[3]) < max(head[1], head[3])


def test_model_highlight_marks_the_stage_or_its_group(model):
    spec = model_spec("inception_resnet_v2")
    drawn = model(spec, (299, 299, 3), highlight="inception_resnet_b_3")
    assert {g for g, b in drawn.boxes.items() if b.width > 2} == {"stage:inception_resnet_b_1"}
    with pytest.raises(ValueError, match="Received: highlight='no_such_stage'"):
        model(spec, (299, 299, 3), highlight="no_such_stage")


def test_split_op_helper_is_one_nested_box_pair(block):
    node = Concat("pair", (branch("b1", conv_bn(8, 1), split_1x3_3x1(8)),))
    drawn = layer_boxes(block(node, (8, 8, 16)))
    assert {"pair_b1_split", "pair_b1_split_1x3", "pair_b1_split_3x1"} <= set(drawn)
