"""Type-checking equality for grading kernels: a learner's object cannot pass by faking ``==``."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

__all__ = ["equal"]

_NUMBERS = (int, float)
_TEXT = (str, bytes)
_SCALARS = (str, int, float, bool, bytes)


def equal(actual: object, expected: object) -> bool:
    """True when ``actual`` equals ``expected`` in value and in type, compared recursively.

    ``bool`` matches only ``bool``; ``int`` and ``float`` match each other; containers must
    be of the same exact type. ``actual.__eq__`` is never called unless ``actual`` has the
    exact type of ``expected``. Never raises: anything odd compares as ``False``.
    """
    try:
        return _equal(actual, expected)
    except Exception:  # RecursionError, MemoryError from huge inputs, hostile hooks
        return False


def _equal(actual: object, expected: object) -> bool:
    kind_a, kind_e = type(actual), type(expected)
    if kind_e is bool or kind_a is bool:
        return kind_a is kind_e and actual is expected
    if _is_one_of(kind_e, _NUMBERS):
        return _is_one_of(kind_a, _NUMBERS) and actual == expected
    if expected is None or actual is None:
        return actual is expected
    if kind_a is not kind_e:
        return False
    if _is_one_of(kind_e, _TEXT):
        return actual == expected
    if kind_e is list or kind_e is tuple:
        items_a, items_e = actual, expected
        assert isinstance(items_a, list | tuple) and isinstance(items_e, list | tuple)
        return len(items_a) == len(items_e) and all(
            _equal(a, e) for a, e in zip(items_a, items_e, strict=True)
        )
    if kind_e is dict:
        assert isinstance(actual, dict) and isinstance(expected, dict)
        return _equal_dicts(actual, expected)
    if kind_e is set or kind_e is frozenset:
        assert isinstance(actual, set | frozenset) and isinstance(expected, set | frozenset)
        return _equal_sets(actual, expected)
    try:
        return bool(expected == actual)
    except Exception:
        return False


def _equal_dicts(actual: dict[object, object], expected: dict[object, object]) -> bool:
    if len(actual) != len(expected):
        return False
    if all(_is_scalar(key) for key in actual):
        # Keys of builtin types: lookups call no learner code. The stored key is fetched
        # too, since 1, 1.0 and True are the same dict key but not the same to `equal`.
        stored = {key: key for key in actual}
        for key, value in expected.items():
            if key not in stored or not _equal(stored[key], key):
                return False
            if not _equal(actual[stored[key]], value):
                return False
        return True
    unmatched = list(actual.items())
    for key, value in expected.items():
        for index, (key_a, value_a) in enumerate(unmatched):
            if _equal(key_a, key):
                if not _equal(value_a, value):
                    return False
                del unmatched[index]
                break
        else:
            return False
    return not unmatched


def _equal_sets(actual: AbstractSet[object], expected: AbstractSet[object]) -> bool:
    if not all(_is_scalar(item) for item in (*actual, *expected)):
        return False
    return {_tagged(item) for item in actual} == {_tagged(item) for item in expected}


def _is_scalar(value: object) -> bool:
    """A value of a builtin hashable type (a tuple of such too), whose ``==`` is trusted."""
    kind = type(value)
    if kind is tuple:
        assert isinstance(value, tuple)
        return all(_is_scalar(item) for item in value)
    return value is None or _is_one_of(kind, _SCALARS)


def _is_one_of(kind: type, kinds: tuple[type, ...]) -> bool:
    """Identity, not ``in``: ``in`` calls ``==``, which a learner's metaclass can fake."""
    return any(kind is candidate for candidate in kinds)


def _tagged(value: object) -> object:
    """A scalar with its kind attached, so sets keep ``True`` and ``1`` apart."""
    kind = type(value)
    if kind is tuple:
        assert isinstance(value, tuple)
        return ("tuple", tuple(_tagged(item) for item in value))
    if _is_one_of(kind, _NUMBERS):
        return ("number", value)
    return (kind.__name__, value)
