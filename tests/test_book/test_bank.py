"""The course bank as it ships, built into the book and read in Debian Chromium: every
published course with its pages in its language, a practice quiz of each answered by keyboard
with the verdict in the course's language, the catalog filtered to each language (the filter
kept in the address), and axe, the console and the network clean on every page."""

from __future__ import annotations

import collections
import json
from typing import Any

import pytest

from kurskit.book.project import select_courses
from kurskit.course.loading import LoadedCourse
from kurskit.course.questions import SingleChoice
from kurskit.i18n import translate
from tests.swedish_course import ROOT
from tests.test_book.conftest import BuiltBook
from tests.test_book.site_checks import console_problems, site_pages, violations_on_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def published() -> list[LoadedCourse]:
    return select_courses(ROOT / "courses", drafts=False)


def practice_choice(loaded: LoadedCourse) -> tuple[str, SingleChoice]:
    """The course's first ungraded single-choice question, and its module file."""
    return next(
        (file, spec)
        for file, spec in loaded.questions()
        if isinstance(spec, SingleChoice) and not spec.graded
    )


def test_every_published_course_is_in_the_book_in_its_language(bank_book: BuiltBook) -> None:
    courses = published()
    assert len(courses) >= 5
    assert sorted(bank_book.build.courses) == sorted(c.course.slug for c in courses if c.course)
    for loaded in courses:
        course = loaded.course
        assert course is not None
        for module in course.modules:
            page = bank_book.html / f"courses/{course.slug}/{module.file.rsplit('.', 1)[0]}.html"
            assert f'lang="{course.language}"' in page.read_text("utf-8")[:400], page


@pytest.mark.parametrize("loaded", published(), ids=lambda c: c.course.slug if c.course else "")
def test_a_practice_quiz_of_each_course_works_by_keyboard_in_its_language(
    bank_site: str, chromium: Any, loaded: LoadedCourse
) -> None:
    course = loaded.course
    assert course is not None
    file, spec = practice_choice(loaded)
    page = chromium.new_page()
    page.goto(f"{bank_site}/courses/{course.slug}/{file.rsplit('.', 1)[0]}.html")
    ids = page.locator(".kk-static-question").evaluate_all(
        "(els) => els.map((e) => JSON.parse(e.dataset.view).id)"
    )
    question = page.locator(".kk-static-question").nth(ids.index(spec.id))
    question.locator(f'input[value="{spec.answer}"]').focus()
    page.keyboard.press("Space")
    page.keyboard.press("Enter")
    verdict = question.locator(".kk-verdict-correct[role=status]")
    verdict.wait_for(timeout=10_000)
    assert verdict.inner_text().startswith("✓ " + translate("correct", course.language))
    assert question.get_attribute("lang") == course.language
    page.close()


def test_the_catalog_filters_to_each_language_and_keeps_it_on_reload(
    bank_site: str, chromium: Any
) -> None:
    languages = collections.Counter(c.course.language for c in published() if c.course)
    assert {"nb", "sv", "da"} <= set(languages)
    page = chromium.new_page()
    page.goto(f"{bank_site}/index.html")
    assert page.locator(".kk-card").count() == sum(languages.values())
    for language, count in languages.items():
        page.get_by_label("Språk").select_option(language)
        assert page.url.endswith(f"index.html?language={language}")
        page.reload()
        assert page.get_by_label("Språk").input_value() == language
        assert page.locator(".kk-card:visible").count() == count, language
    page.close()


def test_the_catalog_feed_lists_every_published_course(bank_book: BuiltBook) -> None:
    feed = json.loads((bank_book.html / "catalog.json").read_text("utf-8"))
    listed = {entry["slug"]: entry["language"] for entry in feed["courses"]}
    assert listed == {c.course.slug: c.course.language for c in published() if c.course}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_passes_on_every_page_of_the_bank(
    bank_book: BuiltBook, bank_site: str, chromium: Any, scheme: str
) -> None:
    checked = site_pages(bank_book.html)
    assert len(checked) >= 30
    assert violations_on_pages(chromium, bank_site, checked, scheme) == {}


def test_no_page_of_the_bank_logs_an_error_or_misses_a_file(
    bank_book: BuiltBook, bank_site: str, chromium: Any
) -> None:
    assert console_problems(chromium, bank_site, site_pages(bank_book.html)) == []
