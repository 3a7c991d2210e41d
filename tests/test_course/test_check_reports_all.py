"""`kurskit check` reports every problem at once, in reading order, each where an author looks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.course import load_course
from kurskit.course.checking import check_paths
from kurskit.course.problems import Problem, sorted_problems
from tests.factories import COURSE_YML, GRADED_TF, LESSON_MD, CourseFactory, ipynb_with, md_question

#: Two errors the model reports (a competence that is no DigComp code, a date that is none).
MODEL_ERRORS = {'"1.2"]': '"9.9"]', "review_by: 2099-01-01": "review_by: 2099-13-01"}


def course_yml(**replacements: str) -> str:
    text = COURSE_YML
    for old, new in {**MODEL_ERRORS, **replacements}.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def test_an_error_in_course_yml_hides_no_other_check(
    make_course: CourseFactory, today: dt.date
) -> None:
    text = course_yml(
        **{
            "pre_tasks: [lesson.md]": "pre_tasks: [lesosn.md]",
            "pass_threshold: 0.8\n": "",
            "  - file: test.ipynb": "  - file: lesson.md\n    title: Igjen\n    kind: lesson\n"
            "  - file: test.ipynb",
        }
    )
    duplicate = GRADED_TF.replace("q-graded", "q-single")
    folder = make_course(course_yml=text, slug="other", files={"test.ipynb": ipynb_with(duplicate)})
    found = errors(load_course(folder, today=today).problems)
    assert {p.field for p in found} == {
        "competences",
        "review_by",
        "slug",
        "modules[1].file",
        "sessions[0].pre_tasks[0]",
        "pass_threshold",
        "question q-single",
    }, found


def test_a_module_with_an_error_still_counts_as_a_module(make_course: CourseFactory) -> None:
    text = course_yml(**{"    kind: assessment": "    kind: exam"})
    found = errors(load_course(make_course(course_yml=text)).problems)
    assert {p.field for p in found} == {"competences", "review_by", "modules[1].kind"}, found


def test_an_overdue_review_still_warns_beside_other_errors(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace('"1.2"]', '"9.9"]')
    loaded = load_course(make_course(course_yml=text), today=dt.date(2100, 1, 1))
    assert [p.field for p in loaded.problems if p.severity == "warning"] == ["review_by"]


def test_check_prints_every_problem_sorted_by_file_and_line(make_course: CourseFactory) -> None:
    lesson = LESSON_MD.replace("answer: b", "answer: d")
    folder = make_course(course_yml=course_yml(), slug="other", files={"lesson.md": lesson})
    report = check_paths([folder.parent])
    assert report.problems == sorted_problems(report.problems)
    assert [(Path(p.file).name, p.field) for p in report.errors] == [
        ("course.yml", "slug"),
        ("course.yml", "competences"),
        ("course.yml", "review_by"),
        ("lesson.md", "question q-single.answer"),
    ]
    printed = CliRunner().invoke(app, ["check", str(folder)]).output.splitlines()
    assert [line.split(": error: ")[1].split(":")[0] for line in printed[:-1]] == [
        "slug",
        "competences",
        "review_by",
        "question q-single.answer",
    ]


def test_a_number_where_text_belongs_says_what_it_got_and_how_to_quote_it(
    make_course: CourseFactory,
) -> None:
    lesson = LESSON_MD.replace("answer: b", "answer: 5")
    found = errors(load_course(make_course(files={"lesson.md": lesson})).problems)
    line = next(i for i, text in enumerate(lesson.splitlines(), 1) if text == "answer: 5")
    assert [str(p).split("/demo/")[1] for p in found] == [
        f"lesson.md:{line}: error: question q-single.answer: expected text, got the number 5; "
        'quote it: answer: "5"'
    ]


def test_a_number_in_a_text_or_object_list_is_explained_as_text(
    make_course: CourseFactory,
) -> None:
    lesson = md_question("id: q-kort\ntype: short_text\nprompt: Hvor mange?\naccept: [5, fem]\n")
    found = errors(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert [(p.field, p.message) for p in found] == [
        ("question q-kort.accept[0]", 'expected text, got the number 5; quote it: "5"')
    ]


def test_a_yes_no_value_where_text_belongs_says_so(make_course: CourseFactory) -> None:
    lesson = md_question("id: q-kort\ntype: short_text\nprompt: Er det lov?\naccept: [no]\n")
    found = errors(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert [p.field for p in found] == ["question q-kort.accept[0]"]
    assert "got the yes/no value false" in found[0].message and "quotes" in found[0].message


def test_a_number_as_course_title_says_what_it_got(make_course: CourseFactory) -> None:
    text = COURSE_YML.replace("title: Demokurs", "title: 2024")
    found = errors(load_course(make_course(course_yml=text)).problems)
    assert [(p.field, p.line, p.message) for p in found] == [
        ("title", 2, 'expected text, got the number 2024; quote it: title: "2024"')
    ]


def test_ipynb_problems_name_cell_and_line_in_the_cell_apart(make_course: CourseFactory) -> None:
    bad = "\n%%kurskit\nid: q-bad\ntype: true_false\nprompt: Ja?\nanswer: kanskje\n"
    notebook = ipynb_with(*["print(1)"] * 7, bad)
    found = errors(load_course(make_course(files={"test.ipynb": notebook})).problems)
    assert len(found) == 1
    assert str(found[0]).endswith(
        "test.ipynb: cell 9, line 6: error: question q-bad.answer: must be a valid boolean, "
        "unable to interpret input"
    )
    assert found[0].as_dict()["cell"] == 9


def test_ipynb_duplicate_ids_and_syntax_errors_name_their_cell(make_course: CourseFactory) -> None:
    duplicate = GRADED_TF.replace("q-graded", "q-single")
    broken = "%%kurskit\nid: q-x\nprompt: [unclosed\n"
    notebook = ipynb_with(duplicate, broken)
    found = errors(load_course(make_course(files={"test.ipynb": notebook})).problems)
    ipynb = [str(p).split("/demo/")[1].split(": error:")[0] for p in found]
    assert ipynb == ["test.ipynb: cell 2", "test.ipynb: cell 3, line 4"]
    assert "already used at " in found[0].message and "lesson.md:" in found[0].message


def test_myst_problems_keep_file_lines(make_course: CourseFactory) -> None:
    lesson = LESSON_MD.replace("answer: b", "answer: d")
    (problem,) = errors(load_course(make_course(files={"lesson.md": lesson})).problems)
    assert problem.cell is None and f"lesson.md:{problem.line}: error:" in str(problem)


def test_problems_sort_by_file_then_cell_then_line() -> None:
    problems = [
        Problem("b.ipynb", 1, "", "x", cell=10),
        Problem("b.ipynb", 7, "", "x", cell=3),
        Problem("b.ipynb", 2, "", "x", cell=3),
        Problem("a.md", 12, "", "x"),
        Problem("a.md", None, "", "x"),
        Problem("a.md", 3, "", "x"),
    ]
    assert [(p.file, p.cell, p.line) for p in sorted_problems(problems)] == [
        ("a.md", None, None),
        ("a.md", None, 3),
        ("a.md", None, 12),
        ("b.ipynb", 3, 2),
        ("b.ipynb", 3, 7),
        ("b.ipynb", 10, 1),
    ]
