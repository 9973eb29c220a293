"""Figures speak the series' notation (k is the kernel's side; F·(k·k·C + 1) parameters), use
log-log axes for power laws, and keep single values visible (issue 9)."""

import matplotlib as mpl
from matplotlib.figure import Figure

from cnnlessons.figures import style
from cnnlessons.lesson01.figures import flip_figure
from cnnlessons.lesson02.figures import connections_plot
from cnnlessons.lesson03.figures.matrices import weight_matrices_figure
from cnnlessons.lesson03.figures.parameters import param_growth_plot


def _axes():
    return Figure(figsize=(9.4, 3.4)).add_subplot()


def test_parameter_growth_is_log_log_and_labelled_in_the_notation():
    ax = _axes()
    param_growth_plot(ax, [8, 16, 32, 64], in_channels=3, out_channels=6, kernel_size=5)
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any("F·(k·k·C + 1) = 6·(5·5·3 + 1) = 456" in label for label in labels)


def test_connections_plot_counts_k_by_k_inputs_per_output():
    ax = _axes()
    lines = connections_plot(ax, [8, 16, 32], kernel_size=3)
    assert "k·k·n = 3·3·s²" in lines["conv"].get_label()
    assert lines["conv"].get_ydata()[0] == 9 * 8 * 8


def test_the_impulse_stands_out_from_the_zeros():
    fig = flip_figure()
    mesh = fig.axes[0].collections[0]
    colours = mesh.cmap(mesh.norm(mesh.get_array().ravel()))
    one, zero = colours.reshape(5, 5, 4)[2, 2], colours.reshape(5, 5, 4)[0, 0]
    assert style.contrast_ratio(one[:3], zero[:3]) >= 3


def test_weight_matrices_leave_no_empty_bands():
    """The figure's height follows the matrices: a 4 x 6 matrix row is short and wide."""
    with mpl.rc_context(style.RC):
        fig = Figure(figsize=(9.4, 3.4), layout="constrained")
        weight_matrices_figure(fig, (6,), 3)
        assert fig.get_figheight() < 3.0
        fig2 = Figure(figsize=(9.4, 3.4), layout="constrained")
        weight_matrices_figure(fig2, (5, 5), 3)
        assert len({round(ax.get_position().y0, 6) for ax in fig2.axes}) == 2  # 2 rows of 2
