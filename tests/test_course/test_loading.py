"""Loading course folders: every problem names its file, line and field."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest

from kurskit.course import load_course
from kurskit.course.loading import LoadedCourse
from kurskit.course.problems import Problem
from tests.factories import COURSE_YML, GRADED_TF, LESSON_MD, CourseFactory, ipynb_with, md_question


def only(problems: list[Problem], severity: str = "error") -> list[Problem]:
    return [p for p in problems if p.severity == severity]


def line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_valid_course_loads_with_questions_from_both_formats(
    make_course: CourseFactory, today: dt.date
) -> None:
    loaded = load_course(make_course(), today=today)
    assert loaded.problems == []
    assert loaded.course is not None and loaded.course.title == "Demokurs"
    assert [(f, q.id) for f, q in loaded.questions()] == [
        ("lesson.md", "q-single"),
        ("test.ipynb", "q-graded"),
    ]


@pytest.mark.parametrize(
    ("replace", "by", "field", "words"),
    [
        ("language: nb", "language: no", "language", "'nb', 'nn', 'sv', 'da' or 'en'"),
        ("level: foundation", "level: expert", "level", "foundation"),
        ('competences: ["1.1", "1.2"]', 'competences: ["1.1", "9.9"]', "competences", "9.9"),
        ("review_by: 2099-01-01", "review_by: 2099-13-01", "review_by", "date"),
        ("title: Demokurs", "titel: Demokurs", "titel", "unknown field"),
        ("    kind: assessment", "    kind: exam", "modules[1].kind", "lesson"),
        ("pass_threshold: 0.8", "pass_threshold: 80", "pass_threshold", "0.8"),
        (
            "    link: https://example.org/meet",
            "    link: x\n    date: soon",
            "sessions[0].date",
            "datetime",
        ),
    ],
)
def test_course_file_error_names_file_line_and_field(
    make_course: CourseFactory, today: dt.date, replace: str, by: str, field: str, words: str
) -> None:
    text = COURSE_YML.replace(replace, by)
    assert text != COURSE_YML
    folder = make_course(course_yml=text)
    errors = only(load_course(folder, today=today).problems)
    expected_line = line_of(text, by.split("\n")[-1].strip())
    match = [p for p in errors if p.field == field]
    assert match, errors
    assert match[0].line == expected_line
    assert match[0].file.endswith("demo/course.yml")
    assert words in match[0].message
    assert f"course.yml:{expected_line}: error: {field}:" in str(match[0])


def test_missing_required_field_points_at_the_parent(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("  - name: Kari Nordmann\n", "  - email: kari@example.org\n")
    errors = only(load_course(make_course(course_yml=text)).problems)
    assert [(p.field, p.line, p.message) for p in errors] == [
        ("owners[0].name", line_of(text, "kari@example.org"), "this required field is missing")
    ]


def test_yaml_syntax_error_has_line(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("summary: Et lite kurs for testene.", "summary: [unclosed")
    errors = only(load_course(make_course(course_yml=text)).problems)
    assert len(errors) == 1 and "not valid YAML" in errors[0].message
    assert errors[0].line is not None and errors[0].line >= line_of(text, "summary:")


def test_missing_notebook(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("file: test.ipynb", "file: gone.ipynb")
    errors = only(load_course(make_course(course_yml=text)).problems)
    assert any(
        p.field == "modules[1].file"
        and p.line == line_of(text, "gone.ipynb")
        and "does not exist" in p.message
        for p in errors
    ), errors


def test_session_task_must_be_a_module(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("pre_tasks: [lesson.md]", "pre_tasks: [lesosn.md]")
    errors = only(load_course(make_course(course_yml=text)).problems)
    assert [(p.field, p.line) for p in errors] == [
        ("sessions[0].pre_tasks[0]", line_of(text, "lesosn.md"))
    ]


def test_assessment_needs_pass_threshold(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("pass_threshold: 0.8\n", "")
    errors = only(load_course(make_course(course_yml=text)).problems)
    assert [p.field for p in errors] == ["pass_threshold"]


def test_slug_must_match_folder(make_course: CourseFactory) -> None:
    errors = only(load_course(make_course(slug="other")).problems)
    assert [p.field for p in errors] == ["slug"]


def test_duplicate_question_ids_across_notebooks(make_course: CourseFactory) -> None:
    duplicate = GRADED_TF.replace("q-graded", "q-single")
    folder = make_course(files={"test.ipynb": ipynb_with(duplicate)})
    errors = only(load_course(folder).problems)
    assert len(errors) == 1
    assert errors[0].file.endswith("test.ipynb")
    assert "already used at" in errors[0].message and "lesson.md:" in errors[0].message


def test_answer_key_not_matching_options_in_myst_names_line(make_course: CourseFactory) -> None:
    lesson = LESSON_MD.replace("answer: b", "answer: d")
    errors = only(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert len(errors) == 1
    problem = errors[0]
    assert problem.file.endswith("lesson.md")
    assert problem.line == line_of(lesson, "answer: d")
    assert problem.field == "question q-single.answer"
    assert "option 'd'" in problem.message and "a, b" in problem.message


def test_question_field_error_in_myst_has_exact_line(make_course: CourseFactory) -> None:
    lesson = md_question(
        """\
        id: q-num
        type: numeric
        prompt: Hvor mange?
        answer: many
        """
    )
    errors = only(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert [(p.field, p.line) for p in errors] == [
        ("question q-num.answer", line_of(lesson, "answer: many"))
    ]


def test_unknown_question_type(make_course: CourseFactory) -> None:
    lesson = md_question("id: q-x\ntype: essay\nprompt: Skriv.\n")
    errors = only(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert len(errors) == 1 and "unknown question type" in errors[0].message
    assert "single_choice" in errors[0].message


def test_ipynb_question_error_names_cell(make_course: CourseFactory) -> None:
    bad = "%%kurskit\nid: q-bad\ntype: true_false\nprompt: Ja?\nanswer: kanskje\ngraded: true\n"
    errors = only(load_course(make_course(files={"test.ipynb": ipynb_with(bad)})).problems)
    assert [(p.cell, p.line, p.field) for p in errors] == [(2, 5, "question q-bad.answer")]
    assert errors[0].file.endswith("test.ipynb")


def test_question_before_extension_is_an_error(make_course: CourseFactory) -> None:
    notebook = ipynb_with(GRADED_TF)
    notebook.cells.pop(0)
    errors = only(load_course(make_course(files={"test.ipynb": notebook})).problems)
    assert len(errors) == 1 and "%load_ext kurskit" in errors[0].message


def test_unreadable_notebook(make_course: CourseFactory) -> None:
    errors = only(load_course(make_course(files={"test.ipynb": "{not json"})).problems)
    assert len(errors) == 1 and "cannot read the notebook" in errors[0].message


def test_overdue_review_is_a_warning_only(make_course: CourseFactory) -> None:
    loaded = load_course(make_course(), today=dt.date(2100, 1, 1))
    assert loaded.ok
    warnings = only(loaded.problems, "warning")
    assert [p.field for p in warnings] == ["review_by"]


def test_unlisted_notebook_is_a_warning(make_course: CourseFactory) -> None:
    folder = make_course(files={"extra.md": LESSON_MD.replace("q-single", "q-extra")})
    loaded = load_course(folder, today=dt.date(2026, 1, 1))
    assert loaded.ok
    assert [Path(p.file).name for p in only(loaded.problems, "warning")] == ["extra.md"]


def test_assessment_without_graded_question_warns(make_course: CourseFactory) -> None:
    ungraded = GRADED_TF.replace("graded: true\n", "")
    loaded = load_course(make_course(files={"test.ipynb": ipynb_with(ungraded)}))
    assert loaded.ok
    assert [p.field for p in only(loaded.problems, "warning")] == ["modules[1].kind"]


def test_competence_written_as_number_is_accepted(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace('competences: ["1.1", "1.2"]', "competences: [1.1, 1.2]")
    loaded = load_course(make_course(course_yml=text))
    assert loaded.ok and loaded.course is not None
    assert loaded.course.competences == ["1.1", "1.2"]


def test_a_read_cache_reads_only_files_changed_since(
    make_course: CourseFactory, today: dt.date
) -> None:
    from kurskit.course.loading import ReadCache

    folder = make_course()
    cache: ReadCache = {}
    first = load_course(folder, today=today, notebooks=cache)
    again = load_course(folder, today=today, notebooks=cache)
    assert again is first  # no file in the folder changed: the course is not loaded again
    assert load_course(folder, today=today + dt.timedelta(days=1), notebooks=cache) is not first
    assert again.notebooks["lesson.md"] is first.notebooks["lesson.md"]  # not read again
    lesson = folder / "lesson.md"
    lesson.write_text(lesson.read_text("utf-8") + "\nEn ny linje.\n", "utf-8")
    edited = load_course(folder, today=today, notebooks=cache)
    assert edited.notebooks["lesson.md"] is not first.notebooks["lesson.md"]
    assert "En ny linje." in edited.notebooks["lesson.md"].notebook.cells[-1].source
    assert edited.notebooks["test.ipynb"] is first.notebooks["test.ipynb"]
    course_file = folder / "course.yml"
    read_before = cache[course_file][1]
    load_course(folder, today=today, notebooks=cache)
    assert cache[course_file][1] is read_before  # course.yml not parsed again
    text = course_file.read_text("utf-8")
    assert "summary: Et lite kurs for testene." in text
    course_file.write_text(
        text.replace("Et lite kurs for testene.", "Et nytt sammendrag."), "utf-8"
    )
    changed = load_course(folder, today=today, notebooks=cache)
    assert changed.course is not None and changed.course.summary == "Et nytt sammendrag."


def read_alike(loaded: LoadedCourse) -> tuple[Any, ...]:
    """What a course was read as, without the cell ids jupytext invents at every read."""
    notebooks = [
        (file, nb.display_path, nb.specs, nb.problems, [c.source for c in nb.notebook.cells])
        for file, nb in loaded.notebooks.items()
        if nb.notebook is not None
    ]
    return loaded.folder, loaded.course, notebooks, loaded.problems


def test_courses_loaded_in_forked_processes_are_the_courses_loaded_here(
    make_course: CourseFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurskit.course import loading

    def course(slug: str, text: str = COURSE_YML) -> Path:
        return make_course(text.replace("slug: demo", f"slug: {slug}"), slug=slug)

    folders = [course(f"kurs{number}") for number in range(5)]
    folders.append(course("feil", COURSE_YML.replace("level: foundation", "level: x")))
    processes = tmp_path / "processes"
    processes.mkdir()
    identify = loading._folder_identity

    def noting_the_process(folder: Path) -> Any:
        (processes / str(os.getpid())).touch()
        return identify(folder)

    monkeypatch.setattr(loading, "_folder_identity", noting_the_process)
    cache: loading.ReadCache = {}
    shared = loading.load_courses(folders, notebooks=cache, workers=2)

    assert len(list(processes.iterdir())) == 2  # this one and a forked one
    assert [read_alike(c) for c in shared] == [read_alike(load_course(f)) for f in folders]
    assert not only(shared[0].problems)
    assert [p.line for p in only(shared[-1].problems)] == [line_of(COURSE_YML, "level:")]
    # What they read is kept as `load_course` keeps it: nothing is read again.
    assert load_course(folders[1], notebooks=cache) is shared[1]
    assert cache[folders[1] / "lesson.md"][1] is shared[1].notebooks["lesson.md"]


def test_one_default_pass_threshold(make_course: CourseFactory) -> None:
    from kurskit.course.model import DEFAULT_PASS_THRESHOLD

    course = load_course(make_course()).course
    assert course is not None and course.threshold == 0.8
    lenient = course.model_copy(update={"pass_threshold": None})
    assert lenient.threshold == DEFAULT_PASS_THRESHOLD == 1.0
