"""The kernels of the hub's Voilà app: one per participant, each in the sandbox with a private
folder and IPC sockets, seeing the learner edition read-only, with none of the service's
environment (its hub token above all)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from jupyter_server.services.kernels.kernelmanager import (
    AsyncMappingKernelManager,
    ServerKernelManager,
)
from traitlets import Bool, Int, Unicode

from kurskit.jupyter.sandboxed_kernel import SandboxedLaunch
from kurskit.sandbox import Limits, sandbox_environment

#: What a kernel keeps of the environment Voilà gives it: Voilà's own variables.
KEPT_PREFIX = "VOILA_"


class SandboxedVoilaKernel(SandboxedLaunch, ServerKernelManager):
    """One participant's kernel (Voilà's kernel manager class, set in the app's config)."""

    edition = Unicode("", config=True, help="The learner edition, readable by the kernel.")
    isolated = Bool(True, config=True, help="Run the kernel in the sandbox.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workdir = Path(tempfile.mkdtemp(prefix="kurskit-voila-"))
        self.limits = Limits()
        self.isolate = self.isolated
        # A kernel that cannot be isolated would run as the hub's user: it must not start.
        self.require_isolation = self.isolated
        self._copied = False
        self.read_only = (Path(self.edition),) if self.edition else ()
        for name, value in self.private_sockets().items():
            setattr(self, name, value)

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        # The kernel works in its own folder, holding a copy of its notebook's folder: the
        # question widgets find their specs in the notebook beside them, as in JupyterLab.
        notebook_folder = Path(kw.get("cwd") or self.edition)
        # Only at the first launch: on a restart the folder is the kernel's own work, and a
        # link it made there must not lead a copy (run outside the sandbox) anywhere.
        edition = Path(self.edition).resolve() if self.edition else None
        if (
            not self._copied
            and edition is not None
            and notebook_folder.resolve().is_relative_to(edition)
        ):
            self._copied = True
            # Links stay links: their targets are not in the sandbox, so they lead nowhere.
            shutil.copytree(notebook_folder, self.workdir, symlinks=True, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".*"))  # fmt: skip
        given = kw.get("env") or {}
        kw["env"] = {
            **sandbox_environment(self.workdir),
            **{k: v for k, v in given.items() if k.startswith(KEPT_PREFIX)},
        }
        kw["cwd"] = str(self.workdir)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self.workdir, ignore_errors=True)


class PooledKernels(AsyncMappingKernelManager):
    """Voilà's kernels with a cap on pre-started ones (Voilà's multi-kernel manager class).

    Voilà refills its pool a moment after each participant takes a kernel, so N participants
    end up with 2N kernels; and a refill delayed long enough to avoid that leaves the next
    visitor waiting on a kernel that has not started. Here a refill happens only while fewer
    than `max_kernels` kernels run: up to the cap the pool stays ready, past it visitors get a
    kernel started on the spot (Voilà's path for an empty pool), and culled kernels make room.
    """

    max_kernels = Int(0, config=True, help="Refill the pool only below this many kernels.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Voilà builds its pooling manager as a subclass of this class at start-up; its
        # fill_if_needed is wrapped here, as that subclass is made.
        super().__init_subclass__(**kwargs)
        fill = cls.__dict__.get("fill_if_needed")
        if fill is None:
            return

        def fill_below_cap(self: PooledKernels, delay: float | None = None, *args: Any,
                           **kw: Any) -> None:  # fmt: skip
            refill = delay is None  # Voilà's refill after a participant took a kernel
            if refill and self.max_kernels and len(self.list_kernels()) >= self.max_kernels:
                return
            fill(self, delay, *args, **kw)

        cls.fill_if_needed = fill_below_cap  # type: ignore[attr-defined]
