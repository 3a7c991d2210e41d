"""Run code in a real kernel of a learner's hub server, through the server's REST and websocket
APIs with the learner's own token, as JupyterLab does."""

from __future__ import annotations

import asyncio
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from tornado.httpclient import HTTPRequest
from tornado.websocket import websocket_connect


async def _execute(base: str, token: str, kernel_id: str, code: str, timeout: float) -> str:
    url = base.replace("http://", "ws://") + f"api/kernels/{kernel_id}/channels"
    request = HTTPRequest(url, headers={"Authorization": f"token {token}"})
    socket = await websocket_connect(request)
    msg_id = uuid.uuid4().hex
    socket.write_message(
        json.dumps(
            {
                "header": {
                    "msg_id": msg_id,
                    "username": "test",
                    "session": uuid.uuid4().hex,
                    "msg_type": "execute_request",
                    "version": "5.3",
                },
                "parent_header": {},
                "metadata": {},
                "content": {"code": code, "silent": False, "allow_stdin": False},
                "channel": "shell",
            }
        )
    )
    output: list[str] = []
    async with asyncio.timeout(timeout):
        while True:
            raw = await socket.read_message()
            if raw is None:
                raise RuntimeError("the kernel's websocket closed")
            message: dict[str, Any] = json.loads(raw)
            if message.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                output.append(content["text"])
            elif kind == "error":
                output.append("\n".join(content["traceback"]))
            elif kind == "status" and content["execution_state"] == "idle":
                break
    socket.close()
    return "".join(output)


def run_in_kernel(call: Any, base: str, token: str, code: str, timeout: float = 60) -> str:
    """Start a kernel on the server at `base` (…/user/NAME/), run `code`, return its output."""
    status, kernel = call("POST", base + "api/kernels", token, {"name": "python3"})
    assert status == 201, (status, kernel)
    try:
        # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
        with ThreadPoolExecutor(1) as thread:
            running = thread.submit(asyncio.run, _execute(base, token, kernel["id"], code, timeout))
            return running.result()
    finally:
        call("DELETE", base + f"api/kernels/{kernel['id']}", token)
