"""The one checking function: score(spec, response) for every question type, pure and total."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from kurskit.course.questions import (
    CodeExercise,
    CourseFeedback,
    Likert,
    MultipleChoice,
    Numeric,
    Ordering,
    Poll,
    QuestionBase,
    Reflection,
    ShortText,
    SingleChoice,
    TrueFalse,
)

Status = Literal["scored", "pending", "invalid"]


@dataclass(frozen=True)
class Result:
    """The outcome of checking one response.

    status is "scored" when `score` is final, "pending" when a person (reflection) or the
    grader (code) still has to score it, and "invalid" when the response is not an answer to
    this question at all (then score is 0 and `reason` says why).
    """

    score: float | None
    max: float
    correct: bool | None
    feedback: tuple[str, ...] = ()
    status: Status = "scored"
    reason: str = ""

    @property
    def scaled(self) -> float | None:
        """Score as a share of max (None while pending, 1.0 for a zero-point question answered)."""
        if self.score is None:
            return None
        scaled = share(self.score, self.max)
        return 1.0 if scaled is None else scaled


@dataclass(frozen=True)
class _InvalidResponseError(Exception):
    reason: str


@dataclass
class _Outcome:
    fraction: float
    feedback: list[str] = field(default_factory=list)


def score(spec: QuestionBase, response: Any) -> Result:
    """Check `response` against `spec`. Never raises for any response; see docs for shapes.

    Response shapes: single_choice an option id; multiple_choice a list of option ids;
    true_false a bool; numeric a number or numeric text ("3,5" and "3.5" both work);
    short_text and reflection text; ordering a list of item ids; likert a 1-based scale
    position; poll an option id (a list when multiple); feedback {"rating": int, "comment": str};
    code the learner's source text.
    """
    checker = _CHECKERS.get(type(spec))
    if checker is None:
        raise TypeError(f"no checker for question type {type(spec).__name__}")
    points = spec.points
    try:
        outcome = checker(spec, response)
    except _InvalidResponseError as invalid:
        return Result(
            0.0,
            points,
            False if spec.has_right_answer else None,
            status="invalid",
            reason=invalid.reason,
        )
    if outcome is None:  # scored later, by a person or by the grader
        return Result(None, points, None, status="pending")
    fraction = min(1.0, max(0.0, outcome.fraction))
    correct: bool | None = math.isclose(fraction, 1.0) if spec.has_right_answer else None
    feedback = list(outcome.feedback)
    general = spec.feedback.correct if correct else spec.feedback.incorrect
    if correct is not None and general:
        feedback.append(general)
    earned = points if fraction == 1.0 else round(points * fraction, 6)
    return Result(earned, points, correct, tuple(f for f in feedback if f))


# --- response normalising -------------------------------------------------------------------


def share(earned: float, maximum: float) -> float | None:
    """The one scaled score: points earned as a share of the maximum, or None when there is
    nothing to earn (each caller says what that means for it)."""
    return earned / maximum if maximum > 0 else None


def passes(earned: float, maximum: float, threshold: float) -> bool:
    """The one pass rule: the share of the points reaches the threshold (float noise aside)."""
    scaled = share(earned, maximum)
    return scaled is not None and scaled >= threshold - 1e-9


def _text(response: Any, what: str = "text") -> str:
    if not isinstance(response, str):
        raise _InvalidResponseError(f"expected {what}, got {type(response).__name__}")
    return response


def _choice(response: Any, known: list[str]) -> str:
    choice = _text(response, "an option id")
    if choice not in known:
        raise _InvalidResponseError(f"'{choice[:40]}' is not one of the options")
    return choice


def _choices(response: Any, known: list[str]) -> list[str]:
    if not isinstance(response, list | tuple):
        raise _InvalidResponseError(f"expected a list of option ids, got {type(response).__name__}")
    picked = [_choice(item, known) for item in response]
    if len(set(picked)) != len(picked):
        raise _InvalidResponseError("the same option is given twice")
    return picked


def normalise_text(text: str, *, case_sensitive: bool = False) -> str:
    """Normalise short text for comparing: Unicode NFC, trimmed, inner spaces folded."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return text if case_sensitive else text.casefold()


def parse_number(response: Any) -> float:
    """A finite number from a number or text; decimal comma and spaces as thousands separators."""
    if isinstance(response, bool):
        raise _InvalidResponseError("expected a number, got true/false")
    if isinstance(response, int | float):
        try:
            value = float(response)
        except OverflowError:  # an int beyond float range
            raise _InvalidResponseError("the number is too large") from None
    else:
        text = _text(response, "a number").strip().replace("\u00a0", "").replace(" ", "")
        text = text.replace("\u2212", "-")
        if re.fullmatch(r"[+-]?\d+,\d+", text):
            text = text.replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            raise _InvalidResponseError(f"'{text[:40]}' is not a number") from None
    if not math.isfinite(value):
        raise _InvalidResponseError("the number is not finite")
    return value


# --- one checker per type -------------------------------------------------------------------


def _single(spec: SingleChoice, response: Any) -> _Outcome:
    choice = _choice(response, spec.option_ids)
    option = spec.option(choice)
    return _Outcome(1.0 if choice == spec.answer else 0.0, [option.feedback if option else ""])


def _multiple(spec: MultipleChoice, response: Any) -> _Outcome:
    picked = _choices(response, spec.option_ids)
    right = set(spec.answer)
    hits = sum(1 for p in picked if p in right)
    misses = len(picked) - hits
    if spec.scoring == "all_or_nothing":
        fraction = 1.0 if set(picked) == right else 0.0
    else:
        fraction = max(0.0, (hits - misses) / len(right))
    notes = [o.feedback for o in spec.option_list if o.id in picked]
    return _Outcome(fraction, notes)


def _true_false(spec: TrueFalse, response: Any) -> _Outcome:
    if not isinstance(response, bool):
        raise _InvalidResponseError(f"expected true or false, got {type(response).__name__}")
    return _Outcome(1.0 if response == spec.answer else 0.0)


def _numeric(spec: Numeric, response: Any) -> _Outcome:
    value = parse_number(response)
    # A little slack for binary floating point, e.g. 0.1 + 0.2 against 0.3 with tolerance 0.
    slack = spec.tolerance + 1e-9 * max(1.0, abs(spec.answer))
    return _Outcome(1.0 if abs(value - spec.answer) <= slack else 0.0)


def _short_text(spec: ShortText, response: Any) -> _Outcome:
    given = normalise_text(_text(response), case_sensitive=spec.case_sensitive)
    for accepted in spec.accepted:
        if normalise_text(accepted.text, case_sensitive=spec.case_sensitive) == given:
            return _Outcome(1.0, [accepted.feedback])
    return _Outcome(0.0)


def _ordering(spec: Ordering, response: Any) -> _Outcome:
    order = _choices(response, spec.answer)
    if len(order) != len(spec.answer):
        raise _InvalidResponseError(f"expected all {len(spec.answer)} items, got {len(order)}")
    in_place = sum(1 for given, right in zip(order, spec.answer, strict=True) if given == right)
    if spec.scoring == "all_or_nothing":
        return _Outcome(1.0 if in_place == len(order) else 0.0)
    return _Outcome(in_place / len(order))


def _likert(spec: Likert, response: Any) -> _Outcome:
    if isinstance(response, bool) or not isinstance(response, int):
        raise _InvalidResponseError(f"expected a scale position 1–{len(spec.scale)}")
    if not 1 <= response <= len(spec.scale):
        raise _InvalidResponseError(f"{response} is outside the scale 1–{len(spec.scale)}")
    return _Outcome(1.0)


def _reflection(spec: Reflection, response: Any) -> _Outcome | None:
    words = len(_text(response).split())
    if words == 0:
        raise _InvalidResponseError("the reflection is empty")
    if words < spec.min_words:
        raise _InvalidResponseError(
            f"the reflection has {words} words; at least {spec.min_words} are needed"
        )
    return None if spec.graded else _Outcome(1.0)


def _poll(spec: Poll, response: Any) -> _Outcome:
    if spec.multiple:
        if not _choices(response, spec.option_ids):
            raise _InvalidResponseError("no option picked")
    else:
        _choice(response, spec.option_ids)
    return _Outcome(1.0)


def _course_feedback(spec: CourseFeedback, response: Any) -> _Outcome:
    if not isinstance(response, dict):
        raise _InvalidResponseError("expected a rating and a comment")
    rating = response.get("rating")
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= spec.scale:
        raise _InvalidResponseError(f"the rating must be a whole number 1–{spec.scale}")
    if not isinstance(response.get("comment", ""), str):
        raise _InvalidResponseError("the comment must be text")
    return _Outcome(1.0)


def _code(spec: CodeExercise, response: Any) -> None:
    _text(response, "source code")
    return None  # run against the tests by the grader (nbgrader), not here


_CHECKERS: dict[type, Callable[[Any, Any], _Outcome | None]] = {
    SingleChoice: _single,
    MultipleChoice: _multiple,
    TrueFalse: _true_false,
    Numeric: _numeric,
    ShortText: _short_text,
    Ordering: _ordering,
    Likert: _likert,
    Reflection: _reflection,
    Poll: _poll,
    CourseFeedback: _course_feedback,
    CodeExercise: _code,
}
