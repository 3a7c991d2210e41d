"""A feedback step nbgrader runs: hidden tests and what they printed never reach a learner.

nbgrader's feedback shows every test cell as graded, hidden tests included, and a failing
hidden test's traceback quotes its source. This preprocessor, configured in
nbgrader_config.py, removes the hidden region from each test cell and, where a cell held
hidden tests, replaces its outputs with one neutral line; scores are untouched.
"""

from __future__ import annotations

from typing import Any

import nbformat
from nbconvert.preprocessors import Preprocessor

from kurskit.grading.cells import BEGIN_HIDDEN, END_HIDDEN

HIDDEN_NOTE = "Hidden tests ran here; their code and output are not shown."


def without_hidden_region(source: str) -> tuple[str, bool]:
    """The source without `### BEGIN/END HIDDEN TESTS` regions, and whether it had one."""
    kept: list[str] = []
    hiding = found = False
    for line in source.splitlines():
        marker = line.strip()
        if marker == BEGIN_HIDDEN:
            hiding = found = True
            continue
        if marker == END_HIDDEN:
            hiding = False
            continue
        if not hiding:
            kept.append(line)
    return "\n".join(kept), found


class HideHiddenTests(Preprocessor):
    """Strip hidden tests and their outputs from notebooks before feedback is rendered."""

    def preprocess_cell(
        self, cell: nbformat.NotebookNode, resources: dict[str, Any], index: int
    ) -> tuple[nbformat.NotebookNode, dict[str, Any]]:
        if cell.cell_type != "code":
            return cell, resources
        source, had_hidden = without_hidden_region(cell.source)
        if had_hidden:
            cell.source = source
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=HIDDEN_NOTE)]
        return cell, resources
