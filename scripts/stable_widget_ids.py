"""Give a notebook's saved widgets ids that do not change from one run to the next.

ipywidgets names every widget model with a random uuid, so re-running an unchanged
notebook rewrote every saved widget state and every widget output: hundreds of diff lines
for nothing. `make notebooks` runs this after executing: each model gets an id made from
the notebook's name and the model's place in the notebook, found by walking from the
widget outputs (in cell order) through the models they reference (``IPY_MODEL_<id>``), so
the same notebook run twice is written byte for byte the same.

    python scripts/stable_widget_ids.py notebooks/02_1x1_bottleneck.ipynb [...]
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path

SCRIPTS = str(Path(__file__).resolve().parent)
if SCRIPTS not in sys.path:  # notebook_io lies beside this file
    sys.path.insert(0, SCRIPTS)

from notebook_io import read_notebook, write_notebook  # noqa: E402

STATE_MIME = "application/vnd.jupyter.widget-state+json"
VIEW_MIME = "application/vnd.jupyter.widget-view+json"
REFERENCE = re.compile(r"IPY_MODEL_([0-9a-f]{32})")


def _references(value) -> list[str]:
    """The model ids ``value`` (a widget's state) refers to, in a fixed order."""
    return REFERENCE.findall(json.dumps(value, sort_keys=True))


def stable_order(notebook) -> list[str]:
    """Every saved model id: those reachable from the widget outputs first (outputs in
    cell order, then breadth first through their references), then the rest by content."""
    states = notebook.metadata.get("widgets", {}).get(STATE_MIME, {}).get("state", {})
    queue = [
        output["data"][VIEW_MIME]["model_id"]
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if VIEW_MIME in output.get("data", {})
    ]
    order: list[str] = []
    while queue:
        model = queue.pop(0)
        if model in order or model not in states:
            continue
        order.append(model)
        queue += _references(states[model])
    rest = [m for m in states if m not in order]
    masked = {m: REFERENCE.sub("IPY_MODEL_", json.dumps(states[m], sort_keys=True)) for m in rest}
    return order + sorted(rest, key=lambda m: masked[m])


def stabilize(notebook, name: str) -> int:
    """Rename every widget model id of ``notebook`` in place; returns how many there are."""
    order = stable_order(notebook)
    new = {
        old: hashlib.sha256(f"{name}:{i}".encode()).hexdigest()[:32] for i, old in enumerate(order)
    }
    if not new:
        return 0
    pattern = re.compile("|".join(map(re.escape, new)))
    for cell in notebook.cells:
        for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
            view = output.get("data", {}).get(VIEW_MIME)
            if view and view.get("model_id") in new:
                view["model_id"] = new[view["model_id"]]
    saved = notebook.metadata["widgets"][STATE_MIME]
    text = pattern.sub(lambda m: new[m.group(0)], json.dumps(saved["state"]))
    state = json.loads(text)
    saved["state"] = {key: state[key] for key in sorted(state)}
    return len(new)


def main(paths: list[str]) -> int:
    if not paths:
        print("usage: stable_widget_ids.py NOTEBOOK.ipynb [...]", file=sys.stderr)
        return 2
    for path in map(Path, paths):
        if path.suffix != ".ipynb" or not path.is_file():
            print(f"stable_widget_ids: not a notebook file: {str(path)!r}", file=sys.stderr)
            return 2
        notebook = read_notebook(path)
        count = stabilize(notebook, path.stem)
        if count:
            write_notebook(notebook, path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
