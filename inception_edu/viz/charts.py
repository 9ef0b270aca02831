"""Small line charts written straight to SVG, for widgets that redraw on every change.

A matplotlib figure saved as SVG takes tens of milliseconds; these take well under one,
and they share the diagrams' SVG writer (:mod:`~inception_edu.viz.svg`): text as text,
a ``viewBox``, the same bytes for the same data.
"""

from __future__ import annotations

import math

from inception_edu.viz.fonts import text_width
from inception_edu.viz.palette import CATEGORICAL
from inception_edu.viz.svg import SvgCanvas

__all__ = ["SERIES_COLOURS", "bars_svg", "line_charts_svg", "nice_ticks", "share_bars_svg"]

#: Colours of the compared series: the first four of the Okabe-Ito palette
#: (:data:`~inception_edu.viz.palette.CATEGORICAL`), told apart under simulated
#: protanopia, deuteranopia and tritanopia. (ColorBrewer's Dark2, used before, is not:
#: its green and pink differ by a CIE76 distance of 6 under deuteranopia.)
SERIES_COLOURS = CATEGORICAL[:4]

FONT = 11.0  # ticks and legend, in points
FONT_TITLE = 12.5
PANEL_W, PANEL_H = 300.0, 190.0  # plotting area of one panel, in points
LEFT, RIGHT, TOP, BOTTOM = 58.0, 18.0, 34.0, 40.0  # room around it, in points
GAP = 36.0  # between two panels


def nice_ticks(top: float, count: int = 5) -> list:
    """0 and round steps (1, 2 or 5 times a power of ten) up to at least ``top``."""
    if top <= 0:
        return [0, 1]
    raw = top / (count - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    ticks = [0.0]
    while ticks[-1] < top - 1e-9 * top:
        ticks.append(round(ticks[-1] + step, 10))
    return ticks


def _tick_text(value: float, step: float = 1.0) -> str:
    """A tick's label with as many decimals as the axis' ``step`` needs (0.25 -> two),
    trailing zeros dropped: 0, 0.25, 0.5, 0.75, 1."""
    decimals = next((d for d in range(10) if abs(step - round(step, d)) <= 1e-9 * step), 10)
    if value == int(value):
        return f"{value:,.0f}"
    return f"{value:,.{max(decimals, 1)}f}".rstrip("0").rstrip(".")


def line_charts_svg(panels, series, x_label: str, label: str = "", first: int = 1) -> str:
    """Panels side by side, each a line chart of the same named series over x = ``first``,
    ``first`` + 1, ... (epochs count from 1; blocks passed from 0, the stem).

    ``panels`` is a list of ``(title, {series name: [y values]})``; ``series`` the names
    in legend order (coloured by :data:`SERIES_COLOURS`). Returns one ``<svg>`` string.
    """
    width = len(panels) * (LEFT + PANEL_W + RIGHT) + (len(panels) - 1) * GAP
    height = TOP + PANEL_H + BOTTOM + 22.0
    canvas = SvgCanvas(width, height, label or " and ".join(t for t, _ in panels))
    colours = dict(zip(series, SERIES_COLOURS, strict=False))
    for index, (title, values) in enumerate(panels):
        x0 = index * (LEFT + PANEL_W + RIGHT + GAP) + LEFT
        count = max(len(v) for v in values.values())
        ticks = nice_ticks(max(max(v) for v in values.values()))
        top = ticks[-1]

        def px(i, x0=x0, count=count):
            return x0 + (PANEL_W * (i / (count - 1)) if count > 1 else PANEL_W / 2)

        def py(v, top=top):
            return TOP + PANEL_H * (1 - v / top)

        canvas.text(x0 + PANEL_W / 2, TOP - 14, title, FONT_TITLE, bold=True)
        for tick in ticks:  # horizontal grid and y labels
            y = py(tick)
            canvas.polyline([(x0, y), (x0 + PANEL_W, y)], "#dddddd", 0.8)
            canvas.text(x0 - 6, y, _tick_text(tick, ticks[1]), FONT, anchor="end", color="#333333")
        for i in range(count):
            canvas.polyline([(px(i), TOP + PANEL_H), (px(i), TOP + PANEL_H + 4)], "#333333")
            canvas.text(px(i), TOP + PANEL_H + 15, str(i + first), FONT, color="#333333")
        canvas.polyline(
            [(x0, TOP), (x0, TOP + PANEL_H), (x0 + PANEL_W, TOP + PANEL_H)], "#333333", 1.0
        )
        canvas.text(x0 + PANEL_W / 2, TOP + PANEL_H + 32, x_label, FONT, color="#333333")
        for name in series:
            points = [(px(i), py(v)) for i, v in enumerate(values[name])]
            canvas.polyline(points, colours[name], 2.2)
            for x, y in points:
                canvas.circle(x, y, 3.6, colours[name], "#ffffff", 1.0)
    # the legend, under the panels
    x = LEFT
    y = height - 12
    for name in series:
        canvas.polyline([(x, y), (x + 22, y)], colours[name], 2.2)
        canvas.circle(x + 11, y, 3.6, colours[name], "#ffffff", 1.0)
        canvas.text(x + 28, y, name, FONT, anchor="start")
        x += 28 + text_width(name, FONT) + 24
    return canvas.svg("inception-edu-chart")


def bars_svg(values, labels, title: str, highlight: int | None = None, y_max: float = 1.0) -> str:
    """A bar chart of ``values`` (one per label) up to ``y_max``, as one ``<svg>`` string;
    bar ``highlight`` is drawn in the second series colour (the right class, say)."""
    values, labels = list(values), [str(label) for label in labels]
    if len(values) != len(labels) or not values:
        raise ValueError(
            f"bars_svg needs one value per label. Received {len(values)} "
            f"values and {len(labels)} labels"
        )
    slot = max(22.0, max(text_width(label, FONT) for label in labels) + 6)
    width = LEFT + slot * len(values) + RIGHT
    height = TOP + PANEL_H + BOTTOM
    canvas = SvgCanvas(width, height, title)
    canvas.text(width / 2, TOP / 2, title, size=FONT_TITLE, bold=True)
    base = TOP + PANEL_H
    if any(value > y_max for value in values):
        y_max = max(values)
    ticks = nice_ticks(y_max)
    for tick in ticks:
        y = base - PANEL_H * tick / ticks[-1]
        canvas.polyline([(LEFT, y), (LEFT + slot * len(values), y)], "#dddddd", 0.8)
        canvas.text(LEFT - 6, y, _tick_text(tick, ticks[1]), size=FONT, anchor="end")
    for index, (value, label) in enumerate(zip(values, labels, strict=True)):
        x = LEFT + slot * index
        bar = PANEL_H * min(max(value, 0.0), ticks[-1]) / ticks[-1]
        colour = SERIES_COLOURS[1] if index == highlight else SERIES_COLOURS[0]
        canvas.rect(x + 3, base - bar, slot - 6, bar, fill=colour, stroke=colour)
        canvas.text(x + slot / 2, base + 14, label, size=FONT)
    canvas.polyline([(LEFT, TOP), (LEFT, base), (LEFT + slot * len(values), base)], "#333333")
    return canvas.svg()


def share_bars_svg(labels, series, title: str, highlight: int | None = None) -> str:
    """Horizontal bars, one row per label and one bar per series in each row: shares of
    a whole (``series`` maps a name to one value in [0, 1] per label), e.g. each section's
    share of a network's parameters and of its multiply-adds. Row ``highlight`` gets a
    grey band behind it and a bold label."""
    labels = [str(label) for label in labels]
    series = {str(name): [float(v) for v in values] for name, values in dict(series).items()}
    if not labels or not series or any(len(v) != len(labels) for v in series.values()):
        raise ValueError(
            "share_bars_svg needs one value per label in every series. Received "
            f"{len(labels)} labels and series of lengths {[len(v) for v in series.values()]}"
        )
    if highlight is not None and not 0 <= highlight < len(labels):
        raise ValueError(f"highlight must be a row from 0 to {len(labels) - 1} or None.")
    bar, row_gap, track = 9.0, 8.0, 260.0
    row_h = bar * len(series) + row_gap
    left = max(text_width(label, FONT, bold=True) for label in labels) + 16
    legend_w = sum(28 + text_width(name, FONT) + 18 for name in series)
    width = max(left + track + 56, legend_w + left)
    height = TOP + row_h * len(labels) + 44
    canvas = SvgCanvas(width, height, title)
    canvas.text(width / 2, TOP / 2, title, size=FONT_TITLE, bold=True)
    colours = dict(zip(series, SERIES_COLOURS, strict=False))
    for index, label in enumerate(labels):
        y = TOP + index * row_h
        if index == highlight:
            canvas.rect(2, y - 2, width - 4, row_h - row_gap + 4, "#ececec", "#ececec")
        middle = y + (row_h - row_gap) / 2
        canvas.text(left - 8, middle, label, FONT, "end", bold=index == highlight)
        for number, (name, values) in enumerate(series.items()):
            share = min(max(values[index], 0.0), 1.0)
            top = y + number * bar
            colour = colours[name]
            canvas.rect(left, top + 1, max(track * share, 0.5), bar - 2, colour, colour)
            end = left + track * share + 4
            canvas.text(end, top + bar / 2, f"{100 * share:.0f}%", 9.5, "start")
    base = TOP + row_h * len(labels) - row_gap / 2
    canvas.polyline([(left, TOP - 4), (left, base)], "#333333")
    x, y = left, height - 16
    for name, colour in colours.items():
        canvas.rect(x, y - 5, 22, 10, colour, colour)
        canvas.text(x + 28, y, name, FONT, anchor="start")
        x += 28 + text_width(name, FONT) + 18
    return canvas.svg()
