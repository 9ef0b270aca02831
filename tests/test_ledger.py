"""The claims ledger is covered: every claim has a test, and every notebook that exists
computes its claims in id-tagged cells with a verdict nearby."""

import json
import re
from pathlib import Path

import pytest

from inception_edu.course.claims import CLAIMS, VERDICTS, claims_of

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = {path.name[:2]: path for path in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")}
TESTS = "\n".join(
    path.read_text(encoding="utf-8")
    for path in (ROOT / "tests").glob("test_*.py")
    if path.name != "test_ledger.py"
)


def test_the_ledger_has_the_39_claims_of_course_md():
    assert list(CLAIMS) == [f"C{i:02d}" for i in range(1, 40)]


@pytest.mark.parametrize("claim", list(CLAIMS))
def test_every_claim_is_asserted_by_a_test(claim):
    notebooks = CLAIMS[claim].notebooks
    if not any(n in NOTEBOOKS for n in notebooks):
        pytest.skip(f"{claim}: notebook {'/'.join(notebooks)} is not written yet")
    assert re.search(rf"def test_{claim.lower()}_", TESTS), f"no test_{claim.lower()}_..."


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("notebook", sorted(NOTEBOOKS))
def test_each_claim_of_a_notebook_has_a_tagged_cell_and_a_verdict(notebook):
    cells = _cells(NOTEBOOKS[notebook])
    text = ["".join(cell["source"]) for cell in cells]
    for claim in claims_of(notebook):
        tagged = [
            i
            for i, (cell, source) in enumerate(zip(cells, text, strict=True))
            if cell["cell_type"] == "code" and re.search(rf"^# {claim.id}\b", source, re.M)
        ]
        assert tagged, f"{notebook}: no code cell starts a line with '# {claim.id}'"
        window = " ".join(text[max(0, tagged[0] - 3) : tagged[-1] + 3]).lower()
        assert any(v in window for v in VERDICTS), f"{notebook}: no verdict near {claim.id}"
