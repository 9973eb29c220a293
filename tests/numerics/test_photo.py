"""photo(image=...): the learner's own picture, from an array or a file, and every bad input
refused with a message naming the argument."""

import matplotlib.image as mimage
import numpy as np
import pytest

import cnnlessons as cl
from cnnlessons.numerics.images import MIN_PHOTO_SIDE, photo


def test_none_is_grace_hopper():
    np.testing.assert_array_equal(photo(), cl.grace_hopper())
    np.testing.assert_array_equal(photo(step=2), cl.grace_hopper(step=2))


def test_grey_arrays_of_every_kind():
    u8 = np.arange(400, dtype=np.uint8).reshape(20, 20)
    np.testing.assert_allclose(photo(u8), u8 / 255)
    u16 = (np.arange(400).reshape(20, 20) * 100).astype(np.uint16)
    np.testing.assert_allclose(photo(u16), u16 / 65535)
    unit = np.linspace(0, 1, 400).reshape(20, 20)
    np.testing.assert_array_equal(photo(unit), unit)  # already in [0, 1]: kept
    wide = unit * 200 - 50  # outside [0, 1]: rescaled to it
    np.testing.assert_allclose(photo(wide), unit, atol=1e-12)
    np.testing.assert_array_equal(photo(unit > 0.5), (unit > 0.5).astype(float))
    assert photo(unit.tolist()).shape == (20, 20)


def test_rgb_and_rgba_become_luma():
    rng = np.random.default_rng(0)
    rgb = rng.random((40, 48, 3))
    want = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    np.testing.assert_allclose(photo(rgb), want, atol=1e-12)
    rgba = np.concatenate([rgb, rng.random((40, 48, 1))], axis=2)
    np.testing.assert_allclose(photo(rgba), want, atol=1e-12)  # alpha dropped
    np.testing.assert_allclose(photo(rgb, step=2), want[::2, ::2], atol=1e-12)


def test_a_file_path_png_and_jpeg(tmp_path):
    rng = np.random.default_rng(1)
    rgb = rng.random((32, 40, 3))
    png = tmp_path / "mine.png"
    mimage.imsave(png, rgb)
    read = mimage.imread(png)[..., :3]  # what matplotlib wrote (8 bits per channel)
    want = read @ np.array([0.299, 0.587, 0.114])
    np.testing.assert_allclose(photo(str(png)), want, atol=1e-6)
    np.testing.assert_allclose(photo(png), want, atol=1e-6)  # a pathlib.Path too
    jpg = tmp_path / "mine.jpg"
    mimage.imsave(jpg, rgb)
    assert photo(jpg).shape == (32, 40)


@pytest.mark.parametrize(
    "bad, exc, match",
    [
        (3, TypeError, "numpy array or an image file's path"),
        (b"bytes", TypeError, "bytes"),
        ({"a": 1}, TypeError, "image must be"),
        (np.array([["a"] * 20] * 20), TypeError, "real numbers"),
        (np.zeros((20, 20), dtype=complex), TypeError, "real numbers"),
        (np.zeros(400), ValueError, "2-D"),
        (np.zeros((20, 20, 2)), ValueError, r"\(H, W, 3\)"),
        (np.zeros((4, 40)), ValueError, f"at least {MIN_PHOTO_SIDE}"),
        (np.full((20, 20), np.nan), ValueError, "NaN"),
        ("/no/such/picture.png", ValueError, "no file"),
    ],
)
def test_bad_images_are_refused_by_name(bad, exc, match):
    with pytest.raises(exc, match=match):
        photo(bad)


def test_a_file_that_is_not_an_image(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("not a picture")
    with pytest.raises(ValueError, match="could not read"):
        photo(path)


def test_too_large_is_refused_before_converting_and_step_is_the_way_out():
    big = np.zeros((3000, 3000), dtype=np.uint8)  # 9 million pixels > MAX_ELEMENTS
    with pytest.raises(ValueError, match="step=2"):
        photo(big)
    assert photo(big, step=2).shape == (1500, 1500)
    with pytest.raises(ValueError, match="step"):
        photo(big, step=0)
    with pytest.raises(ValueError, match="after step=64"):
        photo(np.zeros((600, 600)), step=64)
