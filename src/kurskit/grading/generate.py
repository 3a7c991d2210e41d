"""Assessment modules → nbgrader source assignments, and nbgrader_config.py from the course.

Steps for each cell of an assessment notebook, in this order:
1. a code exercise becomes a locked prompt, an answer cell and a locked test cell with the
   visible tests (its hidden tests go to `kurskit/hidden_tests.json` in the course root, never
   into a notebook: the autograder runs them outside the learner's kernel);
2. a graded reflection becomes a locked prompt and a Markdown answer cell graded by hand;
3. any other question cell keeps only its learner view (no key) and is locked; a graded one is
   an nbgrader grade cell worth its points, which `kurskit grade autograde` fills in from the
   learner's answer in the answer store, scored with `score()` (the specs with their keys are
   written to `kurskit/questions.json` in the course root, never into a notebook);
4. every other cell is locked as read-only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import yaml

from kurskit.course.cells import is_question_cell, question_body
from kurskit.course.context_file import write_context_file
from kurskit.course.loading import LoadedCourse
from kurskit.course.model import ModuleKind
from kurskit.course.notebook import read_notebook_file
from kurskit.course.questions import CodeExercise, Reflection, parse_question
from kurskit.course.redact import learner_view
from kurskit.grading.cells import (
    answer_cell,
    manual_answer_cell,
    read_only,
    scored_question_cell,
    tests_cell,
)
from kurskit.i18n import translate

CONFIG_FILE = "nbgrader_config.py"
#: Graded widget questions with their keys, for the autograder (instructor side only).
QUESTIONS_FILE = Path("kurskit") / "questions.json"
#: Hidden tests of code exercises by assignment and test cell, for the autograder (ditto).
HIDDEN_TESTS_FILE = Path("kurskit") / "hidden_tests.json"


@dataclass(frozen=True)
class SourceAssignment:
    """One generated assignment: its nbgrader name and its notebook."""

    name: str
    notebook: Path


def assignment_name(module_file: str) -> str:
    """The nbgrader assignment name of a module: its file name without the suffix."""
    return Path(module_file).stem


def source_notebook(notebook: nbformat.NotebookNode, language: str) -> nbformat.NotebookNode:
    """The nbgrader source version of an assessment notebook (see the module docstring)."""
    cells: list[nbformat.NotebookNode] = []
    for index, cell in enumerate(notebook.cells):
        if not is_question_cell(cell):
            cells.append(read_only(cell, f"cell-{index + 1}"))
            continue
        spec = parse_question(yaml.safe_load(question_body(cell)))
        prompt = nbformat.v4.new_markdown_cell(spec.prompt)
        if isinstance(spec, CodeExercise):
            note = translate("hidden_tests_note", language) if spec.hidden_tests.strip() else ""
            if spec.starter.strip():
                prompt.source += f"\n\n```python\n{spec.starter.rstrip()}\n```"
            cells += [
                read_only(prompt, f"{spec.id}-prompt"),
                answer_cell(f"{spec.id}-answer", spec.solution),
                tests_cell(f"{spec.id}-tests", spec.tests, spec.points, note),
            ]
        elif isinstance(spec, Reflection) and spec.graded:
            cells += [
                read_only(prompt, f"{spec.id}-prompt"),
                manual_answer_cell(f"{spec.id}-answer", spec.points),
            ]
        else:
            view = yaml.safe_dump(learner_view(spec), allow_unicode=True, sort_keys=False)
            question = nbformat.v4.new_code_cell(f"%%kurskit\n{view.rstrip()}")
            if spec.graded:
                cells.append(scored_question_cell(question, spec.id, spec.points))
            else:
                cells.append(read_only(question, spec.id))
    copy = nbformat.v4.new_notebook(cells=cells, metadata=dict(notebook.metadata))
    copy.metadata.pop("jupytext", None)
    return copy


def generate_assignments(loaded: LoadedCourse, grading_root: Path) -> list[SourceAssignment]:
    """Write source/<assignment>/<notebook>.ipynb for each assessment module, and the config."""
    course = loaded.course
    if course is None:
        raise ValueError(f"{loaded.folder} has errors; run `kurskit check` first")
    written = []
    scored: dict[str, dict[str, Any]] = {}
    hidden: dict[str, dict[str, Any]] = {}
    for module in course.modules:
        if module.kind is not ModuleKind.assessment:
            continue
        name = assignment_name(module.file)
        target = grading_root / "source" / name / f"{name}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        notebook = read_notebook_file(loaded.folder / module.file)
        nbformat.write(source_notebook(notebook, course.language), target)
        write_context_file(target.parent, course, {target.name: module})
        written.append(SourceAssignment(name, target))
        scored[name] = {"module": module.file, "questions": _store_scored(notebook)}
        hidden[name] = _hidden_tests(notebook)
    (grading_root / CONFIG_FILE).write_text(nbgrader_config(course.slug), "utf-8")
    _write_json(grading_root / QUESTIONS_FILE, {"course": course.slug, "assignments": scored})
    _write_json(grading_root / HIDDEN_TESTS_FILE, {"course": course.slug, "assignments": hidden})
    return written


def _write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")


def _store_scored(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """grade id → full spec of each graded question answered in a widget."""
    specs = {}
    for cell in notebook.cells:
        if is_question_cell(cell):
            spec = parse_question(yaml.safe_load(question_body(cell)))
            if spec.graded and not isinstance(spec, CodeExercise | Reflection):
                specs[spec.id] = spec.model_dump(mode="json")
    return specs


def _hidden_tests(notebook: nbformat.NotebookNode) -> dict[str, Any]:
    """Test cell grade id → hidden tests and time limit of each code exercise that has them."""
    found = {}
    for cell in notebook.cells:
        if is_question_cell(cell):
            spec = parse_question(yaml.safe_load(question_body(cell)))
            if isinstance(spec, CodeExercise) and spec.hidden_tests.strip():
                found[f"{spec.id}-tests"] = {"source": spec.hidden_tests, "timeout": spec.timeout}
    return found


def nbgrader_config(course_id: str) -> str:
    """nbgrader_config.py for one course, with the exchange on local disk beside it."""
    return f'''"""nbgrader settings of the course {course_id} (from `kurskit grade generate`)."""

from pathlib import Path

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file
here = Path(__file__).resolve().parent
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = str(here)
c.Exchange.root = str(here / "exchange")
c.Exchange.path_includes_course = True
# Feedback never shows hidden tests or their output (nbgrader shows both by default). Set on
# the exporter: nbgrader 0.9.6 ignores GenerateFeedback.preprocessors from config.
c.HTMLExporter.preprocessors = ["kurskit.grading.feedback.HideHiddenTests"]
'''
