"""The default spawner: each learner's server runs in the kurskit sandbox, with only their home.

A plain LocalProcessSpawner running everyone as one OS user lets any learner read every other
learner's home, the hub's database and cookie secret, the answer store and the course sources.
Here the server (and every kernel it starts) gets a private root filesystem: the system, Python
and the venv read-only, the learner's own home as the only host folder, own PID and IPC
namespaces, an unprivileged uid without capabilities, rlimits and a scrubbed environment (the
hub's variables for this server only). The network is shared: the proxy must reach the server.
"""

from __future__ import annotations

import os
import re
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

from jupyterhub.spawner import LocalProcessSpawner
from traitlets import Bool, Unicode

from kurskit.sandbox import Limits, sandbox_command

#: Limits for a learner's server and its kernels (per process; see kurskit.sandbox).
SERVER_LIMITS = Limits(
    memory_bytes=4 << 30,
    processes=512,
    file_bytes=1 << 30,
    open_files=4096,
    cpu_seconds=7 * 24 * 3600,
)
#: Variables the sandbox sets itself; the hub's values are not passed on.
SANDBOX_OWN = frozenset({"PATH", "HOME", "SHELL", "TMPDIR", "LANG", "LC_ALL"})
#: Where a sandboxed server keeps its kernels' connection files and sockets (private /tmp).
RUNTIME_DIR = "/tmp/jupyter-runtime"
_UNSAFE = re.compile(r"[^A-Za-z0-9_.@-]")


def home_folder(homes: Path, user: str) -> Path:
    """A learner's home: one folder per hub user, named so no name can escape `homes`."""
    name = _UNSAFE.sub(lambda m: f"%{ord(m.group()):x}", user)
    if name in {".", ".."}:
        name = name.replace(".", "%2e")
    return homes / name


def copy_edition(edition: Path, home: Path) -> int:
    """Copy the learner edition into a home, leaving files already there as they are.

    The hub runs this outside the sandbox, in a folder the learner writes to: a symbolic link
    the learner left is never followed (the file or folder it stands for is skipped), and a
    file is only ever created, never opened for writing if it exists.
    """
    copied = 0
    for source in sorted(edition.rglob("*")):
        relative = source.relative_to(edition)
        target = home / relative
        if _through_link(home, relative):
            continue
        if source.is_dir():
            if not target.exists():
                target.mkdir()
            continue
        try:
            descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW)
        except FileExistsError:
            continue
        with os.fdopen(descriptor, "wb") as out:
            out.write(source.read_bytes())
        copied += 1
    return copied


def _through_link(home: Path, relative: Path) -> bool:
    """Whether the path, or a folder on the way to it inside `home`, is a symbolic link."""
    current = home
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


#: Files every home gets besides the learner edition: the webinar dashboard notebook.
HOME_FILES = Path(str(files("kurskit.hub") / "home"))


class SandboxSpawner(LocalProcessSpawner):
    """LocalProcessSpawner that runs `jupyterhub-singleuser` inside the kurskit sandbox."""

    homes = Unicode(help="Folder holding one home folder per learner.").tag(config=True)
    edition = Unicode("", help="Learner edition copied into each home (empty: none).").tag(
        config=True
    )
    isolate = Bool(True, help="Run the server in the sandbox (off: plain local process).").tag(
        config=True
    )

    @property
    def home(self) -> Path:
        return home_folder(Path(self.homes), self.user.name)

    def get_args(self) -> list[str]:
        # Kernels over IPC sockets in the learner's private runtime folder: on the shared
        # network, TCP kernel ports would let other learners listen to a kernel's output.
        return [*super().get_args(), "--KernelManager.transport=ipc"]

    def make_preexec_fn(self, name: str) -> Any:
        return None  # the sandbox drops privileges itself; no OS account per learner

    def user_env(self, env: dict[str, str]) -> dict[str, str]:
        env["USER"] = self.user.name
        env["HOME"] = str(self.home)
        if self.isolate:
            # The kernels' IPC sockets: a socket path has at most 107 bytes, and a home can be
            # deep; the sandbox's /tmp is the server's own.
            env["JUPYTER_RUNTIME_DIR"] = RUNTIME_DIR
        return env

    async def start(self) -> Any:
        home = self.home
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.edition:
            copy_edition(Path(self.edition), home)
        copy_edition(HOME_FILES, home)  # the webinar dashboard (instructors' only, in use)
        self.notebook_dir = str(home)
        # This environment's own, whatever the hub's PATH says.
        server = [str(Path(sys.executable).parent / "jupyterhub-singleuser")]
        if self.isolate:
            passed = sorted(set(self.get_env()) - SANDBOX_OWN)
            self.cmd = sandbox_command(
                server,
                home,
                SERVER_LIMITS,
                share_network=True,
                pass_env=passed,
                require_isolation=True,
            )
        else:
            self.cmd = server
            home.chmod(0o700)
        return await super().start()
