"""Jupyter Server's pre-save hook: a notebook is saved without widget outputs.

A widget's output refers to a model that lives only in the running kernel; saved, it shows
"Error displaying widget: model not found" when the notebook is opened again, and it changes
the file although the producer edited nothing. The questions draw themselves again when run.
"""

from __future__ import annotations

from typing import Any

#: The output type of a widget view (nbformat's name for it).
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def without_widget_outputs(model: dict[str, Any], **_: Any) -> None:
    """Drop widget outputs, and the widget state JupyterLab may store, from a notebook model
    about to be saved (Jupyter Server calls this with `model`, `path` and `contents_manager`)."""
    if model.get("type") != "notebook" or not isinstance(model.get("content"), dict):
        return
    notebook = model["content"]
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") != "code":
            continue
        outputs = cell.get("outputs", [])
        kept = [o for o in outputs if WIDGET_VIEW not in (o.get("data") or {})]
        if len(kept) != len(outputs):
            cell["outputs"] = kept
    notebook.get("metadata", {}).pop("widgets", None)
