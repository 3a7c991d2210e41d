"""A course's feedback rating on its catalog card: only when it opts in and five learners rated."""

from __future__ import annotations

from pathlib import Path

from kurskit import api
from kurskit.book.pages import catalog_page
from kurskit.book.ratings import RATINGS_FILE, read_ratings
from kurskit.book.settings import BookSettings
from kurskit.course.loading import load_course
from kurskit.store.records import Answer
from kurskit.store.sql import SqlAnswerStore
from tests.factories import COURSE_YML, CourseFactory, md_question

FEEDBACK = md_question("id: fb\ntype: feedback\nprompt: Hva synes du?\n")
OPTED_IN = COURSE_YML.replace(
    "    kind: assessment\n",
    "    kind: assessment\n  - file: eval.md\n    title: Evaluering\n    kind: survey\n",
).replace("status: published\n", "status: published\ncatalog_rating: true\n")


def rate(url: str, ratings: list[int], first: int = 0) -> None:
    store = SqlAnswerStore.open(url)
    try:
        for number, rating in enumerate(ratings, start=first):
            learner = f"p-{number:016x}"
            response = {"rating": rating, "comment": ""}
            store.record(
                Answer("demo", "eval.md", "fb", learner, response, 0.0, 0.0, None, "scored",
                       f"rate-{number}")
            )  # fmt: skip
    finally:
        store.close()


def test_the_rating_shows_once_five_learners_gave_one(
    make_course: CourseFactory, tmp_path: Path
) -> None:
    folder = make_course(OPTED_IN, {"eval.md": FEEDBACK})
    courses, book = folder.parent, tmp_path / "book"
    book.mkdir()
    url = f"sqlite:///{tmp_path / 'answers.sqlite'}"
    rate(url, [5, 4, 4, 3])
    assert api.refresh_catalog_ratings(courses_dir=courses, book_dir=book, url=url) == {}
    assert read_ratings(book) == {}  # four are too few to show
    rate(url, [5], first=4)
    written = api.refresh_catalog_ratings(courses_dir=courses, book_dir=book, url=url)
    assert written["demo"].mean == 21 / 5 and written["demo"].learners == 5
    course = load_course(folder).course
    assert course is not None and course.catalog_rating
    page = catalog_page(BookSettings(), [course], read_ratings(book))
    assert "<dt>Vurdering</dt><dd>4,2 av 5 (5 deltakere)</dd>" in page
    swedish = catalog_page(BookSettings(language="sv"), [course], read_ratings(book))
    assert "<dd>4,2 av 5 (5 deltagare)</dd>" in swedish


def test_no_rating_unless_the_course_opts_in(make_course: CourseFactory, tmp_path: Path) -> None:
    folder = make_course(files={"eval.md": FEEDBACK})  # catalog_rating is off by default
    book = tmp_path / "book"
    book.mkdir()
    (book / RATINGS_FILE).write_text('{"demo": {"mean": 4.0, "learners": 9, "scale": 5}}')
    course = load_course(folder).course
    assert course is not None and not course.catalog_rating
    assert "Vurdering" not in catalog_page(BookSettings(), [course], read_ratings(book))
    # No course opts in: no store is opened, and a stale ratings file is removed.
    missing = f"sqlite:///{tmp_path / 'no' / 'such' / 'store.sqlite'}"
    assert api.refresh_catalog_ratings(courses_dir=folder.parent, book_dir=book, url=missing) == {}
    assert not (book / RATINGS_FILE).exists()
