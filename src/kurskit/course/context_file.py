"""The key-free course.yml put beside notebooks a learner gets, so widgets find their course."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from kurskit.course.model import COURSE_FILE, Course, Module


def write_context_file(
    folder: Path,
    course: Course,
    modules: Mapping[str, Module],
    rated: Mapping[str, str] | None = None,
) -> Path:
    """Write `folder/course.yml` naming only the course and `modules` (learner's notebook file
    → its module); returns its path.

    Released assessments and the learner edition carry it: the widgets in a learner's copy
    then find their course, module and language as they do in the course folder
    (`kurskit.widgets.context`), so answers are stored where grading and reports look. It holds
    slug, title, language, level, status, competences and the modules' files, titles and kinds,
    and `rated` (self-assessment question → competence) for the learner's profile: no key, no
    owner.
    """
    context: dict[str, Any] = {
        "slug": course.slug,
        "title": course.title,
        "language": course.language,
        "level": course.level.value,
        "status": course.status.value,
        "competences": list(course.competences),
        "modules": [
            {"file": file, "title": module.title, "kind": module.kind.value}
            for file, module in modules.items()
        ],
    }
    if rated:
        context["rated"] = dict(rated)
    path = folder / COURSE_FILE
    path.write_text(yaml.safe_dump(context, allow_unicode=True, sort_keys=False), "utf-8")
    return path
