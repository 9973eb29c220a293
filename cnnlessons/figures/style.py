"""The series' visual language, in one place.

One colour per role, from the Okabe-Ito palette (distinguishable with the common forms of
colour blindness): the input is blue, the kernel orange, the output green and a receptive field
reddish purple. Signed values use a diverging colormap centred on zero; unsigned values a
perceptually uniform one. Fonts and lines are sized for a classroom projector.

"Which parameter" has one scheme in every panel: ``PARAM_COLORS`` (nine colours, so a 3x3
kernel's weights are all different, at least ΔE 25 apart in CIELAB for normal vision and under
simulated deuteranopia and protanopia), and beyond nine, the colour repeats with the next of
``PARAM_HATCHES`` and the parameter's number where the cell has room (``param_style``).

Outlines and highlights are drawn in their role's colour with a dark halo
(``halo_effects``): wherever the role colour is too close to what it overlays, the halo reaches
the WCAG non-text contrast of 3:1 (``highlight_contrast``; tests check every outline against
every colour of the colormap it sits on).
"""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks

__all__ = [
    "COLORS",
    "SIGNED_CMAP",
    "UNSIGNED_CMAP",
    "GREY_CMAP",
    "FONT",
    "LINE",
    "RC",
    "signed_limits",
    "PARAM_COLORS",
    "PARAM_HATCHES",
    "HALO",
    "IMPULSE_CMAP",
    "param_style",
    "halo_effects",
    "relative_luminance",
    "contrast_ratio",
    "highlight_contrast",
    "simulate_cvd",
    "to_lab",
    "delta_e",
    "OUTLINES",
    "HIGHLIGHT",
    "TEXT_COLORS",
    "text_on",
]

COLORS = {
    "input": "#0072B2",  # blue
    "kernel": "#E69F00",  # orange
    "output": "#009E73",  # bluish green
    "receptive": "#CC79A7",  # reddish purple
    "muted": "#999999",
    "text": "#222222",
}

SIGNED_CMAP = "RdBu_r"  # diverging: negative blue, zero white, positive red
UNSIGNED_CMAP = "cividis"  # perceptually uniform, colour-blind safe
GREY_CMAP = "gray"  # photographs
#: a 0-to-max scale whose 0 is white and whose low values are already clearly coloured, for
#: pictures where a single small non-zero value must stand out from the zeros (the impulse)
IMPULSE_CMAP = "Blues"

#: "which parameter": nine colours, pairwise at least ΔE 25 (CIE76) apart for normal vision
#: and under deuteranopia and protanopia (Machado et al. 2009, severity 1), none close to white
#: (white means "no connection"), found by a max-min search over the sRGB cube
PARAM_COLORS = (
    "#EA9500",  # orange
    "#006AAA",  # blue
    "#00956A",  # bluish green
    "#0000FF",  # pure blue
    "#EAD4FF",  # pale lilac
    "#950000",  # dark red
    "#40FFAA",  # mint
    "#6A6AFF",  # periwinkle
    "#005555",  # dark teal
)
#: beyond nine parameters the colours repeat, each round with the next hatching
PARAM_HATCHES = ("", "//", "..", "xx", "\\\\", "++", "oo", "--", "||")
#: text in a role's colour on white: each role's colour darkened (same hue) to at least 4.5:1
#: against white (WCAG 1.4.3; the orange of "kernel" itself is 2.25:1)
TEXT_COLORS = {
    "input": "#0072B2",
    "kernel": "#9C6C00",
    "output": "#008561",
    "receptive": "#9F5E82",
    "muted": "#747474",
    "text": "#222222",
}
#: the halo drawn around every outline and highlight
HALO = "#000000"

#: outline colours: each role's colour, lightened where needed to a relative luminance of at
#: least 0.42, so that with the black ``HALO`` it reaches 3:1 over any background (the line
#: itself over dark colours, the halo over everything else)
HIGHLIGHT = {
    "input": "#7FB8D8",
    "kernel": "#E69F00",
    "output": "#59C0A4",
    "receptive": "#DBA1C1",
}

#: every outline and highlight of the series: its colour and what it is drawn over (colormap
#: names, sampled over their whole range, or colours). Each reaches 3:1 with its halo.
OUTLINES = {
    "sliding window (lesson 01)": (
        HIGHLIGHT["kernel"],
        (UNSIGNED_CMAP, GREY_CMAP, SIGNED_CMAP, "white"),
    ),
    "output cell (lesson 01)": (HIGHLIGHT["output"], (SIGNED_CMAP, "white")),
    "receptive field frame (lesson 02)": (HIGHLIGHT["receptive"], (UNSIGNED_CMAP, "white")),
    "input panel frame": (HIGHLIGHT["input"], ("white",)),
    "kernel panel frame": (HIGHLIGHT["kernel"], ("white",)),
    "output panel frame": (HIGHLIGHT["output"], ("white",)),
}

FONT = {"small": 11, "normal": 13, "title": 15}
LINE = {"grid": 1.0, "highlight": 3.5}

#: matplotlib rc settings used by every figure of the series
RC = {
    "font.size": FONT["normal"],
    "axes.titlesize": FONT["title"],
    "axes.titleweight": "bold",
    "axes.labelsize": FONT["normal"],
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def signed_limits(values, floor: float = 1e-12) -> tuple[float, float]:
    """(-m, m) with m the largest absolute value: zero sits in the colormap's middle."""
    values = _checks.array(values, "values", ndims=(0, 1, 2, 3, 4), empty=True)
    floor = _checks.real(floor, "floor", finite=True, positive=True)
    m = float(np.max(np.abs(values))) if values.size else 0.0
    m = max(m, floor)
    return -m, m


def param_style(index: int) -> tuple[str, str]:
    """(colour, hatch) of parameter number ``index`` (0, 1, 2, ...): the colours of
    ``PARAM_COLORS`` in turn, then again with the next hatching of ``PARAM_HATCHES``."""
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or index < 0:
        raise ValueError(f"index must be an integer >= 0, got {index!r}")
    n = len(PARAM_COLORS)
    return PARAM_COLORS[index % n], PARAM_HATCHES[(index // n) % len(PARAM_HATCHES)]


def halo_effects(linewidth: float, halo: str = HALO, width: float = 2.5) -> list:
    """matplotlib path effects: a ``halo`` line ``width`` points wider than ``linewidth``
    under the line itself, so the outline reaches 3:1 contrast on any background."""
    from matplotlib import patheffects

    linewidth = _checks.real(linewidth, "linewidth", finite=True, minimum=0.0, maximum=100.0)
    width = _checks.real(width, "width", finite=True, minimum=0.0, maximum=100.0)
    halo = _color(halo, "halo")
    return [
        patheffects.Stroke(linewidth=linewidth + 2 * width, foreground=halo),
        patheffects.Normal(),
    ]


def _color(color, name: str):
    """A colour matplotlib knows (a name, a hex string, an RGB(A) tuple in [0, 1])."""
    from matplotlib.colors import is_color_like

    if isinstance(color, np.ndarray) and color.dtype.kind not in "f":
        raise TypeError(f"{name} must be a colour (e.g. '#0072B2' or (0.1, 0.2, 0.3))")
    if isinstance(color, (bool, np.bool_)) or not is_color_like(color):
        raise ValueError(
            f"{name} must be a colour: a name, a hex string such as '#0072B2', or an RGB "
            f"tuple of numbers in [0, 1]; got {_checks._shown(color)}"
        )
    return color


def _rgb(color, name: str = "color") -> np.ndarray:
    from matplotlib.colors import to_rgb

    return np.asarray(to_rgb(_color(color, name)), dtype=float)


def _linear(rgb) -> np.ndarray:
    rgb = np.asarray(rgb, dtype=float)
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def relative_luminance(color) -> float:
    """WCAG 2 relative luminance of a colour (a name, hex string or RGB tuple in [0, 1])."""
    r, g, b = _linear(_rgb(color, "color"))
    return float(0.2126 * r + 0.7152 * g + 0.0722 * b)


def contrast_ratio(a, b) -> float:
    """WCAG 2 contrast ratio of two colours, from 1 (same luminance) to 21 (black on white)."""
    _color(a, "a"), _color(b, "b")
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def highlight_contrast(color, background, halo: str | None = HALO) -> float:
    """Contrast of an outline drawn in ``color`` with a ``halo`` (``halo_effects``) over
    ``background``: the better of the two, since the halo borders the line on both sides."""
    _color(color, "color"), _color(background, "background")
    if halo is not None:
        _color(halo, "halo")
    ratios = [contrast_ratio(color, background)]
    if halo is not None:
        ratios.append(contrast_ratio(halo, background))
    return max(ratios)


#: Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB
_MACHADO = {
    "protanopia": np.array(
        [
            [0.152286, 1.052583, -0.204868],
            [0.114503, 0.786281, 0.099216],
            [-0.003882, -0.048116, 1.051998],
        ]
    ),
    "deuteranopia": np.array(
        [
            [0.367322, 0.860646, -0.227968],
            [0.280085, 0.672501, 0.047413],
            [-0.011820, 0.042940, 0.968881],
        ]
    ),
}


def simulate_cvd(color, kind: str) -> np.ndarray:
    """sRGB (in [0, 1]) of ``color`` as seen with ``kind`` = "deuteranopia" or "protanopia"
    (Machado et al. 2009, severity 1.0), or "normal"."""
    rgb = _rgb(color, "color")
    if not isinstance(kind, str) or kind not in (*_MACHADO, "normal"):
        raise ValueError(f"kind must be 'normal', 'deuteranopia' or 'protanopia', got {kind!r}")
    if kind == "normal":
        return rgb
    if kind not in _MACHADO:
        raise ValueError(f"kind must be 'normal', 'deuteranopia' or 'protanopia', got {kind!r}")
    lin = np.clip(_linear(rgb) @ _MACHADO[kind].T, 0.0, 1.0)
    return np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)


def to_lab(rgb) -> np.ndarray:
    """CIELAB (D65) of an sRGB colour given as three numbers in [0, 1]."""
    m = np.array(
        [
            [0.4124564, 0.3575761, 0.1804375],
            [0.2126729, 0.7151522, 0.0721750],
            [0.0193339, 0.1191920, 0.9503041],
        ]
    )
    rgb = _checks.array(rgb, "rgb", ndims=(1,), finite=True)
    if rgb.shape != (3,) or not ((rgb >= 0) & (rgb <= 1)).all():
        raise ValueError(f"rgb must be three numbers in [0, 1], got {rgb.tolist()}")
    xyz = (m @ _linear(rgb)) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(a, b, kind: str = "normal") -> float:
    """CIE76 colour difference of two colours as seen with ``kind`` (see ``simulate_cvd``)."""
    _color(a, "a"), _color(b, "b")
    return float(np.linalg.norm(to_lab(simulate_cvd(a, kind)) - to_lab(simulate_cvd(b, kind))))


def text_on(color) -> str:
    """"black" or "white", whichever contrasts more with ``color`` (a cell a number is
    written on): at least 4.58:1 whatever the colour, WCAG's 4.5:1 for text."""
    color = _color(color, "color")
    return "black" if contrast_ratio(color, "black") >= contrast_ratio(color, "white") else "white"
