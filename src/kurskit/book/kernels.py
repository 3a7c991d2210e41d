"""A kernel started ahead for a builder kept alive, so a rebuild after a code edit needn't wait."""

from __future__ import annotations

import contextlib
import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Where the book's notebooks are executed: (kernel name, "" for the default; working folder).
Place = tuple[str, str]


def kernel_name(notebook: Any, options: dict[str, Any]) -> str:
    """The kernel nbclient starts for this notebook ("" for jupyter_client's default)."""
    spec = notebook.metadata.get("kernelspec", {})
    return str(options.get("kernel_name") or spec.get("name") or "")


@dataclass
class _Spare:
    place: Place
    manager: Any  # jupyter_client AsyncKernelManager
    client: Any  # its AsyncKernelClient, connected since the kernel was started


class SpareKernels:
    """One kernel started ahead, in the place the next notebook will most likely run.

    myst-nb executes a changed notebook through jupyter-cache and nbclient, which start a
    kernel for it and connect to it: over a second before the first cell runs, and more to shut
    it down. While `lend()` is active, a notebook executed with the spare's kernel name and
    working folder gets the spare instead. The spare was started as nbclient would start it
    (same kernel, folder and arguments) and runs this one notebook only; it is then shut down
    in the background. Anything unexpected falls back to nbclient's own way.
    """

    def __init__(self) -> None:
        self._spare: _Spare | None = None
        self._last: Place | None = None
        self._stopping: list[threading.Thread] = []

    def prepare(self, guess: Place | None) -> None:
        """Have a kernel ready where the last notebook ran (or at `guess` before any ran)."""
        place = self._last or guess
        if place is None:
            return
        place = (place[0], str(Path(place[1]).resolve()))
        if self._spare is not None:
            if self._spare.place == place and _alive(self._spare.manager):
                return
            self._stop(self._spare)
            self._spare = None
        try:
            self._spare = _start(place)
        except Exception:  # e.g. no such kernel: nbclient will say so if a notebook needs it
            self._spare = None

    @property
    def holding(self) -> bool:
        """Whether a kernel is kept ready (a forked process must not use it)."""
        return self._spare is not None

    def warm_up(self, name: str) -> None:
        """Find the kernel and how to launch it, without starting one: imports (IPython for
        the Python kernel, the provisioners' entry points, the machine's addresses) that
        otherwise make the first `prepare` 0.1 s slower."""
        from jupyter_client.localinterfaces import localhost
        from jupyter_client.provisioning.factory import KernelProvisionerFactory

        with contextlib.suppress(Exception):  # a missing kernel is reported when it is needed
            spec = _manager(name).kernel_spec
            KernelProvisionerFactory.instance().is_provisioner_available(spec)
            localhost()

    @contextlib.contextmanager
    def lend(self) -> Iterator[None]:
        """Give the spare to the notebook execution that fits it, while this is active."""
        from jupyter_cache.executors import utils  # type: ignore[import-untyped]

        original = getattr(utils, "executenb", None)
        if original is None:  # another jupyter-cache: executions start their own kernels
            yield
            return

        def execute(nb: Any, cwd: str | None = None, km: Any = None, **options: Any) -> Any:
            place = (kernel_name(nb, options), str(Path(cwd or Path.cwd()).resolve()))
            self._last = place
            spare = self._take(place) if km is None else None
            if spare is None:
                return original(nb, cwd=cwd, km=km, **options)
            return self._run(spare, nb, cwd, options, original)

        utils.executenb = execute
        try:
            yield
        finally:
            utils.executenb = original

    def close(self) -> None:
        """Shut down the spare and wait for kernels being shut down."""
        if self._spare is not None:
            self._stop(self._spare)
            self._spare = None
        for thread in self._stopping:
            thread.join()
        self._stopping.clear()

    def _take(self, place: Place) -> _Spare | None:
        spare, self._spare = self._spare, None
        if spare is not None and spare.place == place and _alive(spare.manager):
            return spare
        if spare is not None:
            self._stop(spare)
        return None

    def _run(
        self, spare: _Spare, nb: Any, cwd: str | None, options: dict[str, Any], original: Any
    ) -> Any:
        from jupyter_core.utils import run_sync
        from nbclient import NotebookClient

        resources = {"metadata": {"path": cwd}} if cwd is not None else {}
        client = NotebookClient(nb=nb, resources=resources, km=spare.manager, **options)
        try:
            ready = run_sync(_ready)(spare, client.startup_timeout)
            if not ready:
                return original(nb, cwd=cwd, **options)
            # What nbclient's own start_new_kernel_client does after waiting for the kernel.
            client.kc = spare.client
            client.kc.allow_stdin = False
            return client.execute()
        finally:
            self._stop(spare)

    def _stop(self, spare: _Spare) -> None:
        with contextlib.suppress(Exception):
            spare.client.stop_channels()
        self._stopping = [t for t in self._stopping if t.is_alive()]
        thread = threading.Thread(target=_shutdown, args=(spare.manager,), daemon=True)
        thread.start()
        self._stopping.append(thread)


def _manager(name: str) -> Any:
    from jupyter_client.manager import AsyncKernelManager

    return AsyncKernelManager(kernel_name=name) if name else AsyncKernelManager()


def _start(place: Place) -> _Spare:
    from jupyter_core.utils import run_sync

    name, cwd = place
    manager = _manager(name)
    # IPC sockets in a private folder, as the grader's kernels: no TCP port is opened.
    manager.transport = "ipc"
    manager.ip = str(Path(tempfile.mkdtemp(prefix="kurskit-book-kernel-")) / "kernel")
    # What nbclient passes when it starts a kernel itself (NotebookClient.ipython_hist_file).
    arguments = ["--HistoryManager.hist_file=:memory:"] if manager.ipykernel else []
    run_sync(manager.start_kernel)(extra_arguments=arguments, cwd=cwd)
    client = manager.client()
    # Subscribed to IOPub long before the notebook runs. No heartbeat channel: nbclient asks
    # the manager whether the kernel is alive, and the channel's thread could still be
    # starting when a spare is stopped.
    client.start_channels(hb=False)
    return _Spare(place, manager, client)


async def _ready(spare: _Spare, timeout: float) -> bool:
    """Whether the kernel answers, and IOPub brings the messages of that request.

    jupyter_client's wait_for_ready checks the same, then drains IOPub until it has been
    silent for 0.2 s, which a client connected for seconds does not need.
    """
    client = spare.client
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not await spare.manager.is_alive():
            return False
        msg_id = client.kernel_info()
        try:
            reply = await client.get_shell_msg(timeout=1)
            while reply["parent_header"].get("msg_id") != msg_id:
                reply = await client.get_shell_msg(timeout=1)
            while time.monotonic() < deadline:
                message = await client.get_iopub_msg(timeout=0.5)
                if (
                    message["parent_header"].get("msg_id") == msg_id
                    and message["msg_type"] == "status"
                    and message["content"]["execution_state"] == "idle"
                ):
                    return True
        except queue.Empty:
            continue  # still starting, or IOPub not connected yet: ask again
    return False


def _alive(manager: Any) -> bool:
    from jupyter_core.utils import run_sync

    return bool(run_sync(manager.is_alive)())


def _shutdown(manager: Any) -> None:
    from jupyter_core.utils import run_sync

    with contextlib.suppress(Exception):  # already gone
        run_sync(manager.shutdown_kernel)(now=True)
    if manager.transport == "ipc":
        shutil.rmtree(Path(manager.ip).parent, ignore_errors=True)
