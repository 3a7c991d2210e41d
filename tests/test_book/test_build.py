"""The built book: pages and toc from courses/, no remote resources, no answer keys, feeds,
launch links to the learner edition (never to a course source), page languages."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse
from xml.etree import ElementTree as ET

import pytest
import yaml

from kurskit.book.launch import binder_url, jupyterhub_url
from kurskit.book.project import select_courses
from kurskit.book.result import BookSourceError
from tests.swedish_course import IMAGE, SECRETS
from tests.test_book.conftest import BuiltBook

pytestmark = pytest.mark.slow


class ResourceLinks(HTMLParser):
    """Every script src, link href and inline-style url() in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        # rel=canonical names the page's own address; it is never fetched
        if tag == "link" and values.get("href") and values.get("rel") != "canonical":
            self.urls.append(values["href"] or "")
        if values.get("style"):
            self.urls += CSS_URL.findall(values["style"] or "")


class Links(HTMLParser):
    """Every href of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name == "href" and value]


CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def remote(url: str) -> bool:
    return url.startswith("//") or urlparse(url).scheme in ("http", "https")


def test_pages_and_toc_are_generated_from_published_courses(built_book: BuiltBook) -> None:
    project = built_book.build.project_dir
    toc = yaml.safe_load((project / "_toc.yml").read_text("utf-8"))
    chapters = [chapter["file"] for chapter in toc["chapters"]]
    assert chapters == ["courses/hemligt/index", "courses/kildekritikk/index"]
    assert built_book.build.courses == ["hemligt", "kildekritikk"]
    html = built_book.html
    for page in (
        "index.html",
        "courses/hemligt/index.html",
        "courses/hemligt/ovning.html",
        "courses/kildekritikk/04-prove.html",
        "courses/kildekritikk/03-ovelser.html",
    ):
        assert (html / page).is_file(), page
    assert not (html / "courses" / "utkast").exists()  # drafts stay out


def test_drafts_are_included_only_when_asked(built_book: BuiltBook) -> None:
    published = [
        c.course.slug for c in select_courses(built_book.courses_dir, drafts=False) if c.course
    ]
    everything = [
        c.course.slug for c in select_courses(built_book.courses_dir, drafts=True) if c.course
    ]
    assert "utkast" not in published and "utkast" in everything


def test_a_course_with_errors_stops_the_build(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "course.yml").write_text("slug: broken\ntitle: x\n", "utf-8")
    with pytest.raises(BookSourceError) as caught:
        select_courses(tmp_path, drafts=False)
    assert "course.yml" in str(caught.value)


def test_built_site_loads_no_remote_script_style_or_font(built_book: BuiltBook) -> None:
    offenders = []
    pages = list(built_book.html.rglob("*.html"))
    assert len(pages) > 10
    for page in pages:
        parser = ResourceLinks()
        parser.feed(page.read_text("utf-8"))
        offenders += [(page.name, url) for url in parser.urls if remote(url)]
    for stylesheet in built_book.html.rglob("*.css"):
        offenders += [
            (stylesheet.name, url)
            for url in CSS_URL.findall(stylesheet.read_text("utf-8", errors="replace"))
            if remote(url)
        ]
    assert offenders == []


def test_the_page_scripts_are_served_locally(built_book: BuiltBook) -> None:
    page = (built_book.html / "courses/hemligt/ovning.html").read_text("utf-8")
    for script in ("kurskit/book.js", "kurskit/catalog.js", "kurskit/a11y.js"):
        assert script in page
    static = built_book.html / "_static"
    for asset in (
        "kurskit/question.js",
        "kurskit/score.js",
        "vendor/require.js",
        "vendor/embed-amd.js",
        "vendor/mathjax/tex-chtml.js",
    ):
        assert (static / asset).is_file(), asset


def test_graded_answer_keys_appear_in_no_built_file(built_book: BuiltBook) -> None:
    graded_page = (built_book.html / "courses/hemligt/prov.html").read_text("utf-8")
    assert "Vilken operator smalnar av en sökning?" in graded_page  # the question is there
    leaks = []
    for path in built_book.html.rglob("*"):
        if path.is_file() and path.suffix not in (".woff", ".woff2", ".ttf", ".eot", ".png"):
            text = path.read_text("utf-8", errors="replace")
            leaks += [(str(path.relative_to(built_book.html)), s) for s in SECRETS if s in text]
    assert leaks == []


def test_practice_questions_carry_their_key_for_the_browser(built_book: BuiltBook) -> None:
    page = (built_book.html / "courses/hemligt/ovning.html").read_text("utf-8")
    assert "kk-static-question" in page and "AND kräver båda orden." in page
    graded = (built_book.html / "courses/hemligt/prov.html").read_text("utf-8")
    assert "kk-static-question" not in graded and "kk-graded-static" in graded


def test_feeds_parse_and_list_every_published_course(built_book: BuiltBook) -> None:
    catalog = json.loads((built_book.html / "catalog.json").read_text("utf-8"))
    slugs = [course["slug"] for course in catalog["courses"]]
    assert slugs == ["hemligt", "kildekritikk"]
    hemligt = catalog["courses"][0]
    assert hemligt["language"] == "sv" and hemligt["level"] == "intermediate"
    assert hemligt["url"] == "http://127.0.0.1:8000/courses/hemligt/index.html"
    assert [c["code"] for c in hemligt["competences"]] == ["1.2", "2.2"]
    atom = ET.parse(built_book.html / "atom.xml").getroot()
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
    entries = atom.findall("a:entry", ns)
    assert [e.findtext("a:title", namespaces=ns) for e in entries] == [
        "Källkritik i praktiken",
        "Kildekritikk og informasjonssøk",
    ]
    for entry in entries:
        assert entry.findtext("a:id", namespaces=ns)
        assert entry.find("a:link", ns) is not None
        assert entry.findtext("a:updated", namespaces=ns)


def test_launch_links_open_the_learner_edition(built_book: BuiltBook) -> None:
    settings = built_book.settings
    binder = "https://mybinder.org/v2/gh/kurskit/kurskit/main?urlpath="
    hub = "https://hub.example.org/hub/user-redirect/"
    links = {
        binder + "lab/tree/learner-edition/hemligt/ovning.ipynb": binder_url(
            settings, "hemligt", "ovning.md"
        ),
        binder + "voila/render/learner-edition/hemligt/ovning.ipynb": binder_url(
            settings, "hemligt", "ovning.md", app=True
        ),
        hub + "lab/tree/hemligt/ovning.ipynb": jupyterhub_url(settings, "hemligt", "ovning.md"),
        hub + "voila/render/hemligt/ovning.ipynb": jupyterhub_url(
            settings, "hemligt", "ovning.md", app=True
        ),
    }
    assert list(links.values()) == list(links)
    page = (built_book.html / "courses/hemligt/ovning.html").read_text("utf-8")
    assert all(f'href="{url}"' in page for url in links)  # the page's launch buttons
    graded = (built_book.html / "courses/hemligt/prov.html").read_text("utf-8")
    # the graded question's links: live in JupyterLab, and as an app
    assert f'href="{hub}lab/tree/hemligt/prov.ipynb">Öppna den interaktiva versionen' in graded
    assert f'href="{hub}voila/render/hemligt/prov.ipynb">Öppna som app' in graded
    moved = settings.model_copy(
        update={"jupyterhub_edition_folder": "/kurs/", "repository_url": ""}
    )
    assert jupyterhub_url(moved, "hemligt", "a b.md") == hub + "lab/tree/kurs/hemligt/a%20b.ipynb"
    assert binder_url(moved, "hemligt", "ovning.md") == ""  # Binder needs the repository


def test_no_link_leads_to_a_course_source(built_book: BuiltBook) -> None:
    site = built_book.settings.site_url
    elsewhere: list[tuple[str, str]] = []
    for path in built_book.html.rglob("*.html"):
        links = Links()
        links.feed(path.read_text("utf-8"))
        elsewhere += [
            (path.name, url) for url in links.urls if remote(url) and not url.startswith(site)
        ]
    assert any("learner-edition" in url for _, url in elsewhere)
    for page, url in elsewhere:
        assert "git-pull" not in url and "courses/" not in url, (page, url)
        assert not url.endswith((".md", ".md.txt")), (page, url)


def test_notebooks_can_be_downloaded_as_ipynb(built_book: BuiltBook) -> None:
    source = built_book.html / "_sources/courses/hemligt/ovning.ipynb"
    assert source.is_file()
    assert "nbformat" in json.loads(source.read_text("utf-8"))
    assert "ovning.ipynb" in (built_book.html / "courses/hemligt/ovning.html").read_text("utf-8")


def test_course_pages_speak_the_course_language(built_book: BuiltBook) -> None:
    def lang(page: str) -> str:
        text = (built_book.html / page).read_text("utf-8")
        found = re.search(r"<html[^>]*\blang=\"([a-z]+)\"", text)
        assert found, page
        return found.group(1)

    assert lang("index.html") == "nb"
    assert lang("courses/hemligt/index.html") == "sv"
    assert lang("courses/hemligt/prov.html") == "sv"
    assert lang("courses/kildekritikk/index.html") == "nb"
    course_page = (built_book.html / "courses/hemligt/index.html").read_text("utf-8")
    assert "Nästa granskning" in course_page and "Moduler" in course_page


def test_settings_reference_is_generated_from_the_model() -> None:
    from kurskit.book.settings import settings_markdown

    docs = (Path(__file__).parents[2] / "docs" / "book.md").read_text("utf-8")
    assert settings_markdown() in docs


def test_pages_without_code_start_no_kernel(built_book: BuiltBook) -> None:
    executed = [line for line in built_book.build.log.splitlines() if "Executing notebook" in line]
    assert executed and all("03-ovelser.ipynb" in line for line in executed)
    page = (built_book.build.project_dir / "courses/hemligt/ovning.md").read_text("utf-8")
    assert "execution_mode: 'off'" in page


def test_importing_the_book_defers_the_iri_grammar() -> None:
    import subprocess
    import sys

    # A fresh interpreter: this one may have imported jsonschema already.
    code = """if True:
        import sys
        import kurskit.book, nbformat
        assert "rfc3987_syntax.syntax_helpers" not in sys.modules
        from jsonschema import Draft7Validator, FormatChecker
        iri = Draft7Validator({"format": "iri"}, format_checker=FormatChecker())
        assert iri.is_valid("https://example.org/kurs/ø")
        assert not iri.is_valid("not an iri")
        assert "rfc3987_syntax.syntax_helpers" in sys.modules
    """
    subprocess.run([sys.executable, "-c", code], check=True)


def test_search_indexes_norwegian_stems_with_a_local_stemmer(built_book: BuiltBook) -> None:
    from kurskit.book.search import _stems

    text = (built_book.html / "searchindex.js").read_text("utf-8")
    index = json.loads(text[text.index("(") + 1 : text.rindex(")")])
    # The bokmål site is indexed with Sphinx's Norwegian stemmer (kilde, kildene -> kild),
    # and the browser stems queries with its JavaScript twin, served from _static.
    assert "kild" in index["terms"]
    assert _stems("no").get("kildene") == "kild"  # stems are remembered between pages
    assert "NorwegianStemmer" in (built_book.html / "_static" / "language_data.js").read_text(
        "utf-8"
    )


def test_the_footer_speaks_the_page_language(built_book: BuiltBook) -> None:
    def footer(page: str) -> str:
        text = (built_book.html / page).read_text("utf-8")
        found = re.search(r'<footer class="bd-footer-content.*?</footer>', text, re.S)
        assert found, page
        return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())

    year = str(dt.date.today().year)
    assert footer("index.html") == f"Av kurskit © Opphavsrett {year}."
    assert footer("courses/hemligt/prov.html") == f"Av kurskit © Upphovsrätt {year}."
    assert footer("courses/kildekritikk/index.html") == f"Av kurskit © Opphavsrett {year}."


def test_images_beside_a_module_are_shown_on_its_page(built_book: BuiltBook) -> None:
    page = (built_book.html / "courses/hemligt/ovning.html").read_text("utf-8")
    found = re.search(r'<img alt="Sökrutan i bibliotekets katalog" src="([^"]+)"', page)
    assert found, "the module's image is missing from its page"
    shown = (built_book.html / "courses/hemligt" / found.group(1)).resolve()
    assert shown.read_text("utf-8") == IMAGE[1]
