"""score.js, the static book's copy of score(), agrees with the Python score() case by case.

Cases are drawn with hypothesis in Python (specs of every question type; right answers, near
misses and arbitrary JSON values as responses), then one Node process scores them all with
score.js (tests/test_book/score_runner.mjs) and the two results are compared field by field.
Both sides read each response from the same JSON text: Python with json.loads, score.js with
its parseResponse, which keeps json.loads' int/float distinction (2 vs 2.0).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from kurskit.course import parse_question, score
from kurskit.course.questions import QUESTION_TYPES, QuestionBase
from kurskit.course.scoring import _InvalidResponseError, normalise_text, parse_number

ROOT = Path(__file__).resolve().parents[2]
SCORE_JS = ROOT / "src" / "kurskit" / "book" / "assets" / "score.js"
RUNNER = Path(__file__).with_name("score_runner.mjs")
GENERATED_CASES = 1500  # each also scored with its right answer, so twice as many compared
COMPARED = ("score", "max", "correct", "status", "feedback")

Case = tuple[QuestionBase, str]  # a spec and a response as JSON text


# --- running score.js -----------------------------------------------------------------------


def node_binary() -> str:
    found = shutil.which("node") or ("/usr/bin/node" if Path("/usr/bin/node").exists() else None)
    if found is None:
        pytest.fail(
            "Node.js (node 20 or later) is needed to test the book's score.js and was not "
            "found; `make setup` installs it"
        )
    return found


def run_js(cases: Iterable[Case] = (), texts: Iterable[str] = ()) -> dict[str, Any]:
    payload = {
        "cases": [[spec.model_dump(mode="json"), response] for spec, response in cases],
        "texts": list(texts),
    }
    process = subprocess.run(
        [node_binary(), str(RUNNER), str(SCORE_JS)],
        input=json.dumps(payload, allow_nan=False),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    if process.returncode != 0:
        pytest.fail(f"node could not run score.js:\n{process.stderr}")
    # JSON.stringify writes a whole float as an integer (6.4e16 as 64364383678927820, not the
    # float's exact value): read every number back as a float, as Python's results are.
    return json.loads(process.stdout, parse_int=float)


def python_result(spec: QuestionBase, response: str) -> dict[str, Any]:
    result = score(spec, json.loads(response))
    return {
        "score": result.score,
        "max": result.max,
        "correct": result.correct,
        "status": result.status,
        "feedback": list(result.feedback),
        "reason": result.reason,
    }


def disagreements(cases: list[Case]) -> list[str]:
    """Every case where score.js and score() differ, described for the failure message."""
    found = []
    for (spec, response), js in zip(cases, run_js(cases)["results"], strict=True):
        py = python_result(spec, response)
        same = "error" not in js and all(py[key] == js[key] for key in COMPARED)
        if same and bool(py["reason"]) == bool(js["reason"]):
            continue
        found.append(
            f"spec={json.dumps(spec.model_dump(mode='json'), ensure_ascii=False)}\n"
            f"  response={response}\n  python={py}\n  js={js}"
        )
    return found


def assert_agree(cases: list[Case]) -> None:
    found = disagreements(cases)
    assert not found, f"score.js disagrees on {len(found)} of {len(cases)} cases:\n" + "\n".join(
        found[:5]
    )


# --- specs of every type --------------------------------------------------------------------

# Characters this Python's Unicode database assigns (an engine with newer tables may know more,
# see score.js), plus the ones whose folding, normalising or spacing is special.
# (\u212b Angstrom and \u212a Kelvin signs; combining ypogegrammeni, acute, ring, diaeresis.)
SPECIAL_CHARS = "ßẞςΣσſﬁﬀİıµÆæǄǅǆŉǰΐᾳᾼᏸꭰᎠ\u212b\u212a\u0345\u0301\u030a\u0308"
SPACES = " \t\n\r\x0b\x0c\x1c\x1f\x85\u00a0\u1680\u2003\u2028\u202f\u3000\u200b\ufeff"
characters = st.characters(exclude_categories=("Cs", "Cn")) | st.sampled_from(
    SPECIAL_CHARS + SPACES
)
texts = st.text(characters, max_size=12)
labels = st.text(characters, min_size=1, max_size=12).filter(str.strip)
points = (
    st.sampled_from([0.0, 1.0, 2.0, 0.5, 1 / 3, 0.015625, 1e-7, 3.0, 10.0])
    | st.floats(0, 100)
    | st.floats(0, 1e300)
)
notes = st.sampled_from(["", "", "Riktig.", "Nei, se kapittel 2."])
options = st.lists(labels | st.builds(dict, text=labels, feedback=notes), min_size=2, max_size=6)
general_feedback = st.fixed_dictionaries(
    {},
    optional={
        "correct": st.sampled_from(["", "Bra!"]),
        "incorrect": st.sampled_from(["", "Se igjen."]),
    },
)
finite = st.floats(allow_nan=False, allow_infinity=False)
answers = finite | st.floats(-1e6, 1e6) | st.integers(-1000, 1000).map(float)
tolerances = st.just(0.0) | st.floats(0, 100) | st.floats(0, 1e6) | finite.map(abs)


@st.composite
def choice_fields(draw: st.DrawFn, kind: str) -> dict[str, Any]:
    drawn = draw(options)
    ids = [chr(ord("a") + i) for i in range(len(drawn))]
    if kind == "single_choice":
        return {"options": drawn, "answer": draw(st.sampled_from(ids))}
    return {
        "options": drawn,
        "answer": draw(st.lists(st.sampled_from(ids), min_size=1, unique=True)),
        "scoring": draw(st.sampled_from(["partial", "all_or_nothing"])),
    }


FIELDS: dict[str, st.SearchStrategy[dict[str, Any]]] = {
    "single_choice": choice_fields("single_choice"),
    "multiple_choice": choice_fields("multiple_choice"),
    "true_false": st.fixed_dictionaries({"answer": st.booleans()}),
    "numeric": st.fixed_dictionaries({"answer": answers, "tolerance": tolerances}),
    "short_text": st.fixed_dictionaries(
        {
            "accept": st.lists(
                labels | st.builds(dict, text=labels, feedback=notes), min_size=1, max_size=3
            ),
            "case_sensitive": st.booleans(),
        }
    ),
    "ordering": st.fixed_dictionaries(
        {
            "items": st.lists(labels, min_size=2, max_size=6, unique_by=str.strip),
            "scoring": st.sampled_from(["partial", "all_or_nothing"]),
        }
    ),
    "likert": st.fixed_dictionaries({"scale": st.lists(labels, min_size=2, max_size=10)}),
    "reflection": st.fixed_dictionaries({"min_words": st.integers(0, 6)}),
    "poll": st.fixed_dictionaries({"options": options, "multiple": st.booleans()}),
    "feedback": st.fixed_dictionaries({"scale": st.integers(2, 10), "comment": st.booleans()}),
    "code": st.fixed_dictionaries(
        {"solution": st.just("x = 1"), "tests": st.just("assert x == 1")}
    ),
}


@st.composite
def specs(draw: st.DrawFn) -> QuestionBase:
    kind = draw(st.sampled_from(sorted(QUESTION_TYPES)))
    data: dict[str, Any] = {
        "id": "q",
        "type": kind,
        "prompt": "?",
        "points": draw(points),
        "feedback": draw(general_feedback),
        **draw(FIELDS[kind]),
    }
    if kind not in ("poll", "feedback"):
        data["graded"] = draw(st.booleans())
    try:
        return parse_question(data)
    except ValidationError:
        reject()


# --- responses ------------------------------------------------------------------------------

NUMBER_PIECES = [
    *"+-−,. \u00a0\t\u2003_eE",
    "e-",
    "inf",
    "nan",
    "Infinity",
    "0x",
    "x",
    "1e999",
    *"٣٥٫３𝟘᠓",
]
NUMBER_STYLES: dict[str, Callable[[float], str]] = {
    "repr": repr,
    "comma": lambda x: repr(x).replace(".", ","),
    "nbsp thousands": lambda x: f"{x:,}".replace(",", "\u00a0"),
    "space thousands, comma": lambda x: f"{x:,}".replace(",", " ").replace(".", ","),
    "minus sign": lambda x: repr(x).replace("-", "\u2212"),
    "underscores": lambda x: f"{x:_}",
    "padded": lambda x: f"  {x}\t",
    "fixed": lambda x: f"{x:.3f}",
    "exponent": lambda x: f"{x:e}",
}
numeric_texts = st.one_of(
    st.lists(st.sampled_from("0123456789") | st.sampled_from(NUMBER_PIECES), max_size=10).map(
        "".join
    ),
    st.builds(
        lambda x, style: NUMBER_STYLES[style](x), st.floats(), st.sampled_from(list(NUMBER_STYLES))
    ),
)
any_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats() | texts | numeric_texts,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["rating", "comment", "x"]) | texts, inner, max_size=3)
    ),
    max_leaves=8,
)
TEXT_CHANGES: dict[str, Callable[[str], str]] = {
    "same": lambda t: t,
    "upper": str.upper,
    "lower": str.lower,
    "swapcase": str.swapcase,
    "casefold": str.casefold,
    "title": str.title,
    "nfd": lambda t: unicodedata.normalize("NFD", t),
    "nfkc": lambda t: unicodedata.normalize("NFKC", t),
    "spaced": lambda t: "\u3000 " + "\t\x1c ".join(t.split()) + "\x85\n",
    "bom": lambda t: "\ufeff" + t,
}


def words(spaces: str = " \t\n\x1c\x85\u00a0\u3000\u200b\ufeff") -> st.SearchStrategy[str]:
    """Text of a few words with assorted (not always Python-) whitespace between them."""
    return st.lists(
        st.text(characters, min_size=1, max_size=6) | st.sampled_from(["ord", "ja", "å"]),
        max_size=8,
    ).flatmap(
        lambda parts: st.lists(
            st.text(st.sampled_from(spaces), min_size=1, max_size=3),
            min_size=len(parts) + 1,
            max_size=len(parts) + 1,
        ).map(lambda gaps: gaps[0] + "".join(p + g for p, g in zip(parts, gaps[1:], strict=True)))
    )


def near_numbers(spec: Any) -> st.SearchStrategy[Any]:
    @st.composite
    def near(draw: st.DrawFn) -> Any:
        steps = draw(st.sampled_from([-1.5, -1.0, -0.5, 0.0, 0.5, 1.0, 1.5]))
        value = spec.answer + steps * spec.tolerance + draw(st.sampled_from([0.0, 1e-10, -1e-7]))
        style = draw(st.sampled_from([None, *NUMBER_STYLES]))
        return value if style is None else NUMBER_STYLES[style](value)

    return near()


def specific_responses(spec: Any) -> st.SearchStrategy[Any]:
    """Responses close to the question's own shape: its options, its answer, near misses."""
    kind = spec.type
    if kind in ("single_choice", "multiple_choice", "poll"):
        ids = spec.option_ids
        return (
            st.sampled_from(ids)
            | st.lists(st.sampled_from(ids), unique=True)
            | st.lists(st.sampled_from([*ids, "z", "A"]), max_size=len(ids) + 1)
        )
    if kind == "ordering":
        return (
            st.permutations(spec.answer)
            | st.permutations(spec.answer).map(lambda order: order[1:])
            | st.lists(st.sampled_from(spec.answer), max_size=len(spec.answer) + 1)
        )
    if kind == "true_false":
        return st.booleans() | st.sampled_from(["true", "false", 0, 1, 1.0])
    if kind == "numeric":
        return near_numbers(spec) | numeric_texts
    if kind == "short_text":
        return texts | st.builds(
            lambda accepted, change: TEXT_CHANGES[change](accepted.text),
            st.sampled_from(spec.accepted),
            st.sampled_from(list(TEXT_CHANGES)),
        )
    if kind == "likert":
        return st.integers(-1, 12) | st.integers(0, 11).map(float) | st.sampled_from([True, "2"])
    if kind == "reflection":
        return words()
    if kind == "feedback":
        rating = st.integers(-1, 12) | st.integers(0, 11).map(float) | st.booleans() | st.none()
        return st.fixed_dictionaries(
            {},
            optional={
                "rating": rating | texts,
                "comment": texts | st.none() | st.integers(),
                "x": st.integers(),
            },
        ) | st.fixed_dictionaries({"rating": rating}, optional={"comment": texts})
    return texts  # code


def right_answer(spec: Any) -> Any:
    """A full-mark response built from the spec itself."""
    answers: dict[str, Callable[[], Any]] = {
        "single_choice": lambda: spec.answer,
        "multiple_choice": lambda: list(spec.answer),
        "true_false": lambda: spec.answer,
        "numeric": lambda: spec.answer,
        "short_text": lambda: spec.accepted[0].text,
        "ordering": lambda: list(spec.answer),
        "likert": lambda: len(spec.scale),
        "reflection": lambda: " ".join(["ord"] * max(1, spec.min_words)),
        "poll": lambda: ["a"] if spec.multiple else "a",
        "feedback": lambda: {"rating": spec.scale, "comment": "Bra"},
        "code": lambda: "x = 1",
    }
    return answers[spec.type]()


@st.composite
def cases(draw: st.DrawFn) -> Case:
    spec = draw(specs())
    mine = specific_responses(spec)
    response = draw(st.one_of(mine, mine, mine, numeric_texts, any_json))
    return spec, json.dumps(response)


def generate(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Draw `count` examples with hypothesis (no shrinking: they are compared in one batch)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(example: Any) -> None:
        drawn.append(example)

    collect()
    return drawn


# --- the tests ------------------------------------------------------------------------------


def test_score_js_agrees_with_score_on_generated_cases() -> None:
    generated = generate(cases(), GENERATED_CASES)
    right = [(spec, json.dumps(right_answer(spec))) for spec, _ in generated]
    batch = generated + right
    # The batch must reach every type and every outcome, or agreeing proves little.
    assert {spec.type for spec, _ in batch} == set(QUESTION_TYPES)  # type: ignore[attr-defined]
    outcomes = Counter(
        (result["status"], result["correct"])
        for result in (python_result(spec, response) for spec, response in batch)
    )
    expected = {("scored", True), ("scored", False), ("scored", None)}
    expected |= {("invalid", False), ("invalid", None), ("pending", None)}
    assert expected <= set(outcomes), outcomes
    assert_agree(batch)


def test_score_js_agrees_on_every_character() -> None:
    """Normalising (NFC, spaces, casefold) and digit reading, for each assigned code point."""
    chars = [chr(c) for c in range(0x110000) if unicodedata.category(chr(c)) not in ("Cs", "Cn")]
    decomposed = [unicodedata.normalize("NFD", c) for c in chars]
    digits = [c for c in chars if c.isdecimal()]
    samples = [
        *chars,
        *(d for d, c in zip(decomposed, chars, strict=True) if d != c),
        *(f"{d},{d}" for d in digits),
        *(f"1{d}_{d}.{d}e{d}" for d in digits),
        *(f"a{c}b" for c in chars if c.isspace()),
    ]

    def python(text: str) -> list[Any]:
        try:
            number: float | None = parse_number(text)
        except _InvalidResponseError:
            number = None
        return [normalise_text(text), normalise_text(text, case_sensitive=True), number]

    found = [
        f"{text!r} ({' '.join(f'U+{ord(c):04X}' for c in text)}): python={py!r} js={js!r}"
        for text, js in zip(samples, run_js(texts=samples)["texts"], strict=True)
        if (py := python(text)) != js
    ]
    assert not found, f"{len(found)} of {len(samples)} texts differ:\n" + "\n".join(found[:10])


def q(kind: str, **fields: Any) -> QuestionBase:
    return parse_question({"id": "q", "type": kind, "prompt": "?", **fields})


NUMERIC = q("numeric", answer=3.5)
THOUSANDS = q("numeric", answer=3500.5)
SHORT = q(
    "short_text",
    accept=["Årdal", "Straße", "σας", {"text": "SNL", "feedback": "Forkortelse"}],
    feedback={"correct": "Bra!", "incorrect": "Nei."},
)
CASED = q("short_text", accept=["Straße"], case_sensitive=True)
CHOICE = {
    "options": [
        {"text": "A", "feedback": "Ja, A."},
        {"text": "B", "feedback": ""},
        {"text": "C", "feedback": "Ikke C."},
    ],
    "answer": ["a", "b"],
}
PARTIAL = q("multiple_choice", points=2, **CHOICE)
ALL = q("multiple_choice", scoring="all_or_nothing", **CHOICE)
TIE = q("multiple_choice", points=0.015625, **CHOICE)  # 0.5 × 0.015625 = 0.0078125 exactly
ORDER_ITEMS = [{"id": "x", "text": "X"}, {"id": "y", "text": "Y"}, {"id": "z", "text": "Z"}]
ORDER = q("ordering", items=ORDER_ITEMS)
ORDER_ALL = q("ordering", items=ORDER_ITEMS, scoring="all_or_nothing")
LIKERT = q("likert", scale=["Lite", "Noe", "Mye"], points=1)
RATING = q("feedback", scale=5)
REFLECTION = q("reflection", min_words=3)
GRADED_REFLECTION = q("reflection", min_words=3, graded=True, points=3)
POLL = q("poll", options=["Ja", "Nei"])
POLLS = q("poll", options=["Ja", "Nei"], multiple=True)
CODE = q("code", solution="x = 1", tests="assert x == 1", points=5)
TRUE_FALSE = q("true_false", answer=False, feedback={"correct": "Bra!", "incorrect": "Se igjen."})
SINGLE = q("single_choice", options=["Ja", {"text": "Nei", "feedback": "Riktig."}], answer="b")

# (spec, response, status, score, feedback): what score() gives, and score.js must give too.
FIXTURES: list[tuple[QuestionBase, Any, str, float | None, list[str]]] = [
    (NUMERIC, "3,5", "scored", 1, []),
    (NUMERIC, " 3,5 ", "scored", 1, []),
    (NUMERIC, "+3.50", "scored", 1, []),
    (NUMERIC, "3.5e0", "scored", 1, []),
    (NUMERIC, "٣,٥", "scored", 1, []),  # Arabic-Indic digits, decimal comma
    (NUMERIC, "３.５", "scored", 1, []),  # fullwidth digits
    (NUMERIC, 3.5, "scored", 1, []),
    (NUMERIC, 3.6, "scored", 0, []),
    (NUMERIC, "3.6", "scored", 0, []),
    (THOUSANDS, "3 500,5", "scored", 1, []),
    (THOUSANDS, "3\u00a0500,5", "scored", 1, []),
    (THOUSANDS, "3_500.5", "scored", 1, []),
    (q("numeric", answer=-3.5), "\u22123,5", "scored", 1, []),
    (q("numeric", answer=1000), "1e3", "scored", 1, []),
    (q("numeric", answer=1000), "1,000", "scored", 0, []),  # a decimal comma: 1.0
    (q("numeric", answer=0.3), 0.1 + 0.2, "scored", 1, []),
    *(
        (NUMERIC, bad, "invalid", 0, [])
        for bad in [
            "tre",
            "",
            "inf",
            "-Infinity",
            "nan",
            "1,2,3",
            "3,",
            ",5",
            "1__0",
            "1_",
            "0x10",
            "1,000.5",
            "3\t5",
            "1e999",
            True,
            None,
            [3.5],
            float("nan"),
            float("inf"),
        ]
    ),
    (SHORT, "A\u030ardal", "scored", 1, ["Bra!"]),
    (SHORT, "  ÅRDAL\t", "scored", 1, ["Bra!"]),
    (SHORT, "STRASSE", "scored", 1, ["Bra!"]),
    (SHORT, "ΣΑΣ", "scored", 1, ["Bra!"]),
    (SHORT, "snl", "scored", 1, ["Forkortelse", "Bra!"]),
    (SHORT, "Oslo", "scored", 0, ["Nei."]),
    (SHORT, "\ufeffÅrdal", "scored", 0, ["Nei."]),  # U+FEFF is not whitespace to Python
    (SHORT, "\x1cÅrdal\x85", "scored", 1, ["Bra!"]),  # but these are
    (SHORT, 5, "invalid", 0, []),
    (CASED, "Straße", "scored", 1, []),
    (CASED, "straße", "scored", 0, []),
    (PARTIAL, ["a"], "scored", 1, ["Ja, A."]),
    (PARTIAL, ["a", "b"], "scored", 2, ["Ja, A."]),
    (PARTIAL, ["c", "a"], "scored", 0, ["Ja, A.", "Ikke C."]),
    (PARTIAL, ["a", "b", "c"], "scored", 1, ["Ja, A.", "Ikke C."]),
    (PARTIAL, [], "scored", 0, []),
    (PARTIAL, ["a", "a"], "invalid", 0, []),
    (PARTIAL, ["d"], "invalid", 0, []),
    (PARTIAL, "a", "invalid", 0, []),
    (ALL, ["b", "a"], "scored", 1, ["Ja, A."]),
    (ALL, ["a"], "scored", 0, ["Ja, A."]),
    (TIE, ["a"], "scored", 0.007812, ["Ja, A."]),  # ties to even, as Python's round()
    (ORDER, ["x", "y", "z"], "scored", 1, []),
    (ORDER, ["x", "z", "y"], "scored", 0.333333, []),
    (ORDER, ["z", "x", "y"], "scored", 0, []),
    (ORDER, ["x", "y"], "invalid", 0, []),
    (ORDER, ["x", "y", "y"], "invalid", 0, []),
    (ORDER_ALL, ["x", "z", "y"], "scored", 0, []),
    (LIKERT, 2, "scored", 1, []),
    (LIKERT, 2.0, "invalid", 0, []),  # json.loads gives a float
    (LIKERT, "2", "invalid", 0, []),
    (LIKERT, True, "invalid", 0, []),
    (LIKERT, 4, "invalid", 0, []),
    (RATING, {"rating": 5}, "scored", 0, []),
    (RATING, {"rating": 1, "comment": "Fint"}, "scored", 0, []),
    (RATING, {"rating": 5.0}, "invalid", 0, []),
    (RATING, {"rating": 6}, "invalid", 0, []),
    (RATING, {"rating": True}, "invalid", 0, []),
    (RATING, {"rating": 3, "comment": None}, "invalid", 0, []),
    (RATING, {"comment": "uten"}, "invalid", 0, []),
    (RATING, [5], "invalid", 0, []),
    (REFLECTION, "for kort", "invalid", 0, []),
    (REFLECTION, "ord\u3000for\x1cord", "scored", 0, []),
    (REFLECTION, "ord\ufefffor ord", "invalid", 0, []),
    (REFLECTION, "   ", "invalid", 0, []),
    (GRADED_REFLECTION, "lang nok tekst", "pending", None, []),
    (POLL, "b", "scored", 0, []),
    (POLL, ["a"], "invalid", 0, []),
    (POLLS, ["a", "b"], "scored", 0, []),
    (POLLS, [], "invalid", 0, []),
    (CODE, "x = 1", "pending", None, []),
    (CODE, 42, "invalid", 0, []),
    (TRUE_FALSE, False, "scored", 1, ["Bra!"]),
    (TRUE_FALSE, True, "scored", 0, ["Se igjen."]),
    (TRUE_FALSE, "false", "invalid", 0, []),
    (SINGLE, "b", "scored", 1, ["Riktig."]),
    (SINGLE, "a", "scored", 0, []),
    (SINGLE, "c", "invalid", 0, []),
]


def test_fixtures_say_what_score_does() -> None:
    for spec, response, status, points, feedback in FIXTURES:
        result = python_result(spec, json.dumps(response))
        expected = {"status": status, "score": points, "feedback": feedback}
        assert {key: result[key] for key in expected} == expected, (spec, response)


def test_score_js_agrees_on_hand_written_fixtures() -> None:
    assert_agree([(spec, json.dumps(response)) for spec, response, *_ in FIXTURES])
