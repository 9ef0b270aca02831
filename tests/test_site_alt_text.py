"""Every figure on the course website says what it shows: an ``alt`` text from the
figure's own titles (stored when a notebook shows it) or from the notebook around it
(scripts/build_site.py), as MyST-NB puts it into the page's HTML."""

from __future__ import annotations

import base64
import io
import re

import nbformat
import numpy as np
import pytest
from helpers import load_script
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from inception_edu.viz.alt_text import describe_figure, png_with_alt, register_alt_text
from inception_edu.viz.figures import new_figure

build_site = load_script("scripts/build_site.py")


def _chart(title="validation error rate on each class"):
    figure = new_figure(figsize=(3, 2))
    ax = figure.subplots()
    ax.bar([0, 1], [0.2, 0.4])
    ax.set_title(title)
    ax.set_xlabel("class")
    ax.set_ylabel("error rate")
    return figure


def _png() -> str:
    buffer = io.BytesIO()
    _chart().savefig(buffer, format="png", dpi=20)
    return base64.b64encode(buffer.getvalue()).decode()


def _figure_cell(source: str, alt: str | None = None):
    metadata = {"image/png": {"alt": alt}} if alt else {}
    output = new_output("display_data", data={"image/png": _png()}, metadata=metadata)
    return new_code_cell(source, outputs=[output])


def _alts(cells) -> list:
    return [
        c["metadata"].get("mystnb", {}).get("image", {}).get("alt")
        for c in build_site.add_alt_text(cells)
        if c["cell_type"] == "code"
    ]


def test_a_figure_is_described_by_its_own_titles_and_labels():
    assert describe_figure(_chart()) == (
        "validation error rate on each class. x: class; y: error rate"
    )
    figure = new_figure()
    figure.suptitle("training images of 20\nof 120 classes")
    for ax in figure.subplots(2, 3).ravel():  # an image grid: no labels read out
        ax.set_ylabel("cat")
    assert describe_figure(figure) == "training images of 20 of 120 classes"
    assert describe_figure(new_figure()) == ""
    long = describe_figure(_chart("word " * 80))
    assert len(long) <= 250 and long.endswith("…")
    with pytest.raises(ValueError, match="matplotlib Figure.*str"):
        describe_figure("figure")


def test_the_description_is_stored_in_the_output_metadata_when_ipython_shows_it():
    from IPython.core.formatters import DisplayFormatter

    class Shell:
        display_formatter = DisplayFormatter()

    assert register_alt_text(Shell()) is True
    data, metadata = Shell.display_formatter.format(_chart())
    assert base64.b64decode(data["image/png"])[:8] == b"\x89PNG\r\n\x1a\n"
    assert metadata["image/png"] == {"alt": describe_figure(_chart())}
    wordless = new_figure(figsize=(1, 1))
    wordless.subplots().plot([0, 1])
    png, none = png_with_alt(wordless)
    assert png and none is None
    with pytest.raises(ValueError, match="IPython shell.*object"):
        register_alt_text(object())


def test_each_figure_cell_gets_its_alt_from_the_best_source_in_order():
    cells = [
        new_markdown_cell("# 9 · A notebook\n\n## The data\n\nSome text. The examples below:"),
        _figure_cell("show_examples(split)"),
        _figure_cell("# NBVAL_IGNORE_OUTPUT\n# per-class errors from training\nplot(x)"),
        _figure_cell('# a comment\nplot_per_class(e, names,\n    title="errors per class")'),
        _figure_cell("# a comment\nplot(x)", alt="the figure's own title. x: epoch"),
        new_code_cell("print(1)", outputs=[new_output("stream", name="stdout", text="1")]),
    ]
    described = build_site.add_alt_text(cells)
    assert _alts(cells) == [
        "The examples below",
        "per-class errors from training",
        "errors per class",
        "the figure's own title. x: epoch",
        None,
    ]
    assert cells[1]["metadata"] == {}  # the cells passed are left as they were
    assert described[0] == cells[0] and described[-1] == cells[-1]
    assert build_site.add_alt_text(cells) == described  # deterministic


def test_without_text_before_it_a_figure_names_its_section_and_an_author_s_alt_is_kept():
    fallback = [new_markdown_cell("## Results"), _figure_cell("plot(x)")]
    assert _alts(fallback) == ["a figure in the section 'Results'"]
    assert _alts([_figure_cell("plot(x)")]) == ["a figure"]
    mine = _figure_cell("# comment\nplot(x)")
    mine["metadata"]["mystnb"] = {"image": {"alt": "mine", "width": "50%"}}
    assert build_site.add_alt_text([mine])[0]["metadata"]["mystnb"]["image"] == {
        "alt": "mine",
        "width": "50%",
    }


def test_the_introduction_is_the_last_sentence_of_prose_in_plain_words():
    markdown = (
        "Intro. The **two** diagrams, drawn from [the specs](x.md), e.g. `spec`: one "
        "with its branch outlined:\n\n| a | b |\n|---|---|\n\n- a list item"
    )
    cells = [new_markdown_cell(markdown), _figure_cell("draw(x)")]
    assert _alts(cells) == [
        "The two diagrams, drawn from the specs, e.g. spec: one with its branch outlined"
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: build_site.add_alt_text("cells"), "list of cells.*str"),
        (lambda: build_site.add_alt_text([1]), "list of cells.*list"),
        (lambda: build_site.figure_alt_text(new_markdown_cell("x")), "code cell.*'markdown'"),
        (lambda: build_site.figure_alt_text(new_code_cell("x")), "image output.*'code'"),
        (lambda: build_site.figure_alt_text(_figure_cell("x"), heading=3), "heading.*3"),
    ],
)
def test_bad_input_says_what_was_received(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_the_alt_reaches_the_page_s_html(tmp_path):
    """A one-page Sphinx + MyST-NB build of a staged notebook: the image has the alt."""
    pytest.importorskip("myst_nb")
    from sphinx.application import Sphinx

    source = tmp_path / "src"
    source.mkdir()
    (source / "conf.py").write_text(
        'extensions = ["myst_nb"]\nnb_execution_mode = "off"\nroot_doc = "page"\n'
    )
    notebook = new_notebook(
        cells=[
            new_markdown_cell("# Page\n\nThe error of each class, one bar per run:"),
            _figure_cell("plot_per_class(errors, names)"),
            _figure_cell("# confusion counts from training\nplot_confusion(runs)"),
        ],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )
    notebook["cells"] = build_site.add_alt_text(notebook["cells"])
    nbformat.write(nbformat.from_dict(notebook), source / "page.ipynb")
    app = Sphinx(source, source, tmp_path / "html", tmp_path / "doctrees", "html", status=None)
    app.build()
    page = (tmp_path / "html" / "page.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img alt="([^"]*)"', page)
    assert alts == ["The error of each class, one bar per run", "confusion counts from training"]
    assert np.all([src.endswith(".png") for src in re.findall(r'<img[^>]*src="([^"]*)"', page)])
