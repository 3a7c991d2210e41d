"""What a self-assessment says to one learner: their levels, the change, and courses to take."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kurskit.course.digcomp import BAND_LEVELS, area_of
from kurskit.course.loading import find_course_folders, load_course
from kurskit.course.model import COURSE_FILE, Status
from kurskit.course.questions import Likert

#: How many of a learner's lowest-rated competences the recommendations look at.
LOWEST = 3
#: How many courses are recommended at most.
RECOMMENDED = 3


@dataclass(frozen=True)
class CatalogueEntry:
    """A course as a catalogue lists it: enough to recommend it."""

    slug: str
    title: str
    language: str
    level: str
    status: str
    competences: tuple[str, ...]
    rated: dict[str, str] = field(default_factory=dict)  # self-assessment question → competence

    @property
    def level_range(self) -> tuple[int, int]:
        """The DigComp proficiency levels the course is written for."""
        return BAND_LEVELS.get(self.level, (1, 8))


def read_entry(folder: Path) -> CatalogueEntry | None:
    """The catalogue entry of a course folder: a course source (validated), or a learner
    edition's key-free course.yml; None when the folder holds neither."""
    path = folder / COURSE_FILE
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, yaml.YAMLError):
        return None
    if not isinstance(data, dict) or "slug" not in data:
        return None
    if "owners" in data:  # a course source: read it as `kurskit check` does
        loaded = load_course(folder)
        if loaded.course is None:
            return None
        course = loaded.course
        rated = {
            spec.id: spec.competence
            for _, spec in loaded.questions()
            if isinstance(spec, Likert) and spec.competence
        }
        return CatalogueEntry(
            course.slug,
            course.title,
            course.language,
            course.level.value,
            course.status.value,
            tuple(course.competences),
            rated,
        )
    rated_data = data.get("rated") if isinstance(data.get("rated"), dict) else None
    return CatalogueEntry(
        slug=str(data["slug"]),
        title=str(data.get("title", data["slug"])),
        language=str(data.get("language", "nb")),
        level=str(data.get("level", "")),
        status=str(data.get("status", Status.draft.value)),
        competences=tuple(str(code) for code in data.get("competences") or ()),
        rated={str(k): str(v) for k, v in rated_data.items()}
        if isinstance(rated_data, dict)
        else {},
    )


def read_catalogue(root: Path) -> list[CatalogueEntry]:
    """Every course under `root` (sources or a learner edition), in folder order."""
    entries = (read_entry(folder) for folder in find_course_folders(root))
    return [entry for entry in entries if entry is not None]


@dataclass(frozen=True)
class Rating:
    """One self-rating: the latest answer of one question in one period."""

    competence: str
    level: int
    period: str | None  # None: stored while no collection period was open
    timestamp: dt.datetime


@dataclass(frozen=True)
class Recommendation:
    """A course that covers some of the learner's lowest-rated competences."""

    slug: str
    title: str
    level: str
    covers: tuple[str, ...]


@dataclass(frozen=True)
class Profile:
    """A learner's self-assessment now and in the period before, with courses to take."""

    levels: dict[str, int]  # competence → level in the latest period
    previous: dict[str, int]  # competence → level in the period before (empty: none)
    period: str | None
    previous_period: str | None
    recommendations: list[Recommendation]

    def areas(self, levels: dict[str, int] | None = None) -> dict[str, float]:
        """Area → the mean of the levels in it (the latest period unless `levels` is given)."""
        chosen = self.levels if levels is None else levels
        grouped: dict[str, list[int]] = {}
        for code, level in chosen.items():
            grouped.setdefault(area_of(code), []).append(level)
        return {area: sum(v) / len(v) for area, v in sorted(grouped.items())}

    def change(self) -> dict[str, int]:
        """Competence → level now minus level in the period before (where both exist)."""
        return {c: lvl - self.previous[c] for c, lvl in self.levels.items() if c in self.previous}


def build_profile(
    ratings: Iterable[Rating], catalogue: Iterable[CatalogueEntry], own_slug: str
) -> Profile:
    """The profile from a learner's ratings (any order) and the courses on offer."""
    periods: dict[str | None, list[Rating]] = {}
    given = list(ratings)
    if any(r.period is not None for r in given):  # as the reports: periods, when there are
        given = [r for r in given if r.period is not None]
    for rating in sorted(given, key=lambda r: r.timestamp):
        periods.setdefault(rating.period, []).append(rating)
    order = sorted(periods, key=lambda p: periods[p][0].timestamp)  # when each began
    latest = _levels(periods[order[-1]]) if order else {}
    previous = _levels(periods[order[-2]]) if len(order) > 1 else {}
    return Profile(
        levels=latest,
        previous=previous,
        period=order[-1] if order else None,
        previous_period=order[-2] if len(order) > 1 else None,
        recommendations=recommend(latest, catalogue, own_slug),
    )


def _levels(ratings: list[Rating]) -> dict[str, int]:
    return {rating.competence: rating.level for rating in ratings}  # oldest first: latest wins


def recommend(
    levels: dict[str, int], catalogue: Iterable[CatalogueEntry], own_slug: str
) -> list[Recommendation]:
    """Published courses covering the learner's lowest-rated competences: those covering the
    lowest first, then those whose level is nearest the next level up."""
    lowest = sorted(levels, key=lambda code: (levels[code], code))[:LOWEST]
    ranked = []
    for entry in catalogue:
        if entry.slug == own_slug or entry.status != Status.published.value:
            continue
        covers = tuple(code for code in lowest if code in entry.competences)
        if not covers:
            continue
        low, high = entry.level_range
        step = min(levels[c] for c in covers) + 1  # the level to reach next
        distance = 0 if low <= step <= high else min(abs(low - step), abs(high - step))
        ranked.append(
            (min(levels[c] for c in covers), distance, -len(covers), entry.slug, entry, covers)
        )
    ranked.sort(key=lambda item: item[:4])
    return [
        Recommendation(entry.slug, entry.title, entry.level, covers)
        for *_, entry, covers in ranked[:RECOMMENDED]
    ]
