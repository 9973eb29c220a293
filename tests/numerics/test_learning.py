"""The trainable network: every forward against an independent oracle (cnnlessons' conv2d and
pooling, SciPy), every backward against finite differences on random shapes (hypothesis),
the optimisers against their update rules worked by hand, bad input refused by name."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

import cnnlessons as cl
from cnnlessons.numerics import layers as L
from cnnlessons.numerics import tasks
from cnnlessons.numerics import training as T


# -- helpers ----------------------------------------------------------------------------------
def numeric_grad(f, a, eps=1e-6):
    """Central finite differences of the scalar f() with respect to every entry of a (in place)."""
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


def check_layer(layer, x, rng, tol=1e-6):
    """Backward of ``layer`` at ``x`` against finite differences of sum(forward(x) * r)."""
    r = rng.normal(size=layer.forward(x).shape)

    def f():
        return float((layer.forward(x) * r).sum())

    layer.forward(x)
    dx = layer.backward(r)
    grads = {k: v.copy() for k, v in layer.grads.items()}
    np.testing.assert_allclose(dx, numeric_grad(f, x), atol=tol, rtol=1e-5)
    for name, p in layer.params.items():
        np.testing.assert_allclose(grads[name], numeric_grad(f, p), atol=tol, rtol=1e-5)


# -- forward passes against oracles -------------------------------------------------------------
@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(1, 2), c=st.integers(1, 3), f=st.integers(1, 3), h=st.integers(3, 8),
    w=st.integers(3, 8), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
    mode=st.sampled_from(["zeros", "circular", "reflect"]), seed=st.integers(0, 999),
)  # fmt: skip
def test_conv2d_layer_equals_cnnlessons_conv2d_image_by_image(n, c, f, h, w, k, s, p, mode, seed):
    if mode == "reflect" and p >= min(h, w):
        p = min(h, w) - 1
    rng = np.random.default_rng(seed)
    layer = L.Conv2d(c, f, k, stride=s, padding=p, padding_mode=mode, rng=seed)
    layer.params["b"] = rng.normal(size=f)
    x = rng.normal(size=(n, c, h, w))
    out = layer.forward(x)
    for i in range(n):
        ref = cl.conv2d(x[i], layer.params["w"], bias=layer.params["b"], stride=s, padding=p,
                        padding_mode=mode)  # fmt: skip
        np.testing.assert_allclose(out[i], ref, atol=1e-12)


def test_conv2d_layer_equals_scipy_correlate():
    rng = np.random.default_rng(3)
    layer = L.Conv2d(1, 1, 3, padding="same", padding_mode="reflect", rng=1)
    x = rng.normal(size=(1, 1, 9, 7))
    # scipy's "mirror" is PyTorch's "reflect" (about the edge pixel, not repeating it)
    ref = ndimage.correlate(x[0, 0], layer.params["w"][0, 0], mode="mirror")
    np.testing.assert_allclose(layer.forward(x)[0, 0], ref, atol=1e-12)


@pytest.mark.parametrize(("k", "s", "p"), [(2, 2, 0), (3, 2, 1), (2, 1, 0), (3, 3, 1)])
def test_pooling_layers_equal_cnnlessons_pooling(k, s, p):
    x = np.random.default_rng(k + s).normal(size=(2, 3, 9, 8))
    mx, av = L.MaxPool2d(k, s, p).forward(x), L.AvgPool2d(k, s, p).forward(x)
    for i in range(2):
        np.testing.assert_array_equal(mx[i], cl.max_pool2d(x[i], k, s, p))
        np.testing.assert_allclose(av[i], cl.avg_pool2d(x[i], k, s, p), atol=1e-12)


@pytest.mark.parametrize(("stride", "size"), [(2, 4), (2, 3), (3, 5), (1, 2)])
def test_blur_pool_layer_equals_cnnlessons_blur_pool(stride, size):
    x = np.random.default_rng(stride).normal(size=(2, 2, 9, 10))
    out = L.BlurPool2d(stride, size).forward(x)
    for i in range(2):
        np.testing.assert_allclose(out[i], cl.blur_pool2d(x[i], stride, size), atol=1e-12)


def test_global_pools_and_relu_by_hand():
    x = np.array([[[[1.0, -2.0], [3.0, 0.5]]]])
    assert L.GlobalMaxPool().forward(x).tolist() == [[3.0]]
    assert L.GlobalAvgPool().forward(x).tolist() == [[0.625]]
    np.testing.assert_array_equal(L.ReLU().forward(x), [[[[1.0, 0.0], [3.0, 0.5]]]])


# -- every backward against finite differences, on random shapes ------------------------------
@settings(max_examples=30, deadline=None)
@given(
    n=st.integers(1, 2), c=st.integers(1, 2), f=st.integers(1, 3), h=st.integers(3, 7),
    w=st.integers(3, 7), k=st.integers(1, 3), s=st.integers(1, 3), p=st.integers(0, 2),
    mode=st.sampled_from(["zeros", "circular", "reflect"]), seed=st.integers(0, 999),
)  # fmt: skip
def test_conv2d_backward_matches_finite_differences(n, c, f, h, w, k, s, p, mode, seed):
    if mode == "reflect" and p >= min(h, w):
        p = min(h, w) - 1
    rng = np.random.default_rng(seed)
    layer = L.Conv2d(c, f, k, stride=s, padding=p, padding_mode=mode, rng=seed)
    check_layer(layer, rng.normal(size=(n, c, h, w)), rng)


def test_conv2d_same_padding_backward():
    rng = np.random.default_rng(0)
    for k in (2, 3, 4):
        layer = L.Conv2d(2, 2, k, padding="same", padding_mode="circular", rng=k)
        check_layer(layer, rng.normal(size=(1, 2, 5, 6)), rng)


@settings(max_examples=30, deadline=None)
@given(
    kind=st.sampled_from(["max", "avg"]), n=st.integers(1, 2), c=st.integers(1, 2),
    h=st.integers(3, 8), w=st.integers(3, 8), k=st.integers(1, 3), s=st.integers(1, 3),
    p=st.integers(0, 1), seed=st.integers(0, 999),
)  # fmt: skip
def test_window_pool_backward_matches_finite_differences(kind, n, c, h, w, k, s, p, seed):
    if 2 * p > k:
        p = 0
    rng = np.random.default_rng(seed)
    # distinct values, far apart compared with the finite-difference step: no ties
    x = rng.permutation(n * c * h * w).reshape(n, c, h, w) * 0.01 - 1.0
    layer = L.MaxPool2d(k, s, p) if kind == "max" else L.AvgPool2d(k, s, p)
    check_layer(layer, x, rng)


@settings(max_examples=20, deadline=None)
@given(
    n=st.integers(1, 2), c=st.integers(1, 2), h=st.integers(4, 9), w=st.integers(4, 9),
    s=st.integers(1, 3), size=st.integers(1, 5), seed=st.integers(0, 999),
)  # fmt: skip
def test_blur_pool_backward_matches_finite_differences(n, c, h, w, s, size, seed):
    rng = np.random.default_rng(seed)
    check_layer(L.BlurPool2d(s, size), rng.normal(size=(n, c, h, w)), rng)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 3), c=st.integers(1, 3), h=st.integers(1, 5), w=st.integers(1, 5),
       seed=st.integers(0, 999))  # fmt: skip
def test_global_pools_relu_flatten_backward(n, c, h, w, seed):
    rng = np.random.default_rng(seed)
    x = rng.permutation(n * c * h * w).reshape(n, c, h, w) * 0.01 - 0.305  # no ties, none at 0
    for layer in (L.GlobalMaxPool(), L.GlobalAvgPool(), L.ReLU(), L.Flatten()):
        check_layer(layer, x.copy(), rng)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 4), d=st.integers(1, 6), k=st.integers(1, 5), seed=st.integers(0, 999))
def test_dense_backward_matches_finite_differences(n, d, k, seed):
    rng = np.random.default_rng(seed)
    check_layer(L.Dense(d, k, rng=seed), rng.normal(size=(n, d)), rng)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 5), k=st.integers(2, 5), seed=st.integers(0, 999))
def test_softmax_cross_entropy_gradient(n, k, seed):
    rng = np.random.default_rng(seed)
    z, y = rng.normal(size=(n, k)) * 3, rng.integers(0, k, size=n)
    loss, grad = T.softmax_cross_entropy(z, y)
    np.testing.assert_allclose(grad, numeric_grad(lambda: T.softmax_cross_entropy(z, y)[0], z),
                               atol=1e-7)  # fmt: skip
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)  # worked by hand, no max shift
    assert loss == pytest.approx(-np.log(p[np.arange(n), y]).mean(), rel=1e-12)


def test_softmax_survives_huge_scores():
    loss, grad = T.softmax_cross_entropy(np.array([[1000.0, 0.0]]), [0])
    assert loss == pytest.approx(0.0, abs=1e-12) and np.isfinite(grad).all()
    np.testing.assert_allclose(T.softmax([[1000.0, 1000.0]]), [[0.5, 0.5]])


@pytest.mark.parametrize("stride", [1, 2])
def test_a_whole_network_backward_matches_finite_differences(stride):
    """What lessons 07-08 train: conv (stride) -> ReLU -> max pool or blur pool -> dense."""
    rng = np.random.default_rng(stride)
    x = rng.normal(size=(3, 1, 10, 10))
    y = np.array([0, 1, 2])
    for pool in (L.MaxPool2d(2), L.BlurPool2d(2)):
        conv = L.Conv2d(1, 2, 3, stride=stride, padding=1, padding_mode="circular", rng=0)
        d = pool.forward(conv.forward(np.zeros((1, 1, 10, 10)))).size
        net = T.Network([conv, L.ReLU(), pool, L.Flatten(), L.Dense(d, 3, rng=1)], (1, 10, 10), 3)
        conv.input_grad = True  # not needed for training, checked here too
        loss, g = T.softmax_cross_entropy(net.forward(x), y)
        net.backward(g)
        for layer in net.layers:
            for name, p in layer.params.items():
                got = layer.grads[name].copy()
                num = numeric_grad(lambda n=net: T.softmax_cross_entropy(n.forward(x), y)[0], p)
                np.testing.assert_allclose(got, num, atol=1e-6)


# -- the backward of a convolution is a convolution --------------------------------------------
def test_input_gradient_is_a_full_convolution_with_the_kernel():
    rng = np.random.default_rng(4)
    layer = L.Conv2d(1, 1, 3, rng=2)
    x = rng.normal(size=(1, 1, 7, 6))
    g = rng.normal(size=layer.forward(x).shape)
    layer.input_grad = True
    dx = layer.backward(g)
    w = layer.params["w"][0, 0]
    np.testing.assert_allclose(dx[0, 0], cl.convolve2d(g[0, 0], w, padding="full"), atol=1e-12)
    # and the kernel's gradient is the input correlated with the output's gradient
    np.testing.assert_allclose(layer.grads["w"][0, 0], cl.conv2d(x[0, 0], g[0, 0]), atol=1e-12)


# -- optimisers, worked by hand -----------------------------------------------------------------
class _One(L.Layer):
    def __init__(self, value, grad):
        super().__init__()
        self.params["p"] = np.array([value])
        self.grads["p"] = np.array([grad])


def test_sgd_momentum_update_by_hand():
    layer, opt = _One(1.0, 2.0), T.SGD(lr=0.1, momentum=0.5)
    opt.step([layer])  # v = -0.2
    assert layer.params["p"][0] == pytest.approx(0.8)
    opt.step([layer])  # v = 0.5 * -0.2 - 0.2 = -0.3
    assert layer.params["p"][0] == pytest.approx(0.5)


def test_adam_first_steps_move_by_lr():
    layer, opt = _One(1.0, 5.0), T.Adam(lr=0.01)
    opt.step([layer])  # bias-corrected m / sqrt(v) = sign(g) on the first step
    assert layer.params["p"][0] == pytest.approx(0.99, abs=1e-9)
    layer.grads["p"] = np.array([-5.0])
    opt.step([layer])  # m = 0.9*0.5 - 0.5 = -0.05 ... worked out: step of +lr*0.0526...
    m = (0.1 * 5 * 0.9 + 0.1 * -5) / (1 - 0.9**2)
    v = (0.001 * 25 * 0.999 + 0.001 * 25) / (1 - 0.999**2)
    assert layer.params["p"][0] == pytest.approx(0.99 - 0.01 * m / (np.sqrt(v) + 1e-8))


# -- training: learns, deterministic, the shuffled-pixel identity -------------------------------
def test_training_is_deterministic_and_learns():
    x, y = tasks.pattern_task(60, noise=0.2, seed=1)
    runs = []
    for _ in range(2):
        net = T.conv_net(filters=4, seed=3)
        h = net.fit(x, y, steps=60, batch_size=16, optimizer=T.Adam(0.03), seed=5)
        runs.append((h["loss"], net.layers[0].params["w"].copy()))
    np.testing.assert_array_equal(runs[0][0], runs[1][0])
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    assert runs[0][0][-10:].mean() < 0.5 * runs[0][0][:5].mean()
    assert h["train_accuracy"] >= 0.9
    assert h["steps"] == 60 and h["examples_per_second"] > 0


def test_sgd_trains_a_dense_net_too():
    x, y = tasks.pattern_task(40, noise=0.1, seed=2)
    net = T.dense_net(hidden=16, seed=0)
    h = net.fit(x, y, steps=80, batch_size=40, optimizer=T.SGD(0.05, 0.9))
    assert h["loss"][-1] < 0.2 * h["loss"][0] and h["train_accuracy"] == 1.0


def test_dense_net_is_exactly_unchanged_by_a_fixed_pixel_permutation():
    x, y = tasks.pattern_task(120, noise=0.3, seed=4)
    xt, yt = tasks.pattern_task(300, noise=0.3, seed=5)
    perm = tasks.pixel_permutation(256, seed=9)
    net = T.dense_net(seed=1)
    twin = T.permute_dense_inputs(T.dense_net(seed=1), perm)
    np.testing.assert_array_equal(twin.layers[1].params["w"], net.layers[1].params["w"][perm])
    h1 = net.fit(x, y, steps=100, batch_size=32, seed=2)
    h2 = twin.fit(tasks.shuffle_pixels(x, perm), y, steps=100, batch_size=32, seed=2)
    # the same predictions, so the same accuracies, exactly
    pred1, pred2 = net.predict(xt), twin.predict(tasks.shuffle_pixels(xt, perm))
    np.testing.assert_array_equal(pred1, pred2)
    assert T.accuracy(net, xt, yt) == T.accuracy(twin, tasks.shuffle_pixels(xt, perm), yt)
    assert h1["train_accuracy"] == h2["train_accuracy"]
    # and the same numbers up to the order of floating-point additions (x @ W sums in
    # another order when the rows of W are permuted)
    np.testing.assert_allclose(h1["loss"], h2["loss"], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(twin.layers[1].params["w"], net.layers[1].params["w"][perm],
                               rtol=1e-10, atol=1e-12)  # fmt: skip
    for a, b in zip(net.layers[3:], twin.layers[3:], strict=True):
        np.testing.assert_allclose(a.params["w"], b.params["w"], rtol=1e-10, atol=1e-12)


def test_conv_net_is_blind_to_where_the_pattern_is():
    """Global max pooling: a pattern moved inside the image (away from the borders, so every
    window over it still fits) gives exactly the same scores."""
    net = T.conv_net(seed=0)
    x = np.zeros((1, 1, 16, 16))
    x[0, 0, 4:7, 4:7] = tasks.PATTERNS["plus"]
    moved = np.roll(x, (5, 3), axis=(2, 3))
    np.testing.assert_array_equal(net.logits(x), net.logits(moved))


def test_single_threaded_restores_the_thread_count():
    from threadpoolctl import threadpool_info

    def blas_threads():
        return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]

    np.ones((2, 2)) @ np.ones((2, 2))  # numpy's BLAS is loaded
    before = blas_threads()
    if not before:
        pytest.skip("threadpoolctl finds no BLAS under numpy here")
    with T.single_threaded():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: L.Conv2d(0, 1), ValueError, "in_channels must be an integer >= 1"),
        (lambda: L.Conv2d(1, 1, 3, stride=0), ValueError, "stride must be an integer >= 1"),
        (lambda: L.Conv2d(1, 1, 3, padding_mode="wrap"), ValueError, "padding_mode must be"),
        (lambda: L.Conv2d(1, 1, 3, stride=2, padding="same"), ValueError, "needs stride 1"),
        (lambda: L.Conv2d(1, 1, 3).forward(np.ones((1, 2, 5, 5))), ValueError, "1 channel"),
        (lambda: L.Conv2d(1, 1, 3).forward(np.ones((5, 5))), ValueError, "x must have 4"),
        (lambda: L.Conv2d(1, 1, 5).forward(np.ones((1, 1, 3, 3))), ValueError, "kernel_size"),
        (
            lambda: L.Conv2d(1, 1, 3, padding=3, padding_mode="reflect").forward(
                np.ones((1, 1, 3, 3))
            ),
            ValueError,
            "smaller than the input",
        ),  # fmt: skip
        (lambda: L.MaxPool2d(2, padding=2), ValueError, "padding must be at most half"),
        (lambda: L.MaxPool2d(4).forward(np.ones((1, 1, 3, 3))), ValueError, "kernel_size 4"),
        (lambda: L.BlurPool2d(2, 5).forward(np.ones((1, 1, 2, 2))), ValueError, "at least"),
        (lambda: L.Dense(3, 2).forward(np.ones((2, 4))), ValueError, r"shape \(N, 3\)"),
        (lambda: T.SGD(lr=0), ValueError, "lr must be a finite number > 0"),
        (lambda: T.SGD(lr=-1), ValueError, "lr must be"),
        (lambda: T.Adam(lr=float("nan")), ValueError, "lr must be"),
        (lambda: T.Adam(lr="big"), TypeError, "lr must be a real number"),
        (lambda: T.SGD(momentum=1.0), ValueError, r"momentum must be in \[0, 1\)"),
        (
            lambda: T.softmax_cross_entropy(np.ones((2, 3)), [0, 3]),
            ValueError,
            "labels from 0 to 2",
        ),
        (lambda: T.softmax_cross_entropy(np.ones((2, 3)), [0, -1]), ValueError, "y must hold"),
        (
            lambda: T.softmax_cross_entropy(np.ones((2, 3)), [0]),
            ValueError,
            r"y must have shape \(2,\)",
        ),
        (lambda: T.softmax_cross_entropy(np.ones((2, 3)), [0.5, 1]), TypeError, "integer class"),
        (lambda: T.softmax_cross_entropy([[np.nan, 1.0]], [0]), ValueError, "logits contains"),
        (lambda: T.conv_net(filters=0), ValueError, "filters must be an integer >= 1"),
        (lambda: T.dense_net(hidden=2.5), TypeError, "hidden must be an integer"),
        (lambda: T.Network([], (1, 4, 4), 2), TypeError, "layers must be a non-empty list"),
        (
            lambda: T.Network([L.Flatten(), L.Dense(16, 3)], (1, 4, 4), 2),
            ValueError,
            "not 2 class scores",
        ),  # fmt: skip
        (
            lambda: T.permute_dense_inputs(T.dense_net(), np.arange(255)),
            ValueError,
            "perm must be a permutation of 0..255",
        ),  # fmt: skip
    ],
)
def test_bad_arguments_are_refused_by_name(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


@pytest.fixture(scope="module")
def small():
    x, y = tasks.pattern_task(8, seed=0)
    return T.conv_net(seed=0), x, y


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"x": "nan"}, ValueError, "x contains 1 NaN"),
        ({"x": "shape"}, ValueError, r"x must have shape \(N, 1, 16, 16\)"),
        ({"y": [0] * 7}, ValueError, r"y must have shape \(8,\)"),
        ({"y": [0] * 7 + [2]}, ValueError, "labels from 0 to 1"),
        ({"steps": 0}, ValueError, "steps must be an integer >= 1"),
        ({"batch_size": 0}, ValueError, "batch_size must be an integer >= 1"),
        ({"optimizer": "adam"}, TypeError, "optimizer must be SGD"),
    ],
)
def test_fit_refuses_bad_data(small, kwargs, exc, match):
    net, x, y = small
    x = x.copy()
    bad_x = kwargs.pop("x", None)
    if bad_x == "nan":
        x[3, 0, 2, 2] = np.nan
    elif bad_x == "shape":
        x = x[:, :, :15]
    args = {"steps": 1, **kwargs}
    y = args.pop("y", y)
    with pytest.raises(exc, match=match):
        net.fit(x, y, **args)


def test_predict_refuses_infinite_values(small):
    net, x, _ = small
    x = x.copy()
    x[0, 0, 0, 0] = np.inf
    with pytest.raises(ValueError, match="x contains 1 NaN or infinite"):
        net.predict(x)
