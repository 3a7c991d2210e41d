"""The book's own pages: the course catalog and one overview page per course (MyST Markdown)."""

from __future__ import annotations

from html import escape

from babel.numbers import format_decimal

from kurskit.book.feeds import catalog_entry
from kurskit.book.ratings import ShownRating
from kurskit.book.settings import BookSettings
from kurskit.course.digcomp import competences
from kurskit.course.model import Course, Level
from kurskit.i18n import translate
from kurskit.languages import LANGUAGES


def raw_html(html: str) -> str:
    """A MyST block that passes HTML through to the page unchanged."""
    return f"```{{raw}} html\n{html}\n```\n"


def catalog_page(
    settings: BookSettings, courses: list[Course], ratings: dict[str, ShownRating] | None = None
) -> str:
    """The landing page: every published course, filterable without a server; a course that
    opts in (`catalog_rating`) shows its feedback rating when `ratings` has one."""
    lang = settings.language

    def t(key: str, **values: object) -> str:
        return escape(translate(key, lang, **values))

    used_languages = [code for code in LANGUAGES if any(c.language == code for c in courses)]
    used_levels = [level.value for level in Level if any(c.level is level for c in courses)]
    used_competences = sorted(
        {code for c in courses for code in c.competences},
        key=lambda code: [int(part) for part in code.split(".")],
    )
    filters = "".join(
        [
            _select(
                "language",
                t("filter_language"),
                t("filter_all"),
                [(code, translate(f"language_{code}", lang)) for code in used_languages],
            ),
            _select(
                "level",
                t("filter_level"),
                t("filter_all"),
                [(level, translate(f"level_{level}", lang)) for level in used_levels],
            ),
            _select(
                "competence",
                t("filter_competence"),
                t("filter_all"),
                [(code, f"{code} {competences(lang)[code]}") for code in used_competences],
            ),
        ]
    )
    cards = "\n".join(
        _card(settings, course, (ratings or {}).get(course.slug)) for course in courses
    )
    shown = escape(translate("courses_shown", lang, count=len(courses), total=len(courses)))
    # catalog.js fills the placeholders in again when the filters change
    template = escape(translate("courses_shown", lang, count="{count}", total="{total}"))
    return f"# {settings.title}\n\n{t('catalog_intro')}\n\n" + raw_html(
        f'<form class="kk-filters" aria-label="{t("catalog_filters")}" data-total="{len(courses)}"'
        f' data-template="{template}">'
        f"{filters}</form>\n"
        f'<p class="kk-count" role="status" aria-live="polite">{shown}</p>\n'
        f'<ul class="kk-catalog">\n{cards}\n</ul>'
    )


def _select(name: str, label: str, all_label: str, options: list[tuple[str, str]]) -> str:
    choices = "".join(f'<option value="{escape(v)}">{escape(text)}</option>' for v, text in options)
    return (
        f'<div class="kk-filter"><label for="kk-filter-{name}">{label}</label>'
        f'<select id="kk-filter-{name}" name="{name}"><option value="">{all_label}</option>'
        f"{choices}</select></div>"
    )


def _card(settings: BookSettings, course: Course, rating: ShownRating | None = None) -> str:
    lang = settings.language
    entry = catalog_entry(settings, course)
    facts = [
        (translate("fact_language", lang), translate(f"language_{course.language}", lang)),
        (translate("fact_level", lang), translate(f"level_{course.level.value}", lang)),
        (
            translate("fact_duration", lang),
            translate("duration", lang, minutes=course.duration_minutes),
        ),
        (
            translate("fact_competences", lang),
            ", ".join(f"{c['code']} {c['title']}" for c in entry["competences"]),
        ),
        (translate("fact_owners", lang), ", ".join(o.name for o in course.owners)),
        (translate("fact_review", lang), course.review_by.isoformat()),
    ]
    if rating is not None and course.catalog_rating:
        mean = format_decimal(round(rating.mean, 1), "0.0", locale=lang)
        shown = translate("rating_value", lang, mean=mean, scale=rating.scale, n=rating.learners)
        facts.append((translate("fact_rating", lang), shown))
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    return (
        f'<li class="kk-card" data-language="{course.language}" data-level="{course.level.value}"'
        f' data-competences="{" ".join(course.competences)}" lang="{course.language}">'
        f'<h2><a href="courses/{course.slug}/index.html">{escape(course.title)}</a></h2>'
        f"<p>{escape(course.summary)}</p><dl>{rows}</dl></li>"
    )


def course_page(course: Course, module_pages: dict[str, str]) -> str:
    """A course's overview: facts, modules in order, the session plan. Links use page names."""
    lang = course.language

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    facts = [
        (t("fact_audience"), course.audience),
        (t("fact_level"), t(f"level_{course.level.value}")),
        (t("fact_duration"), t("duration", minutes=course.duration_minutes)),
        (
            t("fact_competences"),
            ", ".join(f"{code} {competences(lang)[code]}" for code in course.competences),
        ),
        (
            t("fact_owners"),
            ", ".join(
                o.name + (f" ({o.organisation})" if o.organisation else "") for o in course.owners
            ),
        ),
        (t("fact_review"), course.review_by.isoformat()),
    ]
    if course.pass_threshold:
        facts.append((t("fact_pass"), f"{round(course.pass_threshold * 100)} %"))
    rows = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in facts)
    modules = "\n".join(
        f"1. [{m.title}]({module_pages[m.file]}) — {t(f'kind_{m.kind.value}')}"
        + (f", {t('duration', minutes=m.duration_minutes)}" if m.duration_minutes else "")
        for m in course.modules
    )
    titles = {m.file: m.title for m in course.modules}
    sessions = []
    for session in course.sessions:
        when = session.date.isoformat().replace("T", " ") if session.date else ""
        where = session.place or session.link
        lines = [
            f"### {session.title}",
            "",
            f"{t(f'session_{session.kind.value}')}"
            + (f" · {when}" if when else "")
            + (f" · {where}" if where else ""),
            "",
        ]
        for key, tasks in (
            ("before_session", session.pre_tasks),
            ("after_session", session.post_tasks),
        ):
            if tasks:
                links = ", ".join(f"[{titles[file]}]({module_pages[file]})" for file in tasks)
                lines += [f"{t(key)}: {links}", ""]
        sessions.append("\n".join(lines))
    parts = [
        f"# {course.title}",
        "",
        course.summary,
        "",
        raw_html(f'<dl class="kk-facts">{rows}</dl>'),
        f"## {t('modules_heading')}",
        "",
        modules,
        "",
    ]
    if sessions:
        parts += [f"## {t('sessions_heading')}", "", *sessions]
    return "\n".join(parts) + "\n"
