"""Login to a running server, and memory per learner: kurskit's sandboxed spawner against plain
JupyterHub's LocalProcessSpawner, measured in the same run.

Two real hubs are started one after the other on loopback from the same settings, once with
kurskit's SandboxSpawner (the default of `kurskit hub serve`) and once with JupyterHub's
SimpleLocalProcessSpawner (a LocalProcessSpawner without per-user OS accounts, which a test
machine does not have). For each, LEARNERS servers are started one at a time through the hub's
API, as a login does; the time is from the request to the hub reporting the server ready. RSS
is the resident memory of each server's whole process tree (for the sandbox: wrapper, init and
server) once every server runs.

    .venv/bin/python benchmarks/hub_spawn.py [--learners 6] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kurskit.hub.serve import prepare, start
from kurskit.hub.settings import HubSettings
from kurskit.hub.users import HubClient

COURSES = Path(__file__).resolve().parents[1] / "courses"
PLAIN = """
c.JupyterHub.spawner_class = "jupyterhub.spawner.SimpleLocalProcessSpawner"
c.SimpleLocalProcessSpawner.home_dir_template = {homes!r} + "/{{username}}"
c.Spawner.cmd = [{server!r}]
c.Spawner.args = ["--allow-root"] if __import__("os").geteuid() == 0 else []
"""


def children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def tree_rss(pid: int, tree: dict[int, list[int]]) -> int:
    """Resident bytes of a process and all its descendants."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
        stack += tree.get(current, [])
    return total


def server_pids(settings: HubSettings) -> list[int]:
    database = settings.state_dir / "jupyterhub.sqlite"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
        rows = connection.execute("select state from spawners where server_id is not null")
        return [json.loads(state)["pid"] for (state,) in rows if state]


def wait_ready(client: HubClient, user: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (client.call("GET", f"/users/{user}").get("servers") or {}).get("", {}).get("ready"):
            return
        time.sleep(0.05)
    raise TimeoutError(f"{user}'s server did not start")


def measure(name: str, root: Path, learners: int, *, plain: bool) -> tuple[list[float], list[int]]:
    # The bundled courses: each new home gets their learner edition, as on a real hub.
    settings = HubSettings(state_dir=root / "state", courses_dir=COURSES, port=18600)
    prepared = prepare(settings)
    if plain:
        with prepared.config.open("a") as config:
            server = str(Path(sys.executable).parent / "jupyterhub-singleuser")
            config.write(PLAIN.format(homes=str(root / "plain-homes"), server=server))
    hub = start(settings, prepared)
    try:
        client = HubClient(settings)
        deadline = time.monotonic() + 60
        while True:
            try:
                client.call("GET", "/")
                break
            except Exception:
                if time.monotonic() > deadline or hub.poll() is not None:
                    raise
                time.sleep(0.2)
        users = [f"learner{n}" for n in range(learners)]
        client.ensure_users(users)
        seconds = []
        for user in users:
            started = time.monotonic()
            client.call("POST", f"/users/{user}/server")
            wait_ready(client, user)
            seconds.append(time.monotonic() - started)
        time.sleep(2)  # let every server finish loading its extensions
        tree = children()
        rss = [tree_rss(pid, tree) for pid in server_pids(settings)]
        print(f"{name}: {learners} servers, median start {statistics.median(seconds):.2f} s")
        return seconds, rss
    finally:
        hub.terminate()
        hub.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2, help="each hub this often, alternating")
    options = parser.parse_args()
    plain: tuple[list[float], list[int]] = ([], [])
    sandbox: tuple[list[float], list[int]] = ([], [])
    with tempfile.TemporaryDirectory(prefix="kurskit-hub-bench-") as folder:
        for n in range(options.rounds):
            # Alternating which hub goes first, so neither always meets cold caches.
            order = [("LocalProcessSpawner", True), ("kurskit SandboxSpawner", False)]
            for name, is_plain in order if n % 2 == 0 else order[::-1]:
                root = Path(folder, f"{'plain' if is_plain else 'sandbox'}-{n}")
                seconds, rss = measure(name, root, options.learners, plain=is_plain)
                target = plain if is_plain else sandbox
                target[0].extend(seconds)
                target[1].extend(rss)
    print()
    print("| | LocalProcessSpawner (baseline) | kurskit SandboxSpawner | ratio |")
    print("|---|---|---|---|")
    rows = (
        ("login → server ready, median", 0, "s", 1.0),
        ("RSS per learner, median", 1, "MiB", 1 / 2**20),
    )
    for label, index, unit, scale in rows:
        base = statistics.median(plain[index]) * scale
        ours = statistics.median(sandbox[index]) * scale
        print(f"| {label} | {base:.2f} {unit} | {ours:.2f} {unit} | {ours / base:.2f} |")


if __name__ == "__main__":
    main()
