"""Shared helpers: keep TensorFlow quiet and compare the analytic engine with Keras."""

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


@pytest.fixture
def same_summary():
    return assert_same_summary
