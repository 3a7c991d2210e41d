"""Problems found in course files, each naming the file, the line and the field."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

from pydantic import ValidationError

from kurskit.course.yamlsource import LocatedYaml, Path

Severity = Literal["error", "warning"]

#: Names pydantic puts in an error location for a union member, not a field of the data.
_TEXT_BRANCHES = frozenset({"str", "constrained-str"})
_UNION_MEMBERS = frozenset({"Option", "AcceptedAnswer"}) | _TEXT_BRANCHES


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a course.

    `line` counts from the top of the file, or from the top of cell number `cell` (1-based) in
    an .ipynb file, whose cells have no file lines an author can go to.
    """

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"
    cell: int | None = None

    def __str__(self) -> str:
        field = f" {self.field}:" if self.field else ""
        return (
            f"{location(self.file, self.line, self.cell)}: {self.severity}:{field} {self.message}"
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def location(file: str, line: int | None, cell: int | None = None) -> str:
    """Where something is, as a producer reads it: `a.md:12`, or `b.ipynb: cell 9, line 8`."""
    if cell is None:
        return f"{file}:{line}" if line else file
    return f"{file}: cell {cell}, line {line}" if line else f"{file}: cell {cell}"


def sorted_problems(problems: Iterable[Problem]) -> list[Problem]:
    """Problems in reading order: by file, then cell, then line (those without a line first)."""
    return sorted(problems, key=lambda p: (p.file, p.cell or 0, p.line or 0))


def field_name(path: Sequence[str | int]) -> str:
    """Render a key path as a producer reads it: modules[1].kind."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def problems_from_validation(
    error: ValidationError,
    *,
    file: str,
    source: LocatedYaml,
    field_prefix: str = "",
    strip_first: bool = False,
    cell: int | None = None,
) -> list[Problem]:
    """Turn a pydantic error into plain-language problems located in the YAML source.

    `strip_first` drops the leading location part pydantic adds for a tagged union (the question
    type); `field_prefix` names what was validated, e.g. "question q1"; `cell` is the .ipynb
    cell the source came from.
    """
    found: list[tuple[Path, bool, bool, Problem]] = []
    for detail in error.errors():
        location = list(detail["loc"])
        if strip_first and location:
            location = location[1:]
        clean = _data_path(location, source.data)
        name = field_name(clean)
        if field_prefix:
            name = f"{field_prefix}.{name}" if name else field_prefix
        problem = Problem(
            file=file,
            line=source.line_of(clean),
            field=name,
            message=_plain_message(detail, clean),
            cell=cell,
        )
        via_text = bool(_TEXT_BRANCHES & set(map(str, location)))
        found.append((clean, via_text, _is_unquoted_text(detail), problem))
    # A value written as an object also fails the "plain text" branch of a text-or-object
    # field; that error only adds noise when the object branch explains what is wrong. A
    # number or yes/no value written where text belongs is the other way round: the text
    # branch says what to do (quote it), the object branch only confuses.
    explained = [path for path, via_text, unquoted, _ in found if unquoted or not via_text]
    unquoted_at = {path for path, _, unquoted, _ in found if unquoted}
    kept: dict[Path, Problem] = {}
    for path, via_text, unquoted, problem in found:
        if path in unquoted_at and not unquoted:
            continue
        if via_text and not unquoted and any(other[: len(path)] == path for other in explained):
            continue
        kept.setdefault(path, problem)  # one problem per field: the first union branch's
    return list(kept.values())


def _data_path(location: list[Any], data: Any) -> Path:
    """The error location without the union-branch names pydantic puts in it.

    A part is kept while it walks the data (a key of a mapping, even a missing one, or an
    index of a list); a part below a plain value, or a model name, is a branch name.
    """
    kept: list[str | int] = []
    for part in location:
        if part in _UNION_MEMBERS:
            continue
        if isinstance(data, dict):
            kept.append(part)
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int):
            kept.append(part)
            data = data[part] if 0 <= part < len(data) else None
    return tuple(kept)


def _plain_message(detail: Any, path: Path) -> str:
    kind = detail["type"]
    message = str(detail["msg"])
    if kind == "missing":
        return "this required field is missing"
    if kind == "extra_forbidden":
        return f"unknown field '{path[-1]}' (check the spelling)" if path else "unknown field"
    if kind in {"model_type", "model_attributes_type", "dict_type"}:
        return "expected a set of 'field: value' lines here"
    if kind == "list_type":
        return "expected a list here (lines starting with '- ')"
    if kind == "union_tag_invalid":
        return f"unknown question type; {message.split('expected tags', 1)[-1].strip(' :')}"
    if kind == "union_tag_not_found":
        return "the question needs a 'type' (single_choice, multiple_choice, true_false, …)"
    if kind == "string_type":
        return _expected_text(detail["input"], path)
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if message.startswith("Input should be "):
        message = "must be " + message.removeprefix("Input should be ")
    return message


def _is_unquoted_text(detail: Any) -> bool:
    """True for text that YAML read as a number or a yes/no value because it has no quotes."""
    return detail["type"] == "string_type" and isinstance(detail["input"], int | float)


def _expected_text(value: Any, path: Path) -> str:
    """What a text field got instead, and how to write it as text."""
    if isinstance(value, bool):
        return (
            f"expected text, got the yes/no value {json.dumps(value)} (YAML reads unquoted yes, "
            "no, on, off, true and false so); put the text in quotes"
        )
    if isinstance(value, int | float):
        key = f"{path[-1]}: " if path and isinstance(path[-1], str) else ""
        return f'expected text, got the number {value}; quote it: {key}"{value}"'
    if value is None:
        return "expected text, got nothing"
    if isinstance(value, list):
        return "expected text, got a list"
    if isinstance(value, dict):
        return "expected text, got a set of 'field: value' lines"
    return f"expected text, got {value!r}"
