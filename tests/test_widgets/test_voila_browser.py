"""A learner answers gallery questions in Voilà with keyboard and mouse, in a real Chromium, and
Voilà renders a MyST module of the bundled course."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from kurskit.course.notebook import read_notebook_file, write_notebook_file
from kurskit.store.sql import open_store
from tests.browser import free_port, jupyter_env, server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
GALLERY = REPO / "widgets"
LEARNER = "voila-learner"
#: Outside a hub the learner is the operating-system user (JUPYTERHUB_USER would mean a hub,
#: where a kernel without the answers service saves nothing).
AS_LEARNER = {"USER": LEARNER, "LOGNAME": LEARNER}


@pytest.fixture(scope="module")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Voilà serving two gallery notebooks (as .ipynb) with a throwaway answer store."""
    folder = tmp_path_factory.mktemp("gallery")
    for name in ("01-single-choice", "04-numeric"):
        write_notebook_file(read_notebook_file(GALLERY / f"{name}.md"), folder / f"{name}.ipynb")
    store_url = f"sqlite:///{folder / 'answers.sqlite'}"
    with running_voila(folder, folder, store_url) as base:
        yield base, store_url


@contextmanager
def running_voila(target: Path, folder: Path, store_url: str) -> Iterator[str]:
    """Standalone `voila TARGET` (a notebook or a folder) on 127.0.0.1; yields its address."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "voila",
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        str(target),
    ]
    env = jupyter_env(folder, store_url, **AS_LEARNER)
    with server(command, f"{base}/", env, folder / "voila.log"):
        yield base


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


def test_a_myst_module_of_the_course_in_norwegian(tmp_path: Path, chromium: Any) -> None:
    """`voila courses/kildekritikk/04-prove.md`: the installed Voilà configuration renders the
    MyST module as a notebook, and its widgets speak the course's language."""
    store_url = f"sqlite:///{tmp_path / 'answers.sqlite'}"
    module = REPO / "courses" / "kildekritikk" / "04-prove.md"
    with running_voila(module, tmp_path, store_url) as base:
        page = chromium.new_page()
        page.goto(f"{base}/", timeout=120_000)
        submit = page.get_by_role("button", name="Lever svaret")
        submit.first.wait_for(timeout=120_000)
        graded = page.get_by_text("Vurdert spørsmål", exact=True)
        assert graded.count() == page.locator(".kk-question").count() >= submit.count() > 1
        first = page.locator(".kk-question").first
        first.get_by_role("radio").first.focus()
        page.keyboard.press("Space")
        page.keyboard.press("Enter")
        first.locator(".kk-status", has_text="Svaret er levert.").wait_for(timeout=30_000)
        page.close()
    [stored] = answers(store_url, "prove-innsnevre")
    assert stored.status == "pending" and stored.score is None
