"""Practice questions in the static book: what the page holds for the browser renderer."""

from __future__ import annotations

import json
import re
from html import unescape

import yaml

from kurskit.book.static_questions import question_html
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
