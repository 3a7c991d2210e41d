"""Markdown in question specs rendered to HTML, once, for every front end that shows a view."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from markdown_it import MarkdownIt


@cache
def _markdown() -> MarkdownIt:
    # Raw HTML stays text: a course file must not be able to inject scripts into a page.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown_html(text: str) -> str:
    """A Markdown block (a prompt) as HTML."""
    return _markdown().render(text).strip()


def inline_html(text: str) -> str:
    """Inline Markdown (an option, a feedback line) as HTML without a paragraph around it."""
    return _markdown().renderInline(text)


def with_html(view: dict[str, Any]) -> dict[str, Any]:
    """A copy of a learner view with `prompt_html` and `html` on every option and item."""
    rendered = copy.deepcopy(view)
    rendered["prompt_html"] = markdown_html(view["prompt"])
    for key in ("options", "items"):
        for entry in rendered.get(key) or []:
            entry["html"] = inline_html(entry["text"])
            if entry.get("feedback"):
                entry["feedback_html"] = inline_html(entry["feedback"])
    return rendered
