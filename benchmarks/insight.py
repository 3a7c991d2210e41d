"""The competence and course reports end to end from the store, at the demo population and 10×.

For SQLite and for PostgreSQL (a throwaway server, as in the store tests), a fresh store gets
the synthetic demo population (`kurskit insight demo-data`: 5,000 staff in 300 libraries,
three periods, 21 competences ≈ 315,000 ratings), then 10 times as many staff in 10 times as
many libraries. Each report is timed from opening the store to the written HTML and CSV files
(`api.survey_report`, `api.gaps_report`), after one untimed run that loads the libraries.

The course report (`api.course_report`, issue 14) reads the same demo staff's attempts at the
bundled course (≈ 5,000 learners with retries, webinar answers and feedback; ≈ 180,000
answers at 1×).

Baselines in the same run: the report at 1× (growth to 10× should be no worse than linear,
ratio ≤ 10) and a plain read of the same rows from the store (what any report must pay).
Targets (issues 13 and 14): each report ≤ 2 s at 1× and ≤ 10× that at 10×.

    .venv/bin/python benchmarks/insight.py [--skip-postgres | --skip-sqlite]

The last line reads `ratings=… survey_s=… gaps_s=… survey_10x_s=… gaps_10x_s=… course_s=…
course_10x_s=…` (SQLite),
followed by the same figures for PostgreSQL with a pg_ prefix.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the store tests' throwaway PostgreSQL server

from tests.test_store.postgres import find_bin, running_server  # noqa: E402

from kurskit import api  # noqa: E402
from kurskit.insight.demo import COHORTS_FILE, DEMO_SUFFIX  # noqa: E402
from kurskit.store.sql import SqlAnswerStore  # noqa: E402

SOURCE = ROOT / "courses" / "digital-kompetanse"
TARGETS = SOURCE / "malnivaer.yml"
SLUG = SOURCE.name + DEMO_SUFFIX
COURSE = "kildekritikk" + DEMO_SUFFIX
KEYS = ("survey_s", "gaps_s", "survey_10x_s", "gaps_10x_s", "course_s", "course_10x_s")


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def plain_read(url: str) -> None:
    """The baseline: the rows a report reads, fetched with the driver's own cursor (as the
    report does, SQLite scanning the table), nothing computed."""
    store = SqlAnswerStore.open(url)
    scan = " NOT INDEXED" if store.engine.dialect.name == "sqlite" else ""
    connection = store.engine.raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            f"SELECT learner, question_id, response, period, attempt FROM answers{scan} "
            f"WHERE course = '{SLUG}' AND period IS NOT NULL"
        )
        cursor.fetchall()
    finally:
        connection.close()
        store.close()


def measure(url: str, folder: Path, scale: int) -> dict[str, float]:
    courses = folder / "courses"
    started = time.perf_counter()
    demo = api.demo_data(courses_out=courses, url=url, people=5000 * scale, workplaces=300 * scale)
    print(
        f"  {scale}x: {demo.answers:,} answers written in {time.perf_counter() - started:.0f} s",
        flush=True,
    )

    def survey() -> None:
        api.survey_report(SLUG, out=folder / "survey", url=url, courses_dir=courses)

    def gaps() -> None:
        api.gaps_report(SLUG, targets=TARGETS, out=folder / "gaps", url=url, courses_dir=courses)

    def course() -> None:
        api.course_report(
            COURSE, out=folder / "course", url=url, courses_dir=courses,
            cohorts_file=courses / COHORTS_FILE, comments="pseudonymous",
        )  # fmt: skip

    survey()  # untimed: loads pandas, matplotlib and the fonts once
    course()
    figures = {
        "ratings": demo.people * len(demo.periods) * 21,
        "survey_s": min(timed(survey) for _ in range(2)),
        "gaps_s": min(timed(gaps) for _ in range(2)),
        "course_s": min(timed(course) for _ in range(2)),
        "read_s": min(timed(lambda: plain_read(url)) for _ in range(2)),
    }
    print(
        f"  {scale}x: survey {figures['survey_s']:.2f} s, gaps {figures['gaps_s']:.2f} s, "
        f"course {figures['course_s']:.2f} s, plain read {figures['read_s']:.2f} s",
        flush=True,
    )
    return figures


@contextlib.contextmanager
def sqlite_urls(folder: Path) -> Iterator[Callable[[int], str]]:
    yield lambda scale: f"sqlite:///{folder / f'store-{scale}.sqlite'}"


@contextlib.contextmanager
def postgres_urls() -> Iterator[Callable[[int], str]]:
    bin_dir = find_bin()
    if bin_dir is None:
        raise SystemExit("PostgreSQL is not installed: run `make setup`")
    with running_server(bin_dir) as server:

        def url(scale: int) -> str:
            server.sql(f"CREATE DATABASE bench_{scale}")
            return server.url(f"bench_{scale}")

        yield url


def run(
    name: str, urls: contextlib.AbstractContextManager[Callable[[int], str]], folder: Path
) -> dict[str, float]:
    print(f"{name}:", flush=True)
    with urls as url:
        one = measure(url(1), folder / f"{name}-1", 1)
        ten = measure(url(10), folder / f"{name}-10", 10)
    print(
        f"  growth 1x → 10x: survey {ten['survey_s'] / one['survey_s']:.1f}, "
        f"gaps {ten['gaps_s'] / one['gaps_s']:.1f}, "
        f"course {ten['course_s'] / one['course_s']:.1f} (linear: 10); survey vs plain read at 1x: "
        f"{one['survey_s'] / one['read_s']:.1f}",
        flush=True,
    )
    return {
        "ratings": one["ratings"],
        "survey_s": one["survey_s"],
        "gaps_s": one["gaps_s"],
        "survey_10x_s": ten["survey_s"],
        "gaps_10x_s": ten["gaps_s"],
        "course_s": one["course_s"],
        "course_10x_s": ten["course_s"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kurskit-insight-bench-") as temp:
        folder = Path(temp)
        results: dict[str, dict[str, float]] = {}
        if not args.skip_sqlite:
            results["sqlite"] = run("sqlite", sqlite_urls(folder), folder)
        if not args.skip_postgres:
            results["pg"] = run("postgresql", postgres_urls(), folder)
    first = results.get("sqlite") or results["pg"]
    line = f"ratings={int(first['ratings'])}"
    if "sqlite" in results:
        line += " " + " ".join(f"{key}={results['sqlite'][key]:.2f}" for key in KEYS)
    if "pg" in results:
        line += " " + " ".join(f"pg_{key}={results['pg'][key]:.2f}" for key in KEYS)
    print(line)


if __name__ == "__main__":
    main()
