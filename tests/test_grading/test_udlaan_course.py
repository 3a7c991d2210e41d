"""The bundled course data-om-udlaan (Danish, pandas): the notebooks build the same synthetic
data as the course's generator script, the answer keys computed from that data are right, and
the assessment's code exercises go through `kurskit grade` generate → release → submit →
autograde → feedback with real nbgrader, hidden tests never reaching what a learner gets back."""

from __future__ import annotations

import ast
import csv
import html
import json
import re
import runpy
from pathlib import Path
from typing import Any

import nbformat
import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.course import load_course
from kurskit.course.notebook import read_notebook_file
from kurskit.course.questions import Numeric, SingleChoice
from kurskit.course.scoring import Result
from kurskit.grading.generate import HIDDEN_TESTS_FILE
from kurskit.store.sink import LocalSink
from kurskit.store.sql import open_store

pd = pytest.importorskip("pandas")

COURSE = Path(__file__).resolve().parents[2] / "courses" / "data-om-udlaan"
SLUG = "data-om-udlaan"
ASSIGNMENT = "05-proeve"
CODE_IDS = ("pr-kode-per-filial", "pr-kode-andel", "pr-kode-maaned")
MONTHS = ["januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september",
          "oktober", "november", "december"]  # fmt: skip

runner = CliRunner()


# --- the data ---------------------------------------------------------------------------------


def script_data() -> Any:
    """The table the course's generator script builds."""
    return runpy.run_path(str(COURSE / "data" / "lav_data.py"))["lav_udlaansdata"]()


def function_source(source: str) -> str:
    """The text of `def lav_udlaansdata` in a script or a cell."""
    [node] = [
        n
        for n in ast.parse(source).body
        if isinstance(n, ast.FunctionDef) and n.name == "lav_udlaansdata"
    ]
    return "\n".join(source.splitlines()[node.lineno - 1 : node.end_lineno])


def data_cells() -> dict[str, str]:
    """module file → source of its cell that builds the table."""
    found = {}
    for module in sorted(COURSE.glob("0*.md")):
        notebook = read_notebook_file(module)
        cells = [
            c.source
            for c in notebook.cells
            if c.cell_type == "code" and "def lav_udlaansdata" in c.source
        ]
        assert len(cells) <= 1, module.name
        if cells:
            found[module.name] = cells[0]
    return found


def test_every_notebook_builds_the_same_data_as_the_script() -> None:
    script = (COURSE / "data" / "lav_data.py").read_text("utf-8")
    expected = script_data()
    cells = data_cells()
    # Every module with data exercises builds the table itself: only notebooks (and images)
    # reach learners, so no module may read a file beside it.
    assert sorted(cells) == [
        "01-udlaansdata.md",
        "02-pandas.md",
        "03-ovelser.md",
        "04-diagrammer.md",
        "05-proeve.md",
    ]
    for name, source in cells.items():
        assert function_source(source) == function_source(script), name
        namespace: dict[str, Any] = {}
        exec(compile(source, name, "exec"), namespace)
        pd.testing.assert_frame_equal(namespace["df"], expected)
    assert expected.shape == (11712, 5)
    assert list(expected.columns) == ["dato", "filial", "materialetype", "lånergruppe", "antal"]


def test_answer_keys_match_the_data() -> None:
    df = script_data()

    def total(**where: str) -> int:
        rows = df
        for column, value in where.items():
            rows = rows[rows[column.replace("laanergruppe", "lånergruppe")] == value]
        return int(rows["antal"].sum())

    month = df["dato"].dt.month
    children = df[df["lånergruppe"] == "børn"]
    main = df[df["filial"] == "Hovedbiblioteket"]
    july = df[month == 7]
    numbers = {
        "l1-antal-raekker": len(df),
        "l2-flest-udlaan": total(filial="Havnebyen"),
        "ov-udlaan-i-alt": total(),
        "ov-havnebyen-film": total(filial="Havnebyen", materialetype="film"),
        "ov-boern-procent": 100 * total(laanergruppe="børn") / total(),
        "ov-hovedbibliotek-dag": main.groupby("dato")["antal"].sum().mean(),
        "pr-soendervang-juli": int(
            july[
                (july["filial"] == "Søndervang")
                & (july["materialetype"] == "lydbog")
                & (july["lånergruppe"] == "voksne")
            ]["antal"].sum()
        ),
    }
    choices = {
        "ov-maaned-flest": MONTHS[df.groupby(month)["antal"].sum().idxmax() - 1],
        "ov-boern-maaned": MONTHS[
            children.groupby(children["dato"].dt.month)["antal"].sum().idxmax() - 1
        ],
    }
    loaded = load_course(COURSE)
    assert loaded.ok, loaded.problems
    specs = {spec.id: spec for _, spec in loaded.questions()}
    numeric = {key for key, spec in specs.items() if isinstance(spec, Numeric)}
    assert numeric == set(numbers)  # a new numeric question needs its check here
    for key, value in numbers.items():
        spec = specs[key]
        assert isinstance(spec, Numeric)
        assert abs(spec.answer - value) <= max(spec.tolerance, 1e-9), (key, value)
    for key, month_name in choices.items():
        spec = specs[key]
        assert isinstance(spec, SingleChoice)
        option = spec.option(spec.answer)
        assert option is not None and option.text == month_name, (key, month_name)


# --- grading ----------------------------------------------------------------------------------

RIGHT = {
    "pr-kode-per-filial": (
        "def udlaan_per_filial(tabel):\n"
        '    return tabel.groupby("filial")["antal"].sum().sort_values(ascending=False)\n'
    ),
    "pr-kode-andel": (
        "def andel_eboeger(tabel):\n"
        '    digitale = tabel.loc[tabel["materialetype"] == "e-bog", "antal"]\n'
        '    return float(digitale.sum() / tabel["antal"].sum())\n'
    ),
    "pr-kode-maaned": (
        "def maaned_total(tabel):\n"
        '    return tabel.groupby(tabel["dato"].dt.month)["antal"].sum()\n'
    ),
}
WRONG = {
    # Not sorted: the visible test already fails.
    "pr-kode-per-filial": (
        'def udlaan_per_filial(tabel):\n    return tabel.groupby("filial")["antal"].sum()\n'
    ),
    # Passes the visible test; a table without e-books raises KeyError (hidden tests).
    "pr-kode-andel": (
        "def andel_eboeger(tabel):\n"
        '    pr_type = tabel.groupby("materialetype")["antal"].sum()\n'
        '    return pr_type["e-bog"] / pr_type.sum()\n'
    ),
    # Passes the visible test; adds a column to the table it gets (hidden tests).
    "pr-kode-maaned": (
        "def maaned_total(tabel):\n"
        '    tabel["måned"] = tabel["dato"].dt.month\n'
        '    return tabel.groupby("måned")["antal"].sum()\n'
    ),
}
#: Answers to the graded widget questions (answered in the widget, kept in the answer store).
WIDGETS_RIGHT = {
    "pr-dataminimering": "b",
    "pr-kode-sorteret": "b",
    "pr-value-counts": False,
    "pr-soendervang-juli": "557",
    "pr-diagram": ["a", "b", "d"],
}
WIDGETS_WRONG = {
    "pr-dataminimering": "a",
    "pr-kode-sorteret": "a",
    "pr-value-counts": True,
    "pr-soendervang-juli": "52",
    "pr-diagram": ["c", "e"],
}


def grade(grading: Path, *arguments: str) -> str:
    result = runner.invoke(app, ["grade", *arguments, "--grading", str(grading)])
    assert result.exit_code == 0, result.output
    return result.output


def submit(root: Path, student: str, answers: dict[str, str]) -> None:
    """The released notebook with the learner's code in the answer cells, in submitted/."""
    released = root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    notebook = nbformat.read(released, as_version=4)
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c for c in notebook.cells}
    for question, code in answers.items():
        cells[f"{question}-answer"].source = code
    folder = root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True)
    (folder / "timestamp.txt").write_text("2027-10-05 10:00:00.000000 UTC", "utf-8")
    nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")


def answer_widgets(student: str, answers: dict[str, object]) -> None:
    """Store a learner's widget answers as the widget does."""
    store = open_store()
    try:
        sink = LocalSink(store, user=student)
        for question, response in answers.items():
            sink.submit(
                course=SLUG,
                module=f"{ASSIGNMENT}.ipynb",
                question_id=question,
                response=response,
                result=Result(None, 1.0, None, status="pending"),
                idempotency_key=f"{student}-{question}",
            )
    finally:
        store.close()


def code_points(root: Path, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", SLUG) as gradebook:
        return {
            question: float(
                gradebook.find_grade(f"{question}-tests", ASSIGNMENT, ASSIGNMENT, student).score
            )
            for question in CODE_IDS
        }


def page_text(path: Path) -> str:
    """What an HTML page says, without its tags (highlighted code split into spans joins up)."""
    return html.unescape(re.sub(r"<[^>]+>", "", path.read_text("utf-8")))


@pytest.mark.slow
def test_assessment_is_graded_with_hidden_tests_kept_out_of_feedback(tmp_path: Path) -> None:
    grading = tmp_path / "grading"
    root = grading / SLUG
    grade(grading, "generate", str(COURSE))
    grade(grading, "release", SLUG, ASSIGNMENT)
    submit(root, "rigmor", RIGHT)
    submit(root, "valde", WRONG)
    answer_widgets("rigmor", WIDGETS_RIGHT)
    answer_widgets("valde", WIDGETS_WRONG)

    graded = grade(grading, "autograde", SLUG, ASSIGNMENT, "--jobs", "2")
    assert re.search(r"submissions\s+2", graded), graded
    assert re.search(r"flagged \(see reasons\)\s+0", graded), graded
    assert code_points(root, "rigmor") == dict.fromkeys(CODE_IDS, 2.0)
    assert code_points(root, "valde") == dict.fromkeys(CODE_IDS, 0.0)

    grade(grading, "export", SLUG)
    with (root / "grades.csv").open(encoding="utf-8") as handle:
        rows = {row["student"]: row for row in csv.DictReader(handle)}
    assert float(rows["rigmor"]["score"]) == 12.0  # 3 × 2 code points + 6 widget points
    assert float(rows["valde"]["score"]) == 0.0
    failures = rows["valde"]["failures"]
    # Two wrong answers pass their visible tests; only the hidden tests catch them.
    assert "pr-kode-andel-tests failed: a hidden test failed" in failures, failures
    assert "pr-kode-maaned-tests failed: a hidden test failed" in failures, failures
    assert "må ikke ændre tabellen" in failures  # the assert's own message, not its source
    assert rows["rigmor"]["failures"] == ""

    feedback = grade(grading, "feedback", SLUG, ASSIGNMENT)
    assert re.search(r"feedback notebooks written\s+2", feedback), feedback
    hidden = json.loads((root / HIDDEN_TESTS_FILE).read_text("utf-8"))
    sources = [part["source"] for part in hidden["assignments"][ASSIGNMENT].values()]
    assert len(sources) == len(CODE_IDS)
    hidden_lines = {
        line.strip() for source in sources for line in source.splitlines() if len(line.strip()) > 12
    }
    visible_line = 'type_, svar, uaendret = afproev("udlaan_per_filial", ['
    for student in ("rigmor", "valde"):
        page = root / "feedback" / student / ASSIGNMENT / f"{ASSIGNMENT}.html"
        text = page_text(page)
        assert visible_line in text  # visible tests are shown, so a leak would be found too
        assert "Flere test, som du ikke kan se" in text
        leaks = [line for line in hidden_lines if line in text]
        assert leaks == [], (student, leaks)
        assert "_raekker" not in text and "_hele_aaret" not in text
    valde = page_text(root / "feedback" / "valde" / ASSIGNMENT / f"{ASSIGNMENT}.html")
    assert "HiddenTestFailed" in valde
    assert "e_boeger / tabel" not in valde  # the model solution is never shown
