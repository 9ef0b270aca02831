"""Build the course website from the notebooks' stored outputs (never re-executed).

    python scripts/build_site.py [--out build/site] [--cache build/site-cache]

Stages ``site/index.md``, ``CREDITS.md`` with the two licence files it links to, and every
``notebooks/*.ipynb`` (in name order, so a new notebook joins the table of contents by
itself) in ``CACHE/src``, each notebook without its saved widget state, then runs
``sphinx-build -c site`` (configuration, styles, templates: ``site/``) into OUT.

A page's download button offers the staged notebook (``OUT/_sources/notebooks/*.ipynb``),
so the staged notebook keeps its Colab install cell: a learner who downloads a notebook
and uploads it to Colab needs it. The cell is tagged ``remove-cell`` (MyST-NB's tag), so
the page leaves it out: it does nothing outside Colab. Only changed notebooks are rewritten in the
stage, so a second build re-reads only those (a changed ``site/conf.py`` re-reads all).
Sphinx warnings fail the build (``--allow-warnings`` to only print them). Open
``OUT/index.html`` in a browser: the site needs no server and no internet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SITE = REPO / "site"
NOTEBOOKS = REPO / "notebooks"
DEFAULT_OUT = REPO / "build" / "site"
DEFAULT_CACHE = REPO / "build" / "site-cache"
WIDGET_STATE = "widgets"  # notebook metadata key of the saved ipywidgets state
# The first line of each notebook's Colab install cell (inception_edu.course.launch.
# INSTALL_MARKER): it does nothing outside Colab, so the page leaves it out (REMOVE_CELL);
# the download keeps it, since the downloaded copy fails on Colab without it.
COLAB_SETUP = "# inception-edu: Colab setup"
REMOVE_CELL = "remove-cell"  # MyST-NB's cell tag: not on the page, kept in the source
# Staged beside index.md (name in the repository -> name in the site's source): the
# licence and credit page and the licence files it links to (downloads on the site).
CREDIT_FILES = {
    "CREDITS.md": "credits.md",
    "LICENSE": "LICENSE",
    "LICENSE-CONTENT": "LICENSE-CONTENT",
}


def notebook_paths(folder: Path = NOTEBOOKS) -> list[Path]:
    """The course's notebooks, ``folder/*.ipynb`` in name order (00, 01, ..., 10)."""
    paths = sorted(Path(folder).glob("*.ipynb"))
    if not paths:
        raise ValueError(
            f"no notebooks found: {folder} holds no *.ipynb file; expected the course's notebooks"
        )
    return paths


def _write_if_changed(path: Path, data: bytes) -> bool:
    if path.is_file() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _colab_setup(cell: dict) -> bool:
    source = cell.get("source", "")
    source = "".join(source) if isinstance(source, list) else source
    return cell.get("cell_type") == "code" and source.startswith(COLAB_SETUP)


def _hide_on_page(cell: dict) -> dict:
    """``cell`` tagged :data:`REMOVE_CELL`: left off the page, kept in the download."""
    metadata = dict(cell.get("metadata", {}))
    tags = list(metadata.get("tags", []))
    if REMOVE_CELL not in tags:
        tags.append(REMOVE_CELL)
    return {**cell, "metadata": {**metadata, "tags": tags}}


def stage(src: Path, notebooks: list[Path]) -> list[str]:
    """Write ``index.md``, the credits page with its licence files, and the notebooks
    (without saved widget state; the install cell hidden on the page, kept in the download)
    into ``src``; remove notebooks staged earlier that no longer exist. Returns the files
    rewritten."""
    changed = []
    pages = {"index.md": SITE / "index.md"}
    pages.update({name: REPO / original for original, name in CREDIT_FILES.items()})
    for name, original in pages.items():
        if _write_if_changed(src / name, original.read_bytes()):
            changed.append(name)
    staged = src / "notebooks"
    names = set()
    for path in notebooks:
        notebook = json.loads(path.read_text(encoding="utf-8"))
        # Without a kernel the widget views cannot work; the stored text/html beside each
        # (the explorer's static copy) is what the site shows. Dropping the state keeps
        # 10-260 kB of inert JSON off each page.
        notebook.get("metadata", {}).pop(WIDGET_STATE, None)
        notebook["cells"] = [
            _hide_on_page(cell) if _colab_setup(cell) else cell
            for cell in notebook.get("cells", [])
        ]
        data = (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")
        names.add(path.name)
        if _write_if_changed(staged / path.name, data):
            changed.append(f"notebooks/{path.name}")
    for old in staged.glob("*.ipynb"):
        if old.name not in names:
            old.unlink()
            changed.append(f"notebooks/{old.name} (removed)")
    return changed


def _check_folder(path: Path, what: str) -> Path:
    """``path`` resolved, if building there can't overwrite the course's own files."""
    path = Path(path).resolve()
    if path.exists() and not path.is_dir():
        raise ValueError(f"{what} must be a folder; received {path}, which is a file")
    for place in (REPO, SITE, NOTEBOOKS, REPO / "inception_edu", REPO / "tests", REPO / ".git"):
        if place.is_relative_to(path) or (place != REPO and path.is_relative_to(place)):
            raise ValueError(
                f"{what} must be a folder of its own, for example under build/; received "
                f"{path}, which would overwrite {place}"
            )
    return path


def build_site(
    out: Path = DEFAULT_OUT,
    cache: Path = DEFAULT_CACHE,
    notebooks: Path = NOTEBOOKS,
    allow_warnings: bool = False,
    jobs: str = "auto",
) -> float:
    """Build the site into ``out``; return the seconds it took. Raises ValueError on bad
    arguments and ``subprocess.CalledProcessError`` when Sphinx fails."""
    out, cache = _check_folder(out, "--out"), _check_folder(cache, "--cache")
    if out == cache or out.is_relative_to(cache) or cache.is_relative_to(out):
        raise ValueError(
            f"--out and --cache must be separate folders; received --out {out} and --cache {cache}"
        )
    if jobs != "auto" and not (jobs.isdigit() and int(jobs) >= 1):
        raise ValueError(f"--jobs must be 'auto' or a whole number >= 1; received {jobs!r}")
    start = time.perf_counter()
    src = cache / "src"
    stage(src, notebook_paths(notebooks))
    # Sphinx re-reads a page when its source or a config value changes, not when conf.py's
    # own transforms do: a changed conf.py re-reads everything (-E).
    conf_hash = hashlib.sha256((SITE / "conf.py").read_bytes()).hexdigest()
    fresh = _write_if_changed(cache / "conf.sha256", conf_hash.encode())
    command = [
        sys.executable,
        "-m",
        "sphinx",
        "-b",
        "html",
        "-c",
        str(SITE),
        "-d",
        str(cache / "doctrees"),
        "-j",
        jobs,
        "-q",  # only warnings and errors
        *(["-E"] if fresh else []),
        *([] if allow_warnings else ["-W", "--keep-going"]),
        str(src),
        str(out),
    ]
    subprocess.run(command, check=True)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="site folder (build/site)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=DEFAULT_CACHE,
        help="staged sources and Sphinx's doctrees, kept for fast rebuilds (build/site-cache)",
    )
    parser.add_argument(
        "--notebooks", type=Path, default=NOTEBOOKS, help="folder of *.ipynb (notebooks/)"
    )
    parser.add_argument("--jobs", default="auto", help="Sphinx processes: 'auto' or N")
    parser.add_argument(
        "--allow-warnings", action="store_true", help="print Sphinx warnings, don't fail on them"
    )
    parser.add_argument(
        "--clean", action="store_true", help="remove OUT and CACHE first (a full rebuild)"
    )
    args = parser.parse_args(argv)
    try:
        if args.clean:
            for folder in (args.out, args.cache):
                shutil.rmtree(_check_folder(folder, "--out/--cache"), ignore_errors=True)
        seconds = build_site(args.out, args.cache, args.notebooks, args.allow_warnings, args.jobs)
    except ValueError as error:
        parser.error(str(error))
    except subprocess.CalledProcessError as error:
        print(f"error: sphinx-build failed with exit code {error.returncode}", file=sys.stderr)
        return 1
    print(f"site built in {seconds:.1f} s: {Path(args.out).resolve() / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
