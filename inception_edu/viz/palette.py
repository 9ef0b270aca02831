"""Colours that readers with a colour-vision deficiency can tell apart, and the check.

About one man in twelve of European descent sees red and green poorly. matplotlib's
default colours fail them: in notebook 09's per-class bars, "augmented" (``C2``, green)
and "from scratch" (``C3``, red) both become olive under deuteranopia. Every categorical
series of the course's figures is therefore drawn from :data:`CATEGORICAL`, the eight
colours of Okabe & Ito's palette (M. Okabe and K. Ito, "Color Universal Design (CUD):
How to make figures and presentations that are friendly to colorblind people", 2002,
https://jfly.uni-koeln.de/color/), designed for exactly this.

The claim is checked, not trusted (``tests/test_colour_vision.py``):
:func:`simulate_colour_vision` shows a colour as a dichromat sees it, with the matrices of
G. M. Machado, M. M. Oliveira and L. A. F. Fernandes, "A Physiologically-based Model for
Simulation of Color Vision Deficiency", IEEE Transactions on Visualization and Computer
Graphics 15(6), 2009 (severity 1.0: protanopia, deuteranopia, tritanopia), applied in
linear RGB as the paper specifies; :func:`indistinct_pairs` lists the pairs of colours
whose CIE76 colour difference (Euclidean distance in CIELAB, D65 white) falls below
:data:`MIN_DELTA_E` under any of them.

The threshold: a CIE76 difference of about 2.3 is just noticeable between two patches
side by side (M. Mahy, L. Van Eycken and A. Oosterlinck, "Evaluation of uniform colour
spaces developed after the adoption of CIELAB and CIELUV", Color Research & Application
19(2), 1994). A legend's swatch and a bar are read apart from each other, small and often
thin, so :data:`MIN_DELTA_E` asks for 15, several times that: the Okabe-Ito colours'
closest pair under any of the three simulations differs by 16 (bluish green and sky blue
under tritanopia), while matplotlib's green and red differ by 7 under deuteranopia and
its orange and green by 5 under protanopia.
"""

from __future__ import annotations

import itertools

import numpy as np

from inception_edu.spec.checks import check_number

__all__ = [
    "CATEGORICAL",
    "DEFICIENCIES",
    "MIN_DELTA_E",
    "OKABE_ITO",
    "cielab",
    "delta_e",
    "indistinct_pairs",
    "simulate_colour_vision",
    "use_palette",
]

#: Okabe & Ito's eight colours by their names (2002).
OKABE_ITO = {
    "vermillion": "#d55e00",
    "bluish green": "#009e73",
    "blue": "#0072b2",
    "reddish purple": "#cc79a7",
    "orange": "#e69f00",
    "sky blue": "#56b4e9",
    "yellow": "#f0e442",
    "black": "#000000",
}

#: The order series take them in. The first four follow the course's earlier colours
#: (ColorBrewer's Dark2: orange, green, purple-blue, pink) hue for hue, so a figure keeps
#: its look; yellow, the faintest on white, comes last but one.
CATEGORICAL = tuple(OKABE_ITO.values())

#: Machado, Oliveira & Fernandes (2009), Table 1 at severity 1.0: linear RGB in, linear
#: RGB out, as a dichromat of each kind sees it.
_MACHADO_2009 = {
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "tritanopia": (
        (1.255528, -0.076749, -0.178779),
        (-0.078411, 0.930809, 0.147602),
        (0.004733, 0.691367, 0.303900),
    ),
}

#: The deficiencies :func:`simulate_colour_vision` knows.
DEFICIENCIES = tuple(_MACHADO_2009)

#: The smallest CIE76 difference two series' colours may have, under every simulation
#: (see the module's docstring for why 15).
MIN_DELTA_E = 15.0

# sRGB (IEC 61966-2-1) linear RGB to CIE XYZ, D65 white.
_RGB_TO_XYZ = np.array(
    [
        [0.4124564, 0.3575761, 0.1804375],
        [0.2126729, 0.7151522, 0.0721750],
        [0.0193339, 0.1191920, 0.9503041],
    ]
)
_D65_WHITE = _RGB_TO_XYZ.sum(axis=1)


def _srgb(colours) -> np.ndarray:
    """``colours`` (matplotlib colour specifications: hex strings, names, RGB tuples) as an
    (N, 3) array of sRGB values in [0, 1]."""
    from matplotlib.colors import to_rgb

    if isinstance(colours, str) or not hasattr(colours, "__iter__"):
        raise ValueError(
            f"colours must be a list of colours (e.g. ['#0072b2', 'C1']). Received: {colours!r}"
        )
    colours = list(colours)
    if not colours:
        raise ValueError("colours must hold at least one colour. Received an empty list")
    rgb = []
    for colour in colours:
        try:
            rgb.append(to_rgb(colour))
        except (ValueError, TypeError):
            raise ValueError(
                f"colours must be matplotlib colours (a hex string such as '#0072b2', a "
                f"name, or an RGB tuple in [0, 1]). Received: {colour!r}"
            ) from None
    return np.asarray(rgb, dtype=float)


def _linear(srgb: np.ndarray) -> np.ndarray:
    """sRGB's transfer function undone: light in proportion to the value."""
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def _encoded(linear: np.ndarray) -> np.ndarray:
    linear = np.clip(linear, 0.0, 1.0)
    return np.where(linear <= 0.0031308, 12.92 * linear, 1.055 * linear ** (1 / 2.4) - 0.055)


def _check_deficiency(deficiency) -> str | None:
    if deficiency is not None and deficiency not in _MACHADO_2009:
        raise ValueError(
            f"deficiency must be None or one of {DEFICIENCIES}. Received: {deficiency!r}"
        )
    return deficiency


def simulate_colour_vision(colours, deficiency: str) -> np.ndarray:
    """``colours`` as a dichromat with ``deficiency`` (one of :data:`DEFICIENCIES`) sees
    them: an (N, 3) array of sRGB values in [0, 1].

    Machado, Oliveira & Fernandes (2009) at severity 1.0, applied to linear RGB and clipped
    to the display's range before sRGB encoding."""
    if deficiency not in _MACHADO_2009:
        raise ValueError(f"deficiency must be one of {DEFICIENCIES}. Received: {deficiency!r}")
    linear = _linear(_srgb(colours)) @ np.asarray(_MACHADO_2009[deficiency]).T
    return _encoded(linear)


def cielab(colours) -> np.ndarray:
    """``colours`` in CIELAB (L*, a*, b*; D65 white): an (N, 3) array."""
    xyz = _linear(_srgb(colours)) @ _RGB_TO_XYZ.T / _D65_WHITE
    cube = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    x, y, z = cube[:, 0], cube[:, 1], cube[:, 2]
    return np.stack([116 * y - 16, 500 * (x - y), 200 * (y - z)], axis=1)


def delta_e(first, second, deficiency: str | None = None) -> float:
    """The CIE76 difference between two colours (the distance of their CIELAB points), as
    everyone sees them (``deficiency=None``) or as a dichromat of that kind does."""
    _check_deficiency(deficiency)
    pair = _srgb([first, second])
    if deficiency is not None:
        pair = simulate_colour_vision(pair, deficiency)
    lab = cielab(pair)
    return float(np.linalg.norm(lab[0] - lab[1]))


def indistinct_pairs(colours, threshold: float = MIN_DELTA_E) -> list:
    """Every pair of ``colours`` closer than ``threshold`` (CIE76) in normal vision or
    under any of :data:`DEFICIENCIES`: a list of ``(vision, first, second, delta_e)``
    (``vision`` is ``"normal"`` or the deficiency), closest first; empty when every pair
    can be told apart."""
    threshold = check_number(threshold, "threshold", 0.0)
    _srgb(colours)  # a clear error for anything that is not a list of colours
    colours = list(colours)
    found = []
    for vision in ("normal", *DEFICIENCIES):
        deficiency = None if vision == "normal" else vision
        for first, second in itertools.combinations(colours, 2):
            difference = delta_e(first, second, deficiency)
            if difference < threshold:
                found.append((vision, first, second, difference))
    return sorted(found, key=lambda pair: pair[-1])


def use_palette() -> None:
    """Make :data:`CATEGORICAL` matplotlib's colour cycle, so ``C0``, ``C1``, ... and every
    series drawn without a colour take the Okabe-Ito colours. Idempotent; like
    :func:`~inception_edu.viz.hangul.register_korean_font`, meant to run when
    :mod:`inception_edu.viz` is imported."""
    import matplotlib
    from cycler import cycler

    matplotlib.rcParams["axes.prop_cycle"] = cycler(color=list(CATEGORICAL))
