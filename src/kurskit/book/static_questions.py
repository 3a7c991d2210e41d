"""Question cells made static for the book: practice quizzes checked in the browser, graded
questions shown without their key and with links to the learner edition (live and as an app)."""

from __future__ import annotations

import hashlib
import json
from html import escape
from typing import Any

import nbformat

from kurskit.book.pages import raw_html
from kurskit.course.cells import LOAD_EXTENSION, is_question_cell, question_body
from kurskit.course.markup import with_html
from kurskit.course.questions import parse_question_text
from kurskit.course.redact import learner_view
from kurskit.i18n import catalogue, translate


def book_notebook(
    notebook: nbformat.NotebookNode, *, language: str, live_url: str, app_url: str = ""
) -> nbformat.NotebookNode:
    """A copy of a course notebook for the book: question cells become static HTML."""
    copy = nbformat.from_dict(notebook)
    cells = []
    first_question = True
    for cell in copy.cells:
        if cell.cell_type == "code" and cell.source.strip() == LOAD_EXTENSION:
            continue  # the book has no live widgets; nothing to load
        if is_question_cell(cell):
            html = question_html(
                question_body(cell), language=language, live_url=live_url, app_url=app_url
            )
            if first_question:  # the interface strings, once per page
                html = strings_script(language) + html
                first_question = False
            # A stable cell id, so an unchanged notebook is written unchanged (no rebuild).
            # Made as a dict: `new_markdown_cell` validates every cell against the schema.
            cell_id = "kk-" + hashlib.sha256(cell.source.encode()).hexdigest()[:16]
            markdown = {"id": cell_id, "cell_type": "markdown", "metadata": {}}
            cells.append(nbformat.from_dict({**markdown, "source": raw_html(html)}))
            continue
        cells.append(cell)
    copy.cells = cells
    if not any(cell.cell_type == "code" for cell in cells):
        # Nothing left to run, but myst-nb would still start a kernel for the page.
        copy.metadata.setdefault("mystnb", {})["execution_mode"] = "off"
    return copy


def strings_script(language: str) -> str:
    strings = json.dumps(catalogue(language), ensure_ascii=False).replace("</", "<\\/")
    tag = f'<script type="application/json" class="kk-strings" data-lang="{language}">'
    return f"{tag}{strings}</script>\n"


def question_html(body: str, *, language: str, live_url: str, app_url: str = "") -> str:
    """One question: a mount point for the browser renderer, or, when graded, a read-only card."""
    spec = parse_question_text(body)
    if spec.graded:
        view = learner_view(spec)
        return graded_card(view, language=language, live_url=live_url, app_url=app_url)
    view = with_html(learner_view(spec, hide_key=False))
    if view["type"] == "ordering":
        # The items are listed in the right order (score.js checks against it); they are shown
        # in the order the live widget shows them, which reveals nothing.
        view["shown_order"] = [item["id"] for item in learner_view(spec, hide_key=True)["items"]]
    data = escape(json.dumps(view, ensure_ascii=False), quote=True)
    return f'<div class="kk-static-question" data-lang="{language}" data-view="{data}"></div>'


def graded_card(view: dict[str, Any], *, language: str, live_url: str, app_url: str = "") -> str:
    """A graded question as text: prompt and options, no controls, no key; links to the
    learner edition, live and as an app."""
    view = with_html(view)
    entries = view.get("options") or view.get("items") or []
    listing = "".join(f"<li>{entry['html']}</li>" for entry in entries)
    link = "".join(
        f' <a href="{escape(url, quote=True)}">{escape(translate(key, language))}</a>'
        for key, url in (("open_live", live_url), ("open_app", app_url))
        if url
    )
    return (
        f'<section class="kk-question kk-graded kk-graded-static" lang="{language}">'
        f'<p class="kk-kind">{escape(translate("graded_label", language))}</p>'
        f'<div class="kk-prompt">{view["prompt_html"]}</div>'
        + (f"<ul>{listing}</ul>" if listing else "")
        + f'<p class="kk-notice">{escape(translate("graded_in_book", language))}{link}</p>'
        "</section>"
    )
