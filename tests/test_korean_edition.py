"""The Korean edition in step with the English one (issue 24): every Korean notebook
translates the English notebook's current markdown, runs the same code, and has its text
twin and slide metadata; and the check names what is out of step (tests of the test on
small notebooks: a changed English cell, a cell not translated, changed code)."""

import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import korean_edition as edition  # noqa: E402
import slide_rules  # noqa: E402

KOREAN = sorted((ROOT / "notebooks" / "ko").glob("[0-9][0-9]_*.ipynb"))


def test_the_korean_edition_is_in_step_with_the_english(capsys):
    assert KOREAN, "no Korean notebook in notebooks/ko"
    assert edition.main(["check"]) == 0, capsys.readouterr().out


@pytest.mark.parametrize("path", KOREAN, ids=[p.stem for p in KOREAN])
def test_a_korean_notebook_switches_the_language_and_has_its_twin(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    switches = [c for c in nb.cells if "language" in c.metadata.get("tags", [])]
    assert len(switches) == 1 and 'i18n.set_language("ko")' in switches[0].source
    assert slide_rules.differences(nb) == [], "run: python scripts/slide_rules.py " + str(path)
    twin = path.parent / "text" / f"{path.stem}.md"
    fresh = tmp_path / twin.name
    command = [sys.executable, "-m", "jupytext", "--quiet", "--to", "md:myst", "-o", str(fresh)]
    subprocess.run([*command, str(path)], check=True, cwd=path.parent)
    assert twin.read_text(encoding="utf-8") == fresh.read_text(encoding="utf-8"), (
        f"{twin} differs from its notebook: run jupytext --to 'text//md:myst' {path}"
    )


def _english():
    return new_notebook(
        cells=[
            new_markdown_cell("# Title"),
            new_code_cell('# inception-edu: Colab setup\nif "google.colab" in x: pass'),
            new_markdown_cell("Some prose."),
            new_code_cell("print(1)"),
        ]
    )


def _korean(english):
    return edition.build(english, translations={"# Title": "# 제목", "Some prose.": "본문."})


def test_build_translates_keeps_the_code_and_adds_the_language_switch():
    korean = _korean(_english())
    assert [c.source for c in korean.cells][:3] == ["# 제목", _english().cells[1].source,
                                                    edition.LANGUAGE_CELL]  # fmt: skip
    assert korean.cells[3].metadata["translates"] == edition.digest("Some prose.")
    assert edition.problems(_english(), korean, "ko/00_x.ipynb") == []


def test_the_check_names_a_changed_english_cell_and_accept_records_the_update():
    english, korean = _english(), _korean(_english())
    english.cells[2].source = "Some prose, changed."
    found = edition.problems(english, korean, "ko/00_x.ipynb")
    assert found == [
        "ko/00_x.ipynb cell 3: the English cell changed after its translation ('Some prose, "
        "changed.'); update the Korean, then: python scripts/korean_edition.py accept 00 3"
    ]
    rebuilt = edition.build(english, korean)  # keeps the old Korean, still marked stale
    assert rebuilt.cells[3].source == "본문." and edition.problems(english, rebuilt, "k") != []


def test_the_check_names_an_untranslated_cell_changed_code_and_a_misaligned_notebook():
    english = _english()
    english.cells.append(new_markdown_cell("New prose."))
    korean = edition.build(english, translations={"# Title": "# 제목", "Some prose.": "본문."})
    korean.cells[4].source = "print(2)"
    assert edition.problems(english, korean, "k") == [
        "k cell 4: its code differs from the English cell's",
        "k cell 5: not translated yet ('New prose.')",
    ]
    english.cells.append(new_code_cell("print(3)"))
    assert "no longer line up" in edition.problems(english, korean, "k")[0]


def test_bad_input_is_said_with_exit_2(capsys):
    assert edition.main(["build", "99"]) == 2
    assert "no English notebook '99'; allowed: 00" in capsys.readouterr().err


@pytest.mark.parametrize("path", KOREAN, ids=[p.stem for p in KOREAN])
def test_a_korean_notebooks_badges_open_the_korean_notebook(path):
    title = nbformat.read(path, as_version=4).cells[0].source
    own = f"notebooks/ko/{path.name}"
    assert title.count(own) == 2, f"{path.name}: its Colab and Binder badges must open {own}"
    assert f"notebooks/{path.name}" not in title


HANGUL = re.compile(r"[\uac00-\ud7a3]")
MISSING_GLYPH = re.compile(r"Glyph \d+ .*missing from font|missing from font\(s\)")


def _outputs(path):
    for index, cell in enumerate(nbformat.read(path, as_version=4).cells):
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            yield index, output


def test_the_korean_notebooks_print_and_draw_in_korean():
    """What the package prints and draws in the stored Korean notebooks is Korean: each
    notebook prints Hangul from its code (the package's sentences: the notebooks' code is
    the English edition's), figures carry Korean titles in their alt text, and no output
    holds matplotlib's missing-glyph warning (Hangul drawn, not boxes)."""
    figures_in_korean = 0
    for path in KOREAN:
        printed = False
        for index, output in _outputs(path):
            text = str(output.get("text", "")) + str(output.get("data", {}).get("text/html", ""))
            assert not MISSING_GLYPH.search(text + str(output.get("data", {}))), (
                f"{path.name} cell {index}: a missing-glyph warning"
            )
            printed = printed or bool(HANGUL.search(text))
            for meta in output.get("metadata", {}).values():
                figures_in_korean += isinstance(meta, dict) and bool(
                    HANGUL.search(str(meta.get("alt", "")))
                )
        assert printed, f"{path.name}: no output in Korean"
    assert figures_in_korean >= 20, f"only {figures_in_korean} figures with Korean titles"
