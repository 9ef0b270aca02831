"""The SVG charts' axis labels say the ticks' values."""

import re

from inception_edu.viz.charts import bars_svg, line_charts_svg, nice_ticks


def _labels(svg):
    return re.findall(r">([0-9.,]+)<", svg)


def test_quarter_ticks_are_labelled_with_two_decimals():
    assert nice_ticks(1.0) == [0.0, 0.25, 0.5, 0.75, 1.0]
    labels = _labels(bars_svg([0.9, 0.1], ["a", "b"], "t"))
    assert labels[:5] == ["0", "0.25", "0.5", "0.75", "1"]
    chart = line_charts_svg([("p", {"s": [0.2, 0.9]})], ["s"], "epoch")
    assert {"0.25", "0.75"} <= set(_labels(chart)) and "0.2" not in _labels(chart)


def test_tick_decimals_follow_the_step():
    assert _labels(bars_svg([0.1], ["a"], "t", y_max=0.1))[:5] == [
        "0",
        "0.025",
        "0.05",
        "0.075",
        "0.1",
    ]
    assert _labels(bars_svg([10], ["a"], "t", y_max=10))[:5] == ["0", "2.5", "5", "7.5", "10"]
    assert _labels(bars_svg([4000], ["a"], "t", y_max=4000))[:5] == [
        "0",
        "1,000",
        "2,000",
        "3,000",
        "4,000",
    ]


def test_line_charts_count_x_from_first():
    epochs = _labels(line_charts_svg([("p", {"s": [3.0, 2.0, 1.0]})], ["s"], "epoch"))
    blocks = _labels(line_charts_svg([("p", {"s": [3.0, 2.0, 1.0]})], ["s"], "block", first=0))
    assert epochs[-3:] == ["1", "2", "3"] and blocks[-3:] == ["0", "1", "2"]
