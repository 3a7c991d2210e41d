"""`kurskit book serve`: serve the built book, rebuild on edits, build for `kurskit book build`."""

from __future__ import annotations

import functools
import http.server
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kurskit.book.build import BookBuilder, SourceSnapshot
from kurskit.book.handoff import BuildService
from kurskit.book.result import BookBuild
from kurskit.progress import ProgressCallback

#: Seconds between two looks for edited files with --watch.
WATCH_INTERVAL = 1.0


class ServedBook:
    """The one builder a `kurskit book serve` keeps, shared by its watch loop and the builds
    `kurskit book build` hands over; one build at a time."""

    def __init__(self, builder: BookBuilder) -> None:
        self.builder = builder
        self.drafts = False
        self._lock = threading.Lock()
        self._sources: SourceSnapshot = {}  # taken as each build begins

    def build(
        self,
        *,
        drafts: bool | None = None,
        out_dir: Path | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BookBuild:
        """Build now; `drafts` (when given) also holds for the rebuilds that follow, so the
        site keeps showing what was asked for last."""
        with self._lock:
            if drafts is not None:
                self.drafts = drafts
            self._sources = self.builder.sources()  # an edit during this build is seen next
            return self.builder.build(drafts=self.drafts, out_dir=out_dir, on_progress=on_progress)

    def build_request(
        self, courses_dir: Path, drafts: bool, out_dir: Path | None, on_progress: ProgressCallback
    ) -> BookBuild:
        """A build handed over by `kurskit book build` (see `kurskit.book.handoff`)."""
        if courses_dir.resolve() != self.builder.courses_dir.resolve():
            raise ValueError(
                f"the running `kurskit book serve` builds the courses in "
                f"{self.builder.courses_dir}, not {courses_dir}; stop it to build these"
            )
        return self.build(drafts=drafts, out_dir=out_dir, on_progress=on_progress)

    def wait_for_builds(self) -> None:
        """Return once no build runs (a handed-over one may, after the server stopped)."""
        with self._lock:
            pass

    def rebuild_if_edited(self) -> BookBuild | None:
        """Rebuild when a course or setting file was edited, added, removed or renamed since
        the last build began."""
        if self.builder.sources() == self._sources:
            return None
        return self.build()


def serve_book(
    *,
    courses_dir: Path,
    book_dir: Path,
    host: str,
    port: int,
    watch: bool,
    on_progress: ProgressCallback | None = None,
    on_event: Callable[[str], None] | None = None,
) -> None:
    """Build the book, serve it until interrupted, and meanwhile build for `kurskit book
    build`; with `watch`, also rebuild whenever a course file changes. A failed rebuild is
    reported through `on_event` and the last good site stays online.

    Builds run in a worker thread; the main thread only waits for Ctrl+C or SIGTERM. nbclient
    sets its own SIGTERM handler while it executes a notebook in the main thread and then
    resets it to the default, after which SIGTERM would kill the server on the spot.
    """
    stop = _StopRequest()
    with BookBuilder(courses_dir=courses_dir, book_dir=book_dir) as builder:
        book = ServedBook(builder)
        # Taking requests before the first build: a `kurskit book build` meanwhile waits for
        # it instead of writing the same folder beside it.
        with BuildService(book_dir, book.build_request, on_event):
            failures: list[BaseException] = []

            def work() -> None:
                try:
                    _serve(book, host, port, watch, stop, on_progress, on_event)
                except BaseException as error:  # reported by the main thread
                    failures.append(error)

            worker = threading.Thread(target=work, name="kurskit-book-builds", daemon=True)
            worker.start()
            try:
                while worker.is_alive() and not stop.requested:
                    worker.join(0.2)  # Ctrl+C raises KeyboardInterrupt here
                worker.join()  # after SIGTERM: the build under way ends first
            finally:
                stop.requested = True
                stop.restore()
        book.wait_for_builds()  # one handed over may still run (not after Ctrl+C)
        if failures:
            raise failures[0]


def _serve(
    book: ServedBook,
    host: str,
    port: int,
    watch: bool,
    stop: _StopRequest,
    on_progress: ProgressCallback | None,
    on_event: Callable[[str], None] | None,
) -> None:
    built = book.build(on_progress=on_progress)
    site = _site_server(built.html_dir, host, port)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    if on_event:
        on_event(f"Serving {built.html_dir} on http://{host}:{port}/ (Ctrl+C stops).")
    try:
        while not stop.requested:
            time.sleep(WATCH_INTERVAL)
            if watch and not stop.requested:
                _rebuild(book, on_event)
    finally:
        site.shutdown()


class _StopRequest:
    """Set by SIGTERM (as from systemd or `docker stop`): the server then stops between
    builds, never in the middle of one, and cleans up (kernel, socket) as on Ctrl+C. The
    handler only sets a flag: taking a lock in a signal handler can deadlock the thread it
    interrupts."""

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGTERM, self._request)

    def _request(self, *_: object) -> None:
        self.requested = True

    def restore(self) -> None:
        """Give SIGTERM back the handler it had before."""
        if self._previous is not None:
            signal.signal(signal.SIGTERM, self._previous)
            self._previous = None


def _rebuild(book: ServedBook, on_event: Callable[[str], None] | None) -> None:
    try:
        rebuilt = book.rebuild_if_edited()
    except Exception as error:  # the last good site stays online
        if on_event:
            on_event(f"Rebuild failed, still serving the last good build: {error}")
        return
    if rebuilt and on_event:
        on_event(f"Rebuilt in {sum(rebuilt.timings.values()):.1f} s.")


def _site_server(html_dir: Path, host: str, port: int) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(html_dir))
    return http.server.ThreadingHTTPServer((host, port), handler)
