"""Spare kernels: a notebook executed where a spare waits runs on it, with the same result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from kurskit.book.kernels import SpareKernels

pytestmark = pytest.mark.slow


def notebook() -> Any:
    return nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("import os\nprint(os.getcwd())")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    )


def test_a_notebook_runs_on_the_spare_started_in_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import psutil
    from jupyter_cache.executors import utils

    started_by_nbclient: list[str | None] = []
    real = utils.executenb

    def nbclient_way(nb: Any, cwd: str | None = None, **options: Any) -> Any:
        started_by_nbclient.append(cwd)
        return real(nb, cwd=cwd, **options)

    monkeypatch.setattr(utils, "executenb", nbclient_way)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    kernels = SpareKernels()
    try:
        kernels.prepare(("python3", str(tmp_path)))  # runs at once: the kernel is still starting
        with kernels.lend():
            first = utils.executenb(notebook(), cwd=str(tmp_path), timeout=60)
            second = utils.executenb(notebook(), cwd=str(elsewhere), timeout=60)
        assert first.cells[0].outputs[0]["text"].strip() == str(tmp_path.resolve())
        assert second.cells[0].outputs[0]["text"].strip() == str(elsewhere.resolve())
        # The first ran on the spare, the second (another folder, spare used up) as nbclient does.
        assert started_by_nbclient == [str(elsewhere)]
        assert utils.executenb is nbclient_way  # lend() gives the function back
        kernels.prepare(None)  # a spare where the last notebook ran
    finally:
        kernels.close()
    kernels_left = [
        child
        for child in psutil.Process().children(recursive=True)
        if child.is_running() and "ipykernel" in " ".join(child.cmdline())
    ]
    assert kernels_left == []
