"""A learner answers gallery questions in Voilà with keyboard and mouse, in a real Chromium."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kurskit.course.notebook import read_notebook_file, write_notebook_file
from kurskit.store.sql import open_store
from tests.browser import free_port, server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GALLERY = Path(__file__).resolve().parents[2] / "widgets"
LEARNER = "voila-learner"


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Voilà serving two gallery notebooks (as .ipynb) with a throwaway answer store."""
    folder = tmp_path_factory.mktemp("gallery")
    for name in ("01-single-choice", "04-numeric"):
        write_notebook_file(read_notebook_file(GALLERY / f"{name}.md"), folder / f"{name}.ipynb")
    store_url = f"sqlite:///{folder / 'answers.sqlite'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        str(folder),
    ]
    env = {"KURSKIT_STORE_URL": store_url, "JUPYTERHUB_USER": LEARNER}
    with server(command, f"{base}/", env, folder / "voila.log"):
        yield base, store_url


def open_page(browser: Any, url: str) -> Any:
    page = browser.new_page()
    page.goto(url, timeout=120_000)
    page.get_by_role("button", name="Check answer").wait_for(timeout=120_000)
    return page


def answers(store_url: str, question_id: str) -> list[Any]:
    store = open_store(store_url)
    learner = store.pseudonym(LEARNER)
    return [a for a in store.answers(learner=learner) if a.question_id == question_id]


def test_single_choice_by_keyboard(voila: tuple[str, str], chromium: Any) -> None:
    base, store_url = voila
    page = open_page(chromium, f"{base}/voila/render/01-single-choice.ipynb")
    first = page.get_by_role("radio", name="library OR archive")
    first.focus()
    page.keyboard.press("Space")  # select the first option
    page.keyboard.press("ArrowDown")  # radio groups move (and select) with the arrow keys
    assert page.get_by_role("radio", name="library AND archive").is_checked()
    page.keyboard.press("Enter")  # submits the question's form
    status = page.locator(".kk-verdict-correct[role=status]")
    status.wait_for(timeout=30_000)
    assert status.inner_text().startswith("✓")
    assert "1 of 1 points" in status.inner_text()
    note = page.locator(".kk-option-feedback", has_text="AND requires both words")
    note.wait_for(timeout=10_000)
    described_by = page.get_by_role("radio", name="library AND archive").get_attribute(
        "aria-describedby"
    )
    assert described_by == note.get_attribute("id")
    page.locator(".kk-saved", has_text="Saved").wait_for(timeout=10_000)
    [stored] = answers(store_url, "gallery-single")
    assert stored.response == "b" and stored.correct is True and stored.score == 1
    page.close()


def test_numeric_by_mouse_and_reopened(voila: tuple[str, str], chromium: Any) -> None:
    base, store_url = voila
    url = f"{base}/voila/render/04-numeric.ipynb"
    page = open_page(chromium, url)
    field = page.get_by_role("textbox")
    field.click()
    field.fill("150")
    page.get_by_role("button", name="Check answer").click()
    page.locator(".kk-verdict-incorrect[role=status]", has_text="Not correct.").wait_for(
        timeout=30_000
    )
    field.fill("170")
    page.get_by_role("button", name="Check answer").click()
    page.locator(".kk-verdict-correct[role=status]").wait_for(timeout=30_000)
    page.locator(".kk-saved", has_text="Saved").wait_for(timeout=10_000)
    page.close()
    stored = answers(store_url, "gallery-numeric")
    assert [(a.attempt, a.response, a.correct) for a in stored] == [
        (1, "150", False),
        (2, "170", True),
    ]
    again = open_page(chromium, url)  # reopening shows the earlier answer from the store
    assert again.get_by_role("textbox").input_value() == "170"
    again.get_by_text("Your earlier answer from").wait_for(timeout=10_000)
    again.close()
