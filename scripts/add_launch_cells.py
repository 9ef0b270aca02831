"""Put the Colab and Binder badges and the Colab install cell into the course's notebooks.

For each notebook given:

- its first cell (markdown, starting with a ``# `` title line) gets one line of badges
  right under the title: "Open in Colab" and Binder, both opening this notebook
  (:func:`inception_edu.course.launch.badges_markdown`); badges already there are
  replaced, so running the script again changes nothing;
- the cell after it is the install cell (:func:`inception_edu.course.launch.
  install_cell_source`), found by its first line (``INSTALL_MARKER``): inserted if
  missing (no outputs, no execution count), its source updated if it differs, moved
  there if it is elsewhere.

Nothing else is touched: other cells, their outputs and execution counts, and the
notebook's metadata stay as they are, and the file is written the way Jupyter writes it
(``notebook_io``, nbformat). A notebook's link path is its path relative to
``--root`` (default: this repository), so ``notebooks/03_x.ipynb``.

    python scripts/add_launch_cells.py notebooks/*.ipynb           # update in place
    python scripts/add_launch_cells.py --check notebooks/*.ipynb   # exit 1 if out of date
    python scripts/add_launch_cells.py --readme                    # print the README's badges

Exit codes: 0 done (or up to date), 1 ``--check`` found notebooks out of date (listed on
stdout), 2 bad input (one line on stderr).
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "scripts"):  # run from a checkout without installing
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from notebook_io import read_notebook, write_notebook  # noqa: E402

from inception_edu.course import launch  # noqa: E402

#: The install cell's id (nbformat 4.5 cells have ids); fixed, so reruns find the same.
INSTALL_CELL_ID = "colab-setup"
#: A line holding only badges (markdown image links); it is replaced when one of them is
#: ours (a Colab or Binder badge, whatever repository or branch it opens).
BADGE_LINE = re.compile(r"^\s*(\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)\s*)+$")


def _is_badge_line(line: str) -> bool:
    return bool(BADGE_LINE.match(line)) and (
        launch.COLAB_BADGE in line or launch.BINDER_BADGE in line
    )


def _join(source) -> str:
    return "".join(source) if isinstance(source, list) else source


def with_badges(markdown: str, badges: str) -> str:
    """``markdown`` (a first cell) with ``badges`` as the paragraph right under its title."""
    lines = markdown.split("\n")
    title = next((i for i, line in enumerate(lines) if line.strip()), None)
    if title is None or not lines[title].startswith("# "):
        raise ValueError(
            "the first cell must start with a '# ' title line. Received: "
            f"{lines[title] if title is not None else markdown!r}"
        )
    rest = lines[title + 1 :]
    while rest and (not rest[0].strip() or _is_badge_line(rest[0])):
        rest.pop(0)  # blank lines and old badges between the title and the text
    return "\n".join([*lines[: title + 1], "", badges, *([""] + rest if rest else [])])


def _is_install_cell(cell: dict) -> bool:
    return cell.get("cell_type") == "code" and _join(cell.get("source", "")).startswith(
        launch.INSTALL_MARKER
    )


def updated(notebook, repo_path: str):
    """A copy of ``notebook`` with the badges of ``repo_path`` and the install cell."""
    notebook = copy.deepcopy(nbformat.from_dict(notebook))  # the input is left alone
    cells = notebook.get("cells")
    if not cells or cells[0].get("cell_type") != "markdown":
        raise ValueError(f"{repo_path}: the first cell must be a markdown cell with the title")
    first = cells[0]
    badged = with_badges(_join(first["source"]), launch.badges_markdown(repo_path))
    if badged != _join(first["source"]):
        first["source"] = badged

    source = launch.install_cell_source()
    found = [i for i, cell in enumerate(cells) if _is_install_cell(cell)]
    if found:
        cell = cells[found[0]]
        for i in reversed(found):  # one install cell, right after the first
            del cells[i]
        if _join(cell["source"]) != source:
            cell["source"] = source
    else:
        ids = {c.get("id") for c in cells}
        if INSTALL_CELL_ID in ids:
            raise ValueError(f"{repo_path}: another cell already has the id {INSTALL_CELL_ID!r}")
        cell = nbformat.from_dict(
            {
                "cell_type": "code",
                "execution_count": None,
                "metadata": {},
                "outputs": [],
                "source": source,
            }
        )
        if notebook.get("nbformat", 4) > 4 or notebook.get("nbformat_minor", 0) >= 5:
            cell["id"] = INSTALL_CELL_ID
    cells.insert(1, cell)
    return notebook


def repo_path(path: Path, root: Path) -> str:
    """``path`` relative to ``root``, as the links use it (``notebooks/03_x.ipynb``)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        raise ValueError(
            f"a notebook must lie under --root {root}. Received: {path} (give --root)"
        ) from None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, metavar="NOTEBOOK")
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if out of date"
    )
    parser.add_argument("--readme", action="store_true", help="print the README's badge line")
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="the repository the links are relative to"
    )
    args = parser.parse_args(argv)
    if args.readme:
        print(launch.readme_badges())
    if not args.notebooks and not args.readme:
        parser.error("give at least one NOTEBOOK (or --readme)")

    stale = []
    for path in args.notebooks:
        try:
            notebook = read_notebook(path)
            new = updated(notebook, repo_path(path, args.root))
        except (
            OSError,
            ValueError,
            nbformat.ValidationError,
        ) as error:  # NotJSONError: a ValueError
            print(f"error: {path}: {error}", file=sys.stderr)
            return 2
        if new == notebook:
            continue
        stale.append(path)
        if not args.check:
            write_notebook(new, path)
            print(f"updated {path}")
    if args.check and stale:
        print("out of date (run scripts/add_launch_cells.py on them):")
        for path in stale:
            print(f"  {path}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
