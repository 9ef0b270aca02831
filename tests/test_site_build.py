"""scripts/build_site.py without a browser: a one-notebook site made from a notebook written
here (a Colab badge and install cell, a formula, an explorer's output without saved widget
state), its download (the notebook with its install cell, which Colab needs), the licence
footer and credits page, the course's own notebooks as staged for download, and the
script's refusals. The course's own site is checked in Chromium by tests/e2e/test_site.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import load_script

for _module in ("sphinx", "myst_nb", "sphinx_book_theme"):
    pytest.importorskip(
        _module,
        reason=f"the {_module} package is not importable: install requirements.txt into "
        "the venv to build the course website",
    )

REPO = Path(__file__).resolve().parents[1]
SCRIPT = REPO / "scripts" / "build_site.py"
sys.path.insert(0, str(REPO))

from inception_edu.course import launch  # noqa: E402 (the install cell's source)

COLAB = "https://colab.research.google.com/github/owner/repo/blob/main/notebooks/10_x.ipynb"
BADGE = "https://colab.research.google.com/assets/colab-badge.svg"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _load_script():
    return load_script("scripts/build_site.py")


build_site = _load_script()


def _notebook(extra_html: str = "") -> dict:
    def code(source, outputs):
        return {
            "cell_type": "code",
            "id": f"c{len(source)}",
            "metadata": {},
            "execution_count": 1,
            "source": source,
            "outputs": outputs,
        }

    explorer = {
        "output_type": "execute_result",
        "execution_count": 1,
        "metadata": {},
        "data": {
            WIDGET_VIEW: {"model_id": "0123", "version_major": 2, "version_minor": 0},
            "text/html": "<div class='inception-edu-explorer-static'><b>output 28x28x416</b>"
            "<svg width='20' height='10'><rect width='20' height='10'/></svg></div>" + extra_html,
            "text/plain": "BlockExplorer(output 28x28x416)",
        },
    }
    return {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "widgets": {
                "application/vnd.jupyter.widget-state+json": {
                    "state": {"0123": {"model_name": "VBoxModel", "state": {}}},
                    "version_major": 2,
                    "version_minor": 0,
                }
            },
        },
        "cells": [
            {
                "cell_type": "markdown",
                "id": "m1",
                "metadata": {},
                "source": f"# 10 · Scaling out\n\n[![Open In Colab]({BADGE})]({COLAB})\n\n"
                "The residual is $F(x) = H(x) - x$ behind a bottleneck.",
            },
            {  # as in the course's notebooks: the first code cell, a slide of its own
                "cell_type": "code",
                "id": "install",
                "metadata": {"slideshow": {"slide_type": "skip"}},
                "execution_count": 1,
                "source": launch.install_cell_source(),
                "outputs": [],
            },
            code(
                "print('hello')", [{"output_type": "stream", "name": "stdout", "text": "hello\n"}]
            ),
            code("explorer", [explorer]),
        ],
    }


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def _build(tmp_path: Path, notebook: dict) -> subprocess.CompletedProcess:
    notebooks = tmp_path / "notebooks"
    (notebooks / "ko").mkdir(parents=True)
    (notebooks / "10_x.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    korean = {**notebook, "metadata": {**notebook.get("metadata", {}), "language_edition": "ko"}}
    (notebooks / "ko" / "10_x.ipynb").write_text(json.dumps(korean), encoding="utf-8")
    command = [sys.executable, str(SCRIPT), "--notebooks", str(notebooks)]
    command += ["--out", str(tmp_path / "site"), "--cache", str(tmp_path / "cache")]
    return subprocess.run(command, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The one-notebook site of :func:`_notebook`, built once for the tests that read it."""
    tmp_path = tmp_path_factory.mktemp("site")
    result = _build(tmp_path, _notebook())
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path


def test_a_notebook_becomes_an_offline_page(built):
    tmp_path = built
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert 'href="notebooks/10_x.html">10 · Scaling out</a>' in index
    page = (tmp_path / "site" / "notebooks" / "10_x.html").read_text(encoding="utf-8")
    # the badge: its text, still a link to Colab; the image itself is not fetched
    assert f'href="{COLAB}"><span class="remote-badge">Open In Colab</span></a>' in page
    assert BADGE not in page
    # the formula as MathML; no MathJax
    assert '<span class="math"><math xmlns="http://www.w3.org/1998/Math/MathML">' in page
    assert not re.search(r"<script[^>]*mathjax", page, re.IGNORECASE)
    # the explorer as its static copy; no widget view, state or manager
    assert "<div class='inception-edu-explorer-static'><b>output 28x28x416</b><svg" in page
    assert "BlockExplorer(" not in page
    assert "widget-view" not in page and "widget-state" not in page
    assert "require.js" not in page and "html-manager" not in page
    assert "hello" in page
    assert "Colab setup" not in page  # the Colab install cell is left out of the page


def test_the_download_carries_the_colab_install_cell(built):
    """The page's download button offers a notebook that runs on Colab: the stored one,
    install cell included (without it the copy fails there with ModuleNotFoundError)."""
    page = (built / "site" / "notebooks" / "10_x.html").read_text(encoding="utf-8")
    links = {link for link in re.findall(r'href="([^"]*\.ipynb)"', page) if "//" not in link}
    assert links == {"../_sources/notebooks/10_x.ipynb"}, "the download button's one link"
    download = json.loads((built / "site" / "_sources" / "notebooks" / "10_x.ipynb").read_text())
    stored = _notebook()
    assert [_source(c) for c in download["cells"]] == [_source(c) for c in stored["cells"]]
    install = [c for c in download["cells"] if _source(c).startswith(launch.INSTALL_MARKER)]
    assert len(install) == 1 and _source(install[0]) == launch.install_cell_source()
    assert install[0]["cell_type"] == "code"
    # the tag that keeps it off the page; its other metadata as stored
    assert install[0]["metadata"] == {"slideshow": {"slide_type": "skip"}, "tags": ["remove-cell"]}
    assert "widgets" not in download["metadata"]  # inert saved widget state stays off the site


def test_every_page_links_the_licence_and_credits(built):
    site = built / "site"
    for page, prefix in (("index.html", ""), ("notebooks/10_x.html", "../")):
        html = (site / page).read_text(encoding="utf-8")
        assert 'href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>' in html, page
        assert f'href="{prefix}credits.html">licence and credit</a>' in html, page
    credits = (site / "credits.html").read_text(encoding="utf-8")
    assert "<h1>Licence and credit" in credits
    for seed in ("000", "001", "002", "003", "004"):
        assert f"Seed {seed}," in credits
    # the licence files, linked from the page, are served with the site
    for name in ("LICENSE", "LICENSE-CONTENT"):
        (found,) = site.glob(f"_downloads/*/{name}")
        assert found.read_bytes() == (REPO / name).read_bytes()
        assert f'/{name}"' in credits


def test_each_page_links_its_twin_in_the_other_edition(built):
    """The Korean edition (한국어판) is built under ko/, from notebooks/ko/ and
    site/index.ko.md; each page's header links to the same page in the other edition,
    and both serve the Hangul font as web fonts a browser accepts."""
    site = built / "site"
    for page, twin in (
        ("index.html", "ko/index.html"),
        ("notebooks/10_x.html", "ko/notebooks/10_x.html"),
        ("ko/notebooks/10_x.html", "notebooks/10_x.html"),
        ("ko/credits.html", "credits.html"),
    ):
        html = (site / page).read_text(encoding="utf-8")
        (link,) = re.findall(r'class="btn btn-sm language-switch" href="([^"]+)"', html)
        assert (site / page).parent.joinpath(link).resolve() == (site / twin).resolve(), page
        assert f'<html lang="{"ko" if page.startswith("ko/") else "en"}"' in html, page
    assert "inception-edu · 한국어판" in (site / "ko" / "index.html").read_text(encoding="utf-8")
    for edition in (site, site / "ko"):
        for name in ("NanumGothic.woff", "NanumGothicBold.woff"):
            assert (edition / "_static" / "fonts" / name).read_bytes()[:4] == b"wOFF"


def test_a_bad_edition_is_refused(tmp_path):
    with pytest.raises(ValueError, match="editions must be some of 'en', 'ko'"):
        build_site.build_site(out=tmp_path / "a", cache=tmp_path / "b", editions=("fr",))


def test_the_course_notebooks_are_staged_with_their_install_cell(tmp_path):
    """Each of the course's notebooks, as the site offers it for download: the stored
    notebook cell for cell, its install cell tagged to stay off the page, each figure with
    an alt text, no widget state."""
    paths = build_site.notebook_paths()
    build_site.stage(tmp_path, paths)
    for path in paths:
        stored = json.loads(path.read_text(encoding="utf-8"))
        staged = json.loads((tmp_path / "notebooks" / path.name).read_text(encoding="utf-8"))
        assert len(staged["cells"]) == len(stored["cells"]), path.name
        installs = 0
        for before, after in zip(stored["cells"], staged["cells"], strict=True):
            assert _source(after) == _source(before), path.name
            if _source(before).startswith(launch.INSTALL_MARKER):
                installs += 1
                assert _source(after) == launch.install_cell_source(), path.name
                tags = after["metadata"].get("tags", [])
                assert tags.count("remove-cell") == 1, path.name
            elif build_site._image_outputs(before):  # a figure: the cell with an alt text
                alt = after["metadata"].pop("mystnb")["image"]["alt"]
                assert alt and len(alt) <= build_site.ALT_LENGTH, path.name
                assert after == before, path.name
            else:
                assert after == before, path.name
        assert installs == 1, f"{path.name}: one install cell, in the download"
        assert "widgets" not in staged.get("metadata", {}), path.name


def test_a_remote_fetch_in_an_output_fails_the_build(tmp_path):
    result = _build(tmp_path, _notebook("<script src='https://cdn.example.org/x.js'></script>"))
    assert result.returncode == 1
    assert "fetches a remote URL when viewed" in result.stderr


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (REPO, "would overwrite"),
        (REPO / "notebooks", "would overwrite"),
        (REPO / "site" / "html", "would overwrite"),
        (REPO / "README.md", "which is a file"),
    ],
)
def test_refuses_an_output_folder_that_would_overwrite_the_course(out, message):
    with pytest.raises(ValueError, match=message):
        build_site.build_site(out=out)


def test_refuses_bad_jobs_and_an_empty_notebook_folder(tmp_path):
    with pytest.raises(ValueError, match="--jobs must be 'auto' or a whole number"):
        build_site.build_site(out=tmp_path / "site", cache=tmp_path / "cache", jobs="many")
    with pytest.raises(ValueError, match="no notebooks found"):
        build_site.build_site(out=tmp_path / "a", cache=tmp_path / "b", notebooks=tmp_path)
    with pytest.raises(ValueError, match="separate folders"):
        build_site.build_site(out=tmp_path / "a", cache=tmp_path / "a" / "cache")


def test_command_line_reports_bad_input_in_one_line():
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(REPO / "notebooks")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--out must be a folder of its own" in result.stderr
