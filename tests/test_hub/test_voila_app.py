"""The hub's Voilà app for a webinar's interactive exercise, on a real hub: behind the hub's
login, kernels started ahead and never more than the pool (later visitors get one started on
the spot), each kernel sandboxed without the service's token, and a participant's websocket
cannot run code."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from benchmarks.voila_client import message, open_app, reply_to
from tornado.httpclient import AsyncHTTPClient

from kurskit.hub.serve import write_edition
from tests.test_hub.hubfixture import RunningHub, running_hub, write_course

pytestmark = pytest.mark.slow

APP = "demo/lesson.ipynb"
PROBE = """\
import os, pathlib
print("probe-env:", sorted(k for k in os.environ if "TOKEN" in k or "JUPYTERHUB" in k))
print("probe-state:", pathlib.Path({state!r}).exists())
print("probe-sources:", pathlib.Path({sources!r}).exists())
"""


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningHub]:
    root = tmp_path_factory.mktemp("voila-hub")
    courses = write_course(root)
    edition = root / "edition"
    write_edition(courses, edition)
    notebook = nbformat.read(edition / APP, as_version=4)
    probe = PROBE.format(state=str(root / "state"), sources=str(courses))
    notebook.cells.append(nbformat.v4.new_code_cell(probe))
    nbformat.write(notebook, edition / APP)
    with running_hub(root, edition=edition, voila_app=APP, voila_pool=2) as running:
        yield running


def app_url(hub: RunningHub) -> str:
    return f"{hub.settings.public_url}/services/kurskit-voila/voila/render/{APP}"


def test_the_app_is_behind_the_hubs_login(hub: RunningHub) -> None:
    status, page = hub.call("GET", app_url(hub))  # no token: the hub's login page
    assert "kernelId" not in str(page)
    assert status in (200, 403) and "login" in str(page).lower()


def test_participants_get_kernels_started_ahead_and_sandboxed(hub: RunningHub) -> None:
    async def visit(names: list[str]) -> list[tuple[str, int]]:
        http = AsyncHTTPClient()
        opened = []
        for name in names:
            headers = {"Authorization": f"token {hub.tokens[name]}"}
            app, connection = await open_app(http, app_url(hub), headers)
            # Voilà passes widget messages only: code sent to the kernel is dropped.
            run = message("execute_request", {"code": "print(1)", "silent": False})
            assert await reply_to(connection, run, timeout=3) is None
            connection.close()
            opened.append((app.page, app.widgets))
        return opened

    # In a thread of its own: the session's Playwright keeps an event loop in this one.
    with ThreadPoolExecutor(1) as thread:
        first, second, third = thread.submit(asyncio.run, visit(["alice", "bob", "carl"])).result()
    for page, widgets in (first, second, third):
        assert widgets >= 1  # the question widget lives in the participant's kernel
        assert "probe-env: []" in page  # no hub token, no hub variables in the kernel
        assert "probe-state: False" in page and "probe-sources: False" in page
    log = hub.log.read_text(errors="replace")
    assert log.count("Using pre-heated kernel") == 2  # alice and bob: the pool of two
    # carl's kernel was started for him; no spare kernels were started beyond the pool.
    assert log.count("[Voila] Kernel started") == 3
    assert Path(hub.settings.state_dir / "voila" / "voila.py").is_file()
