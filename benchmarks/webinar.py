"""Benchmark: a live poll with N participants (default 300) on one hub, on this machine.

Measured in one run against a real `kurskit hub serve` on 127.0.0.1 (only loopback traffic,
bounded in count and time; the hub stops at the end):
  log in     each participant makes a first request with a new hub token, all at once (the
             service checks each with the hub, as when a browser logs in; printed, no target);
  question   each participant, now logged in, opens the join page and fetches the session's
             state; time from opening the link to the question shown;
  answer     each participant answers; time from sending the answer to the instructor's
             class result (long-polled as the dashboard does) counting it.
Participants are concurrent HTTP clients (tornado), not one browser each: a browser per
participant would measure this machine's browser, not the server. Targets: p95 question
<= 2 s and p95 answer-to-chart <= 1 s for 300 participants.

  voila app  a Voilà app with a kernel per participant (the webinar's interactive exercise):
             the hub's app (`kurskit hub serve --voila-app … --voila-pool 50`: kernels started
             ahead, sandboxed) against plain `voila` with default settings on the same
             notebook, 50 participants opening it at once in each; time from opening the link
             to the widgets living in the participant's kernel (page, websocket, the kernel's
             answer listing the widgets), and the kernels' resident memory per participant.
             Target: p95 <= 2 s and >= 10x plain Voilà's p95.

Run: .venv/bin/python benchmarks/webinar.py [--participants N] [--app-participants N]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

# The Voilà participant beside this file (run as a script, its folder is on the path); the
# hub's tests import the same module as benchmarks.voila_client.
from voila_client import open_app

from kurskit.hub.settings import ANSWERS_SERVICE, VOILA_SERVICE, HubSettings
from kurskit.hub.users import HubClient

ROOT = Path(__file__).resolve().parents[1]
COURSE, MODULE = "kildekritikk", "01-informasjonssok"
INSTRUCTOR = "ines"
LIMIT_SECONDS = 300  # each measured part stops after this, whatever happens
APP = f"{COURSE}/{MODULE}.ipynb"  # the learner edition's notebook of the module


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_base_port() -> int:
    for base in range(23000, 60000, 7):
        try:
            for port in range(base, base + 5):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise SystemExit("no free ports")


def start_hub(state: Path, pool: int) -> tuple[HubSettings, subprocess.Popen[bytes]]:
    settings = HubSettings(port=free_base_port(), state_dir=state, courses_dir=ROOT / "courses")
    command = [
        str(Path(sys.executable).parent / "kurskit"), "hub", "serve",
        "--port", str(settings.port), "--state-dir", str(state),
        "--courses", str(settings.courses_dir), "--voila-app", APP, "--voila-pool", str(pool),
    ]  # fmt: skip
    log = (state / "hub.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    client = HubClient(settings)
    while time.monotonic() < deadline:
        try:
            client.call("GET", "/users")
            return settings, process
        except Exception:
            time.sleep(0.5)
    process.kill()
    raise SystemExit(f"the hub did not start; see {state / 'hub.log'}")


async def call(
    http: AsyncHTTPClient, url: str, token: str, method: str = "GET", body: Any = None
) -> Any:
    request = HTTPRequest(
        url,
        method=method,
        headers={"Authorization": f"token {token}", "Content-Type": "application/json"},
        body=None if body is None else json.dumps(body),
        request_timeout=60,
    )
    reply = await http.fetch(request)
    kind = reply.headers.get("Content-Type", "")
    return json.loads(reply.body) if kind.startswith("application/json") else reply.body


async def session(settings: HubSettings, tokens: dict[str, str], count: int) -> dict[str, Any]:
    AsyncHTTPClient.configure(None, max_clients=count + 10)
    http = AsyncHTTPClient()
    service = f"{settings.public_url}/services/{ANSWERS_SERVICE}/"
    api = service + "api/webinar/"
    where = f"course={COURSE}&module={MODULE}"
    boss = tokens[INSTRUCTOR]
    questions = await call(http, api + f"questions?{where}", boss)
    choice = next(q for q in questions if q["type"] in ("single_choice", "poll", "true_false"))
    await call(http, api + "control", boss, "POST", {
        "course": COURSE, "module": MODULE, "action": "open", "question_id": choice["id"],
    })  # fmt: skip
    participants = [name for name in tokens if name != INSTRUCTOR]

    async def open_link(name: str) -> tuple[float, Any]:
        started = time.perf_counter()
        await call(http, service + f"webinar/{COURSE}/{MODULE}", tokens[name])
        state = await call(http, api + f"state?{where}&since=-1", tokens[name])
        assert state["question"] is not None
        return time.perf_counter() - started, state["question"]["spec"]

    async def log_in(name: str) -> float:
        """A participant's first request: the service checks the new token with the hub (as
        the OAuth callback does when a browser logs in)."""
        started = time.perf_counter()
        await call(http, service + f"api/released?course={COURSE}&module={MODULE}", tokens[name])
        return time.perf_counter() - started

    first_contact = await asyncio.gather(*(log_in(name) for name in participants))
    opened = await asyncio.gather(*(open_link(name) for name in participants))
    question_seconds = [seconds for seconds, _ in opened]
    spec = opened[0][1]
    response = _an_answer(spec)

    seen: list[tuple[float, int]] = []  # (time, answered) as the instructor's chart saw them
    done = asyncio.Event()

    async def follow() -> None:
        version = -1
        while not done.is_set():
            state = await call(http, api + f"state?{where}&since={version}&view=class", boss)
            version = state["version"]
            seen.append((time.perf_counter(), int(state.get("answered", 0))))
            if state.get("answered", 0) >= len(participants):
                done.set()

    watcher = asyncio.ensure_future(follow())
    await asyncio.sleep(0.3)
    sent: list[float] = []

    async def answer(name: str) -> None:
        sent.append(time.perf_counter())
        body = {"course": COURSE, "module": MODULE, "response": response, "idempotency_key": name}
        await call(http, api + "answer", tokens[name], "POST", body)

    await asyncio.gather(*(answer(name) for name in participants))
    await asyncio.wait_for(done.wait(), 60)
    watcher.cancel()
    chart_seconds = []
    for rank, moment in enumerate(sorted(sent), start=1):
        shown = next(t for t, answered in seen if answered >= rank)
        chart_seconds.append(max(0.0, shown - moment))
    return {"question": question_seconds, "chart": chart_seconds, "login": first_contact}


def _an_answer(spec: dict[str, Any]) -> Any:
    if spec["type"] == "true_false":
        return True
    return spec["options"][0]["id"]


async def open_apps(url: str, tokens: list[str | None]) -> tuple[list[float], int]:
    """Everyone opens the app at once: seconds until each one's widgets live, and failures."""
    AsyncHTTPClient.configure(None, max_clients=len(tokens) + 10)
    http = AsyncHTTPClient()

    async def one(token: str | None) -> float | None:
        headers = {"Authorization": f"token {token}"} if token else {}
        try:
            app, connection = await open_app(http, url, headers, timeout=LIMIT_SECONDS)
        except Exception as error:  # a failed visit is counted, not fatal
            print(f"  a participant failed: {str(error)[:160]}", file=sys.stderr)
            return None
        connection.close()
        return app.seconds if app.widgets else None

    results = await asyncio.gather(*(one(token) for token in tokens))
    done = [seconds for seconds in results if seconds is not None]
    return done, len(results) - len(done)


def wait_for_log(log: Path, text: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in log.read_text(errors="replace"):
            return
        time.sleep(1)
    raise SystemExit(f"{text!r} never appeared in {log}")


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def process_rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += next((int(line.split()[1]) for line in status.splitlines()
                       if line.startswith("VmRSS:")), 0)  # fmt: skip
    return total / 1024


def kernels_rss_mib(server_pid: int) -> float:
    """Resident memory of everything a Voilà server started (its kernels), in MiB."""
    return process_rss_mib([pid for pid in descendants(server_pid) if pid != server_pid])


def voila_server_pid(hub_pid: int) -> int:
    for pid in descendants(hub_pid):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(part.endswith(b"/voila") for part in command[:2]):
            return pid
    raise SystemExit("the hub's Voilà app is not running")


def plain_voila(notebook: Path, participants: int) -> tuple[list[float], int, float]:
    """Plain `voila NOTEBOOK` with default settings: (seconds, failures, kernels' MiB)."""
    port = free_base_port()
    log = (notebook.parent / "plain-voila.log").open("wb")
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "voila"), str(notebook), "--port", str(port),
         "--no-browser", "--Voila.ip=127.0.0.1"],
        stdout=log, stderr=subprocess.STDOUT, cwd=notebook.parent,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.3)
        visits = open_apps(url, [None] * participants)  # one notebook: Voilà serves it at /
        seconds, failed = asyncio.run(asyncio.wait_for(visits, LIMIT_SECONDS))
        memory = kernels_rss_mib(server.pid)
    finally:
        server.terminate()
        server.wait(30)
    return seconds, failed, memory


def rss_mib(pid: int) -> float:
    """Resident memory of a process and its children, in MiB (from /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().split()
            status = (entry / "status").read_text()
        except OSError:
            continue
        if int(entry.name) == pid or int(stat[3]) == pid:
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=300)
    parser.add_argument("--app-participants", type=int, default=50)
    arguments = parser.parse_args()
    count, app_count = arguments.participants, arguments.app_participants
    with tempfile.TemporaryDirectory(prefix="kurskit-webinar-") as tmp:
        settings, process = start_hub(Path(tmp), app_count)
        try:
            # The instructor starts the app before the session: its kernels start ahead.
            filled = f"Kernel pool of {APP} is filled with {app_count} kernel(s)"
            wait_for_log(Path(tmp) / "hub.log", filled, LIMIT_SECONDS)
            client = HubClient(settings)
            names = [f"deltaker{number:03d}" for number in range(count)]
            client.ensure_users([*names, INSTRUCTOR])
            client.add_instructors(COURSE, [INSTRUCTOR])
            tokens = {name: client.token_for(name, "benchmark") for name in [*names, INSTRUCTOR]}
            before = rss_mib(process.pid)
            started = time.perf_counter()
            times = asyncio.run(asyncio.wait_for(session(settings, tokens, count), LIMIT_SECONDS))
            took = time.perf_counter() - started
            after = rss_mib(process.pid)
            app_url = f"{settings.public_url}/services/{VOILA_SERVICE}/voila/render/{APP}"
            voila_pid = voila_server_pid(process.pid)
            app_tokens = [tokens[name] for name in names[:app_count]]
            app_seconds, app_failed = asyncio.run(
                asyncio.wait_for(open_apps(app_url, list(app_tokens)), LIMIT_SECONDS)
            )
            app_memory = kernels_rss_mib(voila_pid)
            edition_notebook = Path(tmp) / "plain" / Path(APP).name
            edition_notebook.parent.mkdir()
            shutil.copytree(settings.edition_folder / COURSE, edition_notebook.parent,
                            dirs_exist_ok=True)  # fmt: skip
        finally:
            process.terminate()
            process.wait(30)
        # Plain Voilà after the hub has stopped, on the same notebook: the machine is as idle.
        plain_seconds, plain_failed, plain_memory = plain_voila(edition_notebook, app_count)
    question, chart, login = times["question"], times["chart"], times["login"]
    print(f"{count} participants, {os.cpu_count()} CPUs, one session in {took:.1f} s")
    print(
        f"log in (all at once; each new token is checked with the hub): "
        f"p50 {statistics.median(login):.3f} s, p95 {percentile(login, 0.95):.3f} s"
    )
    print(
        f"open link → question shown: p50 {statistics.median(question):.3f} s, "
        f"p95 {percentile(question, 0.95):.3f} s (target <= 2 s)"
    )
    print(
        f"answer → instructor's chart: p50 {statistics.median(chart):.3f} s, "
        f"p95 {percentile(chart, 0.95):.3f} s (target <= 1 s)"
    )
    print(
        f"hub, proxy and answers service: {before:.0f} MiB before, {after:.0f} MiB during "
        f"({(after - before) / count * 1024:.0f} KiB per participant; no kernel per participant)"
    )
    ours, plain = percentile(app_seconds, 0.95), percentile(plain_seconds, 0.95)
    print(
        f"Voilà app, {app_count} participants at once, open link → widgets live in their "
        f"kernel: kurskit p50 {statistics.median(app_seconds):.3f} s, p95 {ours:.3f} s "
        f"({app_failed} failed); plain voila p50 {statistics.median(plain_seconds):.3f} s, "
        f"p95 {plain:.3f} s ({plain_failed} failed); target p95 <= 2 s and >= 10x"
    )
    print(
        f"Voilà kernels' resident memory per participant: kurskit "
        f"{app_memory / app_count:.0f} MiB (sandboxed, pool of {app_count}), plain voila "
        f"{plain_memory / app_count:.0f} MiB"
    )
    print(
        f"participants={count} p95_question_s={percentile(question, 0.95):.3f} "
        f"p95_answer_to_chart_s={percentile(chart, 0.95):.3f} "
        f"p95_voila_widget_s={ours:.3f} ratio_vs_plain_voila={plain / ours:.1f}"
    )


if __name__ == "__main__":
    main()
