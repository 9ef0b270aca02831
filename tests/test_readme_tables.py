"""The README's generated numbers are current, and the check that says so can fail.

``scripts/readme_tables.py --check`` compares each part of README.md between its
``<!-- begin: NAME -->`` and ``<!-- end: NAME -->`` markers with what the script would
write: slide counts from the decks, lecture totals, the run times recorded in
``benchmarks/results/run_times.json`` by ``benchmarks/run_times.py``, and the Speed
section's numbers recorded in ``benchmarks/results/`` by ``analysis_speed.py --record``,
``widget_speed.py --record`` and ``record_latency.py``.
"""

import json
import re
import shutil
from pathlib import Path

import pytest
from helpers import load_script

REPO = Path(__file__).resolve().parents[1]


readme_tables = load_script("scripts/readme_tables.py")
run_times = load_script("benchmarks/run_times.py")
# these two import run_times by name, as they do run from benchmarks/: it is loaded above
record_latency = load_script("benchmarks/record_latency.py")
analysis_speed = load_script("benchmarks/analysis_speed.py")


@pytest.fixture(scope="module")
def facts():
    """The repository's facts, read once (counting the decks cuts every notebook)."""
    return readme_tables.Facts()


@pytest.fixture
def readme_copy(tmp_path):
    copy = tmp_path / "README.md"
    shutil.copyfile(readme_tables.README, copy)
    return copy


def _part(text: str, name: str) -> str:
    return re.search(rf"<!-- begin: {name} -->(.*?)<!-- end: {name} -->", text, re.S)[1]


def test_the_readme_is_current(capsys):
    assert readme_tables.main(["--check"]) == 0, capsys.readouterr().err


def test_a_changed_slide_count_is_named_and_rewritten(readme_copy, capsys):
    text = readme_copy.read_text()
    table = _part(text, "slides-table")
    slides_row = next(line for line in table.splitlines() if line.startswith("| slides |"))
    cells = slides_row.split(" | ")
    cells[1] = str(int(cells[1]) + 1)  # notebook 00's slides, one too many
    readme_copy.write_text(text.replace(slides_row, " | ".join(cells)))

    assert readme_tables.main(["--check", "--readme", str(readme_copy)]) == 1
    err = capsys.readouterr().err
    assert "stale: slides-table;" in err

    assert readme_tables.main(["--readme", str(readme_copy)]) == 0
    assert readme_copy.read_text() == readme_tables.README.read_text()


def test_a_number_typed_into_the_prose_is_named(readme_copy, capsys):
    text = readme_copy.read_text()
    old = "<!-- begin: runs-in-05 -->"
    at = text.index(old) + len(old)
    readme_copy.write_text(text[:at] + "1" + text[at:])  # "68 s" becomes "168 s"

    assert readme_tables.main(["--check", "--readme", str(readme_copy)]) == 1
    assert "stale: runs-in-05;" in capsys.readouterr().err


def test_a_new_measurement_reaches_every_part_that_quotes_it(readme_copy, tmp_path, capsys):
    data = json.loads(readme_tables.RUN_TIMES.read_text())
    data["notebooks"]["03_googlenet_aux_classifiers"]["seconds"] += 10
    times = tmp_path / "run_times.json"
    times.write_text(json.dumps(data))

    args = ["--readme", str(readme_copy), "--run-times", str(times)]
    assert readme_tables.main(["--check", *args]) == 1
    err = capsys.readouterr().err
    for name in ("notebooks-table", "lecture-notebook-times", "lecture-1-totals", "runs-in-03"):
        assert name in err
    assert "lecture-2-totals" not in err

    assert readme_tables.main(args) == 0
    text = readme_copy.read_text()
    old_03 = round(readme_tables.Facts().seconds("03"))
    assert _part(text, "runs-in-03") == f"{old_03 + 10} s"
    assert f"| {old_03 + 10} s |" in _part(text, "notebooks-table")
    assert readme_tables.main(["--check", *args]) == 0


def test_the_notebooks_table_keeps_what_each_notebook_teaches(facts):
    text = readme_tables.README.read_text()
    current = _part(text, "notebooks-table")
    edited = current.replace("a Korean-English glossary", "a glossary")
    assert readme_tables.notebooks_table(facts, edited) == edited


def test_a_notebook_without_a_row_or_a_time_is_an_error(facts, tmp_path):
    current = _part(readme_tables.README.read_text(), "notebooks-table")
    without_10 = "\n".join(line for line in current.splitlines() if "| 10 |" not in line)
    with pytest.raises(readme_tables.StaleError, match="no row for 10_scaling_out"):
        readme_tables.notebooks_table(facts, without_10)

    data = json.loads(readme_tables.RUN_TIMES.read_text())
    del data["notebooks"]["10_scaling_out"]
    times = tmp_path / "run_times.json"
    times.write_text(json.dumps(data))
    with pytest.raises(readme_tables.StaleError, match="run_times.py notebooks 10"):
        readme_tables.Facts(run_times=times).seconds("10")


def test_markers_the_script_does_not_own_or_lacks_are_errors(facts):
    text = readme_tables.README.read_text()
    with pytest.raises(readme_tables.StaleError, match="'slide-count' is no part"):
        readme_tables.regenerate(
            text + "<!-- begin: slide-count -->3<!-- end: slide-count -->", facts
        )
    without = re.sub(r"<!-- (begin|end): make-check -->", "", text)
    with pytest.raises(readme_tables.StaleError, match="no marker for make-check"):
        readme_tables.regenerate(without, facts)


def test_lecture_totals_add_up_their_notebooks(facts):
    for lecture, numbers in readme_tables.LECTURES.items():
        totals = readme_tables.PARTS[f"lecture-{lecture}-totals"](facts, "")
        slides = sum(facts.decks[n].slides for n in numbers)
        seconds = sum(round(facts.seconds(n)) for n in numbers)
        assert f"; {slides} slides, " in totals
        assert totals.endswith(f"; {seconds} s")


def _has_provenance(entry: dict) -> None:
    assert re.fullmatch(r"\d{4}-\d\d-\d\d.*", entry["date"])
    assert re.fullmatch(r"[0-9a-f]{40}", entry["commit"])
    assert entry["how"]


def test_every_notebook_has_a_time_with_its_provenance(facts):
    data = facts.run_times
    english = set(facts.notebooks.values())
    assert set(data["notebooks"]) == english | {f"ko/{stem}" for stem in english}
    entries = [*data["notebooks"].values(), data["all_notebooks"]]
    entries += [data[run_times.gate_key(target)] for target in run_times.GATES]
    for entry in entries:
        assert entry["seconds"] > 0
        _has_provenance(entry)


def test_every_speed_has_its_provenance(facts):
    for name in readme_tables.SPEED_RESULTS:
        speed = facts.speed(name)
        _has_provenance(speed.get("provenance", speed))


# ---- benchmarks/run_times.py, without running a notebook or make ----------------------------


def test_pytest_summary_lines_are_read():
    output = (
        "....\n"
        "=========== 625 passed, 3 skipped, 2 warnings in 84.12s (0:01:24) ===========\n"
        "make: ok\n"
        "= 88 passed in 420.50s (0:07:00) =\n"
        "763 passed in 50.39s\n"  # pytest -q, as make check runs it
        "the 3 passed in review in 2s is prose, not a summary\n"
    )
    assert run_times.pytest_runs(output) == [
        {"seconds": 84.12, "passed": 625, "skipped": 3, "warnings": 2},
        {"seconds": 420.5, "passed": 88},
        {"seconds": 50.39, "passed": 763},
    ]


def test_a_recorded_measurement_replaces_only_its_own_entries(tmp_path):
    results = tmp_path / "run_times.json"
    shutil.copyfile(readme_tables.RUN_TIMES, results)
    before = json.loads(results.read_text())
    measured = {"seconds": 7.8, "how": "test", "date": "2030-01-01T00:00:00Z"}
    run_times.record({"notebooks": {"02_1x1_bottleneck": measured}}, path=results)
    after = json.loads(results.read_text())
    assert after["notebooks"]["02_1x1_bottleneck"] == measured
    assert list(after["notebooks"]) == list(before["notebooks"])
    del after["notebooks"]["02_1x1_bottleneck"], before["notebooks"]["02_1x1_bottleneck"]
    assert after == before


def test_unknown_notebook_numbers_are_refused():
    assert [p.name[:2] for p in run_times.notebook_paths(["02", "00"])] == ["02", "00"]
    with pytest.raises(SystemExit, match="no notebook 99"):
        run_times.notebook_paths(["99"])


def test_provenance_names_the_machine_and_the_commit():
    found = run_times.provenance(["README.md"], "test")
    assert re.fullmatch(r"[0-9a-f]{40}", found["commit"])
    assert found["cores"] >= 1 and found["cpu"]
    assert isinstance(found["dirty"], bool)


def test_provenance_names_the_load_and_the_widget_versions():
    found = run_times.provenance(["README.md"], "test", packages=("jupyterlab",))
    assert found["ipywidgets"] and found["jupyterlab"] and found["keras"]
    assert found["load_average"] is None or found["load_average"] >= 0


def test_every_target_the_readme_times_can_be_measured():
    assert set(run_times.GATES) >= {"check", "test", "slides", "site", "test-portable"}
    assert run_times.gate_key("test-envs") == "make_test_envs"
    with pytest.raises(SystemExit):
        run_times.main(["gate", "lab"])  # not a target the README times


# ---- the Speed section ----------------------------------------------------------------------


@pytest.fixture
def results(tmp_path):
    """A copy of benchmarks/results/ to record into."""
    folder = tmp_path / "results"
    shutil.copytree(readme_tables.RESULTS, folder)
    return folder


def _args(readme: Path, results: Path) -> list[str]:
    return ["--readme", str(readme), "--results", str(results)]


def test_ranges_and_ratios_are_written_as_the_prose_writes_them():
    assert readme_tables._range([0.31, 1.2, 2.74], "ms") == "0.3-2.7 ms"
    assert readme_tables._range([50.4, 57.6, 53.0], "ms") == "50-58 ms"
    assert readme_tables._range([4.8, 18.2], "ms") == "5-18 ms"
    assert readme_tables._range([0.93, 5.41], "s") == "0.9-5.4 s"
    assert readme_tables._range([31.2, 30.8], "ms") == "31 ms"
    assert readme_tables._amount(75.6, "ms") == "76 ms"
    assert [readme_tables._times(r) for r in (274, 69.6, 1234)] == ["300", "70", "1000"]


def test_a_changed_speed_in_the_prose_is_named(readme_copy, capsys):
    text = readme_copy.read_text()
    latency = _part(text, "latency-explorers")
    readme_copy.write_text(text.replace(latency, "40-48 ms", 1))

    assert readme_tables.main(["--check", "--readme", str(readme_copy)]) == 1
    assert "stale: latency-explorers;" in capsys.readouterr().err
    assert readme_tables.main(["--readme", str(readme_copy)]) == 0
    assert _part(readme_copy.read_text(), "latency-explorers") == latency


def test_a_new_latency_run_rewrites_the_speed_section(readme_copy, results, tmp_path, capsys):
    """A browser run, as the e2e test writes it, recorded by record_latency.py: the
    ranges are its medians, 01-08 apart from 09, and the slowest its slowest samples."""
    presses = {
        "block explorer: slider": ("block", "01", [40.0, 44.0, 90.0]),
        "stage explorer: slider": ("stages", "07", [61.0, 62.0, 63.0]),
        "experiment picker: dropdown": ("picker", "09", [20.0, 21.0, 22.0]),
        "class errors: dropdown": ("class_errors", "09", [30.0, 35.0, 99.0]),
    }
    cases = {
        label: {
            "explorer": explorer,
            "notebook": notebook,
            "numbers_ms": numbers,
            "painted_ms": numbers,
            "diagram_ms": numbers,
            "warm_up_ms": 120.0,
        }
        for label, (explorer, notebook, numbers) in presses.items()
    }
    last_run = {"date": "2030-01-01T00:00:00Z", "chromium": "1.0", "presses": 3}
    summary = record_latency.summarize(last_run | {"budget_ms": 100.0, "cases": cases})
    assert summary["cases"]["class errors: dropdown"]["median_ms"] == 35.0
    assert summary["cases"]["class errors: dropdown"]["max_ms"] == 99.0
    (results / "widget_latency.json").write_text(json.dumps(summary))

    assert readme_tables.main(["--check", *_args(readme_copy, results)]) == 1
    assert "stale: latency-" in capsys.readouterr().err
    assert readme_tables.main(_args(readme_copy, results)) == 0
    text = readme_copy.read_text()
    assert _part(text, "latency-explorers") == "44-62 ms"
    assert _part(text, "latency-explorers-slowest") == "90 ms"
    assert _part(text, "latency-results") == "21-35 ms"
    assert _part(text, "latency-results-slowest") == "99 ms"
    assert _part(text, "widget-python") == _part(readme_tables.README.read_text(), "widget-python")


def test_a_recorded_analysis_rewrites_the_speed_section(readme_copy, results, monkeypatch, capsys):
    """benchmarks/analysis_speed.py --record, its measurement made up: the README's
    analysis numbers follow the file it writes."""
    measured = {
        "googlenet": {"analytic_ms": 4.0, "keras_ms": 800.0},
        "inception_v3": {"analytic_ms": 10.0, "keras_ms": 2000.0},
        "inception_v4": {"analytic_ms": 20.0, "keras_ms": 4000.0},
        "inception_resnet_v1": {"analytic_ms": 16.0, "keras_ms": 3200.0},
    }
    monkeypatch.setattr(analysis_speed, "measure", lambda: measured)
    monkeypatch.setattr(analysis_speed, "RESULTS", results / "analysis_speed.json")
    analysis_speed.main(["--record"])
    recorded = json.loads((results / "analysis_speed.json").read_text())
    assert recorded["models"] == measured and re.fullmatch(r"[0-9a-f]{40}", recorded["commit"])

    assert readme_tables.main(_args(readme_copy, results)) == 0
    assert "analysis-ms" in capsys.readouterr().out
    text = readme_copy.read_text()
    assert _part(text, "analysis-ms") == "4-20 ms"
    assert _part(text, "keras-build") == "0.8-4.0 s"
    assert _part(text, "analysis-ratio") == "200 times"  # 10,000 ms over 50 ms
    assert _part(text, "analysis-v4") == "20 ms"


def test_the_diagram_comparison_is_the_ratio_of_the_recorded_times(facts, results):
    data = json.loads((results / "widget_speed.json").read_text())
    data["diagram_ms"] = {"direct_svg": 0.5, "matplotlib_svg": 61.0}
    (results / "widget_speed.json").write_text(json.dumps(data))
    found = readme_tables.Facts(results=results)
    assert readme_tables.svg_vs_matplotlib(found, "") == "61 ms, 100 times longer"


def test_a_speed_never_recorded_is_an_error_that_says_how_to_record_it(readme_copy, results):
    (results / "widget_latency.json").unlink()
    with pytest.raises(readme_tables.StaleError, match="run python benchmarks/record_latency.py"):
        readme_tables.regenerate(readme_copy.read_text(), readme_tables.Facts(results=results))
    assert readme_tables.main(["--check", *_args(readme_copy, results)]) == 1
