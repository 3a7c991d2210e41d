"""Process sandbox (autograding kernels, learners' hub servers): namespaces, a private root
filesystem, rlimits, no privileges."""

# How it runs (`main`), as three processes:
#   wrapper  what jupyter_client launched; enters new user, mount, pid, net, ipc, uts and
#            cgroup namespaces (a helper left outside writes the uid/gid maps), forks the init,
#            forwards SIGINT/SIGTERM/SIGHUP to it, exits with its status.
#   init     pid 1 of the new pid namespace; builds the root filesystem and pivots into it,
#            forks the kernel, forwards signals, reaps orphans. It dies with the wrapper
#            (PR_SET_PDEATHSIG), and the kernel then kills everything left in the namespace.
#   kernel   new session, rlimits, no_new_privs, no capabilities, unprivileged uid, exec.
# Only the standard library is imported: `sandbox_command` runs this file as a script, so
# a wrapper starts in milliseconds instead of importing kurskit's grading stack.

from __future__ import annotations

import argparse
import contextlib
import ctypes
import ctypes.util
import dataclasses
import errno
import fcntl
import json
import os
import platform
import resource
import select
import signal
import socket
import struct
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import FrameType
from typing import NoReturn

__all__ = ["Limits", "isolation_report", "main", "sandbox_command", "sandbox_environment"]

#: The kernel's uid and gid inside the sandbox.
KERNEL_UID = 1000
#: What the kernel's uid and gid are outside when the grader is root: nobody/nogroup.
NOBODY = 65534
#: Host directories every sandbox sees, read-only, when they exist.
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc")
DEVICES = ("null", "zero", "full", "random", "urandom")
FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: Variables passed on from the launch environment when set: nbgrader's "being graded" flag.
PASSED_ON = ("NBGRADER_EXECUTION",)
WARNING = "kurskit sandbox:"

CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
NAMESPACES = (
    CLONE_NEWUSER
    | CLONE_NEWNS
    | CLONE_NEWPID
    | CLONE_NEWNET
    | CLONE_NEWIPC
    | CLONE_NEWUTS
    | CLONE_NEWCGROUP
)
MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 0x40000
MS_RELATIME = 0x200000
MNT_DETACH = 0x2
PR_SET_PDEATHSIG = 1
PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4
# SECBIT_NOROOT, KEEP_CAPS and NO_CAP_AMBIENT_RAISE, each locked: exec never grants capabilities.
SECUREBITS = 0x1 | 0x2 | 0x20 | 0x40 | 0x80
CAPABILITY_VERSION_3 = 0x20080522
SIOCSIFFLAGS = 0x8914
IFF_UP = 0x1
SYS_PIVOT_ROOT = {"x86_64": 155, "aarch64": 41, "riscv64": 41}
# Bind mounts keep the flags a parent namespace locked on their source; a remount must repeat them.
KEPT_FLAGS = {
    os.ST_NOSUID: MS_NOSUID,
    os.ST_NODEV: MS_NODEV,
    os.ST_NOEXEC: MS_NOEXEC,
    os.ST_NOATIME: MS_NOATIME,
    os.ST_NODIRATIME: MS_NODIRATIME,
    os.ST_RELATIME: MS_RELATIME,
}


def _limit(default: int, text: str) -> int:
    return dataclasses.field(default=default, metadata={"help": text})


@dataclass(frozen=True)
class Limits:
    """Resource limits for one kernel; every process it starts gets the same."""

    memory_bytes: int = _limit(1 << 30, "address space per process (RLIMIT_AS)")
    processes: int = _limit(64, "processes and threads of the kernel's uid (RLIMIT_NPROC)")
    file_bytes: int = _limit(64 << 20, "size of one file (RLIMIT_FSIZE); of /tmp and /dev/shm")
    open_files: int = _limit(256, "open files per process (RLIMIT_NOFILE)")
    cpu_seconds: int = _limit(600, "CPU seconds (RLIMIT_CPU), a backstop to the wall clock")


def sandbox_command(
    kernel_argv: list[str],
    workdir: Path,
    limits: Limits,
    *,
    read_only: Sequence[Path] = (),
    share_network: bool = False,
    pass_env: Sequence[str] = (),
    require_isolation: bool = False,
) -> list[str]:
    """argv running `kernel_argv` inside the sandbox, with `workdir` its only writable place.

    `read_only` adds host paths the kernel may read (the system directories, the Python
    installation and everything on this interpreter's `sys.path` are always there).
    `share_network` keeps the host's network (a hub's single-user server must be reachable
    by the proxy); `pass_env` names variables passed on from the launch environment;
    `require_isolation` makes the sandbox exit instead of falling back to rlimits only.
    """
    options = ["--workdir", str(Path(workdir).resolve())]
    options += ["--share-network"] if share_network else []
    options += ["--require-isolation"] if require_isolation else []
    for name in pass_env:
        options += ["--pass-env", name]
    for field in dataclasses.fields(limits):
        options += [_option(field.name), str(getattr(limits, field.name))]
    for path in read_only:
        options += ["--ro", str(Path(path).resolve())]
    # -I: the wrapper's sys.path, which is what gets exposed, is the installed environment
    # only (no current directory, no PYTHONPATH); a script, not -m, so kurskit.grading's
    # package imports stay out of every kernel start.
    return [sys.executable, "-I", str(Path(__file__).resolve()), *options, "--", *kernel_argv]


def sandbox_environment(workdir: Path) -> dict[str, str]:
    """The environment the kernel gets; of the grader's, only `PASSED_ON` names when set."""
    home = Path(workdir).resolve()
    return {
        "PATH": f"{Path(sys.prefix) / 'bin'}:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TMPDIR": str(home / ".tmp"),
        "IPYTHONDIR": str(home / ".ipython"),
        "MPLCONFIGDIR": str(home / ".config" / "matplotlib"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def isolation_report() -> list[str]:
    """Which isolation layers a kernel gets on this machine, found by running one."""
    return list(_isolation_report())


def isolates() -> bool:
    """Whether a sandbox here gets its own namespaces and a private root (not the fallback)."""
    report = _isolation_report()
    return len(report) > 1 and report[0].endswith(" namespaces") and "private root" in report[1]


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m kurskit.sandbox [options] -- kernel argv` (or `--report`)."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    split = arguments.index("--") if "--" in arguments else len(arguments)
    parser = _parser()
    options = parser.parse_args(arguments[:split])
    if options.report:
        print("\n".join(isolation_report()))
        return 0
    kernel_argv = arguments[split + 1 :]
    workdir = Path(os.path.realpath(options.workdir or "/"))
    if not kernel_argv or not workdir.is_dir() or workdir == Path("/"):
        parser.error("needs --workdir (an existing directory other than /) and -- kernel argv")
    limits = Limits(**{f.name: getattr(options, f.name) for f in dataclasses.fields(Limits)})
    shape = _Shape(options.share_network, (*PASSED_ON, *options.pass_env))
    exposed = _exposed_paths(options.ro)
    signal.pthread_sigmask(signal.SIG_BLOCK, FORWARDED)
    os.chdir("/")
    try:
        privileged = _enter_namespaces(shape)
    except OSError as error:
        if options.require_isolation:
            print(f"{WARNING} namespaces unavailable ({error}); refusing to run", file=sys.stderr)
            return 1
        print(f"{WARNING} namespaces unavailable ({error}); rlimits only", file=sys.stderr)
        sys.stderr.flush()
        if os.geteuid() == 0:
            _chown_tree(workdir, NOBODY)
        _run_kernel(kernel_argv, workdir, limits, NOBODY if os.geteuid() == 0 else None, shape)
    return _supervise(kernel_argv, workdir, limits, exposed, privileged, shape)


@dataclass(frozen=True)
class _Shape:
    """What a sandbox shares with the host beyond its workdir: the network, named variables."""

    share_network: bool = False
    passed_env: tuple[str, ...] = PASSED_ON

    @property
    def namespaces(self) -> int:
        return NAMESPACES & ~CLONE_NEWNET if self.share_network else NAMESPACES


# The three processes


def _enter_namespaces(shape: _Shape) -> bool:
    """Unshare everything; True when the kernel can run as a separate unprivileged uid.

    A helper forked beforehand stays outside and writes the maps: a root grader maps two
    uids (itself and the kernel's), which only a process in the parent namespace may do.
    """
    if platform.machine() not in SYS_PIVOT_ROOT:
        raise OSError(errno.ENOSYS, f"pivot_root number unknown on {platform.machine()}")
    euid, egid = os.geteuid(), os.getegid()
    go_read, go_write = os.pipe()
    done_read, done_write = os.pipe()
    helper = os.fork()
    if helper == 0:
        os.close(go_write)
        os.close(done_read)
        try:
            if os.read(go_read, 1) == b"1":
                mode = _write_maps(os.getppid(), euid, egid)
                os.write(done_write, b"p" if mode else b"u")
        finally:
            os._exit(0)
    os.close(go_read)
    os.close(done_write)
    try:
        _check(_libc().unshare(shape.namespaces))
    except OSError:
        os.close(go_write)
        os.close(done_read)
        os.waitpid(helper, 0)
        raise
    os.write(go_write, b"1")
    os.close(go_write)
    answer = os.read(done_read, 1)
    os.close(done_read)
    os.waitpid(helper, 0)
    if not answer:
        # Inside an unmapped user namespace there is no sane way back: stop.
        print(f"{WARNING} could not write the uid/gid maps", file=sys.stderr)
        os._exit(1)
    return answer == b"p"


def _write_maps(pid: int, euid: int, egid: int) -> bool:
    """Map ids for the namespace of `pid`; True if the kernel's uid maps to nobody."""
    proc = Path(f"/proc/{pid}")
    if euid == 0:
        two = f"0 0 1\n{KERNEL_UID} {NOBODY} 1\n"
        try:
            (proc / "gid_map").write_text(two)
        except OSError:
            pass  # e.g. root of a user namespace in which nobody has no mapping
        else:
            try:
                (proc / "uid_map").write_text(two)
            except OSError:
                (proc / "uid_map").write_text(f"0 {euid} 1\n")
                return False
            return True
    (proc / "setgroups").write_text("deny")
    (proc / "gid_map").write_text(f"0 {egid} 1\n")
    (proc / "uid_map").write_text(f"0 {euid} 1\n")
    return False


def _supervise(
    kernel_argv: list[str],
    workdir: Path,
    limits: Limits,
    exposed: list[str],
    privileged: bool,
    shape: _Shape,
) -> int:
    """The wrapper: fork the namespace's init, pass signals on, exit as it exits."""
    alive_read, alive_write = os.pipe()
    init = os.fork()
    if init == 0:
        code = 1
        try:
            os.close(alive_write)
            code = _init(kernel_argv, workdir, limits, exposed, privileged, alive_read, shape)
        except BaseException as error:  # never unwind into the wrapper's code
            os.write(2, f"{WARNING} init failed: {error!r}\n".encode())
        finally:
            os._exit(code)
    os.close(alive_read)
    parent = os.getppid()

    def forward(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(init, signum)

    def watch_parent(signum: int, frame: FrameType | None) -> None:
        # The grader is gone (jupyter_client's kernels die with it too): end the sandbox.
        if os.getppid() != parent:
            with contextlib.suppress(ProcessLookupError):
                os.kill(init, signal.SIGKILL)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    signal.signal(signal.SIGALRM, watch_parent)
    signal.setitimer(signal.ITIMER_REAL, 1.0, 1.0)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    _, status = os.waitpid(init, 0)
    # Disarm the watch before exiting: a SIGALRM after its handler is gone would end this
    # process by that signal and hide the kernel's own exit status.
    signal.setitimer(signal.ITIMER_REAL, 0)
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    return _exit_code(status)


def _init(
    kernel_argv: list[str],
    workdir: Path,
    limits: Limits,
    exposed: list[str],
    privileged: bool,
    alive: int,
    shape: _Shape,
) -> int:
    """pid 1 of the sandbox: build its filesystem, run the kernel, reap, exit with its status."""
    os.setsid()  # out of the wrapper's process group: a killpg reaches the kernel only once
    os.umask(0o022)  # mount points the kernel must traverse
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if select.select([alive], [], [], 0)[0]:
        return 1  # the wrapper died before PDEATHSIG was armed
    os.close(alive)
    try:
        _build_root(workdir, limits, exposed)
        _check(_libc().sethostname(b"sandbox", 7))
        if not shape.share_network:
            _loopback_up()
        _forbid_namespaces()
        if privileged:
            _chown_tree(workdir, KERNEL_UID)
    except OSError as error:
        os.write(2, f"{WARNING} could not build the sandbox: {error}\n".encode())
        return 1
    kernel = os.fork()
    if kernel == 0:
        _run_kernel(kernel_argv, workdir, limits, KERNEL_UID if privileged else None, shape)

    def forward(signum: int, frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(kernel, signum)

    for signum in FORWARDED:
        signal.signal(signum, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, FORWARDED)
    while True:
        pid, status = os.wait()
        if pid == kernel:
            return _exit_code(status)


def _run_kernel(
    argv: list[str], workdir: Path, limits: Limits, uid: int | None, shape: _Shape
) -> NoReturn:
    """Become the kernel: own session, limits, no privileges, scrubbed environment, exec."""
    try:
        with contextlib.suppress(PermissionError):  # already a session leader (fallback)
            os.setsid()
        for signum in (*FORWARDED, signal.SIGPIPE, signal.SIGXFSZ, signal.SIGALRM):
            signal.signal(signum, signal.SIG_DFL)
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        os.closerange(3, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
        _set_limits(limits)
        _prctl(PR_SET_NO_NEW_PRIVS, 1)
        _drop_privileges(uid)
        environment = sandbox_environment(workdir)
        environment.update({n: os.environ[n] for n in shape.passed_env if n in os.environ})
        os.chdir(workdir)
        Path(environment["TMPDIR"]).mkdir(exist_ok=True)
        os.execvpe(argv[0], argv, environment)
    except BaseException as error:
        os.write(2, f"{WARNING} could not start the kernel: {error!r}\n".encode())
    os._exit(127)


def _exit_code(status: int) -> int:
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


# The root filesystem


@dataclass(frozen=True)
class _Mount:
    """One entry of the new root: `kind` is ro, rw, symlink, tmp, proc or dev."""

    target: str
    kind: str
    source: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        return Path(self.target).parts


def _exposed_paths(extra: Sequence[Path]) -> list[str]:
    """Host paths the kernel may read: system directories, Python, this sys.path, extras."""
    candidates = [
        *SYSTEM_DIRS,
        sys.base_prefix,
        sys.base_exec_prefix,
        sys.prefix,
        sys.exec_prefix,
        *sys.path,
        *map(str, extra),
    ]
    paths: list[str] = []
    for candidate in candidates:
        path = os.path.normpath(candidate) if Path(candidate).is_absolute() else ""
        if path and path != "/" and os.path.lexists(path) and path not in paths:
            paths.append(path)
    return paths


def _plan(workdir: Path, exposed: list[str]) -> list[_Mount]:
    """The new root's mounts, parents before children, with sources resolved on the host."""
    mounts = {m.target: m for m in (_Mount("/tmp", "tmp"), _Mount("/proc", "proc"))}
    mounts["/dev"] = _Mount("/dev", "dev")
    for path in exposed:
        real = os.path.realpath(path)
        if Path(path).is_symlink():  # /lib -> usr/lib: the link itself, and what it points to
            mounts.setdefault(path, _Mount(path, "symlink", str(Path(path).readlink())))
        else:
            mounts.setdefault(path, _Mount(path, "ro", real))
        if real != path and real != "/":
            mounts.setdefault(real, _Mount(real, "ro", real))
    real_workdir = os.path.realpath(workdir)
    for target in {str(workdir), real_workdir}:
        mounts[target] = _Mount(target, "rw", real_workdir)
    ordered = sorted(mounts.values(), key=lambda m: m.key)
    kept: list[_Mount] = []
    for mount in ordered:
        if mount.kind == "ro" and any(_covers(outer, mount) for outer in kept):
            continue
        kept.append(mount)
    return kept


def _covers(outer: _Mount, inner: _Mount) -> bool:
    """Whether a read-only bind already shows `inner` (same file system, same place)."""
    if outer.kind != "ro" or not Path(inner.target).is_relative_to(outer.target):
        return False
    relative = Path(inner.target).relative_to(outer.target)
    same_place = Path(outer.source, relative) == Path(inner.source)
    return same_place and Path(outer.source).stat().st_dev == Path(inner.source).stat().st_dev


def _build_root(workdir: Path, limits: Limits, exposed: list[str]) -> None:
    """Assemble the new root in a tmpfs and pivot into it, leaving no path to the host's."""
    plan = _plan(workdir, exposed)
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    # As bubblewrap does: a scratch tmpfs on /tmp becomes the root for a moment, so the
    # host's whole tree (its /tmp included) is at /oldroot while /newroot is filled.
    _mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700,size=64k")
    Path("/tmp/newroot").mkdir()
    Path("/tmp/oldroot").mkdir()
    _pivot_root("/tmp", "/tmp/oldroot")
    os.chdir("/")
    _mount("tmpfs", "/newroot", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=1m")
    bound: list[str] = []
    for mount in plan:
        target = "/newroot" + mount.target
        inside_bind = any(Path(mount.target).is_relative_to(b) for b in bound)
        if inside_bind and not os.path.lexists(target):
            continue  # would have to create it inside a host directory
        if mount.kind == "symlink":
            _make_parents(target)
            if not os.path.lexists(target):
                Path(target).symlink_to(mount.source)
        elif mount.kind in ("ro", "rw"):
            source = "/oldroot" + mount.source
            _mountpoint(target, directory=Path(source).is_dir())
            _bind(source, target, read_only=mount.kind == "ro")
            bound.append(mount.target)
        elif mount.kind == "tmp":
            _mountpoint(target, directory=True)
            _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NODEV, _tmpfs_options(limits))
        elif mount.kind == "proc":
            _mountpoint(target, directory=True)
            _mount("proc", target, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        else:
            _build_dev(target, limits)
    os.chdir("/newroot")
    _pivot_root(".", ".")
    _umount2(".", MNT_DETACH)
    os.chdir("/")
    _mount(None, "/", None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)


def _build_dev(target: str, limits: Limits) -> None:
    """A /dev of a few harmless devices (never the host's /dev/shm or terminals)."""
    _mountpoint(target, directory=True)
    _mount("tmpfs", target, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=64k")
    for name in DEVICES:
        if Path(f"/oldroot/dev/{name}").exists():
            _mountpoint(f"{target}/{name}", directory=False)
            _mount(f"/oldroot/dev/{name}", f"{target}/{name}", None, MS_BIND)
    for name, points_to in (
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ):
        Path(target, name).symlink_to(points_to)
    Path(target, "shm").mkdir()
    _mount("tmpfs", f"{target}/shm", "tmpfs", MS_NOSUID | MS_NODEV, _tmpfs_options(limits))


def _tmpfs_options(limits: Limits) -> str:
    return f"mode=1777,size={limits.file_bytes},nr_inodes=16384"


def _make_parents(target: str) -> None:
    Path(target).parent.mkdir(mode=0o755, parents=True, exist_ok=True)


def _mountpoint(target: str, *, directory: bool) -> None:
    if os.path.lexists(target):
        return
    _make_parents(target)
    if directory:
        Path(target).mkdir(0o755)
    else:
        Path(target).touch(0o644)


def _bind(source: str, target: str, *, read_only: bool) -> None:
    _mount(source, target, None, MS_BIND)
    flags = MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NODEV | (MS_RDONLY if read_only else 0)
    kept = os.statvfs(target).f_flag
    for statvfs_flag, mount_flag in KEPT_FLAGS.items():
        if kept & statvfs_flag:
            flags |= mount_flag
    _mount(None, target, None, flags)


def _loopback_up() -> None:
    """Bring up the namespace's own loopback, so localhost works inside (and only inside)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        fcntl.ioctl(sock, SIOCSIFFLAGS, struct.pack("16sh22x", b"lo", IFF_UP))


def _forbid_namespaces() -> None:
    """No namespaces of the kernel's own: user namespaces are much kernel attack surface."""
    for limit in Path("/proc/sys/user").glob("max_*_namespaces"):
        with contextlib.suppress(OSError):  # hardening only; the report tells whether it held
            limit.write_text("0")


def _chown_tree(root: Path, uid: int) -> None:
    """Give the kernel's uid the workdir (its connection file, its notebook), no links followed."""
    os.chown(root, uid, uid, follow_symlinks=False)
    for folder, directories, files in os.walk(root):
        for name in directories + files:
            os.chown(Path(folder, name), uid, uid, follow_symlinks=False)


# Limits and privileges


def _set_limits(limits: Limits) -> None:
    for which, value in (
        (resource.RLIMIT_AS, limits.memory_bytes),
        (resource.RLIMIT_NPROC, limits.processes),
        (resource.RLIMIT_FSIZE, limits.file_bytes),
        (resource.RLIMIT_NOFILE, limits.open_files),
        (resource.RLIMIT_CPU, limits.cpu_seconds),
        (resource.RLIMIT_CORE, 0),
    ):
        _, hard = resource.getrlimit(which)
        if hard != resource.RLIM_INFINITY:
            value = min(value, hard)
        resource.setrlimit(which, (value, value))


def _drop_privileges(uid: int | None) -> None:
    """Lose every capability for good; switch to `uid` (and its gid) when given."""
    try:
        last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    except (OSError, ValueError):
        last = 63
    for capability in range(last + 1):
        with contextlib.suppress(OSError):  # EPERM without CAP_SETPCAP: nothing to drop
            _prctl(PR_CAPBSET_DROP, capability)
    with contextlib.suppress(OSError):
        _prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    with contextlib.suppress(OSError):
        _prctl(PR_SET_SECUREBITS, SECUREBITS)
    if uid is not None:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)
    header = (ctypes.c_uint32 * 2)(CAPABILITY_VERSION_3, 0)
    data = (ctypes.c_uint32 * 6)()
    _check(_libc().capset(header, data))


# libc


@cache
def _libc() -> ctypes.CDLL:
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    libc.mount.argtypes = [
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_ulong,
        ctypes.c_char_p,
    ]
    libc.umount2.argtypes = [ctypes.c_char_p, ctypes.c_int]
    libc.unshare.argtypes = [ctypes.c_int]
    libc.prctl.argtypes = [ctypes.c_int, *[ctypes.c_ulong] * 4]
    libc.sethostname.argtypes = [ctypes.c_char_p, ctypes.c_size_t]
    libc.capset.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    return libc


def _check(result: int) -> None:
    if result == -1:
        code = ctypes.get_errno()
        raise OSError(code, os.strerror(code))


def _mount(
    source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None
) -> None:
    try:
        _check(_libc().mount(*(_bytes(x) for x in (source, target, fstype)), flags, _bytes(data)))
    except OSError as error:
        raise OSError(error.errno, f"mount {source} on {target}: {error.strerror}") from None


def _umount2(target: str, flags: int) -> None:
    _check(_libc().umount2(target.encode(), flags))


def _pivot_root(new_root: str, put_old: str) -> None:
    number = SYS_PIVOT_ROOT[platform.machine()]
    _check(_libc().syscall(ctypes.c_long(number), new_root.encode(), put_old.encode()))


def _prctl(option: int, argument: int = 0) -> None:
    _check(_libc().prctl(option, argument, 0, 0, 0))


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else text.encode()


# Options and the report


def _option(name: str) -> str:
    return "--" + name.replace("_", "-")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m kurskit.sandbox",
        usage="%(prog)s --workdir DIR [options] -- KERNEL ARGV... | %(prog)s --report",
        description="Run a Jupyter kernel isolated for autograding.",
    )
    parser.add_argument("--workdir", type=Path, help="the kernel's only writable host directory")
    for field in dataclasses.fields(Limits):
        parser.add_argument(
            _option(field.name),
            dest=field.name,
            type=int,
            default=field.default,
            metavar="N",
            help=f"{field.metadata['help']}; default {field.default}",
        )
    parser.add_argument("--ro", type=Path, action="append", default=[], help="also readable")
    parser.add_argument(
        "--share-network", action="store_true", help="keep the host's network namespace"
    )
    parser.add_argument(
        "--pass-env", action="append", default=[], metavar="NAME", help="pass this variable on"
    )
    parser.add_argument(
        "--require-isolation",
        action="store_true",
        help="exit with 1 where namespaces are unavailable instead of running with rlimits only",
    )
    parser.add_argument("--report", action="store_true", help="print the isolation layers")
    return parser


PROBE = """
import json, os, resource, socket, sys
status = {k: v.strip() for k, _, v in (l.partition(":") for l in open("/proc/self/status"))}
print(json.dumps({
    "ns": {n: os.readlink(f"/proc/self/ns/{n}") for n in sys.argv[2].split(",")},
    "outside": os.path.exists(sys.argv[1]),
    "uid_map": open("/proc/self/uid_map").read().split(),
    "uid": os.getuid(),
    "caps": int(status["CapEff"], 16) | int(status["CapPrm"], 16),
    "no_new_privs": status["NoNewPrivs"] == "1",
    "nested": open("/proc/sys/user/max_user_namespaces").read().strip() == "0",
    "interfaces": [name for _, name in socket.if_nameindex()],
    "limits": [resource.getrlimit(getattr(resource, "RLIMIT_" + r))[0] for r in sys.argv[3:]],
    "environment": sorted(os.environ),
}))
"""
PROBED_NAMESPACES = ("user", "mnt", "pid", "net", "ipc", "uts", "cgroup")
PROBED_LIMITS = ("AS", "NPROC", "FSIZE", "NOFILE", "CPU", "CORE")


@cache
def _isolation_report() -> tuple[str, ...]:
    import subprocess
    import tempfile

    with tempfile.TemporaryDirectory(prefix="kurskit-probe-") as folder:
        workdir, outside = Path(folder, "work"), Path(folder, "outside")
        workdir.mkdir()
        outside.write_text("the grader's\n")
        argv = [sys.executable, "-c", PROBE, str(outside), ",".join(PROBED_NAMESPACES)]
        command = sandbox_command([*argv, *PROBED_LIMITS], workdir, Limits())
        run = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    if run.returncode != 0:
        lines = run.stderr.strip().splitlines() or [f"exit status {run.returncode}"]
        return (f"sandbox does not start: {lines[-1]}",)
    found = json.loads(run.stdout)
    report = []
    fallback = WARNING in run.stderr
    separate = [n for n in PROBED_NAMESPACES if found["ns"][n] != _own_namespace(n)]
    if fallback or not separate:
        report.append("no namespaces (not permitted here): host files, processes and network")
    else:
        report.append(f"{'+'.join(separate)} namespaces")
    if not found["outside"]:
        report.append("private root: system and Python read-only, workdir the only host write")
    if set(found["interfaces"]) <= {"lo"}:
        report.append("no network (own loopback only)")
    uid_map = found["uid_map"]
    outside_uid = next(
        (int(uid_map[i + 1]) for i in range(0, len(uid_map), 3) if uid_map[i] == str(found["uid"])),
        found["uid"],
    )
    who = "nobody" if outside_uid == NOBODY else f"uid {outside_uid}"
    report.append(f"kernel runs as uid {found['uid']} ({who} outside)")
    if not found["caps"]:
        report.append("no capabilities")
    if found["no_new_privs"]:
        report.append("no_new_privs")
    if found["nested"]:
        report.append("no namespaces of its own")
    limits = dict(zip(PROBED_LIMITS, found["limits"], strict=True))
    report.append(
        f"rlimits: {_size(limits['AS'])} address space, {limits['NPROC']} processes, "
        f"{_size(limits['FSIZE'])} per file, {limits['NOFILE']} open files, "
        f"{limits['CPU']} s CPU, core dumps {'off' if limits['CORE'] == 0 else 'on'}"
    )
    if set(found["environment"]) <= {*sandbox_environment(workdir), *PASSED_ON}:
        report.append("scrubbed environment")
    return tuple(report)


def _own_namespace(name: str) -> str:
    return str(Path(f"/proc/self/ns/{name}").readlink())


def _size(count: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if count >= factor:
            return f"{count / factor:g} {unit}"
    return f"{count} B"


if __name__ == "__main__":
    sys.exit(main())
