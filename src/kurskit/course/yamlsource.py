"""YAML parsing that remembers the line of every value, so errors can name file, line and field;
and YAML writing that people can read (multi-line strings as blocks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

Path = tuple[str | int, ...]


class YamlSyntaxError(ValueError):
    """The text is not valid YAML; `line` is 1-based."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class LocatedYaml:
    """Parsed YAML data and the 1-based line where each key path starts."""

    data: Any
    lines: dict[Path, int] = field(default_factory=dict)

    def line_of(self, path: Path) -> int | None:
        """The line of the longest prefix of `path` that has one (a missing field's parent)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(tuple(path[:end]))
            if line is not None:
                return line
        return None


# libyaml's parser when PyYAML was built with it: several times faster, same marks.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loader that leaves dates as text: the model parses them and explains bad ones."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_plain(text: str) -> Any:
    """Parse one YAML document safely, fast (libyaml when there), dates left as text."""
    return yaml.load(text, Loader=_Loader)


class _ReadableDumper(yaml.SafeDumper):
    """Multi-line strings (code, long texts) as `|` blocks instead of one escaped line."""


def _string(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ReadableDumper.add_representer(str, _string)


def dump_readable(data: Any) -> str:
    """YAML of plain data in the given key order, with multi-line strings as blocks."""
    return yaml.dump(data, Dumper=_ReadableDumper, sort_keys=False, allow_unicode=True, width=100)


def load_located(text: str, first_line: int = 1) -> LocatedYaml:
    """Parse one YAML document; `first_line` is the file line the text starts on."""
    offset = first_line - 1
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 + offset if mark else None
        problem = error.problem or str(error)
        raise YamlSyntaxError(f"not valid YAML: {problem}", line) from None
    if node is None:
        return LocatedYaml(data=None, lines={(): first_line})
    lines: dict[Path, int] = {}
    _walk(node, (), lines, offset)
    data = yaml.load(text, Loader=_Loader)
    return LocatedYaml(data=data, lines=lines)


def _walk(node: yaml.Node, path: Path, lines: dict[Path, int], offset: int) -> None:
    lines.setdefault(path, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value
            lines[(*path, key)] = key_node.start_mark.line + 1 + offset
            _walk(value_node, (*path, key), lines, offset)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, (*path, index), lines, offset)
