"""Benchmark: building the static book of the bundled courses.

Measured in one run, on a copy of courses/ and book/ in a temporary folder:
  1. full build: `kurskit book build` (a fresh process, empty caches) against the baseline,
     plain `jupyter-book build` (a fresh process, empty caches) on the project kurskit
     generated; best of ROUNDS each. Target: kurskit ≤ 1.15 × jupyter-book.
  2. rebuild after editing one markdown cell and after editing one code cell, with the warm
     builder `kurskit book serve --watch` keeps, and with a fresh `kurskit book build`
     process. Target: a rebuild ≤ 10 % of the full build. The watch loop looks for changes
     once a second, so its rebuilds are never back to back: the warm part waits WATCH_POLL
     seconds before each edit, as the loop would (the wait is not timed).

Run: .venv/bin/python benchmarks/book_build.py
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kurskit.book import BookBuilder
from kurskit.book.vendor import install_node_modules

ROOT = Path(__file__).resolve().parents[1]
KURSKIT = Path(sys.executable).parent / "kurskit"
JUPYTER_BOOK = Path(sys.executable).parent / "jupyter-book"
ROUNDS = 2
WATCH_POLL = 1.0  # seconds between the checks of `kurskit book serve --watch` (api.serve_book)
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

        # Cold rebuilds: a new `kurskit book build` process after each edit.
        timed(kit_command, base)
        edit_markdown(courses)
        cold_md = timed(kit_command, base)
        edit_code(courses, 1)
        cold_code = timed(kit_command, base)

        # Warm rebuilds: the builder `kurskit book serve --watch` keeps between edits.
        with BookBuilder(courses_dir=courses, book_dir=book) as builder:
            builder.build()
            time.sleep(WATCH_POLL)
            edit_markdown(courses)
            started = time.perf_counter()
            builder.build()
            warm_md = time.perf_counter() - started
            time.sleep(WATCH_POLL)
            edit_code(courses, 2)
            started = time.perf_counter()
            builder.build()
            warm_code = time.perf_counter() - started
        for label, seconds in (
            ("markdown cell, watch", warm_md),
            ("code cell, watch", warm_code),
            ("markdown cell, new process", cold_md),
            ("code cell, new process", cold_code),
        ):
            print(
                f"rebuild after editing one {label}: {seconds:.2f} s  "
                f"ratio to full build={seconds / full:.1%} (target <= 10%)"
            )


if __name__ == "__main__":
    main()
