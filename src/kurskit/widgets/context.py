"""Which course, module and language a question belongs to, found from the kernel's folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from kurskit.course.cells import question_ids
from kurskit.course.model import COURSE_FILE

#: Language of notebooks outside any course (the widget gallery, scratch notebooks).
LOOSE_NOTEBOOK_LANGUAGE = "en"


@dataclass(frozen=True)
class QuestionContext:
    """Where a question lives: the course slug, the module file and the interface language."""

    course: str
    module: str
    language: str


def context_for(question_id: str, folder: Path | None = None) -> QuestionContext:
    """The context of a question in the notebook whose kernel runs in `folder` (default: cwd).

    Jupyter starts a notebook's kernel in the notebook's folder, so the course is the nearest
    folder upwards holding a course.yml, and the module is the notebook declaring the id.
    """
    start = (folder or Path.cwd()).resolve()
    for candidate in (start, *start.parents):
        course_file = candidate / COURSE_FILE
        if course_file.is_file():
            mtime = course_file.stat().st_mtime_ns
            modules, slug, language = _course_index(candidate, mtime)
            if question_id not in modules:  # a question added since the course was read
                _course_index.cache_clear()
                modules, slug, language = _course_index(candidate, mtime)
            return QuestionContext(slug, modules.get(question_id, ""), language)
    language = os.environ.get("KURSKIT_LANG", LOOSE_NOTEBOOK_LANGUAGE)
    return QuestionContext(start.name, "", language)


@lru_cache(maxsize=8)
def _course_index(folder: Path, mtime_ns: int) -> tuple[dict[str, str], str, str]:
    """(question id → module file, slug, language), read fast and without validating.

    mtime_ns is part of the cache key: an edited course.yml is read again. `kurskit check`
    is where course files are validated; here a broken file only loses the module name.
    """
    try:
        data = yaml.safe_load((folder / COURSE_FILE).read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        data = None
    data = data if isinstance(data, dict) else {}
    listed = data.get("modules")
    modules: dict[str, str] = {}
    for module in listed if isinstance(listed, list) else []:
        file = module.get("file") if isinstance(module, dict) else None
        if isinstance(file, str):
            for qid in _question_ids(folder / file):
                modules.setdefault(qid, file)
    slug = str(data.get("slug") or folder.name)
    language = str(data.get("language") or LOOSE_NOTEBOOK_LANGUAGE)
    return modules, slug, language


def _question_ids(path: Path) -> list[str]:
    """The ids a module declares; none when it is missing or broken (say, not valid JSON)."""
    try:
        return question_ids(path) if path.is_file() else []
    except (OSError, ValueError, LookupError, TypeError, AttributeError):
        # question_ids trusts the notebook's shape: a cell list that is not one, or a cell
        # without its keys, fails deep inside it.
        return []
