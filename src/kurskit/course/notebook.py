"""Course notebooks (.ipynb or MyST .md) and the question cells declared in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jupytext
import nbformat
from pydantic import ValidationError

from kurskit.course.cells import (
    LOAD_EXTENSION,
    METADATA_KEY,
    is_question_cell,
    magic_lines,
    question_body,
)
from kurskit.course.problems import Problem, problems_from_validation
from kurskit.course.questions import QUESTION_TYPES, Question, parse_question
from kurskit.course.yamlsource import LocatedYaml, YamlSyntaxError, load_located


@dataclass
class QuestionCell:
    """A question declared in a notebook: where it is, and its spec when the spec is valid."""

    cell_index: int
    line: int | None
    spec: Question | None
    source: LocatedYaml | None = None

    @property
    def cell(self) -> int | None:
        """The 1-based cell number a problem names when the cell has no file line (.ipynb)."""
        return None if self.line else self.cell_index + 1


@dataclass
class CourseNotebook:
    """A notebook read from disk with its question cells and any problems found reading it."""

    path: Path
    display_path: str
    notebook: nbformat.NotebookNode | None
    questions: list[QuestionCell] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def specs(self) -> list[Question]:
        return [q.spec for q in self.questions if q.spec is not None]


def read_notebook_file(path: Path) -> nbformat.NotebookNode:
    """Read .ipynb with nbformat or MyST .md with jupytext; raises ValueError with the reason."""
    try:
        if path.suffix == ".ipynb":
            return nbformat.read(path, as_version=4)
        return jupytext.read(path, fmt="md:myst")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(f"cannot read the notebook: {error}") from error


def write_notebook_file(notebook: nbformat.NotebookNode, path: Path) -> None:
    """Write a notebook in the format its file name asks for (.ipynb or MyST .md)."""
    if path.suffix == ".ipynb":
        nbformat.write(notebook, path)
    else:
        # jupytext keeps only its own and the kernel's metadata in the header unless told.
        notebook.metadata.setdefault("jupytext", {})["notebook_metadata_filter"] = METADATA_KEY
        jupytext.write(notebook, path, fmt="md:myst")


def load_notebook(path: Path, display_path: str) -> CourseNotebook:
    """Read a course notebook and parse every question cell in it."""
    try:
        notebook = read_notebook_file(path)
    except ValueError as error:
        return CourseNotebook(
            path, display_path, None, problems=[Problem(display_path, None, "", str(error))]
        )
    result = CourseNotebook(path, display_path, notebook)
    lines = magic_lines(path.read_text("utf-8")) if path.suffix == ".md" else []
    extension_loaded = False
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code" and LOAD_EXTENSION in cell.source:
            extension_loaded = True
        if not is_question_cell(cell):
            continue
        ordinal = len(result.questions)
        magic_line = lines[ordinal] if ordinal < len(lines) else None
        question = _parse_cell(cell, QuestionCell(index, magic_line, None), result)
        result.questions.append(question)
        if not extension_loaded:
            result.problems.append(
                Problem(
                    display_path,
                    magic_line,
                    "",
                    f"a question comes before '{LOAD_EXTENSION}'; add a code cell with that line "
                    "near the top of the notebook",
                    cell=question.cell,
                )
            )
            extension_loaded = True  # say it once
    return result


def _parse_cell(cell: Any, question: QuestionCell, notebook: CourseNotebook) -> QuestionCell:
    """`question` with its spec and YAML source, or without a spec and its problems reported."""
    shown, problems = notebook.display_path, notebook.problems
    try:
        located = load_located(question_body(cell), first_line=_body_line(cell, question))
    except YamlSyntaxError as error:
        problems.append(Problem(shown, error.line, "", str(error), cell=question.cell))
        return question
    question.source = located
    if not isinstance(located.data, dict):
        problems.append(
            Problem(
                shown,
                located.line_of(()),
                "",
                "the question cell needs 'field: value' lines",
                cell=question.cell,
            )
        )
        return question
    try:
        question.spec = parse_question(located.data)
    except ValidationError as error:
        qid = located.data.get("id")
        problems.extend(
            problems_from_validation(
                error,
                file=shown,
                source=located,
                field_prefix=f"question {qid}" if isinstance(qid, str) else "question",
                strip_first="type" in located.data and _known_type(located.data["type"]),
                cell=question.cell,
            )
        )
    return question


def _body_line(cell: Any, question: QuestionCell) -> int:
    """The line the spec starts on: in the file for MyST, else in the cell (from 1 at its top)."""
    if question.line:
        return question.line + 1
    source: str = cell.get("source", "")
    # question_body drops the blank lines before the magic line, and the magic line itself.
    return source[: len(source) - len(source.lstrip())].count("\n") + 2


def _known_type(value: Any) -> bool:
    return isinstance(value, str) and value in QUESTION_TYPES
