"""A small Swedish test course with secret answer keys, and a course folder built around it
(the bundled course, that course, and a draft that must stay unpublished)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
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


#: An image beside the practice module, which shows it.
IMAGE = ("bilder/sokruta.svg", '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"/>\n')

PRACTICE = (
    HEADER % "Övning"
    + f"\n![Sökrutan i bibliotekets katalog]({IMAGE[0]})\n"
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


def make_courses(folder: Path) -> Path:
    shutil.copytree(ROOT / "courses" / "kildekritikk", folder / "kildekritikk")
    secret = folder / "hemligt"
    secret.mkdir()
    (secret / "course.yml").write_text(SWEDISH_COURSE, "utf-8")
    (secret / "ovning.md").write_text(PRACTICE, "utf-8")
    (secret / IMAGE[0]).parent.mkdir()
    (secret / IMAGE[0]).write_text(IMAGE[1], "utf-8")
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
