"""No docstring or comment of the package states how long something took on one machine.

A measured time ("12 s on the 2-core CPU", "about 0.8 ms per string") is true of one
machine, one load and one version of TensorFlow, and nothing re-measures it when they
change. Such numbers belong in a benchmark's printed output (``benchmarks/``), where a
run measures them again; a docstring says why something is fast or slow, in relative terms
("traced once, not twice"), and names the benchmark that measures it.
"""

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "inception_edu"

#: A number and a unit of time: "12 s", "0.8 ms", "14-30 s", "3 minutes", "1.5s".
MEASURED_TIME = re.compile(
    r"(?<![\w.])\d+(?:\.\d+)?(?:\s?(?:-|to)\s?\d+(?:\.\d+)?)?\s?"
    r"(?:ms|µs|us|s|secs?|seconds?|minutes?|mins?|hours?)\b"
)

#: Phrases that look like a time and are not one, with why.
NOT_TIMES = {
    "Table 1s": "the plural of the papers' Table 1",
}

#: Files allowed to state machine timings for now, each with what it states: only while
#: its numbers move to ``benchmarks/`` (issue 20 moved the last ones, from the notebook 09
#: and 08 experiments, to ``benchmarks/training_speed.py``). Keep it empty.
STILL_TO_MOVE: dict[str, str] = {}


def prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and every docstring (any string statement: module,
    class, function and attribute docstrings) of ``source``."""
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Expr)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            found.append((node.lineno, node.value.value))
    return sorted(found)


def measured_times(source: str) -> list[tuple[int, str]]:
    """(line, the time and its context) of each measured time in ``source``'s prose."""
    hits = []
    for line, text in prose(source):
        text = " ".join(text.split())
        for phrase in NOT_TIMES:
            text = text.replace(phrase, " " * len(phrase))
        for match in MEASURED_TIME.finditer(text):
            context = text[max(0, match.start() - 50) : match.end() + 20].strip()
            hits.append((line, f"{match.group()!r} in ...{context}..."))
    return hits


def _package_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _package_files(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_measured_time_in_docstrings_or_comments(path):
    relative = path.relative_to(REPO).as_posix()
    if relative in STILL_TO_MOVE:
        pytest.skip("still being moved (STILL_TO_MOVE)")
    hits = measured_times(path.read_text(encoding="utf-8"))
    assert not hits, (
        f"{relative} states measured times; move them to a benchmark's output "
        "(benchmarks/) and say why in relative terms:\n"
        + "\n".join(f"  line {line}: {hit}" for line, hit in hits)
    )


def test_files_still_to_move_still_need_it():
    for relative in STILL_TO_MOVE:
        path = REPO / relative
        assert path.exists(), f"{relative} is gone: remove it from STILL_TO_MOVE"
        assert measured_times(path.read_text(encoding="utf-8")), (
            f"{relative} states no measured time any more: remove it from STILL_TO_MOVE"
        )


def test_the_check_finds_times_in_prose_and_nowhere_else():
    source = '''
"""Module: answers in 5-18 ms."""

LIMIT_S = 30  # a budget of 30 s
MESSAGE = "took 12 s"  # a printed string is not prose


def f():
    """Fast: one pass instead of three, 3x3s and V100s, Table 1s, 1.5s at most."""
    return "12 minutes"
'''
    found = [hit.split(" in ")[0] for _, hit in measured_times(source)]
    assert found == ["'5-18 ms'", "'30 s'", "'1.5s'"]
