"""Read and write the course's notebooks one way, the way Jupyter itself does.

Every maintainer's tool that rewrites a notebook (``add_launch_cells.py``,
``slide_rules.py``, ``stable_widget_ids.py``) goes through these two functions, so a
notebook a tool leaves unchanged is written back byte for byte as JupyterLab saved it
(``nbformat``: one-space indent, keys sorted, multi-line strings as lists of lines).
"""

from __future__ import annotations

import os

import nbformat


def read_notebook(path: str | os.PathLike) -> nbformat.NotebookNode:
    """The notebook at ``path``, as stored (its nbformat version is not converted)."""
    return nbformat.read(os.fspath(path), as_version=nbformat.NO_CONVERT)


def write_notebook(notebook, path: str | os.PathLike) -> None:
    """Write ``notebook`` (a NotebookNode or a plain dict) to ``path`` as Jupyter does."""
    nbformat.write(nbformat.from_dict(notebook), os.fspath(path))
