"""The built book in Debian Chromium: offline quizzes by keyboard, catalog filters, no remote
requests, and axe-core's WCAG 2.1 A/AA rules on every page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.test_book.conftest import BuiltBook
from tests.test_book.site_checks import console_problems, site_pages, violations_on_pages

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def pages(built_book: BuiltBook) -> list[str]:
    return site_pages(built_book.html)


def test_practice_quiz_works_offline_by_keyboard(book_site: str, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto(f"{book_site}/courses/hemligt/ovning.html")
    first = page.get_by_role("radio", name="bibliotek OR arkiv")
    first.focus()
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    status = page.locator(".kk-verdict-correct[role=status]").first
    status.wait_for(timeout=10_000)
    assert status.inner_text() == "✓ Rätt. 1 av 1 poäng"
    page.locator(".kk-option-feedback", has_text="AND kräver båda orden.").wait_for()
    assert page.get_by_text("Dina svar här sparas inte.").first.is_visible()
    number = page.get_by_role("textbox").first
    number.fill("150")
    number.press("Enter")
    wrong = page.locator(".kk-verdict-incorrect[role=status]")
    wrong.wait_for(timeout=10_000)
    assert wrong.inner_text() == "✗ Inte rätt. 0 av 1 poäng"
    page.close()


def test_graded_questions_have_no_controls(book_site: str, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto(f"{book_site}/courses/hemligt/prov.html")
    cards = page.locator(".kk-graded-static")
    assert cards.count() == 4
    assert page.locator(".kk-graded-static input, .kk-graded-static button").count() == 0
    page.close()


def test_catalog_filters_without_a_server(book_site: str, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto(f"{book_site}/index.html")
    cards = page.locator(".kk-card")
    assert cards.count() == 2
    page.get_by_label("Språk").select_option("sv")
    assert page.locator(".kk-card:visible").count() == 1
    assert page.locator(".kk-count").inner_text() == "Viser 1 av 2 kurs."
    # The choice is in the address: it survives a reload, and a portal can link to it.
    assert page.url.endswith("index.html?language=sv")
    page.reload()
    assert page.get_by_label("Språk").input_value() == "sv"
    assert page.locator(".kk-card:visible").count() == 1
    page.get_by_label("Språk").select_option("")
    page.get_by_label("Kompetanse (DigComp 2.2)").select_option("2.2")
    assert page.locator(".kk-card:visible").count() == 1
    assert page.url.endswith("index.html?competence=2.2")
    linked = chromium.new_page()
    linked.goto(f"{book_site}/index.html?competence=2.2&level=nonsense")
    assert linked.locator(".kk-card:visible").count() == 1
    assert linked.get_by_label("Nivå").input_value() == ""  # an unknown value is ignored
    linked.close()
    page.close()


def test_no_page_requests_anything_from_elsewhere(
    built_book: BuiltBook, book_site: str, chromium: Any
) -> None:
    page = chromium.new_page()
    remote: list[str] = []
    page.on(
        "request",
        lambda r: (
            remote.append(r.url) if not r.url.startswith((book_site, "data:", "blob:")) else None
        ),
    )
    for path in pages(built_book):
        page.goto(f"{book_site}/{path}", wait_until="networkidle")
    page.close()
    assert remote == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_reports_no_serious_or_critical_wcag_violation(
    built_book: BuiltBook, book_site: str, chromium: Any, scheme: str
) -> None:
    checked = pages(built_book)
    assert len(checked) >= 10
    assert violations_on_pages(chromium, book_site, checked, scheme) == {}


def test_no_page_logs_an_error_or_asks_for_a_missing_file(
    built_book: BuiltBook, book_site: str, chromium: Any
) -> None:
    assert console_problems(chromium, book_site, pages(built_book)) == []
    assert not list(built_book.html.glob("_static/*webpack-macros.html"))  # fragments, no pages


def test_the_theme_s_own_words_follow_the_page_language(book_site: str, chromium: Any) -> None:
    from kurskit.i18n import catalogue

    english = {v for k, v in catalogue("en").items() if k.startswith("theme_")}
    left_in_english = """(english) => [...document.querySelectorAll("*")].flatMap((e) =>
        ["aria-label", "title", "placeholder"].map((a) => e.getAttribute(a))
        .concat(e.closest("article") ? [] : [...e.childNodes].filter((n) => n.nodeType === 3)
        .map((n) => n.textContent.trim()))).filter((v) => v && english.includes(v.trim()))"""
    page = chromium.new_page()
    page.goto(f"{book_site}/index.html")
    assert page.locator("#pst-skip-link a").text_content() == "Gå til hovedinnholdet"
    assert page.evaluate(left_in_english, sorted(english)) == []
    page.goto(f"{book_site}/courses/hemligt/index.html")  # a Swedish course's page
    assert page.locator("html").get_attribute("lang") == "sv"
    assert page.locator("#pst-skip-link a").text_content() == "Gå till huvudinnehållet"
    assert page.evaluate(left_in_english, sorted(english)) == []
    page.close()
