"""Question specs kept in cell metadata (the learner edition), and found again from a kernel.

In the learner edition a question cell's source is only the magic and the question's id, so
nothing a learner scrolls past holds a key; the view the kernel needs is in the cell's
metadata under `kurskit`. A kernel cannot see the metadata of the cell it runs, so it reads
the notebooks in its own folder (Jupyter and Voilà start a notebook's kernel there).
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import PydanticCustomError

from kurskit.course.cells import METADATA_KEY, QUESTION_MAGIC

#: Version of what a question cell keeps under `kurskit`; bump it with an upgrade function.
CELL_SCHEMA_VERSION = 1
QUESTION_TAG = "kurskit-question"


def question_cell_parts(view: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(source, metadata) of a question cell holding `view` out of sight.

    The source collapses in JupyterLab (`source_hidden`) and Voilà shows no source at all.
    """
    metadata = {
        "editable": False,
        "deletable": False,
        "jupyter": {"source_hidden": True},
        "tags": [QUESTION_TAG],
        METADATA_KEY: {"schema_version": CELL_SCHEMA_VERSION, "question": view},
    }
    reference = yaml.safe_dump({"id": view["id"]}, allow_unicode=True).rstrip()  # quotes `yes`
    return f"{QUESTION_MAGIC}\n{reference}", metadata


def spec_in_cell(metadata: dict[str, Any]) -> dict[str, Any] | None:
    """The question kept in a cell's metadata, or None; raises ValueError for a newer version."""
    kept = metadata.get(METADATA_KEY)
    if not isinstance(kept, dict) or not isinstance(kept.get("question"), dict):
        return None
    version = kept.get("schema_version")
    if version != CELL_SCHEMA_VERSION:
        raise ValueError(
            f"a question cell has kurskit metadata version {version}; this kurskit reads "
            f"version {CELL_SCHEMA_VERSION} (update kurskit, or write the learner edition again)"
        )
    question: dict[str, Any] = kept["question"]
    return question


def find_spec(question_id: str, folder: Path | None = None) -> dict[str, Any]:
    """The question `question_id` from the cell metadata of the notebooks in `folder` (default:
    the working directory). Raises pydantic.ValidationError, as a bad spec does, when no
    notebook there holds it or one holds metadata of a newer version."""
    start = (folder or Path.cwd()).resolve()
    for path in sorted(start.glob("*.ipynb")):
        try:
            info = path.stat()
            found = _specs_in(path, info.st_mtime_ns, info.st_size).get(question_id)
        except OSError:
            continue
        except ValueError as error:
            raise _question_error(question_id, f"{path.name}: {error}") from None
        if found is not None:
            return found
    raise _question_error(
        question_id,
        f"no notebook in this folder holds the question '{question_id}' in its cell metadata; "
        "a question cell needs its spec (type, prompt …) after the first line",
    )


def _question_error(question_id: str, message: str) -> ValidationError:
    """An error the `%%kurskit` magic shows as it shows a bad spec: `id: <message>`."""
    error_type = PydanticCustomError("question_not_found", "{message}", {"message": message})
    return ValidationError.from_exception_data(
        "Question", [{"type": error_type, "loc": ("id",), "input": question_id}]
    )


@lru_cache(maxsize=32)
def _specs_in(path: Path, mtime_ns: int, size: int) -> dict[str, dict[str, Any]]:
    """question id → spec of every question cell with metadata in one notebook file.

    The file's time and size are part of the cache key: a notebook written again is read again.
    """
    try:
        cells = json.loads(path.read_text("utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return {}
    found: dict[str, dict[str, Any]] = {}
    for cell in cells:
        metadata = cell.get("metadata") if isinstance(cell, dict) else None
        spec = spec_in_cell(metadata) if isinstance(metadata, dict) else None
        if spec is not None and isinstance(spec.get("id"), str):
            found.setdefault(spec["id"], spec)
    return found
