"""The Jupyter Book project generated from courses/: config, table of contents and pages.

Nobody edits `_toc.yml` by hand. Files are written only when their content changes, so that
Sphinx and the execution cache rebuild only what an edit touched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from kurskit.book.feeds import atom_feed, catalog_json
from kurskit.book.launch import app_url, launch_buttons, live_url
from kurskit.book.pages import catalog_page, course_page
from kurskit.book.ratings import read_ratings
from kurskit.book.result import BookSourceError
from kurskit.book.search import search_language
from kurskit.book.settings import BookSettings
from kurskit.book.static_questions import book_notebook
from kurskit.course.edition import course_images
from kurskit.course.loading import (
    LoadedCourse,
    ReadCache,
    find_course_folders,
    load_courses,
)
from kurskit.course.model import Course, Status
from kurskit.i18n import translate

STATIC_DIR = "_kurskit_static"  # not `_static`: Jupyter Book adds every .js there to every page
EXTRA_DIR = "_extra"  # copied as-is to the site root (feeds)
COURSES_DIR = "courses"


@dataclass
class Project:
    """A generated book project and what went into it."""

    folder: Path
    courses: list[Course] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    @property
    def static_dir(self) -> Path:
        return self.folder / STATIC_DIR


class CachedPage(NamedTuple):
    """A book page made from a course notebook."""

    #: The notebook object, the course language and the page's links it was made from.
    made_from: tuple[Any, str, tuple[str, str]]
    #: What it was made from, hashed (for a notebook read again but unchanged).
    fingerprint: str
    text: str


class CourseParts(NamedTuple):
    """What a course's part of the project is made of, besides its pages."""

    #: The loaded course and the settings it was made from (a loader's cache hands out the
    #: same object while no file in the course folder changed).
    made_from: tuple[LoadedCourse, BookSettings]
    index_text: str  # the course's page
    images: list[Path]  # beside its pages
    latest: float  # when a file in its folder last changed
    links: dict[str, tuple[str, str]]  # each module's live and app links


@dataclass
class ProjectCache:
    """What a builder kept alive remembers from one build to the next, so that a rebuild
    after an edit redoes only what the edit touched."""

    #: Book pages made from course notebooks, by page path.
    pages: dict[str, CachedPage] = field(default_factory=dict)
    #: Each course's other parts, by course folder.
    courses: dict[Path, CourseParts] = field(default_factory=dict)
    #: What each project file was last written with (or found to hold), and the file's
    #: inode, size and modification time then: a file unchanged since is not read again.
    files: dict[Path, tuple[str | bytes, tuple[int, int, int]]] = field(default_factory=dict)


def select_courses(
    courses_dir: Path, *, drafts: bool, notebooks: ReadCache | None = None, workers: int = 1
) -> list[LoadedCourse]:
    """Published courses (and drafts and archived ones with `drafts`); errors stop the build.
    A builder kept alive passes the same `notebooks` every time (see `load_courses`)."""
    folders = find_course_folders(courses_dir)
    loaded = load_courses(folders, notebooks=notebooks, workers=workers)
    errors = [p for course in loaded for p in course.problems if p.severity == "error"]
    if errors:
        raise BookSourceError(errors)
    return [
        course
        for course in loaded
        if course.course is not None and (drafts or course.course.status is Status.published)
    ]


def generate_project(
    courses: list[LoadedCourse],
    *,
    settings: BookSettings,
    book_dir: Path,
    folder: Path,
    cache: ProjectCache | None = None,
) -> Project:
    """Write the project for these courses into `folder`; remove pages of courses now gone.
    A builder kept alive passes the same `cache` to every build."""
    project = Project(folder=folder, courses=[c.course for c in courses if c.course])
    cache = ProjectCache() if cache is None else cache
    wanted: set[Path] = set()

    def write(relative: str, text: str | bytes) -> None:
        path = folder / relative
        wanted.add(path)
        known = cache.files.get(path)
        if known is not None and known[0] == text and known[1] == _identity(path):
            return
        data = text.encode() if isinstance(text, str) else text
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            project.written.append(path)
        cache.files[path] = (text, _identity(path))

    chapters: list[dict[str, Any]] = []
    latest = 0.0
    for loaded in courses:
        course = loaded.course
        assert course is not None
        base = f"{COURSES_DIR}/{course.slug}"
        parts = _course_parts(loaded, settings, cache)
        latest = max(latest, parts.latest)
        write(f"{base}/index.md", parts.index_text)
        for image in parts.images:  # what the pages show, beside them
            write(f"{base}/{image.as_posix()}", (loaded.folder / image).read_bytes())
        for module in course.modules:
            page = f"{base}/{module.file}"
            source = loaded.notebooks[module.file]  # read and checked by load_course
            assert source.notebook is not None  # an unreadable notebook is an error: no build
            links = parts.links[module.file]
            made_from = (source.notebook, course.language, links)
            kept = cache.pages.get(page)
            if kept is None or not _same_origin(kept.made_from, made_from):
                fingerprint = _fingerprint(source.notebook, module.file, course.language, links)
                if kept is None or kept.fingerprint != fingerprint:
                    copy = book_notebook(
                        source.notebook,
                        language=course.language,
                        live_url=links[0],
                        app_url=links[1],
                    )
                    kept = CachedPage(made_from, fingerprint, _notebook_text(copy, module.file))
                else:
                    kept = CachedPage(made_from, fingerprint, kept.text)
                cache.pages[page] = kept
            write(page, kept.text)
        chapters.append(
            {
                "file": f"{base}/index",
                "sections": [
                    {"file": f"{base}/{Path(m.file).with_suffix('')}"} for m in course.modules
                ],
            }
        )
    write("index.md", catalog_page(settings, project.courses, read_ratings(book_dir)))
    write("_toc.yml", _toc_text(chapters))
    write("_config.yml", _config_text(settings, project.courses))
    built = dt.datetime.fromtimestamp(latest, tz=dt.UTC).replace(microsecond=0)
    write(f"{EXTRA_DIR}/catalog.json", catalog_json(settings, project.courses, built))
    write(f"{EXTRA_DIR}/atom.xml", atom_feed(settings, project.courses, built))
    logo = book_dir / settings.logo if settings.logo else None
    if logo is not None and logo.is_file():
        target = folder / settings.logo
        if not target.exists() or target.read_bytes() != logo.read_bytes():
            shutil.copy2(logo, target)
    _remove_stale(folder / COURSES_DIR, wanted)
    for gone in set(cache.files) - wanted:
        del cache.files[gone]
    for gone in set(cache.courses) - {loaded.folder for loaded in courses}:
        del cache.courses[gone]
    return project


def _course_parts(loaded: LoadedCourse, settings: BookSettings, cache: ProjectCache) -> CourseParts:
    """The course's parts, made again only when the course or the settings changed."""
    kept = cache.courses.get(loaded.folder)
    if kept is not None and kept.made_from[0] is loaded and kept.made_from[1] == settings:
        return kept
    course = loaded.course
    assert course is not None
    files = [path for path in loaded.folder.rglob("*") if path.is_file()]
    parts = CourseParts(
        made_from=(loaded, settings),
        index_text=course_page(course, {m.file: m.file for m in course.modules}),
        images=course_images(loaded.folder),
        # when the published content last changed (feeds' `updated`): stable across rebuilds
        latest=max((path.stat().st_mtime for path in files), default=0.0),
        links={
            m.file: (
                live_url(settings, course.slug, m.file),
                app_url(settings, course.slug, m.file),
            )
            for m in course.modules
        },
    )
    cache.courses[loaded.folder] = parts
    return parts


def _identity(path: Path) -> tuple[int, int, int]:
    try:
        info = path.stat()
    except OSError:
        return (0, -1, 0)
    return info.st_ino, info.st_size, info.st_mtime_ns


def _same_origin(
    kept: tuple[Any, str, tuple[str, str]], now: tuple[Any, str, tuple[str, str]]
) -> bool:
    """The same notebook object (a loader's cache hands out the one it read while the file is
    unchanged), course language and links: the page is the one made before."""
    return kept[0] is now[0] and kept[1:] == now[1:]


def _fingerprint(notebook: Any, file: str, language: str, links: tuple[str, str]) -> str:
    """What a notebook's page is made from. Not the cell ids jupytext invents at every read of
    a MyST file: they are not written to its page."""
    cells = notebook.cells
    if not file.endswith(".ipynb"):
        cells = [{key: value for key, value in cell.items() if key != "id"} for cell in cells]
    data = [notebook.metadata, cells, language, links]
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()


def _notebook_text(notebook: Any, file: str) -> str:
    import jupytext
    import nbformat

    if file.endswith(".ipynb"):
        return nbformat.writes(notebook) + "\n"
    notebook.metadata.setdefault("jupytext", {})["notebook_metadata_filter"] = "kurskit,mystnb"
    return str(jupytext.writes(notebook, fmt="md:myst"))


def _remove_stale(courses_folder: Path, wanted: set[Path]) -> None:
    if not courses_folder.exists():
        return
    for parent, _dirs, files in os.walk(courses_folder, topdown=False):
        here = Path(parent)
        for name in files:
            if here / name not in wanted:
                (here / name).unlink()
        if here != courses_folder and not any(here.iterdir()):
            here.rmdir()
    if not any(courses_folder.iterdir()):
        shutil.rmtree(courses_folder)


def _launch_buttons(settings: BookSettings, courses: list[Course]) -> dict[str, dict[str, Any]]:
    """page name → its launch group (label and buttons), as plain data for the Sphinx config."""
    groups = {}
    for course in courses:
        for module in course.modules:
            page = f"{COURSES_DIR}/{course.slug}/{Path(module.file).with_suffix('').as_posix()}"
            buttons = launch_buttons(settings, course.slug, module.file, course.language)
            groups[page] = {
                "label": translate("open_live", course.language),
                "buttons": [asdict(button) for button in buttons],
            }
    return groups


def _config_text(settings: BookSettings, courses: list[Course]) -> str:
    """The project's `_config.yml`, made again only when what it is made of changed: the
    settings, the year, and each course's slug, language and module files (a kept builder
    rebuilds after every edit; this text lists every page's launch buttons)."""
    key = json.dumps(
        [
            settings.model_dump(mode="json"),
            dt.date.today().year,
            [(c.slug, c.language, [m.file for m in c.modules]) for c in courses],
        ]
    )
    return _remembered(_configs, key, lambda: _config(settings, courses))


def _toc_text(chapters: list[dict[str, Any]]) -> str:
    """The project's `_toc.yml`, made again only when the chapters changed."""
    toc = {"format": "jb-book", "root": "index", "chapters": chapters}
    return _remembered(_tocs, json.dumps(chapters), lambda: _yaml(toc))


#: `_config_text`'s and `_toc_text`'s texts by what they are made of.
_configs: dict[str, str] = {}
_tocs: dict[str, str] = {}


def _remembered(memo: dict[str, str], key: str, make: Callable[[], str]) -> str:
    """What `make` made before for `key`, or what it makes now (a few books per process)."""
    text = memo.get(key)
    if text is None:
        if len(memo) >= 4:
            memo.clear()
        text = memo[key] = make()
    return text


def _config(settings: BookSettings, courses: list[Course]) -> str:
    config: dict[str, Any] = {
        "title": settings.title,
        "author": settings.author,
        "copyright": str(dt.date.today().year),
        "logo": settings.logo,
        "only_build_toc_files": True,
        "exclude_patterns": ["_build", "**.ipynb_checkpoints", STATIC_DIR, EXTRA_DIR],
        "execute": {
            "execute_notebooks": "cache",
            "timeout": 120,
            "allow_errors": False,
        },
        "repository": {
            "url": settings.repository_url or "",
            "branch": settings.branch,
            "path_to_book": "",
        },
        # The theme's launch buttons would open the course source, with its graded keys;
        # kurskit draws its own, to the learner edition (`kurskit_launch_buttons`).
        "launch_buttons": {"binderhub_url": "", "jupyterhub_url": ""},
        "html": {
            "use_repository_button": bool(settings.repository_url),
            "home_page_in_navbar": True,
            "baseurl": settings.site_url,
        },
        "sphinx": {
            "extra_extensions": ["kurskit.book.sphinx_ext"],
            "config": {
                # A list of our own: the themes append to the value they find, and Sphinx's
                # default list is shared by every build in the process, so it would grow
                # and change the config hash, making every page out of date on each rebuild.
                "templates_path": [],
                "language": settings.language,
                "html_search_language": search_language(settings.language),
                "html_static_path": [STATIC_DIR],
                "html_extra_path": [EXTRA_DIR],
                "html_show_sourcelink": False,
                # The logo as the site's icon: browsers then ask for no /favicon.ico (a 404).
                **({"html_favicon": settings.logo} if settings.logo else {}),
                # Courses have no index entries: the general index was an empty page,
                # rendered again on every build.
                "html_use_index": False,
                # The sidebar lists the courses and the modules of the page's own course: all
                # of every course's modules, hundreds in a national bank, on every page was
                # hard to use and the slowest part of writing a page.
                "html_theme_options": {"collapse_navbar": True},
                "nb_ipywidgets_js": {"vendor/require.js": {}, "vendor/embed-amd.js": {}},
                "mathjax_path": "vendor/mathjax/tex-chtml.js",
                "kurskit_page_languages": {f"{COURSES_DIR}/{c.slug}": c.language for c in courses},
                "kurskit_launch_buttons": _launch_buttons(settings, courses),
            },
        },
    }
    return _yaml(config)


def _yaml(data: Any) -> str:
    # libyaml's emitter when PyYAML has it: the configuration lists every page's launch
    # buttons, written on every build (a tenth of a rebuild for a hundred courses otherwise).
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    return yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
