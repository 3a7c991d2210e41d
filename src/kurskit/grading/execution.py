"""Run one submission in its own grading kernel with nbgrader's executor, within a wall-clock
limit and an output limit, with each exercise's hidden tests run outside the kernel after its
test cell; say what stopped the run if something did, and which cell it cut off."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import nbformat
from jupyter_core.utils import run_sync
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbgrader.preprocessors import Execute
from traitlets.config import Config

from kurskit.course.hidden_execution import HiddenCheck, HiddenTestsClient
from kurskit.course.hidden_tests import Verdict
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
    """An executed notebook; when the run stopped early, why and the cell it cut off; the
    cells stopped by the per-cell time limit; the verdicts of hidden tests by grade id."""

    notebook: nbformat.NotebookNode
    stopped: list[str] = field(default_factory=list)
    cut_off: int | None = None
    timed_out: list[int] = field(default_factory=list)
    cell_seconds: int | None = None
    verdicts: dict[str, Verdict] = field(default_factory=dict)


class GuardedExecute(HiddenTestsClient, Execute):  # type: ignore[misc]
    """nbgrader's executor, running hidden tests outside the kernel, stopping a kernel that
    floods output (counted as it arrives), and keeping which cell was running and which
    cells ran out of time."""

    def __init__(self, kernel: GradingKernel, output_bytes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.grading_kernel = kernel
        self.output_budget = output_bytes
        self.flooded = False
        self.running: int | None = None
        self.timed_out: list[int] = []

    async def async_execute_cell(
        self,
        cell: Any,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        self.running = cell_index
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self.running = None
        return cell

    async def _async_handle_timeout(self, timeout: int, cell: Any = None) -> Any:
        if self.running is not None:
            self.timed_out.append(self.running)
        return await super()._async_handle_timeout(timeout, cell)

    def count_message(self, message: dict[str, Any]) -> None:
        self._spend(_size(message.get("content", {})))

    async def async_start_new_kernel_client(self) -> Any:
        client = await super().async_start_new_kernel_client()
        client.session.deserialize = checked_deserialize(client.session.deserialize, self._spend)
        return client

    def start_new_kernel_client(self) -> Any:
        # nbclient binds the sync name to its own coroutine when the class is made, and
        # nbconvert's executor calls the sync name: make it reach the override above.
        return run_sync(self.async_start_new_kernel_client)()

    def _spend(self, size: int) -> None:
        self.output_budget -= size
        if self.output_budget < 0 and not self.flooded:
            self.flooded = True
            self.grading_kernel.kill()

    def output(
        self,
        outs: list[nbformat.NotebookNode],
        msg: dict[str, Any],
        display_id: str | None,
        cell_index: int,
    ) -> nbformat.NotebookNode | None:
        self._spend(_size(msg.get("content", {})))
        if self.flooded:
            return None
        return super().output(outs, msg, display_id, cell_index)


#: What a message that failed its signature check becomes: one no cell waits for.
IGNORED: dict[str, Any] = {
    "header": {"msg_id": "", "msg_type": "kurskit_ignored"},
    "parent_header": {},
    "metadata": {},
    "content": {},
    "buffers": [],
    "msg_id": "",
    "msg_type": "kurskit_ignored",
}


def checked_deserialize(
    deserialize: Callable[..., dict[str, Any]], spend: Callable[[int], None]
) -> Callable[..., dict[str, Any]]:
    """The kernel client's `Session.deserialize`, made to drop a message whose signature fails
    instead of ending the whole run: the message is never used, and its bytes still count
    toward the output limit (a kernel flooding its channels can garble them)."""

    def checked(msg_list: list[Any], content: bool = True, copy: bool = True) -> dict[str, Any]:
        try:
            return deserialize(msg_list, content=content, copy=copy)
        except ValueError as error:
            if "Signature" not in str(error):
                raise
            spend(sum(len(memoryview(part)) for part in msg_list))
            return dict(IGNORED)

    checked.kurskit_checked = True  # type: ignore[attr-defined]
    return checked


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
    hidden: dict[str, HiddenCheck] | None = None,
) -> Execution:
    """Execute `notebook` in place in `kernel`, with the hidden tests by test cell grade id,
    then kill the kernel with all it started."""
    executor = GuardedExecute(kernel, limits.output_bytes, config=config, hidden=hidden)
    timer = threading.Timer(limits.wall_seconds, kernel.kill)
    timer.daemon = True
    run = Execution(notebook, cell_seconds=executor.timeout)
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
    if run.stopped:
        run.cut_off = executor.running
    run.timed_out = list(executor.timed_out)
    run.verdicts = dict(executor.hidden_verdicts)
    return run


def _why(
    kernel: GradingKernel, executor: GuardedExecute, limits: RunLimits, error: Exception
) -> str:
    if executor.flooded:
        megabytes = limits.output_bytes / (1 << 20)
        return f"the notebook printed more than {megabytes:g} MB of output and was stopped"
    if kernel.killed.is_set():
        return f"time limit of {limits.wall_seconds:g} s exceeded: the notebook was stopped"
    if isinstance(error, CellTimeoutError):
        return f"time limit of {executor.timeout} s exceeded: the cell could not be interrupted"
    process = getattr(kernel.manager.provisioner, "process", None)
    code = process.poll() if process is not None else None
    status = f", exit status {code}" if code is not None else ""
    return f"the kernel died (the code exited, crashed, or ran out of memory{status})"
