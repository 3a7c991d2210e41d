"""The key-free course.yml put beside notebooks a learner gets, so widgets find their course."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import yaml

from kurskit.course.model import COURSE_FILE, Course, Module


def write_context_file(folder: Path, course: Course, modules: Mapping[str, Module]) -> Path:
    """Write `folder/course.yml` naming only the course and `modules` (learner's notebook file
    → its module); returns its path.

    Released assessments and the learner edition carry it: the widgets in a learner's copy
    then find their course, module and language as they do in the course folder
    (`kurskit.widgets.context`), so answers are stored where grading and reports look. It holds
    slug, title, language and the modules' files, titles and kinds: no key, no owner.
    """
    context = {
        "slug": course.slug,
        "title": course.title,
        "language": course.language,
        "modules": [
            {"file": file, "title": module.title, "kind": module.kind.value}
            for file, module in modules.items()
        ],
    }
    path = folder / COURSE_FILE
    path.write_text(yaml.safe_dump(context, allow_unicode=True, sort_keys=False), "utf-8")
    return path
