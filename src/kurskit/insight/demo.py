"""A synthetic staff population for the reports: a demo survey course and its answers, marked."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml
from sqlalchemy import Connection, delete, insert, select

from kurskit.atomic import write_text_atomically
from kurskit.course.digcomp import area_of
from kurskit.course.loading import find_course_folders, load_course
from kurskit.course.model import COURSE_FILE
from kurskit.course.questions import Likert, Poll
from kurskit.insight.demo_attempts import (
    TAKERS,
    WEBINAR_SHARE,
    Taker,
    attempt_rows,
    quick_poll_rows,
)
from kurskit.insight.survey_data import synthetic_key
from kurskit.progress import ProgressCallback
from kurskit.store.records import ANSWER_COLUMNS, session_id
from kurskit.store.schema import answers, meta, periods
from kurskit.store.sql import SqlAnswerStore

#: The demo course is the bundled survey under this slug, with a made-up list of workplaces.
DEMO_SUFFIX = "-demo"
DEMO_PERIODS = ("2024-høst", "2025-høst", "2026-høst")
#: The published courses the demo staff take (a marked copy each): the bundled course the
#: course report is shown on. More would only make the demo slower to write.
ATTEMPTED = ("kildekritikk",)
#: The demo cohorts (cohort → pseudonyms), written beside the demo courses.
COHORTS_FILE = "cohorts.yml"
#: Counties of Norway (2024) and a few municipalities in each; libraries are made up.
PLACES: dict[str, list[str]] = {
    "Agder": ["Kristiansand", "Arendal", "Grimstad", "Lillesand", "Vennesla", "Farsund"],
    "Akershus": ["Bærum", "Asker", "Lillestrøm", "Nordre Follo", "Ullensaker", "Lørenskog"],
    "Buskerud": ["Drammen", "Kongsberg", "Ringerike", "Lier", "Modum", "Hol"],
    "Finnmark": ["Alta", "Hammerfest", "Sør-Varanger", "Vadsø", "Kautokeino", "Karasjok"],
    "Innlandet": ["Hamar", "Lillehammer", "Gjøvik", "Ringsaker", "Elverum", "Kongsvinger"],
    "Møre og Romsdal": ["Ålesund", "Molde", "Kristiansund", "Volda", "Ørsta", "Sunndal"],
    "Nordland": ["Bodø", "Narvik", "Rana", "Vefsn", "Vågan", "Brønnøy"],
    "Oslo": ["Oslo"],
    "Rogaland": ["Stavanger", "Sandnes", "Haugesund", "Karmøy", "Sola", "Time"],
    "Telemark": ["Skien", "Porsgrunn", "Notodden", "Bamble", "Kragerø", "Vinje"],
    "Troms": ["Tromsø", "Harstad", "Senja", "Målselv", "Balsfjord", "Nordreisa"],
    "Trøndelag": ["Trondheim", "Steinkjer", "Stjørdal", "Levanger", "Namsos", "Orkland"],
    "Vestfold": ["Tønsberg", "Sandefjord", "Larvik", "Horten", "Holmestrand", "Færder"],
    "Vestland": ["Bergen", "Voss", "Kinn", "Sunnfjord", "Stord", "Askøy"],
    "Østfold": ["Fredrikstad", "Sarpsborg", "Moss", "Halden", "Indre Østfold", "Råde"],
}
ROLES = (
    "Bibliotekar",
    "Biblioteksjef eller annen leder",
    "Formidler",
    "IT-veileder eller digital veileder",
    "Saksbehandler i kommunen",
    "Annet",
)
ROLE_WEIGHTS = (0.40, 0.08, 0.18, 0.06, 0.23, 0.05)


@dataclass(frozen=True)
class DemoPopulation:
    """What `write_demo` made."""

    course: Path  # the demo course folder
    slug: str
    people: int
    workplaces: int
    periods: tuple[str, ...]
    answers: int  # to the survey
    rising: tuple[str, ...]  # the workplaces planted to be high and rising
    attempts: int = 0  # answers to the published courses beside the survey
    cohorts: int = 0  # in the cohorts file beside the demo courses (one per county)


def write_demo(
    store: SqlAnswerStore,
    courses: Path,
    source: Path,
    *,
    people: int = 5000,
    workplaces: int = 300,
    seed: int = 2026,
    progress: ProgressCallback | None = None,
) -> DemoPopulation:
    """Write the demo survey course into `courses` and its synthetic answers into the store.

    The population: `people` staff in `workplaces` libraries across Norway's counties and six
    roles, rating the 21 competences in three autumn periods. Staff grow a little each period,
    six libraries much more (the positive outliers the report should find), and a sixth of the
    staff leave and are replaced between periods. Most of them also take the published courses
    beside the survey (`demo_attempts`), with retries and course feedback. The store is marked
    as holding synthetic data, and every report says so. Demo answers already in the store are
    replaced; no other answer is touched.
    """
    report = progress or (lambda done, total, what: None)
    source_course = load_course(source)
    if source_course.course is None or not source_course.ok:
        raise ValueError(f"{source} is not a valid course; run kurskit check")
    slug = source_course.course.slug + DEMO_SUFFIX
    rng = np.random.default_rng(seed)
    places = _workplaces(workplaces, rng)
    rising = {places[i][2] for i in rng.choice(len(places), 6, replace=False)}
    loaded = load_course(_demo_course(source, courses / slug, slug, places))
    assert loaded.course is not None and loaded.course.survey is not None, loaded.problems
    questions = loaded.questions()
    modules = {spec.id: file for file, spec in questions}
    likert = [(s.id, s.competence) for _, s in questions if isinstance(s, Likert) and s.competence]
    polls = {spec.id: spec for _, spec in questions if isinstance(spec, Poll)}
    background: dict[str, tuple[str, dict[str, str]]] = {
        str(name): (question, {o.text: o.id for o in polls[question].option_list})
        for name, question in loaded.course.survey.background.items()
    }
    batches = _batches(slug, modules, likert, background, places, rising, people, rng)
    count = _replace_in_store(store, slug, batches, people, len(places), seed, report)
    mark = _mark(seed, people, len(places))
    region = background["region"][0]
    attempts, cohorts = _write_attempts(
        store, slug, region, source.parent, courses, mark, rng, report
    )
    return DemoPopulation(
        loaded.folder,
        slug,
        people,
        len(places),
        DEMO_PERIODS,
        count,
        tuple(sorted(rising)),
        attempts,
        len(cohorts),
    )


def _write_attempts(
    store: SqlAnswerStore,
    slug: str,
    region_question: str,
    courses: Path,
    out: Path,
    mark: str,
    rng: np.random.Generator,
    report: ProgressCallback,
) -> tuple[int, dict[str, list[str]]]:
    """Attempts at a marked demo copy (in `out`) of each course in ATTEMPTED,
    by a share of the demo staff, with their course feedback; the real courses' answers are
    never touched. Each county is a cohort that starts with a webinar. Returns the answers
    written and the cohorts (name → pseudonyms), which are also written to `cohorts.yml`."""
    regions = _regions(store, slug, region_question, out)
    learners = sorted(regions)
    cohorts: dict[str, list[str]] = {}
    for learner in learners:
        cohorts.setdefault(regions[learner], []).append(learner)
    write_text_atomically(
        out / COHORTS_FILE, yaml.safe_dump(cohorts, allow_unicode=True, sort_keys=True)
    )
    count = 0
    for folder in find_course_folders(courses):
        source = load_course(folder)
        course = source.course
        if course is None or course.slug not in ATTEMPTED:
            continue
        demo_slug = course.slug + DEMO_SUFFIX
        _marked_copy(folder, out / demo_slug, demo_slug)
        loaded = load_course(out / demo_slug)
        chosen = rng.choice(len(learners), int(TAKERS * len(learners)), replace=False)
        first_module = course.modules[0].file
        # Each cohort's start webinar, a week apart; half its takers join it.
        webinar = {
            name: dt.datetime(2024, 9, 2, 10, tzinfo=dt.UTC) + dt.timedelta(weeks=7 * number)
            for number, name in enumerate(sorted(cohorts))
        }
        takers = []
        for i in sorted(chosen):
            cohort = regions[learners[i]]
            live = rng.random() < WEBINAR_SHARE
            start = webinar[cohort] + (
                dt.timedelta() if live else dt.timedelta(days=float(rng.uniform(0, 120)))
            )
            session = session_id(first_module, start.date()) if live else None
            takers.append(Taker(learners[i], float(rng.normal(0, 1)), start, cohort, session))
        report(0, 1, f"writing attempts at {demo_slug}")
        with store.engine.begin() as connection:
            connection.execute(delete(answers).where(answers.c.course == demo_slug))
            _mark_synthetic(connection, demo_slug, mark)
            rows = list(attempt_rows(loaded, takers, rng))
            asked, polled = quick_poll_rows(demo_slug, first_module, takers, rng)
            rows.extend(polled)
            for chunk in range(0, len(rows), 50_000):
                connection.execute(insert(answers), rows[chunk : chunk + 50_000])
        for spec in asked.values():
            store.keep_question(course=demo_slug, module=first_module, spec=spec)
        count += len(rows)
    return count, cohorts


def _regions(store: SqlAnswerStore, slug: str, question: str, courses: Path) -> dict[str, str]:
    """Each demo learner's cohort: the county they last gave in the survey, as a cohort name."""
    loaded = load_course(courses / slug)
    spec = next(s for _, s in loaded.questions() if s.id == question)
    assert isinstance(spec, Poll)
    names = {o.id: cohort_name(o.text) for o in spec.option_list}
    with store.engine.connect() as connection:
        rows = connection.execute(
            select(answers.c.learner, answers.c.response)
            .where(answers.c.course == slug, answers.c.question_id == question)
            .order_by(answers.c.attempt)
        )
        return {learner: names[json.loads(response)] for learner, response in rows}


def cohort_name(text: str) -> str:
    """A place name as a hub cohort name (lower-case ASCII letters, digits and `-`)."""
    folded = text.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    ascii_only = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_only).strip("-")


def _workplaces(count: int, rng: np.random.Generator) -> list[tuple[str, str, str]]:
    """(region, municipality, workplace): each municipality's main library, then branches."""
    municipalities = [(region, m) for region, names in PLACES.items() for m in names]
    found = [(region, m, f"{m} bibliotek") for region, m in municipalities][:count]
    branch = 1
    while len(found) < count:
        region, m = municipalities[int(rng.integers(len(municipalities)))]
        found.append((region, m, f"{m} bibliotek, filial {branch}"))
        branch += 1
    return found


def _marked_copy(source: Path, folder: Path, slug: str) -> dict[str, Any]:
    """A copy of a course under a demo slug and a title that says so; its course data."""
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(source, folder)
    data: dict[str, Any] = yaml.safe_load((folder / COURSE_FILE).read_text("utf-8"))
    data["slug"] = slug
    data["title"] = f"DEMO (syntetiske data): {data['title']}"
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    (folder / COURSE_FILE).write_text(text, "utf-8")
    return data


def _demo_course(source: Path, folder: Path, slug: str, places: list[tuple[str, str, str]]) -> Path:
    """The bundled survey, renamed and marked, with the demo population's places as options."""
    data = _marked_copy(source, folder, slug)
    background = data["survey"]["background"]
    options = {
        background["region"]: sorted({p[0] for p in places}),
        background["municipality"]: sorted({p[1] for p in places}),
        background["workplace"]: [p[2] for p in places],
    }
    for module in data["modules"]:
        path = folder / module["file"]
        text = path.read_text("utf-8")
        for question, labels in options.items():
            if f"id: {question}\n" in text:
                text = _replace_options(text, question, labels)
        path.write_text(text, "utf-8")
    return folder


def _replace_options(text: str, question: str, labels: list[str]) -> str:
    """The module text with the options list of the poll `question` replaced."""
    start = text.index(f"id: {question}\n")
    begin = text.index("options:\n", start) + len("options:\n")
    end = text.index("```", begin)
    listed = "".join(f"  - {json.dumps(label, ensure_ascii=False)}\n" for label in labels)
    return text[:begin] + listed + text[end:]


@dataclass
class _Staff:
    """The staff of one period: pseudonym, workplace, role, ability per area, periods seen."""

    learner: list[str]
    place: npt.NDArray[np.int64]
    role: npt.NDArray[np.int64]
    ability: npt.NDArray[np.float64]
    seen: npt.NDArray[np.int64]

    @classmethod
    def draw(cls, people: int, sizes: npt.NDArray[np.float64], rng: np.random.Generator) -> _Staff:
        return cls(
            learner=["p-" + rng.bytes(8).hex() for _ in range(people)],
            place=rng.choice(len(sizes), people, p=sizes),
            role=rng.choice(len(ROLES), people, p=ROLE_WEIGHTS),
            ability=rng.normal(0, 0.9, (people, 1)) + rng.normal(0, 0.5, (people, 5)),
            seen=np.zeros(people, dtype=np.int64),
        )

    def turnover(self, sizes: npt.NDArray[np.float64], rng: np.random.Generator) -> _Staff:
        """A sixth leave; as many newcomers take their rows."""
        leaving = rng.random(len(self.learner)) < 1 / 6
        new = _Staff.draw(int(leaving.sum()), sizes, rng)
        learner = list(self.learner)
        for index, pseudonym in zip(np.flatnonzero(leaving), new.learner, strict=True):
            learner[index] = pseudonym
        place, role, ability = self.place.copy(), self.role.copy(), self.ability.copy()
        place[leaving], role[leaving], ability[leaving] = new.place, new.role, new.ability
        return _Staff(learner, place, role, ability, np.where(leaving, 0, self.seen))


def _batches(
    slug: str,
    modules: dict[str, str],
    likert: list[tuple[str, str]],
    background: dict[str, tuple[str, dict[str, str]]],
    places: list[tuple[str, str, str]],
    rising: set[str],
    people: int,
    rng: np.random.Generator,
) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(period, rows) per period: every person's ratings and background answers."""
    area = np.array([int(area_of(code)) - 1 for _, code in likert])
    place_effect = rng.normal(0, 0.35, len(places))
    growth = rng.normal(0.12, 0.08, len(places))
    for index, place in enumerate(places):
        if place[2] in rising:
            place_effect[index] += 0.6
            growth[index] = 0.9
    # Libraries differ in size: a main library has several times the staff of a branch, and
    # some branches have so few that their groups are hidden in the reports.
    sizes = rng.lognormal(0.0, 0.8, len(places)) * [1 if "filial" in p[2] else 2.5 for p in places]
    sizes = sizes / sizes.sum()
    staff = _Staff.draw(people, sizes, rng)
    start = dt.datetime(2024, 10, 1, 8, tzinfo=dt.UTC)
    fields = ("region", "municipality", "workplace")
    for number, period in enumerate(DEMO_PERIODS):
        if number:
            staff = staff.turnover(sizes, rng)
        opened = start.replace(year=start.year + number)
        levels = (
            3.5
            + staff.ability[:, area]
            + place_effect[staff.place][:, None]
            + (growth[staff.place] * staff.seen)[:, None]
            + rng.normal(0, 0.6, (people, len(likert)))
        )
        levels = np.clip(np.rint(levels), 1, 8).astype(int)
        minutes = rng.integers(0, 60 * 24 * 40, people)
        rows: list[tuple[Any, ...]] = []
        for person in range(people):
            learner = staff.learner[person]
            when = opened + dt.timedelta(minutes=int(minutes[person]))
            key = f"demo/{learner}/{period}/"
            attempt = int(staff.seen[person]) + 1  # one answer per period they were there
            for (question, _), level in zip(likert, levels[person].tolist(), strict=True):
                row = (slug, modules[question], question, learner, attempt, str(level))
                rows.append((*row, when, key + question, period))
            place = places[staff.place[person]]
            picked = {**dict(zip(fields, place, strict=True)), "role": ROLES[staff.role[person]]}
            for name, (question, ids) in background.items():
                option = json.dumps(ids[picked[name]])
                row = (slug, modules[question], question, learner, attempt, option)
                rows.append((*row, when, key + question, period))
        staff.seen = staff.seen + 1
        yield period, rows


#: What every demo answer has in common (a self-rating has no score and no right answer).
_FIXED = {"score": None, "max_score": 0.0, "correct": None, "status": "scored"}
#: The columns `_batches` fills, in the store's column order.
_COLUMNS = tuple(name for name in ANSWER_COLUMNS if name not in _FIXED)


def _mark(seed: int, people: int, places: int) -> str:
    return (
        f"Synthetic demo population made by kurskit insight demo-data (seed {seed}): "
        f"{people} staff in {places} libraries; no answer is a real person's."
    )


def _mark_synthetic(connection: Connection, slug: str, mark: str) -> None:
    """Mark one course's answers as synthetic (its reports then say so)."""
    key = synthetic_key(slug)
    connection.execute(delete(meta).where(meta.c.key == key))
    connection.execute(insert(meta).values(key=key, value=mark))


def _replace_in_store(
    store: SqlAnswerStore,
    slug: str,
    batches: Iterator[tuple[str, list[tuple[Any, ...]]]],
    people: int,
    places: int,
    seed: int,
    report: ProgressCallback,
) -> int:
    """Delete the demo course's answers and periods, then write the new ones, a period a time."""
    count = 0
    statement = insert(answers)
    with store.engine.begin() as connection:
        connection.execute(delete(answers).where(answers.c.course == slug))
        connection.execute(delete(periods).where(periods.c.course == slug))
        _mark_synthetic(connection, slug, _mark(seed, people, places))
    for number, (period, rows) in enumerate(batches):
        report(number, len(DEMO_PERIODS), f"writing {period}: {len(rows):,} answers")
        opened = min(row[_COLUMNS.index("timestamp")] for row in rows)
        with store.engine.begin() as connection:
            connection.execute(
                insert(periods).values(
                    course=slug,
                    name=period,
                    opened_at=opened,
                    closed_at=opened + dt.timedelta(days=42),
                )
            )
            for chunk in range(0, len(rows), 50_000):
                part = rows[chunk : chunk + 50_000]
                connection.execute(
                    statement, [{**dict(zip(_COLUMNS, row, strict=True)), **_FIXED} for row in part]
                )
        count += len(rows)
    report(len(DEMO_PERIODS), len(DEMO_PERIODS), f"{count:,} answers written")
    return count
