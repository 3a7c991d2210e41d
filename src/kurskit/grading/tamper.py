"""Put a submitted notebook back into the shape it was released in, and say what the learner
changed that they were not meant to.

Learners own their notebook file, so anything in it may be forged. Cells are matched to the
released notebook by nbgrader grade id. Answer cells keep the learner's source but get their
released metadata back (points, grade and lock flags cannot be forged); locked cells come back
exactly as released, and deleted ones are put back where they were. Cells the learner added
are kept and run, as nbgrader runs them. Comparing with the *released* notebook, not the
instructor's source as nbgrader does, means hidden tests do not make every learner look like
they tampered with a test cell, so real tampering stands out.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass
from typing import Any

import nbformat

#: nbgrader metadata a learner must not change.
GUARDED_KEYS = ("grade", "solution", "locked", "task", "points", "grade_id")


@dataclass(frozen=True)
class Tampering:
    """One change the learner was not meant to make."""

    cell: str
    what: str

    def __str__(self) -> str:
        return f"cell {self.cell}: {self.what}"


def grade_id(cell: Any) -> str | None:
    """A cell's nbgrader grade id, if its metadata holds a well-formed one."""
    metadata = cell.get("metadata") if isinstance(cell, dict) else None
    nbgrader = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    value = nbgrader.get("grade_id") if isinstance(nbgrader, dict) else None
    return value if isinstance(value, str) and value else None


def _guarded(cell: Any) -> dict[str, Any]:
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    if not isinstance(nbgrader, dict):
        return {}
    return {key: nbgrader.get(key) for key in GUARDED_KEYS}


def _is_answer(cell: Any) -> bool:
    nbgrader = cell.metadata.get("nbgrader", {})
    return bool(nbgrader.get("solution")) and not nbgrader.get("locked")


def _free(cell: Any) -> nbformat.NotebookNode:
    """A learner's own cell, without any nbgrader metadata it may claim."""
    kept = nbformat.from_dict(copy.deepcopy(dict(cell)))
    kept.metadata.pop("nbgrader", None)
    return kept


def restore(
    submitted: nbformat.NotebookNode, released: nbformat.NotebookNode
) -> tuple[nbformat.NotebookNode, list[Tampering]]:
    """The notebook to grade, and each change to locked cells or grading metadata."""
    wanted = {gid: cell for cell in released.cells if (gid := grade_id(cell))}
    order = [gid for cell in released.cells if (gid := grade_id(cell))]
    found: list[Tampering] = []
    out: list[nbformat.NotebookNode] = []
    placed: dict[str, int] = {}
    for cell in submitted.cells:
        gid = grade_id(cell)
        if gid is None or gid not in wanted or gid in placed:
            if gid is not None and gid in placed:
                found.append(
                    Tampering(gid, "a copy of this cell was added; it runs as an ordinary cell")
                )
            elif gid is not None:
                found.append(Tampering(gid, "grading metadata that was never released; removed"))
            out.append(_free(cell))
            continue
        original = wanted[gid]
        kept = nbformat.from_dict(copy.deepcopy(dict(original)))
        if _guarded(cell) != _guarded(original) or cell.get("cell_type") != original.cell_type:
            found.append(Tampering(gid, "its grading metadata was changed; restored"))
        if _is_answer(original):
            source = cell.get("source", "")
            kept.source = source if isinstance(source, str) else "".join(map(str, source))
        elif cell.get("source") != original.source:
            found.append(Tampering(gid, "this locked cell was edited; restored as released"))
        placed[gid] = len(out)
        out.append(kept)
    for position, gid in enumerate(order):
        if gid in placed:
            continue
        original = wanted[gid]
        what = "answer cell" if _is_answer(original) else "locked cell"
        found.append(Tampering(gid, f"this {what} was deleted; put back as released"))
        before = [placed[g] for g in order[:position] if g in placed]
        at = max(before) + 1 if before else 0
        out.insert(at, nbformat.from_dict(copy.deepcopy(dict(original))))
        placed = {g: (i + 1 if i >= at else i) for g, i in placed.items()}
        placed[gid] = at
    seen: set[str] = set()
    for cell in out:  # a copied cell brings its id along: cell ids must stay unique
        if "id" not in cell:
            continue  # nbformat 4.4 has no cell ids
        if cell["id"] in seen or not isinstance(cell["id"], str):
            cell["id"] = uuid.uuid4().hex[:8]
        seen.add(cell["id"])
    rebuilt = nbformat.from_dict(copy.deepcopy(dict(released)))
    rebuilt.cells = out
    return rebuilt, found
