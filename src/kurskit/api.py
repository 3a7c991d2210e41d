"""The public functions every front end (CLI, notebooks, services) calls; keyword-only."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

from kurskit.course.limits import DEFAULT_CELL_TIMEOUT
from kurskit.languages import LANGUAGES
from kurskit.progress import ProgressCallback

# Heavy parts (nbformat, jupytext, nbclient, Jupyter Book) load when a function needs them:
# `kurskit --help` and `kurskit book build` should not pay for what they do not use.
if TYPE_CHECKING:
    from kurskit.book.result import BookBuild
    from kurskit.course.checking import CheckReport
    from kurskit.course.edition import EditionCourse
    from kurskit.course.loading import LoadedCourse
    from kurskit.grading.certificates import Certificate
    from kurskit.grading.generate import SourceAssignment
    from kurskit.grading.issuer import Issuer
    from kurskit.grading.nbgrader_course import NamedCourse
    from kurskit.grading.register import Entry as RegisterEntry
    from kurskit.grading.reports import SubmissionReport
    from kurskit.grading.results import LearnerResult
    from kurskit.grading.review import Flagged
    from kurskit.grading.steps import StepResult
    from kurskit.hub.settings import HubSettings
    from kurskit.hub.users import HubClient
    from kurskit.hub.webinar import WebinarLinks
    from kurskit.insight.demo import DemoPopulation
    from kurskit.store.agenda import Agenda
    from kurskit.store.periods import Period
    from kurskit.store.records import ForgetReport
    from kurskit.store.settings import StoreSettings
    from kurskit.store.sql import SqlAnswerStore

__all__ = [
    "DEFAULT_BOOK_DIR",
    "DEFAULT_COURSES_DIR",
    "DEFAULT_EDITION_DIR",
    "DEFAULT_GRADING_DIR",
    "agenda",
    "autograde",
    "build_book",
    "check",
    "close_period",
    "collection_periods",
    "course_results",
    "create_issuer_keys",
    "demo_data",
    "export_answers",
    "export_grades",
    "forget_learner",
    "gaps_report",
    "generate_assignments",
    "grading_step",
    "hub_client",
    "hub_settings",
    "issue_certificates",
    "k8s_values",
    "learner_edition",
    "new_course",
    "open_period",
    "release_feedback",
    "review_flagged",
    "revoke_certificate",
    "schema",
    "serve_book",
    "serve_hub",
    "set_hub_password",
    "store_settings",
    "survey_report",
    "verify_certificate",
    "webinar_links",
]

DEFAULT_COURSES_DIR = Path("courses")
DEFAULT_BOOK_DIR = Path("book")
DEFAULT_GRADING_DIR = Path("grading")
DEFAULT_EDITION_DIR = Path("learner-edition")


def check(
    paths: Sequence[Path] = (),
    *,
    execute: bool = False,
    cell_timeout: int = DEFAULT_CELL_TIMEOUT,
    today: dt.date | None = None,
    strict: bool = False,
    on_progress: ProgressCallback | None = None,
) -> CheckReport:
    """Validate courses and notebooks; with `execute`, also run every notebook in a fresh kernel.

    Each path may be a course folder, a folder of course folders (the default: `courses/`), a
    `course.yml`, a folder of loose notebooks (like the widget gallery), or a notebook file.
    Every problem found is reported, sorted by file, (cell,) and line. Authored text is also
    checked for what a machine can of WCAG 2.1 AA (alt text, link text, heading order, table
    headers, captions, text in another language); `strict` makes every warning an error.
    """
    from kurskit.course.checking import check_paths

    return check_paths(
        paths or [DEFAULT_COURSES_DIR],
        execute=execute,
        cell_timeout=cell_timeout,
        today=today,
        strict=strict,
        on_progress=on_progress,
    )


def new_course(
    slug: str,
    *,
    language: str = "nb",
    root: Path = DEFAULT_COURSES_DIR,
    title: str | None = None,
    today: dt.date | None = None,
) -> Path:
    """Scaffold a course folder that passes `check` as created; returns its path.

    Raises ValueError for a bad slug or language, FileExistsError if the folder exists.
    """
    from kurskit.course.scaffold import scaffold_course

    if language not in LANGUAGES:
        raise ValueError(f"unknown language '{language}'; use one of {', '.join(LANGUAGES)}")
    return scaffold_course(
        slug, language=language, root=Path(root), title=title, today=today or dt.date.today()
    )


def learner_edition(
    *, courses: Sequence[Path] = (), out: Path = DEFAULT_EDITION_DIR
) -> list[EditionCourse]:
    """Write every module of each course as a learner gets it, as .ipynb, into `out/<slug>/`.

    This is what learners open (on the hub, on Binder, from the book's links): practice
    questions keep their key for instant feedback, graded questions only their learner view
    (no key), code exercises their starter code without solution or hidden tests, and each
    question's spec sits in its cell's metadata, out of sight. Each course folder gets a
    key-free course.yml and the images beside the notebooks. Each of `courses` is a course
    folder, written whatever its status, or a folder of course folders, whose published
    courses are written (the default: `courses/`). The same courses give the same bytes.
    Files written before are replaced, other files in `out` are left alone. Raises ValueError
    listing the problems when a course has errors, or when `out/<slug>` is its own source.
    """
    from kurskit.course.edition import select_edition_courses, write_learner_edition

    chosen = select_edition_courses([Path(p) for p in courses] or [DEFAULT_COURSES_DIR])
    return [write_learner_edition(loaded, Path(out)) for loaded in chosen]


def schema(*, format: Literal["json", "markdown"] = "json") -> str:
    """The JSON Schema of course files (with every question type), or its Markdown reference."""
    from kurskit.course.schema import course_schema, schema_markdown

    if format == "markdown":
        return schema_markdown()
    document: dict[str, Any] = course_schema()
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


# --- the answer store -------------------------------------------------------------------------


def store_settings(*, url: str | None = None) -> StoreSettings:
    """The resolved store settings: URL (and where it came from), site URL for xAPI ids.

    `url` overrides the environment and config files, as every store function's `url` does.
    """
    from kurskit.store.settings import load_settings

    settings = load_settings()
    if url:
        settings = settings.model_copy(update={"url": url, "url_source": "argument"})
    return settings


def export_answers(
    *,
    out: TextIO,
    format: Literal["csv", "jsonl", "xapi"] = "csv",
    course: str | None = None,
    courses_dir: Path | None = None,
    site_url: str | None = None,
    languages: dict[str, str] | None = None,
    url: str | None = None,
) -> int:
    """Write stored answers to `out` as CSV, JSON Lines or xAPI statements; returns the count.

    With `courses_dir` (a course folder or a folder of them) the xAPI export also says which
    modules each learner completed, which lessons they opened, and whether they passed the
    course, and names courses, modules and questions in the course language. `languages`
    maps course slugs to language tags for courses not in `courses_dir`.
    """
    from kurskit.store.export import export_answers as write_export
    from kurskit.store.progress import read_courses
    from kurskit.store.sql import open_store

    settings = store_settings(url=url)
    courses = read_courses(Path(courses_dir)) if courses_dir is not None else None
    store = open_store(settings.url)
    try:
        return write_export(
            store,
            out,
            format=format,
            course=course,
            site_url=site_url or settings.site_url,
            courses=courses,
            languages=languages,
        )
    finally:
        store.close()


def forget_learner(learner: str, *, url: str | None = None) -> ForgetReport:
    """Delete everything the store keeps about a learner (a user name or a pseudonym)."""
    from kurskit.store.sql import open_store

    store = open_store(store_settings(url=url).url)
    try:
        return store.forget(learner)
    finally:
        store.close()


def release_feedback(course: str, module: str, *, url: str | None = None) -> None:
    """Let learners see scores and correctness of a graded module (`module`: its file name)."""
    from kurskit.store.sql import open_store

    store = open_store(store_settings(url=url).url)
    try:
        store.release_feedback(course=course, module=module)
    finally:
        store.close()


def build_book(
    *,
    courses_dir: Path = DEFAULT_COURSES_DIR,
    book_dir: Path = DEFAULT_BOOK_DIR,
    out_dir: Path | None = None,
    drafts: bool = False,
    on_progress: ProgressCallback | None = None,
) -> BookBuild:
    """Build the static Jupyter Book of the published courses (all of them with `drafts`).

    Site settings come from `book_dir/book.yml`; the site is written to
    `book_dir/_build/html` and copied to `out_dir` when given. While `serve_book` runs for
    the same book, it builds instead (warm, and without two processes writing one folder).
    Raises `kurskit.book.BookSourceError` when a course has errors, `BookBuildError` when
    Jupyter Book fails, and `VendorError` when the browser libraries cannot be installed.
    """
    from kurskit.book.handoff import request_build

    refresh_catalog_ratings(courses_dir=Path(courses_dir), book_dir=Path(book_dir))
    arguments: dict[str, Any] = {
        "courses_dir": Path(courses_dir),
        "book_dir": Path(book_dir),
        "out_dir": Path(out_dir) if out_dir else None,
        "drafts": drafts,
        "on_progress": on_progress,
    }
    handed_over = request_build(**arguments)  # a running `kurskit book serve` builds warm
    if handed_over is not None:
        return handed_over
    from kurskit.book import build_book as build

    return build(**arguments)


def _opts_in_to_rating(folder: Path) -> bool:
    """Whether the course.yml in `folder` says `catalog_rating: true` (an unreadable one is
    reported by the build, not here)."""
    import yaml

    from kurskit.course.model import COURSE_FILE
    from kurskit.course.yamlsource import load_plain

    try:
        data = load_plain((folder / COURSE_FILE).read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return False
    return isinstance(data, dict) and data.get("catalog_rating") is True


def refresh_catalog_ratings(
    *,
    courses_dir: Path = DEFAULT_COURSES_DIR,
    book_dir: Path = DEFAULT_BOOK_DIR,
    url: str | None = None,
) -> dict[str, Any]:
    """Write the feedback ratings of the courses that show one on their catalog card
    (`catalog_rating: true` in course.yml; at least five learners) into the book folder, from
    the answer store. Courses that do not opt in, or have too few ratings, get none. Returns
    the ratings written (nothing is written, and no store opened, when no course opts in)."""
    from kurskit.book.ratings import RATINGS_FILE, ShownRating, write_ratings
    from kurskit.course.loading import find_course_folders, load_course

    # Only a course whose course.yml opts in is loaded (a course bank may have hundreds).
    folders = [f for f in find_course_folders(Path(courses_dir)) if _opts_in_to_rating(f)]
    opted = [
        loaded
        for loaded in (load_course(folder) for folder in folders)
        if loaded.course is not None and loaded.course.catalog_rating
    ]
    if not opted:
        (Path(book_dir) / RATINGS_FILE).unlink(missing_ok=True)
        return {}
    from kurskit.insight.ratings import catalog_rating

    store = _sql_store(url)
    try:
        found = {
            loaded.course.slug: rating  # type: ignore[union-attr]
            for loaded in opted
            if (rating := catalog_rating(store, loaded)) is not None
        }
    finally:
        store.close()
    shown = {slug: ShownRating(r.mean, r.learners, r.scale) for slug, r in found.items()}
    write_ratings(Path(book_dir), shown)
    return dict(shown)


def serve_book(
    *,
    courses_dir: Path = DEFAULT_COURSES_DIR,
    book_dir: Path = DEFAULT_BOOK_DIR,
    host: str = "127.0.0.1",
    port: int = 8000,
    watch: bool = False,
    on_progress: ProgressCallback | None = None,
    on_event: Callable[[str], None] | None = None,
) -> None:
    """Build the book and serve it until interrupted; with `watch`, rebuild whenever a course
    file changes.

    Rebuilds reuse one warm builder, so an edit costs a fraction of a full build, and while
    it serves, `build_book` for the same book hands its build over to it. A failed rebuild is
    reported through `on_event` and the last good site stays online.
    """
    from kurskit.book.serving import serve_book as serve

    refresh_catalog_ratings(courses_dir=Path(courses_dir), book_dir=Path(book_dir))
    serve(
        courses_dir=Path(courses_dir),
        book_dir=Path(book_dir),
        host=host,
        port=port,
        watch=watch,
        on_progress=on_progress,
        on_event=on_event,
    )


def _graded_course(course: str | Path, grading_dir: Path) -> NamedCourse:
    """The course a grading function names, however it is named (see `generate_assignments`)."""
    from kurskit.grading.nbgrader_course import find_course

    return find_course(course, grading_dir=Path(grading_dir), courses_dir=DEFAULT_COURSES_DIR)


def generate_assignments(
    course: str | Path, *, grading_dir: Path = DEFAULT_GRADING_DIR
) -> list[SourceAssignment]:
    """Turn a course's assessment modules into nbgrader assignments, ready to release.

    `course`, here and in every grading function, is the course's folder (`courses/<slug>`),
    its slug (its folder is then `courses/<slug>`, its root `grading_dir/<slug>`), or its
    nbgrader course root. The root is `grading_dir/<slug>`, with its nbgrader_config.py;
    nobody edits nbgrader metadata by hand. nbgrader's own `generate_assignment` then writes
    the learners' version. Raises ValueError listing the problems when the course has errors
    or is not found, NbgraderError when nbgrader fails.
    """
    from kurskit.grading.generate import generate_assignments as generate
    from kurskit.grading.steps import run_step

    named = _graded_course(course, grading_dir)
    assignments = generate(named.course(), named.root)
    for assignment in assignments:  # nbgrader's own step: the student version in release/
        run_step("generate", named.root, assignment.name)
    return assignments


def grading_step(
    step: str,
    course: str | Path,
    assignment: str | None = None,
    *,
    grading_dir: Path = DEFAULT_GRADING_DIR,
    on_progress: ProgressCallback | None = None,
) -> StepResult:
    """Run nbgrader's own step (release, collect, feedback) for a course.

    `course` is named as for `generate_assignments`; the course root must have been written
    by it (or be any nbgrader course root). Raises ValueError for a missing root or
    assignment name, and `kurskit.grading.steps.NbgraderError` with nbgrader's log when
    nbgrader fails.
    """
    from kurskit.grading.steps import run_step

    root = _graded_course(course, grading_dir).root
    result = run_step(step, root, assignment, on_progress)
    if step == "feedback":  # hand grading is done: its scores go to the store too
        from kurskit.grading.writeback import write_back
        from kurskit.store.sql import open_store

        store = open_store()
        try:
            write_back(root, store, assignment)
        finally:
            store.close()
    return result


def autograde(
    course: str | Path,
    assignment: str,
    *,
    grading_dir: Path = DEFAULT_GRADING_DIR,
    jobs: int | None = None,
    students: tuple[str, ...] = (),
    only_new: bool = False,
    time_limit: float | None = None,
    memory_mb: int | None = None,
    store_url: str | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[SubmissionReport]:
    """Autograde an assignment's submissions in parallel, each in its own sandboxed kernel.

    `course` is named as for `generate_assignments`; any nbgrader course root will do (code
    and hand-graded cells are scored as nbgrader scores them). `students` limits grading to
    those learners; `only_new` skips submissions already graded and not submitted again.
    Widget questions (in courses kurskit generated) are scored from the answer store at
    `store_url` (or the configured one). Every chosen submission gets a report: graded, or
    flagged with its reasons. Raises ValueError for a missing course root or assignment, or
    an assignment whose learner version (release/) is missing.
    """
    from kurskit.grading.autograde import AutogradeOptions
    from kurskit.grading.autograde import autograde as run
    from kurskit.grading.execution import RunLimits
    from kurskit.grading.widget_scores import widget_scorer
    from kurskit.grading.writeback import write_back
    from kurskit.sandbox import Limits
    from kurskit.store.sql import open_store

    root = _graded_course(course, grading_dir).root
    defaults = AutogradeOptions()
    options = AutogradeOptions(
        jobs=jobs or defaults.jobs,
        students=students,
        only_new=only_new,
        limits=Limits(memory_bytes=memory_mb << 20) if memory_mb else Limits(),
        run=RunLimits(wall_seconds=time_limit) if time_limit else RunLimits(),
    )
    store = open_store(store_url)
    try:
        reports = run(root, assignment, options, widget_scorer(root, store), on_progress)
        write_back(root, store, assignment)  # xAPI passed/failed, and released scores
        return reports
    finally:
        store.close()


def export_grades(course: str | Path, *, grading_dir: Path = DEFAULT_GRADING_DIR) -> Path:
    """Write grades.csv in the course root: every learner's score per assignment from the
    gradebook, with autograding's status and reasons. Returns its path. `course` is named as
    for `generate_assignments`; any nbgrader course root will do."""
    from kurskit.grading.export import write_export

    return write_export(_graded_course(course, grading_dir).root)


def course_results(
    course: str | Path, *, grading_dir: Path = DEFAULT_GRADING_DIR
) -> list[LearnerResult]:
    """Each learner's course result from the gradebook (code tests, hand grading and the widget
    questions autograding scored from the store) against the course's pass threshold.
    `course` is named as for `generate_assignments`; it needs its course folder."""
    from kurskit.grading.results import course_results as results

    named = _graded_course(course, grading_dir)
    return results(named.course(), named.root)


def issue_certificates(
    course: str | Path,
    *,
    grading_dir: Path = DEFAULT_GRADING_DIR,
    roster: Path | None = None,
    issuer_dir: Path | None = None,
    hub: HubSettings | None = None,
    today: dt.date | None = None,
) -> list[Certificate]:
    """A PDF certificate in the course language and an Open Badges 3.0 credential for every
    learner who passed and has no flagged work waiting for review, signed with the issuer's
    key (`create_issuer_keys`) and recorded in its register.

    `course` is named as for `generate_assignments`; it needs its course folder. Learners are
    named from `roster` (CSV: learner,name[,email]) or else the names the hub recorded at
    sign-in; MissingNamesError (a ValueError) lists those without a name. `issuer_dir`
    defaults to `$KURSKIT_ISSUER_DIR` or the user's kurskit configuration folder."""
    from kurskit.grading.certificates import issue_certificates as issue
    from kurskit.grading.certificates import to_certify
    from kurskit.grading.issuer import default_issuer_dir, read_issuer
    from kurskit.grading.names import names_for
    from kurskit.grading.results import course_results as results

    issuer = read_issuer(Path(issuer_dir) if issuer_dir else default_issuer_dir())
    named = _graded_course(course, grading_dir)
    loaded = named.course()
    assert loaded.course is not None
    learner_results = results(loaded, named.root)
    people = names_for(
        [result.learner for result in to_certify(learner_results)],
        roster=roster,
        recorded=(hub or hub_settings()).display_names_file,
    )
    return issue(
        loaded.course, learner_results, named.root, issuer=issuer, people=people,
        course_folder=loaded.folder, today=today,
    )  # fmt: skip


def create_issuer_keys(
    *, hub_url: str | None = None, issuer_dir: Path | None = None, force: bool = False
) -> Issuer:
    """The issuer's signing key, code secret and public profile, in `issuer_dir` (default as
    for `issue_certificates`). Certificates are verified on the hub at `hub_url` (default: the
    embedded hub's address), on the answers service's public page. Refuses to replace a key
    unless `force`."""
    from kurskit.grading.issuer import create_issuer, default_issuer_dir
    from kurskit.hub.settings import ANSWERS_SERVICE

    base = (hub_url or hub_settings().public_url).rstrip("/") + f"/services/{ANSWERS_SERVICE}"
    return create_issuer(
        Path(issuer_dir) if issuer_dir else default_issuer_dir(),
        issuer_id=f"{base}/issuer",
        verify_url=f"{base}/verify/",
        force=force,
    )


def revoke_certificate(
    code: str, *, reason: str, issuer_dir: Path | None = None, today: dt.date | None = None
) -> RegisterEntry:
    """Revoke a certificate: its verification page shows it revoked, with `reason`. Raises
    ValueError for an unknown code or an empty reason."""
    from kurskit.grading.issuer import default_issuer_dir, read_issuer
    from kurskit.grading.register import revoke

    issuer = read_issuer(Path(issuer_dir) if issuer_dir else default_issuer_dir())
    return revoke(issuer, code, reason, today=today)


def review_flagged(
    course: str | Path,
    assignment: str | None = None,
    *,
    grading_dir: Path = DEFAULT_GRADING_DIR,
    clear: str | None = None,
    note: str = "",
    reviewer: str = "",
) -> list[Flagged]:
    """Flagged submissions of a course (or one assignment), each with its review if cleared.

    `course` is named as for `generate_assignments`. A flagged submission holds its learner's
    certificate until cleared: with `clear`, the named learner's flagged submission of
    `assignment` is cleared with `note` (required), kept in the course root with the
    reviewer's name. Raises ValueError for a missing root, an unknown learner, or an empty
    note."""
    from kurskit.grading.nbgrader_course import open_course
    from kurskit.grading.review import clear as clear_review
    from kurskit.grading.review import flagged

    root = open_course(_graded_course(course, grading_dir).root).root
    if clear is not None:
        if assignment is None:
            raise ValueError("name the assignment whose flagged submission you clear")
        clear_review(root, assignment, clear, reviewer=reviewer, note=note)
    return flagged(root, assignment)


def verify_certificate(code: str, *, issuer_dir: Path | None = None) -> RegisterEntry | None:
    """The certificate (name, course, date, revoked or not) a verification code belongs to, or
    None when it is not genuine. Looks in the issuer's register (`issuer_dir`, default as for
    `issue_certificates`), so it works from any folder; raises ValueError saying where it
    looked when there is no register."""
    from kurskit.grading.issuer import default_issuer_dir
    from kurskit.grading.register import verify

    return verify(code, Path(issuer_dir) if issuer_dir else default_issuer_dir())


def hub_settings(**values: Any) -> HubSettings:
    """The hub's settings: the embedded defaults, with the given values (None: default)."""
    from kurskit.grading.issuer import default_issuer_dir
    from kurskit.grading.register import PUBLISHED_FILE
    from kurskit.hub.settings import HubSettings

    given = {k: v for k, v in values.items() if v is not None}
    given.setdefault("certificates_file", default_issuer_dir() / PUBLISHED_FILE)
    return HubSettings.model_validate(given)


def serve_hub(
    *, settings: HubSettings | None = None, on_event: Callable[[str], None] = print
) -> int:
    """Run JupyterHub with the answers service until it stops or Ctrl+C; its exit status.

    The first run creates the admin account and reports its password through `on_event`.
    """
    import signal
    import time
    import urllib.request

    from kurskit.hub.serve import prepare, start
    from kurskit.hub.voila_app import app_url as voila_app_url

    settings = settings or hub_settings()
    prepared = prepare(settings)
    if prepared.admin_password:
        on_event(
            f"First run: log in as '{settings.admin}' with the password "
            f"{prepared.admin_password} (also in {settings.state_dir}/admin-password)."
        )
    hub = start(settings, prepared)
    previous = signal.signal(signal.SIGTERM, lambda *_: hub.terminate())
    try:
        ready = f"{settings.public_url}/hub/api/"
        while hub.poll() is None:
            try:
                with urllib.request.urlopen(ready, timeout=2):
                    on_event(f"JupyterHub: {settings.public_url}/hub/")
                    if (app := voila_app_url(settings)) is not None:
                        on_event(f"Voilà app ({settings.voila_pool} kernels ahead): {app}")
                    break
            except OSError:
                time.sleep(0.5)
        return hub.wait()
    except KeyboardInterrupt:
        hub.terminate()
        return hub.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
        if hub.poll() is None:
            hub.kill()


def hub_client(*, settings: HubSettings | None = None) -> HubClient:
    """The running hub's REST API as the admin service, for users, cohorts and instructors."""
    from kurskit.hub.users import HubClient

    return HubClient(settings or hub_settings())


def webinar_links(course: str, module: str, *, settings: HubSettings | None = None) -> WebinarLinks:
    """The addresses of a live session of one course module on the hub: the instructor's
    dashboard, the participants' page and the projector view. Raises ValueError when the
    course sources the hub serves have no such course or module."""
    from kurskit.hub.keys import AnswerKeys
    from kurskit.hub.settings import ANSWERS_SERVICE
    from kurskit.hub.webinar import webinar_links as links

    settings = settings or hub_settings()
    keys = AnswerKeys.read(settings.courses_dir)
    if course not in keys.modules:
        known = ", ".join(sorted(keys.modules)) or "none"
        raise ValueError(f"no course {course!r} in {settings.courses_dir} (courses: {known})")
    source = keys.module(course, module)
    if source is None:
        known = ", ".join(sorted(keys.modules[course]))
        raise ValueError(f"the course {course!r} has no module {module!r} (modules: {known})")
    return links(settings.public_url, ANSWERS_SERVICE, course, source)


def set_hub_password(name: str, password: str, *, settings: HubSettings | None = None) -> None:
    """Create or update a hub account that may log in (NativeAuthenticator), authorised."""
    from kurskit.hub.users import set_password

    set_password(settings or hub_settings(), name, password)


def k8s_values(
    *,
    image: str,
    service_image: str,
    courses: Path = DEFAULT_COURSES_DIR,
    sso: Path | None = None,
    store_url: str | None = None,
    hub_db_url: str | None = None,
    secret: str | None = None,
    idle_timeout: int | None = None,
) -> str:
    """Zero to JupyterHub helm values (YAML) for the hub `serve_hub` runs, on Kubernetes.

    `image` is the learners' image built from binder/ and `service_image` the answers
    service's (kurskit with the course sources), both `name:tag`. Each published course in
    `courses` becomes a profile; `sso` is an SSO file as for `serve_hub` (default:
    NativeAuthenticator). `store_url` and `hub_db_url` are PostgreSQL URLs without a password,
    and `secret` the Kubernetes Secret the passwords come from (None: the defaults in
    `kurskit.hub.k8s_values`); `idle_timeout` as in `HubSettings`. No secret is written.
    Raises ValueError for a bad SSO file, image, URL or course folder.
    """
    from kurskit.hub.k8s_values import ClusterSettings, values_yaml
    from kurskit.hub.k8s_values import k8s_values as render

    settings = hub_settings(
        courses_dir=courses, sso_file=sso, store_url=store_url, idle_timeout=idle_timeout
    )
    given = {
        "image": image,
        "service_image": service_image,
        "hub_db_url": hub_db_url,
        "secret": secret,
    }
    cluster = ClusterSettings.model_validate({k: v for k, v in given.items() if v is not None})
    return values_yaml(render(settings, cluster))


# --- insight ----------------------------------------------------------------------------------


def agenda(
    course: Path,
    *,
    cohort: str | None = None,
    learners: Sequence[str] = (),
    cohorts: Callable[[], Mapping[str, Sequence[str]]] | None = None,
    now: dt.datetime | None = None,
    url: str | None = None,
) -> Agenda:
    """The course's sessions with their pre- and post-tasks and who has done each task.

    `course` is a course folder. Participants are the learners of the hub cohort `cohort`
    (without the course's instructors), or `learners` (user names or pseudonyms), or else
    every learner with answers in the course, by pseudonym. A task is done when the learner
    completed its module (every question answered, as for xAPI's `completed`). `cohorts`
    gives the hub's cohort and instructor groups with their members (default: the running
    hub's, through `hub_client()`); `now` tells upcoming sessions from past ones. Raises
    ValueError for a course with errors (such as a task naming no module), an unknown cohort,
    or both `cohort` and `learners`; `kurskit.hub.users.HubError` when the hub cannot be asked.
    """
    from kurskit.course.loading import load_course
    from kurskit.store.agenda import build_agenda
    from kurskit.store.progress import read_courses
    from kurskit.store.sql import PSEUDONYM_PATTERN, open_store

    if cohort is not None and learners:
        raise ValueError("name a cohort or learners, not both")
    folder = Path(course)
    if not folder.is_dir():
        raise ValueError(f"{folder}: no such course folder")
    loaded = load_course(folder)
    errors = [str(p) for p in loaded.problems if p.severity == "error"]
    if errors or loaded.course is None:
        raise ValueError(
            f"the course has errors (see `kurskit check {folder}`):\n" + "\n".join(errors)
        )
    slug = loaded.course.slug
    names = list(dict.fromkeys(learners))
    if cohort is not None:
        names = _cohort_learners(cohort, slug, (cohorts or hub_client().cohorts)())
    store = open_store(store_settings(url=url).url)
    try:
        participants = (
            {n: n if PSEUDONYM_PATTERN.fullmatch(n) else store.pseudonym(n) for n in names}
            if cohort is not None or names
            else None
        )
        return build_agenda(
            loaded.course,
            read_courses(folder)[slug],
            store.answers(course=slug),
            participants=participants,
            cohort=cohort,
            now=now or dt.datetime.now(),
        )
    finally:
        store.close()


def _cohort_learners(cohort: str, course: str, groups: Mapping[str, Sequence[str]]) -> list[str]:
    """The learners of a cohort, by the hub's rule: its members who do not teach `course`."""
    from kurskit.hub.cohorts import COHORT_PREFIX, cohort_group, instructor_group, readable_learners

    group = cohort_group(cohort)
    if group not in groups:
        known = sorted(g.removeprefix(COHORT_PREFIX) for g in groups if g.startswith(COHORT_PREFIX))
        raise ValueError(
            f"the hub has no cohort '{cohort}'; "
            + (f"its cohorts: {', '.join(known)}" if known else "add one with `kurskit hub cohort`")
        )
    teachers = instructor_group(course)
    members = {group: set(groups[group]), teachers: set(groups.get(teachers, ()))}
    return list(readable_learners("", set(), course, members, admin=True))


# --- insight: collection periods and reports ------------------------------------------------


def _sql_store(url: str | None) -> SqlAnswerStore:
    from kurskit.store.sql import SqlAnswerStore

    return SqlAnswerStore.open(url)


def open_period(course: str, name: str, *, url: str | None = None) -> Period:
    """Open a collection period of a course: from now on its answers carry `name`."""
    from kurskit.store.periods import open_period as open_in

    store = _sql_store(url)
    try:
        return open_in(store.engine, course, name)
    finally:
        store.close()


def close_period(course: str, *, url: str | None = None) -> Period:
    """Close the course's open collection period."""
    from kurskit.store.periods import close_period as close_in

    store = _sql_store(url)
    try:
        return close_in(store.engine, course)
    finally:
        store.close()


def collection_periods(course: str, *, url: str | None = None) -> list[Period]:
    """The course's collection periods, oldest first."""
    from kurskit.store.periods import list_periods

    store = _sql_store(url)
    try:
        return list_periods(store.engine, course)
    finally:
        store.close()


def _survey_course(course: str | Path, courses_dir: Path) -> LoadedCourse:
    """A course named by its folder or by its slug under `courses_dir`, loaded and valid."""
    from kurskit.course.loading import load_course

    folder = Path(course)
    if not (folder / "course.yml").is_file():
        folder = Path(courses_dir) / str(course)
    if not (folder / "course.yml").is_file():
        raise ValueError(
            f"no course '{course}': neither a course folder nor a slug in {courses_dir}"
        )
    loaded = load_course(folder)
    if not loaded.ok or loaded.course is None:
        raise ValueError(f"{folder} has errors; run `kurskit check {folder}` first")
    return loaded


def survey_report(
    course: str | Path,
    *,
    out: Path,
    periods: Sequence[str] | None = None,
    language: str | None = None,
    responses: Literal["none", "pseudonymous", "anonymous"] = "none",
    url: str | None = None,
    courses_dir: Path = DEFAULT_COURSES_DIR,
) -> list[Path]:
    """Write the cohort report of a self-assessment into `out`: report.html and a CSV per
    table (aggregates only); with `responses`, also responses.csv, one row per respondent and
    period, pseudonymous or anonymous. Returns the files."""
    from kurskit.insight.report_page import write_report
    from kurskit.insight.responses_export import responses_table
    from kurskit.insight.survey import survey_tables
    from kurskit.insight.survey_data import load_survey
    from kurskit.insight.survey_report import survey_csv, survey_page

    loaded = _survey_course(course, courses_dir)
    store = _sql_store(url)
    try:
        data = load_survey(store, loaded, list(periods) if periods else None)
    finally:
        store.close()
    tables = survey_tables(data)
    page = survey_page(data, tables, language or data.course.language)
    files = survey_csv(tables)
    if responses == "pseudonymous":
        files["responses"] = responses_table(data)
    elif responses == "anonymous":
        files["responses"] = responses_table(data, tables.groups)
    return write_report(page, files, Path(out))


def gaps_report(
    course: str | Path,
    *,
    targets: Path,
    out: Path,
    period: str | None = None,
    language: str | None = None,
    url: str | None = None,
    courses_dir: Path = DEFAULT_COURSES_DIR,
) -> list[Path]:
    """Write the gap analysis (targets per role against self-assessed levels) into `out`:
    report.html and a CSV per table. Returns the files."""
    from kurskit.course.self_assessment import read_catalogue
    from kurskit.insight.gaps import gap_tables, load_targets
    from kurskit.insight.report_page import write_report
    from kurskit.insight.survey_data import load_survey
    from kurskit.insight.survey_report import gaps_csv, gaps_page
    from kurskit.store.periods import list_periods

    goals = load_targets(Path(targets))
    loaded = _survey_course(course, courses_dir)
    store = _sql_store(url)
    try:
        if period is None:  # the last period: read only its answers
            known = list_periods(store.engine, loaded.course.slug)  # type: ignore[union-attr]
            period = known[-1].name if known else None
        data = load_survey(store, loaded, [period] if period else None)
    finally:
        store.close()
    catalogue = read_catalogue(Path(courses_dir)) if Path(courses_dir).is_dir() else []
    gaps = gap_tables(data, goals, catalogue, period)
    page = gaps_page(data, gaps, language or data.course.language)
    return write_report(page, gaps_csv(gaps), Path(out))


def course_report(
    course: str | Path,
    *,
    out: Path,
    cohort: str | None = None,
    cohorts_file: Path | None = None,
    cohorts: Callable[[], Mapping[str, Sequence[str]]] | None = None,
    periods: Sequence[str] | None = None,
    language: str | None = None,
    comments: Literal["none", "pseudonymous"] = "none",
    comments_containing: str | None = None,
    source_url: str | None = None,
    issuer_dir: Path | None = None,
    url: str | None = None,
    courses_dir: Path = DEFAULT_COURSES_DIR,
) -> list[Path]:
    """Write the course report into `out`: report.html (funnel, scores, item analysis,
    distractors, feedback, polls), summary.html (one printable page) and a CSV file per table;
    with `comments`, also comments.csv (pseudonymous, only those containing
    `comments_containing` when given). Returns the files.

    Cohorts come from `cohorts_file` (YAML: cohort → user names or pseudonyms) or else, when
    `cohort` is named, from the hub (`cohorts`, default: the running hub's groups); `cohort`
    keeps only that cohort's learners. Certificates are counted from the issuer's register
    (`issuer_dir`, default: the configured issuer folder) when there is one. Question sources
    link to `source_url` + the file's path in the courses folder when given, else to the file.
    """
    import yaml

    from kurskit.course.yamlsource import load_plain
    from kurskit.insight.course_data import load_course_answers
    from kurskit.insight.course_report import course_page, course_tables, summary_page
    from kurskit.insight.report_page import write_report
    from kurskit.store.sql import PSEUDONYM_PATTERN

    loaded = _survey_course(course, courses_dir)
    assert loaded.course is not None
    slug = loaded.course.slug
    named: dict[str, list[str]] = {}
    if cohorts_file is not None:
        try:
            document = load_plain(Path(cohorts_file).read_text("utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise ValueError(f"{cohorts_file}: cannot read the cohorts: {error}") from None
        if not isinstance(document, dict) or not all(
            isinstance(v, list) for v in document.values()
        ):
            raise ValueError(f"{cohorts_file}: expected cohort names, each with a list of learners")
        named = {str(k): [str(n) for n in v] for k, v in document.items()}
    elif cohort is not None:
        groups = (cohorts or hub_client().cohorts)()
        named = {cohort: _cohort_learners(cohort, slug, groups)}
    store = _sql_store(url)
    try:
        pseudonyms = {
            name: [n if PSEUDONYM_PATTERN.fullmatch(n) else store.pseudonym(n) for n in people]
            for name, people in named.items()
        }
        certified = _certified(slug, issuer_dir)
        if certified is not None:
            certified = {n if PSEUDONYM_PATTERN.fullmatch(n) else store.pseudonym(n)
                         for n in certified}  # fmt: skip
        data = load_course_answers(
            store, loaded, cohorts=pseudonyms, cohort=cohort, periods=periods, certified=certified
        )
    finally:
        store.close()
    tables = course_tables(data, comments_containing)
    language = language or data.course.language
    files = tables.csv_files()
    if comments == "pseudonymous":
        files["comments"] = tables.comments
    return write_report(
        course_page(data, tables, language, source_url),
        files,
        Path(out),
        {"summary": summary_page(data, tables, language, source_url)},
    )


def _certified(course: str, issuer_dir: Path | None) -> set[str] | None:
    """The learners with a valid certificate of `course` in the issuer's register (None when
    there is no register to read)."""
    from kurskit.grading.issuer import default_issuer_dir
    from kurskit.grading.register import REGISTER_FILE, read_register

    folder = Path(issuer_dir) if issuer_dir else default_issuer_dir()
    if not (folder / REGISTER_FILE).is_file():
        return None
    return {
        entry.learner
        for entry in read_register(folder).values()
        if entry.course == course and not entry.revoked
    }


DEMO_SOURCE = DEFAULT_COURSES_DIR / "digital-kompetanse"


def demo_data(
    *,
    courses_out: Path,
    url: str | None = None,
    source: Path = DEMO_SOURCE,
    people: int = 5000,
    workplaces: int = 300,
    seed: int = 2026,
    progress: ProgressCallback | None = None,
) -> DemoPopulation:
    """Fill the store with a synthetic, marked staff population answering the self-assessment
    in three periods, and write its demo course into `courses_out`."""
    from kurskit.insight.demo import write_demo

    store = _sql_store(url)
    try:
        return write_demo(
            store,
            Path(courses_out),
            Path(source),
            people=people,
            workplaces=workplaces,
            seed=seed,
            progress=progress,
        )
    finally:
        store.close()
