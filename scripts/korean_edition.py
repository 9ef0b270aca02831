"""The Korean edition (한국어판): each notebook's Korean twin, kept in step with the English one.

A Korean notebook ``notebooks/ko/NN_name.ipynb`` is the English notebook
``notebooks/NN_name.ipynb`` with every markdown cell in Korean and the same code cells
(one source of code: a fix in the English code is a fix in both), plus one code cell
after the Colab cell, tagged ``language``, that makes the package print in Korean
(:func:`inception_edu.i18n.set_language`). Each Korean markdown cell records in its
metadata which English text it translates: ``"translates"``, the first 12 hex digits of
the SHA-256 of the English cell's source.

``build NN [--translations FILE.json]``
    writes the Korean notebook from the English one: code cells copied; each markdown
    cell's Korean kept from the Korean notebook already there (matched by position), or
    taken from ``FILE.json`` (a list of ``{"index", "en", "ko"}``, one per English
    markdown cell in order, as a translator returns them); a cell with no Korean yet gets
    the English text and no ``translates``, and ``check`` names it. Then run the notebook
    (``make notebooks NB=ko/NN``) to store its outputs.
``check [NN ...]``
    fails (exit 1) naming each cell whose English changed after its translation, each
    cell not yet translated, and each code cell that differs from the English one (or a
    notebook whose cells no longer line up with the English one: rebuild it).
``accept NN CELL [CELL ...]``
    after a translator has brought Korean cells up to their changed English, records the
    English text they now translate (cells numbered as in the Korean notebook).

    python scripts/korean_edition.py check            # every Korean notebook
    python scripts/korean_edition.py build 00 --translations ko_00.json

Exit status: 0 done or up to date, 1 ``check`` found something, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

import nbformat

REPO = Path(__file__).resolve().parents[1]
ENGLISH = REPO / "notebooks"
KOREAN = ENGLISH / "ko"
LANGUAGE_TAG = "language"
LANGUAGE_CELL = (
    "# 한국어판: 패키지가 출력하고 그리는 문장도 한국어로\n"
    "from inception_edu import i18n\n\n"
    'i18n.set_language("ko")'
)


def digest(source: str) -> str:
    """What a Korean cell records of the English text it translates."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:12]


def english_path(number: str, folder: Path = ENGLISH) -> Path:
    found = sorted(folder.glob(f"{number}_*.ipynb"))
    if len(found) != 1:
        names = ", ".join(p.name[:2] for p in sorted(folder.glob("[0-9][0-9]_*.ipynb")))
        raise ValueError(f"no English notebook {number!r}; allowed: {names}")
    return found[0]


def _is_language_cell(cell) -> bool:
    return cell.cell_type == "code" and LANGUAGE_TAG in cell.metadata.get("tags", [])


def paired(english, korean) -> list:
    """``(english cell, korean cell, korean index)`` for every cell but the language cell;
    ``ValueError`` when the two notebooks' cells do not line up (rebuild the Korean one)."""
    cells = [(i, c) for i, c in enumerate(korean.cells) if not _is_language_cell(c)]
    kinds_en = [c.cell_type for c in english.cells]
    kinds_ko = [c.cell_type for _, c in cells]
    if kinds_en != kinds_ko:
        raise ValueError(
            f"the cells no longer line up with the English notebook ({len(kinds_en)} English "
            f"cells, {len(kinds_ko)} Korean besides the language cell): rebuild it"
        )
    return [(en, ko, i) for en, (i, ko) in zip(english.cells, cells, strict=True)]


def build(english, korean=None, translations=None):
    """The Korean notebook of ``english``: its code, the Korean of ``korean`` (an earlier
    Korean notebook, matched by position) or of ``translations`` (English markdown source
    -> Korean), and the language cell after the Colab cell."""
    earlier = {}
    if korean is not None:
        try:
            earlier = {id(en): ko for en, ko, _ in paired(english, korean)}
        except ValueError:
            earlier = {}  # rebuilt from the translations file alone
    cells = []
    for cell in english.cells:
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        if cell.cell_type == "markdown":
            before = earlier.get(id(cell))
            if translations and cell.source in translations:
                copy.source = translations[cell.source]
                copy.metadata["translates"] = digest(cell.source)
            elif before is not None and "translates" in before.metadata:
                copy.source = before.source
                copy.metadata["translates"] = before.metadata["translates"]
        elif cell.cell_type == "code":
            copy.outputs, copy.execution_count = [], None
        cells.append(copy)
    language = nbformat.v4.new_code_cell(LANGUAGE_CELL, metadata={"tags": [LANGUAGE_TAG]})
    colab = next((i for i, c in enumerate(cells) if "google.colab" in c.source), 0)
    cells.insert(colab + 1, language)
    out = nbformat.v4.new_notebook(cells=cells, metadata=dict(english.metadata))
    out.metadata["language_edition"] = "ko"
    return out


def problems(english, korean, name: str) -> list:
    """Every cell of ``korean`` out of step with ``english``, named."""
    try:
        pairs = paired(english, korean)
    except ValueError as error:
        return [f"{name}: {error}"]
    found = []
    for en, ko, index in pairs:
        first = en.source.strip().splitlines()[0][:60] if en.source.strip() else ""
        if en.cell_type == "code" and en.source != ko.source:
            found.append(f"{name} cell {index}: its code differs from the English cell's")
        elif en.cell_type == "markdown" and "translates" not in ko.metadata:
            found.append(f"{name} cell {index}: not translated yet ({first!r})")
        elif en.cell_type == "markdown" and ko.metadata["translates"] != digest(en.source):
            found.append(
                f"{name} cell {index}: the English cell changed after its translation "
                f"({first!r}); update the Korean, then: python scripts/korean_edition.py "
                f"accept {Path(name).name[:2]} {index}"
            )
    return found


def korean_path(english: Path) -> Path:
    return KOREAN / english.name


def _read(path: Path):
    return nbformat.read(path, as_version=4)


def _write(nb, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    build_command = commands.add_parser("build", help="write a Korean notebook")
    build_command.add_argument("number")
    build_command.add_argument("--translations", type=Path)
    check_command = commands.add_parser("check", help="Korean notebooks out of step")
    check_command.add_argument("numbers", nargs="*")
    accept_command = commands.add_parser("accept", help="record updated translations")
    accept_command.add_argument("number")
    accept_command.add_argument("cells", nargs="+", type=int)
    args = parser.parse_args(argv)
    try:
        return _run(args)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _run(args) -> int:
    if args.command == "build":
        source = english_path(args.number)
        target = korean_path(source)
        translations = None
        if args.translations:
            entries = json.loads(args.translations.read_text(encoding="utf-8"))
            translations = {entry["en"]: entry["ko"] for entry in entries}
        earlier = _read(target) if target.is_file() else None
        _write(build(_read(source), earlier, translations), target)
        print(f"wrote {target.relative_to(REPO)}; run it: make notebooks NB=ko/{args.number}")
        return 0
    if args.command == "accept":
        source = english_path(args.number)
        target = korean_path(source)
        korean = _read(target)
        by_index = {index: en for en, _, index in paired(_read(source), korean)}
        for index in args.cells:
            if index not in by_index or by_index[index].cell_type != "markdown":
                raise ValueError(f"cell {index} of {target.name} is not a translated cell")
            korean.cells[index].metadata["translates"] = digest(by_index[index].source)
        _write(korean, target)
        return 0
    numbers = args.numbers or [p.name[:2] for p in sorted(KOREAN.glob("[0-9][0-9]_*.ipynb"))]
    found = []
    for number in numbers:
        source = english_path(number)
        target = korean_path(source)
        if not target.is_file():
            raise ValueError(f"no Korean notebook {target.relative_to(REPO)}")
        found += problems(_read(source), _read(target), f"ko/{target.name}")
    for line in found:
        print(line)
    print(f"{len(found)} cell(s) out of step" if found else "the Korean edition is in step")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
