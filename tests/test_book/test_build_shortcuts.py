"""What kurskit's builder does instead of the theme and Sphinx (the sidebar drawn from the
table of contents, figure numbering from toctrees kept while reading, Sphinx's own section
numbering, the search index kept between builds, the garbage collector's full passes put off)
changes nothing in the site: the same pages and search index as without them."""

from __future__ import annotations

import contextlib
import gc
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest

from kurskit.book import BookBuilder, build_book, sphinx_app
from tests.swedish_course import make_courses
from tests.test_book.conftest import book_folder

pytestmark = pytest.mark.slow


def add_figure(page: Path, caption: str) -> None:
    figure = f"\n:::{{figure}} logo.svg\n:alt: Kurslogoen\n\n{caption}\n:::\n"
    page.write_text(page.read_text("utf-8") + figure, "utf-8")


def site_with_figures(base: Path) -> Path:
    """The test courses, with numbered figures on two pages of two courses, built under
    `base`; returns the site."""
    courses = make_courses(base / "courses")
    add_figure(courses / "kildekritikk" / "02-kildekritikk.md", "Den andre figuren.")
    add_figure(courses / "kildekritikk" / "01-informasjonssok.md", "Den første figuren.")
    add_figure(courses / "hemligt" / "ovning.md", "Figuren i övningen.")
    return build_book(courses_dir=courses, book_dir=book_folder(base)).html_dir


def pages(html: Path) -> dict[str, str]:
    return {str(path.relative_to(html)): path.read_text("utf-8") for path in html.rglob("*.html")}


def sidebar(page: str) -> str:
    found = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', page, re.S)
    assert found is not None
    return found.group(0)


def test_the_site_is_the_one_the_theme_and_sphinx_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours = pages(site_with_figures(tmp_path / "kurskit"))
    with monkeypatch.context() as patched:
        patched.setattr(sphinx_app, "SidebarNav", lambda app: None)
        patched.setattr(sphinx_app, "_FigureWalk", lambda app, keep: None)
        patched.setattr(sphinx_app, "_plain_section_numbers", lambda app: None)
        theirs = pages(site_with_figures(tmp_path / "theme"))

    assert ours.keys() == theirs.keys()
    module = "courses/kildekritikk/02-kildekritikk.html"
    assert 'class="toctree-l2 current active"' in sidebar(ours[module])
    assert 'href="../hemligt/index.html"' in sidebar(ours[module])
    numbers = re.findall(r'<span class="caption-number">([^<]+)</span>', ours[module])
    assert numbers, "the figure is numbered"
    for name, page in ours.items():
        assert page == theirs[name], name


def test_full_collections_wait_for_the_end_of_a_build(tmp_path: Path) -> None:
    courses = make_courses(tmp_path / "courses")
    before = gc.get_threshold()
    during: list[tuple[int, int, int]] = []
    with BookBuilder(courses_dir=courses, book_dir=book_folder(tmp_path)) as builder:
        builder.build(on_progress=lambda step, steps, name: during.append(gc.get_threshold()))
        assert gc.get_threshold() == before
        assert gc.get_freeze_count() > 0  # a kept builder freezes what its first build made
        during_rebuild: list[tuple[int, int, int]] = []
        builder.build(
            on_progress=lambda step, steps, name: during_rebuild.append(gc.get_threshold())
        )
    assert during[0][2] > 10**6 and during[-1] == before  # the last report comes after
    assert set(during_rebuild) == {before}  # a frozen heap: full collections walk little


def test_a_kept_builder_shows_a_new_page_title_in_the_sidebar(tmp_path: Path) -> None:
    courses = make_courses(tmp_path / "courses")
    page = courses / "kildekritikk" / "02-kildekritikk.md"
    with BookBuilder(courses_dir=courses, book_dir=book_folder(tmp_path)) as builder:
        html = builder.build().html_dir
        text = page.read_text("utf-8")
        title = re.search(r"^# (.+)$", text, re.M)
        assert title is not None
        time.sleep(0.05)
        page.write_text(text.replace(title.group(0), "# En helt ny tittel"), "utf-8")
        builder.build()
        index = (html / "courses" / "kildekritikk" / "index.html").read_text("utf-8")
    assert "En helt ny tittel" in sidebar(index)
    assert title.group(1) not in sidebar(index)


@contextlib.contextmanager
def counted_index_reads() -> Iterator[list[int]]:
    """How often Sphinx reads a search index back from its file, in the block."""
    from sphinx.search import IndexBuilder

    reads: list[int] = []
    original_load = IndexBuilder.load

    def load(self: IndexBuilder, stream: IO[Any], format: object) -> None:
        reads.append(1)
        original_load(self, stream, format)

    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(IndexBuilder, "load", load)
        yield reads


def rebuilt_search_index(base: Path) -> tuple[str, int]:
    """The search index a kept builder writes after two edits (a word added on one page, a
    word removed from another), and how often Sphinx read an index back from its file."""
    courses = make_courses(base / "courses")
    added = courses / "kildekritikk" / "02-kildekritikk.md"
    trimmed = courses / "kildekritikk" / "01-informasjonssok.md"
    trimmed.write_text(trimmed.read_text("utf-8") + "\nOrdet forsvinnord.\n", "utf-8")
    book = book_folder(base)
    with counted_index_reads() as reads, BookBuilder(courses_dir=courses, book_dir=book) as builder:
        html = builder.build().html_dir
        time.sleep(0.05)
        added.write_text(added.read_text("utf-8") + "\nOrdet sjeldenbibliotek.\n", "utf-8")
        builder.build()
        time.sleep(0.05)
        text = trimmed.read_text("utf-8")
        trimmed.write_text(text.replace("\nOrdet forsvinnord.\n", ""), "utf-8")
        builder.build()
    return (html / "searchindex.js").read_text("utf-8"), len(reads)


def test_a_kept_builder_keeps_its_search_index_instead_of_reading_it_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kept, reads_kept = rebuilt_search_index(tmp_path / "kept")
    monkeypatch.setattr(sphinx_app, "KeptSearchIndex", lambda app: None)
    read_back, reads = rebuilt_search_index(tmp_path / "read")

    assert "sjeldenbibliotek" in kept
    assert kept == read_back
    assert reads == 2  # Sphinx reads its index back before each rebuild's writing
    assert reads_kept == 0


def test_a_kept_builder_reads_a_search_index_changed_by_someone_else(tmp_path: Path) -> None:
    courses = make_courses(tmp_path / "courses")
    page = courses / "kildekritikk" / "02-kildekritikk.md"
    book = book_folder(tmp_path)
    with counted_index_reads() as reads, BookBuilder(courses_dir=courses, book_dir=book) as builder:
        index = builder.build().html_dir / "searchindex.js"
        later = index.stat().st_mtime_ns + 10**9
        os.utime(index, ns=(later, later))  # as another build writing the same site
        page.write_text(page.read_text("utf-8") + "\nEn setning til.\n", "utf-8")
        builder.build()
    assert len(reads) == 1
