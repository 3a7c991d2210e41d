"""Notebooks in both formats, question cells, and the %%kurskit magic in a real IPython shell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from kurskit.course.notebook import (
    is_question_cell,
    load_notebook,
    magic_lines,
    read_notebook_file,
    write_notebook_file,
)
from kurskit.magic import QuestionError, markdown_view, view_from_cell
from tests.factories import LESSON_MD, ipynb_with

ORDERING = "%%kurskit\nid: q-order\ntype: ordering\nprompt: Sorter\nitems: [en, to, tre]\n"


def test_myst_and_ipynb_round_trip_keep_questions(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text(LESSON_MD, "utf-8")
    notebook = read_notebook_file(md)
    assert notebook.metadata["kurskit"] == {"schema_version": 1}
    as_ipynb = tmp_path / "a.ipynb"
    write_notebook_file(notebook, as_ipynb)
    back = tmp_path / "b.md"
    write_notebook_file(read_notebook_file(as_ipynb), back)
    specs = [load_notebook(p, p.name).specs for p in (md, as_ipynb, back)]
    assert specs[0] == specs[1] == specs[2] and specs[0][0].id == "q-single"
    assert "schema_version: 1" in back.read_text("utf-8")


def test_magic_lines_skip_cell_options_and_ignore_markdown_examples() -> None:
    text = (
        "Prose with an example:\n\n```\n%%kurskit\n```\n\n"
        "```{code-cell} ipython3\n:tags: [x]\n\n%%kurskit\nid: a\n```\n"
        "```{code-cell}\n---\ntags: [y]\n---\n%%kurskit\nid: b\n```\n"
        "```{code-cell} ipython3\nprint(1)\n```\n"
        "````md\n```{code-cell} ipython3\n%%kurskit\nid: example\n```\n````\n"
        "```{code-cell} ipython3\n%%kurskit\nid: c\n```\n"
    )
    assert magic_lines(text) == [10, 17, 30]


def test_is_question_cell() -> None:
    assert is_question_cell(nbformat.v4.new_code_cell("\n%%kurskit\nid: a"))
    assert not is_question_cell(nbformat.v4.new_markdown_cell("%%kurskit"))
    assert not is_question_cell(nbformat.v4.new_code_cell("%%kurskitx\nid: a"))


def test_ipynb_questions_have_cell_numbers(tmp_path: Path) -> None:
    path = tmp_path / "n.ipynb"
    nbformat.write(ipynb_with("print(1)", ORDERING), path)
    loaded = load_notebook(path, "n.ipynb")
    assert loaded.problems == []
    assert [(q.cell_index, q.spec.id if q.spec else None) for q in loaded.questions] == [
        (2, "q-order")
    ]


def test_markdown_fallback_view_has_no_key() -> None:
    view, _ = view_from_cell(
        "id: q\ntype: short_text\nprompt: Hovedstaden?\naccept: [Oslo]\ngraded: true\n"
    )
    text = markdown_view(view)
    assert "Hovedstaden?" in text and "Oslo" not in text


def test_magic_error_is_readable() -> None:
    with pytest.raises(QuestionError, match="answer"):
        view_from_cell("id: q\ntype: true_false\nprompt: Ja?\n")
    with pytest.raises(QuestionError, match="not valid YAML"):
        view_from_cell("id: [")


def test_released_graded_cell_without_key_is_accepted_without_spec() -> None:
    view, spec = view_from_cell("id: q\ntype: true_false\nprompt: Ja?\ngraded: true\n")
    assert spec is None and view["graded"] is True
    with pytest.raises(QuestionError, match="answer"):  # practice questions need their key
        view_from_cell("id: q\ntype: true_false\nprompt: Ja?\ngraded: false\n")
