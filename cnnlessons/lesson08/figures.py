"""Figures of lesson 08, pooling and invariance.

Numerics drawn on matplotlib axes, no widgets. The classes are built once and their ``show``
methods change the artists in place and return the ones that changed (the explorers in
``cnnlessons.lesson08.explorers`` drive them); the functions draw a static figure on an ``ax``
(use them with ``cnnlessons.figures.display.show``).
"""

from __future__ import annotations

import numpy as np
from matplotlib.colors import Normalize

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure
from cnnlessons.figures.style import COLORS, FONT, UNSIGNED_CMAP
from cnnlessons.lesson07.figures import BAND, KEPT, leave_room, sequential_color
from cnnlessons.lesson08 import numerics as iv

__all__ = [
    "PoolingShiftFigure",
    "unchanged_fraction_plot",
    "invariance_curves_plot",
    "AliasingFigure",
    "output_change_plot",
    "FIGURE_9_8_ROW",
]

#: a detector row for the book's Figure 9.8 with numbers (made up; no two neighbours equal)
FIGURE_9_8_ROW = np.array([0.1, 1.0, 0.2, 0.1, 0.3, 0.7, 0.4, 0.0, 0.6, 0.5, 0.9, 0.2])


class _Cells:
    """A row of numbered cells on ``ax`` at height ``y`` (one per value), outlines settable."""

    def __init__(self, ax, n, y, color):
        check_axes(ax)
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
        check_figure(fig)
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
    check_axes(ax)
    widths = _checks.integers(widths, "widths", minimum=1, maximum=32, limit=64)  # rows of 32
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
    each width (measured; the lines are (w − d)/(w + d), each labelled "w=N" where it reaches
    0, at d = N) and for global max and
    global average pooling. Returns the curves {label: array}."""
    check_axes(ax)
    shifts = _checks.integers(shifts, "shifts", limit=256)
    curves = {}
    widths = [w if isinstance(w, str) else _checks.integer(w, "widths", minimum=1)
              for w in (widths if isinstance(widths, (list, tuple, range)) else
                        _checks.integers(widths, "widths", minimum=1, limit=64))]  # fmt: skip
    if not widths:
        raise ValueError("widths must hold at least one width")
    for i, w in enumerate(widths):
        color = sequential_color(i, len(widths))
        curve = iv.invariance_curve(w, shifts, rows=rows, seed=seed)
        curves[f"width {w}"] = curve
        ax.plot(shifts, curve, "o", color=color, ms=4)
        ax.plot(shifts, [iv.unchanged_probability(w, d) for d in shifts], "-", color=color,
                lw=1.5, label=f"w = {w}")  # fmt: skip
        # a direct label on each line (issue 20: eight near-identical lines told apart by a
        # legend's shades), where it reaches 0: at d = w, the lesson's point
        if w in shifts and not isinstance(w, str):
            ax.annotate(f"w={w}", (w, 0), xytext=(0, 6), textcoords="offset points",
                        ha="center", va="bottom", fontsize=FONT["small"] - 1,
                        color=COLORS["text"], zorder=5,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": color,
                              "lw": 1.2})  # fmt: skip
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
        check_figure(fig)
        self.x = iv.ALIASING_EXAMPLE if x is None else _checks.array(x, "x", ndims=(1,))
        n = self.x.size
        self.filters = _checks.integers(filters, "filters", minimum=1, maximum=16, limit=16)
        self.shifts = _checks.integers(shifts, "shifts", limit=256)
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
            color = sequential_color(i, len(self.filters))
            self.ax_curve.plot(self.shifts, self.changes[size], "o-", color=color, lw=2,
                               label=self.filter_label(size))  # fmt: skip
        self.marker = self.ax_curve.plot([0], [0], "o", ms=16, mfc="none", mec=BAND, mew=3)[0]
        self.ax_curve.set_xlabel("shift d")
        self.ax_curve.set_ylabel("output change")
        self.ax_curve.set_title("output change vs shift", fontsize=FONT["normal"])
        self.ax_curve.grid(True, alpha=0.3)
        # the legend above the data (which stays at or below 1): it covered the no-blur line's
        # peaks at d = 5 and 7 (issue 20)
        self.ax_curve.legend(fontsize=FONT["small"] - 1, loc="upper center", ncols=2,
                             columnspacing=0.8, handlelength=1.5)  # fmt: skip
        self.ax_curve.set_ylim(-0.05, 1.72)
        self.ax_curve.set_yticks(np.linspace(0, 1, 6))
        self.text = fig.text(0.5, 0.005, "", ha="center", va="bottom", fontsize=FONT["normal"],
                             fontweight="bold")  # fmt: skip
        leave_room(fig, 0.07)

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
    check_axes(ax)
    out = {}
    filters = _checks.integers(filters, "filters", minimum=1, maximum=16, limit=16)
    shifts = _checks.integers(shifts, "shifts", limit=1000)
    for i, size in enumerate(filters):
        out[size] = iv.mean_output_change(
            AliasingFigure._pool(size), shifts, rows=rows, length=length, seed=seed
        )
        color = sequential_color(i, len(filters))
        ax.plot(list(shifts), out[size], "o-", lw=2, color=color,
                label=AliasingFigure.filter_label(size))  # fmt: skip
    ax.set_xlabel("shift d")
    ax.set_ylabel("mean output change")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=FONT["small"], loc="center left", bbox_to_anchor=(1.01, 0.5))
    ax.set_title(f"max → blur → subsample, {rows} random rows of {length}")
    return out


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
invariance_curves_plot.alt = (
    "Fraction of pooled values unchanged against the shift, for stride-1 max pooling of each "
    "width (lines: the formula (w − d)/(w + d), dots: measured; each line labelled w=1 to w=8 "
    "where it reaches 0, at d = w) and for global max and global average pooling. Look for "
    "wider pools staying unchanged for larger shifts, and global pooling staying unchanged "
    "whatever the shift."
)
output_change_plot.alt = (
    "Output change of max pooling with blur against the shift, one line per blur filter size "
    "(1: no blur). Look for the zigzag of plain stride-2 max pooling (aliasing) flattening as "
    "the blur grows."
)
unchanged_fraction_plot.alt = (
    "Fraction of pooled values unchanged by a one-pixel shift against the pool's width, "
    "measured on random rows (dots with error bars) against the formula (w − 1)/(w + 1) "
    "(line). Look for the dots on the line."
)
