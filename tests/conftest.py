"""Shared fixtures: small course folders built from short text."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from kurskit.grading.issuer import Issuer, create_issuer
from tests.factories import COURSE_YML, GRADED_TF, LESSON_MD, CourseFactory, ipynb_with


@pytest.fixture
def make_course(tmp_path: Path) -> CourseFactory:
    """Write a course folder `demo` (valid by default); pass text to replace any file."""

    def make(
        course_yml: str = COURSE_YML,
        files: dict[str, str | nbformat.NotebookNode] | None = None,
        slug: str = "demo",
    ) -> Path:
        folder = tmp_path / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "course.yml").write_text(course_yml, "utf-8")
        contents: dict[str, str | nbformat.NotebookNode] = {
            "lesson.md": LESSON_MD,
            "test.ipynb": ipynb_with(GRADED_TF),
        }
        contents.update(files or {})
        for name, content in contents.items():
            if isinstance(content, str):
                (folder / name).write_text(content, "utf-8")
            else:
                nbformat.write(content, folder / name)
        return folder

    return make


@pytest.fixture
def today() -> dt.date:
    return dt.date(2026, 11, 22)


@contextlib.contextmanager
def environment_variable(name: str, value: str) -> Iterator[str]:
    """`name` set to `value` (for this process and the kernels and servers it starts)."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield value
    finally:
        if previous is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = previous


@pytest.fixture(autouse=True, scope="session")
def private_answer_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Every answer a test (or a kernel it starts) saves goes to a throwaway store."""
    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'answers.sqlite'}"
    with environment_variable("KURSKIT_STORE_URL", url):
        yield url


@pytest.fixture(autouse=True, scope="session")
def private_issuer_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Certificates' issuer folder: the tests never read or write the user's own."""
    folder = tmp_path_factory.mktemp("issuer")
    with environment_variable("KURSKIT_ISSUER_DIR", str(folder)):
        yield folder


@pytest.fixture(scope="session")
def issuer(private_issuer_dir: Path) -> Issuer:
    """The tests' certificate issuer (keys made once), verified on an example hub."""
    return create_issuer(
        private_issuer_dir,
        issuer_id="https://hub.example.org/services/kurskit-answers/issuer",
        verify_url="https://hub.example.org/services/kurskit-answers/verify/",
    )


@pytest.fixture(autouse=True, scope="session")
def private_shuffle_key() -> Iterator[str]:
    """One fixed shuffle key for every test and the kernels it starts: orders are the same on
    every run, and no test writes a key into the user's data folder."""
    with environment_variable("KURSKIT_SHUFFLE_KEY", "kurskit-test-shuffle-key-0123456789abcdef"):
        yield os.environ["KURSKIT_SHUFFLE_KEY"]


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Debian Chromium for the session's browser tests."""
    from tests.browser import headless_chromium

    with headless_chromium() as browser:
        yield browser
