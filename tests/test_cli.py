"""The kurskit command: every command has help and is documented; check, new and schema work."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer.core
import typer.main
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.languages import LANGUAGES
from tests.factories import COURSE_YML, LESSON_MD, CourseFactory

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def commands() -> dict[str, typer.core.TyperCommand | typer.core.TyperGroup]:
    """Every command by its full name ("check", "store export"), groups included."""
    found: dict[str, typer.core.TyperCommand | typer.core.TyperGroup] = {}

    def walk(group: typer.core.TyperGroup, prefix: str) -> None:
        for name, command in group.commands.items():
            assert isinstance(command, typer.core.TyperCommand | typer.core.TyperGroup)
            found[prefix + name] = command
            if isinstance(command, typer.core.TyperGroup):
                walk(command, f"{prefix}{name} ")

    root = typer.main.get_command(app)
    assert isinstance(root, typer.core.TyperGroup)
    walk(root, "")
    return found


def test_every_command_has_help_and_is_documented() -> None:
    docs = (ROOT / "docs/cli.md").read_text("utf-8")
    assert {"check", "store", "store export"} <= set(commands()), "commands not found"
    for name, command in commands().items():
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, name
        assert command.help and len(command.help) > 20, name
        assert f"## `kurskit {name}`" in docs, f"docs/cli.md does not document {name}"
        section = docs.split(f"## `kurskit {name}`")[1].split("\n## ")[0]
        for param in command.params:
            if isinstance(param, typer.core.TyperOption) and param.name != "help":
                assert param.help, f"{name} {param.name} has no help text"
                assert param.opts[0] in section, f"docs/cli.md misses {name} {param.opts[0]}"
            if isinstance(param, typer.core.TyperArgument):
                assert param.help, f"{name} {param.name} has no help text"


def test_console_script_runs() -> None:
    result = subprocess.run(
        [Path(sys.executable).parent / "kurskit", "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.startswith("kurskit ")


def test_check_clean_course_exits_zero(make_course: CourseFactory) -> None:
    result = runner.invoke(app, ["check", str(make_course())])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_check_reports_file_line_field_and_exits_one(make_course: CourseFactory) -> None:
    folder = make_course(course_yml=COURSE_YML.replace("language: nb", "language: no"))
    result = runner.invoke(app, ["check", str(folder)])
    assert result.exit_code == 1
    assert "course.yml:3: error: language: must be" in result.output


def test_check_json_format(make_course: CourseFactory) -> None:
    lesson = LESSON_MD.replace("answer: b", "answer: x")
    result = runner.invoke(
        app, ["check", "--format", "json", str(make_course(files={"lesson.md": lesson}))]
    )
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ok"] is False and report["errors"] == 1
    problem = report["problems"][0]
    assert problem["file"].endswith("lesson.md") and problem["line"] > 0
    assert problem["field"] == "question q-single.answer"


def test_check_folder_of_courses_and_missing_path(make_course: CourseFactory) -> None:
    folder = make_course()
    result = runner.invoke(app, ["check", str(folder.parent), str(folder / "nope")])
    assert result.exit_code == 1
    assert "1 course(s)" in result.output and "no such file or folder" in result.output


def test_check_passes_on_bundled_courses() -> None:
    result = runner.invoke(app, ["check", str(ROOT / "courses")])
    assert result.exit_code == 0, result.output
    assert "0 error(s), 0 warning(s)" in result.output


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_course_checks_clean_in_every_language(tmp_path: Path, language: str) -> None:
    result = runner.invoke(app, ["new", "demo", "--lang", language, "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    checked = runner.invoke(app, ["check", str(tmp_path / "demo")])
    assert checked.exit_code == 0, checked.output
    assert "0 error(s), 0 warning(s)" in checked.output
    course = (tmp_path / "demo" / "course.yml").read_text("utf-8")
    assert f"language: {language}" in course


def test_new_course_uses_every_question_type(tmp_path: Path) -> None:
    from kurskit.course import QUESTION_TYPES, load_course

    runner.invoke(app, ["new", "demo", "--lang", "sv", "--root", str(tmp_path)])
    loaded = load_course(tmp_path / "demo", today=dt.date.today())
    assert {spec.type for _, spec in loaded.questions()} == set(QUESTION_TYPES)


def test_new_writes_code_as_blocks_a_person_can_read(tmp_path: Path) -> None:
    runner.invoke(app, ["new", "demo", "--lang", "nb", "--root", str(tmp_path)])
    practice = (tmp_path / "demo" / "02-practice.md").read_text("utf-8")
    assert "solution: |\n  def " in practice and "tests: |\n  assert " in practice
    assert "\\n" not in practice  # no escaped line breaks anywhere


def test_new_refuses_bad_input(tmp_path: Path) -> None:
    assert runner.invoke(app, ["new", "Bad Slug", "--root", str(tmp_path)]).exit_code == 2
    assert runner.invoke(app, ["new", "x", "--lang", "de", "--root", str(tmp_path)]).exit_code == 2
    runner.invoke(app, ["new", "x", "--root", str(tmp_path)])
    again = runner.invoke(app, ["new", "x", "--root", str(tmp_path)])
    assert again.exit_code == 2 and "already exists" in again.output


def test_schema_command_prints_json() -> None:
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.output)["title"].startswith("kurskit course file")


@pytest.mark.slow
def test_check_execute_runs_every_notebook(make_course: CourseFactory, tmp_path: Path) -> None:
    broken = LESSON_MD + "\n```{code-cell} ipython3\nraise RuntimeError('boom')\n```\n"
    folder = make_course(files={"lesson.md": broken})
    result = runner.invoke(app, ["check", "--execute", "--format", "json", str(folder)])
    report = json.loads(result.output)
    assert result.exit_code == 1
    assert len(report["executed"]) == 2
    assert [p["message"] for p in report["problems"]] == ["a cell failed: RuntimeError: boom"]


@pytest.mark.slow
def test_check_execute_catches_a_model_solution_failing_its_tests(
    make_course: CourseFactory,
) -> None:
    code = (
        "```{code-cell} ipython3\n%%kurskit\nid: q-code\ntype: code\nprompt: Lag f\n"
        "solution: |\n  def f():\n      return 1\ntests: |\n  assert f() == 2\n```\n"
    )
    folder = make_course(files={"lesson.md": LESSON_MD + "\n" + code})
    result = runner.invoke(app, ["check", "--execute", "--format", "json", str(folder)])
    report = json.loads(result.output)
    assert result.exit_code == 1
    [problem] = report["problems"]
    assert problem["field"] == "question q-code"
    assert "model solution does not pass its tests" in problem["message"]


@pytest.mark.slow
def test_check_execute_on_bundled_courses_gallery_and_scaffold(tmp_path: Path) -> None:
    runner.invoke(app, ["new", "demo", "--lang", "nn", "--root", str(tmp_path)])
    paths = [ROOT / "courses", ROOT / "widgets", tmp_path / "demo"]
    result = runner.invoke(app, ["check", "--execute", "--format", "json", *map(str, paths)])
    report = json.loads(result.output)
    assert result.exit_code == 0, report["problems"]
    gallery = [path for path in report["executed"] if "widgets" in path]
    assert len(gallery) == len(list((ROOT / "widgets").glob("*.md"))) - 1  # not the README


def test_the_api_star_import_works() -> None:
    names: dict[str, object] = {}
    exec("from kurskit.api import *", names)  # every name in __all__ exists at run time
    assert "build_book" in names and "serve_hub" in names


def test_errors_read_as_plain_text(tmp_path: Path) -> None:
    result = runner.invoke(app, ["grade", "results", str(tmp_path / "nope"), "--grading", "x"])
    assert result.exit_code == 1
    assert "error:" in result.output and "[red]" not in result.output
