"""Test-cell rewriting: ``assert A == B`` becomes ``assert equal(A, B)``, which checks types too."""

from __future__ import annotations

import ast
import re

IMPORT_LINE = "from kurskit.testing import equal  # compares type and value"


def typed_asserts(source: str) -> str:
    """Rewrite every ``assert A == B`` in a cell so a faked ``__eq__`` cannot pass it.

    Only the compared expression changes; everything else is kept byte for byte. A literal
    on the left is moved to the right, the ``expected`` side. Chained and other comparisons
    stay as they are. A cell that does not parse is returned unchanged. Idempotent.
    """
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):  # ValueError: a null byte, on Python 3.11
        return source
    data = source.encode("utf-8")
    starts = _line_starts(data)
    edits: list[tuple[int, int, bytes]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and _is_simple_equality(node.test):
            assert isinstance(node.test, ast.Compare)
            edits.append(_rewrite(node.test, data, starts))
    if not edits:
        return source
    if not any(_imports_equal(node) for node in tree.body):
        at = _import_offset(tree, starts)
        newline = b"\r\n" if data.split(b"\n", 1)[0].endswith(b"\r") else b"\n"
        line = IMPORT_LINE.encode() + newline
        if at == len(data) and data and not data.endswith((b"\n", b"\r")):
            line = newline + line
        edits.append((at, at, line))
    for begin, end, text in sorted(edits, reverse=True):
        data = data[:begin] + text + data[end:]
    return data.decode("utf-8")


def _rewrite(compare: ast.Compare, data: bytes, starts: list[int]) -> tuple[int, int, bytes]:
    """The edit turning ``A == B`` into ``equal(A, B)``: byte span and new text."""
    begin, end = _start(compare, starts), _end(compare, starts)
    left_end = _end(compare.left, starts)
    operator = _find_operator(data, left_end, _start(compare.comparators[0], starts))
    left, right = data[begin:operator], data[operator + 2 : end]
    if _is_literal(compare.left) and not _is_literal(compare.comparators[0]):
        return begin, end, f"equal({_argument(right)}, {_argument(left)})".encode()
    if not data[left_end:operator].strip():
        left = data[begin:left_end]  # "f(x) == 3" → "f(x), 3"
    elif left.rstrip(b" \t").rsplit(b"\n", 1)[-1].strip():
        left = left.rstrip(b" \t")  # "(f(x)) == 3" → "(f(x)), 3"
    return begin, end, b"equal(" + left + b"," + right + b")"


def _line_starts(data: bytes) -> list[int]:
    """Byte offset of each line's start; ``bytes.splitlines`` breaks lines as Python does."""
    starts = [0]
    for line in data.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


def _start(node: ast.expr | ast.stmt, starts: list[int]) -> int:
    return starts[node.lineno - 1] + node.col_offset


def _end(node: ast.expr, starts: list[int]) -> int:
    assert node.end_lineno is not None and node.end_col_offset is not None
    return starts[node.end_lineno - 1] + node.end_col_offset


def _is_simple_equality(test: ast.expr) -> bool:
    return isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], ast.Eq)


def _find_operator(data: bytes, begin: int, end: int) -> int:
    """Offset of ``==`` between the operands: only parentheses, spaces and comments precede it."""
    index = begin
    while index < end:
        if data[index : index + 1] == b"#":
            newline = data.find(b"\n", index)
            index = end if newline < 0 else newline
        elif data[index : index + 2] == b"==":
            return index
        else:
            index += 1
    raise ValueError("no == between the operands of a comparison")  # the parser found one


def _argument(text: bytes) -> str:
    """An operand moved elsewhere in the call: trimmed, and ended by a newline after a comment."""
    trimmed = re.sub(r"[\s\\]+$", "", re.sub(r"^[\s\\]+", "", text.decode()))
    return trimmed + "\n" if "#" in trimmed.rsplit("\n", 1)[-1] else trimmed


def _is_literal(node: ast.expr) -> bool:
    """A constant or a display made only of constants: the ``expected`` side of a test."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        return isinstance(node.operand, ast.Constant)
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return all(_is_literal(item) for item in node.elts)
    if isinstance(node, ast.Dict):
        return all(key is not None and _is_literal(key) for key in node.keys) and all(
            _is_literal(value) for value in node.values
        )
    return False


def _import_offset(tree: ast.Module, starts: list[int]) -> int:
    """Where the import of ``equal`` goes: the top, or after any ``from __future__`` imports."""
    after = 0
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            after = node.end_lineno or node.lineno
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            continue  # a docstring may precede them
        elif node.lineno == after:
            return _start(node, starts)  # "from __future__ import annotations; x = 1"
        else:
            break
    return starts[after]


def _imports_equal(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == "kurskit.testing"
        and any(alias.name == "equal" and alias.asname is None for alias in node.names)
    )
