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
        hint = (
            "<p>Open this dashboard from the link <code>kurskit webinar COURSE MODULE</code> "
            "prints, or from the hub's home page (it needs ?course=… and the answers service).</p>"
        )
        return widgets.VBox([widgets.HTML(hint)])
    return Dashboard(service, course, module).view


class Dashboard:
    """The controls and the live class result of one session."""

    def __init__(self, service: ServiceSink, course: str, module: str) -> None:
        self.service = service
        self.course = course
        self.module = module
        self.modules = widgets.Dropdown(description="Module", layout={"width": "100%"})
        self.links = widgets.HTML()
        self.status = widgets.HTML(layout=widgets.Layout(min_height="2em"))
        self.chart = widgets.HTML()
        self.agenda = widgets.HTML()
        self.question = widgets.Dropdown(description="Question", layout={"width": "100%"})
        self.prompt = widgets.Text(description="Quick poll", placeholder="The question")
        self.options = widgets.Textarea(description="Options", placeholder="One per line")
        buttons = {
            "open": ("Open question", self._open),
            "poll": ("Open quick poll", self._open_poll),
            "close": ("Close", lambda: self._control("close")),
            "reveal": ("Reveal answer", lambda: self._control("reveal")),
            "agenda": ("Refresh agenda", self._load_agenda),
        }
        self.buttons = {}
        for name, (label, action) in buttons.items():
            button = widgets.Button(description=label)
            button.on_click(lambda _, act=action: self._safely(act))
            self.buttons[name] = button
        self.view = widgets.VBox(
            [
                widgets.HTML(f"<h1>Webinar: {escape(course)}</h1>"),
                self.modules,
                self.links,
                widgets.HBox([self.question, self.buttons["open"]]),
                widgets.HBox([self.prompt, self.options, self.buttons["poll"]]),
                widgets.HBox([self.buttons["close"], self.buttons["reveal"]]),
                self.status,
                self.chart,
                widgets.HTML("<h2>Agenda: who has done the tasks</h2>"),
                self.buttons["agenda"],
                self.agenda,
            ]
        )
        self._safely(self._load_modules)
        self._safely(self._load_agenda)
        self.modules.observe(lambda change: self._safely(self._choose), names="value")
        self._safely(self._choose)
        threading.Thread(target=self._follow, name="webinar-follow", daemon=True).start()

    def _load_modules(self) -> None:
        modules = self.service.request("GET", "api/webinar/modules", query={"course": self.course})
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
        return (
            f'<p>Participants join at <a href="{escape(base)}" target="_blank">{escape(base)}</a>'
            f' · <a href="{escape(base)}/projector" target="_blank">projector view</a></p>'
        )

    def _load_questions(self) -> None:
        questions = self.service.request(
            "GET", "api/webinar/questions", query={"course": self.course, "module": self.module}
        )
        self.question.options = [(f"{q['id']}: {q['prompt'][:60]}", q["id"]) for q in questions]
        self.question.index = 0 if questions else None  # ipywidgets 8 selects nothing itself

    def _load_agenda(self) -> None:
        agenda = self.service.request("GET", "api/webinar/agenda", query={"course": self.course})
        self.agenda.value = agenda_html(agenda)

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
            self.status.value = "<p>No question is open.</p>"
            self.chart.value = ""
            return
        self.status.value = (
            f"<p><strong>{escape(question['spec']['prompt'])}</strong> ({question['status']})"
            f" · {state.get('answered', 0)} of {state.get('joined', 0)} have answered</p>"
        )
        self.chart.value = chart_html(state.get("result") or {})


def agenda_html(agenda: dict[str, Any]) -> str:
    """The course's sessions (upcoming first) with each participant's pre- and post-tasks, as
    tables with headers, the way `kurskit agenda` prints them."""
    mark = {True: "✓ done", False: "✗ not yet", None: "–"}
    parts = []
    for session in agenda.get("sessions", []):
        when = " · ".join(
            escape(str(part))
            for part in (session.get("date"), session.get("timing"), session.get("kind"))
            if part
        )
        tasks = session.get("tasks", [])
        head = "".join(
            f'<th scope="col">{escape(t["when"])}: {escape(t["title"])}</th>' for t in tasks
        )
        rows = "".join(
            f'<tr><th scope="row">{escape(row["name"])}</th>'
            + "".join(f"<td>{mark[row['done'].get(t['file'])]}</td>" for t in tasks)
            + "</tr>"
            for row in session.get("participants", [])
        )
        counts = []
        for key, label in (("prepared", "prepared"), ("followed_up", "followed up")):
            if session.get(key) is not None:
                counts.append(f"{session[key]} of {len(session['participants'])} {label}")
        caption = escape(session["title"]) + (f" ({when})" if when else "")
        summary = f"<p>{'; '.join(counts)}</p>" if counts else ""
        table = (
            f'<table><caption>{caption}</caption><thead><tr><th scope="col">Participant</th>'
            f"{head}</tr></thead><tbody>{rows}</tbody></table>"
            if tasks
            else f"<p><strong>{caption}</strong>: no pre- or post-tasks.</p>"
        )
        parts.append(table + summary)
    return "".join(parts) or "<p>The course has no sessions.</p>"


def chart_html(result: dict[str, Any]) -> str:
    """The class result as an accessible HTML chart (a list of labelled bars)."""
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
    shown = f"<p>Right answer: {escape(str(right))}</p>" if right is not None else ""
    return (
        f'<ul style="list-style:none;padding:0" aria-label="class result">{items}</ul>'
        + (f"<ul>{words}</ul>" if words else "")
        + shown
    )
