"""The hidden tests of an assignment, as `kurskit grade generate` kept them in the course root
(an nbgrader course kurskit did not make has none: its hidden regions run as nbgrader's)."""

from __future__ import annotations

import json
from pathlib import Path

from kurskit.course.hidden_execution import HiddenCheck
from kurskit.course.hidden_tests import HiddenTests
from kurskit.grading.generate import HIDDEN_TESTS_FILE


def hidden_checks(course_root: Path, assignment: str) -> dict[str, HiddenCheck]:
    """Test cell grade id → hidden tests of one assignment; none when the file is absent."""
    path = course_root / HIDDEN_TESTS_FILE
    if not path.is_file():
        return {}
    document = json.loads(path.read_text("utf-8"))
    tests = document.get("assignments", {}).get(assignment, {})
    return {
        grade_id: HiddenCheck(HiddenTests.parse(part["source"]), float(part["timeout"]))
        for grade_id, part in tests.items()
    }
