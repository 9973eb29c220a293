"""Conv1d: forward against SciPy and against cnnlessons' conv2d on one-row images, backward
against finite differences on random shapes, bad input refused by name."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.numerics.layers1d import Conv1d
from cnnlessons.numerics.training import Network


def numeric_grad(f, a, eps=1e-6):
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        old = a[i]
        a[i] = old + eps
        up = f()
        a[i] = old - eps
        down = f()
        a[i] = old
        g[i] = (up - down) / (2 * eps)
    return g


shapes = dict(
    n=st.integers(1, 2), c=st.integers(1, 3), f=st.integers(1, 3), length=st.integers(3, 12),
    k=st.integers(1, 5), s=st.integers(1, 3), p=st.integers(0, 2), seed=st.integers(0, 99),
)


@settings(max_examples=25, deadline=None)
@given(**shapes)
def test_conv1d_equals_conv2d_on_one_row_images(n, c, f, length, k, s, p, seed):
    if length + 2 * p < k:
        return
    rng = np.random.default_rng(seed)
    layer = Conv1d(c, f, k, stride=s, padding=p, rng=rng)
    layer.params["b"] = rng.normal(size=f)
    x = rng.normal(size=(n, c, length))
    out = layer.forward(x)
    assert out.shape == (n, f, layer.output_length(length))
    for i in range(n):
        want = cl.conv2d(x[i][:, None, :], layer.params["w"][:, :, None, :], stride=(1, s),
                         padding=(0, p))
        np.testing.assert_allclose(out[i], want[:, 0] + layer.params["b"][:, None], atol=1e-12)


def test_conv1d_equals_scipy_correlate1d():
    rng = np.random.default_rng(3)
    layer = Conv1d(1, 1, 3, padding=1, rng=rng)
    x = rng.normal(size=(1, 1, 20))
    w = layer.params["w"][0, 0]
    # scipy centres a 3-tap window on each value; padding 1 with zeros is mode="constant"
    want = ndimage.correlate1d(x[0, 0], w, mode="constant")
    np.testing.assert_allclose(layer.forward(x)[0, 0], want, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(**shapes)
def test_conv1d_backward_matches_finite_differences(n, c, f, length, k, s, p, seed):
    if length + 2 * p < k:
        return
    rng = np.random.default_rng(seed)
    layer = Conv1d(c, f, k, stride=s, padding=p, rng=rng)
    x = rng.normal(size=(n, c, length))
    r = rng.normal(size=layer.forward(x).shape)

    def loss():
        return float((layer.forward(x) * r).sum())

    layer.forward(x)
    dx = layer.backward(r)
    grads = {name: g.copy() for name, g in layer.grads.items()}
    np.testing.assert_allclose(dx, numeric_grad(loss, x), atol=1e-6, rtol=1e-5)
    for name, prm in layer.params.items():
        np.testing.assert_allclose(grads[name], numeric_grad(loss, prm), atol=1e-6, rtol=1e-5)


def test_a_network_takes_sequences():
    from cnnlessons.numerics.layers import Dense, Flatten, ReLU

    net = Network([Conv1d(1, 2, 3, rng=0), ReLU(), Flatten(), Dense(2 * 8, 3, rng=0)], (1, 10), 3)
    assert net.logits(np.zeros((4, 1, 10))).shape == (4, 3)
    assert net.n_parameters == 2 * 3 + 2 + 16 * 3 + 3


@pytest.mark.parametrize(
    "call, exc, match",
    [
        (lambda: Conv1d(0, 1), ValueError, "in_channels"),
        (lambda: Conv1d(1, 1, 2.5), TypeError, "kernel_size"),
        (lambda: Conv1d(1, 1, padding=-1), ValueError, "padding"),
        (lambda: Conv1d(1, 1, stride=0), ValueError, "stride"),
        (lambda: Conv1d(2, 1).forward(np.zeros((1, 1, 5))), ValueError, "channel"),
        (lambda: Conv1d(1, 1).forward(np.zeros((1, 5))), ValueError, "x"),
        (lambda: Conv1d(1, 1, 5).forward(np.zeros((1, 1, 3))), ValueError, "kernel_size 5"),
        (lambda: Conv1d(1, 1).forward(np.full((1, 1, 5), np.nan)), ValueError, "NaN"),
    ],
)
def test_bad_arguments_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
