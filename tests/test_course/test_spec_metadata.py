"""Question specs kept in cell metadata, and a kernel finding them beside its notebook."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from pydantic import ValidationError

from kurskit.course.redact import parse_learner_cell
from kurskit.course.spec_metadata import find_spec, question_cell_parts

VIEW = {"id": "yes", "type": "true_false", "prompt": "Sant?", "answer": True}


def write(folder: Path, view: dict[str, object], version: int = 1) -> Path:
    source, metadata = question_cell_parts(view)
    metadata["kurskit"]["schema_version"] = version
    path = folder / "modul.ipynb"
    nbformat.write(
        nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source, metadata=metadata)]),
        path,
    )
    return path


def test_the_source_names_the_id_and_the_kernel_reads_the_spec(tmp_path: Path) -> None:
    source, _ = question_cell_parts(VIEW)
    assert source == "%%kurskit\nid: 'yes'"  # quoted: YAML would read a bare yes as true
    write(tmp_path, VIEW)
    assert find_spec("yes", tmp_path) == VIEW
    view, spec = parse_learner_cell({"id": "yes"}, folder=tmp_path)
    assert spec is not None and spec.model_dump()["answer"] is True and "answer" not in view


def test_a_notebook_written_again_is_read_again(tmp_path: Path) -> None:
    write(tmp_path, VIEW)
    assert find_spec("yes", tmp_path)["prompt"] == "Sant?"
    write(tmp_path, {**VIEW, "prompt": "Stemmer det nå, da?"})
    assert find_spec("yes", tmp_path)["prompt"] == "Stemmer det nå, da?"


def test_a_missing_question_or_a_newer_version_is_a_readable_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="no notebook in this folder holds the question"):
        parse_learner_cell({"id": "nei"}, folder=tmp_path)
    write(tmp_path, VIEW, version=2)
    with pytest.raises(ValidationError, match=r"modul\.ipynb: .*version 2; this kurskit reads"):
        find_spec("yes", tmp_path)
