"""A question's context: a broken course file or notebook loses only what it would have told."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurskit.widgets.context import QuestionContext, context_for
from tests.factories import CourseFactory


@pytest.mark.parametrize(
    "broken", [b"{not json", b"[1, 2]", b'{"cells": 3}', b'{"cells": [1]}', b'{"cells": "\xff"}']
)
def test_a_broken_notebook_loses_only_its_module_name(
    make_course: CourseFactory, broken: bytes
) -> None:
    folder = make_course()
    (folder / "test.ipynb").write_bytes(broken)
    assert context_for("q-graded", folder) == QuestionContext("demo", "", "nb")
    assert context_for("q-single", folder) == QuestionContext("demo", "lesson.md", "nb")


def test_modules_that_are_no_list_lose_only_the_module_names(make_course: CourseFactory) -> None:
    folder = make_course(course_yml="slug: demo\nlanguage: sv\nmodules: 5\n")
    assert context_for("q-single", folder) == QuestionContext("demo", "", "sv")


def test_a_question_is_found_in_its_module(make_course: CourseFactory, tmp_path: Path) -> None:
    folder = make_course()
    assert context_for("q-graded", folder) == QuestionContext("demo", "test.ipynb", "nb")
    assert context_for("q-x", tmp_path / "demo").module == ""
