"""The README's numbers, written from what they count: slides, lecture totals, run times.

    python scripts/readme_tables.py            # rewrite README.md's generated parts
    python scripts/readme_tables.py --check    # exit 1 naming each stale part

Each generated part of README.md sits between two comments that name it,
``<!-- begin: NAME -->`` and ``<!-- end: NAME -->``, either around a table on lines of
its own or around a few words inside a sentence (GitHub shows neither comment). This
script owns what is between them; the prose around them is the README's.

Where the numbers come from:

- **slides and sections per deck**: the decks ``make slides`` builds, counted from the
  copy ``scripts/build_slides.py`` cuts each notebook into (``prepare``): a section is a
  horizontal slide (``slide_type`` "slide"), the slides are those plus their sub-slides.
  The notebooks are read, never written;
- **run times**: ``benchmarks/results/run_times.json``, which ``benchmarks/run_times.py``
  writes with each measurement's provenance (a time cannot be recomputed in a test);
- **the lectures**: :data:`LECTURES` (which notebooks each lecture presents), summed.

The notebooks table keeps its hand-written "what it teaches" column: this script writes
the number, the notebook's name and its time, and fails on a notebook the table lacks.
``tests/test_readme_tables.py`` runs ``--check`` on the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
NOTEBOOKS = REPO / "notebooks"
RUN_TIMES = REPO / "benchmarks" / "results" / "run_times.json"

#: The notebooks each of the two 90-minute lectures presents (README, "Two 90-minute
#: lectures"); the others are optional (00) or lab work (09, 10).
LECTURES = {
    "1": ("01", "02", "03"),
    "2": ("04", "05", "06", "07", "08"),
}

MARKER = re.compile(r"<!-- begin: (?P<name>[\w-]+) -->(?P<body>.*?)<!-- end: (?P=name) -->", re.S)

NUMBER_WORDS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty"
).split()


class StaleError(Exception):
    """A generated part that cannot be written: the README or the measurements lack data."""


@dataclass(frozen=True)
class Deck:
    sections: int
    slides: int


class Facts:
    """What the generated parts are made of, read from the repository on first use."""

    def __init__(self, notebooks: Path = NOTEBOOKS, run_times: Path = RUN_TIMES):
        self.notebook_dir = notebooks
        self.run_times_path = run_times

    @cached_property
    def notebooks(self) -> dict[str, str]:
        """Every course notebook: {"02": "02_1x1_bottleneck"}, in order."""
        paths = sorted(self.notebook_dir.glob("[0-9][0-9]_*.ipynb"))
        return {path.name[:2]: path.stem for path in paths}

    @cached_property
    def decks(self) -> dict[str, Deck]:
        """Sections and slides of each notebook's static deck, as ``make slides`` cuts it."""
        import nbformat

        sys.path.insert(0, str(REPO / "scripts"))
        import build_slides

        decks = {}
        for number, stem in self.notebooks.items():
            nb = nbformat.read(self.notebook_dir / f"{stem}.ipynb", as_version=4)
            types = [cell.metadata.slideshow.slide_type for cell in build_slides.prepare(nb).cells]
            sections = types.count("slide")
            decks[number] = Deck(sections, sections + types.count("subslide"))
        return decks

    @cached_property
    def run_times(self) -> dict:
        return json.loads(self.run_times_path.read_text())

    def seconds(self, number: str) -> float:
        """Notebook ``number``'s measured seconds; a notebook never measured is an error."""
        stem = self.notebooks[number]
        entry = self.run_times.get("notebooks", {}).get(stem)
        if entry is None:
            raise StaleError(
                f"no measured time for {stem} in {RUN_TIMES.relative_to(REPO)}: "
                f"run python benchmarks/run_times.py notebooks {number}"
            )
        return float(entry["seconds"])

    def gate(self, target: str) -> dict:
        entry = self.run_times.get(f"make_{target}")
        if entry is None:
            raise StaleError(f"no measured time for make {target}: run benchmarks/run_times.py")
        return entry


# ---- the parts ----------------------------------------------------------------------------


def _secs(seconds: float) -> str:
    return f"{seconds:.0f} s"


def _minutes(seconds: float) -> str:
    return f"{seconds / 60:.1f} minutes"


def _count_word(count: int) -> str:
    return NUMBER_WORDS[count] if count < len(NUMBER_WORDS) else str(count)


def _table(rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n" + "\n".join(lines) + "\n"


def notebooks_table(facts: Facts, current: str) -> str:
    """The notebooks table: number, name and time written here, "what it teaches" kept."""
    teaches = {}
    for line in current.strip().splitlines()[2:]:
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        teaches[cells[0]] = cells[2]
    missing = [stem for number, stem in facts.notebooks.items() if number not in teaches]
    if missing:
        raise StaleError(f"no row for {', '.join(missing)}: write its 'what it teaches' cell")
    rows = [["#", "notebook", "what it teaches", "runs in"]]
    for number, stem in facts.notebooks.items():
        rows.append([number, f"`{stem}`", teaches[number], _secs(facts.seconds(number))])
    return _table(rows)


def slides_table(facts: Facts, current: str) -> str:
    numbers = list(facts.notebooks)
    return _table(
        [
            ["notebook", *numbers],
            ["sections", *(str(facts.decks[n].sections) for n in numbers)],
            ["slides", *(str(facts.decks[n].slides) for n in numbers)],
        ]
    )


def all_notebooks_time(facts: Facts, current: str) -> str:
    """The whole run: "9.6 minutes for all eleven"."""
    entry = facts.run_times.get("all_notebooks")
    if entry is None:
        raise StaleError("no time for all notebooks: run python benchmarks/run_times.py notebooks")
    if entry["count"] != len(facts.notebooks):
        raise StaleError(
            f"the run of all notebooks measured {entry['count']}, the course has "
            f"{len(facts.notebooks)}: run python benchmarks/run_times.py notebooks"
        )
    return f"{_minutes(entry['seconds'])} for all {_count_word(entry['count'])}"


def lecture_notebook_times(facts: Facts, current: str) -> str:
    """Each lecture notebook's time: "01 37 s, 02 12 s, ..."."""
    numbers = [number for lecture in LECTURES.values() for number in lecture]
    return ", ".join(f"{number} {_secs(facts.seconds(number))}" for number in numbers)


def lecture_totals(lecture: str) -> Callable[[Facts, str], str]:
    """A lecture's notebooks, slides, sections and computing time, summed."""

    def render(facts: Facts, current: str) -> str:
        numbers = LECTURES[lecture]
        slides = sum(facts.decks[n].slides for n in numbers)
        sections = sum(facts.decks[n].sections for n in numbers)
        seconds = sum(round(facts.seconds(n)) for n in numbers)
        return (
            f"notebooks {numbers[0]}-{numbers[-1]}; {slides} slides, {sections} sections; "
            f"{seconds} s"
        )

    return render


def notebook_time(number: str) -> Callable[[Facts, str], str]:
    return lambda facts, current: _secs(facts.seconds(number))


def make_test_time(facts: Facts, current: str) -> str:
    return _minutes(facts.gate("test")["seconds"])


def make_test_parts(facts: Facts, current: str) -> str:
    """Where make test's time goes: "14 of unit and browser tests, 7 of notebooks"."""
    units, notebooks = (run["seconds"] / 60 for run in facts.gate("test")["pytest_runs"])
    return f"{units:.0f} of unit and browser tests, {notebooks:.0f} of notebooks"


def make_check(facts: Facts, current: str) -> str:
    """make check's tests and time: "625 tests, 1.4 minutes"."""
    entry = facts.gate("check")
    counted = ("passed", "skipped", "xfailed", "xpassed")
    tests = sum(run.get(word, 0) for run in entry["pytest_runs"] for word in counted)
    return f"{tests} tests, {_minutes(entry['seconds'])}"


#: Every generated part by its marker name; each must appear in the README at least once.
PARTS: dict[str, Callable[[Facts, str], str]] = {
    "notebooks-table": notebooks_table,
    "slides-table": slides_table,
    "all-notebooks-time": all_notebooks_time,
    "lecture-notebook-times": lecture_notebook_times,
    **{f"lecture-{lecture}-totals": lecture_totals(lecture) for lecture in LECTURES},
    **{f"runs-in-{n}": notebook_time(n) for n in ("03", "05", "09", "10")},
    "make-test-time": make_test_time,
    "make-test-parts": make_test_parts,
    "make-check": make_check,
}


def regenerate(text: str, facts: Facts) -> tuple[str, list[str]]:
    """``text`` with every generated part rewritten, and the names of those that changed.

    Raises :class:`StaleError` for a marker no part owns, a part with no marker, or a part
    that lacks its data.
    """
    changed: list[str] = []
    seen: set[str] = set()

    def replace(match: re.Match) -> str:
        name, body = match["name"], match["body"]
        if name not in PARTS:
            raise StaleError(f"README marker {name!r} is no part of {Path(__file__).name}")
        seen.add(name)
        try:
            new = PARTS[name](facts, body)
        except StaleError as error:
            raise StaleError(f"{name}: {error}") from None
        if new != body and name not in changed:
            changed.append(name)
        return f"<!-- begin: {name} -->{new}<!-- end: {name} -->"

    new_text = MARKER.sub(replace, text)
    unmarked = [name for name in PARTS if name not in seen]
    if unmarked:
        raise StaleError(f"README has no marker for {', '.join(unmarked)}")
    return new_text, changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if a part is stale")
    parser.add_argument("--readme", type=Path, default=README)
    parser.add_argument("--run-times", type=Path, default=RUN_TIMES)
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    try:
        new_text, changed = regenerate(text, Facts(run_times=args.run_times))
    except StaleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if args.check:
        if changed:
            print(
                f"{args.readme.name} is stale: {', '.join(changed)}; "
                "run python scripts/readme_tables.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if changed:
        args.readme.write_text(new_text, encoding="utf-8")
        print(f"rewrote {', '.join(changed)} in {args.readme.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
