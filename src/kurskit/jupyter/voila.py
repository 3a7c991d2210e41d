"""Voilà's prelaunch hook: a MyST module that standalone Voilà read as text becomes a notebook."""

from __future__ import annotations

from typing import Any

import jupytext
import nbformat

#: The suffix of MyST course modules (see kurskit.course.notebook).
MYST_SUFFIX = ".md"


def myst_notebook(
    handler: Any, notebook: nbformat.NotebookNode, cwd: str
) -> nbformat.NotebookNode | None:
    """The notebook a MyST module describes, when Voilà has read the module as plain text.

    Standalone `voila` reads files with Jupyter Server's plain contents manager, so a `.md`
    file mapped in `VoilaConfiguration.extension_language_mapping` reaches this hook as one
    code cell holding the whole text. Under Jupyter Server, jupytext's contents manager has
    already read the file as a notebook (its metadata has `jupytext`): nothing changes then.
    Voilà calls the hook as `hook(handler, notebook=..., cwd=...)`; `None` keeps `notebook`.
    """
    if "jupytext" in notebook.metadata or len(notebook.cells) != 1:
        return None
    if not _rendered_path(handler).endswith(MYST_SUFFIX):
        return None
    module = jupytext.reads(notebook.cells[0].source, fmt="md:myst")
    # Voilà picked a kernel for the file; a module without a kernelspec keeps that one.
    module.metadata.setdefault("kernelspec", notebook.metadata.get("kernelspec", {}))
    return module


def _rendered_path(handler: Any) -> str:
    """The file Voilà renders: its one notebook (`voila FILE`), or /voila/render/<path>."""
    single = getattr(handler, "notebook_path", None)
    if single:
        return str(single)
    arguments = getattr(handler, "path_args", None) or []
    return str(arguments[0]) if arguments else ""
