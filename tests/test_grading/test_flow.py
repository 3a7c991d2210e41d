"""The nbgrader flow driven by kurskit against real nbgrader: generate → release → three
learners fetch and submit → collect → autograde → feedback → export."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.grading.issuer import Issuer
from kurskit.grading.steps import NbgraderError, run_nbgrader, run_step
from kurskit.store.export import export_answers
from kurskit.store.progress import read_courses
from kurskit.store.sql import open_store
from kurskit.widgets.context import context_for
from tests.swedish_course import make_courses
from tests.test_grading.submissions import answer_widgets

pytestmark = pytest.mark.slow
runner = CliRunner()

ANSWERS = {
    "anna": 'def f():\n    return "SECRET_SOLUTION"\n',  # passes visible and hidden tests
    "bo": 'def f():\n    return "nej"\n',  # passes the visible test only
    "cia": "def f():\n    return 42\n",  # fails both
}


def learner_submits(name: str, home: Path, exchange: Path) -> None:
    home.mkdir(parents=True)
    where = ["--course", "hemligt", f"--Exchange.root={exchange}"]
    run_nbgrader(["fetch_assignment", "prov", *where], cwd=home, user=name)
    path = home / "prov" / "prov.ipynb"
    notebook = nbformat.read(path, as_version=4)
    [answer] = [
        c
        for c in notebook.cells
        if c.metadata.get("nbgrader", {}).get("grade_id") == "prov-kod-answer"
    ]
    answer.source = ANSWERS[name]
    nbformat.write(notebook, path)
    # One OS user here, so the learner is named explicitly (on a hub each has their own user).
    run_nbgrader(["submit", "prov", *where, f"--student={name}"], cwd=home, user=name)


def test_whole_flow_with_real_nbgrader(tmp_path: Path, issuer: Issuer) -> None:
    courses = make_courses(tmp_path / "courses")
    grading = tmp_path / "grading"
    root = grading / "hemligt"

    def kurskit(*arguments: str) -> str:
        result = runner.invoke(app, ["grade", *arguments, "--grading", str(grading)])
        assert result.exit_code == 0, result.output
        return result.output

    kurskit("generate", str(courses / "hemligt"))
    kurskit("release", "hemligt", "prov")
    for name in ANSWERS:
        learner_submits(name, tmp_path / "home" / name, root / "exchange")
    collected = kurskit("collect", "hemligt", "prov")
    assert re.search(r"submissions collected\s+3", collected), collected
    assert "Collecting submission: cia prov" in collected
    assert sorted(p.name for p in (root / "submitted").iterdir()) == sorted(ANSWERS)
    # The graded non-code questions were answered in widgets, so they are in the answer store.
    widget_answers = {
        "anna": {"prov-val": "b", "prov-text": "secret-accepted", "prov-tal": "4242,4242"},
        "bo": {"prov-val": "b", "prov-text": "nej", "prov-tal": 4242.4242},
        "cia": {"prov-val": "a"},
    }
    store = open_store()
    for name, answers in widget_answers.items():
        # Where the widgets in the learner's fetched copy file their answers.
        where = context_for("prov-val", tmp_path / "home" / name / "prov")
        assert (where.course, where.module, where.language) == ("hemligt", "prov.ipynb", "sv")
        answer_widgets(store, name, answers, module=where.module)
    store.close()
    graded = kurskit("autograde", "hemligt", "prov")
    assert re.search(r"isolation\s+user\+mnt\+pid\+net", graded), graded
    assert re.search(r"submissions\s+3", graded) and re.search(
        r"flagged \(see reasons\)\s+0", graded
    )
    # The grades reached the store: xAPI has each learner's course result.
    store = open_store()
    statements = io.StringIO()
    export_answers(store, statements, format="xapi", courses=read_courses(courses))
    store.close()
    results = {
        (s["actor"]["account"]["name"], s["verb"]["id"].rsplit("/", 1)[1])
        for s in json.loads(statements.getvalue())
        if s["verb"]["id"].endswith(("/passed", "/failed"))
    }
    store = open_store()
    pseudonyms = {name: store.pseudonym(name) for name in ANSWERS}
    stored_after_autograde = store.count()
    store.close()
    assert results == {
        (pseudonyms["anna"], "passed"),
        (pseudonyms["bo"], "passed"),
        (pseudonyms["cia"], "failed"),
    }
    feedback = kurskit("feedback", "hemligt", "prov")
    assert re.search(r"feedback notebooks written\s+3", feedback), feedback
    store = open_store()
    assert store.count() == stored_after_autograde  # the same grades are not written twice
    store.close()
    kurskit("export", "hemligt")
    with (root / "grades.csv").open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert set(rows) == set(ANSWERS)
    # Code (1 point) plus the widget questions scored from the store (1 point each).
    scores = {name: float(row["score"]) for name, row in rows.items()}
    assert scores == {"anna": 4.0, "bo": 2.0, "cia": 0.0}
    assert {row["status"] for row in rows.values()} == {"graded"}
    assert "test prov-kod-tests failed: a hidden test failed" in rows["bo"]["failures"]
    for name in ANSWERS:
        feedback = (root / "feedback" / name / "prov" / "prov.html").read_text("utf-8")
        assert "Fler tester, som du inte ser" in feedback  # the note in the test cell
        assert "isinstance" in feedback  # visible tests stay visible (highlighted in spans)
    # Hidden tests never reach a file a learner submits or gets back, nor the gradebook.
    for path in [*root.rglob("*.ipynb"), *root.rglob("*.html"), root / "gradebook.db"]:
        assert b"SECRET_HIDDEN" not in path.read_bytes(), path
    assert "HiddenTestFailed" in (root / "feedback" / "bo" / "prov" / "prov.html").read_text()
    bo = (root / "feedback" / "bo" / "prov" / "prov.html").read_text("utf-8")
    assert "SECRET_SOLUTION" not in bo  # a failing hidden test's traceback is not shown

    results = runner.invoke(
        app, ["grade", "results", str(courses / "hemligt"), "--grading", str(grading)]
    )
    assert results.exit_code == 0, results.output
    rows = {row["learner"]: row for row in csv.DictReader(results.output.splitlines())}
    assert {name: (row["earned"], row["maximum"], row["passed"]) for name, row in rows.items()} == {
        "anna": ("4", "4", "yes"),
        "bo": ("2", "4", "yes"),
        "cia": ("0", "4", "no"),
    }

    certificates = ["grade", "certificates", str(courses / "hemligt"), "--grading", str(grading)]
    unnamed = runner.invoke(app, certificates)
    assert unnamed.exit_code == 1 and "no display name for 2 learner(s)" in unnamed.output
    assert "anna, bo" in unnamed.output  # cia failed: she needs no name
    roster = tmp_path / "roster.csv"
    roster.write_text("learner,name\nanna,Anna Andersson\nbo,Bo Berg\n", "utf-8")
    issued = runner.invoke(app, [*certificates, "--roster", str(roster)])
    assert issued.exit_code == 0, issued.output
    assert "2 certificate(s) issued." in issued.output
    for name in ("anna", "bo"):
        assert (root / "certificates" / f"{name}.pdf").read_bytes().startswith(b"%PDF")
        assert (root / "certificates" / f"{name}.badge.jwt").is_file()
    assert not (root / "certificates" / "cia.pdf").exists()
    code = re.search(r"anna \(Anna Andersson\): .*\((\w{4}-\w{4}-\w{4}-\w{4})\)", issued.output)
    assert code is not None, issued.output
    assert issuer.verification_url(code.group(1)) in issued.output
    verified = runner.invoke(app, ["grade", "verify", code.group(1)])
    assert verified.exit_code == 0, verified.output
    assert "genuine — Anna Andersson" in verified.output and "(hemligt)" in verified.output
    forged = code.group(1)[:-1] + ("0" if code.group(1)[-1] != "0" else "1")
    assert runner.invoke(app, ["grade", "verify", forged]).exit_code == 1


def test_step_errors_are_clear(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an nbgrader course root"):
        run_step("release", tmp_path, "prov")
    with pytest.raises(ValueError, match="unknown step"):
        run_step("publish", tmp_path, "prov")
    (tmp_path / "nbgrader_config.py").write_text("c = get_config()\n", "utf-8")
    with pytest.raises(NbgraderError, match="release_assignment"):
        run_step("release", tmp_path, "nope")
