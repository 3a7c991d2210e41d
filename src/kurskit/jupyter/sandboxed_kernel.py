"""Kernels in kurskit's sandbox, each in a private folder with its IPC sockets: the launch
command jupyter_client builds, wrapped by `kurskit.sandbox`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kurskit.sandbox import Limits, sandbox_command


class SandboxedLaunch:
    """Mixin for a jupyter_client KernelManager: its kernel starts inside the sandbox, with
    `workdir` its only writable place and `read_only` paths it may read besides the system."""

    workdir: Path
    limits: Limits
    read_only: tuple[Path, ...] = ()
    isolate: bool = True
    #: Exit rather than fall back to rlimits alone where namespaces cannot be made.
    require_isolation: bool = False

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command: list[str] = super().format_kernel_cmd(extra_arguments)  # type: ignore[misc]
        if not self.isolate:
            return command
        return sandbox_command(
            command, self.workdir, self.limits, read_only=self.read_only,
            require_isolation=self.require_isolation,
        )  # fmt: skip

    def private_sockets(self) -> dict[str, Any]:
        """IPC transport under the kernel's own folder: no TCP port, nothing shared."""
        sockets = self.workdir / ".kernel"
        sockets.mkdir(parents=True, exist_ok=True)
        return {
            "transport": "ipc",
            "ip": str(sockets / "kernel"),
            "connection_file": str(sockets / "kernel.json"),
        }
