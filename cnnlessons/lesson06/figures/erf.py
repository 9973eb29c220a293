"""Figures of lesson 06: the *effective* receptive field (no widgets).

- ``ERFFigure``: the effective receptive field of n stacked uniform kernels, as a heat map
  inside the theoretical square and as a profile against the Gaussian of variance
  n·(k² − 1)/12 (its ``select`` changes a few artists in place and returns them);
- ``erf_ratio_plot``, ``random_erf_plot``, ``depth_plot``: static plots.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib import ticker as mpl_ticker
from matplotlib.patches import Rectangle

from cnnlessons import _checks
from cnnlessons.figures.display import check_axes, check_figure
from cnnlessons.figures.grids import frame_axes
from cnnlessons.figures.style import COLORS, FONT, LINE, UNSIGNED_CMAP
from cnnlessons.lesson06.numerics import stacks as rl

__all__ = ["ERFFigure", "erf_ratio_plot", "random_erf_plot", "depth_plot"]


class ERFFigure:
    """The effective receptive field of n stacked uniform k x k kernels.

    Left: the 2-D impulse response (``erf_2d``), scaled to its peak, inside the theoretical
    r x r square (pink), on a canvas as large as the deepest stack's field. Right: the 1-D
    profile against the Gaussian of variance n·(k² − 1)/12, with the theoretical field and
    the ±1.96σ band. ``select(n)`` for n from 1 to ``max_n``.
    """

    def __init__(self, fig, k: int = 3, max_n: int = 16):
        check_figure(fig)
        self.k = _checks.integer(k, "k", minimum=3)
        if self.k % 2 == 0:
            raise ValueError(f"k must be odd (a field centred on a pixel), got {k}")
        self.max_n = _checks.integer(max_n, "max_n", minimum=1)
        if self.max_n > 64:
            raise ValueError(f"max_n must be at most 64, got {max_n}")
        half = self.max_n * (self.k - 1) / 2
        self.half = half
        ax_map, ax_prof = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.5]})
        self.axes = {"map": ax_map, "profile": ax_prof}
        size = int(2 * half + 1)
        self.image = ax_map.imshow(
            np.zeros((size, size)),
            cmap=UNSIGNED_CMAP,
            vmin=0,
            vmax=1,
            extent=(-half - 0.5, half + 0.5, half + 0.5, -half - 0.5),
            interpolation="nearest",
        )
        self.square = Rectangle(
            (0, 0), 1, 1, fill=False, edgecolor=COLORS["receptive"], linewidth=LINE["highlight"]
        )
        ax_map.add_patch(self.square)
        frame_axes(ax_map, None, "2-D, scaled to its peak")
        top = 1.1 / 1.6  # the field and the band stop below the legend
        self.band = ax_prof.axvspan(
            -1, 1, ymax=top, color=COLORS["output"], alpha=0.2, lw=0, label="±1.96σ"
        )
        self.field = ax_prof.axvspan(
            -1,
            1,
            ymax=top,
            fill=False,
            edgecolor=COLORS["receptive"],
            lw=2.5,
            label="theoretical field r",
        )
        (self.response,) = ax_prof.plot(
            [], [], "o-", color=COLORS["input"], lw=2, ms=4, label="impulse response"
        )
        (self.gauss,) = ax_prof.plot(
            [], [], "--", color=COLORS["kernel"], lw=2.5, label="Gaussian, var n(k²−1)/12"
        )
        ax_prof.set_xlim(-half - 1, half + 1)
        ax_prof.set_ylim(0, 1.6)
        ax_prof.set_yticks([0, 0.5, 1])
        ax_prof.set_xlabel("input pixel (0 = centre)")
        ax_prof.set_ylabel("response / peak")
        ax_prof.legend(
            loc="upper center", ncol=2, fontsize=FONT["small"], frameon=False, handlelength=1.5
        )
        self.text = fig.text(0.5, 0.01, "", ha="center", va="bottom", fontsize=FONT["normal"])
        engine = fig.get_layout_engine()
        if engine is not None and hasattr(engine, "set"):
            engine.set(rect=(0, 0.08, 1, 0.92))
        self.select(1)

    @property
    def artists(self) -> list:
        return [
            self.image,
            self.square,
            self.band,
            self.field,
            self.response,
            self.gauss,
            self.text,
        ]

    def select(self, n: int) -> list:
        n = _checks.integer(n, "n", minimum=1)
        if n > self.max_n:
            raise ValueError(f"n must be between 1 and {self.max_n}, got {n}")
        k = self.k
        r = n * (k - 1) + 1
        profile = rl.impulse_response(n, k)
        heat = rl.erf_2d(n, k)
        canvas = np.zeros(self.image.get_array().shape)
        c = canvas.shape[0] // 2
        h = (r - 1) // 2
        canvas[c - h : c + h + 1, c - h : c + h + 1] = heat / heat.max()  # r is odd
        self.canvas = canvas
        self.image.set_data(canvas)
        self.square.set_bounds(-r / 2, -r / 2, r, r)
        x = np.arange(r) - (r - 1) / 2
        peak = profile.max()
        self.response.set_data(x, profile / peak)
        fine = np.linspace(x[0] - 1, x[-1] + 1, 200)
        self.gauss.set_data(fine, rl.gaussian(n, k, fine + (r - 1) / 2) / peak)
        sigma = math.sqrt(rl.erf_variance(n, k))
        self.band.set_x(-1.96 * sigma)
        self.band.set_width(2 * 1.96 * sigma)
        self.field.set_x(-r / 2)
        self.field.set_width(r)
        width = rl.effective_width(n, k)
        self.profile, self.n = profile, n
        self.text.set_text(
            f"n = {n} layers, k = {k}: r = {r};  σ = √(n(k²−1)/12) = {sigma:.2f};  "
            f"±1.96σ = {width:.1f} px = {min(width / r, 1):.0%} of r"
        )
        return self.artists


def erf_ratio_plot(ax, ks=(2, 3, 5), max_n: int = 64) -> dict:
    """Effective width (±1.96σ band) over theoretical width r, against depth n, log-log,
    with the 1/√n slope. Returns the lines by k."""
    check_axes(ax)
    ks = _checks.integers(ks, "ks", minimum=2, maximum=64, limit=8)
    max_n = _checks.integer(max_n, "max_n", minimum=2, maximum=4096)
    n = np.arange(1, max_n + 1)
    lines = {}
    colours = [COLORS["input"], COLORS["kernel"], COLORS["output"], COLORS["receptive"]]
    for k, colour in zip(ks, colours * 4, strict=False):
        ratio = [rl.effective_width(v, k) / (v * (k - 1) + 1) for v in n]
        (lines[k],) = ax.loglog(n, ratio, "-", color=colour, lw=2.5, label=f"k = {k}")
    guide = 1.2 * n**-0.5
    ax.loglog(n, guide, ":", color=COLORS["text"], lw=2, label="∝ 1/√n")
    ax.set_xlabel("depth n (layers)")
    ax.set_ylabel("effective width / r")
    ticks = [0.1, 0.2, 0.3, 0.5, 1.0]
    ax.set_yticks(ticks, [f"{t:g}" for t in ticks])
    ax.set_yticks([], minor=True)
    ax.set_xticks([1, 2, 4, 8, 16, 32, 64][: 1 + int(np.log2(max_n))], minor=False)
    ax.xaxis.set_major_formatter(mpl_ticker.FormatStrFormatter("%d"))
    ax.set_xticks([], minor=True)
    ax.legend(fontsize=FONT["small"], frameon=False)
    ax.grid(True, which="major", alpha=0.3)
    return lines


def random_erf_plot(ax, n: int = 8, k: int = 3, trials: int = 1000, seed: int = 0) -> dict:
    """The exact impulse response of n uniform k-tap layers against random networks: one
    network, the mean of ``trials`` linear ones, and the mean of ``trials`` with ReLUs (4
    channels). All normalised to sum 1. Returns the lines by name."""
    check_axes(ax)
    n = _checks.integer(n, "n", minimum=1)
    k = _checks.integer(k, "k", minimum=2)
    exact = rl.impulse_response(n, k)
    x = np.arange(exact.size) - (exact.size - 1) / 2
    curves = {
        "uniform kernels (exact)": (exact, COLORS["text"], "-", 3.0),
        "one random network": (rl.random_erf(n, k, trials=1, seed=seed), COLORS["muted"], "-", 1.8),
        f"mean of {trials} random linear networks": (
            rl.random_erf(n, k, trials=trials, seed=seed),
            COLORS["input"],
            "--",
            2.5,
        ),
        f"mean of {trials} random ReLU networks": (
            rl.random_erf(n, k, trials=trials, channels=4, relu=True, seed=seed),
            COLORS["kernel"],
            "-.",
            2.5,
        ),
    }
    lines = {}
    for name, (y, colour, style, lw) in curves.items():
        (lines[name],) = ax.plot(x, y, style, color=colour, lw=lw, label=name)
    ax.set_xlabel("input pixel (0 = centre)")
    ax.set_ylabel("share of E[response²]")
    ax.set_title(f"n = {n} layers, k = {k}: random weights, mean 0")
    ax.legend(fontsize=FONT["small"], frameon=False, loc="upper left")
    return lines


def depth_plot(ax, networks: dict, image_size: int = 224) -> dict:
    """Receptive field against depth for each network of ``networks`` (name -> layer list),
    with the input's side marked. Returns the lines by name."""
    check_axes(ax)
    if not isinstance(networks, dict) or not networks:
        raise TypeError("networks must be a dict: name -> layer list")
    image_size = _checks.integer(image_size, "image_size", minimum=1)
    lines = {}
    colours = [COLORS["input"], COLORS["kernel"], COLORS["output"], COLORS["receptive"]]
    markers = ["o", "s", "^", "D"]
    for (name, layers), colour, marker in zip(
        networks.items(), colours * 4, markers * 4, strict=False
    ):
        sizes = [row.size for row in rl.layer_fields(layers)]
        (lines[name],) = ax.plot(
            np.arange(1, len(sizes) + 1),
            sizes,
            marker=marker,
            ms=4,
            color=colour,
            lw=2.2,
            label=f"{name}: {sizes[-1]}",
        )
    ax.axhline(image_size, color=COLORS["text"], ls=":", lw=2)
    longest = max(len(line.get_xdata()) for line in lines.values())
    ax.text(
        longest,
        image_size,
        f"the {image_size}-pixel input ",
        ha="right",
        va="bottom",
        fontsize=FONT["small"],
    )
    ax.xaxis.set_major_locator(mpl_ticker.MaxNLocator(integer=True))
    ax.set_xlabel("layer (convolutions and pooling, in order)")
    ax.set_ylabel("receptive field r (pixels)")
    ax.legend(fontsize=FONT["small"], frameon=False, loc="upper left")
    ax.grid(True, alpha=0.3)
    return lines


# -- features built from features ------------------------------------------------------------


# the text alternative of each figure a lesson shows (``display.alt_text``): what it shows and
# what to look for
depth_plot.alt = (
    "Receptive field against depth for real networks, with the input image's side marked. Look "
    "for how fast each network's field grows and the depth at which it covers the whole image."
)
erf_ratio_plot.alt = (
    "Effective receptive field width over theoretical width against depth, log-log, one line "
    "per kernel size, with a 1 over square root of n slope. Look for the ratio falling: deep "
    "units use a smaller and smaller part of what they can see."
)
random_erf_plot.alt = (
    "The exact impulse response of stacked uniform layers against random networks: one "
    "network, the mean of many linear ones and the mean of many with ReLUs, all normalised to "
    "sum 1. Look for the bell shape they share."
)
