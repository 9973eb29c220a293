"""Lesson 05's explorers: a kernel being learned, step by step; and what a dense layer
learns from N noisy examples of a 3x3 filter, next to the true banded matrix."""

from __future__ import annotations

import numpy as np

from cnnlessons import _checks
from cnnlessons.engine import MAX_FRAMES, Explorer
from cnnlessons.engine.renderers import renderer as check_renderer
from cnnlessons.figures.grids import fmt_rows, said
from cnnlessons.lesson05.figures import DenseMatrixFigure, KernelLearningFigure
from cnnlessons.lesson05.numerics.fewshot import (
    KernelRun,
    _one_blas_thread,
    fit_conv,
    fit_dense,
    learn_kernel,
    least_squares_curves,
    standard_photo,
)
from cnnlessons.numerics.conv import conv2d
from cnnlessons.numerics.images import kernel, photo
from cnnlessons.numerics.matrices import conv_matrix
from cnnlessons.numerics.tasks import filter_pairs, random_kernel

__all__ = ["KernelLearningExplorer", "LeastSquaresExplorer", "N_VALUES", "NOISE_VALUES"]


class KernelLearningExplorer(Explorer):
    """Step through gradient descent learning a 3x3 kernel from one image and its edge map.

    Control: ``step`` (0 to the number of recorded steps, one frame each) and ``play``.
    Defaults: Grace Hopper's portrait at 1/16 size, the vertical-edge kernel, 40 steps of
    learning rate 0.15 from small random weights (seed 0).
    """

    figsize = (10.0, 2.9)
    mirrors = ("play",)

    def __init__(self, run: KernelRun | None = None, x=None, *, renderer: str = "frames"):
        import ipywidgets as widgets

        check_renderer(renderer)  # before the training below
        # the learner's own picture: an array (grey or RGB) or an image file's path
        self.x = standard_photo() if x is None else photo(x, name="x", min_side=3)
        if run is None:
            w = kernel("vertical edge")
            run = learn_kernel(self.x, conv2d(self.x, w), lr=0.15, steps=40, target=w)
        if not isinstance(run, KernelRun):
            raise TypeError(f"run must be a fewshot.KernelRun, got {type(run).__name__}")
        if run.steps + 1 > MAX_FRAMES:
            raise ValueError(f"run must have at most {MAX_FRAMES - 1} steps, got {run.steps}")
        self.run = run
        step = widgets.IntSlider(0, 0, run.steps, description="step")
        play = widgets.Play(0, min=0, max=run.steps, interval=150, description="play")
        widgets.jslink((play, "value"), (step, "value"))
        super().__init__({"step": step, "play": play}, renderer=renderer, frame_control="step")

    def build(self, fig) -> None:
        self.view = KernelLearningFigure(fig, self.x, self.run)
        self.animate(*self.view.artists)

    def value_text(self, name, values) -> str:
        return f"step {int(values['step'])} of {self.run.steps}: loss {self.loss:.3g}"

    def describe(self, step=0) -> str:
        return said(
            f"Step {int(step)} of {self.run.steps}: loss {self.loss:.3g}",
            f"Kernel rows {fmt_rows(self.kernel)}",
            f"Target rows {fmt_rows(self.run.target)}" if self.run.target is not None else "",
        )

    def update(self, step=0) -> list:
        return self.view.show(int(step))

    @property
    def kernel(self) -> np.ndarray:
        """The kernel shown (at the current step)."""
        return self.view.kernel.values

    @property
    def loss(self) -> float:
        return float(self.run.losses[self.view.step])


#: the N and noise values the least-squares explorer offers (11 x 3 = 33 frames)
N_VALUES = (1, 4, 16, 32, 48, 60, 64, 70, 96, 192, 512)
NOISE_VALUES = (0.01, 0.1, 0.5)


class LeastSquaresExplorer(Explorer):
    """Fit an unknown 3x3 filter on 8x8 inputs from N noisy pairs, as a convolution (9
    unknowns) and as a dense layer (2,304 unknowns); see the dense layer's learned 36 x 64
    matrix next to the true banded one. The band appears only as N grows past m = 64.

    Controls: ``N`` and ``noise`` (both frame controls). For each noise level, one draw of
    pairs (seed ``seed``) serves every N (the first N of them), and the error curves are
    the mean over ``repeats`` draws.
    """

    figsize = (10.0, 3.3)

    def __init__(self, *, seed: int = 0, repeats: int = 5, renderer: str = "frames"):
        import ipywidgets as widgets

        check_renderer(renderer)  # before the least-squares runs below
        self.seed = _checks.integer(seed, "seed", minimum=0)
        repeats = _checks.integer(repeats, "repeats", minimum=1)
        self.w = random_kernel(3, seed=0)
        self.M = conv_matrix((8, 8), self.w)
        self.fits = {}
        self.curves = {}
        with _one_blas_thread():  # entered once for the 66 fits and 3 curves below
            for noise in NOISE_VALUES:
                X, Y = filter_pairs(max(N_VALUES), self.w, noise=noise, seed=self.seed)
                for n in N_VALUES:
                    w_hat = fit_conv(X[:n], Y[:n])
                    M_hat = fit_dense(X[:n], Y[:n])
                    self.fits[(n, noise)] = {
                        "M_hat": M_hat,
                        "conv_error": float(((w_hat - self.w) ** 2).sum()),
                        "dense_error": float(((M_hat - self.M) ** 2).sum() / self.M.shape[0]),
                    }
                self.curves[noise] = least_squares_curves(
                    N_VALUES, noise, w=self.w, repeats=repeats, seed=self.seed + 1, ridge=0.0
                )
        n_slider = widgets.SelectionSlider(options=list(N_VALUES), value=4, description="N")
        noise = widgets.SelectionSlider(options=list(NOISE_VALUES), value=0.1,
                                        description="noise σ")  # fmt: skip
        super().__init__({"N": n_slider, "noise": noise}, renderer=renderer,
                         frame_control=("N", "noise"))  # fmt: skip

    def build(self, fig) -> None:
        lim = float(np.abs(self.M).max())
        self.view = DenseMatrixFigure(fig, self.M, lim=lim)
        self.animate(*self.view.lines.values(), *self.view.points.values(), self.view.hat,
                     self.view.hat_title, self.view.err_title)  # fmt: skip
        errors = [
            v for run in self.curves.values() for key in ("conv", "dense") for v in run.mean(key)
        ] + [f[k] for f in self.fits.values() for k in ("conv_error", "dense_error")]
        self.view.set_limits((0.8, max(N_VALUES) * 1.25), (min(errors) / 3, max(errors) * 3))

    def value_text(self, name, values) -> str:
        fit = self.fits[(values["N"], values["noise"])]
        what = f"N = {values['N']}" if name == "N" else f"noise σ = {values['noise']:g}"
        return (f"{what}: error of the convolution's weights {fit['conv_error']:.3g}, of the "
                f"dense matrix {fit['dense_error']:.3g} per row")  # fmt: skip

    def describe(self, N=4, noise=0.1) -> str:
        fit = self.fits[(N, noise)]
        return said(
            f"N = {N} noisy pairs, noise σ = {noise:g}",
            f"Error of the convolution's 9 weights {fit['conv_error']:.3g}; error of the dense "
            f"layer's matrix {fit['dense_error']:.3g} per row",
            "The dense layer's learned 36 × 64 matrix is shown beside the true banded one; "
            + ("it has enough pairs to find the band" if N >= 64
               else "with N below m = 64 it cannot find the band"),
        )  # fmt: skip

    def update(self, N=4, noise=0.1) -> list:
        run = self.curves[noise]
        fit = self.fits[(N, noise)]
        changed = self.view.set_curves(run.N, run.mean("conv"), run.mean("dense"))
        return changed + self.view.show(N, fit["M_hat"], fit["conv_error"], fit["dense_error"],
                                        noise)  # fmt: skip

    @property
    def M_hat(self) -> np.ndarray:
        """The dense layer's learned matrix shown now."""
        return self.view.M_hat
