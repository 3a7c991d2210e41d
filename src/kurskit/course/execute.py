"""Run course notebooks top to bottom in fresh kernels, and model solutions against their tests."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from kurskit.course.hidden_execution import HiddenCheck, HiddenTestsClient
from kurskit.course.hidden_tests import HiddenTests, HiddenTestsError
from kurskit.course.limits import DEFAULT_CELL_TIMEOUT
from kurskit.course.notebook import CourseNotebook
from kurskit.course.problems import Problem
from kurskit.course.questions import CodeExercise

DEFAULT_KERNEL = "python3"


@dataclass(frozen=True)
class ExecutionSettings:
    """How notebooks are run when checking."""

    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    kernel_name: str = DEFAULT_KERNEL


def execute_notebook(
    notebook: CourseNotebook, settings: ExecutionSettings = ExecutionSettings()
) -> list[Problem]:
    """Run a copy of the notebook in a fresh kernel in its own folder; report the first failure."""
    if notebook.notebook is None:
        return []
    copy = nbformat.from_dict(notebook.notebook)
    problem = _run(copy, notebook.path.parent, settings, notebook.display_path, "").failure
    return [problem] if problem else []


def check_code_solutions(
    notebook: CourseNotebook, settings: ExecutionSettings = ExecutionSettings()
) -> list[Problem]:
    """Run each code exercise's model solution against its visible tests in a kernel, and
    its hidden tests outside it, as the grader does."""
    problems: list[Problem] = []
    for cell in notebook.questions:
        spec = cell.spec
        if not isinstance(spec, CodeExercise):
            continue
        tests = nbformat.v4.new_code_cell(spec.tests or "pass")
        tests.metadata["nbgrader"] = {"grade_id": spec.id}
        trial = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(spec.solution), tests])
        timeout = min(settings.cell_timeout, spec.timeout)
        limited = ExecutionSettings(cell_timeout=timeout, kernel_name=settings.kernel_name)
        field = f"question {spec.id}"
        hidden: dict[str, HiddenCheck] = {}
        if spec.hidden_tests.strip():
            try:
                hidden[spec.id] = HiddenCheck(HiddenTests.parse(spec.hidden_tests), timeout)
            except HiddenTestsError:
                continue  # reported by the course check already, with its line
        client = _run(trial, notebook.path.parent, limited, notebook.display_path, field, hidden)
        failure = client.failure
        verdict = client.hidden_verdicts.get(spec.id)
        if failure is None and hidden and (verdict is None or not verdict.passed):
            reason = verdict.reason if verdict is not None else "they did not run"
            failure = Problem(notebook.display_path, None, field, f"hidden tests: {reason}")
        if failure:
            problems.append(
                Problem(
                    failure.file,
                    cell.line,
                    field,
                    "the model solution does not pass its tests: " + failure.message,
                )
            )
    return problems


class _CheckingClient(HiddenTestsClient):
    """A notebook client that runs hidden tests and keeps the first failure it met."""

    failure: Problem | None = None


def _run(
    notebook: nbformat.NotebookNode,
    folder: Path,
    settings: ExecutionSettings,
    display_path: str,
    field: str,
    hidden: dict[str, HiddenCheck] | None = None,
) -> _CheckingClient:
    with tempfile.TemporaryDirectory(prefix="kurskit-kernel-") as sockets:
        # IPC sockets under an absolute private path: no TCP ports to collide or to expose.
        manager = AsyncKernelManager(
            kernel_name=settings.kernel_name, transport="ipc", ip=str(Path(sockets) / "kernel")
        )
        client = _CheckingClient(
            notebook,
            km=manager,
            timeout=settings.cell_timeout,
            resources={"metadata": {"path": str(folder)}},
            allow_errors=False,
            hidden=hidden,
        )
        client.failure = _outcome(client, notebook, settings, display_path, field)
        return client


def _outcome(
    client: HiddenTestsClient,
    notebook: nbformat.NotebookNode,
    settings: ExecutionSettings,
    display_path: str,
    field: str,
) -> Problem | None:
    try:
        # We made the kernel manager, so nbclient would leave the kernel running: ask it not to.
        client.execute(cleanup_kc=True)
    except CellTimeoutError:
        index = _failed_cell(notebook)
        return Problem(
            display_path,
            None,
            field or _cell_label(index),
            f"a cell ran longer than {settings.cell_timeout} s",
        )
    except CellExecutionError as error:
        index = _failed_cell(notebook)
        summary = f"{error.ename}: {error.evalue}".strip()
        return Problem(display_path, None, field or _cell_label(index), f"a cell failed: {summary}")
    except DeadKernelError:
        return Problem(display_path, None, field, "the kernel died while running the notebook")
    return None


def _failed_cell(notebook: nbformat.NotebookNode) -> int | None:
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type != "code":
            continue
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return index
    return None


def _cell_label(index: int | None) -> str:
    return f"cell {index + 1}" if index is not None else ""
