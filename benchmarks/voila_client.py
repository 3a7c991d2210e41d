"""A Voilà participant without a browser: open the app's page, connect to its kernel over the
websocket and wait until the kernel answers and holds the page's widgets. Used by
benchmarks/webinar.py and the hub's Voilà tests (loopback only)."""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

KERNEL_ID = re.compile(r'"kernelId":\s*"([0-9a-f-]{36})"')


@dataclass
class OpenedApp:
    """What one participant got: the page, its kernel, and how long until the widgets lived."""

    seconds: float
    kernel_id: str
    page: str
    widgets: int


def message(msg_type: str, content: dict[str, Any] | None = None) -> str:
    header = {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "username": "",
              "session": uuid.uuid4().hex, "version": "5.3", "date": ""}  # fmt: skip
    return json.dumps({"header": header, "parent_header": {}, "metadata": {},
                       "content": content or {}, "channel": "shell", "buffers": []})  # fmt: skip


async def reply_to(connection: Any, request: str, timeout: float) -> dict[str, Any] | None:
    """The shell reply to `request` (sent on `connection`), or None within `timeout` seconds."""
    sent_id = json.loads(request)["header"]["msg_id"]
    await connection.write_message(request)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            raw = await _read(connection, deadline - time.monotonic())
        except TimeoutError:
            return None
        if raw is None:
            return None
        reply = json.loads(raw)
        if (
            reply.get("parent_header", {}).get("msg_id") == sent_id
            and reply.get("channel") == "shell"
        ):
            return dict(reply)
    return None


async def _read(connection: Any, timeout: float) -> str | None:
    import asyncio

    raw = await asyncio.wait_for(connection.read_message(), max(0.01, timeout))
    return raw if isinstance(raw, str) or raw is None else raw.decode()


async def open_app(
    http: AsyncHTTPClient, url: str, headers: dict[str, str], timeout: float = 120
) -> tuple[OpenedApp, Any]:
    """Open the app at `url` as a participant; the kernel's websocket stays open (returned)."""
    started = time.perf_counter()
    page = (await http.fetch(HTTPRequest(url, headers=headers, request_timeout=timeout))).body
    text = page.decode()
    found = KERNEL_ID.search(text)
    if found is None:
        raise AssertionError(f"no kernel in the page of {url}: {text[:300]}")
    kernel_id = found.group(1)
    parts = urlsplit(url)
    # An app serving a folder renders at BASE/voila/render/NOTEBOOK; one notebook at BASE/.
    base = parts.path.split("/voila/render/")[0].rstrip("/")
    socket_url = f"ws://{parts.netloc}{base}/api/kernels/{kernel_id}/channels"
    connection = await websocket_connect(
        HTTPRequest(socket_url, headers=headers, request_timeout=timeout)
    )
    info = await reply_to(connection, message("kernel_info_request"), timeout)
    comms = await reply_to(connection, message("comm_info_request"), timeout)
    if info is None or comms is None:
        raise AssertionError(f"the kernel {kernel_id} did not answer")
    widgets = len(comms["content"].get("comms", {}))
    return OpenedApp(time.perf_counter() - started, kernel_id, text, widgets), connection
