"""The autograding sandbox, against real processes: what a hostile kernel can and cannot do."""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from kurskit import sandbox
from kurskit.sandbox import (
    Limits,
    isolation_report,
    sandbox_command,
    sandbox_environment,
)

PROJECT = Path(__file__).resolve().parents[2]
SMALL = Limits(memory_bytes=512 << 20, processes=16, file_bytes=8 << 20, cpu_seconds=30)


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    """A learner's workdir, next to a grader's secret outside it."""
    (tmp_path / "secret.txt").write_text("answer key\n")
    folder = tmp_path / "work"
    folder.mkdir()
    (folder / "mine.txt").write_text("my notebook\n")
    return folder


def sandboxed(code: str, workdir: Path, limits: Limits = SMALL) -> list[str]:
    return sandbox_command([sys.executable, "-c", code], workdir, limits)


def run(
    code: str, workdir: Path, limits: Limits = SMALL, prefix: tuple[str, ...] = ()
) -> subprocess.CompletedProcess[str]:
    command = [*prefix, *sandboxed(code, workdir, limits)]
    return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)


def run_json(code: str, workdir: Path, prefix: tuple[str, ...] = ()) -> Any:
    """Run code that ends by printing one JSON value, and return that value."""
    result = run(code, workdir, prefix=prefix)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def processes_with(marker: str) -> list[int]:
    """Live processes anywhere on the machine whose command line holds `marker`."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if marker.encode() in cmdline:
                found.append(int(entry.name))
    return found


def gone(marker: str, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while processes_with(marker):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


READ_FILES = """
import json, sys
seen = {}
for path in sys.argv[1:]:
    try:
        seen[path] = open(path).read()
    except OSError as error:
        seen[path] = type(error).__name__
print(json.dumps(seen))
"""


def test_kernel_reads_its_workdir_and_nothing_of_the_graders(workdir: Path) -> None:
    secret = workdir.parent / "secret.txt"
    paths = [
        str(workdir / "mine.txt"),
        str(secret),
        str(PROJECT / "pyproject.toml"),
        str(PROJECT / "courses"),
        str(PROJECT / "grading" / "nbgrader_config.py"),
    ]
    command = [*sandboxed(READ_FILES, workdir), *paths]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    seen = json.loads(result.stdout)
    assert seen.pop(str(workdir / "mine.txt")) == "my notebook\n"
    assert set(seen.values()) <= {"FileNotFoundError", "PermissionError"}, seen


def test_the_kernels_exit_status_comes_through(workdir: Path) -> None:
    # The wrapper checks on the grader once a second with SIGALRM; a kernel ending near that
    # tick once made the wrapper die of SIGALRM instead of passing on the status.
    codes = {
        run(f"import os, time; time.sleep({delay}); os._exit(3)", workdir).returncode
        for delay in (0.97, 0.99, 1.0, 1.01, 1.03, 1.96, 1.99, 2.0)
    }
    assert codes == {3}


def test_kernel_writes_only_in_its_workdir(workdir: Path) -> None:
    code = f"""
import json
targets = {{"workdir": "out.txt", "next to it": "../escape.txt", "project": "{PROJECT}/escape.txt",
           "source": "{PROJECT}/src/escape.txt", "root": "/escape.txt", "etc": "/etc/escape.txt"}}
outcome = {{}}
for name, path in targets.items():
    try:
        with open(path, "w") as file:
            file.write("x")
        outcome[name] = "written"
    except OSError as error:
        outcome[name] = type(error).__name__
print(json.dumps(outcome))
"""
    outcome = run_json(code, workdir)
    assert outcome.pop("workdir") == "written"
    assert (workdir / "out.txt").read_text() == "x"
    assert set(outcome.values()) <= {"PermissionError", "OSError", "FileNotFoundError"}, outcome
    assert not (workdir.parent / "escape.txt").exists()
    assert not (PROJECT / "escape.txt").exists()
    assert not (PROJECT / "src" / "escape.txt").exists()


def test_kurskit_and_ipykernel_import(workdir: Path) -> None:
    result = run("import kurskit, ipykernel; print(kurskit.__name__, ipykernel.__name__)", workdir)
    assert result.stdout.split() == ["kurskit", "ipykernel"], result.stderr


def test_environment_is_scrubbed(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "secret-token")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-key")
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")  # nbgrader's flag is passed on
    environment = run_json("import json, os; print(json.dumps(dict(os.environ)))", workdir)
    assert environment == {**sandbox_environment(workdir), "NBGRADER_EXECUTION": "autograde"}
    assert "KURSKIT_STORE_URL" in os.environ  # the conftest's store, kept from the kernel
    assert not any("secret" in value for value in environment.values())


def test_memory_bomb_raises_memory_error(workdir: Path) -> None:
    code = """
try:
    b"x" * (4 << 30)
except MemoryError:
    print("MemoryError")
"""
    result = run(code, workdir, Limits(memory_bytes=256 << 20))
    assert result.stdout.strip() == "MemoryError"


def test_fork_bomb_is_capped_and_dies_with_the_wrapper(workdir: Path) -> None:
    marker = f"forkbomb-{uuid.uuid4().hex}"
    code = f"""
import os, time  # {marker}
print("started", flush=True)
while True:
    try:
        os.fork()
    except OSError:
        time.sleep(0.01)
"""
    wrapper = subprocess.Popen(sandboxed(code, workdir), stdout=subprocess.PIPE)
    try:
        assert wrapper.stdout is not None
        assert wrapper.stdout.readline() == b"started\n"
        time.sleep(1.5)
        # The wrapper and the init carry the marker too; the bomb itself stays under the cap.
        assert 2 < len(processes_with(marker)) <= SMALL.processes + 2
    finally:
        wrapper.kill()
        wrapper.wait(timeout=10)
    assert gone(marker)


def test_kernel_cannot_kill_the_grader(workdir: Path) -> None:
    code = """
import os, signal
try:
    os.kill(os.getppid(), signal.SIGKILL)
except OSError as error:
    print(type(error).__name__, flush=True)
os.killpg(0, signal.SIGKILL)
"""
    result = run(code, workdir)
    # Its parent is the sandbox's init (pid 1), owned by another uid; its group is its own.
    assert result.stdout == "PermissionError\n"
    assert result.returncode == 128 + signal.SIGKILL


def test_kernel_sees_only_its_own_processes(workdir: Path) -> None:
    pids = run_json(
        "import json, os; print(json.dumps([p for p in os.listdir('/proc') if p.isdigit()]))",
        workdir,
    )
    assert sorted(pids) == ["1", "2"]


def test_no_network(workdir: Path) -> None:
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code = f"""
import json, socket, time
outcome = {{}}
for address in [("1.1.1.1", 53), ("127.0.0.1", {port})]:
    start = time.monotonic()
    try:
        socket.create_connection(address, timeout=5).close()
        outcome[address[0]] = "connected"
    except OSError as error:
        outcome[address[0]] = [type(error).__name__, time.monotonic() - start]
print(json.dumps(outcome))
"""
        outcome = run_json(code, workdir)
    for name, seconds in outcome.values():
        assert name in {"OSError", "ConnectionRefusedError"}
        assert seconds < 1


def test_killing_the_wrapper_kills_everything_inside(workdir: Path) -> None:
    marker = f"sleeper-{uuid.uuid4().hex}"
    code = f"""
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(1000)", "{marker}"])
print("started", flush=True)
time.sleep(1000)
"""
    wrapper = subprocess.Popen(sandboxed(code, workdir), stdout=subprocess.PIPE)
    try:
        assert wrapper.stdout is not None
        assert wrapper.stdout.readline() == b"started\n"
        deadline = time.monotonic() + 10
        while len(processes_with(marker)) < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(processes_with(marker)) == 4  # wrapper, init, kernel, its sleeper
    finally:
        wrapper.kill()
        wrapper.wait(timeout=10)
    assert gone(marker)


def test_sandbox_ends_when_the_grader_dies(workdir: Path) -> None:
    marker = f"orphan-{uuid.uuid4().hex}"
    code = f"import time; print('started', flush=True); time.sleep(1000)  # {marker}"
    # A stand-in grader: starts the wrapper, then is SIGKILLed without cleaning up.
    grader = subprocess.Popen(
        ["sh", "-c", f"{shlex.join(sandboxed(code, workdir))} & wait"], stdout=subprocess.PIPE
    )
    assert grader.stdout is not None
    assert grader.stdout.readline() == b"started\n"
    grader.kill()
    grader.wait(timeout=10)
    assert gone(marker)


def test_interrupt_reaches_the_kernel_once(workdir: Path) -> None:
    code = """
import time
print("ready", flush=True)
for seconds in (10, 0.5):  # the second nap would catch an interrupt delivered twice
    try:
        time.sleep(seconds)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
"""
    # As jupyter_client does: its own session, interrupted by a signal to the process group.
    wrapper = subprocess.Popen(
        sandboxed(code, workdir), stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert wrapper.stdout is not None
    assert wrapper.stdout.readline() == "ready\n"
    os.killpg(wrapper.pid, signal.SIGINT)
    out, _ = wrapper.communicate(timeout=15)
    assert out == "interrupted\n"
    assert wrapper.returncode == 0


PROBE = """
import json, os, resource
status = dict(line.split(":", 1) for line in open("/proc/self/status"))
print(json.dumps({
    "uid": os.getuid(),
    "caps": status["CapEff"].strip(),
    "no_new_privs": status["NoNewPrivs"].strip(),
    "nproc": resource.getrlimit(resource.RLIMIT_NPROC)[0],
    "pids": len([p for p in os.listdir("/proc") if p.isdigit()]),
    "secret": os.path.exists("%s"),
    "environment": sorted(os.environ),
}))
"""


def test_kernel_runs_unprivileged(workdir: Path) -> None:
    found = run_json(PROBE % (workdir.parent / "secret.txt"), workdir)
    assert found["uid"] != 0 or os.geteuid() != 0
    assert found["caps"] == "0000000000000000"
    assert found["no_new_privs"] == "1"
    assert found["nproc"] == SMALL.processes


def test_without_a_mapping_for_nobody_a_single_uid_map_still_isolates(workdir: Path) -> None:
    """As for a grader that is not root: `unshare -r` is a user namespace without nobody."""
    found = run_json(PROBE % (workdir.parent / "secret.txt"), workdir, prefix=("unshare", "-r"))
    assert found["caps"] == "0000000000000000"
    assert found["no_new_privs"] == "1"
    assert found["pids"] == 2
    assert found["secret"] is False


def test_without_namespaces_it_falls_back_to_limits_and_warns(workdir: Path) -> None:
    """In a user namespace without any mapping, unshare is refused (EPERM)."""
    result = run(PROBE % (workdir.parent / "secret.txt"), workdir, prefix=("unshare", "-U"))
    assert result.stderr.count("\n") == 1
    assert "namespaces unavailable" in result.stderr
    found = json.loads(result.stdout)
    assert found["caps"] == "0000000000000000"
    assert found["no_new_privs"] == "1"
    assert found["nproc"] == SMALL.processes
    assert found["environment"] == sorted(sandbox_environment(workdir))
    assert found["secret"] is True  # no private root: this is what the warning is about


def test_isolation_report_names_the_layers() -> None:
    report = isolation_report()
    assert report[0] == "user+mnt+pid+net+ipc+uts+cgroup namespaces"
    layers = ["private root", "no network", "no capabilities", "no namespaces of", "rlimits"]
    for layer in [*layers, "no_new_privs", "scrubbed"]:
        assert any(line.startswith(layer) for line in report), report


def test_isolation_report_without_namespaces() -> None:
    command = ["unshare", "-U", sys.executable, "-I", sandbox.__file__, "--report"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.stdout.startswith("no namespaces"), result.stderr
    assert "rlimits: 1 GiB address space, 64 processes" in result.stdout


@pytest.mark.slow
def test_real_kernel_in_the_sandbox(workdir: Path) -> None:
    from jupyter_client.manager import KernelManager

    class SandboxedKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return sandbox_command(super().format_kernel_cmd(extra_arguments), workdir, Limits())

    manager = SandboxedKernelManager(transport="ipc", ip=str(workdir / "kernel"))
    manager.connection_file = str(workdir / "kernel.json")
    manager.start_kernel()
    client = manager.client()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=30)
        assert execute(client, "1+1") == ("ok", "2")
        secret = workdir.parent / "secret.txt"
        assert execute(client, f"open({str(secret)!r}).read()") == ("error", "FileNotFoundError")
        # jupyter_client interrupts with SIGINT to the wrapper's process group.
        message = client.execute("import time; time.sleep(30)")
        time.sleep(1)
        manager.interrupt_kernel()
        reply = client.get_shell_msg(timeout=10)
        assert reply["parent_header"]["msg_id"] == message
        assert reply["content"]["ename"] == "KeyboardInterrupt"
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=False)
    assert not manager.is_alive()


def execute(client: Any, code: str) -> tuple[str, str]:
    """Run code; the reply's status and its result (text/plain) or error name."""
    results: list[str] = []

    def keep(message: dict[str, Any]) -> None:
        if message["msg_type"] == "execute_result":
            results.append(message["content"]["data"]["text/plain"])

    reply = client.execute_interactive(code, timeout=30, output_hook=keep)
    content = reply["content"]
    return content["status"], results[0] if content["status"] == "ok" else content["ename"]


def test_require_isolation_refuses_where_namespaces_are_missing(tmp_path: Path) -> None:
    # Inside a sandbox no namespaces can be made: a sandbox started there has to fall back.
    outer = tmp_path / "outer"
    inner = outer / "inner"
    inner.mkdir(parents=True)
    code = [sys.executable, "-c", "print('ran inside')"]
    for required, expected in ((False, 0), (True, 1)):
        nested = sandbox_command(code, inner, SMALL, require_isolation=required)
        command = sandbox_command(nested, outer, Limits(processes=64))
        done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == expected, done.stderr
        assert ("ran inside" in done.stdout) is (not required)
        assert ("refusing to run" in done.stderr) is required
    assert sandbox.isolates()  # this machine has them (make setup's CI machine too)
