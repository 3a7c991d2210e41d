"""What a book build hands back: the built site, or why the courses could not be built."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BookBuild:
    """What a build produced, and how long each step took (seconds)."""

    html_dir: Path
    project_dir: Path
    courses: list[str]
    timings: dict[str, float] = field(default_factory=dict)
    log: str = ""


class BookSourceError(ValueError):
    """The courses have errors; the book is not built from broken sources."""

    def __init__(self, problems: Sequence[object]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        #: The problems (`kurskit.course.problems.Problem`, or their text when a running
        #: `kurskit book serve` built the book).
        self.problems = list(problems)
