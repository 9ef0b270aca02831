"""A tiny SVG writer: shapes and text as strings, the same bytes for the same picture.

The widgets and the notebooks' static fallbacks show diagrams as inline SVG written here
directly, without matplotlib: a block diagram takes a millisecond or two instead of the
tens of milliseconds of ``savefig(format="svg")``. What it writes:

- user units are points (1/72 inch) and the ``viewBox`` spans the picture, so it scales
  to any width (``max-width: 100%``) and stays sharp on a projector;
- text stays text, in the sans-serif stack of :data:`~inception_edu.viz.fonts.FONT_FAMILY`
  (with Korean fonts added when a label holds Hangul), so it can be read, searched and copied;
- no ``id`` attributes (a page may hold the same diagram twice: the widget and its static
  fallback) and arrow heads drawn as triangles rather than ``<marker>`` references;
- numbers rounded to 2 decimals: the same input gives byte-identical output, as strict
  nbval needs for stored ``text/html``.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from inception_edu.viz.fonts import ASCENT, DESCENT, LINE_HEIGHT, font_family

__all__ = ["SvgCanvas", "num"]


def num(value: float) -> str:
    """A coordinate rounded to 2 decimals, without trailing zeros (``12.5``, ``3``)."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


class SvgCanvas:
    """Shapes in points, painted in three layers: lines under boxes under text.

    ``width`` and ``height`` are in points; ``pixels_per_point`` sets the natural size
    the page shows it at (4/3: a 12 pt label is 16 CSS pixels, as in print).
    """

    def __init__(
        self, width: float, height: float, label: str = "", pixels_per_point: float = 4 / 3
    ):
        self.width, self.height = width, height
        self.label, self.scale = label, pixels_per_point
        self.lines: list = []
        self.shapes: list = []
        self.texts: list = []

    def rect(
        self,
        x,
        y,
        w,
        h,
        fill,
        stroke="#333333",
        stroke_width=1.0,
        radius=0.0,
        dashed=False,
        data=None,
    ) -> None:
        """A rectangle with top-left corner (x, y); ``data`` adds ``data-*`` attributes."""
        extra = f' rx="{num(radius)}"' if radius else ""
        if dashed:
            extra += f' stroke-dasharray="{num(3.7 * stroke_width)} {num(1.6 * stroke_width)}"'
        for key, value in (data or {}).items():
            extra += f" data-{key}={quoteattr(str(value))}"
        self.shapes.append(
            f'<rect x="{num(x)}" y="{num(y)}" width="{num(w)}" height="{num(h)}"{extra} '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{num(stroke_width)}"/>'
        )

    def polyline(self, points, color="#333333", width=1.0, dashed=False) -> None:
        dash = f' stroke-dasharray="{num(3 * width)} {num(2 * width)}"' if dashed else ""
        path = " ".join(
            f"{'M' if i == 0 else 'L'}{num(x)} {num(y)}" for i, (x, y) in enumerate(points)
        )
        self.lines.append(
            f'<path d="{path}" fill="none" stroke="{color}" '
            f'stroke-width="{num(width)}" stroke-linejoin="round"{dash}/>'
        )

    def polygon(self, points, fill="#333333") -> None:
        coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
        self.lines.append(f'<polygon points="{coords}" fill="{fill}"/>')

    def arrow(self, points, width=1.0, head_length=5.6, head_width=2.8, color="#333333") -> None:
        """A polyline ending in a filled triangular head at its last point."""
        (x0, y0), (x1, y1) = points[-2], points[-1]
        length = ((x1 - x0) ** 2 + (y1 - y0) ** 2) ** 0.5 or 1.0
        ux, uy = (x1 - x0) / length, (y1 - y0) / length
        bx, by = x1 - ux * head_length, y1 - uy * head_length
        # the shaft stops inside the head, so no line pokes out of its tip
        stop = min(head_length / 2, length)
        self.polyline([*points[:-1], (x1 - ux * stop, y1 - uy * stop)], color, width)
        self.polygon(
            [
                (x1, y1),
                (bx - uy * head_width, by + ux * head_width),
                (bx + uy * head_width, by - ux * head_width),
            ],
            color,
        )

    def circle(self, cx, cy, r, fill, stroke="#333333", stroke_width=1.0) -> None:
        self.shapes.append(
            f'<circle cx="{num(cx)}" cy="{num(cy)}" r="{num(r)}" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="{num(stroke_width)}"/>'
        )

    def text(
        self,
        x,
        y,
        text,
        size,
        anchor="middle",
        valign="center",
        bold=False,
        color="#000000",
        rotate=False,
        linespacing=1.25,
    ) -> None:
        """``text`` (lines split on newlines) at (x, y): ``anchor`` start/middle/end,
        ``valign`` top/center/baseline as matplotlib's ``va``; ``rotate`` turns it to
        read upwards with (x, y) at the left edge of the turned text's box."""
        lines = text.split("\n")
        pitch = LINE_HEIGHT * linespacing * size
        if valign == "top":  # the line's box is ``pitch`` high, the ink centred in it
            first = y + (pitch + (ASCENT - DESCENT) * size) / 2
        elif valign == "baseline":
            first = y
        else:
            first = y - (len(lines) - 1) * pitch / 2 + (ASCENT - DESCENT) / 2 * size
        attrs = f'font-size="{num(size)}"'
        if anchor != "start":
            attrs += f' text-anchor="{anchor}"'
        if bold:
            attrs += ' font-weight="bold"'
        if color != "#000000":
            attrs += f' fill="{color}"'
        if "  " in text:  # runs of spaces separate items (the legend's notes)
            attrs += ' xml:space="preserve"'
        if rotate:  # one line, turned a quarter anticlockwise about its anchor point
            px, py = x + ASCENT * size, y
            self.texts.append(
                f'<text x="{num(px)}" y="{num(py)}" {attrs} '
                f'transform="rotate(-90 {num(px)} {num(py)})">'
                f"{escape(text)}</text>"
            )
            return
        if len(lines) == 1:
            self.texts.append(f'<text x="{num(x)}" y="{num(first)}" {attrs}>{escape(text)}</text>')
            return
        spans = "".join(
            f'<tspan x="{num(x)}" y="{num(first + i * pitch)}">{escape(line)}</tspan>'
            for i, line in enumerate(lines)
        )
        self.texts.append(f"<text {attrs}>{spans}</text>")

    def svg(self, css_class: str = "inception-edu-diagram") -> str:
        """The picture as one ``<svg>`` element, ready to inline in HTML."""
        label = quoteattr(self.label) if self.label else None
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
            f'viewBox="0 0 {num(self.width)} {num(self.height)}" '
            f'width="{round(self.width * self.scale)}" '
            f'height="{round(self.height * self.scale)}" '
            f'style="max-width:100%;height:auto;background:#ffffff" '
            f'font-family="{font_family(self.texts)}" role="img"'
            + (f" aria-label={label}" if label else "")
            + ">"
        )
        title = f"<title>{escape(self.label)}</title>" if self.label else ""
        return "".join([head, title, *self.lines, *self.shapes, *self.texts, "</svg>"])
