"""The README's numbers, written from what they count or measure: slides, times, speeds.

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
  writes with each measurement's provenance (a time cannot be recomputed in a test): each
  notebook, and ``make check``, ``test``, ``slides``, ``site``, ``test-portable``,
  ``test-envs``;
- **speeds** (the Speed section), each file written with its provenance by the benchmark
  that measures it: ``analysis_speed.json`` (``benchmarks/analysis_speed.py --record``:
  the analytic summary against building in Keras, per model), ``widget_speed.json``
  (``benchmarks/widget_speed.py --record``: the Python side of each explorer's change,
  one diagram directly and through matplotlib) and ``widget_latency.json``
  (``benchmarks/record_latency.py``: the browser test's key press -> new numbers, per
  control). A range ("50-58 ms") is the lowest and highest of the per-control medians,
  notebook 09's explorers apart from those of 01-08; one decimal below 10, whole numbers
  above; a ratio ("about 300 times") has one significant figure, and the analytic one is
  the whole zoo's Keras time over its analytic time;
- **the lectures**: :data:`LECTURES` (which notebooks each lecture presents), summed.

The notebooks table keeps its hand-written "what it teaches" column: this script writes
the number, the notebook's name and its time, and fails on a notebook the table lacks.
``tests/test_readme_tables.py`` runs ``--check`` on the repository.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import statistics
import sys
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
README = REPO / "README.md"
NOTEBOOKS = REPO / "notebooks"
RESULTS = REPO / "benchmarks" / "results"
RUN_TIMES = RESULTS / "run_times.json"

#: The speed results files and the command that writes each.
SPEED_RESULTS = {
    "analysis_speed": "python benchmarks/analysis_speed.py --record",
    "widget_speed": "python benchmarks/widget_speed.py --record",
    "widget_latency": "python benchmarks/record_latency.py",
    "training_utilisation": "python benchmarks/training_speed.py utilisation --notebook --record",
    "deck_latency": "python benchmarks/record_deck_latency.py",
    "capstone_session": "python benchmarks/capstone_session.py --designs 12 --record",
}

#: The notebooks each 90-minute session presents (README, "Two 90-minute lectures" and
#: "The capstone session"); the others are optional (00) or lab work (09, 10).
LECTURES = {
    "1": ("01", "02", "03"),
    "2": ("04", "05", "06", "07", "08"),
    "capstone": ("11",),
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

    def __init__(
        self, notebooks: Path = NOTEBOOKS, run_times: Path | None = None, results: Path = RESULTS
    ):
        self.notebook_dir = notebooks
        self.results_dir = results
        self.run_times_path = run_times or results / "run_times.json"
        self._speeds: dict[str, dict] = {}

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
            deck = build_slides.prepare(nb)
            types = [build_slides.slide_rules.slide_type_of(cell) for cell in deck.cells]
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
        entry = self.run_times.get("make_" + target.replace("-", "_"))
        if entry is None:
            raise StaleError(
                f"no measured time for make {target}: run benchmarks/run_times.py gate {target}"
            )
        return entry

    def speed(self, name: str) -> dict:
        """The results file ``name`` of :data:`SPEED_RESULTS`; one never recorded is an error."""
        if name not in self._speeds:
            path = self.results_dir / f"{name}.json"
            if not path.is_file():
                raise StaleError(f"no {path.name} in {path.parent}: run {SPEED_RESULTS[name]}")
            self._speeds[name] = json.loads(path.read_text())
        return self._speeds[name]


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


def korean_notebook_times(facts: Facts, current: str) -> str:
    """Each Korean notebook's time beside its English twin's: "00 8 s (8 s), ..."."""
    parts = []
    for number, stem in facts.notebooks.items():
        entry = facts.run_times.get("notebooks", {}).get(f"ko/{stem}")
        if entry is None:
            raise StaleError(
                f"no measured time for ko/{stem} in {RUN_TIMES.relative_to(REPO)}: "
                f"run python benchmarks/run_times.py notebooks ko/{number}"
            )
        parts.append(f"{number} {_secs(entry['seconds'])} ({_secs(facts.seconds(number))})")
    return ", ".join(parts)


def lecture_totals(lecture: str) -> Callable[[Facts, str], str]:
    """A lecture's notebooks, slides, sections and computing time, summed."""

    def render(facts: Facts, current: str) -> str:
        numbers = LECTURES[lecture]
        slides = sum(facts.decks[n].slides for n in numbers)
        sections = sum(facts.decks[n].sections for n in numbers)
        seconds = sum(round(facts.seconds(n)) for n in numbers)
        which = (
            f"notebooks {numbers[0]}-{numbers[-1]}"
            if len(numbers) > 1
            else f"notebook {numbers[0]}"
        )
        return f"{which}; {slides} slides, {sections} sections; {seconds} s"

    return render


def capstone_class_time(facts: Facts, current: str) -> str:
    """The capstone command on a class folder: "12 designs and the 4 references, 3 seeds,
    4 epochs: 95 s"."""
    record = facts.speed("capstone_session")
    return (
        f"{record['designs']} designs and the {record['references']} references, "
        f"{len(record['seeds'])} seeds, {record['epochs']} epochs: "
        f"{_secs(record['seconds'])}"
    )


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


def make_minutes(target: str) -> Callable[[Facts, str], str]:
    """A long target's whole minutes: "50 minutes" (the README says "about")."""
    return lambda facts, current: f"{facts.gate(target)['seconds'] / 60:.0f} minutes"


def make_seconds(target: str) -> Callable[[Facts, str], str]:
    return lambda facts, current: _secs(facts.gate(target)["seconds"])


def portable_kernels(facts: Facts, current: str) -> str:
    """make test-portable's first step, ``portability.py kernels``: its pytest run."""
    return f"{facts.gate('test-portable')['pytest_runs'][0]['seconds'] / 60:.0f} minutes"


# ---- the Speed section ----------------------------------------------------------------------


def _amount(value: float, unit: str, decimals: int | None = None) -> str:
    """One decimal below 10, whole numbers above: "2.7 ms", "58 ms"."""
    if decimals is None:
        decimals = 1 if value < 10 else 0
    return f"{value:.{decimals}f} {unit}"


def _range(values: list[float], unit: str) -> str:
    """The lowest and highest, as the prose writes them: "50-58 ms", "0.3-2.7 ms"."""
    decimals = 1 if max(values) < 10 else 0
    low, high = (_amount(v, unit, decimals) for v in (min(values), max(values)))
    return high if low == high else f"{low.removesuffix(' ' + unit)}-{high}"


def _times(ratio: float) -> str:
    """A ratio to one significant figure: 274 -> "300"."""
    return f"{round(ratio, -math.floor(math.log10(ratio))):.0f}"


def _values(entries: dict, field: str, notebook_09: bool | None = None) -> list[float]:
    """``field`` of every entry that has one; with ``notebook_09``, only notebook 09's
    entries (True) or only the others (False)."""
    values = [
        entry[field]
        for entry in entries.values()
        if entry.get(field) is not None
        and (notebook_09 is None or (entry.get("notebook") == "09") == notebook_09)
    ]
    if not values:
        raise StaleError(f"no recorded {field}")
    return values


def latency(notebook_09: bool, slowest: bool = False) -> Callable[[Facts, str], str]:
    """Key press -> new numbers in the browser: the medians' range, or the slowest change."""

    def render(facts: Facts, current: str) -> str:
        cases = facts.speed("widget_latency")["cases"]
        if slowest:
            return _amount(max(_values(cases, "max_ms", notebook_09)), "ms")
        return _range(_values(cases, "median_ms", notebook_09), "ms")

    return render


def widget_python(notebook_09: bool) -> Callable[[Facts, str], str]:
    """The Python side of one change: the range of the medians."""
    return lambda facts, current: _range(
        _values(facts.speed("widget_speed")["changes"], "median_ms", notebook_09), "ms"
    )


def svg_vs_matplotlib(facts: Facts, current: str) -> str:
    """The block diagram through matplotlib: "55 ms, 70 times longer" than directly."""
    diagram = facts.speed("widget_speed")["diagram_ms"]
    slow = diagram["matplotlib_svg"]
    return f"{_amount(slow, 'ms')}, {_times(slow / diagram['direct_svg'])} times longer"


def analysis_ms(facts: Facts, current: str) -> str:
    return _range(_values(facts.speed("analysis_speed")["models"], "analytic_ms"), "ms")


def keras_build(facts: Facts, current: str) -> str:
    keras_ms = _values(facts.speed("analysis_speed")["models"], "keras_ms")
    return _range([ms / 1e3 for ms in keras_ms], "s")


def analysis_ratio(facts: Facts, current: str) -> str:
    """The whole zoo built in Keras over its analytic summaries: "300 times"."""
    models = facts.speed("analysis_speed")["models"].values()
    both = [m for m in models if m.get("keras_ms") is not None and m.get("analytic_ms")]
    if not both:
        raise StaleError("no model with both an analytic and a Keras time")
    ratio = sum(m["keras_ms"] for m in both) / sum(m["analytic_ms"] for m in both)
    return f"{_times(ratio)} times"


def analysis_v4(facts: Facts, current: str) -> str:
    models = facts.speed("analysis_speed")["models"]
    if "inception_v4" not in models:
        raise StaleError("no analytic time for inception_v4")
    return _amount(models["inception_v4"]["analytic_ms"], "ms")


def _notebook_runs(facts: Facts, field: str) -> list[dict]:
    """The utilisation rows at the notebooks' own settings that carry ``field``."""
    runs = facts.speed("training_utilisation")["runs"]
    found = [run for run in runs if run.get("notebook") and run.get(field) is not None]
    if not found:
        raise StaleError(f"no notebook setting with {field} in training_utilisation.json")
    return found


def _percent(value: float) -> str:
    return f"{100 * value:.0f}%"


def training_share(facts: Facts, current: str) -> str:
    """The notebooks' training runs as a share of the machine's convolution throughput:
    "median 8% (4-21%) of 318 GFLOP/s"."""
    shares = [run["share"] for run in _notebook_runs(facts, "share")]
    reference = facts.speed("training_utilisation")["reference_conv"]["gflops_before"]
    return (
        f"median {_percent(statistics.median(shares))} ({_percent(min(shares))}-"
        f"{_percent(max(shares))}) of {reference:.0f} GFLOP/s"
    )


def training_fixed_cost(facts: Facts, current: str) -> str:
    """The median share of a notebook's training step that a step on two images takes."""
    fixed = [run["fixed_cost_share"] for run in _notebook_runs(facts, "fixed_cost_share")]
    return _percent(statistics.median(fixed))


def training_small_convs(facts: Facts, current: str) -> str:
    """The range of the machine's 3x3 convolution at the notebooks' own sizes."""
    smalls = facts.speed("training_utilisation").get("small_convs")
    if not smalls:
        raise StaleError("no small_convs in training_utilisation.json")
    shares = [row["share"] for row in smalls]
    return f"{_percent(min(shares))}-{_percent(max(shares))}"


def deck_latency(facts: Facts, current: str) -> str:
    """Key press -> new numbers on a live slide: "median 60 ms, slowest 136 ms over ten
    presses, measured on the course's 2-core CPU under a load of 4.3"."""
    record = facts.speed("deck_latency")
    (case,) = record["cases"].values()
    return (
        f"median {_amount(case['median_ms'], 'ms')}, slowest {_amount(case['max_ms'], 'ms')} "
        f"over {record['presses']} presses, measured on the course's {record['cores']}-core "
        f"CPU under a load of {record['load_average']:.1f}"
    )


#: Every generated part by its marker name; each must appear in the README at least once.
PARTS: dict[str, Callable[[Facts, str], str]] = {
    "notebooks-table": notebooks_table,
    "slides-table": slides_table,
    "all-notebooks-time": all_notebooks_time,
    "lecture-notebook-times": lecture_notebook_times,
    "korean-notebook-times": korean_notebook_times,
    **{f"lecture-{lecture}-totals": lecture_totals(lecture) for lecture in LECTURES},
    **{f"runs-in-{n}": notebook_time(n) for n in ("03", "05", "09", "10")},
    "capstone-class-time": capstone_class_time,
    "make-test-time": make_test_time,
    "make-test-parts": make_test_parts,
    "make-check": make_check,
    "make-slides-time": make_seconds("slides"),
    "make-site-time": make_seconds("site"),
    "make-test-portable-time": make_minutes("test-portable"),
    "make-test-portable-kernels": portable_kernels,
    "make-test-envs-time": make_minutes("test-envs"),
    "latency-explorers": latency(notebook_09=False),
    "latency-explorers-slowest": latency(notebook_09=False, slowest=True),
    "latency-results": latency(notebook_09=True),
    "latency-results-slowest": latency(notebook_09=True, slowest=True),
    "widget-python": widget_python(notebook_09=False),
    "widget-python-results": widget_python(notebook_09=True),
    "svg-vs-matplotlib": svg_vs_matplotlib,
    "analysis-ms": analysis_ms,
    "keras-build": keras_build,
    "analysis-ratio": analysis_ratio,
    "analysis-v4": analysis_v4,
    "training-share": training_share,
    "training-fixed-cost": training_fixed_cost,
    "training-small-convs": training_small_convs,
    "deck-latency": deck_latency,
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
    parser.add_argument("--results", type=Path, default=RESULTS, help="the results folder")
    parser.add_argument("--run-times", type=Path, help="default: run_times.json in --results")
    args = parser.parse_args(argv)
    text = args.readme.read_text(encoding="utf-8")
    try:
        new_text, changed = regenerate(text, Facts(run_times=args.run_times, results=args.results))
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
