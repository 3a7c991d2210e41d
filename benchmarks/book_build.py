"""Benchmark: building the static book, on the bundled bank and on a national-size bank.

Two banks, each built in a temporary folder:
  * the bundled bank: the published courses in courses/ (five);
  * a generated bank of 100 courses × 5 modules (`generated_bank.py`), made from the bundled
    courses' patterns, a few with code cells (`--courses N` for another size).

On each, measured in one run:
  1. full build: `kurskit book build` (a fresh process, empty caches) against the baseline,
     plain `jupyter-book build` (a fresh process, empty caches) on the project kurskit
     generated; best of ROUNDS each (BANK_ROUNDS on the generated bank). Targets: kurskit ≤
     1.0 × jupyter-book on the bundled bank, ≤ 0.5 × on the generated one.
  2. rebuild after editing one markdown cell and after editing one code cell, RUNS edits each,
     every run printed. On both banks with the warm builder `kurskit book serve --watch` keeps
     (in this process); on the bundled bank also with a new `kurskit book build` process while
     `kurskit book serve` runs (which hands the build over to it) and with a new process and
     no server. Targets: on the bundled bank, every warm rebuild ≤ 10 % of the full build; on
     the generated bank, every warm rebuild ≤ 1 s. The watch loop looks for changes once a
     second, so its rebuilds are never back to back: every edit waits WATCH_POLL seconds
     first, as the loop would (the wait is not timed).

Run: .venv/bin/python benchmarks/book_build.py [--skip-bundled] [--skip-generated] [--courses N]
(about four minutes on two cores, most of it the generated bank's two full builds).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generated_bank import generate_bank

from kurskit.book import BookBuilder
from kurskit.book.handoff import socket_path
from kurskit.book.serving import WATCH_INTERVAL
from kurskit.book.vendor import install_node_modules

ROOT = Path(__file__).resolve().parents[1]
KURSKIT = Path(sys.executable).parent / "kurskit"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
ROUNDS = 2
BANK_ROUNDS = 1
RUNS = 5
WATCH_POLL = WATCH_INTERVAL  # seconds between the checks of `kurskit book serve --watch`
MARKDOWN_PAGE = "01-informasjonssok.md"  # of kildekritikk (or a copy of it)
CODE_NOTEBOOK = "03-ovelser.ipynb"


def book_folder(base: Path) -> Path:
    book = base / "book"
    book.mkdir()
    for name in ("book.yml", "logo.svg", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / "book" / name, book / name)
    (book / "node_modules").symlink_to(install_node_modules(ROOT / "book"))
    return book


def clean_outputs(book: Path) -> None:
    """Empty every cache and output, keeping the generated project for the baseline."""
    build = book / "_build"
    for name in ("html", ".doctrees", "jupyter_execute", ".jupyter_cache"):
        shutil.rmtree(build / name, ignore_errors=True)


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - started


def edit_markdown(page: Path) -> None:
    page.write_text(page.read_text("utf-8") + "\nEn ny setning i siste avsnitt.\n", "utf-8")


def edit_code(path: Path, counter: int) -> None:
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


def kit_build(courses: Path, book: Path) -> list[str]:
    return [str(KURSKIT), "book", "build", "--courses", str(courses), "--book", str(book)]


def full_builds(courses: Path, book: Path, base: Path, rounds: int) -> float:
    """Print the best full build of kurskit and of plain jupyter-book; returns kurskit's."""
    kit_command = kit_build(courses, book)
    jb_command = [str(JUPYTER_BOOK), "build", str(book / "_build" / "project")]
    jb_command += ["--path-output", str(book)]
    kit_full, jb_full = [], []
    for _ in range(rounds):
        shutil.rmtree(book / "_build", ignore_errors=True)
        kit_full.append(timed(kit_command, base))
        clean_outputs(book)
        jb_full.append(timed(jb_command, base))
    full, baseline = min(kit_full), min(jb_full)
    print(
        f"  full build (best of {rounds}): kurskit book build={full:.1f} s  "
        f"jupyter-book build (baseline)={baseline:.1f} s  ratio={full / baseline:.2f}",
        flush=True,
    )
    return full


def rebuilds(build: Callable[[], object], markdown: Path, code: Path) -> dict[str, list[float]]:
    """Seconds of `build` after each of RUNS markdown edits and RUNS code edits."""
    edits: dict[str, Callable[[int], None]] = {
        "markdown": lambda _: edit_markdown(markdown),
        "code": lambda n: edit_code(code, n),
    }
    seconds: dict[str, list[float]] = {}
    for label, edit in edits.items():
        for number in range(RUNS):
            time.sleep(WATCH_POLL)
            edit(number)
            started = time.perf_counter()
            build()
            seconds.setdefault(label, []).append(time.perf_counter() - started)
    return seconds


def report(way: str, seconds: dict[str, list[float]], judge: Callable[[float], str]) -> None:
    for label, runs in seconds.items():
        listed = ", ".join(f"{s:.2f}" for s in runs)
        print(
            f"  rebuild after editing one {label} cell, {way}: runs=[{listed}] s  "
            f"worst={max(runs):.2f} s  {judge(max(runs))}",
            flush=True,
        )


def bundled_bank() -> None:
    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as folder:
        base = Path(folder)
        courses = base / "courses"
        shutil.copytree(ROOT / "courses", courses)
        book = book_folder(base)
        print("bundled bank (the published courses in courses/):", flush=True)
        full = full_builds(courses, book, base, ROUNDS)
        print("  target: ratio <= 1.0")
        markdown = courses / "kildekritikk" / MARKDOWN_PAGE
        code = courses / "kildekritikk" / CODE_NOTEBOOK

        def share(seconds: float) -> str:
            return f"worst/full build={seconds / full:.1%}"

        def judge(seconds: float) -> str:
            return f"{share(seconds)} (target <= 10% in every run)"

        with BookBuilder(courses_dir=courses, book_dir=book) as builder:
            builder.build()
            report("serve --watch (warm builder)", rebuilds(builder.build, markdown, code), judge)
        # For comparison (no target): a new `kurskit book build` process, with and without a
        # running server to hand the build to.
        new_process = functools.partial(timed, kit_build(courses, book), base)
        with running_server(courses, book, base):
            new_process()  # the server's first rebuild
            way = "new process, handed to a running serve"
            report(way, rebuilds(new_process, markdown, code), share)
        new_process()
        report("new process, no server", rebuilds(new_process, markdown, code), share)


def big_bank(count: int) -> None:
    with tempfile.TemporaryDirectory(prefix="kurskit-bench-") as folder:
        base = Path(folder)
        courses = base / "courses"
        slugs = generate_bank(courses, count)
        book = book_folder(base)
        print(f"generated bank ({count} courses x 5 modules):", flush=True)
        full_builds(courses, book, base, BANK_ROUNDS)
        print("  target: ratio <= 0.5")
        copy = courses / next(s for s in slugs if s.startswith("kildekritikk-"))
        markdown, code = copy / MARKDOWN_PAGE, copy / CODE_NOTEBOOK

        def judge(seconds: float) -> str:
            return "(target <= 1 s in every run)"

        with BookBuilder(courses_dir=courses, book_dir=book) as builder:
            builder.build()
            report("serve --watch (warm builder)", rebuilds(builder.build, markdown, code), judge)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-bundled", action="store_true")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--courses", type=int, default=100, help="size of the generated bank")
    options = parser.parse_args()
    if not options.skip_bundled:
        bundled_bank()
    if not options.skip_generated:
        big_bank(options.courses)


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
