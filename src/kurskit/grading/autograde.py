"""kurskit's autograder: nbgrader's grading, run in parallel, in sandboxed kernels, and never
silent about a submission it could not grade.

Per submission, in the main thread: register it in nbgrader's gradebook, restore the notebook
to its released shape (see `tamper`), and apply nbgrader's own sanitizing preprocessors. Then,
in a worker thread, execute it with nbgrader's executor in a fresh sandboxed kernel taken
from a pool of kernels started ahead. Back in the main thread: mark tests that did not really
pass (see `marks`), score widget questions from the store, and let nbgrader's own
preprocessors save the grades. Every submission ends up graded or flagged with its reasons.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from kurskit.course.hidden_execution import HiddenCheck
from kurskit.grading.execution import Execution, RunLimits, execute
from kurskit.grading.hidden import hidden_checks
from kurskit.grading.kernels import GradingKernel, KernelPool
from kurskit.grading.marks import (
    failures,
    is_widget_question,
    mark_cut_off,
    mark_failed_answers,
    mark_hidden_tests,
    mark_not_run,
    mark_timed_out,
    put_widget_score,
)
from kurskit.grading.nbgrader_course import (
    NbgraderCourse,
    open_course,
    quiet_submission_warnings,
    require_gradable,
)
from kurskit.grading.reports import SubmissionReport, write_report
from kurskit.grading.submissions import (
    Submission,
    UnreadableNotebookError,
    autograded_folder,
    find_submissions,
    read_submitted_notebook,
)
from kurskit.grading.tamper import grade_id as grade_id_of
from kurskit.grading.tamper import restore
from kurskit.grading.widget_scores import WidgetScorer
from kurskit.progress import ProgressCallback
from kurskit.sandbox import Limits

SANITIZE = [ClearOutput, DeduplicateIds, OverwriteKernelspec, OverwriteCells, CheckCellMetadata]
AFTER_EXECUTION = [
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]
#: Kernel options nbgrader's executor gives Python kernels (no history file on disk).
KERNEL_ARGUMENTS = ["--HistoryManager.hist_file=:memory:"]
#: Starting a kernel is retried this often before a submission is flagged (nbgrader declares
#: Execute.execute_retries but never uses it).
KERNEL_START_ATTEMPTS = 2


@dataclass(frozen=True)
class AutogradeOptions:
    """Which submissions to grade and how."""

    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    students: tuple[str, ...] = ()
    only_new: bool = False
    limits: Limits = field(default_factory=Limits)
    run: RunLimits = field(default_factory=RunLimits)


@dataclass
class _Notebook:
    """One notebook of a submission on its way through grading."""

    name: str
    notebook: nbformat.NotebookNode
    resources: dict[str, Any]
    widgets: dict[int, str] = field(default_factory=dict)
    unread: str = ""  # why the submitted notebook could not be used, if it could not


@dataclass
class _Work:
    course: NbgraderCourse
    submission: Submission
    report: SubmissionReport
    notebooks: list[_Notebook] = field(default_factory=list)

    @property
    def folder(self) -> Path:
        return autograded_folder(self.course.root, self.submission)


def autograde(
    course_root: Path,
    assignment: str,
    options: AutogradeOptions = AutogradeOptions(),
    scorer: WidgetScorer | None = None,
    on_progress: ProgressCallback | None = None,
) -> list[SubmissionReport]:
    """Grade the chosen submissions of an assignment; a report for every one of them."""
    require_gradable(course_root, assignment)  # before any submission touches the gradebook
    course = open_course(course_root)
    submissions = find_submissions(
        course.root, assignment, list(options.students), only_new=options.only_new
    )
    progress = on_progress or (lambda done, total, what: None)
    reports: list[SubmissionReport] = []
    if not submissions:
        return reports
    started = time.perf_counter()
    hidden = hidden_checks(course.root, assignment)
    jobs = max(1, options.jobs)
    pool = KernelPool(jobs, options.limits, KERNEL_ARGUMENTS, {"NBGRADER_EXECUTION": "autograde"})
    try:
        with ThreadPoolExecutor(jobs, thread_name_prefix="grade") as workers:
            running: dict[Future[Execution], tuple[_Work, _Notebook]] = {}
            waiting: dict[int, int] = {}
            for submission in submissions:
                try:
                    work = _prepare(course, submission)
                except Exception as error:  # this learner's problem only: reported, run goes on
                    work = _Work(
                        course,
                        submission,
                        SubmissionReport(
                            student=submission.student,
                            assignment=assignment,
                            timestamp=submission.timestamp,
                        ),
                    )
                    _give_up(work, "", error)
                waiting[id(work)] = len(work.notebooks)
                if not work.notebooks:
                    _finish(course, work, started)
                    reports.append(work.report)
                    progress(len(reports), len(submissions), submission.student)
                for item in work.notebooks:
                    if item.unread:  # nothing to run: scored as it stands
                        future: Future[Execution] = Future()
                        future.set_result(Execution(item.notebook, [item.unread]))
                    else:
                        future = workers.submit(_run, pool, work, item, options.run, hidden)
                    running[future] = (work, item)
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    work, item = running.pop(future)
                    try:
                        _after_execution(course, work, item, future.result(), scorer, set(hidden))
                    except Exception as error:  # reported for this learner, the run goes on
                        _give_up(work, item.name, error)
                    waiting[id(work)] -= 1
                    if waiting[id(work)] == 0:
                        _finish(course, work, started)
                        reports.append(work.report)
                        progress(len(reports), len(submissions), work.submission.student)
    finally:
        pool.close()
    return sorted(reports, key=lambda report: report.student)


def _prepare(course: NbgraderCourse, submission: Submission) -> _Work:
    """Register the submission, copy its files, and sanitize each notebook (main thread)."""
    student, assignment = submission.student, submission.assignment
    report = SubmissionReport(student, assignment, submission.timestamp)
    work = _Work(course, submission, report)
    source = course.folder("source", ".", assignment)
    dest = work.folder
    with Gradebook(course.db_url, course.course_id) as gradebook:
        gradebook.update_or_create_student(student)
        timestamp = course.folders.get_existing_timestamp(str(submission.folder))
        extra = {"timestamp": timestamp} if timestamp else {}
        with quiet_submission_warnings():
            gradebook.update_or_create_submission(assignment, student, **extra)
        notebooks = [nb.name for nb in gradebook.find_assignment(assignment).notebooks]
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(
        submission.folder, dest, ignore=shutil.ignore_patterns("*.ipynb"), symlinks=True
    )
    for path in source.rglob("*"):
        if path.is_file() and path.suffix != ".ipynb":
            target = dest / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    for name in sorted(notebooks):
        resources = {
            "unique_key": name,
            "output_files_dir": f"{name}_files",
            "nbgrader": {
                "student": student,
                "assignment": assignment,
                "notebook": name,
                "db_url": course.db_url,
            },
        }
        released = nbformat.read(
            course.folder("release", ".", assignment) / f"{name}.ipynb", as_version=4
        )
        path = submission.folder / f"{name}.ipynb"
        unread = ""
        try:
            if not path.is_file():
                raise UnreadableNotebookError("the notebook was not submitted")
            notebook, changes = restore(read_submitted_notebook(path), released)
            report.reasons += [f"{name}: {change}" for change in changes]
            notebook, resources = _apply(SANITIZE, course, notebook, resources)
        except Exception as error:
            # nbgrader's checks reject forged notebooks; an unreadable one is just as lost. The
            # released notebook stands in: nothing runs, widget answers count from the store,
            # and the learner's feedback says what happened.
            why = (
                str(error)
                if isinstance(error, UnreadableNotebookError)
                else (f"rejected by nbgrader's checks: {error}")
            )
            report.reasons.append(f"{name}: {why}")
            report.unreadable = True
            unread = f"the submitted notebook could not be graded: {why}"
            notebook, resources = _apply(SANITIZE, course, released, resources)
        item = _Notebook(name, notebook, resources, unread=unread)
        for index, cell in enumerate(notebook.cells):
            if is_widget_question(cell):
                item.widgets[index] = cell.source
                cell.source = ""  # never executed: scored from the store afterwards
        work.notebooks.append(item)
    return work


def _apply(
    steps: list[Any], course: NbgraderCourse, notebook: nbformat.NotebookNode, resources: Any
) -> tuple[nbformat.NotebookNode, Any]:
    for step in steps:
        notebook, resources = step(config=course.config)(notebook, resources)
    return notebook, resources


def _run(
    pool: KernelPool,
    work: _Work,
    item: _Notebook,
    limits: RunLimits,
    hidden: dict[str, HiddenCheck],
) -> Execution:
    """Execute one notebook in a fresh kernel, hidden tests outside it (worker thread)."""
    kernel: GradingKernel | None = None
    failure = ""
    for _ in range(KERNEL_START_ATTEMPTS):
        try:
            kernel = pool.take()
            break
        except Exception as error:  # retried, then reported for this learner
            failure = f"{type(error).__name__}: {error}"
    if kernel is None:
        return Execution(item.notebook, [f"no kernel could be started: {failure}"])
    for path in work.folder.rglob("*"):  # the assignment's data files, beside the notebook
        if path.is_file() and not path.is_symlink() and path.suffix != ".ipynb":
            target = kernel.workdir / path.relative_to(work.folder)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    return execute(item.notebook, kernel, work.course.config, limits, hidden)


def _after_execution(
    course: NbgraderCourse,
    work: _Work,
    item: _Notebook,
    run: Execution,
    scorer: WidgetScorer | None,
    hidden: set[str],
) -> None:
    """Mark what did not pass, score widget questions, save grades, write the notebook."""
    notebook = run.notebook
    reasons = work.report.reasons
    for index, source in item.widgets.items():
        notebook.cells[index].source = source
    if run.timed_out and run.cell_seconds is not None:
        for why in mark_timed_out(notebook, run.timed_out, run.cell_seconds):
            reasons.append(f"{item.name}: {why}")
    if not item.unread:
        reasons += [f"{item.name}: {why}" for why in run.stopped]
    if run.stopped:
        why = "; ".join(run.stopped)
        cut = mark_cut_off(notebook, run.cut_off, why) if run.cut_off is not None else None
        if cut is not None:
            reasons.append(f"{item.name}: test {cut} was cut off, scored 0")
        for grade_id in mark_not_run(notebook, why):
            reasons.append(f"{item.name}: cell {grade_id} did not run, scored 0")
    for why, needs_a_look in mark_hidden_tests(notebook, hidden, run.verdicts):
        (reasons if needs_a_look else work.report.failures).append(f"{item.name}: {why}")
    reasons += [f"{item.name}: {why}" for why in mark_failed_answers(notebook)]
    for index in item.widgets:
        cell = notebook.cells[index]
        if scorer is None:
            put_widget_score(cell, 0.0, "No answer store was given, so this scores 0.")
            work.report.reasons.append(
                f"{item.name}: cell {grade_id_of(cell)} scored 0: no answer store"
            )
            continue
        points, note = scorer.score(work.submission.student, work.submission.assignment, cell)
        put_widget_score(cell, points, note)
    work.report.failures += [f"{item.name}: {failure}" for failure in failures(notebook)]
    _apply(AFTER_EXECUTION, course, notebook, item.resources)
    nbformat.write(notebook, work.folder / f"{item.name}.ipynb")


def first_line(error: BaseException) -> str:
    """An exception as one line for a report: its type and the first line of its message."""
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0]}" if message else type(error).__name__


def _give_up(work: _Work, notebook: str, error: BaseException) -> None:
    """Score 0, with the reason, what could not be graded (one notebook, or all of them)."""
    where = f"{notebook}: " if notebook else ""
    work.report.reasons.append(f"{where}could not be graded: {first_line(error)}")
    names = [notebook] if notebook else None
    with contextlib.suppress(Exception):  # not even registered: nothing to zero
        _zero(work.course, work.submission, *(names or _notebook_names(work.course, work)))


def _notebook_names(course: NbgraderCourse, work: _Work) -> list[str]:
    with Gradebook(course.db_url, course.course_id) as gradebook:
        assignment = gradebook.find_assignment(work.submission.assignment)
        return [notebook.name for notebook in assignment.notebooks]


def _zero(course: NbgraderCourse, submission: Submission, *notebooks: str) -> None:
    """Score 0 for every grade of a notebook that could not be graded (as nbgrader does for a
    missing one), so that nothing is left looking ungraded."""
    with Gradebook(course.db_url, course.course_id) as gradebook:
        for notebook in notebooks:
            graded = gradebook.find_submission_notebook(
                notebook, submission.assignment, submission.student
            )
            for grade in graded.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gradebook.db.commit()


def _finish(course: NbgraderCourse, work: _Work, started: float) -> None:
    """Read the submission's total from the gradebook and keep the report beside it."""
    report = work.report
    try:
        with Gradebook(course.db_url, course.course_id) as gradebook:
            graded = gradebook.find_submission(report.assignment, report.student)
            report.score = float(graded.score)
            report.max_score = float(graded.max_score)
            report.needs_manual_grade = bool(graded.needs_manual_grade)
    except MissingEntry:
        report.reasons.append("the submission is not in the gradebook")
    report.finished_after = round(time.perf_counter() - started, 3)
    write_report(course.root, report)
