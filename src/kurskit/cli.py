"""The `kurskit` command: a thin typer layer; every command calls a function in `kurskit.api`."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.text import Text

import kurskit
from kurskit import api
from kurskit.course.limits import DEFAULT_CELL_TIMEOUT
from kurskit.languages import LANGUAGES
from kurskit.progress import ProgressCallback

if TYPE_CHECKING:
    from kurskit.hub.users import HubClient

app = typer.Typer(
    name="kurskit",
    help="Write, check, publish and grade blended-learning courses made of Jupyter notebooks.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True, soft_wrap=True)
output = Console(soft_wrap=True)


def print_error(error: object) -> None:
    """`error: …` in red on standard error; the message is shown as written (never markup)."""
    console.print(Text.assemble(("error:", "red"), " ", str(error)), highlight=False)


def _version(value: bool) -> None:
    if value:
        output.print(f"kurskit {kurskit.__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Write, check, publish and grade blended-learning courses made of Jupyter notebooks."""


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Course folders, folders of courses, or notebooks. Default: courses/"),
    ] = None,
    execute: Annotated[
        bool, typer.Option("--execute", help="Also run every notebook in a fresh kernel.")
    ] = False,
    timeout: Annotated[
        int, typer.Option(help="Seconds one cell may run with --execute.", min=1)
    ] = DEFAULT_CELL_TIMEOUT,
    format: Annotated[
        str, typer.Option("--format", help="text for people, json for machines.")
    ] = "text",
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Count every warning (e.g. accessibility) as an error."),
    ] = False,
) -> None:
    """Validate course files and notebooks, and their text's accessibility; exit code 0 only
    when there is no error."""
    if format not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    with ProgressBar(enabled=execute and format == "text") as on_progress:
        report = api.check(
            paths or [],
            execute=execute,
            cell_timeout=timeout,
            strict=strict,
            on_progress=on_progress,
        )
    if format == "json":
        output.print_json(report.to_json())
    else:
        for problem in report.problems:
            style = "red" if problem.severity == "error" else "yellow"
            output.print(str(problem), style=style, markup=False, highlight=False)
        summary = (
            f"{len(report.courses)} course(s), {len(report.notebooks)} notebook(s) checked"
            + (f", {len(report.executed)} run" if execute else "")
            + f": {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
        output.print(summary, style="green" if report.ok else "red", highlight=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def new(
    slug: Annotated[str, typer.Argument(help="Short name of the course: lower-case, digits, -.")],
    lang: Annotated[
        str, typer.Option("--lang", help=f"Course language: {', '.join(LANGUAGES)}.")
    ] = "nb",
    root: Annotated[
        Path, typer.Option(help="Folder the course is created in.")
    ] = api.DEFAULT_COURSES_DIR,
    title: Annotated[
        str | None, typer.Option(help="Course title (default: from the slug).")
    ] = None,
) -> None:
    """Create a new course with template notebooks showing every question type."""
    try:
        folder = api.new_course(slug, language=lang, root=root, title=title)
    except (ValueError, FileExistsError) as error:
        print_error(error)
        raise typer.Exit(2) from None
    output.print(f"Created {folder}. Next: kurskit check {folder}", highlight=False)


@app.command()
def schema(
    format: Annotated[
        str, typer.Option("--format", help="json (JSON Schema) or markdown (reference page).")
    ] = "json",
) -> None:
    """Print the JSON Schema of course.yml, question specs included."""
    if format not in ("json", "markdown"):
        raise typer.BadParameter("use json or markdown", param_hint="--format")
    typer.echo(api.schema(format="markdown" if format == "markdown" else "json"), nl=False)


@app.command("learner-edition")
def learner_edition(
    courses: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Course folders (written whatever their status) or folders of courses (their "
            "published ones). Default: courses/"
        ),
    ] = None,
    out: Annotated[
        Path, typer.Option(help="Folder the edition is written to, one folder per course.")
    ] = api.DEFAULT_EDITION_DIR,
) -> None:
    """Write every module as a learner gets it (.ipynb, no graded key) for the hub and Binder."""
    try:
        written = api.learner_edition(courses=courses or [], out=out)
    except ValueError as error:
        print_error(error)
        raise typer.Exit(1) from None
    for edition in written:
        output.print(f"{edition.folder}: {len(edition.notebooks)} notebook(s)", highlight=False)
    output.print(f"Learner edition of {len(written)} course(s) in {out}.", highlight=False)


store_app = typer.Typer(
    name="store",
    help="The answer store: where it is, export, feedback release, forgetting a learner.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(store_app, name="store")

EXPORT_FORMATS = ("csv", "jsonl", "xapi")


def _store_error(error: Exception) -> typer.Exit:
    print_error(error)
    return typer.Exit(1)


@store_app.command("where")
def store_where() -> None:
    """Print the URL of the answer store (password hidden) and where the setting comes from."""
    from kurskit.store.engine import show_url
    from kurskit.store.errors import StoreError

    try:
        settings = api.store_settings()
    except StoreError as error:  # a broken config file
        raise _store_error(error) from None
    output.print(show_url(settings.url), highlight=False, markup=False)
    origin = {
        "environment": "from $KURSKIT_STORE_URL",
        "config file": f"from {settings.config_file}",
        "default": "the default: the user data folder",
        "argument": "given",
    }[settings.url_source]
    console.print(f"({origin})", highlight=False, markup=False)


@store_app.command("export")
def store_export(
    format: Annotated[
        str, typer.Option("--format", help="csv, jsonl (one JSON object a line) or xapi.")
    ] = "csv",
    course: Annotated[
        str | None, typer.Option("--course", help="Only this course (its slug).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write to this file instead of standard output.")
    ] = None,
    courses: Annotated[
        Path | None,
        typer.Option(
            "--courses",
            help="Course folder(s) to read: xapi then adds completed, experienced, passed "
            "and failed statements, names and languages.",
        ),
    ] = None,
    site_url: Annotated[
        str | None,
        typer.Option("--site-url", help="Base URL of xAPI ids (default: $KURSKIT_SITE_URL)."),
    ] = None,
) -> None:
    """Export stored answers as CSV, JSON Lines or xAPI 1.0.3 statements (a JSON array)."""
    if format not in EXPORT_FORMATS:
        raise typer.BadParameter(f"use {', '.join(EXPORT_FORMATS)}", param_hint="--format")
    if courses is not None and not courses.exists():
        raise typer.BadParameter(f"{courses} does not exist", param_hint="--courses")
    from kurskit.store.errors import StoreError

    chosen: Literal["csv", "jsonl", "xapi"] = (
        "xapi" if format == "xapi" else "jsonl" if format == "jsonl" else "csv"
    )
    try:
        with (
            nullcontext(sys.stdout) if out is None else out.open("w", encoding="utf-8", newline="")
        ) as stream:
            count = api.export_answers(
                out=stream, format=chosen, course=course, courses_dir=courses, site_url=site_url
            )
    except StoreError as error:
        raise _store_error(error) from None
    what = "statement(s)" if chosen == "xapi" else "answer(s)"
    console.print(f"{count} {what} exported" + (f" to {out}" if out else ""), highlight=False)


@store_app.command("forget")
def store_forget(
    learner: Annotated[
        str, typer.Argument(help="The learner: a user name, or a pseudonym such as p-1a2b….")
    ],
) -> None:
    """Delete everything the store keeps about one learner (GDPR erasure); says what went."""
    from kurskit.store.errors import StoreError

    try:
        report = api.forget_learner(learner)
    except StoreError as error:
        raise _store_error(error) from None
    if not report.answers and not any(report.other.values()):
        output.print(f"Nothing is kept about {report.learner}.", highlight=False)
        return
    parts = [f"{report.answers} answer(s)"] + [f"{n} {what}" for what, n in report.other.items()]
    output.print(f"Deleted {', '.join(parts)} of {report.learner}.", highlight=False)


@store_app.command("release")
def store_release(
    course: Annotated[str, typer.Argument(help="The course's slug.")],
    module: Annotated[str, typer.Argument(help="The module's file, e.g. 04-prove.md.")],
) -> None:
    """Let learners see scores and correctness of a graded module (release its feedback)."""
    from kurskit.store.errors import StoreError

    try:
        api.release_feedback(course, module)
    except StoreError as error:
        raise _store_error(error) from None
    output.print(f"Feedback on {course}/{module} is released to learners.", highlight=False)


book_app = typer.Typer(
    name="book",
    help="The static Jupyter Book: build it from courses/, serve it on this machine.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(book_app, name="book")


@contextlib.contextmanager
def _book_errors() -> Iterator[None]:
    """Turn the book's errors into readable messages and exit code 1."""
    from kurskit.book import BookBuildError, BookSourceError
    from kurskit.book.vendor import VendorError

    try:
        yield
    except BookSourceError as error:
        for problem in error.problems:
            console.print(str(problem), style="red", markup=False, highlight=False)
        console.print("Fix the courses (see `kurskit check`), then build again.", style="red")
        raise typer.Exit(1) from None
    except (BookBuildError, VendorError, ValueError) as error:
        print_error(error)
        raise typer.Exit(1) from None


CoursesFolder = Annotated[Path, typer.Option(help="Folder of course folders.")]
BookFolder = Annotated[
    Path, typer.Option(help="Folder with book.yml, the logo and the build output.")
]


@book_app.command("build")
def book_build(
    out: Annotated[Path | None, typer.Option(help="Also copy the site to this folder.")] = None,
    drafts: Annotated[
        bool, typer.Option("--drafts", help="Include draft and archived courses.")
    ] = False,
    courses: CoursesFolder = api.DEFAULT_COURSES_DIR,
    book: BookFolder = api.DEFAULT_BOOK_DIR,
) -> None:
    """Build the static book: catalog, course pages, offline quizzes, feeds, launch links."""
    with _book_errors(), ProgressBar(enabled=True, title="building the book") as on_progress:
        built = api.build_book(
            courses_dir=courses, book_dir=book, out_dir=out, drafts=drafts, on_progress=on_progress
        )
    seconds = sum(built.timings.values())
    output.print(
        f"Built {len(built.courses)} course(s) into {built.html_dir} in {seconds:.1f} s.",
        highlight=False,
    )


@book_app.command("serve")
def book_serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    watch: Annotated[
        bool, typer.Option("--watch", help="Rebuild when a course or book file changes.")
    ] = False,
    courses: CoursesFolder = api.DEFAULT_COURSES_DIR,
    book: BookFolder = api.DEFAULT_BOOK_DIR,
) -> None:
    """Build the book and serve it on http://HOST:PORT until Ctrl+C."""
    with _book_errors(), contextlib.suppress(KeyboardInterrupt):
        api.serve_book(
            courses_dir=courses,
            book_dir=book,
            host=host,
            port=port,
            watch=watch,
            on_event=lambda text: output.print(text, highlight=False),
        )


grade_app = typer.Typer(
    name="grade",
    help="Grading with nbgrader: source assignments generated from the course.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(grade_app, name="grade")

GradingFolder = Annotated[
    Path, typer.Option(help="Folder holding one nbgrader course root per course.")
]
CourseFolder = Annotated[Path, typer.Argument(help="The course folder, e.g. courses/kildekritikk.")]


@contextlib.contextmanager
def _grading_errors() -> Iterator[None]:
    """Print a grading error (a bad course, a missing root, nbgrader's log) and exit with 1."""
    from kurskit.grading.steps import NbgraderError

    try:
        yield
    except (ValueError, NbgraderError) as error:
        print_error(error)
        raise typer.Exit(1) from None


#: How every `grade` command names its course; `kurskit.grading.nbgrader_course.find_course`
#: resolves it.
GradedCourse = Annotated[
    str,
    typer.Argument(
        help="The course: its folder (courses/kildekritikk), its slug (kildekritikk: the folder "
        "courses/kildekritikk, the root GRADING/kildekritikk) or its nbgrader course root."
    ),
]


@grade_app.command("generate")
def grade_generate(course: GradedCourse, grading: GradingFolder = api.DEFAULT_GRADING_DIR) -> None:
    """Write nbgrader assignments and nbgrader_config.py for the assessment modules."""
    with _grading_errors():
        assignments = api.generate_assignments(course, grading_dir=grading)
    for assignment in assignments:
        output.print(f"{assignment.name}: {assignment.notebook}", highlight=False)
    if not assignments:
        output.print("The course has no assessment module; nothing to grade.", highlight=False)


_GRADING_STEPS = {
    "release": "Release an assignment to learners (nbgrader release_assignment).",
    "collect": "Collect learners' submissions from the exchange (nbgrader collect).",
    "feedback": "Write feedback files; hidden tests and their output are left out.",
}


def _grading_command(step: str, help_text: str) -> None:
    def command(
        course: GradedCourse,
        assignment: Annotated[str, typer.Argument(help="The assignment, e.g. 04-prove.")],
        grading: GradingFolder = api.DEFAULT_GRADING_DIR,
    ) -> None:
        _run_grading_step(step, course, assignment, grading)

    command.__doc__ = help_text
    grade_app.command(step)(command)


def _run_grading_step(step: str, course: str, assignment: str | None, grading: Path) -> None:
    from kurskit.grading.summary import step_summary

    with _grading_errors(), ProgressBar(enabled=True, title=f"nbgrader {step}") as on_progress:
        result = api.grading_step(
            step, course, assignment, grading_dir=grading, on_progress=on_progress
        )
    output.print(step_summary(result, str(result.root)))


for _step, _help in _GRADING_STEPS.items():
    _grading_command(_step, _help)


@grade_app.command("autograde")
def grade_autograde(
    course: GradedCourse,
    assignment: Annotated[str, typer.Argument(help="The assignment, e.g. 04-prove.")],
    jobs: Annotated[
        int | None,
        typer.Option("--jobs", "-j", min=1, help="Submissions graded at once (default: CPUs)."),
    ] = None,
    student: Annotated[
        list[str] | None,
        typer.Option("--student", help="Grade only this learner (repeat for more)."),
    ] = None,
    only_new: Annotated[
        bool,
        typer.Option("--only-new", help="Skip submissions graded before and not resubmitted."),
    ] = False,
    time_limit: Annotated[
        float | None,
        typer.Option(min=1, help="Seconds one submission may run (default 120)."),
    ] = None,
    memory_mb: Annotated[
        int | None,
        typer.Option(min=64, help="Memory one submission's processes may use each (MB)."),
    ] = None,
    grading: GradingFolder = api.DEFAULT_GRADING_DIR,
) -> None:
    """Autograde submissions in parallel, each in its own sandboxed kernel; never a silent 0."""
    from kurskit.grading.summary import summary
    from kurskit.sandbox import isolation_report

    with _grading_errors(), ProgressBar(enabled=True, title="grading") as on_progress:
        reports = api.autograde(
            course,
            assignment,
            grading_dir=grading,
            jobs=jobs,
            students=tuple(student or ()),
            only_new=only_new,
            time_limit=time_limit,
            memory_mb=memory_mb,
            on_progress=on_progress,
        )
    output.print(summary(reports, assignment, isolation_report() if reports else None))


@grade_app.command("export")
def grade_export(course: GradedCourse, grading: GradingFolder = api.DEFAULT_GRADING_DIR) -> None:
    """Export grades with autograding's status and reasons to grades.csv in the course root."""
    with _grading_errors():
        path = api.export_grades(course, grading_dir=grading)
    output.print(f"Grades: {path}", highlight=False)


@grade_app.command("results")
def grade_results(course: GradedCourse, grading: GradingFolder = api.DEFAULT_GRADING_DIR) -> None:
    """Print each learner's course result as CSV: points, share and pass or fail."""
    from kurskit.grading.results import results_csv

    with _grading_errors():
        results = api.course_results(course, grading_dir=grading)
    typer.echo(results_csv(results), nl=False)


IssuerFolder = Annotated[
    Path | None,
    typer.Option(
        "--issuer",
        help="The issuer's folder (default: $KURSKIT_ISSUER_DIR or the user's kurskit "
        "configuration folder).",
    ),
]


@grade_app.command("certificates")
def grade_certificates(
    course: GradedCourse,
    grading: GradingFolder = api.DEFAULT_GRADING_DIR,
    roster: Annotated[
        Path | None,
        typer.Option(
            help="CSV with the columns learner,name (and optionally email): the names printed "
            "on the certificates (default: the names the hub recorded at sign-in)."
        ),
    ] = None,
    revoke: Annotated[
        str | None, typer.Option(help="Revoke the certificate with this code instead.")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why it is revoked (required with --revoke).")] = "",
    issuer: IssuerFolder = None,
) -> None:
    """Issue a PDF certificate and an Open Badges credential to every learner who passed (and
    has no flagged work waiting for review), or revoke one with --revoke CODE --reason TEXT."""
    if revoke is not None:
        with _grading_errors():
            entry = api.revoke_certificate(revoke, reason=reason, issuer_dir=issuer)
        output.print(
            f"{entry.code} revoked ({entry.name}, {entry.title}): {entry.reason}", highlight=False
        )
        return
    with _grading_errors():
        issued = api.issue_certificates(
            course, grading_dir=grading, roster=roster, issuer_dir=issuer
        )
    for certificate in issued:
        output.print(
            f"{certificate.learner} ({certificate.name}): {certificate.pdf} "
            f"({certificate.code}) {certificate.url}",
            highlight=False,
            soft_wrap=True,
        )
    output.print(f"{len(issued)} certificate(s) issued.", highlight=False)


@grade_app.command("keys")
def grade_keys(
    hub_url: Annotated[
        str | None,
        typer.Option(
            "--hub-url",
            help="The hub's public address, where certificates are verified "
            "(default: the embedded hub's).",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option(help="Replace an existing key (its badges stop verifying).")
    ] = False,
    issuer: IssuerFolder = None,
) -> None:
    """Create the issuer's signing key and code secret, kept outside course roots and homes."""
    with _grading_errors():
        created = api.create_issuer_keys(hub_url=hub_url, issuer_dir=issuer, force=force)
    output.print(f"Issuer key created in {created.folder}.", highlight=False)
    output.print(f"Certificates are verified at {created.verify_url}CODE", highlight=False)


@grade_app.command("review")
def grade_review(
    course: GradedCourse,
    assignment: Annotated[
        str | None, typer.Argument(help="Only this assignment (needed with --clear).")
    ] = None,
    clear: Annotated[
        str | None,
        typer.Option("--clear", help="Clear this learner's flagged submission after a look."),
    ] = None,
    note: Annotated[
        str, typer.Option("--note", help="What you checked (required with --clear; kept).")
    ] = "",
    grading: GradingFolder = api.DEFAULT_GRADING_DIR,
) -> None:
    """List flagged submissions, which hold certificates until an instructor clears them."""
    import getpass

    with _grading_errors():
        items = api.review_flagged(
            course, assignment, grading_dir=grading, clear=clear, note=note,
            reviewer=getpass.getuser(),
        )  # fmt: skip
    for item in items:
        report = item.report
        state = (
            f"cleared by {item.review.reviewer} on {item.review.cleared_on}: {item.review.note}"
            if item.review is not None
            else "needs review (holds the certificate)"
        )
        output.print(f"{report.assignment} {report.student}: {state}", highlight=False)
        for reason in report.reasons:
            output.print(f"    {reason}", highlight=False)
        for page in item.formgrader:
            output.print(f"    in the formgrader: {page}", highlight=False, soft_wrap=True)
    if not items:
        output.print("No flagged submissions.", highlight=False)


@grade_app.command("verify")
def grade_verify(
    code: Annotated[str, typer.Argument(help="The code printed on the certificate.")],
    issuer: IssuerFolder = None,
) -> None:
    """Check a certificate's verification code from any folder; exit code 1 when it is not
    genuine or has been revoked."""
    with _grading_errors():
        entry = api.verify_certificate(code, issuer_dir=issuer)
    if entry is None:
        output.print(f"{code}: no such certificate.", style="red", highlight=False)
        raise typer.Exit(1)
    facts = f"{entry.name}, {entry.title} ({entry.course}), {entry.issued}"
    if entry.revoked:
        output.print(
            f"{entry.code}: revoked on {entry.revoked_on} ({entry.reason}) — {facts}.",
            style="red",
            highlight=False,
        )
        raise typer.Exit(1)
    output.print(f"{entry.code}: genuine — {facts}.", highlight=False)


class ProgressBar:
    """A rich progress bar fed by api progress callbacks (or nothing when disabled)."""

    def __init__(self, *, enabled: bool, title: str = "running notebooks") -> None:
        self.enabled = enabled
        self.bar = Progress(
            TextColumn(title),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("", total=None)

    def __enter__(self) -> ProgressCallback | None:
        if not self.enabled:
            return None
        self.bar.start()
        return self.update

    def update(self, done: int, total: int, label: str) -> None:
        self.bar.update(self.task, completed=done, total=total, description=label)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()


hub_app = typer.Typer(
    name="hub",
    help="JupyterHub for learners: the hub with the answers service, accounts and cohorts.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(hub_app, name="hub")

StateFolder = Annotated[
    Path | None,
    typer.Option(
        "--state-dir", help="The hub's database, secrets, homes and answers (default: user data)."
    ),
]
HubPort = Annotated[int | None, typer.Option("--port", help="Port of the hub (default 8010).")]


@contextlib.contextmanager
def _hub_errors() -> Iterator[None]:
    """Print what the hub refused, or why it cannot start, and exit with 1."""
    from kurskit.hub.users import HubError

    try:
        yield
    except (HubError, ValueError) as error:
        print_error(error)
        raise typer.Exit(1) from None


def _admin(state_dir: Path | None, port: int | None) -> HubClient:
    return api.hub_client(settings=api.hub_settings(state_dir=state_dir, port=port))


@hub_app.command("serve")
def hub_serve(
    host: Annotated[str, typer.Option(help="Address of the hub.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(help="Port of the hub; it also uses the next four on 127.0.0.1.")
    ] = 8010,
    courses: Annotated[
        Path, typer.Option(help="The course sources; only the answers service reads them.")
    ] = api.DEFAULT_COURSES_DIR,
    edition: Annotated[
        Path | None,
        typer.Option(help="A learner edition to copy into every learner's home."),
    ] = None,
    state_dir: StateFolder = None,
    sso: Annotated[
        Path | None,
        typer.Option(help="TOML file with [oidc] (e.g. Feide) or [lti13]: sign in through it."),
    ] = None,
    no_isolation: Annotated[
        bool,
        typer.Option(
            "--no-isolation",
            help="Run learners' servers without the sandbox (only where all are trusted).",
        ),
    ] = False,
    voila_app: Annotated[
        str | None,
        typer.Option(
            help="A learner-edition notebook (course/module.ipynb) served as a Voilà app with a "
            "kernel per participant, for a webinar's interactive exercise."
        ),
    ] = None,
    voila_pool: Annotated[
        int | None,
        typer.Option(help="Kernels the Voilà app starts ahead: the participants expected."),
    ] = None,
) -> None:
    """Run JupyterHub with the answers service, sandboxed learner servers and the idle culler."""
    with _hub_errors(), contextlib.suppress(KeyboardInterrupt):
        settings = api.hub_settings(
            host=host,
            port=port,
            courses_dir=courses,
            edition_dir=edition,
            state_dir=state_dir,
            sso_file=sso,
            isolate=not no_isolation,
            voila_app=voila_app,
            voila_pool=voila_pool,
        )
        code = api.serve_hub(settings=settings, on_event=lambda t: output.print(t, highlight=False))
        raise typer.Exit(code)


@hub_app.command("password")
def hub_password(
    name: Annotated[str, typer.Argument(help="The hub user name.")],
    password_file: Annotated[
        typer.FileText,
        typer.Option("--password-file", help="Read the password from this file (- for stdin)."),
    ],
    state_dir: StateFolder = None,
) -> None:
    """Create or reset an account that may log in to the hub (authorised at once)."""
    with _hub_errors():
        password = password_file.read().strip()
        api.set_hub_password(name, password, settings=api.hub_settings(state_dir=state_dir))
    output.print(f"{name} may log in.", highlight=False)


@hub_app.command("cohort")
def hub_cohort(
    name: Annotated[str, typer.Argument(help="The cohort, e.g. a library or region: oslo-2026.")],
    members: Annotated[list[str], typer.Argument(help="Learners and instructors to add.")],
    state_dir: StateFolder = None,
    port: HubPort = None,
) -> None:
    """Add learners (and the instructors who follow them) to a cohort, a hub group."""
    with _hub_errors():
        _admin(state_dir, port).add_to_cohort(name, members)
    output.print(f"cohort {name}: added {', '.join(members)}", highlight=False)


@hub_app.command("instructor")
def hub_instructor(
    course: Annotated[str, typer.Argument(help="The course slug, e.g. kildekritikk.")],
    names: Annotated[list[str], typer.Argument(help="The instructors to add.")],
    state_dir: StateFolder = None,
    port: HubPort = None,
) -> None:
    """Make hub users instructors of a course: they read its answers in their own cohorts."""
    with _hub_errors():
        _admin(state_dir, port).add_instructors(course, names)
    output.print(f"instructors of {course}: added {', '.join(names)}", highlight=False)


@hub_app.command("groups")
def hub_groups(state_dir: StateFolder = None, port: HubPort = None) -> None:
    """List the cohorts and instructor groups with their members."""
    with _hub_errors():
        for group, members in _admin(state_dir, port).cohorts().items():
            output.print(f"{group}: {', '.join(members) or '(empty)'}", highlight=False)


@hub_app.command("k8s-values")
def hub_k8s_values(
    image: Annotated[str, typer.Option(help="The learners' image built from binder/, name:tag.")],
    service_image: Annotated[
        str,
        typer.Option(help="The answers service's image (kurskit, the course sources), name:tag."),
    ],
    courses: Annotated[
        Path, typer.Option(help="The course sources: one profile per published course.")
    ] = api.DEFAULT_COURSES_DIR,
    sso: Annotated[
        Path | None,
        typer.Option(help="TOML file with [oidc] or [lti13], as for `hub serve`."),
    ] = None,
    store_url: Annotated[
        str | None,
        typer.Option(help="PostgreSQL URL of the answer store, without a password."),
    ] = None,
    hub_db_url: Annotated[
        str | None,
        typer.Option(help="PostgreSQL URL of the hub's database, without a password."),
    ] = None,
    secret: Annotated[
        str | None,
        typer.Option(help="The Kubernetes Secret the passwords come from (default kurskit)."),
    ] = None,
    idle_timeout: Annotated[
        int | None,
        typer.Option(help="Seconds before an idle server is stopped (default: as `hub serve`)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the values to this file (default: stdout)."),
    ] = None,
) -> None:
    """Print Zero to JupyterHub helm values for this hub on Kubernetes (no secrets in them)."""
    with _hub_errors():
        values = api.k8s_values(
            image=image,
            service_image=service_image,
            courses=courses,
            sso=sso,
            store_url=store_url,
            hub_db_url=hub_db_url,
            secret=secret,
            idle_timeout=idle_timeout,
        )
    if out is None:
        typer.echo(values, nl=False)
    else:
        out.write_text(values, "utf-8")
        console.print(f"wrote {out}", highlight=False)


@app.command()
def agenda(
    course: CourseFolder,
    cohort: Annotated[
        str | None,
        typer.Option("--cohort", help="Participants: this hub cohort's learners (asks the hub)."),
    ] = None,
    learners: Annotated[
        str | None,
        typer.Option("--learners", help="Participants: these user names or pseudonyms, a,b,c."),
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the agenda as JSON, for machines.")
    ] = False,
    state_dir: StateFolder = None,
    port: HubPort = None,
) -> None:
    """Print the course's sessions with their pre- and post-tasks and who has done each."""
    import json

    from kurskit.hub.users import HubError
    from kurskit.insight.agenda_tables import agenda_tables
    from kurskit.store.errors import StoreError

    if cohort is not None and learners is not None:
        raise typer.BadParameter("name a cohort or learners, not both", param_hint="--learners")
    names = [name.strip() for name in (learners or "").split(",") if name.strip()]
    try:
        result = api.agenda(
            course,
            cohort=cohort,
            learners=names,
            cohorts=lambda: _admin(state_dir, port).cohorts(),
        )
    except (ValueError, HubError, StoreError) as error:
        print_error(error)
        raise typer.Exit(1) from None
    if json_output:
        typer.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
    else:
        output.print(agenda_tables(result))


@app.command()
def webinar(
    course: Annotated[str, typer.Argument(help="The course slug, e.g. kildekritikk.")],
    module: Annotated[str, typer.Argument(help="The module, e.g. 02-sok (suffix optional).")],
    state_dir: StateFolder = None,
    port: HubPort = None,
) -> None:
    """Print where to run a live session of a module on the hub: the instructor's dashboard,
    the participants' join link and the projector view."""
    try:
        links = api.webinar_links(
            course, module, settings=api.hub_settings(state_dir=state_dir, port=port)
        )
    except ValueError as error:
        print_error(error)
        raise typer.Exit(1) from None
    output.print(f"dashboard (instructors): {links.dashboard}", highlight=False, soft_wrap=True)
    output.print(f"participants join:       {links.join}", highlight=False, soft_wrap=True)
    output.print(f"projector view:          {links.projector}", highlight=False, soft_wrap=True)


insight_app = typer.Typer(
    name="insight",
    help="Statistics from the answers: collection periods, the self-assessment's cohort "
    "report, gap analysis, and a synthetic demo population.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(insight_app, name="insight")
period_app = typer.Typer(
    name="period",
    help="Collection periods of a course: answers carry the period open when given.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
insight_app.add_typer(period_app, name="period")

StoreUrl = Annotated[
    str | None,
    typer.Option("--store", help="URL of the answer store (default: the configured store)."),
]
ReportLanguage = Annotated[
    str | None,
    typer.Option("--language", help="nb, nn, sv, da or en (default: the course's language)."),
]


@contextlib.contextmanager
def _insight_errors() -> Iterator[None]:
    from kurskit.insight.course_data import CourseDataError
    from kurskit.insight.gaps import TargetsError
    from kurskit.insight.survey_data import SurveyDataError
    from kurskit.store.errors import StoreError
    from kurskit.store.periods import PeriodError

    try:
        yield
    except (
        StoreError,
        PeriodError,
        SurveyDataError,
        CourseDataError,
        TargetsError,
        ValueError,
    ) as error:
        print_error(error)
        raise typer.Exit(1) from None


@period_app.command("open")
def period_open(
    course: Annotated[str, typer.Argument(help="The course slug.")],
    name: Annotated[str, typer.Argument(help="The period's name, e.g. 2026-høst.")],
    store: StoreUrl = None,
) -> None:
    """Open a collection period: answers to the course carry it until it is closed."""
    with _insight_errors():
        period = api.open_period(course, name, url=store)
    output.print(f"{course}: period {period.name} is open", highlight=False)


@period_app.command("close")
def period_close(
    course: Annotated[str, typer.Argument(help="The course slug.")],
    store: StoreUrl = None,
) -> None:
    """Close the course's open collection period (a period is never reopened)."""
    with _insight_errors():
        period = api.close_period(course, url=store)
    output.print(f"{course}: period {period.name} is closed", highlight=False)


@period_app.command("list")
def period_list(
    course: Annotated[str, typer.Argument(help="The course slug.")],
    store: StoreUrl = None,
) -> None:
    """List the course's collection periods, oldest first."""
    with _insight_errors():
        periods = api.collection_periods(course, url=store)
    if not periods:
        output.print(f"{course} has no collection periods", highlight=False)
    for period in periods:
        closed = period.closed_at.strftime("%Y-%m-%d %H:%M UTC") if period.closed_at else "open"
        opened = period.opened_at.strftime("%Y-%m-%d %H:%M UTC")
        output.print(f"{period.name}\t{opened}\t{closed}", highlight=False)


@insight_app.command("survey")
def insight_survey(
    course: Annotated[str, typer.Argument(help="The survey course: a slug or a folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and the CSV files.")],
    period: Annotated[
        list[str] | None,
        typer.Option("--period", help="Only this period (repeat for more; default: all)."),
    ] = None,
    language: ReportLanguage = None,
    responses: Annotated[
        bool,
        typer.Option(
            "--responses", help="Also write responses.csv: a row per respondent, by pseudonym."
        ),
    ] = False,
    anonymise: Annotated[
        bool,
        typer.Option(
            "--anonymise",
            help="Also write responses.csv, anonymous: no pseudonym, workplace or municipality.",
        ),
    ] = False,
    store: StoreUrl = None,
    courses: CoursesFolder = api.DEFAULT_COURSES_DIR,
) -> None:
    """Write the cohort report of a self-assessment: levels, high self-raters and their
    change with 95 % intervals, groups (small ones hidden) and positive outliers."""
    with _insight_errors():
        files = api.survey_report(
            course,
            out=out,
            periods=period,
            language=language,
            responses="anonymous" if anonymise else "pseudonymous" if responses else "none",
            url=store,
            courses_dir=courses,
        )
    output.print(f"wrote {files[0]} and {len(files) - 1} CSV file(s)", highlight=False)


@insight_app.command("gaps")
def insight_gaps(
    course: Annotated[str, typer.Argument(help="The survey course: a slug or a folder.")],
    targets: Annotated[
        Path, typer.Option("--targets", help="YAML file of target levels per role.")
    ],
    out: Annotated[Path, typer.Option("--out", help="Folder for report.html and the CSV files.")],
    period: Annotated[
        str | None, typer.Option("--period", help="The period (default: the last).")
    ] = None,
    language: ReportLanguage = None,
    store: StoreUrl = None,
    courses: CoursesFolder = api.DEFAULT_COURSES_DIR,
) -> None:
    """Write the gap analysis: target levels per role against self-assessed levels, per
    competence, role and place, and the published courses that address the largest gaps."""
    with _insight_errors():
        files = api.gaps_report(
            course,
            targets=targets,
            out=out,
            period=period,
            language=language,
            url=store,
            courses_dir=courses,
        )
    output.print(f"wrote {files[0]} and {len(files) - 1} CSV file(s)", highlight=False)


@insight_app.command("course")
def insight_course(
    course: Annotated[str, typer.Argument(help="The course: a slug or a folder.")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the HTML pages and CSV files.")],
    cohort: Annotated[
        str | None, typer.Option("--cohort", help="Only this cohort's learners.")
    ] = None,
    cohorts: Annotated[
        Path | None,
        typer.Option(
            "--cohorts",
            help="YAML file of cohorts (cohort: [learners]); default: the hub's, with --cohort.",
        ),
    ] = None,
    period: Annotated[
        list[str] | None,
        typer.Option("--period", help="Only answers in this period (repeat for more)."),
    ] = None,
    language: ReportLanguage = None,
    comments: Annotated[
        bool,
        typer.Option("--comments", help="Also write comments.csv: every comment, by pseudonym."),
    ] = False,
    comments_with: Annotated[
        str | None,
        typer.Option("--comments-with", help="Only list comments containing this text."),
    ] = None,
    source_url: Annotated[
        str | None,
        typer.Option(
            "--source-url",
            help="Link question sources here (e.g. a repository's web address), not to files.",
        ),
    ] = None,
    issuer: Annotated[
        Path | None,
        typer.Option("--issuer", help="Issuer folder whose register counts certificates."),
    ] = None,
    store: StoreUrl = None,
    courses: CoursesFolder = api.DEFAULT_COURSES_DIR,
) -> None:
    """Write the course report: who starts and finishes (per module and cohort), scores,
    item analysis as Moodle's quiz statistics, distractors, feedback and webinar polls,
    with a one-page summary to print."""
    with _insight_errors():
        files = api.course_report(
            course,
            out=out,
            cohort=cohort,
            cohorts_file=cohorts,
            periods=period,
            language=language,
            comments="pseudonymous" if comments else "none",
            comments_containing=comments_with,
            source_url=source_url,
            issuer_dir=issuer,
            url=store,
            courses_dir=courses,
        )
    pages = [f for f in files if f.suffix == ".html"]
    output.print(
        f"wrote {', '.join(str(p) for p in pages)} and {len(files) - len(pages)} CSV file(s)",
        highlight=False,
    )


@insight_app.command("demo-data")
def insight_demo_data(
    courses_out: Annotated[
        Path, typer.Option("--courses-out", help="Where the demo survey course is written.")
    ] = Path("demo-courses"),
    people: Annotated[int, typer.Option(min=10, help="Staff in the population.")] = 5000,
    workplaces: Annotated[int, typer.Option(min=2, help="Libraries they work in.")] = 300,
    seed: Annotated[int, typer.Option(help="Seed of the random numbers.")] = 2026,
    store: Annotated[
        str,
        typer.Option(
            "--store",
            help="URL of the store to fill (required: demo data never goes to the configured "
            "store by accident).",
        ),
    ] = ...,  # type: ignore[assignment]
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Fill a store with a synthetic, clearly marked staff population answering the
    self-assessment in three periods (replacing an earlier demo population)."""
    with _insight_errors(), ProgressBar(enabled=progress, title="demo data") as report:
        demo = api.demo_data(
            courses_out=courses_out,
            url=store,
            people=people,
            workplaces=workplaces,
            seed=seed,
            progress=report,
        )
    output.print(
        f"{demo.answers:,} synthetic answers of {demo.people:,} staff in {demo.workplaces} "
        f"libraries, periods {', '.join(demo.periods)}; course {demo.course}; "
        f"{demo.attempts:,} answers to the published courses by {demo.cohorts} cohorts "
        f"(in {Path(courses_out) / 'cohorts.yml'})",
        highlight=False,
    )
