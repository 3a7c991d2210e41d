"""Calls into a learner's kernel with plain data in and plain data out: the trusted side sends
a function's name and arguments, the kernel side (`serve`, run in the kernel) calls it and
answers with the result, the arguments as they are afterwards, or the exception raised.

A request runs silently and outside the kernel's history: it never shows up in ``In``, in
IPython's ``pre_run_cell`` hooks or in the notebook. Only the name, the arguments and the
learner's own results cross; the test that judges them stays on the trusted side.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from queue import Empty
from typing import Any

from kurskit.course.plain_data import NotPlainDataError, decode, dumps, encode

#: The variable the kernel leaves its answer in, read back through ``user_expressions``.
REPLY_NAME = "__kurskit_reply__"
#: Largest answer read back; a bigger one is refused unread (a learner can return anything).
MAX_REPLY_CHARACTERS = 4 << 20
#: How long a kernel gets to come back after an interrupt, before it is given up.
INTERRUPT_GRACE_SECONDS = 5.0


def serve(namespace: dict[str, Any], request: str) -> str:
    """Kernel side: carry out one request on the learner's namespace; the answer as JSON."""
    asked = json.loads(request)
    name = asked["name"]
    if name not in namespace:
        return json.dumps({"missing": name})
    target = namespace[name]
    if asked.get("get"):
        return _answer({"value": target})
    try:
        args, kwargs = decode(asked["args"]), decode(asked["kwargs"])
        result = target(*args, **kwargs)
    except BaseException as error:  # the learner's code may raise anything, even SystemExit
        return json.dumps({"raised": [type(error).__name__, _message(error)]})
    return _answer({"value": result, "after": [args, kwargs]})


def _answer(parts: dict[str, Any]) -> str:
    try:
        return json.dumps({key: encode(value) for key, value in parts.items()}, allow_nan=False)
    except NotPlainDataError as error:
        return json.dumps({"unplain": str(error)})


def _message(error: BaseException) -> str:
    try:
        return str(error)[:500]
    except BaseException:  # a learner's __str__ may raise too
        return ""


@dataclass(frozen=True)
class Outcome:
    """What one request came to: a value (and the arguments after the call), an exception
    the learner's code raised, or the reason no answer came."""

    value: Any = None
    after: Any = None
    raised: tuple[str, str] | None = None
    missing: bool = False
    failure: str = ""


class KernelGoneError(RuntimeError):
    """The kernel died, or did not come back after an interrupt."""


class KernelCalls:
    """Requests to one kernel through an asynchronous client whose event loop runs in another
    thread; `call` and `value` block the calling thread, never the loop."""

    def __init__(
        self,
        client: Any,
        loop: asyncio.AbstractEventLoop,
        timeout: float,
        interrupt: Callable[[], Awaitable[Any]],
        on_message: Callable[[dict[str, Any]], None] = lambda message: None,
    ) -> None:
        self.client = client
        self.loop = loop
        self.timeout = timeout
        self.interrupt = interrupt
        self.on_message = on_message

    def call(self, name: str, args: list[Any], kwargs: dict[str, Any]) -> Outcome:
        """Call the learner's `name` with plain-data arguments."""
        request = {
            "name": name,
            "args": json.loads(dumps(args)),
            "kwargs": json.loads(dumps(kwargs)),
        }
        return self._send(request)

    def value(self, name: str) -> Outcome:
        """The value of the learner's variable `name`, as plain data."""
        return self._send({"name": name, "get": True})

    def _send(self, request: dict[str, Any]) -> Outcome:
        future = asyncio.run_coroutine_threadsafe(self._request(json.dumps(request)), self.loop)
        return future.result()

    async def _request(self, request: str) -> Outcome:
        code = (
            "from kurskit.course.kernel_calls import serve as __kurskit_serve__\n"
            f"{REPLY_NAME} = __kurskit_serve__(get_ipython().user_ns, {request!r})\n"
            "del __kurskit_serve__\n"
        )
        msg_id = self.client.execute(
            code,
            silent=True,
            store_history=False,
            user_expressions={"reply": REPLY_NAME},
            allow_stdin=False,
            stop_on_error=False,
        )
        drain = asyncio.ensure_future(self._drain(msg_id))
        try:
            reply = await self._reply(msg_id, self.timeout)
            if reply is None:
                await self.interrupt()
                if await self._reply(msg_id, INTERRUPT_GRACE_SECONDS) is None:
                    raise KernelGoneError("the kernel did not come back after an interrupt")
                return Outcome(failure=f"did not finish: time limit of {self.timeout:g} s exceeded")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(drain), INTERRUPT_GRACE_SECONDS)
        finally:
            drain.cancel()
        return _outcome(reply)

    async def _reply(self, msg_id: str, timeout: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            try:
                message = await self.client.get_shell_msg(timeout=min(left, 1.0))
            except Empty:
                if not await self.client.is_alive():
                    raise KernelGoneError("the kernel died") from None
                continue
            if message["parent_header"].get("msg_id") == msg_id:
                return message

    async def _drain(self, msg_id: str) -> None:
        """Read this request's output as it comes (the learner's function may print), so that
        it is counted and never reaches a notebook."""
        while True:
            message = await self.client.get_iopub_msg()
            if message["parent_header"].get("msg_id") != msg_id:
                continue
            self.on_message(message)
            content = message.get("content", {})
            if message["msg_type"] == "status" and content.get("execution_state") == "idle":
                return


def _outcome(reply: dict[str, Any]) -> Outcome:
    content = reply.get("content", {})
    if content.get("status") != "ok":
        name = str(content.get("ename", "an error"))
        return Outcome(failure=f"could not be called ({name})")
    expression = content.get("user_expressions", {}).get("reply", {})
    text = expression.get("data", {}).get("text/plain", "")
    if expression.get("status") != "ok" or not isinstance(text, str):
        return Outcome(failure="gave no answer")
    if len(text) > MAX_REPLY_CHARACTERS:
        return Outcome(failure="returned more data than a test can check")
    try:
        answer = json.loads(ast.literal_eval(text))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return Outcome(failure="gave an answer that could not be read")
    if not isinstance(answer, dict):
        return Outcome(failure="gave an answer that could not be read")
    try:
        if "missing" in answer:
            return Outcome(missing=True)
        if "raised" in answer:
            name, message = answer["raised"]
            return Outcome(raised=(str(name), str(message)))
        if "unplain" in answer:
            return Outcome(failure=f"returned {answer['unplain']}, which a test cannot check")
        return Outcome(value=decode(answer["value"]), after=decode(answer.get("after")))
    except (NotPlainDataError, ValueError, TypeError, KeyError):
        return Outcome(failure="gave an answer that could not be read")
