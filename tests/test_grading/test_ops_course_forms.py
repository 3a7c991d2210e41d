"""Every `kurskit grade` command names its course the same way: by its folder, its slug or its
nbgrader course root, resolved by one function."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.issuer import Issuer
from tests.swedish_course import make_courses

pytestmark = pytest.mark.slow
runner = CliRunner()

#: How each form names the course `hemligt`, from a folder holding courses/ and grading/.
FORMS = {"slug": "hemligt", "folder": "courses/hemligt", "root": "grading/hemligt"}
#: Each command's arguments after COURSE, and what its output shows when it worked (feedback
#: is made as release and collect are, and nbgrader fails it with nothing autograded).
COMMANDS: dict[str, tuple[list[str], str]] = {
    "release": (["prov"], r"assignments released\s+1"),
    "collect": (["prov"], r"submissions collected\s+0"),
    "autograde": (["prov"], "No submissions to grade"),
    "export": ([], "Grades: grading/hemligt/grades.csv"),
    "results": ([], "learner,"),
    "certificates": ([], r"0 certificate\(s\) issued"),
    "review": ([], "No flagged submissions."),
}


def grade(*arguments: str) -> str:
    result = runner.invoke(app, ["grade", *arguments])
    assert result.exit_code == 0, (arguments, result.output)
    return result.output


def test_every_grade_command_takes_a_folder_a_slug_or_a_course_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, issuer: Issuer
) -> None:
    # `issuer`: the tests' issuer keys, which `grade certificates` signs with.
    make_courses(tmp_path / "courses")
    monkeypatch.chdir(tmp_path)  # courses/ and grading/ are the defaults
    assert "prov: " in grade("generate", FORMS["slug"])
    for form in ("folder", "root"):
        assert "prov: " in grade("generate", FORMS[form]), form
    for command, (rest, shows) in COMMANDS.items():
        for form, course in FORMS.items():
            assert re.search(shows, grade(command, course, *rest)), (command, form)


def test_a_course_named_by_none_of_the_forms_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["grade", "release", "nope", "prov"])
    assert result.exit_code == 1
    assert "no course 'nope'" in result.output
    assert str(Path("courses") / "nope") in result.output
