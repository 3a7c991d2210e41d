"""Problems found in course files, each naming the file, the line and the field."""

from __future__ import annotations

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
    """One thing wrong (or worth a look) in a course."""

    file: str
    line: int | None
    field: str
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        return f"{where}: {self.severity}:{field} {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


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
) -> list[Problem]:
    """Turn a pydantic error into plain-language problems located in the YAML source.

    `strip_first` drops the leading location part pydantic adds for a tagged union (the question
    type); `field_prefix` names what was validated, e.g. "question q1".
    """
    found: list[tuple[Path, bool, Problem]] = []
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
        )
        found.append((clean, bool(_TEXT_BRANCHES & set(map(str, location))), problem))
    # A value written as an object also fails the "plain text" branch of a text-or-object
    # field; that error only adds noise when the object branch explains what is wrong.
    explained = [path for path, via_text, _ in found if not via_text]
    kept: dict[Path, Problem] = {}
    for path, via_text, problem in found:
        if via_text and any(other[: len(path)] == path for other in explained):
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
    if message.startswith("Value error, "):
        message = message.removeprefix("Value error, ")
    if message.startswith("Input should be "):
        message = "must be " + message.removeprefix("Input should be ")
    return message
