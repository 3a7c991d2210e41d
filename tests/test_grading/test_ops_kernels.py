"""Grading kernels: a killed kernel's sandbox launcher is reaped as it ends, not left a zombie
until the grader exits."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from kurskit.grading.autograde import KERNEL_ARGUMENTS
from kurskit.grading.kernels import start_kernel
from kurskit.sandbox import Limits

pytestmark = pytest.mark.slow


def process_state(pid: int) -> str | None:
    """A process's state letter from /proc (`Z`: a zombie), or None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


def test_a_killed_kernels_launcher_is_reaped() -> None:
    kernel = start_kernel(Limits(), KERNEL_ARGUMENTS, {})
    try:
        launcher = kernel.manager.provisioner.process  # type: ignore[union-attr]
        assert process_state(launcher.pid) not in (None, "Z")
        kernel.kill()
        state = process_state(launcher.pid)
        deadline = time.monotonic() + 5
        while state not in (None, "Z") and time.monotonic() < deadline:
            time.sleep(0.05)
            state = process_state(launcher.pid)
        assert state is None, f"the killed launcher {launcher.pid} is in state {state}"
    finally:
        kernel.close()
