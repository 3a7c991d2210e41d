"""The instructor's webinar dashboard (a Voilà app on the hub): pick a question of the module or
type a quick poll, open, close and reveal it, and watch the class result as answers come in.

It runs in the instructor's own server and talks to the answers service with that server's
token, like a learner's widget; the service checks that the token's owner teaches the course.
"""

from __future__ import annotations

import os
import threading
from html import escape
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import ipywidgets as widgets  # type: ignore[import-untyped]

from kurskit.i18n import DEFAULT_LANGUAGE, translate
from kurskit.store.errors import StoreError
from kurskit.store.service_sink import ServiceSink

#: A request for news waits this long at the service; the client waits a little longer.
WAIT_SECONDS = 40.0


def page_query(name: str) -> str:
    """A value from the address of the Voilà page running this kernel (`?name=…`), or ""."""
    return parse_qs(os.environ.get("QUERY_STRING", "")).get(name, [""])[0]


def show_dashboard(course: str | None = None, module: str | None = None) -> widgets.VBox:
    """The dashboard of a course (and module, else the first one with questions); both default
    to the page address's query (`?course=…&module=…`, which Voilà hands to the kernel)."""
    course = course or page_query("course")
    module = module or page_query("module")
    service = ServiceSink.from_environment()
    if not course or service is None:
        hint = translate("dashboard_needs_link", DEFAULT_LANGUAGE)
        return widgets.VBox([widgets.HTML(f"<p>{hint}</p>")])
    return Dashboard(service, course, module).view


class Dashboard:
    """The controls and the live class result of one session, in the course's language."""

    def __init__(self, service: ServiceSink, course: str, module: str) -> None:
        self.service = service
        self.course = course
        self.module = module
        self.language = DEFAULT_LANGUAGE
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2em"))
        listing: dict[str, Any] = {"modules": []}

        def list_modules() -> None:
            listing.update(
                self.service.request("GET", "api/webinar/modules", query={"course": course})
            )

        self._safely(list_modules)
        self.language = str(listing.get("language") or DEFAULT_LANGUAGE)
        words = self._words
        self.modules = widgets.Dropdown(description=words("module"), layout={"width": "100%"})
        self.links = widgets.HTML()
        self.chart = widgets.HTML()
        self.agenda = widgets.HTML()
        self.question = widgets.Dropdown(description=words("question"), layout={"width": "100%"})
        self.prompt = widgets.Text(
            description=words("quick_poll"), placeholder=words("prompt_placeholder")
        )
        self.options = widgets.Textarea(
            description=words("options"), placeholder=words("options_placeholder")
        )
        buttons = {
            "open": (words("open"), self._open),
            "poll": (words("open_poll"), self._open_poll),
            "close": (words("close"), lambda: self._control("close")),
            "reveal": (words("reveal"), lambda: self._control("reveal")),
            "agenda": (words("refresh_agenda"), self._load_agenda),
        }
        self.buttons = {}
        for name, (label, action) in buttons.items():
            button = widgets.Button(description=label)
            button.on_click(lambda _, act=action: self._safely(act))
            self.buttons[name] = button
        self.view = widgets.VBox(
            [
                widgets.HTML(f"<h1>{escape(words('title', course=course))}</h1>"),
                self.modules,
                self.links,
                widgets.HBox([self.question, self.buttons["open"]]),
                widgets.HBox([self.prompt, self.options, self.buttons["poll"]]),
                widgets.HBox([self.buttons["close"], self.buttons["reveal"]]),
                self.status,
                self.chart,
                widgets.HTML(f"<h2>{escape(words('agenda_heading'))}</h2>"),
                self.buttons["agenda"],
                self.agenda,
            ]
        )
        self._show_modules(listing["modules"])
        self._safely(self._load_agenda)
        self.modules.observe(lambda change: self._safely(self._choose), names="value")
        self._safely(self._choose)
        threading.Thread(target=self._follow, name="webinar-follow", daemon=True).start()

    def _words(self, key: str, **values: Any) -> str:
        return translate(f"dashboard_{key}", self.language, **values)

    def _show_modules(self, modules: list[str]) -> None:
        stems = [PurePosixPath(module).with_suffix("").as_posix() for module in modules]
        self.modules.options = stems
        wanted = PurePosixPath(self.module).with_suffix("").as_posix()
        self.modules.value = wanted if wanted in stems else (stems[0] if stems else None)

    def _choose(self) -> None:
        if not self.modules.value:
            return
        self.module = str(self.modules.value)
        self.links.value = self._links()
        self._load_questions()

    def _links(self) -> str:
        # The page is served from the hub's public address; the kernel reaches the service
        # directly, so links keep only the path (the same behind the proxy).
        path = urlsplit(self.service.base_url).path
        base = path + f"webinar/{quote(self.course)}/{quote(self.module)}"
        link = f'<a href="{escape(base)}" target="_blank">{escape(base)}</a>'
        projector = escape(self._words("projector"))
        return (
            f"<p>{escape(self._words('join_at', link='{link}')).replace('{link}', link)}"
            f' · <a href="{escape(base)}/projector" target="_blank">{projector}</a></p>'
        )

    def _load_questions(self) -> None:
        questions = self.service.request(
            "GET", "api/webinar/questions", query={"course": self.course, "module": self.module}
        )
        self.question.options = [(f"{q['id']}: {q['prompt'][:60]}", q["id"]) for q in questions]
        self.question.index = 0 if questions else None  # ipywidgets 8 selects nothing itself

    def _load_agenda(self) -> None:
        agenda = self.service.request("GET", "api/webinar/agenda", query={"course": self.course})
        self.agenda.value = agenda_html(agenda, self.language)

    def _open(self) -> None:
        self._control("open", question_id=self.question.value)

    def _open_poll(self) -> None:
        options = [line for line in self.options.value.splitlines() if line.strip()]
        self._control("open", prompt=self.prompt.value, options=options)

    def _control(self, action: str, **details: Any) -> None:
        request = {"course": self.course, "module": self.module, "action": action, **details}
        self.show(self.service.request("POST", "api/webinar/control", body=request))

    def _safely(self, action: Any) -> None:
        try:
            action()
        except StoreError as error:
            self.status.value = f'<p role="alert">{escape(str(error))}</p>'

    def _follow(self) -> None:
        """Wait for news at the service and show it, for as long as the kernel lives."""
        version, module = -1, ""
        while True:
            if module != self.module:
                version, module = -1, self.module
            query = {
                "course": self.course,
                "module": self.module,
                "since": str(version),
                "view": "class",
            }
            try:
                state = self.service.request(
                    "GET", "api/webinar/state", query=query, timeout=WAIT_SECONDS + 10
                )
            except StoreError as error:
                self.status.value = f'<p role="alert">{escape(str(error))}</p>'
                threading.Event().wait(3)
                continue
            if module == self.module:
                version = state["version"]
                self.show(state)

    def show(self, state: dict[str, Any]) -> None:
        """Show a class state from the service."""
        question = state.get("question")
        if question is None:
            self.status.value = f"<p>{escape(self._words('no_question'))}</p>"
            self.chart.value = ""
            return
        answered = translate(
            "webinar_answered",
            self.language,
            answered=state.get("answered", 0),
            joined=state.get("joined", 0),
        )
        status = escape(self._words(f"status_{question['status']}"))
        self.status.value = (
            f"<p><strong>{escape(question['spec']['prompt'])}</strong> ({status})"
            f" · {escape(answered)}</p>"
        )
        self.chart.value = chart_html(state.get("result") or {}, self.language)


def agenda_html(agenda: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The course's sessions (upcoming first) with each participant's pre- and post-tasks, as
    tables with headers, the way `kurskit agenda` prints them, in `language`."""

    def words(key: str, **values: Any) -> str:
        return escape(translate(f"dashboard_{key}", language, **values))

    mark = {True: words("done"), False: words("not_yet"), None: "–"}
    parts = []
    for session in agenda.get("sessions", []):
        facts = [session.get("date")]
        if session.get("timing"):
            facts.append(translate(f"dashboard_timing_{session['timing']}", language))
        if session.get("kind"):
            facts.append(translate(f"session_{session['kind']}", language))
        when = " · ".join(escape(str(part)) for part in facts if part)
        tasks = session.get("tasks", [])
        head = "".join(
            f'<th scope="col">{words("before" if t["when"] == "pre" else "after")}: '
            f"{escape(t['title'])}</th>"
            for t in tasks
        )
        rows = "".join(
            f'<tr><th scope="row">{escape(row["name"])}</th>'
            + "".join(f"<td>{mark[row['done'].get(t['file'])]}</td>" for t in tasks)
            + "</tr>"
            for row in session.get("participants", [])
        )
        total = len(session.get("participants", []))
        counts = [
            words(key, count=session[key], total=total)
            for key in ("prepared", "followed_up")
            if session.get(key) is not None
        ]
        caption = escape(session["title"]) + (f" ({when})" if when else "")
        summary = f"<p>{'; '.join(counts)}</p>" if counts else ""
        table = (
            f'<table><caption>{caption}</caption><thead><tr><th scope="col">'
            f"{words('participant')}</th>{head}</tr></thead><tbody>{rows}</tbody></table>"
            if tasks
            else f"<p><strong>{caption}</strong>: {words('no_tasks')}</p>"
        )
        parts.append(table + summary)
    return "".join(parts) or f"<p>{words('no_sessions')}</p>"


def chart_html(result: dict[str, Any], language: str = DEFAULT_LANGUAGE) -> str:
    """The class result as an accessible HTML chart (a list of labelled bars), in `language`."""
    rows = result.get("bars") or [
        {"label": f"{b['from']:.3g} – {b['to']:.3g}", "count": b["count"], "right": False}
        for b in result.get("histogram", [])
    ]
    most = max([1, *(row["count"] for row in rows)])
    items = "".join(
        f"<li><span>{escape(str(row['label']))}: {row['count']}{' ✓' if row['right'] else ''}"
        f'</span><span aria-hidden="true" style="display:block;height:1.2em;'
        f"background:{'#176a2c' if row['right'] else '#0b5cad'};"
        f'width:{100 * row["count"] / most:.0f}%;min-width:2px"></span></li>'
        for row in rows
    )
    words = "".join(
        f"<li>{escape(word['text'])} ({word['count']})</li>" for word in result.get("words", [])
    )
    right = result.get("right")
    right_words = escape(translate("webinar_right_answer", language))
    shown = f"<p>{right_words} {escape(str(right))}</p>" if right is not None else ""
    label = escape(translate("webinar_class_result", language))
    return (
        f'<ul style="list-style:none;padding:0" aria-label="{label}">{items}</ul>'
        + (f"<ul>{words}</ul>" if words else "")
        + shown
    )
