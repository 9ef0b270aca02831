"""The explorers, driven from Python as a learner drives them with the mouse."""

import matplotlib
import pytest

from inception_edu.architectures import inception_module, naive_inception_module
from inception_edu.specs import Conv, Sequence
from inception_edu.widgets import BlockExplorer, NaiveVsBottleneck, StackExplorer, stack_growth

matplotlib.use("Agg")
INPUT_3A = (28, 28, 192)


@pytest.fixture
def explorer_3a():
    return BlockExplorer(inception_module("inception_3a", 64, 96, 128, 16, 32, 32), INPUT_3A)


def test_unticking_the_5x5_branch_drops_exactly_its_channels_and_parameters(explorer_3a):
    before_params, before_draws = explorer_3a.summary.params, explorer_3a.redraws
    assert explorer_3a.output_channels == 256
    assert b"<svg" in bytes(explorer_3a.diagram.value)
    explorer_3a.checkboxes["b3"].value = False
    five_by_five = (192 * 16 + 16) + (5 * 5 * 16 * 32 + 32)  # reduce and 5x5, with biases
    assert explorer_3a.output_channels == 256 - 32
    assert explorer_3a.summary.params == before_params - five_by_five
    assert "output 28x28x224" in explorer_3a.headline.value
    assert explorer_3a.redraws == before_draws + 1
    assert "b3" not in explorer_3a.branch_numbers()


def test_a_filter_slider_changes_channels_and_cost(explorer_3a):
    before = explorer_3a.summary
    explorer_3a.sliders[("b2", "3x3")].value = 64
    assert explorer_3a.output_channels == 256 - 64
    assert before.macs - explorer_3a.summary.macs == 9 * 96 * 64 * 28 * 28
    assert explorer_3a.branch_numbers()["b2"][0] == 64


def test_no_branch_ticked_says_so_and_recovers(explorer_3a):
    for box in explorer_3a.checkboxes.values():
        box.value = False
    assert "at least one branch" in explorer_3a.error
    explorer_3a.checkboxes["b1"].value = True
    assert explorer_3a.error is None and explorer_3a.output_channels == 64


def test_the_naive_block_explorer_and_a_bad_block():
    explorer = BlockExplorer(naive_inception_module("naive", 64, 128, 32), INPUT_3A, draw=False)
    assert explorer.output_channels == 416 and explorer.redraws == 0
    explorer.checkboxes["b4"].value = False  # the pool branch carries all 192 channels
    assert explorer.output_channels == 224
    with pytest.raises(ValueError, match="Concat or Residual"):
        BlockExplorer(Sequence("s", (Conv("c", 4, 1),)), INPUT_3A)
    with pytest.raises(ValueError, match="cannot concatenate"):
        BlockExplorer(naive_inception_module("naive", 64, 128, 32, padding="valid"), INPUT_3A)


def test_naive_vs_bottleneck_ratio_follows_the_sliders():
    panel = NaiveVsBottleneck()
    assert panel.ratio == pytest.approx(2.37, abs=0.005)
    assert panel.naive.output_shape == (28, 28, 416)
    assert panel.bottleneck.output_shape == (28, 28, 256)
    draws = panel.redraws
    panel.sliders["ch3x3red"].value = 192  # a "reduction" that reduces nothing
    assert panel.ratio < 2.37 and panel.redraws == draws + 1
    assert f"{panel.ratio:.2f}x" in panel.numbers.value


def test_stacked_naive_blocks_grow_by_224_channels_each():
    growth = stack_growth(4)
    assert [channels for channels, _ in growth["naive"]] == [416, 640, 864, 1088]
    assert [channels for channels, _ in growth["bottleneck"]] == [256] * 4
    naive_cost = [macs for _, macs in growth["naive"]]
    assert all(b - a > 0 for a, b in zip(naive_cost, naive_cost[1:], strict=False))
    with pytest.raises(ValueError, match="blocks must be an int >= 1"):
        stack_growth(0)


def test_stack_explorer_redraws_on_the_slider():
    explorer = StackExplorer()
    explorer.slider.value = 3
    assert len(explorer.growth["naive"]) == 3 and explorer.redraws == 2
    assert "1088" not in explorer.numbers.value and "864" in explorer.numbers.value


def test_training_panel_trains_with_the_slider_weight():
    from inception_edu import models
    from inception_edu.data import load_digits_split
    from inception_edu.widgets import TrainingPanel

    digits = load_digits_split(image_size=32, seed=0, val_fraction=0.5)
    tiny = type(digits)(digits.x_train[:64], digits.y_train[:64], digits.x_val[:32],
                        digits.y_val[:32], digits.class_names)

    def build(aux_heads):
        return models.googlenet(input_shape=(32, 32, 1), classes=10, width=0.05,
                                aux_heads=aux_heads)

    panel = TrainingPanel(tiny, build, epochs=2, batch_size=32)
    panel.weight.value = 0.5
    history = panel.train()
    assert len(history.history["loss"]) == 2
    assert "aux weight 0.50" in panel.result.value and 0 <= panel.val_accuracy <= 1
    assert not panel.button.disabled


def test_explorers_check_their_arguments():
    block = inception_module("inception_3a", 64, 96, 128, 16, 32, 32)
    for make in (lambda: BlockExplorer(block, None), lambda: NaiveVsBottleneck(None),
                 lambda: StackExplorer(None)):
        with pytest.raises(ValueError, match="input_shape"):
            make()
    with pytest.raises(ValueError, match="Unknown columns \\['foo'\\]"):
        NaiveVsBottleneck(foo=3)
    with pytest.raises(ValueError, match="ch5x5red must be an int >= 1"):
        NaiveVsBottleneck(ch5x5red=0)
    with pytest.raises(ValueError, match="max_blocks must be an int >= 1"):
        StackExplorer(max_blocks=0)
    with pytest.raises(ValueError, match="naive_filters must be"):
        stack_growth(2, INPUT_3A, (64, 128))


def test_a_branch_that_is_a_bare_op_has_its_numbers(explorer_3a):
    from inception_edu.architectures import split_1x3_3x1

    explorer = BlockExplorer(split_1x3_3x1(8), (8, 8, 16), draw=False)
    assert explorer.branch_numbers() == {"1x3": (8, 3 * 16 * 8 + 3 * 8, 3 * 16 * 8 * 64),
                                         "3x1": (8, 3 * 16 * 8 + 3 * 8, 3 * 16 * 8 * 64)}
    for box in explorer_3a.checkboxes.values():
        box.value = False
    assert explorer_3a.branch_numbers() == {} and explorer_3a.output_channels == 0


def test_stack_explorer_follows_the_naive_filters():
    explorer = StackExplorer(naive_filters=(8, 8, 8), draw=False)
    explorer.slider.value = 2
    assert [channels for channels, _ in explorer.growth["naive"]] == [216, 240]
