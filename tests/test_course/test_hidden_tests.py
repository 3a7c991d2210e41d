"""Hidden tests: how they are read, the plain data that crosses to and from a learner's kernel,
and their verdicts, against a stand-in for the kernel and against a real one."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from kurskit.course.hidden_tests import HiddenTests, HiddenTestsError, run_hidden_tests
from kurskit.course.kernel_calls import Outcome, serve
from kurskit.course.plain_data import NotPlainDataError, decode, dumps, encode, loads
from kurskit.course.questions import parse_question

PLAIN = [
    None,
    True,
    0,
    -(10**30),
    1.5,
    math.inf,
    "hei",
    b"\x00\xff",
    [1, [2, "x"]],
    (1, (2.0, None)),
    {"a": 1, 2: [3], (1, "b"): {4}},
    {1, "a", (2, 3)},
    frozenset({1, 2}),
    [],
    {},
]


@pytest.mark.parametrize("value", PLAIN, ids=repr)
def test_plain_data_keeps_its_exact_types(value: object) -> None:
    back = loads(dumps(value))
    assert back == value and type(back) is type(value)
    if isinstance(value, dict):
        assert [type(key) for key in back] == [type(key) for key in value]


def test_nan_survives_and_one_is_not_true() -> None:
    assert math.isnan(loads(dumps(math.nan)))
    assert loads(dumps([1, True, 1.0])) == [1, True, 1.0]
    assert [type(item) for item in loads(dumps([1, True, 1.0]))] == [int, bool, float]


@pytest.mark.parametrize(
    "value",
    [object(), type("Sub", (str,), {})("x"), [1, type("L", (list,), {})()], {"k": print}],
    ids=["object", "str subclass", "list subclass inside", "function"],
)
def test_learner_objects_are_not_plain_data(value: object) -> None:
    with pytest.raises(NotPlainDataError):
        encode(value)


@pytest.mark.parametrize(
    "data",
    [{"~": "nope", "v": []}, {"x": 1}, {"~": "dict", "v": [[[1], 2]]}, {"~": "set", "v": [[1]]}],
)
def test_forged_data_never_decodes_to_something_else(data: Any) -> None:
    with pytest.raises(NotPlainDataError):
        decode(data)


def test_deep_nesting_is_refused_not_recursed() -> None:
    deep: Any = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(NotPlainDataError, match="nested deeper"):
        encode(deep)
    text = "[" * 100_000 + "]" * 100_000
    with pytest.raises(NotPlainDataError):
        loads(text)


def test_learner_names_are_functions_when_only_called_values_otherwise() -> None:
    tests = HiddenTests.parse(
        "_like = [1, 2]\n"
        "assert f(_like) == [1]\n"
        "assert all(g(i) > 0 for i in range(3))\n"
        "assert total == 6\n"
        "def helper(x):\n    return h(x) + offset\n"
        "assert helper(1) == 2\n"
        "with raises(ValueError):\n    f(-1)\n"
    )
    assert tests.functions == {"f", "g", "h"}
    assert tests.values == {"total", "offset"}


@pytest.mark.parametrize(
    ("source", "message", "line"),
    [
        ("assert f() == 1\nimport os\n", "cannot import", 2),
        ("assert f(\n", "not valid Python", 1),
        ("def g():\n    global x\n    x = 1\n", "global", 2),
    ],
)
def test_hidden_tests_that_cannot_run_outside_the_kernel_say_where(
    source: str, message: str, line: int
) -> None:
    with pytest.raises(HiddenTestsError, match=message) as caught:
        HiddenTests.parse(source)
    assert caught.value.line == line


def test_a_code_exercise_with_unrunnable_hidden_tests_is_a_course_error() -> None:
    spec = {"id": "k", "type": "code", "prompt": "p", "solution": "x = 1", "tests": "pass"}
    with pytest.raises(ValueError, match="line 1 of the hidden tests: hidden tests cannot"):
        parse_question({**spec, "hidden_tests": "import os\nassert f() == 1\n"})
    assert parse_question({**spec, "hidden_tests": "assert f() == 1"}).id == "k"


class FakeKernel:
    """The kernel side (`serve`) on a namespace in this process: what a learner's kernel
    does when nobody has tampered with it."""

    def __init__(self, namespace: dict[str, Any]) -> None:
        self.namespace = namespace
        self.requests: list[dict[str, Any]] = []

    def _answer(self, request: dict[str, Any]) -> Outcome:
        self.requests.append(request)
        answer = json.loads(serve(self.namespace, json.dumps(request)))
        if "missing" in answer:
            return Outcome(missing=True)
        if "raised" in answer:
            return Outcome(raised=tuple(answer["raised"]))  # type: ignore[arg-type]
        if "unplain" in answer:
            return Outcome(failure=f"returned {answer['unplain']}, which a test cannot check")
        return Outcome(value=decode(answer["value"]), after=decode(answer.get("after")))

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        request = {"name": name, "args": encode(args), "kwargs": encode(kwargs)}
        return self._answer(request)

    def value(self, name: str) -> Outcome:
        return self._answer({"name": name, "get": True})


HIDDEN = HiddenTests.parse(
    "assert double(2) == 4\n"
    "_items = [3, 1, 2]\n"
    'assert sorted_copy(_items) == [1, 2, 3], "sorted"\n'
    'assert _items == [3, 1, 2], "sorted_copy must not change its argument"\n'
    "with raises(ValueError):\n    double(-1)\n"
    "assert isinstance(double(0), int)\n"
)


def _learner(code: str) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace


RIGHT = (
    "def double(x):\n    if x < 0:\n        raise ValueError(x)\n    return 2 * x\n"
    "def sorted_copy(items):\n    return sorted(items)\n"
)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (RIGHT, ""),
        (RIGHT.replace("2 * x", "2.0 * x"), "a hidden test failed"),  # 4.0 is not 4: typed
        (RIGHT.replace("return sorted(items)", "items.sort()\n    return items"), "must not"),
        (RIGHT.replace("raise ValueError(x)", "return 0"), "expected ValueError"),
        (RIGHT.replace("def double", "def triple"), "double is not defined"),
        (RIGHT.replace("return 2 * x", "return object()"), "which a test cannot check"),
        (RIGHT.replace("return 2 * x", "raise KeyError('k')"), "double raised KeyError"),
    ],
    ids=["right", "float", "mutates", "no raise", "missing", "object", "raises"],
)
def test_verdicts(code: str, reason: str) -> None:
    verdict = run_hidden_tests(HIDDEN, FakeKernel(_learner(code)))
    assert verdict.passed is (reason == "")
    assert reason in verdict.reason


def test_only_names_and_plain_arguments_cross_to_the_kernel() -> None:
    kernel = FakeKernel(_learner(RIGHT))
    run_hidden_tests(HIDDEN, kernel)
    crossed = json.dumps(kernel.requests)
    assert "assert" not in crossed and "sorted" in crossed  # the name, never the test
    assert "must not change" not in crossed and "[1, 2, 3]" not in crossed


def test_a_liar_object_can_not_cross() -> None:
    liar = "class Sly(int):\n    def __eq__(self, other):\n        return True\n"
    code = RIGHT.replace("return 2 * x", "return Sly(0)") + liar
    verdict = run_hidden_tests(HIDDEN, FakeKernel(_learner(code)))
    assert not verdict.passed and "Sly" in verdict.reason


def test_the_model_solution_is_checked_against_its_hidden_tests(tmp_path: Path) -> None:
    from kurskit.course.execute import check_code_solutions
    from kurskit.course.notebook import load_notebook

    page = tmp_path / "ovning.md"
    question = (
        "id: {id}\ntype: code\nprompt: Skriv dobbel.\n"
        "solution: |\n  def dobbel(x):\n      return {body}\n"
        "tests: |\n  assert dobbel(1) == 2\n"
        "hidden_tests: |\n  assert dobbel(5) == 10, 'fem'\n  assert _n == 3\n"
    )
    cells = [
        question.format(id="riktig", body="2 * x\n  _n = 3"),
        question.format(id="feil", body="2 * x if x < 3 else 0\n  _n = 3"),
    ]
    page.write_text(
        "---\njupytext:\n  text_representation:\n    format_name: myst\n---\n# Øving\n\n"
        + "".join(f"```{{code-cell}} ipython3\n%%kurskit\n{cell}```\n\n" for cell in cells),
        "utf-8",
    )
    problems = check_code_solutions(load_notebook(page, "ovning.md"))
    assert [problem.field for problem in problems] == ["question feil"]
    assert "hidden tests: a hidden test failed: fem" in problems[0].message
