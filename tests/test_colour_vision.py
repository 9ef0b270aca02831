"""The course's series colours stay apart for readers with a colour-vision deficiency,
checked by simulation (Machado, Oliveira & Fernandes 2009) and CIE76 differences."""

import numpy as np
import pytest

from inception_edu.viz import palette
from inception_edu.viz.charts import SERIES_COLOURS
from inception_edu.viz.images import plot_per_class

# matplotlib's default C2 and C3: notebook 09's "augmented" and "from scratch" bars,
# both olive under deuteranopia before the palette.
OLD_AUGMENTED, OLD_FROM_SCRATCH = "#2ca02c", "#d62728"


def test_every_pair_of_the_palette_stays_apart_under_each_simulation():
    assert palette.indistinct_pairs(palette.CATEGORICAL) == []
    assert palette.indistinct_pairs(SERIES_COLOURS) == []
    assert len(set(palette.CATEGORICAL)) == len(palette.CATEGORICAL) == 8


def test_the_old_olive_pair_fails_the_same_check():
    found = palette.indistinct_pairs([OLD_AUGMENTED, OLD_FROM_SCRATCH])
    assert [vision for vision, *_ in found] == ["deuteranopia"]
    assert found[0][-1] < palette.MIN_DELTA_E / 2
    # in normal vision the two are far apart: the simulation is what brings them together
    assert palette.delta_e(OLD_AUGMENTED, OLD_FROM_SCRATCH) > 3 * palette.MIN_DELTA_E
    olive = palette.simulate_colour_vision([OLD_AUGMENTED, OLD_FROM_SCRATCH], "deuteranopia")
    assert np.all(olive[:, 0] > olive[:, 2]) and np.all(olive[:, 1] > olive[:, 2])


def test_the_simulation_keeps_greys_and_confuses_what_each_deficiency_confuses():
    greys = ["#000000", "#777777", "#ffffff"]
    for deficiency in palette.DEFICIENCIES:
        seen = palette.simulate_colour_vision(greys, deficiency)
        np.testing.assert_allclose(seen, palette.simulate_colour_vision(greys, deficiency))
        np.testing.assert_allclose(seen, [[0, 0, 0], [0x77 / 255] * 3, [1, 1, 1]], atol=2e-3)
    red_green = ("#d62728", "#2ca02c")
    assert palette.delta_e(*red_green, "deuteranopia") < palette.delta_e(*red_green, "tritanopia")
    blue_green = ("#009e73", "#56b4e9")
    assert palette.delta_e(*blue_green, "tritanopia") < palette.delta_e(*blue_green)
    assert palette.delta_e("white", "black") == pytest.approx(100.0)


def test_the_per_class_bars_take_the_palette_in_order():
    errors = {name: np.full((2, 3), 0.2) for name in ("a", "b", "c", "augmented", "scratch")}
    figure = plot_per_class(errors, ["cat", "dog", "fox"], ylabel="error rate")
    from matplotlib.container import BarContainer

    bars = [c for c in figure.axes[0].containers if isinstance(c, BarContainer)]
    colours = [tuple(np.round(container.patches[0].get_facecolor()[:3], 3)) for container in bars]
    expected = [tuple(np.round(c, 3)) for c in palette._srgb(palette.CATEGORICAL[:5])]
    assert colours == expected


def test_use_palette_makes_the_palette_matplotlibs_colour_cycle():
    import matplotlib

    before = matplotlib.rcParams["axes.prop_cycle"]
    try:
        palette.use_palette()
        palette.use_palette()
        cycle = [c["color"] for c in matplotlib.rcParams["axes.prop_cycle"]]
        assert cycle == list(palette.CATEGORICAL)
    finally:
        matplotlib.rcParams["axes.prop_cycle"] = before


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: palette.simulate_colour_vision(["#000000"], "colour blind"), "deficiency must"),
        (lambda: palette.simulate_colour_vision(["#000000"], None), "deficiency must.*None"),
        (lambda: palette.delta_e("red", "blue", "red-green"), "deficiency must be None or"),
        (lambda: palette.cielab("#d55e00"), "list of colours.*'#d55e00'"),
        (lambda: palette.cielab([]), "at least one colour"),
        (lambda: palette.cielab(["not a colour"]), "matplotlib colours.*'not a colour'"),
        (lambda: palette.indistinct_pairs(["red"], threshold=-1), "threshold"),
    ],
)
def test_bad_input_says_what_was_received(call, message):
    with pytest.raises(ValueError, match=message):
        call()
