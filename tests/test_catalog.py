"""The message catalog of the Korean edition (issue 24): the language switch, and the check
that every marked sentence is in the template and has its Korean (tests of the test on
copies with a sentence missing)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from inception_edu import i18n
from inception_edu.exercises.checker import Feedback
from inception_edu.exercises.nb02 import REDUCTION_4A

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import catalog  # noqa: E402


@pytest.fixture
def korean():
    i18n.set_language("ko")
    yield
    i18n.set_language("en")


def test_the_repositorys_catalog_is_current_and_complete(capsys):
    assert catalog.main(["check"]) == 0, capsys.readouterr().out


def test_english_is_the_default_and_korean_is_one_call_away(korean):
    REDUCTION_4A.reset()
    assert REDUCTION_4A.check(None).message.startswith("아직 풀지 않았습니다: ")
    assert "풀이: " in (REDUCTION_4A.check(1.0), REDUCTION_4A.check(1.0))[1].message
    assert ">오답</b>" in Feedback("wrong", "x")._repr_html_()
    assert i18n._("a sentence the catalog lacks") == "a sentence the catalog lacks"
    i18n.set_language("en")
    assert REDUCTION_4A.check(None).message.startswith("Not attempted yet: ")
    REDUCTION_4A.reset()


def test_a_bad_language_is_a_clear_error():
    with pytest.raises(ValueError, match="language must be one of 'en', 'ko'. Received: 'fr'"):
        i18n.set_language("fr")
    assert i18n.language() == "en"


def test_the_environment_variable_chooses_the_language_at_import():
    env = {**os.environ, "INCEPTION_EDU_LANG": "ko"}
    code = "from inception_edu import i18n; print(i18n.language(), i18n._('correct'))"
    shown = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert shown.stdout.split() == ["ko", "정답"], shown.stderr


def _copy(tmp_path: Path) -> tuple:
    """The package's marked sentences in a small source tree, and copies of the catalogs."""
    source = tmp_path / "source"
    source.mkdir()
    (source / "a.py").write_text('from x import _\nprint(_("correct"), _("wrong"))\n')
    template, korean_po = tmp_path / "t.pot", tmp_path / "ko.po"
    catalog.extract(source, template, {"ko": korean_po})
    text = korean_po.read_text(encoding="utf-8")
    text = text.replace('msgid "correct"\nmsgstr ""', 'msgid "correct"\nmsgstr "정답"')
    korean_po.write_text(text.replace('msgid "wrong"\nmsgstr ""', 'msgid "wrong"\nmsgstr "오답"'))
    return source, template, {"ko": korean_po}


def test_the_check_names_a_sentence_without_korean(tmp_path):
    source, template, translated = _copy(tmp_path)
    assert catalog.problems(source, template, translated) == []
    text = translated["ko"].read_text(encoding="utf-8")
    translated["ko"].write_text(text.replace('msgstr "오답"', 'msgstr ""'), encoding="utf-8")
    assert catalog.problems(source, template, translated) == ["ko: no entry for 'wrong'"]


def test_the_check_names_korean_that_fills_in_other_numbers(tmp_path):
    source, template, translated = _copy(tmp_path)
    (source / "a.py").write_text('from x import _\nprint(_("{n:,} correct"), _("wrong"))\n')
    catalog.extract(source, template, translated)
    korean = catalog._read(translated["ko"], "ko")
    korean["{n:,} correct"].string = "{m}개 정답"  # a translator's slip: another name
    korean["{n:,} correct"].flags.discard("fuzzy")
    catalog._write(korean, translated["ko"])
    assert catalog.problems(source, template, translated) == [
        "ko: placeholders ['m'] where the English has ['n']: '{n:,} correct'"
    ]


def test_the_check_names_a_sentence_the_template_lacks_and_a_changed_one_is_fuzzy(tmp_path):
    source, template, translated = _copy(tmp_path)
    (source / "a.py").write_text('from x import _\nprint(_("correct"), _("wrong!"))\n')
    assert catalog.problems(source, template, translated) == [
        "not in the template (run extract): 'wrong!'",
        "in the template, no longer in the code (run extract): 'wrong'",
    ]
    catalog.extract(source, template, translated)
    assert catalog.problems(source, template, translated) == ["ko: fuzzy for 'wrong!'"]


def test_a_kept_english_sentence_is_shown_in_korean(korean):
    """A result keeps some sentences in English (code compares them); translate_filled
    shows one in Korean by the template it was filled from, and leaves other text as is."""
    from inception_edu.i18n import translate_filled

    template = "{count} folders named so (NFC and NFD) merged"
    assert i18n._(template) != template
    shown = translate_filled(template.format(count=3), [template])
    assert shown == i18n._(template).format(count=3)
    assert translate_filled("not a template", [template]) == "not a template"
