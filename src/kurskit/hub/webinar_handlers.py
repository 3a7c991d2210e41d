"""The answers service's webinar endpoints: the participant's page, the projector view, and the
API the instructor's dashboard drives (open, close, reveal; live state by long polling)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from html import escape
from importlib.resources import files
from typing import Any, cast

import segno
from jupyterhub.services.auth import HubOAuthenticated
from jupyterhub.utils import url_path_join
from tornado import web

from kurskit.hub.answers import RefusedError
from kurskit.hub.handler_base import ServiceHandler
from kurskit.hub.keys import KeyedQuestion
from kurskit.hub.webinar import Session, quick_poll
from kurskit.i18n import DEFAULT_LANGUAGE, catalogue
from kurskit.store.agenda import build_agenda
from kurskit.store.records import session_id

#: Longest a client's request for news waits before it is answered unchanged.
WAIT_SECONDS = 25.0
log = logging.getLogger("kurskit.hub.service")


class Sessions:
    """The live sessions of the service, one per course module, made on first use."""

    def __init__(self) -> None:
        self.live: dict[tuple[str, str], Session] = {}

    def get(self, course: str, module: str) -> Session:
        if (course, module) not in self.live:
            self.live[(course, module)] = Session(course, module, session_id(module))
        return self.live[(course, module)]


class WebinarHandler(ServiceHandler):
    """A handler that finds the session a request is about and checks who may drive it."""

    def initialize(self, sessions: Sessions, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(**kwargs)
        self.sessions = sessions

    def session(self, course: str, module: str) -> Session:
        source = self.desk.keys.module(course, module)
        if source is None:
            raise RefusedError(404, f"the course {course!r} has no module {module!r}")
        return self.sessions.get(course, source)

    def asked(self) -> tuple[str, str]:
        return self.get_argument("course"), self.get_argument("module")

    async def instructor(self, course: str) -> None:
        if not await self._may_teach(course):
            raise RefusedError(403, f"only instructors of {course!r} run its sessions")


class StateHandler(WebinarHandler):
    """`GET api/webinar/state?course&module&since=V[&view=class]`: the session's state, once it
    is newer than version V (waits up to WAIT_SECONDS). Participants get the open question;
    instructors (`view=class`) also the class result, updated with every answer."""

    async def get(self) -> None:
        course, module = self.asked()
        session = self.session(course, module)
        whole_class = self.get_argument("view", "") == "class"
        if whole_class:
            await self.instructor(course)
        else:
            session.join(self.user["name"])
        since = int(self.get_argument("since", "-1"))
        version = (
            (lambda: session.answer_version) if whole_class else (lambda: session.question_version)
        )
        changed = session.answer_changed if whole_class else session.question_changed
        if since == version():
            await changed.wait(timeout=dt.timedelta(seconds=WAIT_SECONDS))
        self.reply(session.class_state() if whole_class else session.question_state())


class AnswerHandler(WebinarHandler):
    """`POST api/webinar/answer {course, module, response, idempotency_key}`: answer the open
    question, through the answers desk (identity, attempts and scoring as for self-study)."""

    def post(self) -> None:
        request = self.body()
        session = self.session(str(request.get("course", "")), str(request.get("module", "")))
        opening = session.opening
        if opening is None or opening.status != "open":
            raise RefusedError(409, "no question is open for answers now")
        key = request.get("idempotency_key")
        if not isinstance(key, str) or not key:
            raise RefusedError(400, "the request needs idempotency_key (text)")
        record = self.desk.submit(
            self.user["name"],
            {
                "course": session.course,
                "question_id": opening.spec.id,
                "response": request.get("response"),
                "idempotency_key": session.key_prefix() + key,
            },
        )
        session.answered(self.user["name"], request.get("response"))
        self.reply(record)


class QuestionsHandler(WebinarHandler):
    """`GET api/webinar/questions?course&module`: the module's questions (instructors)."""

    async def get(self) -> None:
        course, module = self.asked()
        session = self.session(course, module)
        await self.instructor(course)
        self.reply(
            [
                {"id": q.spec.id, "type": getattr(q.spec, "type", ""), "prompt": q.spec.prompt}
                for q in self.desk.keys.of_module(course, session.module)
            ]
        )


class ModulesHandler(WebinarHandler):
    """`GET api/webinar/modules?course`: the course's modules that have questions, and the
    course's language, which the dashboard speaks (instructors)."""

    async def get(self) -> None:
        course = self.get_argument("course")
        await self.instructor(course)
        modules = {question.module for question in self.desk.keys.of_course(course)}
        language = self.desk.keys.languages.get(course, DEFAULT_LANGUAGE)
        self.reply({"modules": sorted(modules), "language": language})


class ControlHandler(WebinarHandler):
    """`POST api/webinar/control {course, module, action, …}`: `open` a question (question_id)
    or a quick poll (prompt, options), `close` it, or `reveal` the right answer (instructors)."""

    async def post(self) -> None:
        request = self.body()
        course = str(request.get("course", ""))
        session = self.session(course, str(request.get("module", "")))
        await self.instructor(course)
        action = request.get("action")
        if action == "open":
            session.open(self._question(session, request))
        elif action in ("close", "reveal"):
            if session.opening is None:
                raise RefusedError(409, "no question is open")
            if action == "reveal":
                self._may_reveal(session)
            session.set_status("closed" if action == "close" else "revealed")
        else:
            raise RefusedError(400, "action must be open, close or reveal")
        log.info("%s: %s in %s/%s", self.user["name"], action, course, session.module)
        self.reply(session.class_state())

    def _may_reveal(self, session: Session) -> None:
        """A graded question's key stays hidden until its module's results are released:
        revealing it in a session would give away a test learners still take."""
        assert session.opening is not None
        spec = session.opening.spec
        if spec.graded and not self.desk.released(session.course, session.module):
            raise RefusedError(
                409,
                f"{spec.id} is graded and the results of {session.module} are not released: "
                "release them first, or close the question without revealing it",
            )

    def _question(self, session: Session, request: dict[str, Any]) -> Any:
        if "question_id" in request:
            found = self.desk.keys.question(session.course, str(request["question_id"]))
            if found is None or found.module != session.module:
                raise RefusedError(404, "that question is not in this module")
            return found.spec
        options = request.get("options")
        if not isinstance(options, list) or not all(isinstance(o, str) for o in options):
            raise RefusedError(400, "open needs question_id, or prompt and options (texts)")
        try:
            spec = quick_poll(session.openings + 1, str(request.get("prompt", "")), options)
        except ValueError as error:
            raise RefusedError(400, str(error)) from None
        spec = spec.model_copy(update={"id": f"{session.session_id}-{spec.id}"})
        self.desk.keys.add(session.course, KeyedQuestion(session.module, spec))
        # Kept in the store too, so the course report can show its prompt and options.
        self.desk.store.keep_question(
            course=session.course, module=session.module, spec=spec.model_dump(mode="json")
        )
        return spec


class _Page(WebinarHandler):
    """A page a browser opens: it logs in at the hub first."""

    def get_login_url(self) -> str:
        return cast(str, HubOAuthenticated.get_login_url(self))

    def page(self, kind: str, session: Session, extra: str = "") -> None:
        language = self.desk.keys.languages.get(session.course, "nb")
        config = {
            "kind": kind,
            "course": session.course,
            "module": session.module,
            "api": url_path_join(self.settings["service_prefix"], "api/webinar/"),
            "xsrf": self.xsrf_token.decode(),
            "text": catalogue(language),
        }
        title = f"{session.course}: {session.module}"
        script = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(
            f'<!doctype html><html lang="{escape(language)}"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{_asset('webinar.css')}</style></head>"
            f'<body class="{kind}"><main id="webinar" aria-live="polite"></main>{extra}'
            f'<script type="application/json" id="config">{script}</script>'
            f"<script>{_asset('webinar.js')}</script></body></html>"
        )


class ParticipantPage(_Page):
    """`GET webinar/COURSE/MODULE`: where participants see and answer the open question."""

    @web.authenticated
    def get(self, course: str, module: str) -> None:
        session = self.session(course, module)
        session.join(self.user["name"])
        self.page("participant", session)


class ProjectorPage(_Page):
    """`GET webinar/COURSE/MODULE/projector`: the class result in large type, with the join
    link and its QR code (instructors)."""

    @web.authenticated
    async def get(self, course: str, module: str) -> None:
        session = self.session(course, module)
        await self.instructor(course)
        join = self.request.full_url().removesuffix("/projector").split("?")[0]
        code = segno.make(join, error="m").svg_inline(scale=6, title="QR")
        extra = (
            f'<aside class="join"><p><a href="{escape(join)}">{escape(join)}</a></p>'
            f'<div role="img" aria-label="QR {escape(join)}">{code}</div></aside>'
        )
        self.page("projector", session, extra)


class AgendaHandler(WebinarHandler):
    """`GET api/webinar/agenda?course`: the course's sessions with their pre- and post-tasks
    and, for each learner of the instructor's cohorts, which tasks are done (instructors)."""

    async def get(self) -> None:
        course = self.get_argument("course")
        await self.instructor(course)
        found = self.desk.keys.courses.get(course)
        if found is None:
            raise RefusedError(404, f"no course {course!r}")
        model, facts = found
        learners = sorted(await self.readable(course))
        store = self.desk.store
        agenda = build_agenda(
            model,
            facts,
            store.answers(course=course),
            participants={name: store.pseudonym(name) for name in learners},
            now=dt.datetime.now(),
        )
        self.reply(agenda.to_json())


def _asset(name: str) -> str:
    return (files("kurskit.hub") / "static" / name).read_text("utf-8")


def routes(prefix: str, args: dict[str, Any]) -> list[Any]:
    """The webinar routes under the service's prefix."""
    pages = r"webinar/([^/]+)/([^/]+)"
    api = "api/webinar/"
    return [
        (url_path_join(prefix, api + "state"), StateHandler, args),
        (url_path_join(prefix, api + "answer"), AnswerHandler, args),
        (url_path_join(prefix, api + "questions"), QuestionsHandler, args),
        (url_path_join(prefix, api + "modules"), ModulesHandler, args),
        (url_path_join(prefix, api + "control"), ControlHandler, args),
        (url_path_join(prefix, api + "agenda"), AgendaHandler, args),
        (url_path_join(prefix, pages + "/projector"), ProjectorPage, args),
        (url_path_join(prefix, pages), ParticipantPage, args),
    ]
