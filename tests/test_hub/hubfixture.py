"""A real `kurskit hub serve` for the tests: a throwaway state folder, free ports, a tiny course,
learners in two cohorts and an instructor who follows the first."""

from __future__ import annotations

import json
import os
import random
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from kurskit.hub.settings import HubSettings
from kurskit.hub.users import HubClient, set_password
from tests.browser import stop
from tests.factories import COURSE_YML, MD_HEADER, ipynb_with

PRACTICE = """\
%%kurskit
id: p-choice
type: single_choice
prompt: Hvilket søk gir færrest treff?
attempts: 3
options:
  - bibliotek ELLER arkiv
  - text: bibliotek OG arkiv
    feedback: Riktig, OG krever begge ordene.
answer: b
"""
GRADED = """\
%%kurskit
id: g-choice
type: single_choice
graded: true
prompt: Hvilken kilde er primærkilden?
options:
  - Et oppslagsverk
  - text: Et intervju med vitnet
    feedback: HEMMELIG-NOKKEL-FEEDBACK
answer: b
"""
#: Text that occurs only in the graded key; it must never reach a learner's process.
GRADED_SECRET = "HEMMELIG-NOKKEL-FEEDBACK"
PASSWORD = "riktig-hest-batteri"
LEARNERS = ("alice", "bob", "carl")
INSTRUCTOR = "ines"


def write_course(root: Path) -> Path:
    """courses/demo: a practice module (3 attempts) and a graded assessment."""
    folder = root / "courses" / "demo"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(COURSE_YML, "utf-8")
    practice = MD_HEADER + "\n```{code-cell} ipython3\n" + PRACTICE + "```\n"
    (folder / "lesson.md").write_text(practice, "utf-8")
    nbformat.write(ipynb_with(GRADED), folder / "test.ipynb")
    return root / "courses"


def free_ports(count: int) -> int:
    """A base port with `count` free ports from it (the hub uses five in a row)."""
    for _ in range(200):
        base = random.randrange(20000, 60000)
        try:
            for port in range(base, base + count):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        return base
    raise RuntimeError("no free ports")


@dataclass
class RunningHub:
    settings: HubSettings
    log: Path
    process: subprocess.Popen[bytes]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def client(self) -> HubClient:
        return HubClient(self.settings)

    @property
    def service(self) -> str:
        return f"{self.settings.public_url}/services/kurskit-answers/"

    def call(self, method: str, url: str, token: str | None = None, body: Any = None) -> Any:
        """(status, JSON or text) of a request to the hub's public address."""
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if token is not None:
            request.add_header("Authorization", f"token {token}")
        try:
            with urllib.request.urlopen(request, timeout=60) as reply:
                body = reply.read()
                if reply.headers.get_content_type() != "application/json":
                    return reply.status, body.decode()
                return reply.status, json.loads(body or b"null")
        except urllib.error.HTTPError as error:
            text = error.read().decode()
            try:
                return error.code, json.loads(text)
            except ValueError:
                return error.code, text

    def start_server(self, user: str) -> float:
        """Start `user`'s server through the hub's API (unless it runs); seconds until ready."""
        started = time.monotonic()
        if not (self.client.call("GET", f"/users/{user}").get("servers") or {}):
            self.client.call("POST", f"/users/{user}/server")
        while time.monotonic() - started < 120:
            model = self.client.call("GET", f"/users/{user}")
            if (model.get("servers") or {}).get("", {}).get("ready"):
                return time.monotonic() - started
            time.sleep(0.2)
        raise TimeoutError(f"{user}'s server did not start; see {self.log}")


@contextmanager
def running_hub(
    root: Path, *, edition: Path | None = None, voila_app: str | None = None, voila_pool: int = 2
) -> Iterator[RunningHub]:
    """`kurskit hub serve` in a subprocess, with accounts, cohorts and tokens made."""
    courses = write_course(root) if not (root / "courses").exists() else root / "courses"
    settings = HubSettings(
        port=free_ports(5), state_dir=root / "state", courses_dir=courses, edition_dir=edition,
        voila_app=voila_app, voila_pool=voila_pool,
    )  # fmt: skip
    for name in (*LEARNERS, INSTRUCTOR):
        set_password(settings, name, PASSWORD)
    command = [
        str(Path(sys.executable).parent / "kurskit"), "hub", "serve",
        "--port", str(settings.port),
        "--state-dir", str(settings.state_dir),
        "--courses", str(courses),
    ]  # fmt: skip
    if edition is not None:
        command += ["--edition", str(edition)]
    if voila_app is not None:
        command += ["--voila-app", voila_app, "--voila-pool", str(voila_pool)]
    log = root / "hub.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, stdout=output, stderr=subprocess.STDOUT, env=os.environ.copy()
        )
        hub = RunningHub(settings, log, process)
        try:
            _wait_until_up(hub)
            client = hub.client
            client.add_to_cohort("bibliotek-a", ["alice", "bob", INSTRUCTOR])
            client.add_to_cohort("bibliotek-b", ["carl"])
            client.add_instructors("demo", [INSTRUCTOR])
            hub.tokens = {name: client.token_for(name) for name in (*LEARNERS, INSTRUCTOR)}
            yield hub
        finally:
            stop(process, timeout=30)


def _wait_until_up(hub: RunningHub) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if hub.process.poll() is not None:
            raise RuntimeError(f"the hub exited: {hub.log.read_text(errors='replace')[-3000:]}")
        try:
            status, _ = hub.call("GET", hub.service + "api/released?course=demo&module=test")
        except OSError:
            status = 0
        if status == 401:  # the service is up behind the proxy and asks who is calling
            return
        time.sleep(0.3)
    raise TimeoutError(f"the hub did not come up; see {hub.log}")
