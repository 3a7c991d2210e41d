"""`kurskit book build`: generate the project, vendor the browser libraries, run Jupyter Book.

Jupyter Book's Sphinx runs in this process, not as a child: a `BookBuilder` kept alive (as
`kurskit book serve --watch` keeps it) rebuilds after an edit without paying Python's and
Sphinx's start-up again (`sphinx_app`), Sphinx and the execution cache redo only what the edit
touched, and once it has rebuilt, a kernel waits for the next notebook to execute.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import stat
import time
import weakref
from collections.abc import Iterator
from pathlib import Path

from kurskit.book.kernels import SpareKernels
from kurskit.book.project import COURSES_DIR, ProjectCache, generate_project, select_courses
from kurskit.book.result import BookBuild
from kurskit.book.settings import load_book_settings
from kurskit.book.sphinx_app import SphinxSession
from kurskit.book.vendor import copy_assets, install_node_modules
from kurskit.course.cells import LOAD_EXTENSION, is_question_cell
from kurskit.course.loading import LoadedCourse, ReadCache
from kurskit.progress import ProgressCallback

#: Processes that read and write pages in a full build, at most (one per core up to this).
MAX_WORKERS = 8


class BookBuilder:
    """Builds the book of `courses_dir` with the settings and output folder in `book_dir`.

    A builder is meant to be kept for rebuilds. Its first build re-reads the notebook page
    edited last, so that the first edit does not pay for loading what reads and writes a page
    (parsers, the execution cache, templates), and then freezes the objects alive in the
    process (`gc.freeze`) until `close()`: the collector's full passes, a tenth of a rebuild
    otherwise, walk only what later builds make. It also keeps Jupyter Book's Sphinx
    application (`SphinxSession`). Pass `warm_up=False` to build once.
    """

    def __init__(self, *, courses_dir: Path, book_dir: Path, warm_up: bool = True) -> None:
        self.courses_dir = courses_dir
        self.book_dir = book_dir
        self.warm_up = warm_up
        self.build_dir = book_dir / "_build"
        self.project_dir = self.build_dir / "project"
        self._project = ProjectCache()
        self._notebooks: ReadCache = {}
        self._builds = 0
        self._kept = _Kept(keep_sphinx=warm_up)
        weakref.finalize(self, self._kept.close)

    def build(
        self,
        *,
        out_dir: Path | None = None,
        drafts: bool = False,
        on_progress: ProgressCallback | None = None,
    ) -> BookBuild:
        """Build into book_dir/_build/html (copied to `out_dir` when given)."""
        steps = [
            "reading courses",
            "installing browser libraries",
            "writing the book project",
            "running Jupyter Book",
        ] + (["copying the site"] if out_dir else [])
        timings: dict[str, float] = {}

        def step(index: int, name: str) -> contextlib.AbstractContextManager[None]:
            if on_progress:
                on_progress(index, len(steps), steps[index])
            return _timed(timings, name)

        # Courses loaded and pages read and written in parallel processes, but not while a
        # kernel is kept ready: a forked process would take it, and its connection belongs to
        # this one.
        workers = 1 if self._kept.kernels.holding else _cores()
        # Full collections wait for the end of the build (`_FrozenHeap`).
        with _FrozenHeap(already=self._kept.frozen):
            with step(0, "read"):
                settings = load_book_settings(self.book_dir)
                courses = select_courses(
                    self.courses_dir, drafts=drafts, notebooks=self._notebooks, workers=workers
                )
            with step(1, "vendor"):
                modules = install_node_modules(self.book_dir)
            with step(2, "generate"):
                project = generate_project(
                    courses,
                    settings=settings,
                    book_dir=self.book_dir,
                    folder=self.project_dir,
                    cache=self._project,
                )
                copy_assets(modules, project.static_dir, self.build_dir / "html" / "_static")
                likely = _last_edited_code_page(courses, self.project_dir)
                if self.warm_up and self._builds == 0 and likely is not None:
                    os.utime(likely[0])  # Sphinx re-reads it; its output is the same
            with step(3, "jupyter_book"), self._kept.kernels.lend():
                log = self._kept.sphinx.build(self.project_dir, self.book_dir, workers=workers)
        self._builds += 1
        self._kept.refreeze_if_replaced()
        if self.warm_up and self._builds == 1:
            if likely is not None:
                self._kept.kernels.warm_up(likely[1])
            self._kept.freeze()
        if self._builds > 1 and likely is not None:
            # Rebuilding, so watched: the next code edit need not wait for a kernel to start.
            self._kept.kernels.prepare((likely[1], str(likely[0].parent)))
        html_dir = self.build_dir / "html"
        if out_dir is not None:
            with step(4, "copy"):
                shutil.copytree(html_dir, out_dir, dirs_exist_ok=True)
            html_dir = out_dir
        if on_progress:
            on_progress(len(steps), len(steps), "")
        return BookBuild(
            html_dir=html_dir,
            project_dir=self.project_dir,
            courses=[c.slug for c in project.courses],
            timings=timings,
            log=log,
        )

    def close(self) -> None:
        """Shut down the kernel kept ready and unfreeze the objects frozen after the first
        build (also done when the builder is garbage-collected)."""
        self._kept.close()

    def __enter__(self) -> BookBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sources(self) -> SourceSnapshot:
        """Every course and book setting file with its modification time and size (for
        --watch: a different snapshot means an edit, a new file, a deletion or a rename).
        Hidden files and folders (editor swap files, `.ipynb_checkpoints`), editor backups
        and the build output are left out."""
        snapshot: SourceSnapshot = {}
        for folder in (self.courses_dir, self.book_dir):
            for path in folder.rglob("*"):
                relative = path.relative_to(folder).parts
                if relative[0] in ("_build", "node_modules") or _scratch(relative):
                    continue
                try:
                    info = path.stat()
                except OSError:  # gone while we looked: the next look sees it gone
                    continue
                if stat.S_ISREG(info.st_mode):
                    snapshot[str(path)] = (info.st_mtime_ns, info.st_size)
        return snapshot


#: What `BookBuilder.sources` returns: path -> (modification time in ns, size).
SourceSnapshot = dict[str, tuple[int, int]]


def _scratch(parts: tuple[str, ...]) -> bool:
    """A hidden file or folder, or an editor's backup or lock file."""
    name = parts[-1]
    return (
        any(part.startswith(".") for part in parts)
        or name.endswith("~")
        or (name.startswith("#") and name.endswith("#"))
    )


class _Kept:
    """What a builder holds between builds, released by `close()`."""

    def __init__(self, *, keep_sphinx: bool) -> None:
        self.kernels = SpareKernels()
        self.sphinx = SphinxSession(keep=keep_sphinx)
        self.frozen = False
        self._frozen_with = 0  # the Sphinx application (by number) alive when frozen

    def freeze(self) -> None:
        if gc.get_freeze_count():  # someone else froze objects: leave the collector as it is
            return
        gc.collect()  # not to keep garbage frozen
        gc.freeze()
        self.frozen = True
        self._frozen_with = self.sphinx.applications

    def refreeze_if_replaced(self) -> None:
        """After Sphinx's application was replaced (new settings or toc, a failed build),
        let the collector free the old one, which the freeze would otherwise keep."""
        if self.frozen and self.sphinx.applications != self._frozen_with:
            gc.unfreeze()
            self.frozen = False
            self.freeze()

    def close(self) -> None:
        self.kernels.close()
        self.sphinx.close()
        if self.frozen:
            gc.unfreeze()
            self.frozen = False


def _last_edited_code_page(
    courses: list[LoadedCourse], project_dir: Path
) -> tuple[Path, str] | None:
    """The project page of the course notebook with code most likely executed next, and its
    kernel name: in the course edited last (the producer is working on it), the notebook with
    code edited last; in no course with code edited, None."""
    latest: tuple[tuple[float, float], Path, str] | None = None
    for loaded in courses:
        assert loaded.course is not None
        edited = _last_change(loaded)
        for file, course_notebook in loaded.notebooks.items():
            notebook = course_notebook.notebook
            if notebook is None or not any(
                cell.cell_type == "code"
                and not is_question_cell(cell)
                and cell.source.strip() != LOAD_EXTENSION
                for cell in notebook.cells
            ):
                continue
            page = project_dir / COURSES_DIR / loaded.course.slug / file
            name = str(notebook.metadata.get("kernelspec", {}).get("name") or "")
            try:
                changed = course_notebook.path.stat().st_mtime
            except OSError:  # deleted since it was read; the next build will say so
                continue
            if latest is None or (edited, changed) > latest[0]:
                latest = ((edited, changed), page, name)
    return latest[1:] if latest else None


def _last_change(loaded: LoadedCourse) -> float:
    """When a module file of the course was last changed."""
    times = []
    for course_notebook in loaded.notebooks.values():
        with contextlib.suppress(OSError):
            times.append(course_notebook.path.stat().st_mtime)
    return max(times, default=0.0)


def _cores() -> int:
    """The processor cores this process may use (at most MAX_WORKERS)."""
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        available = os.cpu_count() or 1
    return max(1, min(available, MAX_WORKERS))


class _FrozenHeap:
    """Keeps the garbage collector's full passes out of one build.

    A full pass walks every object, and a build makes many that live to its end: the
    environment Sphinx reads, and, while pages are written in parallel, the resolved doctrees
    the main process holds for the writers. For a hundred courses the passes grew to a second
    each and took a sixth of the build, in the process every writer waits for. During the
    build the objects that exist before it (modules, the kit, its caches; rarely garbage) are
    frozen, and full passes are put off to its end; the young generations are still collected,
    so short-lived cycles are freed as they die. Freezing and unfreezing are O(1), and
    afterwards every object is collected as before. sphinx-external-toc also looks through
    `gc.get_objects()` for Sphinx's toctree collector on every start; frozen objects,
    including earlier builds' collectors, are not in that list.
    """

    #: The oldest generation's threshold during a build: never reached.
    PUT_OFF = 10**9

    def __init__(self, *, already: bool = False) -> None:
        # `already`: the builder froze the objects after its first build. Otherwise someone
        # else may have, and their objects are left alone. (Counting frozen objects walks them
        # all: a tenth of a second for a hundred courses, so a builder that froze them does
        # not ask.)
        self._already = already
        self._thresholds: tuple[int, int, int] | None = None

    def __enter__(self) -> _FrozenHeap:
        if not self._already and not gc.get_freeze_count():
            gc.freeze()
            self._thresholds = gc.get_threshold()
            gc.set_threshold(self._thresholds[0], self._thresholds[1], self.PUT_OFF)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._thresholds is not None:
            gc.unfreeze()
            gc.set_threshold(*self._thresholds)
            self._thresholds = None


@contextlib.contextmanager
def _timed(timings: dict[str, float], name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[name] = time.perf_counter() - started


def build_book(
    *,
    courses_dir: Path,
    book_dir: Path,
    out_dir: Path | None = None,
    drafts: bool = False,
    on_progress: ProgressCallback | None = None,
) -> BookBuild:
    """Build the static book once (see `BookBuilder`)."""
    builder = BookBuilder(courses_dir=courses_dir, book_dir=book_dir, warm_up=False)
    return builder.build(out_dir=out_dir, drafts=drafts, on_progress=on_progress)
