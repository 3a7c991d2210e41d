"""The `%%kurskit` cell magic: a question cell's YAML spec, shown to the learner in the kernel."""

from __future__ import annotations

from typing import Any

import yaml
from pydantic import ValidationError

from kurskit.course.redact import parse_learner_cell
from kurskit.store.learner_sink import answer_sink

MIME_TYPE = "application/vnd.kurskit.question+json"


class QuestionError(ValueError):
    """A question cell whose spec is not valid; the message says what to fix."""


def view_from_cell(body: str) -> tuple[dict[str, Any], Any]:
    """Parse a question cell's YAML into (learner view, spec or None), with a readable error."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError as error:
        raise QuestionError(f"the question is not valid YAML: {error}") from None
    try:
        return parse_learner_cell(data)
    except ValidationError as error:
        lines = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
        raise QuestionError("the question is not valid:\n" + "\n".join(lines)) from None


def markdown_view(view: dict[str, Any]) -> str:
    """A plain Markdown rendering of a learner view, for front ends without widgets."""
    parts = [view["prompt"]]
    for option in view.get("options") or view.get("items") or []:
        parts.append(f"- {option['text']}")
    if view["type"] == "likert":
        parts.append(" · ".join(view["scale"]))
    if view["type"] == "code" and view.get("starter"):
        parts.append(f"```python\n{view['starter']}\n```")
    return "\n\n".join(parts)


def display_question(body: str) -> None:
    """Show the question the cell declares: a live widget, or Markdown where widgets are missing."""
    from IPython.display import display

    view, spec = view_from_cell(body)
    try:
        from kurskit.widgets import QuestionWidget, context_for
    except ImportError:  # a kernel without ipywidgets/anywidget: show the question as text
        display({"text/markdown": markdown_view(view), MIME_TYPE: view}, raw=True)
        return
    widget = QuestionWidget(view, context=context_for(view["id"]), sink=answer_sink(), spec=spec)
    display(widget)


def register(ipython: Any) -> None:
    """Register `%%kurskit` in an IPython shell."""

    def kurskit(line: str, cell: str) -> None:
        display_question(cell)

    ipython.register_magic_function(kurskit, magic_kind="cell", magic_name="kurskit")
