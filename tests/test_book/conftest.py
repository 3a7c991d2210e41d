"""Books built for the test session: one of the bundled course, a Swedish test course with
secret answer keys and a draft that must stay out; and one of the course bank as it ships."""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kurskit.book import BookBuild, build_book, load_book_settings
from kurskit.book.settings import BookSettings
from kurskit.book.vendor import install_node_modules
from tests.browser import free_port, server
from tests.swedish_course import ROOT, make_courses


@dataclass
class BuiltBook:
    build: BookBuild
    settings: BookSettings
    courses_dir: Path

    @property
    def html(self) -> Path:
        return self.build.html_dir


def book_copy(built_book: BuiltBook, base: Path) -> tuple[Path, Path]:
    """A course folder with the bundled course and a book folder sharing the test book's
    settings and vendored libraries, under `base`."""
    courses = base / "courses"
    shutil.copytree(built_book.courses_dir / "kildekritikk", courses / "kildekritikk")
    book = base / "book"
    shutil.copytree(
        built_book.build.project_dir.parents[1],
        book,
        symlinks=True,
        ignore=shutil.ignore_patterns("_build"),
    )
    return courses, book


def book_folder(base: Path) -> Path:
    """A book folder with the project's settings, sharing its vendored libraries (one npm
    install per machine)."""
    book_dir = base / "book"
    book_dir.mkdir()
    for name in ("book.yml", "logo.svg", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / "book" / name, book_dir / name)
    (book_dir / "node_modules").symlink_to(install_node_modules(ROOT / "book"))
    return book_dir


def built(base: Path, courses: Path) -> BuiltBook:
    """`courses` built once into a book folder under `base`."""
    book_dir = book_folder(base)
    build = build_book(courses_dir=courses, book_dir=book_dir)
    return BuiltBook(build, load_book_settings(book_dir), courses)


@contextlib.contextmanager
def served(html: Path, log: Path) -> Iterator[str]:
    """A built site served over HTTP on 127.0.0.1, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    with server([*command, "--directory", str(html)], url + "/", {}, log):
        yield url


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    base = tmp_path_factory.mktemp("book")
    return built(base, make_courses(base / "courses"))


@pytest.fixture(scope="session")
def book_site(built_book: BuiltBook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built book served over HTTP on 127.0.0.1."""
    with served(built_book.html, tmp_path_factory.mktemp("log") / "http.log") as url:
        yield url


@pytest.fixture(scope="session")
def bank_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    """The book of the course bank as it ships: every course in courses/."""
    base = tmp_path_factory.mktemp("bank")
    courses = base / "courses"
    shutil.copytree(ROOT / "courses", courses)
    return built(base, courses)


@pytest.fixture(scope="session")
def bank_site(bank_book: BuiltBook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The course bank's book served over HTTP on 127.0.0.1."""
    with served(bank_book.html, tmp_path_factory.mktemp("log") / "http.log") as url:
        yield url
