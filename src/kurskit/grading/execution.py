"""Run one submission in its own grading kernel with nbgrader's executor, within a wall-clock
limit and an output limit, and say what stopped it if something did."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

import nbformat
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets.config import Config

from kurskit.grading.kernels import GradingKernel

DEFAULT_WALL_SECONDS = 120.0
DEFAULT_OUTPUT_BYTES = 2 << 20


@dataclass(frozen=True)
class RunLimits:
    """What one submission may use, besides the kernel's own rlimits."""

    wall_seconds: float = DEFAULT_WALL_SECONDS
    output_bytes: int = DEFAULT_OUTPUT_BYTES


@dataclass
class Execution:
    """An executed notebook and, when the run stopped early, why."""

    notebook: nbformat.NotebookNode
    stopped: list[str] = field(default_factory=list)


class GuardedExecute(Execute):  # type: ignore[misc]
    """nbgrader's executor, stopping a kernel that floods output (counted as it arrives)."""

    def __init__(self, kernel: GradingKernel, output_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grading_kernel = kernel
        self.output_budget = output_bytes
        self.flooded = False

    def output(
        self,
        outs: list[nbformat.NotebookNode],
        msg: dict[str, Any],
        display_id: str | None,
        cell_index: int,
    ) -> nbformat.NotebookNode | None:
        self.output_budget -= _size(msg.get("content", {}))
        if self.output_budget < 0:
            if not self.flooded:
                self.flooded = True
                self.grading_kernel.kill()
            return None
        return super().output(outs, msg, display_id, cell_index)


def _size(content: Any) -> int:
    if isinstance(content, str):
        return len(content)
    if isinstance(content, dict):
        return sum(_size(key) + _size(value) for key, value in content.items())
    if isinstance(content, list | tuple):
        return sum(_size(item) for item in content)
    return 8


def execute(
    notebook: nbformat.NotebookNode,
    kernel: GradingKernel,
    config: Config,
    limits: RunLimits = RunLimits(),
) -> Execution:
    """Execute `notebook` in place in `kernel`, then kill the kernel with all it started."""
    executor = GuardedExecute(kernel, limits.output_bytes, config=config)
    timer = threading.Timer(limits.wall_seconds, kernel.kill)
    timer.daemon = True
    run = Execution(notebook)
    timer.start()
    try:
        executor.preprocess(
            notebook, {"metadata": {"path": str(kernel.workdir)}}, km=kernel.manager
        )
    except (DeadKernelError, CellTimeoutError) as error:
        run.stopped.append(_why(kernel, executor, limits, error))
    except Exception as error:  # any failure is reported for this learner only
        if kernel.killed.is_set():
            run.stopped.append(_why(kernel, executor, limits, error))
        else:
            message = str(error).strip().splitlines() or [""]
            run.stopped.append(f"grading stopped: {type(error).__name__}: {message[0]}")
    finally:
        timer.cancel()
        kernel.close()
    return run


def _why(
    kernel: GradingKernel, executor: GuardedExecute, limits: RunLimits, error: Exception
) -> str:
    if executor.flooded:
        megabytes = limits.output_bytes / (1 << 20)
        return f"the notebook printed more than {megabytes:g} MB of output and was stopped"
    if kernel.killed.is_set():
        return (
            f"the notebook ran longer than the limit of {limits.wall_seconds:g} s and was stopped"
        )
    if isinstance(error, CellTimeoutError):
        return f"a cell did not finish within {executor.timeout} s and could not be interrupted"
    process = getattr(kernel.manager.provisioner, "process", None)
    code = process.poll() if process is not None else None
    status = f", exit status {code}" if code is not None else ""
    return f"the kernel died (the code exited, crashed, or ran out of memory{status})"
