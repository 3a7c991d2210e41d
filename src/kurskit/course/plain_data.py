"""Plain data as JSON with its exact types kept: what crosses between a learner's kernel and
the trusted process that runs hidden tests, so that no learner object ever crosses.

Plain data is None, bool, int, float, str, bytes and lists, tuples, dicts, sets and frozensets
of plain data, each of exactly that type (a subclass is not plain: its methods are learner
code). JSON keeps None, bool, int, str and lists; everything else is tagged as
``{"~": kind, "v": ...}``. Decoding builds only builtin values, never calls learner code.
"""

from __future__ import annotations

import json
import math
from typing import Any

#: How deep plain data may nest, on both sides (deeper data is refused, not recursed into).
MAX_DEPTH = 60
TAG = "~"


class NotPlainDataError(ValueError):
    """A value that is not plain data, or data that does not decode to plain data."""


def encode(value: object, depth: int = 0) -> Any:
    """`value` as JSON-able data with its types tagged; NotPlainDataError if it is not plain."""
    if depth > MAX_DEPTH:
        raise NotPlainDataError(f"nested deeper than {MAX_DEPTH} levels")
    kind = type(value)
    if value is None or kind is bool or kind is int or kind is str:
        return value
    if kind is float:
        number = float(value)  # type: ignore[arg-type]
        return number if math.isfinite(number) else {TAG: "float", "v": repr(number)}
    if kind is list:
        return [encode(item, depth + 1) for item in value]  # type: ignore[attr-defined]
    if kind is tuple or kind is set or kind is frozenset:
        items = [encode(item, depth + 1) for item in value]  # type: ignore[attr-defined]
        return {TAG: kind.__name__, "v": items}
    if kind is dict:
        pairs = [
            [encode(key, depth + 1), encode(item, depth + 1)]
            for key, item in value.items()  # type: ignore[attr-defined]
        ]
        return {TAG: "dict", "v": pairs}
    if kind is bytes:
        return {TAG: "bytes", "v": value.hex()}  # type: ignore[attr-defined]
    raise NotPlainDataError(f"a value of type {kind.__module__}.{kind.__qualname__}")


def decode(data: Any, depth: int = 0) -> Any:
    """The plain value `data` encodes; NotPlainDataError for anything else."""
    if depth > MAX_DEPTH:
        raise NotPlainDataError(f"nested deeper than {MAX_DEPTH} levels")
    kind = type(data)
    if data is None or kind is bool or kind is int or kind is str or kind is float:
        return data
    if kind is list:
        return [decode(item, depth + 1) for item in data]
    if kind is not dict or set(data) != {TAG, "v"}:
        raise NotPlainDataError("not encoded plain data")
    tag, body = data[TAG], data["v"]
    if tag == "float" and body in ("inf", "-inf", "nan"):
        return float(body)
    if tag == "bytes" and type(body) is str:
        return bytes.fromhex(body)
    if type(body) is not list:
        raise NotPlainDataError(f"a {tag} that is not a list")
    if tag == "dict":
        pairs = [decode(pair, depth + 1) for pair in body]
        if not all(type(pair) is list and len(pair) == 2 for pair in pairs):
            raise NotPlainDataError("a dict entry that is not a pair")
        try:
            return dict(pairs)
        except TypeError:
            raise NotPlainDataError("a dict key that cannot be a key") from None
    items = [decode(item, depth + 1) for item in body]
    try:
        if tag == "tuple":
            return tuple(items)
        if tag == "set":
            return set(items)
        if tag == "frozenset":
            return frozenset(items)
    except TypeError:
        raise NotPlainDataError(f"a {tag} item that cannot be hashed") from None
    raise NotPlainDataError(f"an unknown kind {tag!r}")


def dumps(value: object) -> str:
    """`value` encoded as one JSON text."""
    return json.dumps(encode(value), ensure_ascii=False, allow_nan=False)


def loads(text: str) -> Any:
    """The plain value a JSON text from `dumps` holds; NotPlainDataError otherwise."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise NotPlainDataError(f"not JSON: {error}") from None
    return decode(data)
