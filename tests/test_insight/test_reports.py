"""The report commands end to end: demo data in a real store, HTML and CSV out, axe in Chromium."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.insight.demo import DEMO_SUFFIX
from kurskit.insight.demo_attempts import PLANTED, TAKERS
from kurskit.store.records import session_of
from tests.browser import serious_violations

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "courses" / "digital-kompetanse"
TARGETS = SURVEY / "malnivaer.yml"
SLUG = SURVEY.name + DEMO_SUFFIX
COURSE = "kildekritikk" + DEMO_SUFFIX
runner = CliRunner()


def kurskit(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A small demo population (900 staff in 60 libraries, so some groups are small) and
    both reports written from it, once for the module."""
    folder = tmp_path_factory.mktemp("insight")
    url = f"sqlite:///{folder / 'answers.sqlite'}"
    courses = folder / "courses"
    said = kurskit(
        "insight", "demo-data", "--store", url, "--courses-out", str(courses),
        "--people", "900", "--workplaces", "60", "--no-progress",
    )  # fmt: skip
    kurskit("insight", "survey", SLUG, "--store", url, "--courses", str(courses),
            "--out", str(folder / "survey"))  # fmt: skip
    kurskit("insight", "gaps", SLUG, "--store", url, "--courses", str(courses),
            "--targets", str(TARGETS), "--out", str(folder / "gaps"))  # fmt: skip
    kurskit("insight", "course", COURSE, "--store", url, "--courses", str(courses),
            "--cohorts", str(courses / "cohorts.yml"), "--out", str(folder / "course"))  # fmt: skip
    yield {"folder": folder, "url": url, "courses": courses, "said": said}


def test_demo_data_is_a_marked_synthetic_course_in_three_periods(demo: dict[str, Any]) -> None:
    assert "67,500 synthetic answers of 900 staff in 60 libraries" in demo["said"]
    assert "answers to the published courses" in demo["said"]
    assert "2024-høst, 2025-høst, 2026-høst" in demo["said"]
    listed = kurskit("insight", "period", "list", SLUG, "--store", demo["url"])
    assert [line.split()[0] for line in listed.splitlines()] == [
        "2024-høst", "2025-høst", "2026-høst"
    ]  # fmt: skip
    checked = kurskit("check", str(demo["courses"] / SLUG))
    assert "0 error(s)" in checked


def test_the_survey_report_writes_html_and_a_csv_per_table(demo: dict[str, Any]) -> None:
    out = demo["folder"] / "survey"
    names = sorted(p.name for p in out.iterdir())
    assert names == [
        "change.csv",
        "competence_levels.csv",
        "groups.csv",
        "high_self_raters.csv",
        "positive_outliers.csv",
        "report.html",
        "respondents.csv",
    ]  # fmt: skip (aggregates only: responses.csv only when asked for)
    page = (out / "report.html").read_text("utf-8")
    assert "Syntetiske demodata, ikke virkelige svar" in page
    assert '<html lang="nb">' in page
    assert page.count("<svg") >= 4 and page.count("<table") >= 6
    assert "<script" not in page  # nothing runs, nothing is fetched
    assert not re.findall(r"(?:src|href)=\"https?://", page)
    respondents = pd.read_csv(out / "respondents.csv")
    assert respondents.to_dict("list") == {
        "period": ["2024-høst", "2025-høst", "2026-høst"], "n": [900, 900, 900]
    }  # fmt: skip
    competences = pd.read_csv(out / "competence_levels.csv")
    assert len(competences) == 3 * 21
    level_columns = [f"level_{i}" for i in range(1, 9)]
    assert (competences[level_columns].sum(axis=1) - 1).abs().max() < 1e-5  # six decimals


def test_small_groups_are_hidden_in_the_csv_and_the_page(demo: dict[str, Any]) -> None:
    out = demo["folder"] / "survey"
    groups = pd.read_csv(out / "groups.csv", keep_default_na=False, na_values=[""])
    hidden = groups[groups["hidden"].notna()]
    assert set(hidden["hidden"]) <= {"small", "subtraction"}
    assert hidden[["n", "high", "share", "ci_low", "ci_high"]].isna().all().all()
    shown = groups[groups["hidden"].isna()]
    assert (shown["n"] >= 5).all()
    # 900 staff in 60 libraries: some libraries have fewer than five in a period.
    assert (hidden["dimension"] == "workplace").any()


def test_the_planted_rising_libraries_are_found(demo: dict[str, Any]) -> None:
    outliers = pd.read_csv(demo["folder"] / "survey" / "positive_outliers.csv")
    flagged = outliers[outliers["outlier"]]
    assert len(flagged) >= 1
    assert (flagged["ci_low"] > 0).all()
    # Every flagged library is one of the six planted to rise (filial or main library).
    page = (demo["folder"] / "survey" / "report.html").read_text("utf-8")
    for name in flagged["workplace"]:
        assert name.replace("&", "&amp;") in page


def test_the_gap_report_uses_the_targets_and_suggests_no_unpublished_course(
    demo: dict[str, Any],
) -> None:
    out = demo["folder"] / "gaps"
    by_role = pd.read_csv(
        out / "gap_by_role.csv", keep_default_na=False, na_values=[""], dtype={"competence": str}
    )
    assert set(by_role["role"]) == {
        "Bibliotekar",
        "Biblioteksjef eller annen leder",
        "Formidler",
        "IT-veileder eller digital veileder",
        "Saksbehandler i kommunen",
    }  # fmt: skip  ("Annet" has no targets in the example file)
    it = by_role[(by_role["role"] == "IT-veileder eller digital veileder")
                 & (by_role["competence"] == "5.1")]  # fmt: skip
    assert it["target"].iloc[0] == 7
    page = (out / "report.html").read_text("utf-8")
    assert "Roller uten mål (ikke med): Annet" in page
    by_competence = pd.read_csv(out / "gap_by_competence.csv")
    assert len(by_competence) == 21
    assert ((by_competence["share_below"] >= 0) & (by_competence["share_below"] <= 1)).all()


def test_anonymised_responses_drop_pseudonyms_and_fine_places(demo: dict[str, Any]) -> None:
    pseudonymous_out = demo["folder"] / "pseudonymous"
    kurskit("insight", "survey", SLUG, "--store", demo["url"], "--courses",
            str(demo["courses"]), "--out", str(pseudonymous_out), "--responses")  # fmt: skip
    pseudonymous = pd.read_csv(pseudonymous_out / "responses.csv")
    assert pseudonymous["learner"].str.fullmatch(r"p-[0-9a-f]{16}").all()
    assert len(pseudonymous) == 3 * 900
    out = demo["folder"] / "anonymous"
    kurskit("insight", "survey", SLUG, "--store", demo["url"], "--courses",
            str(demo["courses"]), "--out", str(out), "--anonymise")  # fmt: skip
    anonymous = pd.read_csv(out / "responses.csv", keep_default_na=False)
    assert {"learner", "municipality", "workplace"}.isdisjoint(anonymous.columns)
    # Rows of a (period, region, role) cell shared by fewer than five are left out.
    assert 0.8 * len(pseudonymous) < len(anonymous) <= len(pseudonymous)
    combos = anonymous.groupby(["period", "region", "role"]).size()
    assert (combos >= 5).all()
    # A region or role the report hides in a period is not named in the export either.
    groups = pd.read_csv(demo["folder"] / "survey" / "groups.csv", keep_default_na=False)
    hidden = groups[(groups["scope"] == "all") & (groups["hidden"] != "")]
    for _, row in hidden[hidden["dimension"].isin(["region", "role"])].iterrows():
        named = anonymous[(anonymous["period"] == row["period"])
                          & (anonymous[row["dimension"]] == row["group"])]  # fmt: skip
        assert named.empty, (row["dimension"], row["group"])


def test_report_errors_are_clear(demo: dict[str, Any], tmp_path: Path) -> None:
    args = ["insight", "survey", "kildekritikk", "--store", demo["url"],
            "--courses", str(ROOT / "courses"), "--out", str(tmp_path)]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    assert "kildekritikk has no collection periods" in result.output
    assert "kurskit insight period open kildekritikk" in result.output
    bad = tmp_path / "targets.yml"
    bad.write_text("roles:\n  Bibliotekar:\n    competences:\n      '9.9': 4\n", "utf-8")
    result = runner.invoke(app, ["insight", "gaps", SLUG, "--store", demo["url"], "--courses",
                                 str(demo["courses"]), "--targets", str(bad), "--out",
                                 str(tmp_path)])  # fmt: skip
    assert result.exit_code == 1
    assert f"{bad}:4: error: roles.Bibliotekar.competences.9.9: '9.9' is not a DigComp" in (
        result.output
    )


@pytest.mark.browser
@pytest.mark.parametrize(
    ("report", "name", "title"),
    [
        ("survey", "report", "Selvvurdering"),
        ("gaps", "report", "Kompetansegap"),
        ("course", "report", "Kursrapport"),
        ("course", "summary", "Sammendrag"),
    ],
)
def test_the_reports_pass_axe_in_chromium(
    demo: dict[str, Any], chromium: Any, report: str, name: str, title: str
) -> None:
    page = chromium.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto((demo["folder"] / report / f"{name}.html").as_uri())
    assert page.locator("h1").inner_text().startswith(title)
    assert serious_violations(page) == []
    assert all(url.startswith("file://") for url in requested), requested
    page.close()


def test_demo_staff_also_take_the_published_course_with_retries_and_feedback(
    demo: dict[str, Any],
) -> None:
    from kurskit.store.sql import SqlAnswerStore

    store = SqlAnswerStore.open(demo["url"])
    try:
        taken = list(store.answers(course="kildekritikk-demo"))  # a marked copy, never the real
        assert not list(store.answers(course="kildekritikk"))
        staff = {a.learner for a in store.answers(course=SLUG)}  # everyone in any period
    finally:
        store.close()
    learners = {a.learner for a in taken}
    # Three in four take it; a few stop before their first answer and never show.
    assert learners <= staff and 0.9 < len(learners) / int(TAKERS * len(staff)) <= 1
    assert all("demo/" in a.idempotency_key and a.status != "invalid" for a in taken)
    assert any(a.attempt > 1 for a in taken if not a.question_id.startswith("prove"))
    ratings = [a.response["rating"] for a in taken if a.question_id == "eval-helhet"]
    assert 0.5 * len(learners) < len(ratings) < len(learners)  # some stop before the end
    assert set(ratings) <= {1, 2, 3, 4, 5}
    # Half of each cohort answers the first module live, in its start webinar.
    live = {a.learner for a in taken if session_of(a.idempotency_key)}
    assert 0.4 * len(learners) < len(live) < 0.6 * len(learners)
    # Scores come from the real scoring: a right answer scores full marks.
    assert all(a.score == a.max_score for a in taken if a.correct)


def test_the_course_report_flags_the_planted_items_and_only_them(demo: dict[str, Any]) -> None:
    out = demo["folder"] / "course"
    items = pd.read_csv(out / "items.csv", keep_default_na=False)
    assessment = items[items["test"] == "assessment"].set_index("question_id")
    flags = {q: set(f.split(";")) - {""} for q, f in assessment["flags"].items()}
    assert "too_easy" in flags["prove-vertikal"]
    assert "too_hard" in flags["prove-reklamemerking"]
    assert "negative" in flags["prove-ki-referanser"]
    assert flags["prove-frase"] & {"weak", "negative"}  # a coin toss tells nobody apart
    assert {q for q, f in flags.items() if f} == set(PLANTED) - {"prove-innsnevre"}
    distractors = pd.read_csv(out / "distractors.csv", keep_default_na=False)
    flagged = distractors[distractors["flag"] != ""]
    unpicked = flagged[flagged["flag"] == "unpicked"]
    assert set(unpicked["question_id"]) == {"prove-innsnevre"}
    strong = flagged[flagged["flag"] == "strong_pick_wrong"]
    assert "a" in set(strong[strong["question_id"] == "prove-ki-referanser"]["option"])
    page = (out / "report.html").read_text("utf-8")
    assert "04-prove.md:" in page and 'href="file://' in page  # each flag links its source


def test_the_course_funnel_agrees_with_the_progress_rule(demo: dict[str, Any]) -> None:
    """The report's passed count is what xAPI's passed statements count (one pass rule)."""
    from kurskit.store.progress import milestones, read_courses
    from kurskit.store.sql import SqlAnswerStore

    facts = read_courses(demo["courses"] / COURSE)
    store = SqlAnswerStore.open(demo["url"])
    try:
        found = milestones(store.answers(course=COURSE), facts)
    finally:
        store.close()
    passed = {m.learner for m in found if m.verb == "passed"}
    funnel = pd.read_csv(demo["folder"] / "course" / "funnel.csv", keep_default_na=False)
    everyone = funnel[funnel["cohort"] == "*"].set_index("stage")
    assert int(everyone.loc["passed", "n"]) == len(passed) > 0
    # The demo's cohorts (its counties) each have a row, shown or hidden with its reason.
    named = yaml.safe_load((demo["courses"] / "cohorts.yml").read_text("utf-8"))
    cohorts = funnel[(funnel["cohort"] != "*") & (funnel["stage"] == "enrolled")]
    assert set(cohorts["cohort"]) == set(named) and len(named) > 5


def test_webinar_quick_polls_show_their_prompt_and_options(demo: dict[str, Any]) -> None:
    polls = pd.read_csv(demo["folder"] / "course" / "polls.csv", keep_default_na=False)
    quick = polls[polls["question_id"].str.endswith("-quick-1")]
    assert len(set(quick["session"])) > 5  # one start webinar per cohort
    assert set(quick["text"]) == {"Hver dag", "Hver uke", "Sjeldnere", "Aldri"}
    assert set(quick["prompt"]) == {"Hvor ofte hjelper du lånere med å vurdere en kilde?"}
    shown = quick[quick["hidden"] == ""]
    totals = shown.assign(share=shown["share"].astype(float)).groupby("session")["share"].sum()
    assert ((totals - 1).abs() < 1e-5).all()  # a single-choice poll's shares add up
