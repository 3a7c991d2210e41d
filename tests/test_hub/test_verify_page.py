"""The page a certificate's QR code opens, on a real hub: no login, the name, course, date and
validity for a genuine code, "revoked" with the reason for a revoked one; WCAG 2.1 AA in
Chromium and usable by keyboard alone."""

from __future__ import annotations

from typing import Any

import pytest

from kurskit.grading.issuer import Issuer
from kurskit.grading.register import Entry, make_code, record, revoke
from tests.test_hub.hubfixture import RunningHub
from tests.test_hub.test_webinar_browser import serious_violations

pytestmark = pytest.mark.slow


def issued(issuer: Issuer, learner: str, name: str, language: str = "nb") -> Entry:
    entry = Entry(make_code(issuer, "demo", learner, "2026-12-04"), learner, name, "demo",
                  "Kildekritikk og informasjonssøk", language, "2026-12-04")  # fmt: skip
    record(issuer, [entry])
    return entry


def test_anyone_with_the_code_sees_the_certificate_and_its_state(
    hub: RunningHub, issuer: Issuer
) -> None:
    valid = issued(issuer, "page-valid", "Åse Ørnes-Bakke")
    status, page = hub.call("GET", f"{hub.service}verify/{valid.code}")  # no token, no cookie
    assert status == 200, page
    assert '<html lang="nb">' in page
    for text in ("Åse Ørnes-Bakke", "Kildekritikk og informasjonssøk", "4. desember 2026",
                 "Gyldig kursbevis"):  # fmt: skip
        assert text in page
    assert "page-valid" not in page  # the login is not shown

    swedish = issued(issuer, "page-sv", "Sölve Ängström", "sv")
    status, page = hub.call("GET", f"{hub.service}verify/?code={swedish.code.lower()}")
    assert status == 200 and "Giltigt kursintyg" in page and "4 december 2026" in page

    revoked = issued(issuer, "page-revoked", "Bo Berg")
    revoke(issuer, revoked.code, "Utstedt ved en feil")
    status, page = hub.call("GET", f"{hub.service}verify/{revoked.code}")
    assert status == 200
    assert "Trukket tilbake" in page and "Utstedt ved en feil" in page
    assert "Gyldig kursbevis" not in page

    status, page = hub.call("GET", f"{hub.service}verify/0000-0000-0000-0000")
    assert status == 404 and "Ingen kursbevis har denne koden" in page
    status, _ = hub.call("GET", f"{hub.service}verify/not-a-code")
    assert status == 400


@pytest.mark.browser
def test_the_page_is_accessible_and_works_by_keyboard(
    hub: RunningHub, issuer: Issuer, chromium: Any
) -> None:
    entry = issued(issuer, "page-keyboard", "Kari Nordmann")
    context = chromium.new_context()
    page = context.new_page()
    page.goto(f"{hub.service}verify/")
    assert serious_violations(page) == []
    page.keyboard.press("Tab")  # the code field is the first stop
    page.keyboard.type(entry.code)
    page.keyboard.press("Enter")
    page.get_by_text("Kari Nordmann").wait_for(timeout=10_000)
    assert serious_violations(page) == []
    context.close()
