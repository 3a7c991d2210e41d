"""Benchmark: building the static book of the bundled courses.

Measured in one run, on a copy of courses/ and book/ in a temporary folder:
  1. full build: `kurskit book build` (a fresh process, empty caches) against the baseline,
     plain `jupyter-book build` (a fresh process, empty caches) on the project kurskit
     generated; best of ROUNDS each. Target: kurskit ≤ 1.15 × jupyter-book.
  2. rebuild after editing one markdown cell and after editing one code cell (median of
     EDITS edits each), three ways: the warm builder `kurskit book serve --watch` keeps
     (in this process); a new `kurskit book build` process while `kurskit book serve` runs,
     which hands the build over to it; and a new `kurskit book build` process with no server.
     Target: a rebuild ≤ 10 % of the full build. The watch loop looks for changes once a
     second, so its rebuilds are never back to back: every edit waits WATCH_POLL seconds
     first, as the loop would (the wait is not timed).

Run: .venv/bin/python benchmarks/book_build.py
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

from kurskit.book import BookBuilder
from kurskit.book.handoff import socket_path
from kurskit.book.serving import WATCH_INTERVAL
from kurskit.book.vendor import install_node_modules

ROOT = Path(__file__).resolve().parents[1]
KURSKIT = Path(sys.executable).parent / "kurskit"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
ROUNDS = 2
EDITS = 3
WATCH_POLL = WATCH_INTERVAL  # seconds between the checks of `kurskit book serve --watch`
MARKDOWN_PAGE = "kildekritikk/01-informasjonssok.md"
CODE_NOTEBOOK = "kildekritikk/03-ovelser.ipynb"


def workspace(base: Path) -> tuple[Path, Path]:
    courses = base / "courses"
    shutil.copytree(ROOT / "courses", courses)
    book = base / "book"
    book.mkdir()
    for name in ("book.yml", "logo.svg", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / "book" / name, book / name)
    (book / "node_modules").symlink_to(install_node_modules(ROOT / "book"))
    return courses, book


def clean_outputs(book: Path) -> None:
    """Empty every cache and output, keeping the generated project for the baseline."""
    build = book / "_build"
    for name in ("html", ".doctrees", "jupyter_execute", ".jupyter_cache"):
        shutil.rmtree(build / name, ignore_errors=True)


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def edit_markdown(courses: Path) -> None:
    page = courses / MARKDOWN_PAGE
    page.write_text(page.read_text("utf-8") + "\nEn ny setning i siste avsnitt.\n", "utf-8")


def edit_code(courses: Path, counter: int) -> None:
    path = courses / CODE_NOTEBOOK
    notebook = json.loads(path.read_text("utf-8"))
    cell = next(
        c
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        and "%%kurskit" not in "".join(c["source"])
        and "load_ext" not in "".join(c["source"])
    )
    source = "".join(cell["source"])
    cell["source"] = source + f"\n# edited {counter}\n"
    path.write_text(json.dumps(notebook, ensure_ascii=False, indent=1) + "\n", "utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as folder:
        base = Path(folder)
        courses, book = workspace(base)
        kit_command = [
            str(KURSKIT),
            "book",
            "build",
            "--courses",
            str(courses),
            "--book",
            str(book),
        ]
        jb_command = [
            str(JUPYTER_BOOK),
            "build",
            str(book / "_build" / "project"),
            "--path-output",
            str(book),
        ]
        kit_full, jb_full = [], []
        for _ in range(ROUNDS):
            shutil.rmtree(book / "_build", ignore_errors=True)
            kit_full.append(timed(kit_command, base))
            clean_outputs(book)
            jb_full.append(timed(jb_command, base))
        full, baseline = min(kit_full), min(jb_full)
        print(
            f"full build: kurskit book build={full:.1f} s  "
            f"jupyter-book build (baseline)={baseline:.1f} s  ratio={full / baseline:.2f} "
            f"(target <= 1.15)"
        )

        def rebuilds(build: Callable[[], object]) -> tuple[float, float]:
            """Median seconds of `build` after EDITS markdown edits and EDITS code edits."""
            medians = []
            for edit in (lambda _: edit_markdown(courses), lambda n: edit_code(courses, n)):
                seconds = []
                for number in range(EDITS):
                    time.sleep(WATCH_POLL)
                    edit(number)
                    started = time.perf_counter()
                    build()
                    seconds.append(time.perf_counter() - started)
                medians.append(statistics.median(seconds))
            return medians[0], medians[1]

        new_process = functools.partial(timed, kit_command, base)

        results: dict[str, tuple[float, float]] = {}
        with BookBuilder(courses_dir=courses, book_dir=book) as builder:
            builder.build()
            results["serve --watch (warm builder)"] = rebuilds(builder.build)
        with running_server(courses, book, base):
            new_process()  # the server's first rebuild
            results["new process, handed to a running serve"] = rebuilds(new_process)
        new_process()
        results["new process, no server"] = rebuilds(new_process)
        for way, (markdown, code) in results.items():
            for label, seconds in (("markdown", markdown), ("code", code)):
                print(
                    f"rebuild after editing one {label} cell, {way}: {seconds:.2f} s  "
                    f"ratio to full build={seconds / full:.1%} (target <= 10%)"
                )


@contextlib.contextmanager
def running_server(courses: Path, book: Path, base: Path) -> Iterator[None]:
    """`kurskit book serve` of the workspace, taking build requests, until the block ends."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [str(KURSKIT), "book", "serve", "--port", str(port)]
    command += ["--courses", str(courses), "--book", str(book)]
    server = subprocess.Popen(
        command, cwd=base, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 120
        while not _answers(f"http://127.0.0.1:{port}/"):
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kurskit book serve did not start")
            time.sleep(0.2)
        assert socket_path(book).exists()
        yield
    finally:
        server.terminate()
        server.wait(timeout=60)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5):
            return True
    except OSError:
        return False


if __name__ == "__main__":
    main()
