"""Lesson 03's channels explorer: F filters of k x k x C on a colour image give F maps."""

from __future__ import annotations

from ..figures.channels import KERNEL_SIDES, MAX_FILTERS, ChannelsFigure
from .base import Explorer

__all__ = ["ChannelsExplorer", "FILTER_CHOICES"]

#: the values of F offered (every frame costs an image: 4 x 3 x 2 = 24 frames)
FILTER_CHOICES = (1, 2, 4, MAX_FILTERS)


class ChannelsExplorer(Explorer):
    """Choose the number of filters F, the kernel's side k and the input channels C (grey or
    R, G, B) and see the filters as F rows of C slices plus a bias, the F output maps, and
    the parameter count F·(k·k·C + 1) read off the picture. k = 1 shows a 1x1 convolution:
    a dense layer across the channels, applied at every pixel.

    Frame controls (4 x 3 x 2 = 24 frames): ``filters``, ``k``, ``channels``.
    Arrays: ``weights`` (F, C, k, k), ``biases`` (F,), ``outputs`` (F maps), ``n_parameters``.
    """

    figsize = (9.4, 4.4)

    def __init__(self, channels: int = 3, filters: int = 2, k: int = 3, *, renderer="frames"):
        import ipywidgets as widgets

        from .. import _checks

        for name, value, allowed in (
            ("channels", channels, (1, 3)),
            ("filters", filters, FILTER_CHOICES),
            ("k", k, KERNEL_SIDES),
        ):
            if _checks.integer(value, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {value}")
        controls = {
            "filters": widgets.SelectionSlider(
                options=list(FILTER_CHOICES), value=filters, description="F"
            ),
            "k": widgets.SelectionSlider(options=list(KERNEL_SIDES), value=k, description="k"),
            "channels": widgets.ToggleButtons(
                options=[("1 (grey)", 1), ("3 (R, G, B)", 3)], value=channels, description="C"
            ),
        }
        super().__init__(controls, renderer=renderer, frame_control=("filters", "k", "channels"))

    def build(self, fig) -> None:
        self.view = ChannelsFigure(fig)
        self.animate(*self.view.artists)

    def update(self, filters=2, k=3, channels=3) -> list:
        return self.view.show(int(channels), int(filters), int(k))

    @property
    def weights(self):
        return self.view.weights

    @property
    def biases(self):
        return self.view.biases

    @property
    def outputs(self):
        return self.view.outputs

    @property
    def n_parameters(self) -> int:
        return self.view.n_parameters
