"""Practice questions in the static book: what the page holds for the browser renderer."""

from __future__ import annotations

import json
import re
from html import unescape

import nbformat
import yaml

from kurskit.book.static_questions import book_notebook, question_html
from kurskit.course.questions import parse_question
from kurskit.course.redact import learner_view

ORDERING = "id: rekkefolge\ntype: ordering\nprompt: Ordne\nitems: [a1, b2, c3, d4, e5, f6]\n"


def test_practice_ordering_is_shown_in_the_widgets_order_not_the_answers() -> None:
    html = question_html(ORDERING, language="nb", live_url="")
    found = re.search(r'data-view="([^"]*)"', html)
    assert found is not None
    view = json.loads(unescape(found.group(1)))
    right = [item["id"] for item in view["items"]]  # score.js checks against this order
    widget = learner_view(parse_question(yaml.safe_load(ORDERING)), hide_key=True)
    assert view["shown_order"] == [item["id"] for item in widget["items"]]
    assert sorted(view["shown_order"]) == sorted(right)
    assert view["shown_order"] != right


def test_a_book_notebook_is_a_valid_notebook_with_stable_question_cells() -> None:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [
        nbformat.v4.new_code_cell("%load_ext kurskit"),
        nbformat.v4.new_markdown_cell("# Tittel"),
        nbformat.v4.new_code_cell("%%kurskit\n" + ORDERING),
    ]
    pages = [book_notebook(notebook, language="nb", live_url="") for _ in range(2)]
    for page in pages:
        nbformat.validate(page)  # its cells are made without the per-cell validation
        assert [cell.cell_type for cell in page.cells] == ["markdown", "markdown"]
        assert 'data-view="' in page.cells[1].source
    assert pages[0].cells[1].id == pages[1].cells[1].id  # the same page text every time
