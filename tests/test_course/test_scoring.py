"""score(spec, response): properties every question type keeps, and each type's own rules."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kurskit.course import parse_question, score
from kurskit.course.questions import QUESTION_TYPES, QuestionBase
from kurskit.course.scoring import normalise_text

# Any JSON-like value a hostile or confused client might send.
any_response = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=8,
)
option_texts = st.lists(
    st.text(min_size=1, max_size=12).filter(str.strip), min_size=2, max_size=6, unique_by=str.strip
)
points = st.floats(min_value=0, max_value=100, allow_nan=False)


@st.composite
def single_choice(draw: st.DrawFn) -> QuestionBase:
    texts = draw(option_texts)
    answer = draw(st.integers(0, len(texts) - 1))
    feedback = [f"fb{i}" for i in range(len(texts))]
    return parse_question(
        {
            "id": "q",
            "type": "single_choice",
            "prompt": "?",
            "points": draw(points),
            "options": [{"text": t, "feedback": f} for t, f in zip(texts, feedback, strict=True)],
            "answer": "abcdef"[answer],
        }
    )


@st.composite
def multiple_choice(draw: st.DrawFn) -> QuestionBase:
    texts = draw(option_texts)
    ids = list("abcdef"[: len(texts)])
    answer = draw(st.lists(st.sampled_from(ids), min_size=1, unique=True))
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return parse_question(
        {
            "id": "q",
            "type": "multiple_choice",
            "prompt": "?",
            "options": texts,
            "answer": answer,
            "scoring": scoring,
            "points": draw(points),
        }
    )


@st.composite
def numeric(draw: st.DrawFn) -> QuestionBase:
    answer = draw(st.floats(-1e6, 1e6, allow_nan=False))
    tolerance = draw(st.floats(0, 100, allow_nan=False))
    return parse_question(
        {"id": "q", "type": "numeric", "prompt": "?", "answer": answer, "tolerance": tolerance}
    )


@st.composite
def ordering(draw: st.DrawFn) -> QuestionBase:
    texts = draw(option_texts)
    scoring = draw(st.sampled_from(["partial", "all_or_nothing"]))
    return parse_question(
        {"id": "q", "type": "ordering", "prompt": "?", "items": texts, "scoring": scoring}
    )


FIXED: dict[str, dict[str, Any]] = {
    "true_false": {"answer": True},
    "short_text": {"accept": ["Store norske leksikon", {"text": "SNL", "feedback": "Forkortelse"}]},
    "likert": {"scale": ["Lite", "Noe", "Mye"], "competence": "1.2", "points": 1},
    "reflection": {"min_words": 3},
    "poll": {"options": ["Ja", "Nei"]},
    "feedback": {"scale": 5},
    "code": {"solution": "x = 1", "tests": "assert x == 1"},
}


def fixed(kind: str, **extra: Any) -> QuestionBase:
    return parse_question({"id": "q", "type": kind, "prompt": "?", **FIXED[kind], **extra})


every_spec = st.one_of(
    single_choice(),
    multiple_choice(),
    numeric(),
    ordering(),
    st.sampled_from(list(FIXED)).map(fixed),
    st.sampled_from(list(FIXED)).map(
        lambda kind: fixed(kind, graded=kind not in ("poll", "feedback"))
    ),
)


def right_answer(spec: QuestionBase) -> Any:
    """A full-mark response built from the spec itself."""
    answers: dict[str, Any] = {
        "single_choice": lambda: spec.answer,  # type: ignore[attr-defined]
        "multiple_choice": lambda: list(spec.answer),  # type: ignore[attr-defined]
        "true_false": lambda: spec.answer,  # type: ignore[attr-defined]
        "numeric": lambda: spec.answer,  # type: ignore[attr-defined]
        "short_text": lambda: spec.accepted[0].text,  # type: ignore[attr-defined]
        "ordering": lambda: list(spec.answer),  # type: ignore[attr-defined]
        "likert": lambda: 2,
        "reflection": lambda: "Jeg lærte mye nytt om kilder.",
        "poll": lambda: "a",
        "feedback": lambda: {"rating": 4, "comment": "Bra"},
        "code": lambda: "x = 1",
    }
    return answers[spec.type]()  # type: ignore[attr-defined]


def test_every_type_has_a_strategy() -> None:
    covered = {"single_choice", "multiple_choice", "numeric", "ordering", *FIXED}
    assert covered == set(QUESTION_TYPES)


@given(every_spec, any_response)
def test_score_never_raises_and_stays_in_range(spec: QuestionBase, response: Any) -> None:
    result = score(spec, response)
    assert result.max == spec.points
    if result.status == "pending":
        assert result.score is None and result.correct is None
    else:
        assert result.score is not None and 0 <= result.score <= result.max + 1e-9
    if result.status == "invalid":
        assert result.score == 0 and result.reason
    if not spec.has_right_answer:
        assert result.correct is None


@given(every_spec)
def test_the_right_answer_earns_full_marks(spec: QuestionBase) -> None:
    result = score(spec, right_answer(spec))
    if result.status == "pending":
        assert spec.type == "code" or spec.manually_graded  # type: ignore[attr-defined]
        return
    assert result.status == "scored"
    assert math.isclose(result.score or 0, spec.points, abs_tol=1e-6)
    assert result.correct in (True, None)


@given(every_spec, any_response)
def test_score_is_pure(spec: QuestionBase, response: Any) -> None:
    assert score(spec, response) == score(spec, response)


@given(single_choice(), st.data())
def test_single_choice_right_only_for_the_key_with_option_feedback(
    spec: Any, data: st.DataObject
) -> None:
    choice = data.draw(st.sampled_from(spec.option_ids))
    result = score(spec, choice)
    assert result.correct == (choice == spec.answer)
    assert result.score == (spec.points if choice == spec.answer else 0)
    assert result.feedback == (f"fb{spec.option_ids.index(choice)}",)


@given(multiple_choice(), st.data())
def test_multiple_choice_partial_credit_rule(spec: Any, data: st.DataObject) -> None:
    picked = data.draw(st.lists(st.sampled_from(spec.option_ids), unique=True))
    hits = len(set(picked) & set(spec.answer))
    misses = len(picked) - hits
    if spec.scoring == "partial":
        expected = max(0.0, (hits - misses) / len(spec.answer))
    else:
        expected = 1.0 if set(picked) == set(spec.answer) else 0.0
    assert math.isclose(
        score(spec, picked).score or 0, round(spec.points * expected, 6), abs_tol=1e-6
    )


@given(numeric(), st.floats(-2e6, 2e6, allow_nan=False))
def test_numeric_tolerance(spec: Any, value: float) -> None:
    distance = abs(value - spec.answer)
    assume(abs(distance - spec.tolerance) > 1e-6 * max(1, abs(spec.answer)))
    assert score(spec, value).correct == (distance <= spec.tolerance)


@pytest.mark.parametrize("text", ["3,5", "3.5", " 3,5 ", "+3.50", "3.5e0"])
def test_numeric_accepts_decimal_comma_and_text(text: str) -> None:
    spec = parse_question({"id": "q", "type": "numeric", "prompt": "?", "answer": 3.5})
    assert score(spec, text).correct is True


@pytest.mark.parametrize("text", ["tre", "", "nan", "inf", "1,2,3"])
def test_numeric_rejects_non_numbers(text: str) -> None:
    spec = parse_question({"id": "q", "type": "numeric", "prompt": "?", "answer": 3})
    result = score(spec, text)
    assert result.status == "invalid" and result.score == 0


@given(st.text(max_size=30), st.booleans())
def test_short_text_ignores_case_and_spacing(text: str, case_sensitive: bool) -> None:
    assume(text.strip())
    spec = parse_question(
        {
            "id": "q",
            "type": "short_text",
            "prompt": "?",
            "accept": [text],
            "case_sensitive": case_sensitive,
        }
    )
    noisy = "  " + " ".join(text.split()) + "\t"
    assert score(spec, noisy).correct is True
    if not case_sensitive:
        assert score(spec, noisy.upper()).correct == (
            normalise_text(noisy.upper()) == normalise_text(text)
        )


def test_short_text_feedback_and_unicode_forms() -> None:
    spec = fixed("short_text")
    assert score(spec, "snl").feedback == ("Forkortelse",)
    decomposed = parse_question(
        {"id": "q", "type": "short_text", "prompt": "?", "accept": ["Årdal"]}
    )
    assert score(decomposed, "A\u030ardal").correct is True


@given(ordering(), st.data())
def test_ordering_partial_is_share_in_place(spec: Any, data: st.DataObject) -> None:
    order = data.draw(st.permutations(spec.answer))
    in_place = sum(a == b for a, b in zip(order, spec.answer, strict=True))
    expected = in_place / len(order) if spec.scoring == "partial" else float(in_place == len(order))
    assert math.isclose(score(spec, list(order)).score or 0, expected, abs_tol=1e-6)


def test_ordering_needs_every_item() -> None:
    spec = parse_question({"id": "q", "type": "ordering", "prompt": "?", "items": ["a", "b"]})
    assert score(spec, spec.answer[:1]).status == "invalid"  # type: ignore[attr-defined]


@given(st.integers(-5, 10))
def test_likert_accepts_scale_positions_only(position: int) -> None:
    result = score(fixed("likert"), position)
    assert (result.status == "scored") == (1 <= position <= 3)


def test_reflection_word_minimum_and_manual_grading() -> None:
    assert score(fixed("reflection"), "for kort").status == "invalid"
    assert score(fixed("reflection"), "lang nok tekst her").score == 0  # zero-point, ungraded
    graded = fixed("reflection", graded=True, points=3)
    result = score(graded, "lang nok tekst her")
    assert result.status == "pending" and result.score is None and result.max == 3


def test_poll_single_and_multiple() -> None:
    assert score(fixed("poll"), "b").status == "scored"
    assert score(fixed("poll"), ["a"]).status == "invalid"
    multi = fixed("poll", multiple=True)
    assert score(multi, ["a", "b"]).status == "scored"
    assert score(multi, []).status == "invalid"


@pytest.mark.parametrize(
    ("response", "ok"),
    [
        ({"rating": 5}, True),
        ({"rating": 1, "comment": "Fint"}, True),
        ({"rating": 6}, False),
        ({"rating": True}, False),
        ({"comment": "uten"}, False),
        (5, False),
    ],
)
def test_course_feedback(response: Any, ok: bool) -> None:
    assert (score(fixed("feedback"), response).status == "scored") == ok


def test_code_is_left_to_the_grader() -> None:
    result = score(fixed("code", points=5), "x = 1")
    assert result.status == "pending" and result.max == 5
    assert score(fixed("code"), 42).status == "invalid"


def test_general_feedback_follows_correctness() -> None:
    spec = parse_question(
        {
            "id": "q",
            "type": "true_false",
            "prompt": "?",
            "answer": False,
            "feedback": {"correct": "Bra!", "incorrect": "Se igjen."},
        }
    )
    assert score(spec, False).feedback == ("Bra!",)
    assert score(spec, True).feedback == ("Se igjen.",)
    assert score(spec, "false").status == "invalid"


def test_huge_integers_are_invalid_not_a_crash() -> None:
    spec = parse_question({"id": "q", "type": "numeric", "prompt": "?", "answer": 1})
    assert score(spec, 10**400).status == "invalid"


def test_specs_refuse_infinite_numbers() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        parse_question({"id": "q", "type": "numeric", "prompt": "?", "answer": float("inf")})
