"""Rebuilds by a builder kept alive (`kurskit book serve --watch`): only what an edit touched,
the same pages a new build makes, a new Sphinx application when the toc or settings change."""

from __future__ import annotations

import gc
import json
import re
import shutil
import time
import weakref
from pathlib import Path

import pytest
import yaml

from kurskit.book import BookBuilder, build_book
from tests.test_book.conftest import BuiltBook, book_copy

pytestmark = pytest.mark.slow

PAGE = "kildekritikk/01-informasjonssok"


def append_sentence(courses: Path, sentence: str) -> None:
    page = courses / f"{PAGE}.md"
    page.write_text(page.read_text("utf-8") + f"\n{sentence}\n", "utf-8")


def fresh_build(built_book: BuiltBook, courses: Path, base: Path) -> Path:
    """The site a new build makes of `courses` (in a book like the test book), under `base`."""
    fresh_courses, fresh_book = book_copy(built_book, base)
    shutil.rmtree(fresh_courses)
    shutil.copytree(courses, fresh_courses)
    return build_book(courses_dir=fresh_courses, book_dir=fresh_book).html_dir


def without_checksums(html: str) -> str:
    """A page without Sphinx's `?v=` asset checksums: Sphinx adds one only for a file that is
    already in the output when it writes the page, so rebuilt pages have more of them."""
    return re.sub(r"\?v=[0-9a-f]{8}", "", html)


def test_a_warm_builder_rebuilds_only_what_an_edit_touched(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    courses, book = book_copy(built_book, tmp_path)
    frozen_before = gc.get_freeze_count()
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        built = builder.build()
        assert frozen_before or gc.get_freeze_count()  # kept builders freeze the old heap
        html = built.html_dir / "courses" / "kildekritikk"
        untouched = (html / "02-kildekritikk.html").stat().st_mtime_ns
        before = builder.sources()
        (courses / "kildekritikk" / ".01-informasjonssok.md.swp").write_text("vim", "utf-8")
        (courses / "kildekritikk" / "course.yml~").write_text("backup", "utf-8")
        assert builder.sources() == before  # an editor's scratch files are no edits
        time.sleep(0.05)
        append_sentence(courses, "En alldeles ny mening.")
        assert builder.sources() != before
        rebuilt = builder.build()
        assert "1 changed" in rebuilt.log  # Sphinx read the one edited page, not every page
        assert "En alldeles ny mening." in (html / "01-informasjonssok.html").read_text("utf-8")
        # Nothing made every page out of date (such as a config value changing per build).
        assert (html / "02-kildekritikk.html").stat().st_mtime_ns == untouched

        # A code edit: after a rebuild, a kernel waits for it (SpareKernels).
        path = courses / "kildekritikk" / "03-ovelser.ipynb"
        notebook = json.loads(path.read_text("utf-8"))
        notebook["cells"].append(
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "kk-test-warm",
                "metadata": {},
                "outputs": [],
                "source": "print('kk' + '-warm-' + 'output')",
            }
        )
        path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", "utf-8")
        rebuilt = builder.build()
        assert "03-ovelser.ipynb: Executed notebook" in rebuilt.log
        assert "kk-warm-output" in (html / "03-ovelser.html").read_text("utf-8")
    assert gc.get_freeze_count() == frozen_before  # close() unfroze what it froze


def test_rebuilt_pages_are_the_pages_a_new_build_makes(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    courses, book = book_copy(built_book, tmp_path / "kept")
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        builder.build()
        for round_ in range(3):  # each build writes pages; nothing may pile up between them
            time.sleep(0.05)
            append_sentence(courses, f"Runde {round_}.")
            kept = builder.build().html_dir

    fresh = fresh_build(built_book, courses, tmp_path / "fresh")

    for page in (f"courses/{PAGE}.html", "courses/kildekritikk/index.html", "index.html"):
        rebuilt = (kept / page).read_text("utf-8")
        assert without_checksums(rebuilt) == without_checksums((fresh / page).read_text("utf-8"))
        assert rebuilt.count("DOCUMENTATION_OPTIONS.pagename") == 1
    assert "Runde 2." in (kept / f"courses/{PAGE}.html").read_text("utf-8")


def add_figure(courses: Path, page: str, caption: str) -> None:
    path = courses / "kildekritikk" / f"{page}.md"
    figure = f"\n:::{{figure}} logo.svg\n:alt: Kurslogoen\n\n{caption}\n:::\n"
    path.write_text(path.read_text("utf-8") + figure, "utf-8")


def figure_numbers(html: Path, page: str) -> list[str]:
    text = (html / "courses" / "kildekritikk" / f"{page}.html").read_text("utf-8")
    return [n.strip() for n in re.findall(r'<span class="caption-number">([^<]+)</span>', text)]


def test_figure_numbers_after_rebuilds_are_those_a_new_build_makes(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    # A kept builder keeps doctrees unpickled for Sphinx's figure numbering: a figure added
    # to an earlier page must still renumber the figures after it.
    courses, book = book_copy(built_book, tmp_path / "kept")
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        builder.build()
        time.sleep(0.05)
        add_figure(courses, "02-kildekritikk", "Den andre figuren.")
        html = builder.build().html_dir
        assert len(figure_numbers(html, "02-kildekritikk")) == 1
        time.sleep(0.05)
        add_figure(courses, "01-informasjonssok", "Den første figuren.")
        html = builder.build().html_dir
        first, second = (
            figure_numbers(html, "01-informasjonssok"),
            figure_numbers(html, "02-kildekritikk"),
        )
    assert len(first) == 1 and len(second) == 1 and first != second
    fresh = fresh_build(built_book, courses, tmp_path / "fresh")
    assert figure_numbers(fresh, "01-informasjonssok") == first
    assert figure_numbers(fresh, "02-kildekritikk") == second


def test_pages_written_again_but_not_re_read_show_the_latest_text(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    """Sphinx writes the catalog and a course's page again when one of its modules changes,
    without reading them again: from the doctree it keeps, which must be the newest."""
    courses, book = book_copy(built_book, tmp_path)
    course_file = courses / "kildekritikk" / "course.yml"
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        html = builder.build().html_dir
        for version in ("V1", "V2", "V3"):
            time.sleep(0.05)
            course = yaml.safe_load(course_file.read_text("utf-8"))
            course["summary"] = f"Sammendrag {version}."
            course_file.write_text(yaml.safe_dump(course, allow_unicode=True), "utf-8")
            builder.build()  # re-reads the catalog and the course page
            time.sleep(0.05)
            append_sentence(courses, f"Endring etter {version}.")
            builder.build()  # re-reads the module, writes its parents from kept doctrees
            for page in ("index.html", "courses/kildekritikk/index.html"):
                assert f"Sammendrag {version}." in (html / page).read_text("utf-8"), page


def test_a_new_module_or_new_settings_reach_a_kept_builder(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    courses, book = book_copy(built_book, tmp_path)
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        html = builder.build().html_dir
        first = weakref.ref(builder._kept.sphinx._kept.app)  # type: ignore[union-attr]
        course_file = courses / "kildekritikk" / "course.yml"
        course = yaml.safe_load(course_file.read_text("utf-8"))
        extra = courses / "kildekritikk" / "09-ekstra.md"
        extra.write_text(
            "---\njupytext:\n  text_representation:\n    format_name: myst\n"
            "kernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
            "# Ekstra\n\nEn side som kom til mens boken ble bygd.\n",
            "utf-8",
        )
        course["modules"].append(
            {"file": "09-ekstra.md", "title": "Ekstra", "kind": "lesson", "duration_minutes": 5}
        )
        course_file.write_text(yaml.safe_dump(course, allow_unicode=True), "utf-8")
        builder.build()  # the toc changed: a new Sphinx application reads it
        assert (html / "courses/kildekritikk/09-ekstra.html").is_file()
        assert "09-ekstra.html" in (html / "courses/kildekritikk/index.html").read_text("utf-8")

        settings = book / "book.yml"
        text = settings.read_text("utf-8")
        title = yaml.safe_load(text)["title"]
        assert "https://hub.example.org" in text
        text = text.replace(title, "Et nytt boknavn")
        settings.write_text(text.replace("https://hub.example.org", "https://ny.hub.no"), "utf-8")
        builder.build()
        assert "Et nytt boknavn" in (html / f"courses/{PAGE}.html").read_text("utf-8")
        # The graded questions' links to the learner edition follow the new hub.
        test = (html / "courses/kildekritikk/04-prove.html").read_text("utf-8")
        cards = re.findall(r'<section class="kk-question kk-graded.*?</section>', test, re.S)
        assert cards and all("https://ny.hub.no/" in card for card in cards)
        assert "https://hub.example.org" not in test
        gc.collect()
        assert first() is None  # replaced, the first application is not kept frozen


def test_the_watch_sees_renames_and_deletions(built_book: BuiltBook, tmp_path: Path) -> None:
    courses, book = book_copy(built_book, tmp_path)
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        before = builder.sources()
        page = courses / f"{PAGE}.md"
        moved = page.rename(page.with_name("01-flyttet.md"))  # `mv` keeps the time
        assert moved.stat().st_mtime_ns == before[str(page)][0]
        renamed = builder.sources()
        assert renamed != before
        moved.unlink()
        assert builder.sources() != renamed


def test_a_kept_builder_writes_again_what_changed_behind_its_back(
    built_book: BuiltBook, tmp_path: Path
) -> None:
    """The builder remembers what it wrote into the generated project; a file someone else
    changed or deleted there, or an image added beside a module, is still written."""
    courses, book = book_copy(built_book, tmp_path)
    image = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"></svg>\n'
    with BookBuilder(courses_dir=courses, book_dir=book) as builder:
        project = builder.build().project_dir / "courses" / "kildekritikk"
        page = project / "01-informasjonssok.md"
        made = page.read_text("utf-8")
        page.write_text("Endret utenfor kurskit.\n", "utf-8")
        (project / "index.md").unlink()
        (courses / "kildekritikk" / "figur.svg").write_text(image, "utf-8")
        builder.build()
        assert page.read_text("utf-8") == made
        assert (project / "index.md").is_file()
        assert (project / "figur.svg").read_text("utf-8") == image
        (courses / "kildekritikk" / "figur.svg").unlink()
        builder.build()
        assert not (project / "figur.svg").exists()
