"""`kurskit book serve --watch` as users run it: it serves the site, rebuilds on edits, builds
for `kurskit book build`, keeps the last good site when the courses break, and leaves no
socket behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kurskit.book.handoff import socket_path
from tests.browser import free_port, server
from tests.test_book.conftest import BuiltBook, book_copy

pytestmark = pytest.mark.slow

KURSKIT = Path(sys.executable).parent / "kurskit"
PAGE = "courses/kildekritikk/01-informasjonssok"


@pytest.fixture
def runtime_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A private runtime folder with a short path, for the server and its clients."""
    folder = tempfile.mkdtemp(prefix="kk-", dir="/tmp")
    monkeypatch.setenv("XDG_RUNTIME_DIR", folder)
    yield {"XDG_RUNTIME_DIR": folder}
    shutil.rmtree(folder, ignore_errors=True)


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return str(response.read().decode("utf-8"))


def wait_for(condition_text: str, url: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        page = fetch(url)
        if condition_text in page:
            return page
        time.sleep(0.3)
    raise AssertionError(f"{condition_text!r} never appeared on {url}")


def book_build(
    courses: Path, book: Path, *options: str, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """Run `kurskit book build` as a user would, next to the courses folder."""
    return subprocess.run(
        [str(KURSKIT), "book", "build", "--courses", str(courses), "--book", str(book), *options],
        cwd=courses.parent,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_serve_watch_rebuilds_and_builds_for_kurskit_book_build(
    built_book: BuiltBook, tmp_path: Path, runtime_env: dict[str, str]
) -> None:
    courses, book = book_copy(built_book, tmp_path)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [str(KURSKIT), "book", "serve", "--watch", "--port", str(port)]
    command += ["--courses", str(courses), "--book", str(book)]
    log = tmp_path / "serve.log"
    source = courses / "kildekritikk" / "01-informasjonssok.md"
    with server(command, url + "/", runtime_env, log):
        assert socket_path(book).exists()

        # The watch loop sees an edit and rebuilds.
        source.write_text(source.read_text("utf-8") + "\nSett av klokka.\n", "utf-8")
        wait_for("Sett av klokka.", f"{url}/{PAGE}.html")

        # `kurskit book build` hands its build to the server, which also copies the site.
        source.write_text(source.read_text("utf-8") + "\nBygd av tjeneren.\n", "utf-8")
        site = tmp_path / "site"
        built = book_build(courses, book, "--out", str(site), env=runtime_env)
        assert built.returncode == 0, built.stderr
        assert "Built 1 course(s)" in built.stdout
        assert "Bygd av tjeneren." in (site / f"{PAGE}.html").read_text("utf-8")
        assert "Bygd av tjeneren." in fetch(f"{url}/{PAGE}.html")
        assert "Built for `kurskit book build`" in log.read_text("utf-8")

        # Other courses than the server's: a clear refusal, nothing written.
        other = book_build(tmp_path / "andre", book, env=runtime_env)
        assert other.returncode == 1 and "stop it to build these" in other.stderr

        # Broken courses stop the build before it writes anything, with the problems (file
        # and line); the site served stays the last good one.
        course_file = courses / "kildekritikk" / "course.yml"
        good = course_file.read_text("utf-8")
        course_file.write_text(good.replace("level: foundation", "level: ekspert"), "utf-8")
        broken = book_build(courses, book, env=runtime_env)
        assert broken.returncode == 1
        assert "course.yml:" in broken.stderr and "level" in broken.stderr
        assert "Bygd av tjeneren." in fetch(f"{url}/{PAGE}.html")
        course_file.write_text(good, "utf-8")

    assert not socket_path(book).exists()  # the server took its socket along
    alone = book_build(courses, book, env=runtime_env)
    assert alone.returncode == 0, alone.stderr  # with no server, it builds by itself
