"""The kurskit answers service: a JupyterHub service (HubOAuth) in front of the answer store.

Learners' widgets post here with their own hub token; the learner is the token's owner, never a
name in the request. Run by the hub as `python -m kurskit.answers_service` (see `hub.config`),
which adds the statistics reports.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import signal
from html import escape
from pathlib import Path
from typing import Any, Protocol, cast
from urllib.parse import urlparse

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web
from tornado.httpclient import AsyncHTTPClient

from kurskit.hub.answers import AnswerDesk, RefusedError
from kurskit.hub.directory import HubDirectory
from kurskit.hub.handler_base import MAX_BODY_BYTES, ServiceHandler
from kurskit.hub.keys import AnswerKeys
from kurskit.hub.verify_page import routes as verify_routes
from kurskit.hub.webinar_handlers import Sessions
from kurskit.hub.webinar_handlers import routes as webinar_routes
from kurskit.store.export import FORMATS
from kurskit.store.records import AnswerStore
from kurskit.store.sql import open_store

SERVICE_NAME = "kurskit-answers"
#: The course sources (with keys) the service scores from; learners' servers never see them.
COURSES_VARIABLE = "KURSKIT_COURSES_DIR"
#: Requests to the hub (token checks, groups) the service keeps in flight at once.
HUB_REQUESTS_AT_ONCE = 100
#: Seconds a token's owner is remembered; a revoked token stops working within this.
TOKEN_CACHE_SECONDS = 30

log = logging.getLogger("kurskit.hub.service")


class AnswersHandler(ServiceHandler):
    """`POST api/answers`: store my answer; `GET api/answers?course&question_id`: mine."""

    def post(self) -> None:
        self.reply(self.desk.submit(self.user["name"], self.body()))

    def get(self) -> None:
        course, question = self.get_argument("course"), self.get_argument("question_id")
        self.reply(self.desk.history(self.user["name"], course, question))


class ReleasedHandler(ServiceHandler):
    """`GET api/released?course&module`: whether a module's scores are released."""

    def get(self) -> None:
        _ = self.user
        released = self.desk.released(self.get_argument("course"), self.get_argument("module"))
        self.reply({"released": released})


class CohortHandler(ServiceHandler):
    """`GET api/cohort?course`: answers of the learners in my cohorts (instructors, admins)."""

    async def get(self) -> None:
        course = self.get_argument("course")
        readable = await self.readable(course)
        if not readable and not await self._may_teach(course):
            raise RefusedError(403, f"only instructors of {course!r} read its answers")
        answers = self.desk.answers_of(course, readable)
        self.reply(
            [
                {"name": name, "cohort": cohort, "answers": answers[name]}
                for name, cohort in readable.items()
            ]
        )


class ReleaseHandler(ServiceHandler):
    """`POST api/release {course, module}`: let learners see a module's scores."""

    async def post(self) -> None:
        request = self.body()
        course, module = str(request.get("course", "")), str(request.get("module", ""))
        if not await self._may_teach(course):
            raise RefusedError(403, f"only instructors of {course!r} release its scores")
        source = self.desk.release(course, module)
        log.info("%s released %s/%s", self.user["name"], course, source)
        self.reply({"course": course, "module": source, "released": True})


class ExportHandler(ServiceHandler):
    """`GET api/export?course&format=csv|jsonl|xapi`: the course's answers, of the learners in
    my cohorts (instructors) or of everyone (admins)."""

    async def get(self) -> None:
        course = self.get_argument("course")
        format = self.get_argument("format", "csv")
        if format not in FORMATS:
            raise RefusedError(400, f"format must be one of {', '.join(FORMATS)}")
        if not await self._may_teach(course):
            raise RefusedError(403, f"only instructors of {course!r} export its answers")
        users = None if self.user.get("admin") else list(await self.readable(course))
        out = io.StringIO()
        self.desk.export(out, course, users, format=format)
        kind = {"csv": "text/csv", "jsonl": "application/jsonl"}.get(format, "application/json")
        self.set_header("Content-Type", f"{kind}; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(out.getvalue())


class ForgetHandler(ServiceHandler):
    """`POST api/forget {user}`: delete everything kept about a user (admins)."""

    def post(self) -> None:
        if not self.user.get("admin"):
            raise RefusedError(403, "only hub admins delete a learner's answers")
        name = str(self.body().get("user", ""))
        if not name:
            raise RefusedError(400, "the request needs user (text)")
        report = self.desk.forget(name)
        log.info("%s deleted the answers of one learner", self.user["name"])
        self.reply({"learner": report.learner, "answers": report.answers})


class OverviewHandler(ServiceHandler):
    """`GET ?course=…`: the instructor's page, the answers of their cohorts as a table."""

    def get_login_url(self) -> str:
        return cast(str, HubOAuthenticated.get_login_url(self))  # a browser logs in at the hub

    @web.authenticated
    async def get(self) -> None:
        course = self.get_argument("course", "")
        readable = await self.readable(course) if course else {}
        rows = []
        for name, answers in self.desk.answers_of(course, readable).items():
            for answer in answers:
                verdict = "" if answer["score"] is None else f"{answer['score']:g}"
                rows.append(
                    "<tr>"
                    + "".join(
                        f"<td>{escape(str(value))}</td>"
                        for value in (
                            readable[name],
                            name,
                            answer["module"],
                            answer["question_id"],
                            answer["attempt"],
                            json.dumps(answer["response"], ensure_ascii=False),
                            verdict,
                        )
                    )
                    + "</tr>"
                )
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(_overview_page(course, rows))


class ReportPages(Protocol):
    """Makes a course's statistics report as a self-contained HTML page (`kurskit.insight`,
    given to the service by whoever starts it, so the hub does not depend on the reports)."""

    def __call__(
        self, store: AnswerStore, course: str, periods: list[str], language: str | None
    ) -> str: ...


class ReportHandler(ServiceHandler):
    """`GET insight?course=…[&period=…][&language=…]`: the course's cohort report, for its
    instructors and admins (aggregates only; small groups hidden as in every report)."""

    def initialize(self, report_pages: ReportPages | None, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.report_pages = report_pages

    def get_login_url(self) -> str:
        return cast(str, HubOAuthenticated.get_login_url(self))  # a browser logs in at the hub

    @web.authenticated
    async def get(self) -> None:
        course = self.get_argument("course")
        if not await self._may_teach(course):
            raise RefusedError(403, f"only instructors of {course!r} see its reports")
        if self.report_pages is None:
            raise RefusedError(404, "this service was started without the reports")
        try:
            page = self.report_pages(
                self.desk.store,
                course,
                self.get_arguments("period"),
                self.get_argument("language", None),
            )
        except ValueError as error:
            raise RefusedError(404, str(error)) from None
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(page)


class CallbackHandler(HubOAuthCallbackHandler):
    """The hub's OAuth callback, with the service's own HubOAuth (it keeps the login's state)."""

    def initialize(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth


def _overview_page(course: str, rows: list[str]) -> str:
    head = "".join(
        f'<th scope="col">{h}</th>'
        for h in ("cohort", "learner", "module", "question", "attempt", "answer", "score")
    )
    body = "".join(rows) or '<tr><td colspan="7">No answers yet.</td></tr>'
    title = escape(course or "kurskit")
    return (
        f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Answers: {title}'
        f'</title><meta name="viewport" content="width=device-width, initial-scale=1"></head>'
        f"<body><main><h1>Answers in {title}</h1><table><caption>Answers of the learners in "
        f"your cohorts</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        "</main></body></html>"
    )


def make_app(
    desk: AnswerDesk, *, prefix: str | None = None, report_pages: ReportPages | None = None
) -> web.Application:
    """The service's tornado application, under the hub's service prefix."""
    auth = HubOAuth(cache_max_age=TOKEN_CACHE_SECONDS)
    prefix = prefix if prefix is not None else os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")
    directory = HubDirectory(auth.api_url, auth.api_token)
    args = {"desk": desk, "directory": directory, "hub_auth": auth}
    routes: list[Any] = [
        (url_path_join(prefix, "api/answers"), AnswersHandler, args),
        (url_path_join(prefix, "api/released"), ReleasedHandler, args),
        (url_path_join(prefix, "api/cohort"), CohortHandler, args),
        (url_path_join(prefix, "api/release"), ReleaseHandler, args),
        (url_path_join(prefix, "api/forget"), ForgetHandler, args),
        (url_path_join(prefix, "api/export"), ExportHandler, args),
        (url_path_join(prefix, "insight"), ReportHandler, {**args, "report_pages": report_pages}),
        *webinar_routes(prefix, {**args, "sessions": Sessions()}),
        *verify_routes(prefix),
        (url_path_join(prefix, "oauth_callback"), CallbackHandler, {"hub_auth": auth}),
        (prefix, OverviewHandler, args),
    ]
    return web.Application(
        routes,
        cookie_secret=os.urandom(32),
        xsrf_cookies=True,
        hub_auth=auth,
        service_prefix=prefix,
    )


def main(report_pages: ReportPages | None = None) -> None:
    """Start the service where the hub says (`JUPYTERHUB_SERVICE_URL`)."""
    logging.basicConfig(level=logging.INFO, format="[kurskit-answers %(levelname)s] %(message)s")
    courses = Path(os.environ.get(COURSES_VARIABLE, "courses"))
    keys = AnswerKeys.read(courses)
    for problem in keys.problems:
        log.warning("left out: %s", problem)
    log.info("%d questions of %d courses in %s", len(keys.questions), len(keys.modules), courses)
    desk = AnswerDesk(open_store(), keys)
    # Token checks ask the hub; tornado's default of 10 requests at a time queues a room of
    # participants arriving at once behind each other.
    AsyncHTTPClient.configure(None, max_clients=HUB_REQUESTS_AT_ONCE)
    url = urlparse(os.environ.get("JUPYTERHUB_SERVICE_URL", "http://127.0.0.1:10101"))
    app = make_app(desk, report_pages=report_pages)
    asyncio.run(_serve(app, url.hostname or "127.0.0.1", url.port or 80))
    desk.store.close()


async def _serve(app: web.Application, host: str, port: int) -> None:
    # The proxy is the only client that should send X-Forwarded-For; learners can reach this
    # port directly, so their addresses in the log are the connection's, not a header's.
    server = app.listen(port, host, max_body_size=MAX_BODY_BYTES)
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set)
    log.info("listening on %s:%d", host, port)
    await stop.wait()
    server.stop()


if __name__ == "__main__":
    main()
