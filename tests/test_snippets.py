"""C39: the source articles' snippets, quoted exactly, run as printed and after each fix."""

import inspect
from pathlib import Path

import pytest

from inception_edu.course import snippets

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def _errors(snippet):
    return [run.error.split(":")[0] if run.error else None for run in snippets.diagnose(snippet)]


@pytest.mark.parametrize(
    "snippet, expected",
    [
        (snippets.SEQUENTIAL_VS_FUNCTIONAL, ["NameError", "NameError", "ValueError", None, None]),
        (snippets.NAIVE_BLOCK_002, [None, None]),
        (snippets.GOOGLENET_BLOCK_002, [None, None, None]),
        (
            snippets.NAIVE_BLOCK_004,
            ["IndentationError", "ModuleNotFoundError", "NameError", "ValueError", None],
        ),
        (
            snippets.DIM_REDUCE_BLOCK_004,
            [
                "ModuleNotFoundError",
                "NameError",
                "NameError",
                "NameError",
                "ValueError",
                None,
                None,
            ],
        ),
    ],
)
def test_c39_every_error_is_found_by_running_and_all_fixes_make_it_work(snippet, expected):
    assert _errors(snippet) == expected
    assert not snippets.diagnose(snippet)[-1].warnings


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source articles are not at {SEEDS}")
@pytest.mark.parametrize("snippet", snippets.SNIPPETS, ids=lambda s: s.name)
def test_snippets_are_quoted_character_for_character(snippet):
    seed = next(SEEDS.glob(f"{snippet.source[:3]}_*.txt")).read_text(encoding="utf-8")
    assert snippet.code.rstrip("\n") in seed


def test_the_added_context_is_fix_zero_and_the_report_shows_every_step():
    text = snippets.report(snippets.SEQUENTIAL_VS_FUNCTIONAL)
    assert "as printed:" in text and "# 순차형 API" in text  # the comments, as printed
    assert "fix 0: the article never defines `input_shape`" in text
    assert "+ input_shape = (28, 28, 1)" in text and "- MaxPooling2D(pool_size(2,2))" in text
    assert text.rstrip().endswith("model = Model(inputs=inputs, outputs=predictions)")
    html = snippets.SEQUENTIAL_VS_FUNCTIONAL._repr_html_()
    assert html.count("<pre") == 1 + 4 + 1  # as printed, four steps, the fixed code


def test_the_naive_block_of_002_gives_416_channels():
    fixed = snippets.diagnose(snippets.NAIVE_BLOCK_002)[-1].namespace["model"]
    assert tuple(fixed.output.shape) == (None, 28, 28, 416)


def test_the_5x5_branch_built_with_3x3_has_the_wrong_parameter_count():
    _, as_printed, fixed = snippets.diagnose(snippets.GOOGLENET_BLOCK_002)
    from inception_edu.analysis import analyze
    from inception_edu.zoo.googlenet import module

    paper = analyze(module("3a"), (28, 28, 192))
    assert fixed.namespace["model"].count_params() == paper.params
    assert as_printed.namespace["model"].count_params() == paper.params - 16 * 32 * (25 - 9)


def test_a_fix_that_no_longer_applies_is_refused():
    broken = snippets.Snippet("x", "test", "a = 1", fixes=(snippets.Fix("none", "b = 2", "b"),))
    with pytest.raises(ValueError, match="Step 1 of 'x': This fix does not apply"):
        snippets.diagnose(broken)


@pytest.mark.skipif(not SEEDS.is_dir(), reason=f"the source articles are not at {SEEDS}")
@pytest.mark.parametrize("snippet", snippets.NETWORK_SNIPPETS, ids=lambda s: s.name)
def test_the_snippets_that_download_are_quoted_character_for_character(snippet):
    seed = next(SEEDS.glob(f"{snippet.source[:3]}_*.txt")).read_text(encoding="utf-8")
    assert snippet.code.rstrip("\n") in seed


@pytest.mark.parametrize("snippet", snippets.NETWORK_SNIPPETS, ids=lambda s: s.name)
def test_the_snippets_that_download_show_code_problems_and_a_fix_without_running(snippet):
    text = snippet.report()
    assert text.startswith(f"{snippet.name} (seed {snippet.source})") and "not run here" in text
    assert all(problem in text for problem in snippet.problems)
    assert text.rstrip().endswith(snippet.fixed.rstrip())
    assert snippet._repr_html_().count("<pre") == 2
    compile(snippet.fixed, snippet.name, "exec")  # the fixed version is valid Python


def test_the_keras_inception_v3_snippet_takes_vgg16s_arguments_and_builds_offline():
    import keras

    from inception_edu.analysis import analyze_model
    from inception_edu.zoo import model_spec

    code = snippets.KERAS_INCEPTION_V3_002.code
    arguments = ["include_top", "weights", "input_tensor", "input_shape", "pooling", "classes"]
    assert all(f"{name}=" in code for name in arguments)
    for application in (keras.applications.InceptionV3, keras.applications.VGG16):
        assert list(inspect.signature(application).parameters)[:6] == arguments
    assert analyze_model(model_spec("inception_v3")).total_params == 23_851_784
