"""`kurskit new`: a course folder with template notebooks showing every question type."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import nbformat
import yaml

from kurskit.course.cells import (
    LOAD_EXTENSION,
    METADATA_KEY,
    NOTEBOOK_SCHEMA_VERSION,
    QUESTION_MAGIC,
)
from kurskit.course.model import COURSE_SCHEMA_VERSION
from kurskit.course.notebook import write_notebook_file
from kurskit.course.yamlsource import dump_readable

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@cache
def template_text(language: str) -> dict[str, Any]:
    """The template strings for one language (nb, nn, sv, da, en)."""
    resource = files("kurskit.course").joinpath(f"data/scaffold/{language}.yml")
    text: dict[str, Any] = yaml.safe_load(resource.read_text("utf-8"))
    return text


def scaffold_course(
    slug: str, *, language: str, root: Path, title: str | None, today: dt.date
) -> Path:
    """Write a new course folder under `root`; refuses to overwrite an existing one."""
    if not SLUG.match(slug):
        raise ValueError(
            f"'{slug}' is not a valid slug: use lower-case letters, digits and -, e.g. kildekritikk"
        )
    folder = root / slug
    if folder.exists():
        raise FileExistsError(f"{folder} already exists; choose another slug or remove it")
    text = template_text(language)
    notebooks = {
        "01-lesson.md": _lesson(text),
        "02-practice.md": _practice(text),
        "03-assessment.md": _assessment(text),
        "04-feedback.md": _survey(text),
    }
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(_course_yml(slug, language, title, text, today), "utf-8")
    for name, notebook in notebooks.items():
        write_notebook_file(notebook, folder / name)
    return folder


def _course_yml(
    slug: str, language: str, title: str | None, text: dict[str, Any], today: dt.date
) -> str:
    data: dict[str, Any] = {
        "schema_version": COURSE_SCHEMA_VERSION,
        "slug": slug,
        "title": title or slug.replace("-", " ").capitalize(),
        "language": language,
        "summary": text["summary"],
        "audience": text["audience"],
        "level": "foundation",
        "duration_minutes": 90,
        "competences": ["1.1", "1.2"],
        "owners": [{"name": text["owner_name"]}],
        "review_by": today + dt.timedelta(days=365),
        "status": "draft",
        "pass_threshold": 0.8,
        "modules": [
            {"file": "01-lesson.md", "title": text["lesson_title"], "kind": "lesson"},
            {"file": "02-practice.md", "title": text["practice_title"], "kind": "practice"},
            {"file": "03-assessment.md", "title": text["assessment_title"], "kind": "assessment"},
            {"file": "04-feedback.md", "title": text["survey_title"], "kind": "survey"},
        ],
        "sessions": [
            {
                "title": text["session_title"],
                "kind": "webinar",
                "link": "https://example.org/webinar",
                "duration_minutes": 60,
                "pre_tasks": ["01-lesson.md"],
                "post_tasks": ["02-practice.md"],
            }
        ],
    }
    return dump_readable(data)


def _notebook(title: str, intro: str, cells: list[nbformat.NotebookNode]) -> nbformat.NotebookNode:
    load = nbformat.v4.new_code_cell(LOAD_EXTENSION, metadata={"tags": ["remove-cell"]})
    notebook = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_markdown_cell(f"# {title}\n\n{intro.strip()}"), load, *cells],
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            METADATA_KEY: {"schema_version": NOTEBOOK_SCHEMA_VERSION},
        },
    )
    return notebook


def _question(hint: str, spec: dict[str, Any]) -> nbformat.NotebookNode:
    body = dump_readable(spec)  # code and long texts as blocks, as a person would write them
    return nbformat.v4.new_code_cell(f"{QUESTION_MAGIC}\n# {hint}\n{body.rstrip()}")


def _options(texts: list[str], feedback: list[str] | None = None) -> list[Any]:
    if not feedback:
        return list(texts)
    return [{"text": t, "feedback": f} for t, f in zip(texts, feedback, strict=True)]


def _lesson(text: dict[str, Any]) -> nbformat.NotebookNode:
    single, multiple = text["single_choice"], text["multiple_choice"]
    true_false, numeric = text["true_false"], text["numeric"]
    return _notebook(
        text["lesson_title"],
        text["lesson_intro"] + "\n" + text["how_to"],
        [
            _question(
                text["hint_single_choice"],
                {
                    "id": "lesson-single",
                    "type": "single_choice",
                    "prompt": single["prompt"],
                    "options": _options(single["options"], single["feedback"]),
                    "answer": "b",
                },
            ),
            _question(
                text["hint_multiple_choice"],
                {
                    "id": "lesson-multiple",
                    "type": "multiple_choice",
                    "prompt": multiple["prompt"],
                    "options": _options(multiple["options"]),
                    "answer": ["a", "b", "d"],
                },
            ),
            _question(
                text["hint_true_false"],
                {
                    "id": "lesson-true-false",
                    "type": "true_false",
                    "prompt": true_false["prompt"],
                    "answer": False,
                    "feedback": {
                        "incorrect": true_false["explanation"],
                        "correct": true_false["explanation"],
                    },
                },
            ),
            _question(
                text["hint_numeric"],
                {
                    "id": "lesson-numeric",
                    "type": "numeric",
                    "prompt": numeric["prompt"],
                    "answer": 170,
                    "tolerance": 0,
                },
            ),
        ],
    )


def _practice(text: dict[str, Any]) -> nbformat.NotebookNode:
    short, ordering, likert = text["short_text"], text["ordering"], text["likert"]
    poll, code, reflection = text["poll"], text["code"], text["reflection"]
    function = code["function"]
    return _notebook(
        text["practice_title"],
        text["practice_intro"],
        [
            _question(
                text["hint_short_text"],
                {
                    "id": "practice-short-text",
                    "type": "short_text",
                    "prompt": short["prompt"],
                    "accept": [short["answer"]],
                },
            ),
            _question(
                text["hint_ordering"],
                {
                    "id": "practice-ordering",
                    "type": "ordering",
                    "prompt": ordering["prompt"],
                    "items": list(ordering["items"]),
                },
            ),
            _question(
                text["hint_likert"],
                {
                    "id": "practice-likert",
                    "type": "likert",
                    "prompt": likert["prompt"],
                    "scale": list(likert["scale"]),
                    "competence": "1.2",
                },
            ),
            _question(
                text["hint_reflection"],
                {"id": "practice-reflection", "type": "reflection", "prompt": reflection["prompt"]},
            ),
            _question(
                text["hint_poll"],
                {
                    "id": "practice-poll",
                    "type": "poll",
                    "prompt": poll["prompt"],
                    "options": list(poll["options"]),
                },
            ),
            _question(
                text["hint_code"],
                {
                    "id": "practice-code",
                    "type": "code",
                    "prompt": code["prompt"],
                    "starter": f"def {function}(words):\n    ...\n",
                    "solution": f"def {function}(words):\n    return ' AND '.join(words)\n",
                    "tests": f"assert isinstance({function}(['a']), str)\n"
                    f"assert {function}(['a', 'b']) == 'a AND b'\n",
                    "hidden_tests": f"assert {function}([]) == ''\n"
                    f"assert {function}(['x', 'y', 'z']) == 'x AND y AND z'\n",
                },
            ),
        ],
    )


def _assessment(text: dict[str, Any]) -> nbformat.NotebookNode:
    single, reflection = text["assessment_single"], text["assessment_reflection"]
    return _notebook(
        text["assessment_title"],
        text["assessment_intro"],
        [
            _question(
                text["hint_single_choice"],
                {
                    "id": "test-single",
                    "type": "single_choice",
                    "prompt": single["prompt"],
                    "options": list(single["options"]),
                    "answer": "b",
                    "graded": True,
                    "points": 2,
                },
            ),
            _question(
                text["hint_reflection"],
                {
                    "id": "test-reflection",
                    "type": "reflection",
                    "prompt": reflection["prompt"],
                    "graded": True,
                    "points": 3,
                    "min_words": 20,
                },
            ),
        ],
    )


def _survey(text: dict[str, Any]) -> nbformat.NotebookNode:
    return _notebook(
        text["survey_title"],
        text["survey_intro"],
        [
            _question(
                text["hint_feedback"],
                {"id": "course-feedback", "type": "feedback", "prompt": text["feedback"]["prompt"]},
            ),
        ],
    )
