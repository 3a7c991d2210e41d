"""`kurskit book build`: generate the project, vendor the browser libraries, run Jupyter Book.

Jupyter Book runs in this process, not as a child: a `BookBuilder` kept alive (as
`kurskit book serve --watch` keeps it) rebuilds after an edit without paying Python's and
Sphinx's start-up again, and Sphinx and the execution cache redo only what the edit touched.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kurskit.book.project import generate_project, select_courses
from kurskit.book.settings import load_book_settings
from kurskit.book.vendor import copy_assets, install_node_modules
from kurskit.progress import ProgressCallback


class BookBuildError(RuntimeError):
    """Jupyter Book failed; the message holds the end of its log."""


@dataclass
class BookBuild:
    """What a build produced, and how long each step took (seconds)."""

    html_dir: Path
    project_dir: Path
    courses: list[str]
    timings: dict[str, float] = field(default_factory=dict)
    log: str = ""


def jupyter_book_arguments(project_dir: Path, output_dir: Path) -> list[str]:
    """Arguments of the `jupyter-book build` the kit runs (also the benchmark's baseline)."""
    return [str(project_dir), "--path-output", str(output_dir)]


def run_jupyter_book(project_dir: Path, output_dir: Path) -> str:
    """Run Jupyter Book's own `build` command in this process; returns its log."""
    from jupyter_book.cli.main import build

    log = io.StringIO()
    code: object = 0
    with contextlib.redirect_stdout(log), contextlib.redirect_stderr(log):
        try:
            build.main(jupyter_book_arguments(project_dir, output_dir), standalone_mode=False)
        except SystemExit as exit_:  # Jupyter Book exits on its own errors
            code = exit_.code
    text = log.getvalue()
    if code not in (0, None) or "Traceback (most recent call last)" in text:
        raise BookBuildError(f"jupyter-book build failed:\n{text[-4000:]}")
    return text


class BookBuilder:
    """Builds the book of `courses_dir` with the settings and output folder in `book_dir`."""

    def __init__(self, *, courses_dir: Path, book_dir: Path) -> None:
        self.courses_dir = courses_dir
        self.book_dir = book_dir
        self.build_dir = book_dir / "_build"
        self.project_dir = self.build_dir / "project"

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

        with step(0, "read"):
            settings = load_book_settings(self.book_dir)
            courses = select_courses(self.courses_dir, drafts=drafts)
        with step(1, "vendor"):
            modules = install_node_modules(self.book_dir)
        with step(2, "generate"):
            project = generate_project(
                courses, settings=settings, book_dir=self.book_dir, folder=self.project_dir
            )
            copy_assets(modules, project.static_dir)
        with step(3, "jupyter_book"):
            log = run_jupyter_book(self.project_dir, self.book_dir)
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

    def sources_changed_since(self, moment: float) -> bool:
        """Whether any course or book setting file changed after `moment` (for --watch)."""
        folders = [self.courses_dir, self.book_dir]
        for folder in folders:
            for path in folder.rglob("*"):
                if "_build" in path.parts or "node_modules" in path.parts:
                    continue
                if path.is_file() and path.stat().st_mtime > moment:
                    return True
        return False


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
    builder = BookBuilder(courses_dir=courses_dir, book_dir=book_dir)
    return builder.build(out_dir=out_dir, drafts=drafts, on_progress=on_progress)


def jupyter_book_executable() -> Path:
    """The `jupyter-book` command of this environment (for the benchmark's baseline)."""
    return Path(sys.executable).parent / "jupyter-book"
