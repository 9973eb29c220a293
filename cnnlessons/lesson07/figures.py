"""Figures of lesson 07, translation equivariance.

Numerics drawn on matplotlib axes, no widgets. The classes are built once and their ``show``
methods change the artists in place and return the ones that changed (the explorers in
``cnnlessons.lesson07.explorers`` drive them); the functions draw a static figure on a
``fig`` (use them with ``cnnlessons.figures.display.show``).

A standalone module: it imports only matplotlib, numpy, the style and the numerics.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib import patheffects
from matplotlib.collections import LineCollection

from cnnlessons import _checks
from cnnlessons.figures.display import check_figure
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    GREY_CMAP,
    LINE,
    SIGNED_CMAP,
    TEXT_COLORS,
    UNSIGNED_CMAP,
    signed_limits,
)
from cnnlessons.lesson07 import numerics as eq
from cnnlessons.lesson08 import numerics as iv
from cnnlessons.numerics.conv import shift

__all__ = [
    "BAND",
    "KEPT",
    "sequential_color",
    "leave_room",
    "shift_scene",
    "SHIFT_KERNELS",
    "ShiftFigure",
    "StrideFigure",
    "rotation_scale_figure",
    "equivariance_vs_invariance_figure",
]

BAND = "#D55E00"  # vermillion: where zero padding breaks equivariance / what changed
KEPT = COLORS["output"]


def _frame(ax, role=None, title=None, color=None) -> None:
    """No ticks; the frame in the role's colour."""
    ax.set_xticks([])
    ax.set_yticks([])
    if role is not None:
        for spine in ax.spines.values():
            spine.set_edgecolor(COLORS[role])
            spine.set_linewidth(LINE["highlight"])
    if title is not None:
        ax.set_title(title, color=color or (TEXT_COLORS[role] if role else COLORS["text"]),
                     fontsize=FONT["normal"])  # fmt: skip


def _outline(mask) -> list:
    """Line segments around the True cells of a 2-D mask (pixel centres at integers)."""
    m = np.pad(np.asarray(mask, bool), 1)
    segs = []
    rows, cols = np.nonzero(m[1:, 1:-1] != m[:-1, 1:-1])  # horizontal edges
    segs += [[(c - 0.5, r - 0.5), (c + 0.5, r - 0.5)] for r, c in zip(rows, cols, strict=True)]
    rows, cols = np.nonzero(m[1:-1, 1:] != m[1:-1, :-1])  # vertical edges
    segs += [[(c - 0.5, r - 0.5), (c - 0.5, r + 0.5)] for r, c in zip(rows, cols, strict=True)]
    return segs


def sequential_color(i: int, n: int):
    """Colour ``i`` of ``n`` ordered lines: the dark part of the series' unsigned colormap,
    every colour at least 3:1 against white."""
    n = _checks.integer(n, "n", minimum=1)
    i = _checks.integer(i, "i", minimum=0, maximum=n - 1)
    return mpl.colormaps[UNSIGNED_CMAP](0.55 * i / max(n - 1, 1))


def leave_room(fig, bottom: float) -> None:
    """Keep the bottom ``bottom`` of a constrained-layout figure free for text lines."""
    bottom = _checks.real(bottom, "bottom", finite=True, minimum=0.0, maximum=0.9)
    check_figure(fig)
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


# ----------------------------------------------------------------------------- lesson 07
def shift_scene(size: int = 48) -> np.ndarray:
    """A synthetic grey scene, ``size`` x ``size``, values in [0, 1]: a soft gradient, a
    bright bar, a disc, a dark square and a bright stripe along the right border (content
    touches the borders, so the border band shows). Flat regions make small frames."""
    n = _checks.integer(size, "size", minimum=16, maximum=2048)
    r, c = np.mgrid[0:n, 0:n] / n
    x = 0.25 + 0.3 * c
    x[(r > 0.15) & (r < 0.85) & (c > 0.18) & (c < 0.28)] = 0.95
    x[(r - 0.35) ** 2 + (c - 0.65) ** 2 < 0.15**2] = 0.85
    x[(r > 0.62) & (r < 0.9) & (c > 0.5) & (c < 0.8)] = 0.05
    x[:, -3:] = 0.9
    return x


def _binomial_2d(n):
    t = iv.binomial_taps(n).astype(float)
    return np.outer(t, t) / t.sum() ** 2


#: the kernels of the shift explorer: name -> kernel (3x3 and 5x5: two band widths)
SHIFT_KERNELS = {
    "vertical edge 3×3": np.array([[1.0, 0.0, -1.0]] * 3),
    "sharpen 3×3": np.array([[0.0, -1.0, 0.0], [-1.0, 5.0, -1.0], [0.0, -1.0, 0.0]]),
    "blur 5×5": _binomial_2d(5),
}


class ShiftFigure:
    """Shift in, shift out. Six panels on ``fig``:

    top, shift then convolve: the input x, the shifted input g(x) and f(g(x)); bottom,
    convolve then shift: f(x), g(f(x)) and the difference f(g(x)) − g(f(x)), with its largest
    absolute value written under it and, for zero padding, the band where it may be non-zero
    outlined (black with a white halo: seen over red, blue and white alike).

    ``show(w, dy, dx, padding_mode)`` recomputes everything; arrays ``feature``,
    ``moved_feature``, ``difference`` (f(g(x)) − g(f(x))), ``band`` and ``error`` (the
    largest absolute difference) are kept for tests.
    """

    def __init__(self, fig, x):
        check_figure(fig)
        self.x = _checks.array(x, "x", ndims=(2,))
        axes = fig.subplots(2, 3)
        names = ("input", "shifted", "moved", "feature", "gf", "difference")
        self.axes = dict(zip(names, axes.ravel(), strict=True))
        zero = np.zeros_like(self.x)
        grey = {"cmap": GREY_CMAP, "vmin": 0, "vmax": 1, "interpolation": "nearest"}
        signed = {"cmap": SIGNED_CMAP, "vmin": -1, "vmax": 1, "interpolation": "nearest"}
        self.images = {
            "input": self.axes["input"].imshow(self.x, **grey),
            "shifted": self.axes["shifted"].imshow(zero, **grey),
        }
        for name in ("moved", "feature", "gf", "difference"):
            self.images[name] = self.axes[name].imshow(zero, **signed)
        titles = {
            "input": ("input", "input x"),
            "shifted": ("input", "shifted input g(x)"),
            "moved": ("output", "shift, then f: f(g(x))"),
            "feature": ("output", "feature map f(x)"),
            "gf": ("output", "f, then shift: g(f(x))"),
            "difference": (None, "f(g(x)) − g(f(x))"),
        }
        for name, (role, title) in titles.items():
            _frame(self.axes[name], role, title)
        self.band_lines = self.axes["difference"].add_collection(
            LineCollection([], colors="black", linewidths=2.0, path_effects=[
                patheffects.withStroke(linewidth=4.5, foreground="white")])
        )  # fmt: skip
        self.arrow = self.axes["shifted"].annotate(
            "", xy=(0, 0), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": BAND, "lw": 2}
        )
        self.text = fig.text(0.5, 0.085, "", ha="center", va="bottom", fontsize=FONT["normal"],
                             fontweight="bold")  # fmt: skip
        # two lines at most, centred: clear of the figure's edges
        self.note = fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=FONT["small"],
                             linespacing=1.3)  # fmt: skip
        leave_room(fig, 0.13)

    @property
    def artists(self) -> list:
        return [*self.images.values(), self.band_lines, self.arrow, self.text, self.note]

    def show(self, w, dy: int, dx: int, padding_mode: str = "circular") -> list:
        w = _checks.array(w, "w", ndims=(2,))
        f = eq.conv_map(w, padding_mode=padding_mode)
        g = shift(self.x, dy, dx)
        self.feature = f(self.x)
        self.moved_feature = f(g)
        self.difference = eq.equivariance_error(f, self.x, dy, dx)
        self.error = float(np.abs(self.difference).max())
        k = w.shape[0]
        self.band = (
            eq.error_band(self.x.shape, k, dy, dx)
            if padding_mode == "zeros"
            else np.zeros(self.x.shape, bool)
        )
        signed = abs(float(w.sum())) < 1e-12  # an edge detector: red/blue about zero
        lim = signed_limits(np.percentile(np.abs(self.feature), 99.5))
        self.images["shifted"].set_data(g)
        for name, values in (
            ("moved", self.moved_feature),
            ("feature", self.feature),
            ("gf", shift(self.feature, dy, dx)),
            ("difference", self.difference),
        ):
            image = self.images[name]
            image.set_data(values)
            if signed or name == "difference":
                image.set_cmap(SIGNED_CMAP)
                image.set_clim(*lim)
            else:
                image.set_cmap(GREY_CMAP)
                image.set_clim(0, 1)
        self.band_lines.set_segments(_outline(self.band))
        h, wd = self.x.shape
        cy, cx = h / 2, wd / 2
        self.arrow.xy = (cx + dx, cy + dy)
        self.arrow.set_position((cx, cy))
        self.arrow.set_visible(dy != 0 or dx != 0)
        exact = "exactly 0" if self.error == 0 else f"{self.error:.3g}"
        self.text.set_text(f"largest |f(g(x)) − g(f(x))| = {exact}")
        self.text.set_color(KEPT if self.error == 0 else BAND)
        if padding_mode == "circular":
            note = f"shift ({dy}, {dx}), circular padding: f(g(x)) = g(f(x)) everywhere"
        elif dy == 0 and dx == 0:
            note = "no shift: nothing to compare"
        else:
            p = eq.border_band_width(k)[0]
            px = f"{p} pixel{'s' if p > 1 else ''}"
            note = (f"shift ({dy}, {dx}), zero padding: differences only in the outlined band,\n"
                    f"{px} wide along the borders and where they meet")  # fmt: skip
        self.note.set_text(note)
        return self.artists


class StrideFigure:
    """Stride 2 and a shift, on one row. Top: the row x shifted by ``d``. Middle: the stride-1
    output f(g(x)) (grey line), and the samples a stride-``s`` layer keeps (green dots).
    Bottom: the kept samples (green) against the unshifted layer's kept samples moved by d/s
    (hollow black): they coincide when d is a multiple of s, and do not otherwise.

    ``show(d, stride)`` returns the changed artists; arrays ``kept`` (f(g(x)) at stride s),
    ``expected`` (the nearest shift of the unshifted output) and ``error``.
    """

    def __init__(self, fig, x, w=(1.0, 2.0, 1.0)):
        check_figure(fig)
        self.x = _checks.array(x, "x", ndims=(1,))
        self.w = _checks.array(w, "w", ndims=(1,))
        n = self.x.size
        if n % 2:
            raise ValueError(f"x must have an even length, got {n}")
        self.ax_in, self.ax_out, self.ax_kept = fig.subplots(
            3, 1, sharex=True, gridspec_kw={"hspace": 0.15}
        )
        pos = np.arange(n)
        self.input_line = self.ax_in.plot(pos, self.x, "o-", color=COLORS["input"], ms=4)[0]
        self.ax_in.set_ylim(self.x.min() - 0.2, self.x.max() + 0.2)
        self.ax_in.set_ylabel("g(x)", color=COLORS["input"])
        full = self._f(self.x, 1)
        pad = 0.15 * (full.max() - full.min() + 1e-9)
        self.full_line = self.ax_out.plot(pos, full, "-", color=COLORS["muted"], lw=2)[0]
        self.kept_dots = self.ax_out.plot(pos[::2], full[::2], "o", color=KEPT, ms=8)[0]
        self.ax_out.set_ylim(full.min() - pad, full.max() + pad)
        self.ax_out.set_ylabel("f(g(x))", color=COLORS["output"])
        self.kept_line = self.ax_kept.plot(pos[::2], full[::2], "o", color=KEPT, ms=9,
                                           label="kept from g(x)")[0]  # fmt: skip
        self.expected_line = self.ax_kept.plot(
            pos[::2], full[::2], "o", mfc="none", mec="black", ms=14, mew=1.5,
            label="kept from x, moved by the nearest whole shift",
        )[0]  # fmt: skip
        self.ax_kept.legend(loc="upper center", bbox_to_anchor=(0.5, 1.3), ncol=2,
                            fontsize=FONT["small"], frameon=False)  # fmt: skip
        self.ax_kept.set_ylim(full.min() - pad, full.max() + pad)
        self.ax_kept.set_ylabel("kept", color=KEPT)
        self.ax_kept.set_xlabel("position")
        for ax in (self.ax_in, self.ax_out, self.ax_kept):
            ax.grid(True, axis="x", alpha=0.3)
            ax.set_xticks(pos[::2])
        self.text = fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=FONT["normal"],
                             fontweight="bold")  # fmt: skip
        leave_room(fig, 0.07)

    def _f(self, row, stride):
        f = eq.conv_map(self.w[None, :], stride=stride)  # circular, "same" size
        return f(row[None, :])[0]

    @property
    def artists(self) -> list:
        return [self.input_line, self.full_line, self.kept_dots, self.kept_line,
                self.expected_line, self.text]  # fmt: skip

    def show(self, d: int, stride: int = 2) -> list:
        d = _checks.integer(d, "d")
        s = _checks.integer(stride, "stride", minimum=1)
        n = self.x.size
        pos = np.arange(n)
        moved = np.roll(self.x, d)
        full = self._f(moved, 1)
        self.kept = self._f(moved, s)
        base = self._f(self.x, s)
        self.input_line.set_ydata(moved)
        self.full_line.set_ydata(full)
        self.kept_dots.set_data(pos[::s], full[::s])
        self.kept_line.set_data(pos[::s], self.kept)
        f = eq.conv_map(self.w[None, :], stride=s)
        (_, ax), self.error = eq.nearest_output_shift(f, self.x[None, :], 0, d)
        self.expected = np.roll(base, ax)
        self.expected_line.set_data(pos[::s], self.expected)
        if d % s == 0:
            msg = f"shift {d}: the kept samples are the old ones, moved by {d}/{s} = {d // s}"
            color = KEPT
        else:
            msg = (f"shift {d}: the output would have to move {d}/{s} = {d / s:g}; no shift "
                   f"matches (closest is off by {self.error:.2f})")  # fmt: skip
            color = BAND
        self.text.set_text(msg)
        self.text.set_color(color)
        return self.artists


def rotation_scale_figure(fig, x=None, w=None) -> dict:
    """Rotation and scaling do not commute with a convolution. Two rows of four panels: x,
    f(x), the transformed-then-convolved f(T(x)) and the convolved-then-transformed T(f(x)),
    for T a quarter turn (top) and a 2x enlargement (bottom). Default: a vertical bar and the
    vertical-edge kernel. Returns the differences' largest absolute values."""
    check_figure(fig)
    if x is None:
        x = np.zeros((16, 16))
        x[3:13, 6:8] = 1.0
    x = _checks.array(x, "x", ndims=(2,))
    w = np.array([[1.0, 0.0, -1.0]] * 3) if w is None else _checks.array(w, "w", ndims=(2,))
    f = eq.conv_map(w)
    rot, up = eq.rotate90, eq.upscale
    rows = [
        ("quarter turn", rot(x), f(rot(x)), rot(f(x)), "f(rot x)", "rot f(x)"),
        ("2× larger", up(x), f(up(x)), up(f(x)), "f(up x)", "up f(x)"),
    ]
    axes = fig.subplots(2, 5, gridspec_kw={"width_ratios": [1, 1, 1, 1, 1]})
    lim = signed_limits(np.abs(f(x)).max())
    errors = {}
    for r, (name, tx, ftx, tfx, a, b) in enumerate(rows):
        ax = axes[r]
        ax[0].imshow(x, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        _frame(ax[0], "input", f"x, {x.shape[0]}×{x.shape[1]}")
        ax[1].imshow(tx, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        _frame(ax[1], "input", f"{name}, {tx.shape[0]}×{tx.shape[1]}")
        errors[name] = float(np.abs(ftx - tfx).max())
        panels = ((ftx, a), (tfx, b), (ftx - tfx, f"difference: max {errors[name]:g}"))
        for i, (values, title) in enumerate(panels):
            ax[2 + i].imshow(values, cmap=SIGNED_CMAP, vmin=lim[0], vmax=lim[1],
                             interpolation="nearest")  # fmt: skip
            _frame(ax[2 + i], "output" if i < 2 else None, title, color=BAND if i == 2 else None)
    return errors


def equivariance_vs_invariance_figure(fig, x=None, w=None, d: int = 12) -> dict:
    """Equivariance against invariance. Two rows, x and x shifted ``d`` pixels to the right:
    the input, its feature map (it moves with the input: equivariance) and the feature
    map's global max (one number that does not move: invariance). Default: a small bright
    square on a dark 32 x 32 image and the vertical-edge kernel. Returns the two maxima."""
    check_figure(fig)
    if x is None:
        x = np.zeros((32, 32))
        x[10:18, 5:12] = 1.0
    x = _checks.array(x, "x", ndims=(2,))
    d = _checks.integer(d, "d", minimum=-x.shape[1], maximum=x.shape[1])
    w = SHIFT_KERNELS["vertical edge 3×3"] if w is None else _checks.array(w, "w", ndims=(2,))
    f = eq.conv_map(w)
    inputs = [x, shift(x, 0, d)]
    maps = [f(v) for v in inputs]
    axes = fig.subplots(2, 3, gridspec_kw={"width_ratios": [1, 1, 0.6]})
    lim = signed_limits(np.abs(maps[0]).max())
    values = {}
    for r, (v, m, name) in enumerate(zip(inputs, maps, ("x", f"x shifted {d} right"),
                                         strict=True)):  # fmt: skip
        axes[r, 0].imshow(v, cmap=GREY_CMAP, vmin=0, vmax=1, interpolation="nearest")
        _frame(axes[r, 0], "input", name)
        axes[r, 1].imshow(m, cmap=SIGNED_CMAP, vmin=lim[0], vmax=lim[1],
                          interpolation="nearest")  # fmt: skip
        _frame(axes[r, 1], "output", "feature map")
        top = float(m.max())
        values[name] = top
        axes[r, 2].barh([0], [top], color=KEPT, height=0.5)
        axes[r, 2].set_xlim(0, 1.2 * lim[1])
        axes[r, 2].set_yticks([])
        axes[r, 2].set_title(f"global max = {top:g}", fontsize=FONT["normal"], color=KEPT)
    fig.text(0.5, 0.005, "equivariant: the feature map moves with the input.   "
             "invariant: its global max does not move at all.", ha="center", va="bottom",
             fontsize=FONT["normal"])  # fmt: skip
    leave_room(fig, 0.07)
    return values


# draw on a whole figure: ``cnnlessons.figures.show`` passes them the figure, not an axes
rotation_scale_figure.draws_on = "figure"
equivariance_vs_invariance_figure.draws_on = "figure"


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
equivariance_vs_invariance_figure.alt = (
    "Equivariance against invariance. Two rows: an input and the same input shifted right; "
    "each row shows the input, its feature map and the map's global maximum. Look for the "
    "feature map moving with the input (equivariance) while the maximum stays the same number "
    "(invariance)."
)
rotation_scale_figure.alt = (
    "Rotation and scaling do not commute with a convolution: for a quarter turn (top) and a "
    "twofold enlargement (bottom), the input, its feature map, the transformed-then-convolved "
    "map and the convolved-then-transformed map, with their largest difference. Look for the "
    "two last panels differing."
)
