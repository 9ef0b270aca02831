"""Shared helpers: keep TensorFlow quiet, build each full-size model once per session,
and compare the analytic engine with Keras."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import pytest  # noqa: E402


def assert_same_summary(analytic, built) -> None:
    """Block by block, the analytic numbers equal those read off the built Keras layers."""
    assert [b.name for b in analytic.blocks] == [b.name for b in built.blocks]
    for mine, theirs in zip(analytic.blocks, built.blocks, strict=True):
        assert mine.output_shape == theirs.output_shape, mine.name
        assert mine.params == theirs.params, mine.name
        assert mine.kernel_params == theirs.kernel_params, mine.name
        assert mine.macs == theirs.macs, mine.name
    assert analytic.total_params == built.total_params
    assert analytic.classes == built.classes


@pytest.fixture
def same_summary():
    return assert_same_summary


@pytest.fixture(scope="session")
def full_model():
    """``full_model(name)``: the full-size model ``name`` (1000 classes, the paper's input),
    built once per test session whoever asks for it. Read it; don't train or edit it."""
    from inception_edu import models

    built: dict = {}

    def get(name: str):
        if name not in built:
            built[name] = models.BUILDERS[name]()
        return built[name]

    return get


@pytest.fixture(scope="session")
def keras_application():
    """``keras_application(name)``: ``keras.applications.<name>(weights=None)``, built once."""
    import keras

    built: dict = {}

    def get(name: str):
        if name not in built:
            built[name] = getattr(keras.applications, name)(weights=None)
        return built[name]

    return get
