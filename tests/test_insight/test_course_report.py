"""The course report on a small hand-made fixture: every figure checked against hand arithmetic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.course.loading import load_course
from kurskit.course.scoring import score
from kurskit.insight.course_items import thirds
from kurskit.insight.course_progress import Results
from kurskit.store.records import Answer
from kurskit.store.sql import SqlAnswerStore
from tests.factories import COURSE_YML, CourseFactory, ipynb_with, md_question

runner = CliRunner()


def near(expected: Any) -> Any:
    """The CSV files hold six decimals."""
    return pytest.approx(expected, abs=1e-6)


L = [f"p-{i:016x}" for i in range(1, 8)]  # seven learners, by pseudonym
COURSE = COURSE_YML.replace(
    "    kind: assessment\n",
    "    kind: assessment\n  - file: eval.md\n    title: Evaluering\n    kind: survey\n",
)
GRADED = [
    "%%kurskit\nid: g1\ntype: true_false\nprompt: Én?\nanswer: true\ngraded: true\n",
    "%%kurskit\nid: g2\ntype: single_choice\nprompt: To?\ngraded: true\n"
    "options: [riktig, feil, også feil, aldri valgt]\nanswer: a\n",
    "%%kurskit\nid: g3\ntype: true_false\nprompt: Tre?\nanswer: false\npoints: 2\ngraded: true\n",
]
EVAL = (
    md_question("id: fb\ntype: feedback\nprompt: Hva synes du?\n")
    + "\n```{code-cell} ipython3\n%%kurskit\n"
    + "id: pl\ntype: poll\nprompt: Hva mer?\noptions: [Mer, Mindre]\n```\n"
)
#: (learner, module, question, response, session): in this order, so the last answer is last.
ANSWERS: list[tuple[str, str, str, Any, str | None]] = [
    # The practice question: L1 wrong then right; L1–L5 answer it first in a webinar.
    (L[0], "lesson.md", "q-single", "a", "2027-02-03-lesson"),
    (L[0], "lesson.md", "q-single", "b", None),
    *((p, "lesson.md", "q-single", "b", "2027-02-03-lesson") for p in L[1:5]),
    (L[5], "lesson.md", "q-single", "b", None),
    (L[6], "lesson.md", "q-single", "a", None),  # L7 stops here
    # The assessment: g1 g2 g3 of L1 … L6 (totals 4, 2, 3, 3, 4, 1 of 4).
    *(
        (p, "test.ipynb", q, r, None)
        for p, row in zip(
            L[:6],
            [
                (True, "a", False),
                (True, "a", True),
                (True, "b", False),
                (False, "a", False),
                (True, "a", False),
                (True, "c", True),
            ],
            strict=True,
        )
        for q, r in zip(("g1", "g2", "g3"), row, strict=True)
    ),
    # Feedback from L1 … L5 (L6 stops after the assessment), and the poll from L1 … L5.
    *(
        (p, "eval.md", "fb", {"rating": rating, "comment": comment}, None)
        for p, rating, comment in zip(
            L[:5], [5, 4, 4, 3, 5], ["Veldig bra", "", "", "Litt uklart", ""], strict=True
        )
    ),
    *((p, "eval.md", "pl", r, None) for p, r in zip(L[:5], "aabab", strict=True)),
]


@pytest.fixture
def report(make_course: CourseFactory, tmp_path: Path, store_url: str) -> dict[str, Any]:
    folder = make_course(COURSE, {"test.ipynb": ipynb_with(*GRADED), "eval.md": EVAL})
    loaded = load_course(folder)
    assert loaded.ok, loaded.problems
    specs = {spec.id: spec for _, spec in loaded.questions()}
    url = store_url
    store = SqlAnswerStore.open(url)
    try:
        for number, (learner, module, question, response, session) in enumerate(ANSWERS):
            result = score(specs[question], response)
            key = f"k{number}"
            if session:
                key = f"{learner}/webinar:{session}:1:{key}"
            store.record(
                Answer("demo", module, question, learner, response, result.score, result.max,
                       result.correct, result.status, key)
            )  # fmt: skip
    finally:
        store.close()
    cohorts = tmp_path / "cohorts.yml"
    cohorts.write_text(yaml.safe_dump({"a": L[:3], "b": L[3:]}), "utf-8")
    # The issuer's register: L1 certified, L5's certificate revoked, one of another course.
    issuer = tmp_path / "issuer"
    issuer.mkdir()
    entry = {"name": "N", "course": "demo", "title": "Demokurs", "language": "nb",
             "issued": "2027-01-01"}  # fmt: skip
    register = {
        "AAAA-1": {**entry, "learner": L[0]},
        "AAAA-5": {**entry, "learner": L[4], "revoked_on": "2027-02-01", "reason": "feil"},
        "BBBB-2": {**entry, "learner": L[1], "course": "annet"},
    }
    (issuer / "register.json").write_text(json.dumps(register), "utf-8")
    out = tmp_path / "report"
    said = runner.invoke(
        app,
        ["insight", "course", str(folder), "--store", url, "--out", str(out),
         "--cohorts", str(cohorts), "--comments", "--comments-with", "uklart",
         "--issuer", str(issuer)],
    )  # fmt: skip
    assert said.exit_code == 0, said.output
    tables = {p.stem: pd.read_csv(p, keep_default_na=True) for p in out.glob("*.csv")}
    return {
        "out": out,
        "tables": tables,
        "said": said.output,
        "args": [str(folder), "--store", url, "--cohorts", str(cohorts)],
    }


def test_the_funnel_counts_who_started_finished_and_passed(report: dict[str, Any]) -> None:
    funnel = report["tables"]["funnel"]
    everyone = funnel[funnel["cohort"] == "*"]
    counted = {(r.stage, r.module if isinstance(r.module, str) else ""): r.n
               for r in everyone.itertuples()}  # fmt: skip
    assert counted == {
        ("enrolled", ""): 7,
        ("started", "lesson.md"): 7,
        ("finished", "lesson.md"): 7,
        ("started", "test.ipynb"): 6,
        ("finished", "test.ipynb"): 6,
        ("started", "eval.md"): 5,
        ("finished", "eval.md"): 5,
        ("passed", ""): 2,  # L1 and L5: 4 of 4; 3 of 4 is under 0.8
        ("certified", ""): 1,  # L1; L5's certificate is revoked
    }
    passed = everyone[everyone["stage"] == "passed"].iloc[0]
    assert passed["share"] == near(2 / 7)
    # Both cohorts are under five learners: neither shows a figure, in the CSV either.
    cohorts = funnel[funnel["cohort"] != "*"]
    assert set(cohorts["hidden"]) == {"small"} and cohorts["n"].isna().all()


def test_where_learners_stop_and_how_long_they_take(report: dict[str, Any]) -> None:
    stops = report["tables"]["stops"]
    assert dict(zip(stops["question_id"], stops["stopped"], strict=True)) == {
        "q-single": 1,
        "g3": 1,
    }
    durations = report["tables"]["durations"]
    everyone = durations[(durations["cohort"] == "*") & (durations["learners"] == "all")]
    assert everyone["n"].iloc[0] == 7 and everyone["median_days"].iloc[0] >= 0


def test_scores_and_the_pass_rate(report: dict[str, Any]) -> None:
    scores = report["tables"]["scores"].set_index("scope")
    course = scores.loc["course"]
    shares = [1, 0.5, 0.75, 0.75, 1, 0.25]
    assert course["n"] == 6
    assert course["mean"] == near(sum(shares) / 6)
    assert course["median"] == near(0.75)
    assert course["sd"] == near(pd.Series(shares).std())
    assert course["pass_rate"] == near(2 / 6)
    assert course["first_attempt_pass_rate"] == near(2 / 6)
    # The practice module: L1's latest attempt counts (right); L7's one answer is wrong.
    assert scores.loc["lesson.md", "mean"] == near(6 / 7)


def test_item_analysis_by_hand(report: dict[str, Any]) -> None:
    """Scores (rows L1 … L6): g1 = 1 1 1 0 1 1, g2 = 1 1 0 1 1 0, g3 = 2 0 2 2 2 0 (of 2)."""
    items = report["tables"]["items"].set_index("question_id")
    assert items.loc["g1", "facility"] == near(5 / 6)
    assert items.loc["g2", "facility"] == near(4 / 6)
    assert items.loc["g3", "facility"] == near(8 / 12)
    assert items.loc["g3", "intended_weight"] == near(2 / 4)
    # g1 against the rest (3 1 2 3 3 0): cov −1/5, var 1/6 and 8/5.
    assert items.loc["g1", "discrimination"] == near(-0.2 / (1 / 6 * 8 / 5) ** 0.5)
    # g2 against the rest (3 1 3 2 3 1): cov 1/15, var 4/15 and 29/30.
    assert items.loc["g2", "discrimination"] == near((1 / 15) / (4 / 15 * 29 / 30) ** 0.5)
    assert items.loc["g1", "flags"] == "negative"
    assert items.loc["g2", "flags"] == "weak"
    assert items.loc["g2", "random_guess"] == near(1 / 4)
    tests = report["tables"]["tests"].set_index("test")
    # Alpha: 3/2 · (1 − (1/6 + 4/15 + 16/15) / (41/30)) = −6/41.
    assert tests.loc["assessment", "alpha"] == near(-6 / 41)
    # Moodle's error ratio √(1 − alpha) is over 1 when alpha is negative.
    assert tests.loc["assessment", "error_ratio"] == near((1 + 6 / 41) ** 0.5)
    assert tests.loc["assessment", "mean"] == near(17 / 6)


def test_distractors_flag_an_option_nobody_picks(report: dict[str, Any]) -> None:
    table = report["tables"]["distractors"]
    g2 = table[(table["question_id"] == "g2") & (table["basis"] == "first")].set_index("option")
    assert g2["share"].to_dict() == near({"a": 4 / 6, "b": 1 / 6, "c": 1 / 6, "d": 0})
    assert g2.loc["d", "flag"] == "unpicked"
    assert g2["share_upper"].isna().all()  # thirds of two learners are not shown
    single = table[table["question_id"] == "q-single"].set_index(["basis", "option"])
    assert single.loc[("first", "a"), "share"] == near(2 / 7)  # L1 and L7
    assert single.loc[("latest", "a"), "share"] == near(1 / 7)  # L7


def test_feedback_comments_and_webinar_polls(report: dict[str, Any]) -> None:
    feedback = report["tables"]["feedback"].iloc[0]
    assert feedback["n"] == 5 and feedback["mean"] == near(21 / 5)
    assert [feedback[f"rating_{r}"] for r in range(1, 6)] == [0, 0, 1, 2, 2]
    comments = report["tables"]["comments"]
    assert list(comments["comment"]) == ["Litt uklart"] and list(comments["learner"]) == [L[3]]
    polls = report["tables"]["polls"]
    course_poll = polls[polls["question_id"] == "pl"].set_index("option")
    assert course_poll["share"].to_dict() == near({"a": 3 / 5, "b": 2 / 5})
    live = polls[polls["session"] == "2027-02-03-lesson"].set_index("option")
    assert live["n"].iloc[0] == 5
    assert live["chosen"].to_dict() == {"a": 1, "b": 4}  # L1 wrong, L2–L5 right, live


def test_the_pages_say_it_in_the_course_language(report: dict[str, Any]) -> None:
    page = (report["out"] / "report.html").read_text("utf-8")
    assert "Kursrapport: Demokurs" in page and "<script" not in page
    assert "Spørsmål å se på" in page and "negativ diskriminering" in page
    assert "test.ipynb cell" in page  # the flag says where the question is written
    summary = (report["out"] / "summary.html").read_text("utf-8")
    assert "Sammendrag: Demokurs" in summary and "33,3" in summary  # the pass rate


def test_the_thirds_split_by_course_result() -> None:
    table = pd.DataFrame(
        {"share": [0.9, 0.1, 0.5, 0.7, 0.3, 0.2]}, index=[f"x{i}" for i in range(6)]
    )
    upper, lower = thirds(Results(table))
    assert upper == {"x0", "x3"} and lower == {"x1", "x5"}


def test_one_cohort_alone_and_clear_errors(report: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "cohort-a"
    said = runner.invoke(app, ["insight", "course", *report["args"], "--cohort", "a",
                               "--out", str(out)])  # fmt: skip
    assert said.exit_code == 0, said.output
    funnel = pd.read_csv(out / "funnel.csv")
    # Three learners: even the whole report's figures are hidden, and the page says why.
    assert set(funnel["hidden"]) == {"small"} and funnel["n"].isna().all()
    assert "kohorten a" in (out / "report.html").read_text("utf-8")
    # Without a register, nobody is counted as certified: the stage says it is not known.
    unknown = tmp_path / "no-register"
    said = runner.invoke(app, ["insight", "course", *report["args"], "--issuer", str(tmp_path),
                               "--out", str(unknown)])  # fmt: skip
    assert said.exit_code == 0, said.output
    everyone = pd.read_csv(unknown / "funnel.csv").query("cohort == '*'").set_index("stage")
    assert pd.isna(everyone.loc["certified", "n"])
    assert "Kursbevis er ikke talt" in (unknown / "report.html").read_text("utf-8")
    for extra, message in [
        (["--cohort", "zzz"], "no cohort 'zzz' is known; the cohorts: a, b"),
        (["--period", "2030-vår"], "demo has no period 2030-vår; its periods: none"),
    ]:
        said = runner.invoke(app, ["insight", "course", *report["args"], *extra,
                                   "--out", str(tmp_path / "x")])  # fmt: skip
        assert said.exit_code == 1 and message in said.output, said.output
