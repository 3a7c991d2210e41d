"""Cohorts and instructors as JupyterHub groups, and the one rule of who reads whose answers.

A cohort is a group `cohort-<name>` (a library, a region, a class); the instructors of a course
are the group `instructors-<course slug>`. An instructor of a course reads the answers, in that
course, of the learners who share a cohort with them; a hub admin reads everyone's.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Set

COHORT_PREFIX = "cohort-"
INSTRUCTORS_PREFIX = "instructors-"
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]{0,62}")


def cohort_group(name: str) -> str:
    """The hub group of a cohort; names are lower-case letters, digits, `.`, `_` and `-`."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a cohort name: use lower-case letters, digits, '.', '_' and '-'"
        )
    return COHORT_PREFIX + name


def instructor_group(course: str) -> str:
    """The hub group of a course's instructors."""
    return INSTRUCTORS_PREFIX + course


def teaches(groups: Set[str], course: str) -> bool:
    """Whether a user in `groups` is an instructor of `course`."""
    return instructor_group(course) in groups


def readable_learners(
    user: str,
    groups: Set[str],
    course: str,
    members: Mapping[str, Set[str]],
    *,
    admin: bool = False,
) -> dict[str, str]:
    """learner → cohort, for the learners whose answers in `course` `user` may read.

    `members` maps each cohort group to its members. Nobody reads their fellow instructors:
    an instructor's own answers are theirs, and the instructor group's members are skipped.
    """
    if not (admin or teaches(groups, course)):
        return {}
    instructors = members.get(instructor_group(course), set())
    readable: dict[str, str] = {}
    for group, names in sorted(members.items()):
        if not group.startswith(COHORT_PREFIX) or not (admin or group in groups):
            continue
        for name in sorted(names):
            if name != user and name not in instructors:
                readable.setdefault(name, group.removeprefix(COHORT_PREFIX))
    return readable
