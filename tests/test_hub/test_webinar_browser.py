"""A webinar through the real hub in Chromium: the instructor drives the Voilà dashboard, two
participants answer from the join page (one by keyboard alone, one on a phone-sized screen),
the chart shows both answers, and closing and revealing reach the participants at once."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from kurskit.hub.settings import ANSWERS_SERVICE
from kurskit.hub.webinar import webinar_links
from tests.browser import serious_violations
from tests.test_hub.hubfixture import INSTRUCTOR, PASSWORD, RunningHub
from tests.test_hub.test_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PROMPT = "Hvilket søk gir færrest treff?"


def join(chromium: Any, hub: RunningHub, name: str, url: str, **context: Any) -> Any:
    """A participant opens the join link; the hub asks them to log in, then sends them back."""
    page = chromium.new_context(**context).new_page()
    page.goto(url, timeout=60_000)
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.get_by_text("Venter på neste spørsmål").wait_for(timeout=60_000)
    return page


def press(page: Any, button: str, until: str) -> None:
    """Click a dashboard button until the dashboard shows `until` (a click made before Voilà's
    widgets are connected to the kernel is lost)."""
    for _ in range(10):
        page.get_by_role("button", name=button).click()
        try:
            page.get_by_text(until).wait_for(timeout=3_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"the dashboard never showed {until!r} after {button!r}")


def test_a_webinar_with_an_instructor_and_two_participants(hub: RunningHub, chromium: Any) -> None:
    links = webinar_links(hub.settings.public_url, ANSWERS_SERVICE, "demo", "lesson.md")
    alice = join(chromium, hub, "alice", links.join)
    bob = join(chromium, hub, "bob", links.join, viewport={"width": 375, "height": 667})

    instructor = log_in(chromium, hub, INSTRUCTOR)
    instructor.wait_for_url(f"**/user/{INSTRUCTOR}/lab**", timeout=180_000)  # server started
    instructor.goto(links.dashboard, timeout=120_000)
    instructor.get_by_text("Webinar: demo").wait_for(timeout=120_000)
    press(instructor, "Åpne spørsmålet", "(åpent)")

    # The question appears without reloading; alice answers by keyboard alone.
    alice.get_by_role("group", name=PROMPT).wait_for(timeout=30_000)
    alice.get_by_role("radio").first.focus()
    alice.keyboard.press("ArrowDown")  # the second option: "bibliotek OG arkiv"
    alice.keyboard.press("Tab")
    alice.keyboard.press("Enter")
    alice.get_by_text("Lagret").wait_for(timeout=30_000)
    assert serious_violations(alice) == []
    # bob, on a phone-sized screen, taps the other option.
    bob.get_by_role("radio", name="bibliotek ELLER arkiv").check()
    bob.get_by_role("button", name="Lever svaret").click()
    bob.get_by_text("Lagret").wait_for(timeout=30_000)

    instructor.get_by_text("2 av 2 har svart").wait_for(timeout=30_000)
    chart = instructor.get_by_label("Klassens svar")
    assert chart.get_by_text("bibliotek ELLER arkiv: 1").is_visible()
    assert chart.get_by_text("bibliotek OG arkiv: 1").is_visible()

    press(instructor, "Lukk", "(lukket)")
    alice.get_by_text("Spørsmålet er lukket.").wait_for(timeout=30_000)
    assert alice.get_by_role("radio").first.is_disabled()
    press(instructor, "Vis riktig svar", "(svaret vist)")
    for page in (alice, bob):
        page.get_by_text("Riktig svar er markert.").wait_for(timeout=30_000)
    assert "✓" in instructor.get_by_label("Klassens svar").inner_text()

    projector = instructor.context.new_page()
    projector.goto(links.projector, timeout=60_000)
    projector.get_by_text("2 av 2 har svart").wait_for(timeout=30_000)
    assert projector.locator("svg").count() >= 1  # the QR code of the join link
    assert serious_violations(projector) == []
