"""Live questions in a webinar or in-person session: which question of a module is open, who has
joined and answered, and the class result, kept by the answers service while it runs.

An instructor opens one question at a time (a question of the module, or a quick poll typed on
the spot), closes it and may reveal the right answer. Participants' answers go through the
answers desk like any other (identity from the hub, attempts, scoring), tagged with the session
in their idempotency key, so they stay in the store for the course report. Two version counters
let clients wait for what they need: participants for a new question or a reveal, instructors
also for every answer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

from tornado.locks import Condition

from kurskit.course.questions import (
    ChoiceBase,
    Likert,
    Numeric,
    Option,
    Poll,
    QuestionBase,
    ShortText,
    TrueFalse,
    parse_question,
)
from kurskit.course.redact import learner_view
from kurskit.course.scoring import normalise_text, parse_number
from kurskit.store.records import SESSION_KEY_PREFIX

Status = Literal["open", "closed", "revealed"]
#: How long a participant counts as joined after their page last asked for news.
PRESENCE_SECONDS = 90.0
#: Words shown for short-text answers, most frequent first.
TOP_WORDS = 30
#: Bins of a numeric histogram.
BINS = 8


@dataclass
class Opening:
    """One question opened in a session."""

    number: int
    spec: QuestionBase
    status: Status = "open"
    responses: dict[str, Any] = field(default_factory=dict)  # user → latest response


@dataclass
class Session:
    """A live session of one course module."""

    course: str
    module: str  # the module file in the course source
    session_id: str
    opening: Opening | None = None
    openings: int = 0
    question_version: int = 0
    answer_version: int = 0
    joined: dict[str, float] = field(default_factory=dict)  # user → last seen (monotonic)
    question_changed: Condition = field(default_factory=Condition)
    answer_changed: Condition = field(default_factory=Condition)

    def key_prefix(self) -> str:
        """The start of the idempotency key of an answer to the open question."""
        number = self.opening.number if self.opening else 0
        return f"{SESSION_KEY_PREFIX}{self.session_id}:{number}:"

    def present(self) -> list[str]:
        """Participants whose page asked for news lately."""
        now = time.monotonic()
        return sorted(user for user, seen in self.joined.items() if now - seen < PRESENCE_SECONDS)

    def join(self, user: str) -> None:
        new = user not in self.joined
        self.joined[user] = time.monotonic()
        if new:
            self._answers_changed()

    def open(self, spec: QuestionBase) -> Opening:
        self.openings += 1
        self.opening = Opening(self.openings, spec)
        self._question_changed()
        return self.opening

    def set_status(self, status: Status) -> None:
        if self.opening is None:
            raise ValueError("no question is open")
        if status == "open":
            raise ValueError("open a question with `open`")
        self.opening.status = status
        self._question_changed()

    def answered(self, user: str, response: Any) -> None:
        assert self.opening is not None
        self.opening.responses[user] = response
        self.joined.setdefault(user, time.monotonic())
        self._answers_changed()

    def _question_changed(self) -> None:
        self.question_version += 1
        self.answer_version += 1
        self.question_changed.notify_all()
        self.answer_changed.notify_all()

    def _answers_changed(self) -> None:
        self.answer_version += 1
        self.answer_changed.notify_all()

    def question_state(self) -> dict[str, Any]:
        """What a participant sees: the open question without its key until it is revealed."""
        state: dict[str, Any] = {
            "course": self.course,
            "module": self.module,
            "session": self.session_id,
            "version": self.question_version,
            "question": None,
        }
        if self.opening is not None:
            opening = self.opening
            revealed = opening.status == "revealed"
            state["question"] = {
                "number": opening.number,
                "status": opening.status,
                "spec": learner_view(opening.spec, hide_key=not revealed),
                "key_prefix": self.key_prefix(),
            }
            if revealed:
                state["question"]["result"] = tally(opening.spec, opening.responses, True)
        return state

    def class_state(self) -> dict[str, Any]:
        """What instructors and the projector see: the question and the class result."""
        state = self.question_state()
        state["version"] = self.answer_version
        state["joined"] = len(self.present())
        if self.opening is not None:
            revealed = self.opening.status == "revealed"
            state["answered"] = len(self.opening.responses)
            state["result"] = tally(self.opening.spec, self.opening.responses, revealed)
        return state


def tally(spec: QuestionBase, responses: Mapping[str, Any], reveal: bool) -> dict[str, Any]:
    """The class result of one question: bars for choices, Likert and true/false, a histogram
    for numbers, a word list for text, a count otherwise; the right answer marked if `reveal`."""
    values = list(responses.values())
    result: dict[str, Any] = {"answers": len(values)}
    if isinstance(spec, ChoiceBase | Poll):
        counts: Counter[str] = Counter()
        for value in values:
            counts.update(value if isinstance(value, list) else [value])
        right = set(_right_options(spec)) if reveal else set()
        options = spec.option_list if isinstance(spec, ChoiceBase) else spec.options
        result["bars"] = [
            {"label": option.text, "count": counts[option.id], "right": option.id in right}
            for option in options
            if isinstance(option, Option)
        ]
    elif isinstance(spec, TrueFalse):
        labels = {True: "true", False: "false"}
        result["bars"] = [
            {
                "label": labels[choice],
                "count": sum(1 for v in values if v is choice),
                "right": reveal and spec.answer is choice,
            }
            for choice in (True, False)
        ]
    elif isinstance(spec, Likert):
        result["bars"] = [
            {"label": label, "count": sum(1 for v in values if v == index), "right": False}
            for index, label in enumerate(spec.scale, start=1)
        ]
    elif isinstance(spec, Numeric):
        result["histogram"] = _histogram(values)
        if reveal:
            result["right"] = spec.answer
    elif isinstance(spec, ShortText):
        words: Counter[str] = Counter()
        for value in values:
            if isinstance(value, str) and value.strip():
                words[normalise_text(value)] += 1
        result["words"] = [{"text": text, "count": n} for text, n in words.most_common(TOP_WORDS)]
        if reveal:
            result["right"] = [accepted.text for accepted in spec.accepted]
    return result


def _right_options(spec: QuestionBase) -> list[str]:
    answer = getattr(spec, "answer", None)
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, list):
        return [str(item) for item in answer]
    return []


def _histogram(values: list[Any]) -> list[dict[str, float]]:
    numbers = []
    for value in values:
        try:
            numbers.append(parse_number(value))
        except Exception:  # not a number (scoring's own error type): left out of the chart
            continue
    if not numbers:
        return []
    low, high = min(numbers), max(numbers)
    width = (high - low) / BINS or 1.0
    counts = [0] * BINS
    for number in numbers:
        counts[min(int((number - low) / width), BINS - 1)] += 1
    return [
        {"from": low + index * width, "to": low + (index + 1) * width, "count": count}
        for index, count in enumerate(counts)
        if count or high != low
    ]


def quick_poll(number: int, prompt: str, options: list[str]) -> QuestionBase:
    """A poll typed on the spot: its id is `quick-N`, its options as given."""
    cleaned = [option.strip() for option in options if option.strip()]
    if not prompt.strip():
        raise ValueError("a quick poll needs a question")
    if len(cleaned) < 2:
        raise ValueError("a quick poll needs at least two options")
    return parse_question(
        {"id": f"quick-{number}", "type": "poll", "prompt": prompt.strip(), "options": cleaned}
    )


@dataclass(frozen=True)
class WebinarLinks:
    """Where a session of a course module is run, joined and projected."""

    dashboard: str
    join: str
    projector: str


def webinar_links(public_url: str, service: str, course: str, module: str) -> WebinarLinks:
    """The dashboard (a Voilà app in the instructor's own server), the participants' page and
    the projector view of a session, under the hub's public address."""
    stem = quote(Path(module).with_suffix("").as_posix(), safe="")
    query = urlencode({"course": course, "module": Path(module).with_suffix("").as_posix()})
    join = f"{public_url}/services/{service}/webinar/{quote(course, safe='')}/{stem}"
    return WebinarLinks(
        dashboard=f"{public_url}/hub/user-redirect/voila/render/kurskit-webinar.ipynb?{query}",
        join=join,
        projector=f"{join}/projector",
    )
