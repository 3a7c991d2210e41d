"""The Jupyter configuration kurskit installs: Voilà's MyST hook and JupyterLab's viewers."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest

from kurskit.course.notebook import read_notebook_file
from kurskit.jupyter.voila import myst_notebook

REPO = Path(__file__).resolve().parents[2]
MODULE = REPO / "courses" / "kildekritikk" / "01-informasjonssok.md"
CONFIG = REPO / "jupyter-config"


def as_voila_reads_text(path: Path) -> nbformat.NotebookNode:
    """What standalone Voilà hands the hook for a file in `extension_language_mapping`."""
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    cell = nbformat.v4.new_code_cell(path.read_text("utf-8"))
    return nbformat.v4.new_notebook(cells=[cell], metadata={"kernelspec": kernelspec})


@pytest.mark.parametrize(
    "handler",
    [
        SimpleNamespace(notebook_path=MODULE.name, path_args=[]),  # voila FILE
        SimpleNamespace(notebook_path=[], path_args=[f"kildekritikk/{MODULE.name}"]),  # a folder
    ],
    ids=["one-file", "render-path"],
)
def test_the_hook_reads_a_myst_module_voila_read_as_text(handler: SimpleNamespace) -> None:
    notebook = myst_notebook(handler, notebook=as_voila_reads_text(MODULE), cwd="")
    expected = read_notebook_file(MODULE)
    assert notebook is not None
    assert [c.source for c in notebook.cells] == [c.source for c in expected.cells]
    assert notebook.metadata["kernelspec"]["name"] == "python3"


def test_the_hook_leaves_notebooks_alone() -> None:
    handler = SimpleNamespace(notebook_path=MODULE.name, path_args=[])
    # Under Jupyter Server, jupytext's contents manager has read the module already.
    read_by_jupytext = read_notebook_file(MODULE)
    assert myst_notebook(handler, notebook=read_by_jupytext, cwd="") is None
    one_cell = as_voila_reads_text(MODULE)
    other = SimpleNamespace(notebook_path="script.py", path_args=[])
    assert myst_notebook(other, notebook=one_cell, cwd="") is None


def test_the_installed_configuration_is_the_repository_s() -> None:
    """pyproject's shared-data copies jupyter-config/ into the environment at install time;
    after a change there, `make setup` (or pip install -e .) must run again."""
    for source in (path for path in CONFIG.rglob("*") if path.is_file()):
        installed = Path(sys.prefix) / source.relative_to(CONFIG)
        assert installed.is_file(), f"{installed} is missing: run `make setup`"
        assert installed.read_text("utf-8") == source.read_text("utf-8"), f"{installed} is stale"


def test_jupyterlab_opens_markdown_with_jupytext() -> None:
    overrides = CONFIG / "share/jupyter/lab/settings/overrides.d/kurskit.json"
    viewers = json.loads(overrides.read_text("utf-8"))["@jupyterlab/docmanager-extension:plugin"]
    assert viewers["defaultViewers"]["markdown"] == "Jupytext Notebook"
