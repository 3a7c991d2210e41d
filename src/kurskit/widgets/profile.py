"""A learner's competence profile after a self-assessment: levels, change, courses to take."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets  # type: ignore[import-untyped]

from kurskit.charts import OKABE_ITO, figure_svg, new_figure
from kurskit.course.digcomp import areas, competences
from kurskit.course.model import COURSE_FILE
from kurskit.course.self_assessment import (
    CatalogueEntry,
    Profile,
    Rating,
    build_profile,
    read_catalogue,
    read_entry,
)
from kurskit.i18n import translate
from kurskit.store.records import AnswerSink
from kurskit.widgets.context import context_for


def course_folder(start: Path | None = None) -> Path | None:
    """The nearest folder upwards from `start` (default: the working directory) with a course."""
    here = (start or Path.cwd()).resolve()
    return next((f for f in (here, *here.parents) if (f / COURSE_FILE).is_file()), None)


def my_ratings(entry: CatalogueEntry, sink: AnswerSink, folder: Path) -> list[Rating]:
    """The learner's own self-ratings, every attempt, read through their sink."""
    found = []
    for question, competence in entry.rated.items():
        module = context_for(question, folder).module
        for answer in sink.my_answers(course=entry.slug, module=module, question_id=question):
            if isinstance(answer.response, int) and not isinstance(answer.response, bool):
                found.append(Rating(competence, answer.response, answer.period, answer.timestamp))
    return found


def profile_html(profile: Profile, language: str) -> str:
    """The profile as HTML: a chart by area, a table by competence, recommended courses."""

    def t(key: str, **values: object) -> str:
        return html.escape(translate(key, language, **values))

    if not profile.levels:
        return f'<p class="kk-profile">{t("profile_no_answers")}</p>'
    area_titles, titles = areas(language), competences(language)
    now, before = profile.areas(), profile.areas(profile.previous) if profile.previous else {}
    chart = _area_chart(now, before, area_titles, language, profile)
    change = profile.change()
    rows = "".join(
        f"<tr><th scope='row'>{html.escape(code)} {html.escape(titles[code])}</th>"
        f"<td>{level}</td><td>{profile.previous.get(code, '')}</td>"
        f"<td>{_signed(change[code]) if code in change else ''}</td></tr>"
        for code, level in sorted(profile.levels.items(), key=lambda item: _code_key(item[0]))
    )
    table = (
        f"<table class='kk-profile-table'><caption>{t('profile_table_caption')}</caption>"
        f"<thead><tr><th scope='col'>{t('profile_col_competence')}</th>"
        f"<th scope='col'>{t('profile_col_level')}</th>"
        f"<th scope='col'>{t('profile_col_previous')}</th>"
        f"<th scope='col'>{t('profile_col_change')}</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    if profile.recommendations:
        items = "".join(
            f"<li><strong>{html.escape(r.title)}</strong> ({html.escape(r.slug)}): "
            f"{t('profile_covers', competences=', '.join(r.covers))}</li>"
            for r in profile.recommendations
        )
        courses = f"<h3>{t('profile_recommended')}</h3><ul>{items}</ul>"
    else:
        courses = f"<h3>{t('profile_recommended')}</h3><p>{t('profile_no_recommendations')}</p>"
    period = profile.period or t("profile_no_period")
    intro = f"<p>{t('profile_period', period=html.escape(period))}</p>"
    return (
        f'<section class="kk-profile" lang="{language}" aria-label="{t("profile_heading")}">'
        f"<h2>{t('profile_heading')}</h2>{intro}<figure>{chart}</figure>{table}{courses}</section>"
    )


def _code_key(code: str) -> tuple[int, ...]:
    return tuple(int(part) for part in code.split("."))


def _signed(value: int) -> str:
    return f"+{value}" if value > 0 else "−" + str(-value) if value < 0 else "0"


def _area_chart(
    now: dict[str, float],
    before: dict[str, float],
    titles: dict[str, str],
    language: str,
    profile: Profile,
) -> str:
    figure = new_figure(6.5, 2.8)
    axes = figure.subplots()
    names = [f"{a} {titles[a]}" for a in now]
    positions = list(range(len(names)))
    axes.barh(
        positions, list(now.values()), height=0.6, color=OKABE_ITO[0], label=profile.period or ""
    )
    if before:
        axes.scatter(
            [before.get(a, float("nan")) for a in now],
            positions,
            marker="D",
            color=OKABE_ITO[1],
            zorder=3,
            label=profile.previous_period or "",
        )
        axes.legend(loc="lower right", frameon=False)
    axes.set_yticks(positions, names)
    axes.invert_yaxis()
    axes.set_xlim(0, 8)
    axes.set_xticks(range(0, 9))
    axes.set_xlabel(translate("profile_col_level", language))
    axes.xaxis.grid(True, color="#dddddd")
    axes.set_axisbelow(True)
    return figure_svg(figure, translate("profile_chart_title", language))


def show_profile(folder: Path | None = None, sink: AnswerSink | None = None) -> Any:
    """Show the learner's profile for the course the notebook is in, with a button that reads
    the answers again (after more questions are answered)."""
    from IPython.display import display

    from kurskit.store.learner_sink import answer_sink

    where = course_folder(folder)
    entry = read_entry(where) if where is not None else None
    if where is None or entry is None or not entry.rated:
        raise ValueError("show_profile() belongs in a self-assessment course's notebook")
    chosen = sink or answer_sink()
    output = ipywidgets.HTML()
    button = ipywidgets.Button(
        description=translate("profile_refresh", entry.language), icon="refresh"
    )

    def refresh(_: object = None) -> None:
        try:
            ratings = my_ratings(entry, chosen, where)
        except Exception as error:  # the store or service is unreachable: say so, in place
            output.value = f"<p role='alert'>{html.escape(str(error))}</p>"
            return
        profile = build_profile(ratings, read_catalogue(where.parent), entry.slug)
        output.value = profile_html(profile, entry.language)

    button.on_click(refresh)
    refresh()
    box = ipywidgets.VBox([output, button])
    display(box)
    return box
