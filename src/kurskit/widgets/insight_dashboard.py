"""The coordinators' dashboard: a course's statistics report from the answers service, in Voilà."""

from __future__ import annotations

import html

import ipywidgets as widgets  # type: ignore[import-untyped]

from kurskit.languages import LANGUAGES
from kurskit.store.errors import StoreError
from kurskit.store.service_sink import ServiceSink
from kurskit.widgets.dashboard import page_query


def report_frame(service: ServiceSink, course: str, language: str, periods: list[str]) -> str:
    """The report as a framed page (its styles stay inside the frame), or the service's refusal."""
    query = [("course", course), ("language", language), *(("period", p) for p in periods)]
    try:
        page = service.request("GET", "insight", query=query)
    except StoreError as error:
        return f"<p role='alert'>{html.escape(str(error))}</p>"
    title = html.escape(f"Report: {course}")
    return (
        f'<iframe sandbox="" title="{title}" srcdoc="{html.escape(str(page), quote=True)}" '
        'style="width: 100%; height: 80vh; border: 1px solid #c7c7c7;"></iframe>'
    )


def show_insight(course: str | None = None) -> widgets.VBox:
    """The dashboard of a course (default: the page's ?course=…), with a language and periods
    to choose; only the course's instructors get the report."""
    course = course or page_query("course")
    service = ServiceSink.from_environment()
    if not course or service is None:
        hint = (
            "<p>Open this dashboard on the hub with ?course=SLUG in the address (it needs the "
            "answers service).</p>"
        )
        return widgets.VBox([widgets.HTML(hint)])
    language = widgets.Dropdown(options=list(LANGUAGES), value=LANGUAGES[0], description="Language")
    periods = widgets.Text(placeholder="all", description="Periods")
    show = widgets.Button(description="Show the report", button_style="primary")
    frame = widgets.HTML()

    def refresh(_: object = None) -> None:
        chosen = [p.strip() for p in periods.value.split(",") if p.strip()]
        frame.value = report_frame(service, course, language.value, chosen)

    show.on_click(refresh)
    refresh()
    return widgets.VBox([widgets.HBox([language, periods, show]), frame])
