"""A save from JupyterLab changes only what the producer edited: through a real Jupyter server's
contents API (jupytext for MyST), with the configuration kurskit installs."""

from __future__ import annotations

import difflib
import json
import secrets
import shutil
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.browser import ROOT_FLAGS, free_port, jupyter_env, server

REPO = Path(__file__).resolve().parents[2]
COURSE = REPO / "courses" / "kildekritikk"
MYST = "01-informasjonssok.md"
NOTEBOOK = "03-ovelser.ipynb"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.slow


class Contents:
    """The contents API of one running Jupyter server."""

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        request = urllib.request.Request(
            f"{self.base}/api/contents/{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=60) as reply:
            return json.loads(reply.read())


@pytest.fixture(scope="module")
def contents(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Contents, Path]]:
    """A Jupyter server whose root is a copy of the repository's course folder layout (the
    jupytext configuration at the top, the bundled course below it)."""
    folder = tmp_path_factory.mktemp("saving")
    root = folder / "root"
    shutil.copytree(COURSE, root / "courses" / COURSE.name)
    shutil.copy2(REPO / "jupytext.toml", root / "jupytext.toml")
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable, "-m", "jupyter", "server", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        *ROOT_FLAGS,
    ]  # fmt: skip
    env = jupyter_env(folder, f"sqlite:///{folder / 'answers.sqlite'}")
    with server(command, f"{base}/api/status?token={token}", env, folder / "server.log"):
        yield Contents(base, token), root / "courses" / COURSE.name


def test_saving_a_myst_module_changes_only_the_edited_line(
    contents: tuple[Contents, Path],
) -> None:
    api, folder = contents
    before = (folder / MYST).read_text("utf-8")
    model = api.call("GET", f"courses/kildekritikk/{MYST}?type=notebook&content=1")
    cell = next(c for c in model["content"]["cells"] if c["cell_type"] == "markdown")
    first_line = cell["source"].splitlines()[0]
    cell["source"] = cell["source"].replace(first_line, first_line + " (redigert)", 1)
    api.call("PUT", f"courses/kildekritikk/{MYST}",
             {"type": "notebook", "format": "json", "content": model["content"]})  # fmt: skip
    after = (folder / MYST).read_text("utf-8")
    changed = [
        line for line in difflib.unified_diff(before.splitlines(), after.splitlines(), n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]  # fmt: skip
    assert changed == [f"-{first_line}", f"+{first_line} (redigert)"], changed
    assert "kurskit:\n  schema_version: 1" in after  # the module's metadata is kept


def test_saving_a_run_notebook_stores_no_widget_output(contents: tuple[Contents, Path]) -> None:
    api, folder = contents
    before = json.loads((folder / NOTEBOOK).read_text("utf-8"))
    model = api.call("GET", f"courses/kildekritikk/{NOTEBOOK}?type=notebook&content=1")
    notebook = model["content"]
    code = next(c for c in notebook["cells"] if c["cell_type"] == "code")
    # What a run leaves behind: a widget's view in the outputs and JupyterLab's widget state.
    code["outputs"] = [
        {"output_type": "display_data", "metadata": {},
         "data": {WIDGET_VIEW: {"model_id": "abc", "version_major": 2, "version_minor": 0},
                  "text/plain": "QuestionWidget()"}},
    ]  # fmt: skip
    notebook["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {}}
    api.call("PUT", f"courses/kildekritikk/{NOTEBOOK}",
             {"type": "notebook", "format": "json", "content": notebook})  # fmt: skip
    after = json.loads((folder / NOTEBOOK).read_text("utf-8"))
    assert "widgets" not in after["metadata"]
    assert not any(WIDGET_VIEW in o.get("data", {}) for c in after["cells"] for o in
                   c.get("outputs", []))  # fmt: skip
    assert after["cells"] == before["cells"] and after["metadata"] == before["metadata"]


@pytest.mark.parametrize(
    "module",
    sorted(
        p
        for p in [*(REPO / "courses").glob("*/*.md"), *(REPO / "widgets").glob("*.md")]
        if p.name.lower() != "readme.md"
    ),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_every_bundled_module_is_as_jupytext_writes_it(module: Path) -> None:
    """So that the first save from JupyterLab rewrites nothing the producer did not edit
    (write a new module with `kurskit new`, or run it once through jupytext)."""
    import jupytext

    from kurskit.course.notebook import read_notebook_file

    text = module.read_text("utf-8")
    written = jupytext.writes(read_notebook_file(module), fmt="md:myst")
    assert written == text, f"{module} is not in jupytext's form: save it once from JupyterLab"
