"""The sink of a learner's kernel on a hub: answers go to the answers service with the learner's
own hub token; the kernel holds no store URL, no secret and no graded key."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from typing import Any

from kurskit.course.scoring import Result
from kurskit.store.errors import StoreError
from kurskit.store.records import StoredAnswer, answer_from_record

#: Set by the hub's spawner in every learner's server: the answers service's base URL.
SERVICE_URL_VARIABLE = "KURSKIT_ANSWERS_URL"
#: The learner's own token, set by JupyterHub in every single-user server.
TOKEN_VARIABLE = "JUPYTERHUB_API_TOKEN"
TIMEOUT_SECONDS = 15


class ServiceSink:
    """An `AnswerSink` that posts to the kurskit answers service.

    The service knows the learner from the token, scores the answer itself (graded ones
    against keys this kernel never sees) and enforces attempts. The `result` a widget passes
    is ignored: only the service's verdict is stored.
    """

    def __init__(self, base_url: str, token: str) -> None:
        if not base_url or not token:
            raise StoreError(
                f"the answers service needs {SERVICE_URL_VARIABLE} and {TOKEN_VARIABLE}"
            )
        self.base_url = base_url.rstrip("/") + "/"
        self._token = token

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> ServiceSink | None:
        """The sink the hub configured for this server, or None outside a hub."""
        env = os.environ if environ is None else environ
        url = env.get(SERVICE_URL_VARIABLE, "")
        return cls(url, env.get(TOKEN_VARIABLE, "")) if url else None

    def submit(
        self,
        *,
        course: str,
        module: str,
        question_id: str,
        response: Any,
        result: Result,
        idempotency_key: str,
    ) -> StoredAnswer:
        """Send the answer; the service's stored record comes back (the same for a retry)."""
        body = {
            "course": course,
            "module": module,
            "question_id": question_id,
            "response": response,
            "idempotency_key": idempotency_key,
        }
        return answer_from_record(self.request("POST", "api/answers", body=body))

    def my_answers(self, *, course: str, module: str, question_id: str) -> list[StoredAnswer]:
        """This learner's earlier answers to one question, oldest first."""
        query = {"course": course, "module": module, "question_id": question_id}
        records = self.request("GET", "api/answers", query=query)
        return [answer_from_record(record) for record in records]

    def feedback_released(self, *, course: str, module: str) -> bool:
        """Whether the instructor has released scores and correctness for a graded module."""
        answer = self.request("GET", "api/released", query={"course": course, "module": module})
        return bool(answer["released"])

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        query: Mapping[str, str] | Sequence[tuple[str, str]] | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> Any:
        """One call to the service with this server's own token; its JSON answer (or text,
        for a page), or StoreError with the service's words."""
        url = self.base_url + path + ("?" + urllib.parse.urlencode(query) if query else "")
        data = None if body is None else json.dumps(body).encode("utf-8")
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Authorization", f"token {self._token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as reply:
                if reply.headers.get_content_type() == "text/html":
                    return reply.read().decode("utf-8")
                return json.loads(reply.read())
        except urllib.error.HTTPError as error:
            raise StoreError(_service_message(error)) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreError(f"the answers service is not reachable ({reason})") from None

    def __repr__(self) -> str:  # never show the token
        return f"ServiceSink({self.base_url!r})"


def _service_message(error: urllib.error.HTTPError) -> str:
    """The service's own words for a refusal (it answers {"error": "..."}), else the status."""
    try:
        message = json.loads(error.read()).get("error", "")
    except (ValueError, AttributeError, OSError):
        message = ""
    return str(message) or f"the answers service answered {error.code} {error.reason}"
