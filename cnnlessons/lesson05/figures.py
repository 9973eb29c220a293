"""Lesson 05's figures: learning from few examples (draw numerics on matplotlib figures).

A standalone module (matplotlib, numpy, ``style`` and the numerics only). Each figure is
drawn once; the classes used by explorers change their artists in place and return them.
``lesson_figure(draw, ...)`` makes a new figure that shows itself in a notebook.
"""

from __future__ import annotations

import matplotlib as mpl
import numpy as np
from matplotlib.colors import Normalize

from cnnlessons import _checks
from cnnlessons.figures.display import StaticFigure, check_axes, check_figure
from cnnlessons.figures.style import (
    COLORS,
    FONT,
    GREY_CMAP,
    LINE,
    RC,
    SIGNED_CMAP,
    TEXT_COLORS,
    signed_limits,
)
from cnnlessons.lesson05.numerics.fewshot import (
    ClassificationRun,
    KernelRun,
    LeastSquaresRun,
    dense_min_norm_theory,
    dense_theory,
)
from cnnlessons.numerics.conv import conv2d

__all__ = [
    "MODEL_COLORS",
    "MODEL_TEXT_COLORS",
    "lesson_figure",
    "KernelLearningFigure",
    "least_squares_figure",
    "DenseMatrixFigure",
    "task_examples_figure",
    "accuracy_figure",
    "mnist1d_figure",
]

#: one colour per model, everywhere in the lesson: the convolution is the kernel's orange,
#: the dense layer the input's blue, ridge the receptive field's purple
MODEL_COLORS = {"conv": COLORS["kernel"], "dense": COLORS["input"], "ridge": COLORS["receptive"]}
#: the same, for text (4.5:1 on white)
MODEL_TEXT_COLORS = {"conv": TEXT_COLORS["kernel"], "dense": TEXT_COLORS["input"],
                     "ridge": TEXT_COLORS["receptive"]}  # fmt: skip


def _label_line_ends(ax, entries, gap=0.06, room=3.6, at=1.15) -> list:
    """Direct labels (not colour alone, no legend to look up): each ``(line, text, colour)``
    written just right of the line's last point, in ``colour``; labels closer than ``gap``
    (a fraction of the axes' height) are moved apart around their points' mean height.
    ``at``: the label's x over the last point's (log x axis); ``room``: the x axis reaches
    ``room`` times the last x, so the labels sit inside the axes."""
    x_last = max(float(line.get_xdata()[-1]) for line, _, _ in entries)
    lo, hi = ax.get_xlim()
    ax.set_xlim(lo, x_last * room)
    to_axes = ax.transAxes.inverted()
    ends = []
    for line, text, colour in entries:
        x, y = float(line.get_xdata()[-1]), float(line.get_ydata()[-1])
        ends.append([to_axes.transform(ax.transData.transform((x, y)))[1], x, text, colour])
    ends.sort(key=lambda e: e[0])
    # labels closer than `gap` form a group, spread `gap` apart around its points' mean height
    groups = [[ends[0]]]
    for e in ends[1:]:
        if e[0] - groups[-1][-1][0] < gap:
            groups[-1].append(e)
        else:
            groups.append([e])
    for group in groups:
        n = len(group)
        first = np.mean([e[0] for e in group]) - (n - 1) * gap / 2
        first = min(max(first, gap / 2), 1 - gap / 2 - (n - 1) * gap)
        for i, e in enumerate(group):
            e[0] = first + i * gap
    for below, above in zip(ends, ends[1:], strict=False):  # groups that now meet
        above[0] = max(above[0], below[0] + gap)
    return [
        ax.text(x * at, y, text, transform=ax.get_xaxis_transform(), va="center",
                ha="left", fontsize=FONT["small"], color=colour)  # fmt: skip
        for y, x, text, colour in ends
    ]


class LessonFigure(StaticFigure):
    """A figure that shows itself as a PNG, with its text alternative, when it is the last
    expression of a cell."""


def lesson_figure(draw, *args, figsize=(9.4, 3.4), **kwargs) -> LessonFigure:
    """A new figure in the series' style with ``draw(fig, *args, **kwargs)`` on it."""
    if not callable(draw):
        raise TypeError(f"draw must be a drawing function, got {draw!r}")
    figsize = _checks.figsize(figsize)
    with mpl.rc_context(RC):
        fig = LessonFigure(figsize=figsize, layout="constrained")
        fig.drawn = draw(fig, *args, **kwargs)
    fig.alt = getattr(draw, "alt", "") or ""
    return fig


def _nice_ticks(last: int) -> list[int]:
    """About five whole-number ticks from 0 to ``last``."""
    step = max(1, int(np.ceil(last / 4 / 5)) * 5) if last > 8 else 2 if last > 4 else 1
    return list(range(0, last + 1, step))


def _bare(ax, title=None, color=None):
    ax.set_xticks([])
    ax.set_yticks([])
    if color is not None:
        for spine in ax.spines.values():
            spine.set_edgecolor(color)
            spine.set_linewidth(LINE["highlight"])
    if title is not None:
        ax.set_title(title, color=color or COLORS["text"])


class _Numbers:
    """A small array as coloured cells with its numbers written in them (updated in place)."""

    def __init__(self, ax, values, lim, fmt="{:.2f}"):
        check_axes(ax)
        values = np.asarray(values, dtype=float)
        h, w = values.shape
        self.fmt = fmt
        self.norm = Normalize(-lim, lim)
        self.mesh = ax.pcolormesh(np.arange(w + 1) - 0.5, np.arange(h + 1) - 0.5, values,
                                  cmap=SIGNED_CMAP, norm=self.norm, edgecolors="white",
                                  linewidth=LINE["grid"])  # fmt: skip
        ax.set_xlim(-0.5, w - 0.5)
        ax.set_ylim(h - 0.5, -0.5)
        ax.set_aspect("equal")
        self.texts = [
            ax.text(j, i, "", ha="center", va="center", fontsize=FONT["small"])
            for i in range(h)
            for j in range(w)
        ]
        self.set(values)

    def set(self, values) -> list:
        values = np.asarray(values, dtype=float)
        self.values = values
        self.mesh.set_array(values.ravel())
        for t, v in zip(self.texts, values.ravel(), strict=True):
            t.set_text(self.fmt.format(v + 0.0))  # +0.0: no "-0.00"
            t.set_color("white" if abs(v) > 0.6 * self.norm.vmax else COLORS["text"])
        return [self.mesh, *self.texts]

    @property
    def artists(self) -> list:
        return [self.mesh, *self.texts]


# ----------------------------------------------------------------------------- part 1
class KernelLearningFigure:
    """Part 1: the image, its edge map (the target), the loss against the step (log scale)
    with the current step marked, the kernel at that step (its 9 numbers) and the true one.
    ``show(step)`` moves everything to that step and returns the changed artists."""

    def __init__(self, fig, x, run: KernelRun):
        check_figure(fig)
        if not isinstance(run, KernelRun):
            raise TypeError(f"run must be a fewshot.KernelRun, got {type(run).__name__}")
        x = _checks.array(x, "x", ndims=(2,))
        self.run = run
        grid = fig.add_gridspec(1, 5, width_ratios=[1, 1, 1.9, 1, 1])
        ax_x, ax_y, self.ax_loss, self.ax_w, ax_t = (fig.add_subplot(g) for g in grid)
        ax_x.imshow(x, cmap=GREY_CMAP)
        _bare(ax_x, "image x", COLORS["input"])
        target = run.target if run.target is not None else run.kernels[-1]
        y = conv2d(x, target)
        ax_y.imshow(y, cmap=SIGNED_CMAP, vmin=-np.abs(y).max(), vmax=np.abs(y).max())
        _bare(ax_y, "edge map y", COLORS["output"])
        steps = np.arange(run.steps + 1)
        self.ax_loss.semilogy(steps, run.losses, color=COLORS["kernel"], lw=2)
        # fixed limits and ticks: a redraw at another size must not move them
        self.ax_loss.set_xlim(-0.03 * run.steps, 1.03 * run.steps)
        self.ax_loss.set_xticks(_nice_ticks(run.steps))
        lo, hi = np.log10(max(run.losses.min(), 1e-300)), np.log10(max(run.losses.max(), 1e-300))
        decades = np.arange(np.floor(lo), np.ceil(hi) + 1)
        self.ax_loss.set_ylim(10 ** (lo - 0.2), 10 ** (hi + 0.2))
        self.ax_loss.set_yticks(10.0 ** decades[:: max(1, len(decades) // 4)])
        self.ax_loss.minorticks_off()
        self.ax_loss.set_xlabel("step")
        self.ax_loss.set_ylabel("mean squared error")
        self.ax_loss.set_title("loss")
        (self.marker,) = self.ax_loss.plot([0], [run.losses[0]], "o", ms=10,
                                           color=COLORS["text"], zorder=5)  # fmt: skip
        lim = max(1.0, float(np.abs(run.kernels).max()), float(np.abs(target).max()))
        self.kernel = _Numbers(self.ax_w, run.kernels[0], lim)
        _bare(self.ax_w, None, COLORS["kernel"])
        self.title = self.ax_w.set_title("", color=TEXT_COLORS["kernel"])
        _Numbers(ax_t, target, lim)
        _bare(ax_t, "true kernel", COLORS["muted"])
        self.step = 0
        self.show(run.steps)

    def show(self, step: int) -> list:
        step = _checks.integer(step, "step", minimum=0)
        if step > self.run.steps:
            raise ValueError(f"step must be at most {self.run.steps}, got {step}")
        self.step = step
        self.marker.set_data([step], [self.run.losses[step]])
        self.title.set_text(f"kernel, step {step}")
        return [self.marker, self.title, *self.kernel.set(self.run.kernels[step])]

    @property
    def artists(self) -> list:
        return [self.marker, self.title, *self.kernel.artists]


# ----------------------------------------------------------------------------- part 2
def _error_panel(ax, run: LeastSquaresRun, fits, theory=True):
    """Error against N on log axes: each fit's mean (points) with ± one standard deviation
    (bars), and the theory curves."""
    th = run.theory
    styles = {"conv": ("conv", "convolution (9 unknowns)"),
              "dense": ("dense", "dense (2,304 unknowns)"),
              "dense_ridge": ("ridge", f"dense + ridge (λ = {run.ridge:.2g})")}  # fmt: skip
    for fit in fits:
        colour_key, label = styles[fit]
        mean, std = run.mean(fit), run.std(fit)
        lower = np.maximum(mean - std, mean * 1e-3)
        ax.errorbar(run.N, mean, yerr=[mean - lower, std], fmt="o", ms=5, capsize=2,
                    color=MODEL_COLORS[colour_key], label=label)  # fmt: skip
    if theory:
        dense_like = [f for f in fits if f.startswith("dense")]
        if "conv" in fits:
            ax.plot(run.N, th["conv"], "--", color=MODEL_COLORS["conv"], lw=1.5,
                    label="theory σ²·9/(N·n)")  # fmt: skip
        if dense_like:
            n_fine = np.arange(1, int(run.N.max()) + 1, dtype=float)
            ax.plot(
                n_fine,
                dense_theory(n_fine, run.noise, run.m),
                "--",
                color=MODEL_COLORS["dense"],
                lw=1.5,
                label="theory σ²·m/(N − m − 1)",
            )
            ax.plot(
                n_fine,
                dense_min_norm_theory(n_fine, run.noise, run.signal, run.m),
                ":",
                color=MODEL_COLORS["dense"],
                lw=1.5,
                label="theory, N < m (min. norm)",
            )
    ax.axvline(run.m, color=COLORS["muted"], lw=1)
    ax.text(run.m * 1.07, 0.02, f"N = m = {run.m}", transform=ax.get_xaxis_transform(),
            va="bottom", fontsize=FONT["small"], color=TEXT_COLORS["muted"])  # fmt: skip
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("training pairs N")
    ax.set_ylabel("test error (excess MSE)")


def least_squares_figure(fig, run: LeastSquaresRun) -> dict:
    """Part 2: test error against N for the convolution and the dense layer with their
    theory curves (left), and the same dense layer with ridge (right)."""
    check_figure(fig)
    if not isinstance(run, LeastSquaresRun):
        raise TypeError(f"run must be a fewshot.LeastSquaresRun, got {type(run).__name__}")
    left, right = fig.subplots(1, 2, sharey=True)
    _error_panel(left, run, ("conv", "dense"))
    left.set_title("least squares")
    _error_panel(right, run, ("dense", "dense_ridge"), theory=False)
    right.set_title("ridge tames the spike")
    for ax, cols in ((left, 2), (right, 1)):  # below the plots: no point hidden
        ax.legend(fontsize=FONT["small"] - 1, loc="upper center", bbox_to_anchor=(0.5, -0.2),
                  ncol=cols, frameon=False)  # fmt: skip
    return {"least squares": left, "ridge": right}


class DenseMatrixFigure:
    """Part 2's explorer picture: the error curve for one noise level with the current N
    marked; the dense layer's learned 36 x 64 matrix; the true banded matrix.
    ``show(N, noise, M_hat, run, errors)`` changes it and returns the changed artists."""

    def __init__(self, fig, M, lim=None):
        check_figure(fig)
        M = _checks.array(M, "M", ndims=(2,))
        self.M = M
        grid = fig.add_gridspec(1, 3, width_ratios=[1.1, 1.3, 1.3])
        self.ax_err, self.ax_hat, ax_true = (fig.add_subplot(g) for g in grid)
        if lim is not None:
            lim = _checks.real(lim, "lim", finite=True, positive=True)
        lo, hi = signed_limits(M) if lim is None else (-lim, lim)
        self.hat = self.ax_hat.imshow(np.zeros_like(M), cmap=SIGNED_CMAP, vmin=lo, vmax=hi,
                                      interpolation="nearest")  # fmt: skip
        self.hat_title = self.ax_hat.set_title("dense layer, N = 000", color=MODEL_COLORS["dense"])
        ax_true.imshow(M, cmap=SIGNED_CMAP, vmin=lo, vmax=hi, interpolation="nearest")
        ax_true.set_title("true matrix", color=TEXT_COLORS["muted"])
        h, w = M.shape
        for ax in (self.ax_hat, ax_true):
            ax.set_xlabel(f"input pixel (m = {w})")
            ax.set_yticks([0, h - 1])
            ax.set_xticks([0, w - 1])
        self.ax_hat.set_ylabel(f"output (n = {h})")
        self.ax_err.set_xscale("log")
        self.ax_err.set_yscale("log")
        self.ax_err.set_xlabel("training pairs N")
        self.ax_err.set_ylabel("test error")
        self.lines = {
            key: self.ax_err.plot([], [], "-", color=MODEL_COLORS[key], lw=2, label=label)[0]
            for key, label in (("conv", "conv"), ("dense", "dense"))
        }
        self.points = {
            key: self.ax_err.plot(
                [], [], "o", ms=11, mec=COLORS["text"], mew=1.5, color=MODEL_COLORS[key]
            )[0]  # fmt: skip
            for key in ("conv", "dense")
        }
        self.ax_err.axvline(64, color=COLORS["muted"], lw=1)
        self.ax_err.legend(fontsize=FONT["small"], loc="lower left")
        self.err_title = self.ax_err.set_title("noise σ = 0.00")
        self._limits = None

    def set_curves(self, N, conv, dense) -> list:
        """The error curves (one noise level); fixes the axes' limits on first use."""
        self.lines["conv"].set_data(N, conv)
        self.lines["dense"].set_data(N, dense)
        return list(self.lines.values())

    def set_limits(self, n_range, err_range) -> None:
        """Fix the error axes' limits and ticks (a redraw must not move them)."""
        self.ax_err.set_xlim(*n_range)
        self.ax_err.set_ylim(*err_range)
        xt = 10.0 ** np.arange(np.ceil(np.log10(n_range[0])), np.log10(n_range[1]) + 1e-9)
        yd = np.arange(np.ceil(np.log10(err_range[0])), np.log10(err_range[1]) + 1e-9)
        self.ax_err.set_xticks(xt)
        self.ax_err.set_yticks(10.0 ** yd[:: max(1, len(yd) // 4)])
        self.ax_err.minorticks_off()

    def show(self, N, M_hat, conv_error, dense_error, noise) -> list:
        M_hat = _checks.array(M_hat, "M_hat", ndims=(2,))
        self.M_hat = M_hat
        self.hat.set_data(M_hat)
        self.hat_title.set_text(f"dense layer, N = {N}")
        self.points["conv"].set_data([N], [conv_error])
        self.points["dense"].set_data([N], [dense_error])
        self.err_title.set_text(f"noise σ = {noise:g}")
        return [self.hat, self.hat_title, *self.points.values(), self.err_title]


# ----------------------------------------------------------------------------- parts 3, 4
def task_examples_figure(fig, x, y, kinds=("plus", "cross"), shuffled=None, per_row=8):
    """A row of example images with their labels; a second row with the same images'
    pixels shuffled when ``shuffled`` (the shuffled images) is given."""
    check_figure(fig)
    x = _checks.array(x, "x", ndims=(4,))
    n = min(_checks.integer(per_row, "per_row", minimum=1), len(x))
    rows = 1 if shuffled is None else 2
    axes = np.atleast_2d(fig.subplots(rows, n))
    lim = float(np.abs(x[:n]).max())
    for j in range(n):
        axes[0, j].imshow(x[j, 0], cmap=GREY_CMAP, vmin=-lim, vmax=lim)
        _bare(axes[0, j], kinds[int(y[j])], COLORS["input"])
        if shuffled is not None:
            axes[1, j].imshow(np.asarray(shuffled)[j, 0], cmap=GREY_CMAP, vmin=-lim, vmax=lim)
            _bare(axes[1, j], None, COLORS["muted"])
    if shuffled is not None:
        axes[1, 0].set_ylabel("shuffled")
    return axes


def accuracy_figure(fig, run: ClassificationRun) -> dict:
    """Parts 3 and 4: test accuracy (solid, with the seeds' range shaded) and training
    accuracy (dashed) against the number of training examples, for both models; one panel
    with the pixels as they are, one with them shuffled (when the run has both)."""
    check_figure(fig)
    if not isinstance(run, ClassificationRun):
        raise TypeError(f"run must be a fewshot.ClassificationRun, got {type(run).__name__}")
    kinds = sorted({sh for _, sh in run.test})
    axes = np.atleast_1d(fig.subplots(1, len(kinds), sharey=True))
    lines = {}
    for ax, shuffled in zip(axes, kinds, strict=True):
        for model in ("conv", "dense"):
            key = (model, shuffled)
            colour = MODEL_COLORS[model]
            test, train = run.test[key], run.train[key]
            ax.fill_between(run.N, test.min(1), test.max(1), color=colour, alpha=0.25, lw=0)
            lines[key] = ax.plot(run.N, test.mean(1), "o-", color=colour, lw=2,
                                 label=f"{model}: test")[0]  # fmt: skip
            # hollow markers of two shapes and sizes: where both nets fit every training image
            # the two dashed lines coincide at 1.0, and both stay visible (issue 20)
            marker, size = {"conv": ("^", 7), "dense": ("s", 10)}[model]
            ax.plot(run.N, train.mean(1), "--", color=colour, lw=1.5, marker=marker, ms=size,
                    mfc="none", mew=1.5, label=f"{model}: train")  # fmt: skip
        ax.axhline(0.5, color=COLORS["muted"], lw=1)
        ax.text(run.N[0], 0.51, "chance", fontsize=FONT["small"], color=TEXT_COLORS["muted"])
        ax.set_xscale("log")
        ax.set_xticks(run.N, [f"{int(n):,}" for n in run.N])
        ax.minorticks_off()
        ax.set_xlabel("training examples")
        ax.set_title("pixels shuffled" if shuffled else "pixels as they are")
        ax.set_ylim(0.4, 1.03)
        # each line named at its end, in its colour (the line styles and markers stay)
        named = [ln for ln in ax.lines if ln.get_label().endswith((": test", ": train"))]
        _label_line_ends(ax, [(ln, ln.get_label(), MODEL_TEXT_COLORS[ln.get_label().split(":")[0]])
                              for ln in named])  # fmt: skip
    axes[0].set_ylabel("accuracy")
    return lines


# ----------------------------------------------------------------------------- part 6
def mnist1d_figure(fig, data: dict, curve: dict, perm, classes=(0, 3, 7)) -> dict:
    """Part 6, MNIST-1D. Left: one training sequence of each of ``classes``, as it is (top)
    and with its 40 values in the order ``perm`` (bottom). Right: test accuracy against the
    number of training sequences (``mnist1d.learning_curve``), dense (MLP) against conv (CNN),
    with the published all-data accuracies as hollow markers."""
    from cnnlessons.lesson05.numerics.mnist1d import PUBLISHED

    check_figure(fig)
    data = _checks.mapping(data, "data", ("x_train", "y_train"))
    x = _checks.array(data["x_train"], "data['x_train']", ndims=(3,))
    y = _checks.array(data["y_train"], "data['y_train']", ndims=(1,))
    if len(y) != len(x):
        raise ValueError(
            f"data['y_train'] must hold one label per sequence ({len(x)}), got {len(y)}"
        )
    perm = _checks.permutation(perm, "perm", x.shape[-1])
    classes = _checks.integers(classes, "classes", minimum=0, limit=3)
    for c in classes:
        if not (y == c).any():
            raise ValueError(f"classes: no training sequence of class {c} in data['y_train']")
    curve = _checks.mapping(curve, "curve", ("sizes", "mlp", "cnn", "steps", "seed"))
    n = _checks.array(curve["sizes"], "curve['sizes']", ndims=(1,), finite=True)
    if (n <= 0).any():
        raise ValueError("curve['sizes'] must be numbers of training sequences (> 0)")
    for name in ("mlp", "cnn"):
        acc = _checks.array(curve[name], f"curve[{name!r}]", ndims=(1,))
        if acc.shape != n.shape:
            raise ValueError(f"curve[{name!r}] must hold one accuracy per size, got {acc.shape}")
    steps = _checks.integer(curve["steps"], "curve['steps']", minimum=0)
    seed = _checks.integer(curve["seed"], "curve['seed']", minimum=0)
    left, ax = fig.subplots(1, 2, gridspec_kw={"width_ratios": (1, 1.25)})
    styles = ("-", "--", ":")
    names = ", ".join(
        f"{c} {('solid', 'dashed', 'dotted')[i]}" for i, c in enumerate(classes[:3])
    )
    gap = 1.2 * float(np.ptp(x[:, 0]))
    for offset, order in ((gap, slice(None)), (0.0, perm)):
        for c, ls in zip(classes, styles, strict=False):
            seq = x[int(np.flatnonzero(y == c)[0]), 0][order]
            left.plot(seq + offset, ls, color=COLORS["input"] if ls == "-" else COLORS["text"],
                      lw=2)  # fmt: skip
    left.set_title(f"digits {names}", fontsize=FONT["normal"])
    left.set_xlim(0, x.shape[-1] - 1)
    left.set_yticks([gap, 0.0], ["as they\nare", "shuffled"])
    left.set_xlabel("position (0-39)")
    lines = {}
    for name, model, marker in (("mlp", "dense", "s"), ("cnn", "conv", "o")):
        colour = MODEL_COLORS[model]
        label = f"{model} ({name.upper()})"
        lines[name] = ax.plot(n, curve[name], marker + "-", color=colour, lw=2, ms=8,
                              label=label)[0]  # fmt: skip
        ax.plot([n.max() * 1.25], [PUBLISHED[(name, False)]], marker, ms=11, mfc="none",
                mec=colour, mew=2)  # fmt: skip
    ax.plot([], [], "o", ms=11, mfc="none", mec=COLORS["text"], mew=2,
            label="published (all data)")  # fmt: skip
    ax.axhline(0.1, color=COLORS["muted"], lw=1)
    ax.text(n.min(), 0.12, "chance (10 classes)", fontsize=FONT["small"],
            color=TEXT_COLORS["muted"])  # fmt: skip
    ax.set_xscale("log")
    ax.set_xticks(n, [f"{int(v):,}" for v in n])
    ax.minorticks_off()
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("training sequences")
    ax.set_ylabel("test accuracy")
    ax.set_title(f"{steps:,} steps, seed {seed}")
    # each line named along its last segment, in its colour (the higher line above it, the
    # lower below), not by a legend: the legend says only what the hollow markers are
    ends = sorted(lines, key=lambda name: float(curve[name][-1]))
    for side, name in zip((-1, 1), ends, strict=True):
        line = lines[name]
        xs, ys = line.get_xdata()[-2:], line.get_ydata()[-2:]
        if len(line.get_xdata()) < 2:
            xs, ys = np.repeat(xs, 2), np.repeat(ys, 2)
        model = {"mlp": "dense", "cnn": "conv"}[name]
        ax.annotate(line.get_label(), (float(np.sqrt(xs[0] * xs[1])), float(np.mean(ys))),
                    xytext=(0, 12 * side), textcoords="offset points", ha="center",
                    va="bottom" if side > 0 else "top", fontsize=FONT["small"],
                    color=MODEL_TEXT_COLORS[model])  # fmt: skip
    published = [h for h in ax.lines if h.get_label() == "published (all data)"]
    ax.legend(handles=published, fontsize=FONT["small"], loc="lower right")
    return lines


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
accuracy_figure.alt = (
    "Test accuracy (solid, with the seeds' range shaded) and training accuracy (dashed) "
    "against the number of training examples, for the convolutional and the dense model; one "
    "panel with the pixels as they are, one with them shuffled. Look for which model learns "
    "from fewer examples, and how shuffling the pixels changes that."
)
least_squares_figure.alt = (
    "Test error against the number of examples N for a convolution and a dense layer fitted by "
    "least squares, with their theory curves (left), and the dense layer with ridge (right). "
    "Look for the dense layer's error spiking near N = m and falling after, while the "
    "convolution is accurate from a few examples."
)
mnist1d_figure.alt = (
    "MNIST-1D. Left: one training sequence of a few classes, as it is and with its values "
    "shuffled. Right: test accuracy against the number of training sequences, dense network "
    "against convolutional network, with the published accuracies as hollow markers. Look for "
    "the convolutional network needing fewer examples."
)
task_examples_figure.alt = (
    "Example images of the task with their labels; a second row shows the same images with "
    "their pixels shuffled. Look for how the shapes disappear once the pixels are shuffled."
)
