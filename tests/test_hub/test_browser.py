"""Learners and an instructor on a real hub, in Chromium: log in, answer a practice and a graded
question in JupyterLab and in a Voilà app, and the instructor sees their cohort's answers only."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.test_hub.hubfixture import INSTRUCTOR, PASSWORD, RunningHub

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PRACTICE_RIGHT = "bibliotek OG arkiv"
GRADED_PICK = "Et intervju med vitnet"


def log_in(chromium: Any, hub: RunningHub, name: str) -> Any:
    """A fresh browser context logged in as `name` through the hub's own login form."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{hub.settings.public_url}/hub/login", timeout=60_000)
    page.fill("#username_input", name)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    return page


def answer(page: Any, option: str, verdict: str, button: str = "Sjekk svaret") -> None:
    question = page.locator(".kk-question:visible").first  # not one in a hidden tab
    question.wait_for(timeout=120_000)
    question.get_by_role("radio", name=option).check()
    question.get_by_role("button", name=button).click()
    question.locator(f".kk-status.kk-verdict-{verdict}").wait_for(timeout=60_000)
    question.locator(".kk-saved", has_text="Lagret").wait_for(timeout=30_000)


def in_jupyterlab(page: Any, hub: RunningHub, name: str, notebook: str) -> None:
    """Open a module of the learner's copy in JupyterLab and run it cell by cell."""
    # ?reset: a fresh workspace, so the only notebook open is this one
    lab = f"{hub.settings.public_url}/user/{name}/lab/tree/demo/{notebook}?reset"
    page.goto(lab, timeout=120_000)
    panel = page.locator(".jp-NotebookPanel:visible")
    panel.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']").wait_for(timeout=120_000)
    cells = panel.locator(".jp-Cell")
    for _ in range(3):  # Shift+Enter before the kernel is connected is lost: run again
        cells.first.click()
        for _ in range(cells.count()):
            page.keyboard.press("Shift+Enter")
        try:
            panel.locator(".kk-question").first.wait_for(timeout=30_000)
            return
        except PlaywrightTimeout:
            continue
    raise AssertionError(f"{notebook} showed no question in JupyterLab")


def in_voila(page: Any, hub: RunningHub, name: str, notebook: str) -> None:
    url = f"{hub.settings.public_url}/user/{name}/voila/render/demo/{notebook}"
    page.goto(url, timeout=120_000)


def test_two_learners_answer_in_jupyterlab_and_voila_and_the_instructor_sees_them(
    hub: RunningHub, chromium: Any
) -> None:
    # carl is in another cohort: his answer must not reach the instructor's page.
    body = {"course": "demo", "question_id": "p-choice", "response": "a", "idempotency_key": "c"}
    assert hub.call("POST", hub.service + "api/answers", hub.tokens["carl"], body)[0] == 200
    for name in ("alice", "bob"):
        page = log_in(chromium, hub, name)
        page.wait_for_url(f"**/user/{name}/lab**", timeout=180_000)  # the server started
        in_jupyterlab(page, hub, name, "lesson.ipynb")
        answer(page, PRACTICE_RIGHT, "correct")
        in_jupyterlab(page, hub, name, "test.ipynb")
        answer(page, GRADED_PICK, "submitted", "Lever svaret")
        in_voila(page, hub, name, "lesson.ipynb")
        answer(page, PRACTICE_RIGHT, "correct")
        in_voila(page, hub, name, "test.ipynb")
        answer(page, GRADED_PICK, "submitted", "Lever svaret")
        # The page a learner's browser got holds no graded key.
        assert "HEMMELIG" not in page.content()
        page.context.close()

    # The instructor opens the service's page; the hub asks them to log in, then sends them back.
    page = chromium.new_context().new_page()
    page.goto(f"{hub.service}?course=demo", timeout=120_000)
    page.fill("#username_input", INSTRUCTOR)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    table = page.get_by_role("table")
    table.wait_for(timeout=60_000)
    rows = [row.split("\t") for row in table.locator("tbody tr").all_inner_texts()]
    learners = {row[1] for row in rows}
    assert learners == {"alice", "bob"}
    for name in ("alice", "bob"):
        asked = sorted((row[3], row[6]) for row in rows if row[1] == name)
        assert asked == [("g-choice", "1"), ("g-choice", "1"), ("p-choice", "1"), ("p-choice", "1")]
    page.context.close()
