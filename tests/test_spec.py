"""The spec layer on its own: argument checks, stage names, sections and transforms."""

import pytest

from inception_edu.analysis import analyze, analyze_model
from inception_edu.spec import checks
from inception_edu.spec.nodes import (
    Concat,
    Conv,
    Dense,
    GlobalPool,
    ModelSpec,
    Pool,
    Residual,
    Section,
    Sequence,
)
from inception_edu.spec.transforms import (
    conv_paths,
    factorize,
    keep_branches,
    map_residuals,
    truncate,
    with_filters,
    without_shortcut,
)
from inception_edu.zoo import googlenet, model_spec
from inception_edu.zoo.inception_resnet import block as resnet_block

BLOCK_3A = googlenet.module("3a")


# --------------------------------------------------------------------------- checks


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: checks.check_int(2.5, "epochs", 1),
            "epochs must be an int >= 1. Received: epochs=2.5",
        ),
        (lambda: checks.check_int(True, "epochs", 1), "Received: epochs=True"),
        (lambda: checks.check_int(11, "k", 0, 10), r"k must be an int in \[0, 10\]"),
        (
            lambda: checks.check_number(float("nan"), "lr", 0, open_min=True),
            "lr must be a number > 0",
        ),
        (
            lambda: checks.check_number(1.0, "eps", 0, 1, open_max=True),
            r"eps must be a number in "
            r"\[0, 1\)",
        ),
        (lambda: checks.check_flag(1, "aux_heads"), "aux_heads must be True or False"),
        (
            lambda: checks.check_choice("sgdm", ("sgd", "adam"), "optimizer"),
            "optimizer must be one of 'sgd', 'adam'. Received: optimizer='sgdm'",
        ),
        (lambda: checks.check_choice([1], ("a",), "x"), "x must be one of"),
        (lambda: checks.check_multiplier(0, "width"), r"width must be a number in \(0, 4\]"),
        (
            lambda: checks.check_input_shape((74, 74, 3), 75, "inception_v3"),
            "at least 75x75 for inception_v3",
        ),
        (lambda: checks.check_input_shape("96x96"), "input_shape must be"),
    ],
)
def test_checks_say_what_was_received_and_what_is_allowed(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_checks_return_clean_values():
    assert checks.check_int(3, "n", 1) == 3
    assert checks.check_number(1, "lr", 0, open_min=True) == 1.0
    assert checks.check_pair(3, "kernel") == (3, 3) and checks.check_pair((1, 7), "k") == (1, 7)
    assert checks.check_input_shape([32, 32, 3]) == (32, 32, 3)


# --------------------------------------------------------------------------- nodes


@pytest.mark.parametrize(
    "bad",
    [
        dict(filters=0),
        dict(kernel=0),
        dict(kernel=(3,)),
        dict(strides=-1),
        dict(padding="full"),
        dict(activation="gelu"),
        dict(name="a/b"),
        dict(groups=0),
        dict(filters=6, groups=4),
    ],
)
def test_conv_rejects_bad_values(bad):
    with pytest.raises(ValueError, match="Received"):
        Conv(**{"name": "c", "filters": 4, "kernel": 3, **bad})


def test_structural_nodes_need_lists_of_spec_nodes():
    with pytest.raises(ValueError, match="ops of 's' must be a non-empty list of spec nodes"):
        Sequence("s", None)
    with pytest.raises(ValueError, match="branches of 'c' must be a non-empty list"):
        Concat("c", 3)
    with pytest.raises(ValueError, match="branches of 'c' must hold spec nodes. Received: str"):
        Concat("c", ("b1",))
    with pytest.raises(ValueError, match="shortcut of 'r' must be True or False"):
        Residual("r", (Conv("c", 4, 1),), shortcut="no")


def _tiny_model(names, **kwargs):
    stages = tuple(Conv(name, 4, 3) for name in names)
    return ModelSpec("tiny", stages, default_input=8, min_input=8, **kwargs)


def test_stage_names_must_be_unambiguous():
    """A built model's stages are found from layer names: ``s`` and ``s_...``."""
    with pytest.raises(
        ValueError,
        match="stage name 'conv2_3x3_reduce' starts with stage name 'conv2_3x3' plus '_'",
    ):
        _tiny_model(["conv2_3x3", "conv2_3x3_reduce"])
    with pytest.raises(ValueError, match="two stages are called 'a'"):
        _tiny_model(["a", "a"])
    assert _tiny_model(["block_1", "block_10"]).stage_names == ("block_1", "block_10")


def test_sections_cover_the_stages_in_order():
    spec = _tiny_model(
        ["a", "b", "c"], sections=(Section("first", ("a", "b")), Section("last", ("c",)))
    )
    assert spec.section_of("b").title == "first"
    with pytest.raises(ValueError, match="must list its stages once each, in order"):
        _tiny_model(["a", "b"], sections=(Section("x", ("b", "a")),))
    assert [s.title for s in _tiny_model(["a", "b"]).sections] == ["a", "b"]  # the default


@pytest.mark.parametrize(
    "name, titles, repeated",
    [
        (
            "inception_v3",
            [
                "stem",
                "Inception-A (35x35)",
                "Reduction-A",
                "Inception-B (17x17)",
                "Reduction-B",
                "Inception-C (8x8)",
                "classifier",
            ],
            [3, 4, 2],
        ),
        (
            "inception_v4",
            [
                "stem",
                "Inception-A",
                "Reduction-A",
                "Inception-B",
                "Reduction-B",
                "Inception-C",
                "classifier",
            ],
            [4, 7, 3],
        ),
        (
            "inception_resnet_v2",
            [
                "stem",
                "Inception-ResNet-A",
                "Reduction-A",
                "Inception-ResNet-B",
                "Reduction-B",
                "Inception-ResNet-C",
                "final 1x1 conv",
                "classifier",
            ],
            [10, 20, 10],
        ),
    ],
)
def test_models_carry_the_papers_sections(name, titles, repeated):
    spec = model_spec(name)
    assert [s.title for s in spec.sections] == titles
    assert [len(s.stages) for s in spec.sections if s.repeated] == repeated


def test_googlenet_modules_are_not_a_repeated_section():
    spec = model_spec("googlenet")
    assert not any(section.repeated for section in spec.sections)
    assert spec.section_of("inception_4c").stages == tuple(f"inception_4{x}" for x in "abcde")


def test_the_class_count_lives_in_the_spec():
    spec = model_spec("googlenet", classes=10)
    assert spec.classes == 10
    assert analyze_model(spec, (224, 224, 3)).classes == 10
    assert analyze_model(spec).input_shape == (224, 224, 3)  # the paper's by default
    assert model_spec("inception_v4", include_top=False).classes is None


# --------------------------------------------------------------------------- transforms


def test_keep_branches_keeps_the_named_ones_in_block_order():
    kept = keep_branches(BLOCK_3A, ["b3", "b1"])
    assert [b.name for b in kept.branches] == ["b1", "b3"]
    assert [b.name for b in BLOCK_3A.branches] == ["b1", "b2", "b3", "b4"]  # unchanged
    with pytest.raises(
        ValueError,
        match=r"Branches of 'inception_3a': \['b1', 'b2', 'b3', "
        r"'b4'\]. Received: \['b9'\]",
    ):
        keep_branches(BLOCK_3A, ["b9"])
    with pytest.raises(ValueError, match="needs a Concat or Residual"):
        keep_branches(Conv("c", 4, 1), ["b1"])


def test_with_filters_edits_convs_by_path():
    paths = [path for path, _ in conv_paths(BLOCK_3A)]
    assert paths[:3] == [("b1", "1x1"), ("b2", "3x3_reduce"), ("b2", "3x3")]
    edited = with_filters(BLOCK_3A, {("b2", "3x3"): 64})
    assert analyze(edited, googlenet.INPUT_3A).output_shape == (28, 28, 256 - 64)
    with pytest.raises(ValueError, match="has no conv at"):
        with_filters(BLOCK_3A, {("b9", "1x1"): 4})
    with pytest.raises(ValueError, match="filters of b2_3x3 must be an int >= 1"):
        with_filters(BLOCK_3A, {("b2", "3x3"): 0})


@pytest.mark.parametrize(
    "kernel, how, kernels",
    [
        (5, "3x3", [(3, 3), (3, 3)]),
        (7, "3x3", [(3, 3), (3, 3), (3, 3)]),
        (3, "asymmetric", [(1, 3), (3, 1)]),
        (7, "asymmetric", [(1, 7), (7, 1)]),
    ],
)
def test_factorize_keeps_the_receptive_field_and_output(kernel, how, kernels):
    conv = Conv("big", 16, kernel, strides=2)
    stack = factorize(conv, how)
    assert [op.kernel for op in stack.ops] == kernels
    assert [op.strides for op in stack.ops][-1] == (2, 2)
    big, small = analyze(conv, (17, 17, 16)), analyze(stack, (17, 17, 16))
    assert big.output_shape == small.output_shape
    assert small.kernel_params < big.kernel_params


@pytest.mark.parametrize(
    "conv, how, message",
    [
        (Conv("c", 4, 3), "3x3", "odd kernel of 5 or more"),
        (Conv("c", 4, (1, 7)), "asymmetric", "square kernel"),
        (Conv("c", 4, 5), "1x1", "how must be one of"),
    ],
)
def test_factorize_refuses_what_it_cannot_do(conv, how, message):
    with pytest.raises(ValueError, match=message):
        factorize(conv, how)


def test_truncate_stops_at_the_named_stage_and_drops_top_and_heads():
    spec = model_spec("googlenet", aux_heads=True)
    cut = truncate(spec, "inception_4e")
    assert cut.stage_names[-1] == "inception_4e" and cut.aux_heads == () and cut.classes is None
    assert [s.title for s in cut.sections][-1] == "Inception 4"
    assert truncate(spec, "classifier") is spec
    with pytest.raises(ValueError, match="final_endpoint of 'googlenet' must be one of"):
        truncate(spec, "mixed_6e")


def test_without_shortcut_and_map_residuals():
    block = resnet_block("v2", "a", "inception_resnet_a_1", 0.17)
    plain = without_shortcut(block)
    assert plain.shortcut is False and block.shortcut is True
    assert analyze(plain, (35, 35, 320)).params == analyze(block, (35, 35, 320)).params
    spec = model_spec("inception_resnet_v2", depth=0.1)
    unscaled = map_residuals(spec, lambda b: Residual(**{**b.__dict__, "scale": 1.0}))
    scales = {s.scale for s in unscaled.stages if isinstance(s, Residual)}
    assert scales == {1.0}
    with pytest.raises(ValueError, match="needs a Residual block"):
        without_shortcut(BLOCK_3A)


def test_top_level_sequences_are_named_after_their_stage():
    head = Sequence("head", (GlobalPool("pool"), Dense("fc", 3)))
    spec = ModelSpec("m", (Conv("stem", 4, 3), head), default_input=8, min_input=8)
    names = [row.name for row in analyze_model(spec).layers]
    assert names == ["stem", "head_pool", "head"]
    assert [row.name for row in analyze(head, (4, 4, 2)).layers] == ["head_pool", "head_fc"]


def test_pool_kinds_and_dropout_are_checked():
    with pytest.raises(ValueError, match="kind of 'p' must be one of 'max', 'avg'"):
        Pool("p", "min")


def test_check_items_wants_a_non_empty_list_of_one_kind():
    assert checks.check_items((1, 2), int, "runs") == [1, 2]
    for bad in ([], None, [1, "2"], 3):
        with pytest.raises(ValueError, match="runs must be a non-empty list of int"):
            checks.check_items(bad, int, "runs")


def test_check_seeds_wants_distinct_non_negative_ints():
    assert checks.check_seeds([2, 0, 1]) == (2, 0, 1)
    with pytest.raises(ValueError, match=r"seeds must be a non-empty list.*seeds=\(\)"):
        checks.check_seeds(())
    with pytest.raises(ValueError, match=r"seeds must be distinct.*\[1, 1\]"):
        checks.check_seeds((1, 1))
    with pytest.raises(ValueError, match="seed"):
        checks.check_seeds((0, -1))
    with pytest.raises(ValueError, match="seeds must be a non-empty list"):
        checks.check_seeds(3)
