"""Notebooks in both formats, question cells, and the %%kurskit magic in a real IPython shell."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from IPython.core.interactiveshell import InteractiveShell

from kurskit.course.notebook import (
    is_question_cell,
    load_notebook,
    magic_lines,
    read_notebook_file,
    write_notebook_file,
)
from kurskit.magic import MIME_TYPE, QuestionError, spec_from_cell
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
    )
    assert magic_lines(text) == [10, 17]


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


def test_magic_shows_the_learner_view_in_ipython(capsys: pytest.CaptureFixture[str]) -> None:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "kurskit")
    shown: list[dict[str, object]] = []
    shell.display_pub.publish = lambda data, **kw: shown.append(data)  # type: ignore[method-assign]
    graded = "id: q\ntype: short_text\nprompt: Hovedstaden?\naccept: [Oslo]\ngraded: true\n"
    shell.run_cell_magic("kurskit", "", graded)
    assert shown, "the magic displayed nothing"
    view = shown[-1][MIME_TYPE]
    assert isinstance(view, dict) and "accept" not in view
    assert "Hovedstaden?" in str(shown[-1]["text/markdown"])
    assert "Oslo" not in str(shown[-1])


def test_magic_error_is_readable() -> None:
    with pytest.raises(QuestionError, match="answer"):
        spec_from_cell("id: q\ntype: true_false\nprompt: Ja?\n")
    with pytest.raises(QuestionError, match="not valid YAML"):
        spec_from_cell("id: [")
