"""Test cells check types as well as values: a learner's always-equal object fails them."""

from __future__ import annotations

import math
import textwrap
from collections import OrderedDict
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kurskit.course.typed_asserts import IMPORT_LINE, typed_asserts
from kurskit.testing import equal


class AlwaysEqual:
    """What a hostile learner returns: equal to everything, and hashable."""

    def __eq__(self, other: object) -> bool:
        return True

    def __ne__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return 0


class LiarMeta(type):
    """A metaclass whose classes claim to be every other class."""

    def __eq__(cls, other: object) -> bool:
        return True

    def __hash__(cls) -> int:
        return 0


class Liar(metaclass=LiarMeta):
    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


class FakeInt(int):
    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return 0


class PretendsToBeList(AlwaysEqual):
    @property  # type: ignore[misc]
    def __class__(self) -> type:  # isinstance(x, list) is True for this object
        return list


class Raises:
    def __eq__(self, other: object) -> bool:
        raise RuntimeError("no")

    __hash__ = object.__hash__


class Point:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x

    __hash__ = object.__hash__


# --- equal -------------------------------------------------------------------------------


@pytest.mark.parametrize("expected", [6, "a", [1], {"a": 1}, 2.5, b"x", (1,), {1}, None, True])
def test_always_equal_equals_nothing(expected: object) -> None:
    assert not equal(AlwaysEqual(), expected)
    assert not equal(Liar(), expected)


def test_always_equal_nested_in_containers_fails() -> None:
    assert not equal([1, AlwaysEqual()], [1, 2])
    assert not equal((AlwaysEqual(),), ("a",))
    assert not equal({"a": AlwaysEqual()}, {"a": [1]})
    assert not equal({AlwaysEqual(): 1}, {"a": 1})
    assert not equal({AlwaysEqual()}, {"a"})
    assert not equal(frozenset({AlwaysEqual()}), frozenset({1}))


def test_subclasses_and_disguises_fail() -> None:
    assert not equal(FakeInt(5), 6)
    assert not equal(FakeInt(6), 6)
    assert not equal(PretendsToBeList(), [1])
    assert isinstance(PretendsToBeList(), list)  # what isinstance would have believed
    assert not equal(OrderedDict(a=1), {"a": 1})


def test_bool_matches_only_bool() -> None:
    assert equal(True, True)
    assert equal(False, False)
    assert not equal(True, 1)
    assert not equal(1, True)
    assert not equal(0, False)
    assert not equal(False, 0.0)
    assert not equal(True, False)
    assert not equal([True], [1])


def test_int_and_float_match_each_other() -> None:
    assert equal(2, 2.0)
    assert equal(2.0, 2)
    assert equal(6, 6)
    assert not equal(6, 7)
    assert not equal(0.1 + 0.2, 0.3)  # plain ==, no tolerance
    assert not equal(math.nan, math.nan)
    assert not equal("6", 6)
    assert not equal(6, "6")
    assert not equal(10**400, 1.0)


def test_text_and_bytes_must_match_exactly() -> None:
    assert equal("blåbær", "blåbær")
    assert not equal("a", "b")
    assert not equal(b"a", "a")
    assert not equal("a", b"a")
    assert equal(b"\x00", b"\x00")


def test_lists_and_tuples() -> None:
    assert equal([1, [2, "x"]], [1, [2, "x"]])
    assert equal((1, 2.0), (1.0, 2))
    assert not equal([1, 2], (1, 2))
    assert not equal((1, 2), [1, 2])
    assert not equal([1, 2], [1, 2, 3])
    assert not equal([1, 2, 3], [1, 2])
    assert not equal([[1]], [(1,)])
    assert equal([], [])


def test_dicts() -> None:
    assert equal({"a": [1, 2], "b": {"c": None}}, {"b": {"c": None}, "a": [1, 2]})
    assert not equal({"a": 1}, {"a": 2})
    assert not equal({"a": 1}, {"b": 1})
    assert not equal({"a": 1, "b": 2}, {"a": 1})
    assert not equal({"a": 1}, {"a": 1, "b": 2})
    assert equal({1: "x"}, {1.0: "x"})
    assert not equal({True: "x"}, {1: "x"})  # same dict key, not the same to `equal`
    assert not equal({1: "x"}, {True: "x"})
    assert equal({(1, "a"): 1}, {(1, "a"): 1})
    assert not equal({"a": True}, {"a": 1})


def test_dicts_with_keys_of_other_types() -> None:
    one, two = Point(1), Point(2)
    assert equal({Point(1): "a", Point(2): "b"}, {two: "b", one: "a"})
    assert not equal({Point(1): "a"}, {one: "b"})
    assert not equal({Point(3): "a"}, {one: "a"})
    assert not equal({AlwaysEqual(): "a"}, {one: "a"})
    assert not equal({Point(1): "a", "k": 1}, {one: "a", "j": 1})


def test_sets() -> None:
    assert equal({1, "a", (2, None)}, {"a", (2, None), 1})
    assert equal(frozenset({1}), frozenset({1.0}))
    assert not equal({1}, frozenset({1}))
    assert not equal(frozenset({1}), {1})
    assert not equal({True}, {1})
    assert not equal({1, 2}, {1})
    assert not equal({Point(1)}, {Point(1)})  # only builtin scalars are trusted in sets
    assert not equal({(1, AlwaysEqual())}, {(1, 2)})
    assert equal(set(), set())


def test_none_only_equals_none() -> None:
    assert equal(None, None)
    assert not equal(None, 0)
    assert not equal(0, None)
    assert not equal(None, [])
    assert not equal("", None)


def test_other_types_need_the_same_exact_type() -> None:
    assert equal(Point(1), Point(1))
    assert not equal(Point(1), Point(2))
    assert not equal(AlwaysEqual(), Point(1))
    assert equal(Decimal("1.5"), Decimal("1.5"))
    assert not equal(Decimal("1.5"), 1.5)
    assert not equal(1.5, Decimal("1.5"))
    assert equal(Fraction(1, 2), Fraction(2, 4))
    assert equal(1 + 2j, 1 + 2j)
    assert not equal(range(3), [0, 1, 2])


def test_equal_never_raises() -> None:
    assert not equal(Raises(), Raises())
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    assert not equal(deep, deep)
    loop: list[Any] = []
    loop.append(loop)
    assert not equal(loop, loop)


def test_testing_module_exports_equal() -> None:
    import kurskit.testing

    assert kurskit.testing.__all__ == ["equal"]


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=20,
)


@given(json_like)
def test_json_like_values_equal_themselves_and_not_a_liar(value: object) -> None:
    assert equal(value, value)
    assert not equal(AlwaysEqual(), value)
    assert not equal([AlwaysEqual()], [value])


# --- typed_asserts -----------------------------------------------------------------------


def rewrite(source: str) -> str:
    return typed_asserts(textwrap.dedent(source))


def test_simple_assert_is_rewritten_with_the_import_on_top() -> None:
    assert typed_asserts("assert area(2, 3) == 6\n") == (
        f"{IMPORT_LINE}\nassert equal(area(2, 3), 6)\n"
    )


def test_message_formatting_and_comments_are_kept() -> None:
    source = textwrap.dedent(
        """\
        # Tests for words()

        x = [1,   2]  # odd spacing stays
        assert words("a b") == ["a", "b"], "split on spaces"  # comment
        assert  f(x)==x , 'msg'
        """
    )
    assert typed_asserts(source) == IMPORT_LINE + "\n" + textwrap.dedent(
        """\
        # Tests for words()

        x = [1,   2]  # odd spacing stays
        assert equal(words("a b"), ["a", "b"]), "split on spaces"  # comment
        assert  equal(f(x),x) , 'msg'
        """
    )


def test_nested_asserts_are_rewritten() -> None:
    source = textwrap.dedent(
        """\
        def check(n):
            for i in range(n):
                if i % 2:
                    assert double(i) == 2 * i, f"double({i})"
                else:
                    while False:
                        assert g() == 1
            with open("x") as handle:
                try:
                    assert handle.read() == ""
                except OSError:
                    pass
        """
    )
    expected = (
        source.replace("assert double(i) == 2 * i", "assert equal(double(i), 2 * i)")
        .replace("assert g() == 1", "assert equal(g(), 1)")
        .replace('assert handle.read() == ""', 'assert equal(handle.read(), "")')
    )
    assert typed_asserts(source) == f"{IMPORT_LINE}\n{expected}"


def test_non_ascii_text_before_the_comparison() -> None:
    source = 'navn = "Ærlig Åse på Øya"; assert hils("blåbær") == "Hei, blåbær!"  # ø\n'
    assert typed_asserts(source) == (
        f"{IMPORT_LINE}\n"
        'navn = "Ærlig Åse på Øya"; assert equal(hils("blåbær"), "Hei, blåbær!")  # ø\n'
    )


def test_non_ascii_text_spanning_lines() -> None:
    source = 'assert svar("æ") == [\n    "ø",  # første\n    "å",\n]\nassert ord_("ÅÄÖ") == 3\n'
    assert typed_asserts(source) == (
        f"{IMPORT_LINE}\n"
        'assert equal(svar("æ"), [\n    "ø",  # første\n    "å",\n])\n'
        'assert equal(ord_("ÅÄÖ"), 3)\n'
    )


def test_a_literal_on_the_left_becomes_the_expected_side() -> None:
    assert rewrite("assert 6 == area(2, 3)\n").endswith("assert equal(area(2, 3), 6)\n")
    assert rewrite("assert ['a', -1, {'k': (None,)}] == f()\n").endswith(
        "assert equal(f(), ['a', -1, {'k': (None,)}])\n"
    )
    assert rewrite("assert 1 == 2\n").endswith("assert equal(1, 2)\n")  # both literals: kept
    assert rewrite("assert [x] == f()\n").endswith("assert equal([x], f())\n")  # not a literal


def test_a_swapped_operand_with_a_comment_stays_valid() -> None:
    result = rewrite("assert [\n    1,\n] == f(  # call\n    2)  # end\n")
    assert result.endswith("assert equal(f(  # call\n    2), [\n    1,\n])  # end\n")
    compile(result, "<cell>", "exec")


def test_parentheses_and_line_continuations() -> None:
    cases = {
        "assert (f(x) == 3), 'm'\n": "assert (equal(f(x), 3)), 'm'\n",
        "assert (a) == (b)\n": "assert equal((a), (b))\n",
        "assert f(x) ==\\\n    3\n": "assert equal(f(x),\\\n    3)\n",
        "assert (\n    f(x)  # value\n    == 3\n)\n": (
            "assert (\n    equal(f(x)  # value\n    , 3)\n)\n"
        ),
        "def g():\n    assert (yield) == 3\n": "def g():\n    assert equal((yield), 3)\n",
        "assert (y := f()) == 3\n": "assert equal((y := f()), 3)\n",
    }
    for source, expected in cases.items():
        result = typed_asserts(source)
        assert result == f"{IMPORT_LINE}\n{expected}", source
        compile(result, "<cell>", "exec")


def test_other_comparisons_stay_unchanged() -> None:
    source = textwrap.dedent(
        """\
        assert a == b == c
        assert a != b
        assert a < b
        assert a in b
        assert a is None
        assert not a == b
        x = f() == 3
        """
    )
    assert typed_asserts(source) == source


def test_unparsable_cells_stay_unchanged() -> None:
    for source in ["assert f( == 3\n", "%timeit f()\nassert f() == 3\n", "assert a == b\x00"]:
        assert typed_asserts(source) == source


def test_rewriting_is_idempotent() -> None:
    source = textwrap.dedent(
        """\
        from __future__ import annotations

        assert 6 == area(2, 3)
        def t():
            assert f("å") == "ø", "msg"
        """
    )
    once = typed_asserts(source)
    assert once != source
    assert typed_asserts(once) == once
    assert once.count(IMPORT_LINE) == 1


def test_the_import_goes_after_future_imports() -> None:
    source = '"""Tests."""\nfrom __future__ import (\n    annotations,\n)\n\nassert f() == 1\n'
    assert typed_asserts(source) == (
        '"""Tests."""\nfrom __future__ import (\n    annotations,\n)\n'
        f"{IMPORT_LINE}\n\nassert equal(f(), 1)\n"
    )
    same_line = "from __future__ import annotations; assert f() == 1"
    result = typed_asserts(same_line)
    assert result == (f"from __future__ import annotations; {IMPORT_LINE}\nassert equal(f(), 1)")
    compile(result, "<cell>", "exec")


def test_windows_line_endings_are_kept() -> None:
    source = "assert f() == 1\r\nassert g() == 'ø'\r\n"
    assert typed_asserts(source) == (
        f"{IMPORT_LINE}\r\nassert equal(f(), 1)\r\nassert equal(g(), 'ø')\r\n"
    )


def test_an_existing_import_is_not_repeated() -> None:
    source = f"{IMPORT_LINE}\nassert f() == 2\n"
    assert typed_asserts(source) == f"{IMPORT_LINE}\nassert equal(f(), 2)\n"


def test_cells_without_equality_asserts_are_unchanged() -> None:
    for source in ["", "x = 1\n", "assert f()\n", "print(1 == 1)\n"]:
        assert typed_asserts(source) == source


# --- end to end --------------------------------------------------------------------------

LEARNER_CHEATS = textwrap.dedent(
    """\
    class AlwaysEqual:
        def __eq__(self, other):
            return True

        def __hash__(self):
            return 0

    def area(w, h):
        return AlwaysEqual()

    def words(text):
        return AlwaysEqual()
    """
)

LEARNER_CORRECT = textwrap.dedent(
    """\
    def area(w, h):
        return w * h

    def words(text):
        return text.split(" ")
    """
)

TEST_CELL = textwrap.dedent(
    """\
    assert area(2, 3) == 6
    assert ["a", "b"] == words("a b"), "split on spaces"
    """
)


def run(learner: str, test_cell: str) -> None:
    namespace: dict[str, object] = {}
    exec(learner, namespace)
    exec(test_cell, namespace)


def test_plain_asserts_are_fooled_by_an_always_equal_object() -> None:
    run(LEARNER_CHEATS, TEST_CELL)  # why the rewrite exists


def test_rewritten_asserts_catch_the_cheat() -> None:
    with pytest.raises(AssertionError):
        run(LEARNER_CHEATS, typed_asserts(TEST_CELL))


def test_rewritten_asserts_pass_a_correct_answer() -> None:
    run(LEARNER_CORRECT, typed_asserts(TEST_CELL))


def test_rewritten_assert_keeps_its_message() -> None:
    learner = LEARNER_CORRECT.replace('text.split(" ")', "tuple(text.split())")
    with pytest.raises(AssertionError, match="split on spaces"):
        run(learner, typed_asserts(TEST_CELL))
