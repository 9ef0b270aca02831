"""The offline data sets: shapes, stratified and seeded splits, upsampling, bad input."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from inception_edu import data


def _check_split(split, shape, classes):
    for x, y in ((split.x_train, split.y_train), (split.x_val, split.y_val)):
        assert x.dtype == np.float32 and x.shape[1:] == shape
        assert x.min() >= 0.0 and x.max() <= 1.0
        assert np.issubdtype(y.dtype, np.integer) and len(y) == len(x)
        assert set(np.unique(y)) == set(range(classes))
    assert split.num_classes == classes == len(split.class_names)
    assert split.input_shape == shape


def _assert_stratified(split):
    """Each class's share of the validation set is its share of the whole set (+-1 image)."""
    y_all = np.concatenate([split.y_train, split.y_val])
    fraction = len(split.y_val) / len(y_all)
    expected = np.bincount(y_all) * fraction
    assert np.all(np.abs(np.bincount(split.y_val) - expected) <= 1.0)


def test_digits_split_is_shaped_scaled_and_stratified():
    split = data.load_digits_split()
    _check_split(split, (8, 8, 1), 10)
    assert len(split.y_train) + len(split.y_val) == 1797
    assert len(split.y_val) == 360  # ceil(0.2 * 1797)
    assert split.class_names == tuple(str(i) for i in range(10))
    assert split.x_train.max() == 1.0  # 16/16: scaled from 0..16
    _assert_stratified(split)


def test_digits_split_upsamples_to_image_size():
    small, big = data.load_digits_split(), data.load_digits_split(image_size=32)
    _check_split(big, (32, 32, 1), 10)
    np.testing.assert_array_equal(small.y_val, big.y_val)  # same images, same order
    # the upsampled image's mean over each 4x4 block follows the 8x8 original
    blocks = big.x_val[:20, :, :, 0].reshape(20, 8, 4, 8, 4).mean(axis=(2, 4))
    assert np.corrcoef(blocks.ravel(), small.x_val[:20, :, :, 0].ravel())[0, 1] > 0.95


def test_digits_split_is_deterministic_for_a_seed():
    a, b = data.load_digits_split(seed=3), data.load_digits_split(seed=3)
    c = data.load_digits_split(seed=4)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_val, b.y_val)
    assert not np.array_equal(a.y_val, c.y_val)


def test_upsample_is_bilinear():
    constant = np.full((2, 8, 8, 1), 0.25, np.float32)
    np.testing.assert_allclose(data.upsample(constant, 32), 0.25, rtol=1e-6)
    ramp = np.tile(np.arange(8, dtype=np.float32), (8, 1))[None, :, :, None]
    np.testing.assert_allclose(data.upsample(ramp, 8), ramp, atol=1e-6)  # same size: identity
    up = data.upsample(ramp, 16)[0, 0, :, 0]
    assert up.shape == (16,) and np.all(np.diff(up) >= 0)  # a ramp stays a ramp
    np.testing.assert_allclose(up[1:15:2] + up[2:16:2], 2 * np.arange(1, 8) - 1, atol=1e-5)


def test_multiscale_patterns_shapes_and_stratification():
    split = data.multiscale_patterns(samples_per_class=50, image_size=32, seed=0)
    _check_split(split, (32, 32, 1), len(data.PATTERN_CLASSES))
    assert len(split.y_train) + len(split.y_val) == 50 * 4
    assert np.all(np.bincount(split.y_val) == 10)
    _assert_stratified(split)
    assert data.multiscale_patterns(20, image_size=48).input_shape == (48, 48, 1)


def test_multiscale_patterns_is_deterministic_for_a_seed():
    a, b = data.multiscale_patterns(20, seed=1), data.multiscale_patterns(20, seed=1)
    c = data.multiscale_patterns(20, seed=2)
    np.testing.assert_array_equal(a.x_train, b.x_train)
    assert not np.allclose(a.x_train, c.x_train)


@pytest.mark.parametrize("statistic", [np.mean, np.std])
def test_multiscale_patterns_mean_and_spread_say_nothing_about_the_class(statistic):
    split = data.multiscale_patterns(samples_per_class=200, seed=0)

    def feature(x):
        return statistic(x, axis=(1, 2, 3))[:, None]

    clf = LogisticRegression().fit(feature(split.x_train), split.y_train)
    accuracy = clf.score(feature(split.x_val), split.y_val)
    assert accuracy < 0.25 + 0.1  # chance is 0.25 for four classes


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: data.load_digits_split(image_size=4), "image_size"),
        (lambda: data.load_digits_split(image_size="32"), "image_size"),
        (lambda: data.load_digits_split(image_size=32.0), "image_size"),
        (lambda: data.load_digits_split(val_fraction=0), "val_fraction"),
        (lambda: data.load_digits_split(val_fraction=1.0), "val_fraction"),
        (lambda: data.load_digits_split(val_fraction=float("nan")), "val_fraction"),
        (lambda: data.load_digits_split(val_fraction=0.001), "val_fraction"),
        (lambda: data.load_digits_split(seed=-1), "seed"),
        (lambda: data.load_digits_split(seed=True), "seed"),
        (lambda: data.multiscale_patterns(samples_per_class=2), "samples_per_class"),
        (lambda: data.multiscale_patterns(image_size=8), "image_size"),
        (lambda: data.multiscale_patterns(val_fraction=-0.2), "val_fraction"),
        (lambda: data.multiscale_patterns(seed=1.5), "seed"),
    ],
)
def test_bad_arguments_raise_value_errors_naming_them(call, message):
    with pytest.raises(ValueError, match=f"{message}.*Received|Received.*{message}"):
        call()


def test_stratified_split_names_bad_images_and_labels():
    from inception_edu.data import stratified_split

    x = np.zeros((10, 4, 4, 3), np.float32)
    labels = np.arange(10) % 2
    for y, message in [
        (
            labels[:9],
            r"one label per image. Received: x of shape \(10, 4, 4, 3\), y of shape \(9,\)",
        ),
        (labels.astype(float), r"integer labels \(N,\) in \[0, 1\].*dtype float64"),
        (labels + 1, r"in \[0, 1\] \(one per class name\).*values 1..2"),
    ]:
        with pytest.raises(ValueError, match=message):
            stratified_split(x, y, ("a", "b"), 0.2, 0)
    with pytest.raises(ValueError, match=r"non-empty.*x of shape \(0, 4, 4, 3\)"):
        stratified_split(x[:0], labels[:0], ("a", "b"), 0.2, 0)
    with pytest.raises(ValueError, match=r"val_fraction must be a number in \(0, 1\).*=True"):
        stratified_split(x, labels, ("a", "b"), True, 0)
