"""C39: the source articles' snippets, run as written and after each fix."""

import pytest

from inception_edu.course import snippets


def _errors(snippet):
    return [run.error.split(":")[0] if run.error else None
            for run in snippets.diagnose(snippet)]


@pytest.mark.parametrize("snippet, expected", [
    (snippets.SEQUENTIAL_VS_FUNCTIONAL, ["NameError", "ValueError", None, None]),
    (snippets.NAIVE_BLOCK_004, ["ModuleNotFoundError", "NameError", "ValueError", None]),
    (snippets.GOOGLENET_BLOCK_002, [None, None]),
    (snippets.DIM_REDUCE_BLOCK_004, ["NameError", "NameError", "ValueError", None, None]),
])
def test_every_error_is_found_by_running_and_all_fixes_make_it_work(snippet, expected):
    assert _errors(snippet) == expected
    assert not snippets.diagnose(snippet)[-1].warnings


def test_the_5x5_branch_built_with_3x3_has_the_wrong_parameter_count():
    as_written, fixed = snippets.diagnose(snippets.GOOGLENET_BLOCK_002)
    from inception_edu.analysis import analyze
    from inception_edu.zoo.googlenet import inception_module

    paper = analyze(inception_module("inception_3a", 64, 96, 128, 16, 32, 32), (28, 28, 192))
    assert fixed.namespace["model"].count_params() == paper.params
    assert as_written.namespace["model"].count_params() == paper.params - 16 * 32 * (25 - 9)


def test_a_fix_that_no_longer_applies_is_refused():
    broken = snippets.Snippet("x", "test", "a = 1", (snippets.Fix("b = 2", "b = 3", "none"),))
    with pytest.raises(ValueError, match="does not apply"):
        snippets.diagnose(broken)
