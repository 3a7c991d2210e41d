"""The build handoff's transport: progress, results and errors cross the socket; stale
sockets, strangers' folders and other versions are refused. (`test_serve.py` runs it with a
real `kurskit book serve`.)"""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from kurskit.book.handoff import BuildService, request_build, socket_path
from kurskit.book.result import BookBuild, BookSourceError
from kurskit.book.sphinx_app import BookBuildError
from kurskit.progress import ProgressCallback


@pytest.fixture
def runtime_dir(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private runtime folder with a short path (socket paths are limited to 107 bytes)."""
    folder = Path(tempfile.mkdtemp(prefix="kk-", dir="/tmp"))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(folder))
    yield folder / "kurskit"
    shutil.rmtree(folder, ignore_errors=True)


class Recorder:
    """A build function that records its requests and reports two steps."""

    def __init__(self, error: Exception | None = None) -> None:
        self.requests: list[tuple[Path, bool, Path | None]] = []
        self.error = error

    def __call__(
        self, courses: Path, drafts: bool, out: Path | None, progress: ProgressCallback
    ) -> BookBuild:
        self.requests.append((courses, drafts, out))
        progress(0, 2, "reading courses")
        progress(1, 2, "running Jupyter Book")
        if self.error:
            raise self.error
        return BookBuild(
            html_dir=out or Path("/built/html"),
            project_dir=Path("/built/project"),
            courses=["kildekritikk"],
            timings={"read": 0.25},
            log="build succeeded.",
        )


def test_a_build_request_is_answered_with_progress_and_the_build(
    runtime_dir: Path, tmp_path: Path
) -> None:
    book = tmp_path / "book"
    build = Recorder()
    events: list[str] = []
    assert request_build(courses_dir=tmp_path, book_dir=book) is None  # nobody serves yet
    with BuildService(book, build, events.append) as service:
        assert service.path == socket_path(book) and service.path.parent == runtime_dir
        assert runtime_dir.stat().st_mode & 0o777 == 0o700
        seen: list[tuple[int, int, str]] = []
        built = request_build(
            courses_dir=tmp_path / "courses",
            book_dir=book,
            drafts=True,
            out_dir=tmp_path / "site",
            on_progress=lambda *step: seen.append(step),
        )
    assert built is not None
    assert built.html_dir == tmp_path / "site" and built.courses == ["kildekritikk"]
    assert built.timings == {"read": 0.25} and built.log == "build succeeded."
    assert build.requests == [((tmp_path / "courses").resolve(), True, tmp_path / "site")]
    assert seen == [
        (0, 1, "handed to the running `kurskit book serve`"),
        (0, 2, "reading courses"),
        (1, 2, "running Jupyter Book"),
    ]
    assert events == ["Built for `kurskit book build` in 0.2 s."]
    assert not service.path.exists()  # closing removes the socket
    assert request_build(courses_dir=tmp_path, book_dir=book) is None


def test_errors_cross_the_socket_as_the_errors_a_local_build_raises(
    runtime_dir: Path, tmp_path: Path
) -> None:
    book = tmp_path / "book"
    problem = "courses/kildekritikk/course.yml:3: title: the field is required"
    with (
        BuildService(book, Recorder(BookSourceError([problem]))),
        pytest.raises(BookSourceError) as source_error,
    ):
        request_build(courses_dir=tmp_path, book_dir=book)
    assert source_error.value.problems == [problem]
    with (
        BuildService(book, Recorder(RuntimeError("Sphinx fell over"))),
        pytest.raises(BookBuildError, match="Sphinx fell over"),
    ):
        request_build(courses_dir=tmp_path, book_dir=book)


def test_a_socket_left_by_a_dead_server_is_replaced(runtime_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    runtime_dir.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(socket_path(book)))  # bound, never listening: what a killed server leaves
    dead.close()
    assert socket_path(book).exists()
    assert request_build(courses_dir=tmp_path, book_dir=book) is None
    with BuildService(book, Recorder()):
        assert request_build(courses_dir=tmp_path, book_dir=book) is not None


def test_a_second_server_for_the_same_book_is_refused(runtime_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    with BuildService(book, Recorder()):
        with pytest.raises(BookBuildError, match="already builds"):
            BuildService(book, Recorder()).start()
        assert request_build(courses_dir=tmp_path, book_dir=book) is not None  # still the first


def test_a_folder_others_can_open_is_never_used(runtime_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    with BuildService(book, Recorder()):
        runtime_dir.chmod(0o755)
        assert request_build(courses_dir=tmp_path, book_dir=book) is None
        runtime_dir.chmod(0o700)
    runtime_dir.chmod(0o755)
    with pytest.raises(BookBuildError, match="only you can open"):
        BuildService(book, Recorder()).start()


def test_another_version_and_garbage_are_refused(runtime_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    build = Recorder()

    def ask(line: bytes) -> dict[str, dict[str, str]]:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.connect(str(socket_path(book)))
            client.sendall(line)
            answer: dict[str, dict[str, str]] = json.loads(client.makefile("rb").readline())
            return answer

    with BuildService(book, build):
        request = {"kurskit": "0.0.1-old", "courses_dir": "/c", "drafts": False, "out_dir": None}
        old = ask(json.dumps(request).encode() + b"\n")
        garbage = ask(b"GET / HTTP/1.0\r\n")
    assert old["error"]["kind"] == "version" and "restart it" in old["error"]["message"]
    assert garbage["error"]["kind"] == "request"
    assert build.requests == []


def test_a_server_that_does_not_answer_is_given_up_with_a_reason(
    runtime_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = tmp_path / "book"
    runtime_dir.mkdir(mode=0o700)
    monkeypatch.setattr("kurskit.book.handoff.ANSWER_SECONDS", 0.5)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as stopped:
        stopped.bind(str(socket_path(book)))
        stopped.listen()  # connections queue up, as with a server stopped by Ctrl+Z
        with pytest.raises(BookBuildError, match="does not answer"):
            request_build(courses_dir=tmp_path, book_dir=book)


def test_a_server_that_dies_mid_build_is_reported(runtime_dir: Path, tmp_path: Path) -> None:
    book = tmp_path / "book"
    runtime_dir.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dying:
        dying.bind(str(socket_path(book)))
        dying.listen()

        def take_and_die() -> None:
            connection, _ = dying.accept()
            with connection:
                connection.makefile("rb").readline()
                connection.sendall(b'{"accepted": true}\n{"progress": [0, 4, "reading courses"]}\n')

        taker = threading.Thread(target=take_and_die)
        taker.start()
        with pytest.raises(BookBuildError, match="stopped before the build finished"):
            request_build(courses_dir=tmp_path, book_dir=book)
        taker.join()


def test_a_probe_gets_silence_and_the_server_goes_on(
    runtime_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = tmp_path / "book"
    build = Recorder()
    with BuildService(book, build):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as probe:
            probe.connect(str(socket_path(book)))  # what a second server does to look
        assert request_build(courses_dir=tmp_path, book_dir=book) is not None
    assert len(build.requests) == 1
    assert "Traceback" not in capsys.readouterr().err
