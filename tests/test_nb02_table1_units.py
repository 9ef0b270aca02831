"""Notebook 02: GoogLeNet's Table 1 prints its "params" column as kernel weights in units
of 1,024, not of 1,000 (the reading the notebook checks on three rows whose counts are
certain: inception(3a), inception(3b) and the 1024-to-1000 classifier)."""

from inception_edu.analysis import analyze
from inception_edu.zoo import googlenet


def test_table_1_params_are_kernel_weights_in_units_of_1024():
    rows = {
        "3a": analyze(googlenet.module("3a"), googlenet.INPUT_3A).kernel_params,
        "3b": analyze(googlenet.module("3b"), (28, 28, 256)).kernel_params,
        "linear": 1024 * 1000,
    }
    assert rows == {"3a": 163_328, "3b": 388_096, "linear": 1_024_000}
    printed = {row: googlenet.PRINTED[row][0] for row in rows}
    assert printed == {"3a": 159, "3b": 380, "linear": 1000}
    assert all(abs(rows[r] / 1024 - printed[r]) <= 1 for r in rows)
    assert all(abs(rows[r] / 1000 - printed[r]) >= 4 for r in rows)
