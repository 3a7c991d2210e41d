"""The learner edition: every module of a course as a learner gets it, as .ipynb, with no key.

Steps for each cell of a module, in this order:
1. a question cell keeps only its learner view (`learner_view`: a graded question without its
   key, a code exercise without solution and hidden tests, a practice question with its key
   for instant feedback), kept in the cell's metadata with the source reduced to the magic and
   the id, collapsed and locked (`kurskit.course.spec_metadata`);
2. a code exercise is followed by a code cell with its starter code, where the learner writes;
3. every other cell is copied without outputs (a saved output may show anything its author
   ran).
Cell ids are numbered by position and nothing else varies, so the same course gives the same
bytes. Each course's folder gets a key-free course.yml (`kurskit.course.context_file`) and the
images beside its notebooks; no other file of the course source is copied.
"""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import nbformat

from kurskit.course.cells import is_question_cell, question_body
from kurskit.course.context_file import write_context_file
from kurskit.course.loading import LoadedCourse, find_course_folders, load_course
from kurskit.course.model import COURSE_FILE, Module, Status
from kurskit.course.questions import CodeExercise, Likert, parse_question_text
from kurskit.course.redact import learner_view
from kurskit.course.spec_metadata import question_cell_parts

ANSWER_TAG = "kurskit-answer"
#: Files copied from a course folder besides its notebooks: images the notebooks show.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})
#: Notebook metadata not carried over: the MyST reader's own, and saved widget state.
_DROPPED_METADATA = ("jupytext", "widgets")


@dataclass(frozen=True)
class EditionCourse:
    """One course's learner edition: its slug, its folder and the notebooks written there."""

    slug: str
    folder: Path
    notebooks: list[Path]


def edition_notebook(module_file: str) -> str:
    """The learner edition's file of a module: the module's path in its course, as .ipynb."""
    return Path(module_file).with_suffix(".ipynb").as_posix()


def select_edition_courses(paths: Sequence[Path]) -> list[LoadedCourse]:
    """The courses `paths` name: a course folder (or its course.yml) whatever its status; a
    folder of course folders, its published ones. Raises ValueError for a path without a
    course, or listing the errors of a course."""
    chosen: list[LoadedCourse] = []
    for given in paths:
        path = Path(given).parent if Path(given).name == COURSE_FILE else Path(given)
        named = (path / COURSE_FILE).is_file()
        folders = find_course_folders(path)
        if not folders:
            raise ValueError(f"{given}: no course here (a folder with {COURSE_FILE}, or of those)")
        for folder in folders:
            loaded = load_course(folder)
            errors = [str(p) for p in loaded.problems if p.severity == "error"]
            if errors or loaded.course is None:
                raise ValueError(f"{folder} has errors:\n" + "\n".join(errors))
            if named or loaded.course.status is Status.published:
                chosen.append(loaded)
    return chosen


def learner_notebook(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A module notebook as a learner gets it (see the module docstring)."""
    cells: list[nbformat.NotebookNode] = []
    for cell in notebook.cells:
        if not is_question_cell(cell):
            cells.append(_without_outputs(cell))
            continue
        spec = parse_question_text(question_body(cell))
        source, metadata = question_cell_parts(learner_view(spec))
        cells.append(nbformat.v4.new_code_cell(source, metadata=metadata))
        if isinstance(spec, CodeExercise):
            answer = nbformat.v4.new_code_cell(spec.starter.rstrip())
            answer.metadata["tags"] = [ANSWER_TAG]
            cells.append(answer)
    for position, cell in enumerate(cells):
        cell["id"] = f"cell-{position + 1}"
    metadata = {k: v for k, v in notebook.metadata.items() if k not in _DROPPED_METADATA}
    return nbformat.v4.new_notebook(cells=cells, metadata=metadata)


def write_learner_edition(loaded: LoadedCourse, out: Path) -> EditionCourse:
    """Write the course's learner edition into `out/<slug>/`, replacing files written there
    before (a learner's own files are left alone); raises ValueError when the course has
    errors or the folder is its own source."""
    course = loaded.course
    if course is None or not loaded.ok:
        raise ValueError(f"{loaded.folder} has errors; run `kurskit check` first")
    folder = Path(out) / course.slug
    _refuse_source(folder, loaded.folder)
    modules: dict[str, Module] = {}
    notebooks: list[Path] = []
    for module in course.modules:
        name = edition_notebook(module.file)
        if name in modules:
            raise ValueError(
                f"{loaded.folder}: {modules[name].file} and {module.file} would both be {name}"
            )
        modules[name] = module
        source = loaded.notebooks[module.file].notebook
        assert source is not None  # an unreadable notebook is an error of the course
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(learner_notebook(source), target)
        notebooks.append(target)
    rated = {
        spec.id: spec.competence
        for _, spec in loaded.questions()
        if isinstance(spec, Likert) and spec.competence
    }
    write_context_file(folder, course, modules, rated)
    _copy_images(loaded.folder, folder)
    return EditionCourse(course.slug, folder, notebooks)


def _without_outputs(cell: nbformat.NotebookNode) -> nbformat.NotebookNode:
    copy = nbformat.from_dict(cell)
    if copy.cell_type == "code":
        copy.outputs = []
        copy.execution_count = None
    return copy


def _refuse_source(folder: Path, source: Path) -> None:
    target, origin = folder.resolve(), source.resolve()
    if target == origin or origin in target.parents or target in origin.parents:
        raise ValueError(
            f"the learner edition would be written into {target}, which holds the course "
            f"source {origin}; choose another output folder"
        )


def course_images(source: Path) -> list[Path]:
    """The images a course's notebooks may show: image files in its folder, outside hidden
    and underscore folders, relative to it."""
    found = []
    for path in sorted(source.rglob("*")):
        relative = path.relative_to(source)
        hidden = any(part.startswith((".", "_")) for part in relative.parts)
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES and not hidden:
            found.append(relative)
    return found


def _copy_images(source: Path, folder: Path) -> None:
    for relative in course_images(source):
        target = folder / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / relative, target)
