"""Kernels for grading: each submission gets a fresh sandboxed kernel of its own, started ahead
of time so that kernel start-up stays off the critical path.

A kernel is never reused: after one submission it is killed with everything it started.
Kernels talk over IPC sockets under an absolute, private folder per kernel, so parallel
kernels cannot collide on TCP ports (plain nbgrader's parallel runs do) and no port is open.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jupyter_client.blocking.client import BlockingKernelClient
from jupyter_client.manager import KernelManager

from kurskit.jupyter.sandboxed_kernel import SandboxedLaunch
from kurskit.sandbox import Limits, sandbox_environment

KERNEL_NAME = "python3"
STARTUP_TIMEOUT = 60.0
#: Seconds to wait for a killed launcher to end (SIGKILL ends it at once; this only bounds it).
KILL_WAIT = 10.0


class SandboxKernelManager(SandboxedLaunch, KernelManager):
    """A KernelManager whose kernel runs inside the grading sandbox, in its own folder.

    It is started from one thread and driven by nbclient from another, so its clients are
    asynchronous ones, each bound to the event loop of the thread that makes it."""

    client_class = "jupyter_client.asynchronous.AsyncKernelClient"

    def __init__(self, workdir: Path, limits: Limits, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workdir = workdir
        self.limits = limits


@dataclass
class GradingKernel:
    """A started kernel, ready for one submission."""

    manager: SandboxKernelManager
    workdir: Path
    killed: threading.Event = field(default_factory=threading.Event)

    def kill(self) -> None:
        """Kill the kernel and all it started, from any thread; safe to call twice."""
        self.killed.set()
        provisioner = self.manager.provisioner
        process = getattr(provisioner, "process", None)
        if process is not None and process.poll() is None:
            process.kill()
            # Reaped here, as it ends: nothing else waits for a launcher killed mid-run, and a
            # long grading run would collect one zombie per killed kernel until it exits.
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=KILL_WAIT)

    def close(self) -> None:
        """Kill the kernel and remove its folder."""
        self.kill()
        with contextlib.suppress(Exception):  # best effort: the folder goes next anyway
            self.manager.cleanup_resources()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_kernel(limits: Limits, extra_arguments: list[str], env: dict[str, str]) -> GradingKernel:
    """Start one sandboxed kernel in a fresh private folder and wait until it answers."""
    workdir = Path(tempfile.mkdtemp(prefix="kurskit-grade-"))
    manager = SandboxKernelManager(workdir, limits, kernel_name=KERNEL_NAME)
    # The submission's own files go beside the sockets' folder, in workdir.
    for name, value in manager.private_sockets().items():
        setattr(manager, name, value)
    kernel = GradingKernel(manager, workdir)
    try:
        # The kernel's own output (its banner, crashes) goes to a log in its folder, not ours.
        with (workdir / ".kernel" / "kernel.log").open("wb") as log:
            manager.start_kernel(
                extra_arguments=extra_arguments,
                cwd=str(workdir),
                env={**sandbox_environment(workdir), **env},
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        # Bound to the manager, the client asks the process whether the kernel lives; its
        # heartbeat alone would call a kernel dead that is only slow on a loaded machine.
        client = BlockingKernelClient(connection_file=manager.connection_file, parent=manager)
        client.load_connection_file()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=STARTUP_TIMEOUT)
        finally:
            client.stop_channels()
    except BaseException:
        kernel.close()
        raise
    return kernel


class KernelPool:
    """Keeps `ahead` kernels starting or ready; each `take()` hands out a fresh one."""

    def __init__(
        self,
        ahead: int,
        limits: Limits,
        extra_arguments: list[str],
        env: dict[str, str] | None = None,
    ) -> None:
        self.limits = limits
        self.extra_arguments = extra_arguments
        self.env = env or {}
        self._starter = ThreadPoolExecutor(max_workers=max(1, ahead), thread_name_prefix="kernel")
        self._ready: deque[Future[GradingKernel]] = deque()
        self._lock = threading.Lock()
        for _ in range(max(1, ahead)):
            self._ready.append(self._start())

    def _start(self) -> Future[GradingKernel]:
        return self._starter.submit(start_kernel, self.limits, self.extra_arguments, self.env)

    def take(self) -> GradingKernel:
        """A started kernel for one submission (the pool starts another in its place)."""
        with self._lock:
            future = self._ready.popleft()
            self._ready.append(self._start())
        return future.result()

    def close(self) -> None:
        """Stop starting kernels and kill those not handed out."""
        self._starter.shutdown(wait=True, cancel_futures=True)
        while self._ready:
            future = self._ready.popleft()
            if future.cancelled():
                continue
            with contextlib.suppress(Exception):  # one that failed to start has nothing to close
                future.result().close()
