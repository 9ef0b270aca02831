"""The package's message catalog: the sentences marked ``_()`` or ``N_()``, and their Korean.

``extract``
    reads every ``_("...")`` and ``N_("...")`` of ``inception_edu/`` with Babel, writes the
    template ``inception_edu/locale/inception_edu.pot`` and brings the Korean catalog
    ``inception_edu/locale/ko/LC_MESSAGES/inception_edu.po`` up to it: a new sentence
    gets an empty entry to translate, a changed one keeps its old Korean marked fuzzy (it
    stays English until a translator checks it and removes the mark), a removed one goes.
``check``
    fails (exit 1) when the template is not the code's sentences, when a sentence has no
    Korean (empty or fuzzy), or when its Korean names other ``{placeholders}`` than the
    English (``.format`` would fail, or drop a number), naming each one.
    ``tests/test_catalog.py`` runs it.

    python scripts/catalog.py extract    # after marking or changing a sentence
    python scripts/catalog.py check

Exit status: 0 done or up to date, 1 ``check`` found something, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import datetime
import sys
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "inception_edu"
LOCALE = PACKAGE / "locale"
TEMPLATE = LOCALE / "inception_edu.pot"
TRANSLATED = {"ko": LOCALE / "ko" / "LC_MESSAGES" / "inception_edu.po"}
KEYWORDS = {"_": None, "N_": None}


def _new_catalog(locale: str | None = None) -> Catalog:
    return Catalog(
        locale=locale,
        domain="inception_edu",
        project="inception-edu",
        version="0.1",
        copyright_holder="the inception-edu authors",
        msgid_bugs_address="https://github.com/inception-edu/inception-edu/issues",
        header_comment=(
            "# The sentences inception_edu prints and draws"
            + (f", in {locale}." if locale else " (the template).")
            + "\n# Written by scripts/catalog.py extract; translate the empty entries."
        ),
    )


def extracted(package: Path = PACKAGE) -> Catalog:
    """Every marked sentence of ``package``'s Python files, as a template catalog."""
    template = _new_catalog()
    found = extract_from_dir(
        str(package), method_map=[("**.py", "python")], keywords=KEYWORDS, comment_tags=()
    )
    for filename, lineno, message, _comments, context in found:
        template.add(message, locations=[(filename, lineno)], context=context)
    return template


def _read(path: Path, locale: str | None = None) -> Catalog:
    with open(path, "rb") as file:
        return read_po(file, locale=locale)


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:  # no line numbers, sorted: a diff shows only sentences
        write_po(file, catalog, width=88, sort_output=True, include_lineno=False,
                 ignore_obsolete=True, omit_header=False)  # fmt: skip


def extract(package: Path = PACKAGE, template_path: Path = TEMPLATE, translated=None) -> None:
    """Write the template and update each translated catalog to it."""
    template = extracted(package)
    fixed = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)  # no date churn in a diff
    template.creation_date = template.revision_date = fixed
    _write(template, template_path)
    for locale, path in (translated or TRANSLATED).items():
        catalog = _read(path, locale) if path.is_file() else _new_catalog(locale)
        catalog.update(template, update_header_comment=False)
        catalog.creation_date = catalog.revision_date = fixed
        catalog.fuzzy = False
        _write(catalog, path)
        print(f"{path.relative_to(REPO) if path.is_relative_to(REPO) else path}: "
              f"{len(catalog)} sentences")  # fmt: skip


def placeholders(text: str) -> set:
    """The ``{names}`` a ``str.format`` sentence fills in (``{n:,}`` is ``n``)."""
    try:
        return {
            field.split(".")[0].split("[")[0]
            for _t, field, _s, _c in Formatter().parse(text)
            if field is not None
        }
    except ValueError:  # an unmatched brace: not a format string
        return set()


def problems(package: Path = PACKAGE, template_path: Path = TEMPLATE, translated=None) -> list:
    """What ``check`` reports: a stale template, and every sentence without a translation."""
    found = []
    code = {message.id for message in extracted(package) if message.id}
    if not template_path.is_file():
        return [f"no template {template_path.name}: run python scripts/catalog.py extract"]
    template = {message.id for message in _read(template_path) if message.id}
    for sentence in sorted(code - template, key=str):
        found.append(f"not in the template (run extract): {sentence!r}")
    for sentence in sorted(template - code, key=str):
        found.append(f"in the template, no longer in the code (run extract): {sentence!r}")
    for locale, path in (translated or TRANSLATED).items():
        catalog = _read(path, locale) if path.is_file() else _new_catalog(locale)
        for sentence in sorted(template, key=str):
            message = catalog.get(sentence)
            if message is None or not message.string or message.fuzzy:
                why = "fuzzy" if message is not None and message.fuzzy else "no entry"
                found.append(f"{locale}: {why} for {sentence!r}")
            elif placeholders(message.string) != placeholders(sentence):
                found.append(
                    f"{locale}: placeholders {sorted(placeholders(message.string))} where the "
                    f"English has {sorted(placeholders(sentence))}: {sentence!r}"
                )
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("command", choices=("extract", "check"))
    args = parser.parse_args(argv)
    if args.command == "extract":
        extract()
        return 0
    found = problems()
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} problem(s) in the message catalog; see scripts/catalog.py")
        return 1
    print("the message catalog is current and every sentence has its Korean")
    return 0


if __name__ == "__main__":
    sys.exit(main())
