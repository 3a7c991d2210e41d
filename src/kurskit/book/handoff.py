"""`kurskit book build` hands its build to a running `kurskit book serve` of the same book.

A new process pays over a second to import Python, Sphinx and Jupyter Book before it reads the
one page that changed; `kurskit book serve` has all that loaded, keeps Sphinx's application
and a kernel ready, and serves the folder a build writes to. So while it runs, it takes build
requests on a Unix socket, and `kurskit book build` for the same book sends its request there
instead of building beside it (two processes writing one output folder would also spoil it).

The socket lives in a folder only this user can open (`$XDG_RUNTIME_DIR/kurskit`, or
`/tmp/kurskit-<uid>`; mode 0700), named after the book folder. One request is one connection:
a JSON line with the request, answered by JSON lines of progress and then the result or the
error. This module imports nothing heavy: it is the first thing `kurskit book build` does.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import socket
import socketserver
import stat
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kurskit.book.result import BookBuild, BookSourceError
from kurskit.book.sphinx_app import BookBuildError
from kurskit.progress import ProgressCallback

#: Builds for a request: (courses folder, drafts, copy to, progress) -> the build.
BuildFunction = Callable[[Path, bool, Path | None, ProgressCallback], BookBuild]

_MAX_REQUEST = 64 * 1024
#: Seconds a client waits for the server to take its request, and the server for the request.
ANSWER_SECONDS = 10.0


def socket_path(book_dir: Path) -> Path:
    """Where a `kurskit book serve` of `book_dir` takes build requests."""
    digest = hashlib.sha256(str(Path(book_dir).resolve()).encode()).hexdigest()[:16]
    return _private_folder() / f"book-{digest}.sock"


def request_build(
    *,
    courses_dir: Path,
    book_dir: Path,
    drafts: bool = False,
    out_dir: Path | None = None,
    on_progress: ProgressCallback | None = None,
) -> BookBuild | None:
    """Have the running `kurskit book serve` of `book_dir` build; None when none runs.

    Raises BookSourceError or BookBuildError as a build in this process would.
    """
    path = socket_path(book_dir)
    if not _is_private(path.parent) or not path.exists():
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(str(path))
    except OSError:  # a socket left by a server that died: build here
        connection.close()
        return None
    request = {
        "kurskit": _version(),
        "courses_dir": str(Path(courses_dir).resolve()),
        "drafts": drafts,
        "out_dir": str(Path(out_dir).resolve()) if out_dir else None,
    }
    try:
        with connection, connection.makefile("rwb") as stream:
            connection.settimeout(ANSWER_SECONDS)  # until the server says it has the request
            stream.write(json.dumps(request).encode() + b"\n")
            stream.flush()
            accepted = json.loads(stream.readline() or b"{}")
            if "accepted" not in accepted:  # refused: _result raises the server's reason
                refused = _result(accepted, on_progress, book_dir)
                raise BookBuildError(f"unexpected answer from `kurskit book serve`: {refused}")
            connection.settimeout(None)  # a build may wait for another and take minutes
            if on_progress:
                on_progress(0, 1, "handed to the running `kurskit book serve`")
            for line in stream:
                result = _result(json.loads(line), on_progress, book_dir)
                if result is not None:
                    return result
    except TimeoutError:
        raise BookBuildError(
            f"the `kurskit book serve` of {book_dir} does not answer (stopped with Ctrl+Z?); "
            "let it run on, or stop it to build here"
        ) from None
    except (OSError, json.JSONDecodeError, KeyError, TypeError) as error:
        raise BookBuildError(
            f"the connection to the `kurskit book serve` of {book_dir} broke: {error}"
        ) from None
    raise BookBuildError(
        f"the `kurskit book serve` of {book_dir} stopped before the build finished"
    )


def _result(
    message: dict[str, Any], on_progress: ProgressCallback | None, book_dir: Path
) -> BookBuild | None:
    """The build a server's message reports, None for progress; raises for an error."""
    if "progress" in message:
        if on_progress:
            on_progress(*message["progress"])
        return None
    if "built" in message:
        built = message["built"]
        paths = {key: Path(built[key]) for key in ("html_dir", "project_dir")}
        return BookBuild(**{**built, **paths})
    error = message.get("error") or {}
    if error.get("kind") == "source":
        raise BookSourceError(error["problems"])
    raise BookBuildError(
        error.get("message") or f"the `kurskit book serve` of {book_dir} sent no build"
    )


class BuildService:
    """Takes build requests for `book_dir` while a `kurskit book serve` runs.

    `build` runs one request; `on_event` hears of each one built. Raises BookBuildError on start
    when another process already takes requests for this book.
    """

    def __init__(
        self,
        book_dir: Path,
        build: BuildFunction,
        on_event: Callable[[str], None] | None = None,
    ) -> None:
        self.path = socket_path(book_dir)
        self.book_dir = Path(book_dir)
        self._build = build
        self._on_event = on_event
        self._server: socketserver.ThreadingUnixStreamServer | None = None
        self._inode: int | None = None

    def __enter__(self) -> BuildService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def start(self) -> None:
        folder = self.path.parent
        folder.mkdir(mode=0o700, exist_ok=True)
        if not _is_private(folder):
            raise BookBuildError(f"{folder} must be a folder only you can open (mode 0700)")
        if self.path.exists():
            probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            with probe, contextlib.suppress(OSError):
                probe.connect(str(self.path))
                raise BookBuildError(
                    f"another `kurskit book serve` already builds {self.book_dir}; stop it first"
                )
            self.path.unlink()  # left by a server that died
        service = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                service._answer(self.connection, self.rfile, self.wfile)

        self._server = socketserver.ThreadingUnixStreamServer(str(self.path), Handler)
        self._server.daemon_threads = True
        self._inode = self.path.stat().st_ino
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def close(self) -> None:
        """Stop taking requests and remove the socket (if it is still this one)."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with contextlib.suppress(OSError):
            if self.path.stat().st_ino == self._inode:
                self.path.unlink()

    def _answer(self, connection: socket.socket, requests: Any, replies: Any) -> None:
        def send(message: dict[str, Any]) -> None:
            # A client that went away (or a second server's probe) is no reason to stop:
            # the build still counts.
            with contextlib.suppress(OSError):
                text = json.dumps(message, default=str)  # paths as text
                replies.write(text.encode() + b"\n")
                replies.flush()

        connection.settimeout(ANSWER_SECONDS)  # a client that says nothing holds no thread
        try:
            line = requests.readline(_MAX_REQUEST)
        except OSError:
            return
        connection.settimeout(None)
        if not line.strip():  # a probe: is anyone serving this book?
            return
        try:
            request = json.loads(line)
            courses_dir = Path(request["courses_dir"])
            drafts = bool(request["drafts"])
            out_dir = Path(request["out_dir"]) if request["out_dir"] else None
        except (ValueError, KeyError, TypeError):
            send({"error": {"kind": "request", "message": "not a build request"}})
            return
        if request.get("kurskit") != _version():
            send(
                {
                    "error": {
                        "kind": "version",
                        "message": f"the running `kurskit book serve` of {self.book_dir} is "
                        f"kurskit {_version()}, this is kurskit {request.get('kurskit')}: "
                        "restart it",
                    }
                }
            )
            return
        send({"accepted": True})
        self._run(courses_dir, drafts, out_dir, send)

    def _run(
        self,
        courses_dir: Path,
        drafts: bool,
        out_dir: Path | None,
        send: Callable[[dict[str, Any]], None],
    ) -> None:
        def progress(done: int, total: int, text: str) -> None:
            send({"progress": [done, total, text]})

        try:
            built = self._build(courses_dir, drafts, out_dir, progress)
        except BookSourceError as error:
            problems = [str(problem) for problem in error.problems]
            send({"error": {"kind": "source", "problems": problems}})
            return
        except Exception as error:  # the client reports it as a failed build
            send({"error": {"kind": "build", "message": str(error)}})
            return
        send({"built": dataclasses.asdict(built)})
        if self._on_event:
            seconds = sum(built.timings.values())
            self._on_event(f"Built for `kurskit book build` in {seconds:.1f} s.")


def _private_folder() -> Path:
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime:
        return Path(runtime) / "kurskit"
    return Path(tempfile.gettempdir()) / f"kurskit-{os.getuid()}"


def _is_private(folder: Path) -> bool:
    """A real folder (not a link) of this user that nobody else may open."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return (
        stat.S_ISDIR(info.st_mode)
        and info.st_uid == os.getuid()
        and stat.S_IMODE(info.st_mode) & 0o077 == 0
    )


def _version() -> str:
    import kurskit

    return str(kurskit.__version__)
