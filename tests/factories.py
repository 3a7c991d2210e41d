"""Small course texts and notebook factories for the tests."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import nbformat

COURSE_YML = """\
slug: demo
title: Demokurs
language: nb
summary: Et lite kurs for testene.
audience: Bibliotekansatte
level: foundation
duration_minutes: 60
competences: ["1.1", "1.2"]
owners:
  - name: Kari Nordmann
review_by: 2099-01-01
status: published
pass_threshold: 0.8
modules:
  - file: lesson.md
    title: Leksjon
    kind: lesson
  - file: test.ipynb
    title: Prøve
    kind: assessment
sessions:
  - title: Oppstart
    kind: webinar
    link: https://example.org/meet
    pre_tasks: [lesson.md]
"""

MD_HEADER = """\
---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
kurskit:
  schema_version: 1
---

# Leksjon

```{code-cell} ipython3
---
tags: [remove-cell]
---
%load_ext kurskit
```
"""

LESSON_MD = (
    MD_HEADER
    + """
Litt tekst.

```{code-cell} ipython3
%%kurskit
id: q-single
type: single_choice
prompt: Hvilket søk gir færrest treff?
options:
  - bibliotek ELLER arkiv
  - text: bibliotek OG arkiv
    feedback: Riktig.
answer: b
```
"""
)


def md_question(yaml_text: str) -> str:
    """A MyST notebook holding one question cell."""
    return (
        MD_HEADER + "\n```{code-cell} ipython3\n%%kurskit\n" + textwrap.dedent(yaml_text) + "```\n"
    )


def ipynb_with(*sources: str) -> nbformat.NotebookNode:
    """An .ipynb notebook: the extension cell, then one code cell per source."""
    cells = [nbformat.v4.new_code_cell("%load_ext kurskit")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    return nbformat.v4.new_notebook(
        cells=cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "kurskit": {"schema_version": 1},
        },
    )


GRADED_TF = (
    "%%kurskit\nid: q-graded\ntype: true_false\nprompt: Stemmer det?\nanswer: true\ngraded: true\n"
)

CourseFactory = Callable[..., Path]
