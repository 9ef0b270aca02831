"""How long measuring a new label takes: the diagrams' own text widths against matplotlib's.

The diagrams are laid out around their labels, and a slider move on an explorer makes a
dozen labels no call has measured yet. Prints the median time per new string of
:func:`inception_edu.viz.fonts.text_width` (glyph advances and kerning read once, summed)
and of matplotlib's ``TextToPath.get_text_width_height_descent`` (a layout per call), their
ratio, and the largest difference between the two widths (they must agree).

Run: ``.venv/bin/python benchmarks/text_width_speed.py``.
"""

import statistics
import time

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath

from inception_edu.viz.fonts import text_width

SIZE = 10.0
LABELS = 400  # new strings per measurement, each measured once


def labels(start: int) -> list[str]:
    """Strings like the explorers make, none seen before: "3x3 conv, 129", "28x28x129"."""
    return [
        f"3x3 conv, {n}" if n % 2 else f"{n % 97}x{n % 97}x{n}"
        for n in range(start, start + LABELS)
    ]


def seconds_per_string(measure, texts: list[str]) -> float:
    start = time.perf_counter()
    for text in texts:
        measure(text)
    return (time.perf_counter() - start) / len(texts)


def main() -> None:
    engine = TextToPath()
    font = FontProperties(family="sans-serif", size=SIZE)

    def matplotlib_width(text: str) -> float:
        return engine.get_text_width_height_descent(text, font, ismath=False)[0]

    def course_width(text: str) -> float:
        return text_width(text, SIZE)

    text_width("warm-up", SIZE)  # the font files are read on first use
    matplotlib_width("warm-up")
    ours = statistics.median(
        seconds_per_string(course_width, labels(1000 * (i + 1))) for i in range(5)
    )
    theirs = statistics.median(
        seconds_per_string(matplotlib_width, labels(1000 * (i + 1) + 500)) for i in range(5)
    )
    worst = max(abs(course_width(t) - matplotlib_width(t)) for t in labels(10_000))
    print(f"matplotlib TextToPath: {theirs * 1e3:8.3f} ms per new string")
    print(f"viz.fonts.text_width:  {ours * 1e3:8.3f} ms per new string ({theirs / ours:.0f}x)")
    print(f"largest width difference over {LABELS} strings: {worst:.2g} pt")


if __name__ == "__main__":
    main()
