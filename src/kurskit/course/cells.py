"""Question cells found in notebook text and JSON, without the cost of importing nbformat."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import yaml

from kurskit.course.yamlsource import load_plain

#: First line of a code cell that declares a question; the rest of the cell is its YAML spec.
QUESTION_MAGIC = "%%kurskit"
#: The line that loads the magic; it must run before the first question cell.
LOAD_EXTENSION = "%load_ext kurskit"
#: Notebook metadata key, and the version of what kurskit keeps under it.
METADATA_KEY = "kurskit"
NOTEBOOK_SCHEMA_VERSION = 1

_FENCE = re.compile(r"^(`{3,}|~{3,})\{code-cell\}")
_ANY_FENCE = re.compile(r"^(`{3,}|~{3,})")


def is_question_cell(cell: Any) -> bool:
    """True for a code cell whose first line is the question magic."""
    if cell.get("cell_type") != "code":
        return False
    first = cell.get("source", "").lstrip().split("\n", 1)[0].strip()
    return bool(first == QUESTION_MAGIC)


def question_body(cell: Any) -> str:
    """The YAML spec of a question cell (everything after the magic line)."""
    source: str = cell.get("source", "").lstrip()
    return source.split("\n", 1)[1] if "\n" in source else ""


def magic_lines(text: str) -> list[int]:
    """1-based lines of the question magic in a MyST file, in cell order.

    Only real code cells count: a `{code-cell}` fence shown as an example inside another
    fenced block (e.g. a ````md block in the gallery) is text, as jupytext reads it.
    """
    return [line for line, _ in _myst_questions(text)]


def _myst_questions(text: str) -> list[tuple[int, str]]:
    """(1-based magic line, YAML body) of each question cell in a MyST file."""
    lines = text.splitlines()
    found: list[tuple[int, str]] = []
    index = 0
    while index < len(lines):
        opening = _ANY_FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        end = _fence_end(lines, index + 1, opening.group(1))
        if _FENCE.match(lines[index]):
            magic = _first_code_line(lines, index + 1)
            if magic is not None and magic < end and lines[magic].strip() == QUESTION_MAGIC:
                found.append((magic + 1, "\n".join(lines[magic + 1 : end])))
        index = end + 1
    return found


def _first_code_line(lines: list[str], index: int) -> int | None:
    """Skip a code cell's options (a --- block or :key: lines) and blank lines."""
    if index < len(lines) and lines[index].strip() == "---":
        index += 1
        while index < len(lines) and lines[index].strip() != "---":
            index += 1
        index += 1
    while index < len(lines) and (lines[index].startswith(":") or not lines[index].strip()):
        index += 1
    return index if index < len(lines) else None


def _fence_end(lines: list[str], index: int, fence: str) -> int:
    """The line closing a fence opened with `fence` (same character, at least as long)."""
    closing = re.compile(rf"^{re.escape(fence[0])}{{{len(fence)},}}\s*$")
    while index < len(lines) and not closing.match(lines[index]):
        index += 1
    return index


def question_ids(path: Path) -> list[str]:
    """The ids declared by a notebook's question cells (.ipynb or MyST .md), unvalidated.

    Fast enough for a kernel starting up; `load_notebook` is the validating reader.
    """
    text = path.read_text("utf-8")
    if path.suffix == ".ipynb":
        cells = json.loads(text).get("cells", [])
        sources = [
            "".join(c["source"]) if isinstance(c.get("source"), list) else c.get("source", "")
            for c in cells
        ]
        bodies = [
            question_body({"source": src})
            for c, src in zip(cells, sources, strict=True)
            if is_question_cell({**c, "source": src})
        ]
    else:
        bodies = [body for _, body in _myst_questions(text)]
    ids = []
    for body in bodies:
        try:
            data = load_plain(body)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            ids.append(data["id"])
    return ids
