"""Autograding refuses an assignment whose learner version is missing, before any grade in the
gradebook changes (it would otherwise score every learner 0 and clear manual-grading flags)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from kurskit.grading.autograde import AutogradeOptions, autograde
from tests.test_grading.submissions import code_points, released_course, submit

pytestmark = pytest.mark.slow


def test_autograde_refuses_an_assignment_without_its_learner_version(tmp_path: Path) -> None:
    root = released_course(tmp_path)
    submit(root, "ada")
    autograde(root, "prov", AutogradeOptions(jobs=1))
    assert code_points(root, "ada") == 1.0
    shutil.rmtree(root / "release" / "prov")
    with pytest.raises(ValueError, match=r"prov has no learner version: .*release/prov is missing"):
        autograde(root, "prov", AutogradeOptions(jobs=1))
    assert code_points(root, "ada") == 1.0
