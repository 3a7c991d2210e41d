"""One book built for the whole test session: the bundled course, a Swedish test course with
secret answer keys, and a draft that must stay out."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kurskit.book import BookBuild, build_book, load_book_settings
from kurskit.book.settings import BookSettings
from kurskit.book.vendor import install_node_modules
from tests.browser import free_port, server

ROOT = Path(__file__).resolve().parents[2]
SECRETS = (
    "SECRET-OPTION-FEEDBACK",
    "SECRET-ACCEPTED",
    "4242.4242",
    "SECRET_SOLUTION",
    "SECRET_HIDDEN",
    "SECRET-GENERAL-FEEDBACK",
)

SWEDISH_COURSE = """\
slug: hemligt
title: Källkritik i praktiken
language: sv
summary: Ett kort testkurs.
audience: Bibliotekarier
level: intermediate
duration_minutes: 30
competences: ["1.2", "2.2"]
owners: [{name: Testare}]
review_by: 2099-01-01
status: published
pass_threshold: 0.5
modules:
  - {file: ovning.md, title: Övning, kind: practice}
  - {file: prov.md, title: Prov, kind: assessment}
"""

HEADER = """\
---
kernelspec: {display_name: Python 3, language: python, name: python3}
kurskit: {schema_version: 1}
---

# %s

```{code-cell} ipython3
%%load_ext kurskit
```
"""


def question(yaml_text: str) -> str:
    return "\n```{code-cell} ipython3\n%%kurskit\n" + textwrap.dedent(yaml_text) + "```\n"


PRACTICE = (
    HEADER % "Övning"
    + question("""\
    id: ovning-val
    type: single_choice
    prompt: Vilken sökning ger **minst** träffar?
    options:
      - text: bibliotek OR arkiv
        feedback: OR vidgar sökningen.
      - text: bibliotek AND arkiv
        feedback: AND kräver båda orden.
    answer: b
    """)
    + question("""\
    id: ovning-tal
    type: numeric
    prompt: Hur många är 120 + 80 − 30?
    answer: 170
    """)
)

GRADED = (
    HEADER % "Prov"
    + question("""\
    id: prov-val
    type: single_choice
    graded: true
    prompt: Vilken operator smalnar av en sökning?
    options:
      - OR
      - text: AND
        feedback: SECRET-OPTION-FEEDBACK
    answer: b
    feedback: {correct: SECRET-GENERAL-FEEDBACK}
    """)
    + question("""\
    id: prov-text
    type: short_text
    graded: true
    prompt: Skriv ordet.
    accept: [SECRET-ACCEPTED]
    """)
    + question("""\
    id: prov-tal
    type: numeric
    graded: true
    prompt: Vilket tal?
    answer: 4242.4242
    """)
    + question("""\
    id: prov-kod
    type: code
    graded: true
    prompt: Skriv f.
    solution: |
      def f():
          return "SECRET_SOLUTION"
    tests: |
      assert isinstance(f(), str)
    hidden_tests: |
      assert f() == "SECRET_SOLUTION"  # SECRET_HIDDEN
    """)
)


@dataclass
class BuiltBook:
    build: BookBuild
    settings: BookSettings
    courses_dir: Path

    @property
    def html(self) -> Path:
        return self.build.html_dir


def make_courses(folder: Path) -> Path:
    shutil.copytree(ROOT / "courses" / "kildekritikk", folder / "kildekritikk")
    secret = folder / "hemligt"
    secret.mkdir()
    (secret / "course.yml").write_text(SWEDISH_COURSE, "utf-8")
    (secret / "ovning.md").write_text(PRACTICE, "utf-8")
    (secret / "prov.md").write_text(GRADED, "utf-8")
    draft = folder / "utkast"
    shutil.copytree(secret, draft)
    text = (
        SWEDISH_COURSE.replace("slug: hemligt", "slug: utkast")
        .replace("status: published", "status: draft")
        .replace("Källkritik i praktiken", "Utkastkurs")
    )
    (draft / "course.yml").write_text(text, "utf-8")
    for name in ("ovning.md", "prov.md"):  # question ids are per course, so copies are fine
        (draft / name).write_text((secret / name).read_text("utf-8"), "utf-8")
    return folder


@pytest.fixture(scope="session")
def built_book(tmp_path_factory: pytest.TempPathFactory) -> BuiltBook:
    base = tmp_path_factory.mktemp("book")
    courses = make_courses(base / "courses")
    book_dir = base / "book"
    book_dir.mkdir()
    for name in ("book.yml", "logo.svg", "package.json", "package-lock.json"):
        shutil.copy2(ROOT / "book" / name, book_dir / name)
    # One npm install per machine: the test book shares the project's vendored libraries.
    (book_dir / "node_modules").symlink_to(install_node_modules(ROOT / "book"))
    build = build_book(courses_dir=courses, book_dir=book_dir)
    return BuiltBook(build, load_book_settings(book_dir), courses)


@pytest.fixture(scope="session")
def book_site(built_book: BuiltBook, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The built book served over HTTP on 127.0.0.1."""
    import sys

    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(built_book.html),
    ]
    with server(command, url + "/", {}, tmp_path_factory.mktemp("log") / "http.log"):
        yield url
