"""Running hidden tests while a notebook executes: after the cell that holds an exercise's
visible tests, its hidden tests run here against the kernel's state at that point."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from jupyter_core.utils import ensure_async, run_sync
from nbclient import NotebookClient

from kurskit.course.hidden_tests import HiddenTests, Verdict, run_in_thread
from kurskit.course.kernel_calls import KernelCalls


@dataclass(frozen=True)
class HiddenCheck:
    """One exercise's hidden tests and how long each call into the kernel may take."""

    tests: HiddenTests
    call_seconds: float


def cell_key(cell: Any) -> str | None:
    """The grade id that ties a test cell to its hidden tests."""
    meta = cell.get("metadata", {}).get("nbgrader", {})
    key = meta.get("grade_id") if isinstance(meta, dict) else None
    return str(key) if key else None


class HiddenTestsClient(NotebookClient):
    """A notebook client that runs hidden tests after their test cell (a mixin: put it before
    the executor class it extends). Verdicts are kept by grade id in `hidden_verdicts`."""

    def __init__(self, *args: Any, hidden: dict[str, HiddenCheck] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.hidden_checks: dict[str, HiddenCheck] = hidden or {}
        self.hidden_verdicts: dict[str, Verdict] = {}

    def execute_cell(self, *args: Any, **kwargs: Any) -> Any:
        # nbclient binds `execute_cell` to its own `async_execute_cell` when the class is made,
        # and nbconvert's executor calls it: make it reach the overrides.
        return run_sync(self.async_execute_cell)(*args, **kwargs)

    def count_message(self, message: dict[str, Any]) -> None:
        """Called with each output message of a hidden call (which never reaches the notebook)."""

    async def async_execute_cell(
        self,
        cell: Any,
        cell_index: int,
        execution_count: int | None = None,
        store_history: bool = True,
    ) -> Any:
        cell = await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        key = cell_key(cell)
        check = self.hidden_checks.get(key or "")
        if check is None or key is None or cell.get("cell_type") != "code":
            return cell
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            return cell  # the visible tests failed: the exercise scores 0 either way
        manager = self.km
        assert manager is not None  # a cell runs only in a started kernel
        calls = KernelCalls(
            self.kc,
            asyncio.get_running_loop(),
            check.call_seconds,
            interrupt=lambda: ensure_async(manager.interrupt_kernel()),
            on_message=self.count_message,
        )
        self.hidden_verdicts[key] = await asyncio.to_thread(run_in_thread, check.tests, calls)
        return cell
