"""The learner's profile after the self-assessment: levels, change, recommended courses."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from kurskit.course.self_assessment import (
    CatalogueEntry,
    Rating,
    build_profile,
    read_catalogue,
    recommend,
)
from kurskit.store.periods import close_period, open_period
from kurskit.store.records import Answer
from kurskit.store.sink import LocalSink
from kurskit.store.sql import SqlAnswerStore
from kurskit.widgets.profile import my_ratings, profile_html

ROOT = Path(__file__).resolve().parents[2]
SURVEY = ROOT / "courses" / "digital-kompetanse"
T0 = dt.datetime(2025, 10, 1, tzinfo=dt.UTC)


def entry(
    slug: str, level: str, competences: tuple[str, ...], status: str = "published"
) -> CatalogueEntry:
    return CatalogueEntry(slug, slug.title(), "nb", level, status, competences)


CATALOGUE = [
    entry("sok-grunnkurs", "foundation", ("1.1", "1.2")),
    entry("sok-videre", "intermediate", ("1.1",)),
    entry("personvern", "advanced", ("4.2",)),
    entry("kladd", "foundation", ("1.1",), status="draft"),  # never recommended
    entry("digital-kompetanse", "foundation", ("1.1", "4.2")),  # the survey itself: never
]


def test_recommendations_cover_the_lowest_rated_competences_nearest_level_first() -> None:
    levels = {"1.1": 1, "1.2": 4, "4.2": 2, "5.1": 6, "3.4": 5}
    # Lowest three: 1.1 (1), 4.2 (2), 1.2 (4). The next level up from 1 is 2: a foundation
    # course (levels 1–2) is nearer than an intermediate one (3–4); personvern covers 4.2 (2).
    shown = [(r.slug, r.covers) for r in recommend(levels, CATALOGUE, "digital-kompetanse")]
    assert shown == [
        ("sok-grunnkurs", ("1.1", "1.2")),
        ("sok-videre", ("1.1",)),
        ("personvern", ("4.2",)),
    ]


def test_the_profile_compares_the_latest_period_with_the_one_before() -> None:
    ratings = [
        Rating("1.1", 2, "2024-høst", T0),
        Rating("1.2", 3, "2024-høst", T0),
        Rating("1.1", 3, "2025-høst", T0.replace(year=2025 + 1)),
        Rating("1.1", 4, "2025-høst", T0.replace(year=2025 + 1) + dt.timedelta(minutes=5)),
        Rating("1.2", 3, "2025-høst", T0.replace(year=2025 + 1)),
    ]
    profile = build_profile(reversed(ratings), CATALOGUE, "digital-kompetanse")
    assert profile.period == "2025-høst" and profile.previous_period == "2024-høst"
    assert profile.levels == {"1.1": 4, "1.2": 3}  # the latest answer in the period counts
    assert profile.change() == {"1.1": 2, "1.2": 0}
    assert profile.areas() == {"1": 3.5}
    page = profile_html(profile, "nb")
    assert "1.1 Navigere, søke og filtrere" in page and "+2" in page
    assert "<svg" in page and "Sok-Grunnkurs" in page


def test_no_answers_yet_says_so() -> None:
    profile = build_profile([], CATALOGUE, "digital-kompetanse")
    assert profile.levels == {} and profile.recommendations == []
    assert profile_html(profile, "en").startswith('<p class="kk-profile">')


def test_the_profile_reads_the_learners_own_answers_with_their_periods(tmp_path: Path) -> None:
    courses = tmp_path / "courses"
    shutil.copytree(SURVEY, courses / SURVEY.name)
    shutil.copytree(ROOT / "courses" / "kildekritikk", courses / "kildekritikk")
    store = SqlAnswerStore.open(f"sqlite:///{tmp_path / 'answers.sqlite'}")
    alice, bob = LocalSink(store, "alice"), LocalSink(store, "bob")

    def rate(sink: LocalSink, question: str, level: int, key: str) -> None:
        sink.store.record(
            Answer("digital-kompetanse", "02-informasjon.md", question, sink.learner, level,
                   None, 0.0, None, "scored", key)
        )  # fmt: skip

    open_period(store.engine, "digital-kompetanse", "2025-høst")
    rate(alice, "dk-1-1", 2, "a1")
    rate(bob, "dk-1-1", 8, "b1")  # someone else's answer never shows in alice's profile
    close_period(store.engine, "digital-kompetanse")
    open_period(store.engine, "digital-kompetanse", "2026-høst")
    rate(alice, "dk-1-1", 3, "a2")
    rate(alice, "dk-1-2", 1, "a3")
    catalogue = {entry.slug: entry for entry in read_catalogue(courses)}
    survey = catalogue["digital-kompetanse"]
    assert len(survey.rated) == 21
    ratings = my_ratings(survey, alice, courses / SURVEY.name)
    profile = build_profile(ratings, catalogue.values(), "digital-kompetanse")
    assert profile.levels == {"1.1": 3, "1.2": 1}
    assert profile.previous == {"1.1": 2}
    # kildekritikk (published, foundation, 1.1 and 1.2) covers both, the lowest first.
    assert [(r.slug, r.covers) for r in profile.recommendations] == [
        ("kildekritikk", ("1.2", "1.1"))
    ]
    store.close()


def test_answers_outside_any_period_are_left_out_once_periods_exist() -> None:
    ratings = [
        Rating("1.1", 2, None, T0.replace(year=2024)),
        Rating("1.1", 4, "2025-høst", T0),
        Rating("1.1", 6, None, T0.replace(year=2026)),  # given while no period was open
    ]
    profile = build_profile(ratings, CATALOGUE, "digital-kompetanse")
    assert (profile.period, profile.levels, profile.previous) == ("2025-høst", {"1.1": 4}, {})
    untagged = build_profile(ratings[::2], CATALOGUE, "digital-kompetanse")
    assert untagged.levels == {"1.1": 6}  # no periods at all: the latest answer counts


def test_kurskit_s_charts_leave_a_learner_s_own_plots_alone() -> None:
    """Drawing a profile in a kernel must not switch matplotlib's backend or its settings:
    a course that plots after a question still shows its charts inline."""
    import subprocess
    import sys

    script = (
        "import matplotlib; backend = matplotlib.get_backend(); "
        "import kurskit.charts, kurskit.widgets.profile; "
        "from kurskit.charts import figure_svg, new_figure; "
        "figure = new_figure(); figure.subplots().set_title('$5 per lån'); "
        "svg = figure_svg(figure, 'x'); "
        "assert '$5 per lån' in svg, 'the label was read as TeX'; "
        "assert matplotlib.get_backend() == backend, matplotlib.get_backend(); "
        "assert matplotlib.rcParams['text.parse_math'] is True"
    )
    env = {"MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    import os

    done = subprocess.run(
        [sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
