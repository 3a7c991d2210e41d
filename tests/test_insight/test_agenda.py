"""`kurskit agenda`: a course's sessions with who has done their pre- and post-tasks."""

from __future__ import annotations

import datetime as dt
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kurskit import api
from kurskit.cli import app
from kurskit.course.scoring import Result
from kurskit.store.agenda import Agenda, SessionAgenda
from kurskit.store.records import AnswerStore
from kurskit.store.sink import LocalSink
from kurskit.store.sql import open_store
from tests.factories import COURSE_YML, LESSON_MD, MD_HEADER, CourseFactory

runner = CliRunner()
NOW = dt.datetime(2026, 11, 22, 12, 0)

MODULES_AND_SESSIONS = """\
modules:
  - file: lesson.md
    title: Leksjon
    kind: lesson
  - file: practice.md
    title: Øving
    kind: practice
  - file: reading.md
    title: Lesestoff
    kind: lesson
  - file: test.ipynb
    title: Prøve
    kind: assessment
sessions:
  - title: Selvstudium
    kind: self-study
    post_tasks: [test.ipynb]
  - title: Forberedelse
    kind: webinar
    date: 2026-11-01T18:00
    link: https://example.org/meet
  - title: Verksted
    kind: in-person
    date: 2026-11-23
    place: Biblioteket
    pre_tasks: [lesson.md, practice.md, reading.md]
    post_tasks: [test.ipynb]
  - title: Avslutning
    kind: webinar
    date: 2026-12-01T10:00
    link: https://example.org/meet
  - title: Oppstart
    kind: webinar
    date: 2026-11-10T10:00
    link: https://example.org/meet
    pre_tasks: [lesson.md]
    post_tasks: [practice.md]
  - title: I dag
    kind: in-person
    date: 2026-11-22
    place: Biblioteket
"""
AGENDA_YML = COURSE_YML.split("modules:")[0] + MODULES_AND_SESSIONS
PRACTICE_MD = (
    LESSON_MD.replace("q-single", "q-p1")
    + "\n```{code-cell} ipython3\n%%kurskit\nid: q-p2\ntype: true_false\n"
    + "prompt: Er det sant?\nanswer: true\n```\n"
)
FILES = {"practice.md": PRACTICE_MD, "reading.md": MD_HEADER + "\nLes dette.\n"}


@pytest.fixture
def course(make_course: CourseFactory) -> Path:
    """The course `demo` with six sessions, a two-question practice and a module to read."""
    return make_course(course_yml=AGENDA_YML, files=FILES)


@pytest.fixture
def store_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh SQLite store, also the one the command uses."""
    url = f"sqlite:///{tmp_path / 'answers.sqlite'}"
    monkeypatch.setenv("KURSKIT_STORE_URL", url)
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[AnswerStore]:
    """The store with the answers of kari (lesson and practice done), ola (the lesson, and
    one practice question plus an invalid answer) and per (nothing)."""
    opened = open_store(store_url)
    answer(opened, "kari", {"lesson.md": ["q-single"], "practice.ipynb": ["q-p1", "q-p2"]})
    answer(opened, "kari", {"lesson.md": ["q-single"]}, course="other")
    answer(opened, "ola", {"lesson.md": ["q-single"], "practice.md": ["q-p1"]})
    answer(opened, "ola", {"practice.md": ["q-p2"]}, status="invalid")
    try:
        yield opened
    finally:
        opened.close()


def answer(
    store: AnswerStore,
    user: str,
    questions: dict[str, list[str]],
    *,
    course: str = "demo",
    status: str = "scored",
) -> None:
    """Store a learner's answers (module → question ids) as the widget does."""
    sink = LocalSink(store, user=user)
    for module, ids in questions.items():
        for question in ids:
            valid = status != "invalid"
            result = Result(
                1.0 if valid else 0.0, 1.0, valid, status="scored" if valid else "invalid"
            )
            sink.submit(
                course=course,
                module=module,
                question_id=question,
                response="b",
                result=result,
                idempotency_key=f"{course}-{user}-{module}-{question}-{status}",
            )


def session(agenda: Agenda, title: str) -> SessionAgenda:
    [found] = [s for s in agenda.sessions if s.title == title]
    return found


def marks(found: SessionAgenda) -> dict[str, dict[str, bool | None]]:
    return {row.name: row.done for row in found.participants}


def test_who_has_done_each_task(course: Path, store: AnswerStore, store_url: str) -> None:
    agenda = api.agenda(course, learners=["kari", "ola", "per"], now=NOW, url=store_url)
    workshop = session(agenda, "Verksted")
    assert [(t.file, t.when, t.tracked) for t in workshop.tasks] == [
        ("lesson.md", "pre", True),
        ("practice.md", "pre", True),
        ("reading.md", "pre", False),  # no questions: no answer can show it
        ("test.ipynb", "post", True),
    ]
    assert marks(workshop) == {
        "kari": {"lesson.md": True, "practice.md": True, "reading.md": None, "test.ipynb": False},
        # one practice question answered, the other only with an invalid answer: not complete
        "ola": {"lesson.md": True, "practice.md": False, "reading.md": None, "test.ipynb": False},
        "per": {"lesson.md": False, "practice.md": False, "reading.md": None, "test.ipynb": False},
    }
    assert [row.prepared for row in workshop.participants] == [True, False, False]
    assert (workshop.prepared, workshop.followed_up) == (1, 0)
    start = session(agenda, "Oppstart")
    assert (start.prepared, start.followed_up) == (2, 1)
    assert session(agenda, "I dag").prepared is None  # no tasks, nothing to count
    assert not agenda.pseudonymous and agenda.cohort is None


def test_sessions_upcoming_soonest_first_then_past_latest_first_then_undated(
    course: Path, store_url: str
) -> None:
    agenda = api.agenda(course, now=NOW, url=store_url)
    assert [(s.title, s.timing) for s in agenda.sessions] == [
        ("I dag", "upcoming"),  # a session on a day lasts all that day
        ("Verksted", "upcoming"),
        ("Avslutning", "upcoming"),
        ("Oppstart", "past"),
        ("Forberedelse", "past"),
        ("Selvstudium", "undated"),
    ]
    dates = [s.date for s in agenda.sessions[:3]]
    assert dates == ["2026-11-22", "2026-11-23", "2026-12-01T10:00:00"]
    assert session(agenda, "Verksted").place == "Biblioteket"


def test_without_names_every_learner_with_answers_by_pseudonym(
    course: Path, store: AnswerStore, store_url: str
) -> None:
    agenda = api.agenda(course, now=NOW, url=store_url)
    pseudonyms = sorted([store.pseudonym("kari"), store.pseudonym("ola")])
    assert agenda.pseudonymous
    for found in agenda.sessions:
        assert [row.name for row in found.participants] == pseudonyms
    assert session(agenda, "Verksted").prepared == 1


def test_explicit_learners_filter_and_may_be_pseudonyms(
    course: Path, store: AnswerStore, store_url: str
) -> None:
    ola = store.pseudonym("ola")
    agenda = api.agenda(course, learners=[ola, "per", "per"], now=NOW, url=store_url)
    workshop = session(agenda, "Verksted")
    assert [(row.name, row.learner) for row in workshop.participants] == [
        (ola, ola),
        ("per", store.pseudonym("per")),
    ]
    assert marks(workshop)[ola]["lesson.md"] is True


def test_cohort_members_come_from_the_provider_without_instructors(
    course: Path, store: AnswerStore, store_url: str
) -> None:
    groups = {
        "cohort-oslo": ["ola", "kari", "lærer"],
        "cohort-bergen": ["per"],
        "instructors-demo": ["lærer"],
    }
    agenda = api.agenda(course, cohort="oslo", cohorts=lambda: groups, now=NOW, url=store_url)
    assert agenda.cohort == "oslo" and not agenda.pseudonymous
    workshop = session(agenda, "Verksted")
    assert [row.name for row in workshop.participants] == ["kari", "ola"]
    assert workshop.prepared == 1
    with pytest.raises(ValueError, match="no cohort 'tromso'; its cohorts: bergen, oslo"):
        api.agenda(course, cohort="tromso", cohorts=lambda: groups, url=store_url)
    with pytest.raises(ValueError, match="not both"):
        api.agenda(course, cohort="oslo", learners=["ola"], cohorts=lambda: groups)


def test_cli_prints_a_table_per_session(course: Path, store: AnswerStore) -> None:
    result = runner.invoke(app, ["agenda", str(course), "--learners", "kari, ola,per"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "Participants: the learners given." in text
    assert "Verksted" in text and "Biblioteket" in text and "before: Leksjon" in text
    assert "1 of 3 did all pre-tasks; 0 of 3 did all post-tasks" in text
    assert "✓" in text and "·" in text and "– the module has no questions" in text
    pseudonyms = runner.invoke(app, ["agenda", str(course)])
    assert "by pseudonym" in pseudonyms.output and store.pseudonym("ola") in pseudonyms.output


def test_cli_json(course: Path, store: AnswerStore) -> None:
    result = runner.invoke(app, ["agenda", str(course), "--learners", "kari,ola", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["course"] == "demo" and data["pseudonymous"] is False
    [workshop] = [s for s in data["sessions"] if s["title"] == "Verksted"]
    assert workshop["prepared"] == 1 and workshop["kind"] == "in-person"
    assert workshop["participants"][1]["done"]["practice.md"] is False
    assert workshop["tasks"][2] == {
        "file": "reading.md",
        "title": "Lesestoff",
        "when": "pre",
        "tracked": False,
    }


def test_cli_errors(course: Path, make_course: CourseFactory, tmp_path: Path) -> None:
    missing = runner.invoke(app, ["agenda", str(tmp_path / "nope")])
    assert missing.exit_code == 1 and "no such course folder" in missing.output
    both = runner.invoke(app, ["agenda", str(course), "--cohort", "oslo", "--learners", "a"])
    assert both.exit_code == 2
    with socket.socket() as free:  # nothing listens there once closed
        free.bind(("127.0.0.1", 0))
        hub_api_port = free.getsockname()[1]
    down = runner.invoke(
        app,
        [
            *("agenda", str(course), "--cohort", "oslo"),
            *("--port", str(hub_api_port - 1), "--state-dir", str(tmp_path / "hub")),
        ],
    )
    assert down.exit_code == 1 and "the hub is not reachable" in down.output


def test_a_task_naming_no_module_is_a_course_error(make_course: CourseFactory) -> None:
    broken = make_course(
        course_yml=AGENDA_YML.replace("[lesson.md, practice.md", "[lesson.md, missing.md"),
        files=FILES,
    )
    checked = runner.invoke(app, ["check", str(broken)])
    assert (
        checked.exit_code == 1 and "'missing.md' is not one of the module files" in checked.output
    )
    result = runner.invoke(app, ["agenda", str(broken)])
    assert result.exit_code == 1
    assert "the course has errors" in result.output and "missing.md" in result.output
