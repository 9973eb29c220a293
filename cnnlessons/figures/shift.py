"""Figures of lessons 07 (translation equivariance) and 08 (pooling and invariance).

Numerics drawn on matplotlib axes, no widgets. The classes are built once and their ``show``
methods change the artists in place and return the ones that changed (the explorers in
``cnnlessons.explorers.shift`` drive them); the functions draw a static figure on a
``fig`` or an ``ax`` (use them with ``cnnlessons.figures.show``).

A standalone module: it imports only matplotlib, numpy, the style and the numerics.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.collections import LineCollection
from matplotlib.colors import Normalize

from .. import _checks
from .. import equivariance as eq
from .. import invariance as iv
from ..conv import shift
from ..style import COLORS, FONT, GREY_CMAP, LINE, SIGNED_CMAP, UNSIGNED_CMAP, signed_limits

__all__ = [
    "shift_scene",
    "SHIFT_KERNELS",
    "ShiftFigure",
    "StrideFigure",
    "rotation_scale_figure",
    "equivariance_vs_invariance_figure",
    "PoolingShiftFigure",
    "unchanged_fraction_plot",
    "invariance_curves_plot",
    "AliasingFigure",
    "output_change_plot",
    "FIGURE_9_8_ROW",
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
        ax.set_title(title, color=color or (COLORS[role] if role else COLORS["text"]),
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


def _sequential(i: int, n: int):
    """Colour ``i`` of ``n`` ordered lines: the dark part of the series' unsigned colormap,
    every colour at least 3:1 against white."""
    return mpl.colormaps[UNSIGNED_CMAP](0.55 * i / max(n - 1, 1))


def _leave_room(fig, bottom: float) -> None:
    """Keep the bottom ``bottom`` of a constrained-layout figure free for text lines."""
    engine = fig.get_layout_engine()
    if engine is not None and hasattr(engine, "set"):
        engine.set(rect=(0, bottom, 1, 1 - bottom))


# ----------------------------------------------------------------------------- lesson 07
def shift_scene(size: int = 48) -> np.ndarray:
    """A synthetic grey scene, ``size`` x ``size``, values in [0, 1]: a soft gradient, a
    bright bar, a disc, a dark square and a bright stripe along the right border (content
    touches the borders, so the border band shows). Flat regions make small frames."""
    n = _checks.integer(size, "size", minimum=16)
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

    top: the input x, the shifted input g(x), and f(g(x)) shifted back (compare with f(x));
    bottom: f(x), f(g(x)) and the difference f(g(x)) − g(f(x)), with its largest absolute
    value written under it and, for zero padding, the band where it may be non-zero outlined.

    ``show(w, dy, dx, padding_mode)`` recomputes everything; arrays ``feature``,
    ``moved_feature``, ``difference`` (f(g(x)) − g(f(x))), ``band`` and ``error`` (the
    largest absolute difference) are kept for tests.
    """

    def __init__(self, fig, x):
        self.x = _checks.array(x, "x", ndims=(2,))
        axes = fig.subplots(2, 3)
        names = ("input", "shifted", "back", "feature", "moved", "difference")
        self.axes = dict(zip(names, axes.ravel(), strict=True))
        zero = np.zeros_like(self.x)
        grey = {"cmap": GREY_CMAP, "vmin": 0, "vmax": 1, "interpolation": "nearest"}
        signed = {"cmap": SIGNED_CMAP, "vmin": -1, "vmax": 1, "interpolation": "nearest"}
        self.images = {
            "input": self.axes["input"].imshow(self.x, **grey),
            "shifted": self.axes["shifted"].imshow(zero, **grey),
        }
        for name in ("back", "feature", "moved", "difference"):
            self.images[name] = self.axes[name].imshow(zero, **signed)
        titles = {
            "input": ("input", "input x"),
            "shifted": ("input", "shifted input g(x)"),
            "back": ("output", "f(g(x)) shifted back"),
            "feature": ("output", "feature map f(x)"),
            "moved": ("output", "f(g(x))"),
            "difference": (None, "f(g(x)) − g(f(x))"),
        }
        for name, (role, title) in titles.items():
            _frame(self.axes[name], role, title)
        self.band_lines = self.axes["difference"].add_collection(
            LineCollection([], colors=COLORS["text"], linewidths=1.0)
        )
        self.arrow = self.axes["shifted"].annotate(
            "", xy=(0, 0), xytext=(0, 0), arrowprops={"arrowstyle": "->", "color": BAND, "lw": 2}
        )
        self.text = fig.text(0.5, 0.045, "", ha="center", va="bottom", fontsize=FONT["normal"],
                             fontweight="bold")  # fmt: skip
        self.note = fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=FONT["small"])
        _leave_room(fig, 0.09)

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
            ("back", shift(self.moved_feature, -dy, -dx)),
            ("feature", self.feature),
            ("moved", self.moved_feature),
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
            note = (f"shift ({dy}, {dx}), zero padding: differences only in the outlined band, "
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
        _leave_room(fig, 0.07)

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
    if x is None:
        x = np.zeros((32, 32))
        x[10:18, 5:12] = 1.0
    x = _checks.array(x, "x", ndims=(2,))
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
    _leave_room(fig, 0.07)
    return values


# draw on a whole figure: ``cnnlessons.figures.show`` passes them the figure, not an axes
rotation_scale_figure.draws_on = "figure"
equivariance_vs_invariance_figure.draws_on = "figure"


# ----------------------------------------------------------------------------- lesson 08
#: a detector row for the book's Figure 9.8 with numbers (made up; no two neighbours equal)
FIGURE_9_8_ROW = np.array([0.1, 1.0, 0.2, 0.1, 0.3, 0.7, 0.4, 0.0, 0.6, 0.5, 0.9, 0.2])


class _Cells:
    """A row of numbered cells on ``ax`` at height ``y`` (one per value), outlines settable."""

    def __init__(self, ax, n, y, color):
        self.ax, self.n, self.y = ax, n, y
        self.boxes = ax.scatter(np.arange(n), np.full(n, y), s=900, marker="s",
                                c=np.zeros(n), cmap=UNSIGNED_CMAP, norm=Normalize(0, 1),
                                edgecolors=color, linewidths=1.5)  # fmt: skip
        self.texts = [ax.text(i, y, "", ha="center", va="center", fontsize=FONT["small"])
                      for i in range(n)]  # fmt: skip

    def set(self, values, changed) -> list:
        values = np.asarray(values, float)
        shown = np.full(self.n, np.nan)
        shown[: values.size] = values
        self.boxes.set_array(np.ma.masked_invalid(shown))
        widths = np.where(np.r_[changed, np.zeros(self.n - len(changed), bool)], 4.0, 1.0)
        colors = [BAND if c else COLORS["muted"] for c in widths > 1]
        self.boxes.set_linewidths(widths)
        self.boxes.set_edgecolors(colors)
        for i, t in enumerate(self.texts):
            v = shown[i]
            t.set_text("" if np.isnan(v) else f"{v:.1f}")
            t.set_color("black" if np.isnan(v) or v > 0.45 else "white")
        return [self.boxes, *self.texts]


class PoolingShiftFigure:
    """The book's Figure 9.8 with numbers: a detector row and its width-``w``, stride-1 max
    pooling (circular), before and after a shift of ``d`` pixels to the right. Cells that
    changed are outlined in vermillion; the counts are written on the right.

    ``show(width, d)`` returns the changed artists; ``detector_changed`` and
    ``pooled_changed`` count the changed values.
    """

    def __init__(self, fig, row=None):
        self.row = FIGURE_9_8_ROW if row is None else _checks.array(row, "row", ndims=(1,))
        n = self.row.size
        self.ax = fig.add_subplot()
        ax = self.ax
        labels = [(3, "detector"), (2, "pooled"), (1, "detector, shifted"),
                  (0, "pooled, shifted")]  # fmt: skip
        self.cells = {y: _Cells(ax, n, y, COLORS["muted"]) for y, _ in labels}
        for y, label in labels:
            ax.text(-0.8, y, label, ha="right", va="center", fontsize=FONT["normal"],
                    color=COLORS["input"] if "detector" in label else COLORS["output"])  # fmt: skip
        ax.set_xlim(-5.2, n + 3.2)
        ax.set_ylim(-0.6, 3.6)
        ax.set_axis_off()
        self.counts = [ax.text(n - 0.2, y, "", ha="left", va="center", fontsize=FONT["normal"],
                               color=BAND, fontweight="bold") for y in (1, 0)]  # fmt: skip
        self.n = n

        self.cells[3].set(self.row, np.zeros(n, bool))  # the detector row never changes

    @property
    def artists(self) -> list:
        """The artists ``show`` changes (the top detector row stays as it is)."""
        changing = [self.cells[y] for y in (2, 1, 0)]
        return [a for c in changing for a in [c.boxes, *c.texts]] + self.counts

    def show(self, width: int = 3, d: int = 1) -> list:
        w = _checks.integer(width, "width", minimum=1)
        d = _checks.integer(d, "d", minimum=0)
        # pooled value i covers detector i - (w - 1)//2 ... (centred), circular
        lo = (w - 1) // 2
        moved = np.roll(self.row, d)
        self.pooled = np.roll(iv.pool1d(self.row, w), lo)
        self.pooled_moved = np.roll(iv.pool1d(moved, w), lo)
        det_changed = iv.changed(self.row, moved)
        pool_changed = iv.changed(self.pooled, self.pooled_moved)
        self.detector_changed = int(det_changed.sum())
        self.pooled_changed = int(pool_changed.sum())
        self.cells[2].set(self.pooled, np.zeros(self.n, bool))
        self.cells[1].set(moved, det_changed)
        self.cells[0].set(self.pooled_moved, pool_changed)
        self.counts[0].set_text(f"{self.detector_changed} of {self.n} changed")
        self.counts[1].set_text(f"{self.pooled_changed} of {self.n} changed")
        return self.artists


def unchanged_fraction_plot(ax, widths=range(1, 9), *, rows: int = 1000, seed=0) -> dict:
    """Fraction of pooled values unchanged by a one-pixel shift, measured on random rows
    (dots with ±2 standard errors), against (w − 1)/(w + 1) (line). Returns the measured
    fractions {width: (fraction, standard error)}."""
    widths = [_checks.integer(w, "widths[i]", minimum=1) for w in widths]
    measured = {w: iv.unchanged_fraction(w, 1, rows=rows, seed=seed) for w in widths}
    fine = np.linspace(1, max(widths), 200)
    ax.plot(fine, (fine - 1) / (fine + 1), "--", color=COLORS["text"], lw=2,
            label="(w − 1)/(w + 1)")  # fmt: skip
    ax.errorbar(widths, [m[0] for m in measured.values()],
                yerr=[2 * m[1] for m in measured.values()], fmt="o", color=COLORS["input"],
                ms=8, capsize=4, label=f"measured, {rows:,} random rows")  # fmt: skip
    ax.set_xlabel("pool width w")
    ax.set_ylabel("pooled values unchanged")
    ax.set_ylim(0, 1)
    ax.set_xticks(widths)
    ax.grid(True, alpha=0.3)
    ax.legend(loc="lower right", fontsize=FONT["small"])
    ax.set_title("max pooling, stride 1, one-pixel shift")
    return measured


def invariance_curves_plot(ax, widths=range(1, 9), shifts=range(0, 11), *, rows: int = 200,
                           seed=0) -> dict:  # fmt: skip
    """Fraction of pooled values unchanged against the shift, for stride-1 max pooling of
    each width (measured; the dashed lines are (w − d)/(w + d)) and for global max and
    global average pooling. Returns the curves {label: array}."""
    shifts = list(shifts)
    curves = {}
    widths = list(widths)
    for i, w in enumerate(widths):
        color = _sequential(i, len(widths))
        curve = iv.invariance_curve(w, shifts, rows=rows, seed=seed)
        curves[f"width {w}"] = curve
        ax.plot(shifts, curve, "o", color=color, ms=4)
        ax.plot(shifts, [iv.unchanged_probability(w, d) for d in shifts], "-", color=color,
                lw=1.5, label=f"w = {w}")  # fmt: skip
    for kind, color, style, lw in (("global max", COLORS["receptive"], "-", 5),
                                   ("global avg", COLORS["text"], "--", 2)):  # fmt: skip
        curve = iv.invariance_curve(kind, shifts, rows=rows, seed=seed)
        curves[kind] = curve
        ax.plot(shifts, curve, style, color=color, lw=lw, label=kind)
    ax.set_xlabel("shift d (pixels)")
    ax.set_ylabel("pooled values unchanged")
    ax.set_ylim(-0.03, 1.05)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=FONT["small"], loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title("invariance against shift size")
    return curves


class AliasingFigure:
    """Max pooling with stride 2, with and without a blur before the subsampling, on one
    circular row. Left, top to bottom: the row shifted by ``d``; its stride-1 max (width 2)
    and that blurred with the binomial filter (for filter size 1 there is no blur); the
    samples kept (every second one), against the unshifted output's samples moved by the
    nearest whole shift (hollow). Right: how far the output is from any shift of the
    unshifted output, against d, one line per filter size, the current one marked.
    """

    def __init__(self, fig, x=None, filters=(1, 2, 3, 4, 5), shifts=range(8)):
        self.x = iv.ALIASING_EXAMPLE if x is None else _checks.array(x, "x", ndims=(1,))
        n = self.x.size
        self.filters, self.shifts = list(filters), list(shifts)
        grid = fig.add_gridspec(3, 2, width_ratios=[1.35, 1])
        self.ax_in = fig.add_subplot(grid[0, 0])
        self.ax_mid = fig.add_subplot(grid[1, 0], sharex=self.ax_in)
        self.ax_out = fig.add_subplot(grid[2, 0], sharex=self.ax_in)
        self.ax_curve = fig.add_subplot(grid[:, 1])
        pos = np.arange(n)
        self.bars = self.ax_in.bar(pos, self.x, color=COLORS["input"], width=0.7)
        self.ax_in.set_ylabel("input", color=COLORS["input"])
        self.max_line = self.ax_mid.plot(pos, self.x, "s-", color=COLORS["muted"], lw=2, ms=6,
                                         label="max, stride 1")[0]  # fmt: skip
        self.blur_line = self.ax_mid.plot(pos, self.x, "o-", color=COLORS["kernel"], ms=5,
                                          label="blurred")[0]  # fmt: skip
        self.ax_mid.legend(loc="upper center", fontsize=FONT["small"] - 1, ncol=2,
                           bbox_to_anchor=(0.5, 1.06), frameon=False)  # fmt: skip
        self.ax_mid.set_ylabel("max → blur")
        self.kept = self.ax_out.plot(pos[::2], self.x[::2], "o", color=KEPT, ms=10)[0]
        self.expected = self.ax_out.plot(pos[::2], self.x[::2], "o", mfc="none", mec="black",
                                         ms=16, mew=1.5)[0]  # fmt: skip
        self.ax_out.set_ylabel("kept", color=KEPT)
        self.ax_out.set_xlabel("position")
        top = max(1.0, float(self.x.max()))
        lo = min(0.0, float(self.x.min()))
        for ax in (self.ax_in, self.ax_mid, self.ax_out):
            ax.set_ylim(lo - 0.1 * (top - lo), top + 0.35 * (top - lo))
            ax.set_xticks(pos)
            ax.grid(True, axis="x", alpha=0.3)
        self.changes = {}
        for i, size in enumerate(self.filters):
            pool = self._pool(size)
            self.changes[size] = [iv.output_change(pool, self.x, d) for d in self.shifts]
            color = _sequential(i, len(self.filters))
            self.ax_curve.plot(self.shifts, self.changes[size], "o-", color=color, lw=2,
                               label=self.filter_label(size))  # fmt: skip
        self.marker = self.ax_curve.plot([0], [0], "o", ms=16, mfc="none", mec=BAND, mew=3)[0]
        self.ax_curve.set_xlabel("shift d")
        self.ax_curve.set_ylabel("output change")
        self.ax_curve.set_title("output change vs shift", fontsize=FONT["normal"])
        self.ax_curve.grid(True, alpha=0.3)
        self.ax_curve.legend(fontsize=FONT["small"] - 1, loc="upper right")
        self.ax_curve.set_ylim(-0.05, 1.3)
        self.text = fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=FONT["normal"],
                             fontweight="bold")  # fmt: skip
        _leave_room(fig, 0.07)

    @staticmethod
    def filter_label(size: int) -> str:
        taps = iv.binomial_taps(size).tolist()
        return "no blur" if size == 1 else str(taps)

    @staticmethod
    def _pool(size):
        return lambda v: iv.max_blur_pool1d(v, size)

    @property
    def artists(self) -> list:
        return [*self.bars, self.max_line, self.blur_line, self.kept, self.expected,
                self.marker, self.text]  # fmt: skip

    def show(self, size: int = 1, d: int = 0) -> list:
        size = _checks.integer(size, "size", minimum=1)
        d = _checks.integer(d, "d")
        moved = np.roll(self.x, d)
        pos = np.arange(self.x.size)
        for bar, v in zip(self.bars, moved, strict=True):
            bar.set_height(v)
        m = iv.pool1d(moved, 2)
        self.blurred = iv.blur1d(m, size)
        self.output = self.blurred[::2]
        base = iv.max_blur_pool1d(self.x, size)
        errs = [np.abs(self.output - np.roll(base, r)).max() for r in range(base.size)]
        self.expected_output = np.roll(base, int(np.argmin(errs)))
        self.change = iv.output_change(self._pool(size), self.x, d)
        self.max_line.set_ydata(m)
        self.blur_line.set_ydata(self.blurred)
        self.blur_line.set_visible(size > 1)
        self.kept.set_data(pos[::2], self.output)
        self.expected.set_data(pos[::2], self.expected_output)
        self.marker.set_data([d], [self.change])
        out = ", ".join(f"{v:g}" for v in self.output)
        self.text.set_text(
            f"{self.filter_label(size)}, shift {d}: output [{out}], change {self.change:.2f}"
        )
        self.text.set_color(KEPT if self.change < 1e-12 else BAND)
        return self.artists


def output_change_plot(ax, filters=(1, 2, 3, 4, 5), shifts=range(8), *, rows: int = 100,
                       length: int = 32, seed=0) -> dict:  # fmt: skip
    """Output change of max → blur → subsample against the shift, one line per binomial
    filter size (1: no blur, plain stride-2 max pooling), averaged over ``rows`` seeded
    random rows of ``length``. Returns {filter size: array of mean changes}."""
    out = {}
    filters = list(filters)
    for i, size in enumerate(filters):
        out[size] = iv.mean_output_change(
            AliasingFigure._pool(size), shifts, rows=rows, length=length, seed=seed
        )
        color = _sequential(i, len(filters))
        ax.plot(list(shifts), out[size], "o-", lw=2, color=color,
                label=AliasingFigure.filter_label(size))  # fmt: skip
    ax.set_xlabel("shift d")
    ax.set_ylabel("mean output change")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=FONT["small"], loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(f"max → blur → subsample, {rows} random rows of {length}")
    return out
