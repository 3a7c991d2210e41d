"""The cohort report and the gap analysis as pages: headings, charts and the tables behind them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from babel.dates import format_date

from kurskit.insight import report_charts as charts
from kurskit.insight.gaps import GapTables
from kurskit.insight.report_page import ReportPage, Section, TableView
from kurskit.insight.report_words import Words
from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey import ALL, SurveyTables
from kurskit.insight.survey_data import SurveyData

#: Background fields with a table in the page (the finer ones are in the CSV files).
PAGE_DIMENSIONS = ("region", "role")


def survey_page(data: SurveyData, tables: SurveyTables, language: str) -> ReportPage:
    """The cohort report of a self-assessment, in `language`."""
    w = Words(language)
    last = data.periods[-1]
    sections = [
        _respondents(w, tables),
        _areas(w, tables, data),
        _competences(w, tables, last, data.scale_size),
        _change(w, tables, data),
        *(_groups(w, tables, dimension, last) for dimension in PAGE_DIMENSIONS),
        _outliers(w, tables, data),
        _how_to_read(w, data.high_level),
    ]
    return ReportPage(
        title=w("report_survey_title", course=data.course.title),
        language=language,
        sections=sections,
        intro=[_made(w, data.periods), w("report_csv_note")],
        banner=w("report_synthetic", description=data.synthetic) if data.synthetic else None,
        hidden_texts=frozenset({w.hidden("small"), w.hidden("subtraction")}),
    )


def _made(w: Words, periods: list[str]) -> str:
    today = format_date(dt.date.today(), "long", locale=w.language)
    return w("report_made", date=today, periods=", ".join(periods))


def _how_to_read(w: Words, high_level: int) -> Section:
    return Section(
        heading=w("report_how_to_read"),
        paragraphs=[
            w("report_definition_high", level=high_level),
            w("report_definition_ci"),
            w(
                "report_definition_privacy",
                minimum=MINIMUM_GROUP,
                small=w.hidden("small"),
                subtraction=w.hidden("subtraction"),
            ),
        ],
    )


def _respondents(w: Words, tables: SurveyTables) -> Section:
    rows = [[period, w.count(n)] for period, n in tables.respondents.itertuples(index=False)]
    table = TableView(
        w("report_respondents_heading"),
        [w("report_col_period"), w("report_col_n")],
        rows,
        [False, True],
    )
    return Section(heading=w("report_respondents_heading"), tables=[table])


def _areas(w: Words, tables: SurveyTables, data: SurveyData) -> Section:
    scopes = tables.scopes
    order = [ALL, *sorted(s for s in scopes["scope"].unique() if s != ALL)]
    labels = [w.scope(s) for s in order]
    series = {}
    for period in data.periods:
        part = scopes[scopes["period"] == period].set_index("scope").reindex(order)
        series[period] = (
            part["share"].to_numpy(),
            part["ci_low"].to_numpy(),
            part["ci_high"].to_numpy(),
        )
    title = w("report_areas_heading")
    chart = charts.grouped_shares(title, labels, series, f"{w('report_col_share_high')} (%)")
    rows = [
        [
            w.scope(r.scope),
            r.period,
            w.count(r.n),
            w.share(r.share),
            w.interval(r.ci_low, r.ci_high),
        ]
        for r in scopes.sort_values(["scope", "period"], key=_scope_order).itertuples()
    ]
    table = TableView(
        w("report_chart_figures"),
        [
            w("report_col_scope"),
            w("report_col_period"),
            w("report_col_n"),
            w("report_col_share_high"),
            w("report_col_ci"),
        ],
        rows,
        [False, False, True, True, True],
    )
    return Section(heading=title, chart=chart, tables=[table])


def _scope_order(column: pd.Series) -> pd.Series:
    return column.map(lambda s: "0" if s == ALL else s) if column.name == "scope" else column


def _competences(w: Words, tables: SurveyTables, period: str, scale_size: int) -> Section:
    part = tables.competences[tables.competences["period"] == period]
    levels = [f"level_{i}" for i in range(1, scale_size + 1)]
    labels = [w.scope(code) for code in part["competence"]]
    title = w("report_competences_heading", period=period)
    chart = charts.level_distribution(
        title,
        labels,
        part[levels].to_numpy(dtype=float),
        [w("report_level", level=i) for i in range(1, scale_size + 1)],
        "%",
    )
    rows = [
        [
            w.scope(r.competence),
            w.count(r.n),
            w.number(r.mean, "#,##0.00"),
            w.share(r.share),
            w.interval(r.ci_low, r.ci_high),
            *(w.share(getattr(r, lv)) for lv in levels),
        ]
        for r in part.itertuples()
    ]
    table = TableView(
        w("report_chart_figures"),
        [
            w("report_col_competence"),
            w("report_col_n"),
            w("report_col_mean"),
            w("report_col_share_high"),
            w("report_col_ci"),
            *(w("report_level", level=i) for i in range(1, scale_size + 1)),
        ],
        rows,
        [False, *([True] * (4 + scale_size))],
    )
    return Section(heading=title, chart=chart, tables=[table])


def _change(w: Words, tables: SurveyTables, data: SurveyData) -> Section:
    heading = w("report_change_heading")
    if len(data.periods) < 2:
        return Section(heading=heading, paragraphs=[w("report_needs_two_periods")])
    first, last = data.periods[0], data.periods[-1]
    change = tables.change
    span = change[(change["from_period"] == first) & (change["to_period"] == last)]
    span = span.sort_values("scope", key=_scope_order)
    chart = charts.changes(
        f"{heading}, {first} – {last}",
        [w.scope(s) for s in span["scope"]],
        span["change"],
        span["ci_low"],
        span["ci_high"],
        f"{w('report_col_change')} (pp)",
    )
    rows = [
        [
            w.scope(r.scope),
            r.from_period,
            r.to_period,
            w.share(r.share_from),
            w.share(r.share_to),
            w.points(r.change),
            w.interval(r.ci_low, r.ci_high, w.points),
        ]
        for r in change.sort_values(["scope"], key=_scope_order, kind="stable").itertuples()
    ]
    table = TableView(
        w("report_chart_figures"),
        [
            w("report_col_scope"),
            w("report_col_from"),
            w("report_col_to"),
            w("report_col_first", period=w("report_col_from").lower()),
            w("report_col_first", period=w("report_col_to").lower()),
            w("report_col_change"),
            w("report_col_ci"),
        ],
        rows,
        [False, False, False, True, True, True, True],
    )
    return Section(heading=heading, chart=chart, tables=[table])


def _groups(w: Words, tables: SurveyTables, dimension: str, period: str) -> Section:
    name = w(f"report_dimension_{dimension}")
    heading = w("report_groups_heading", dimension=name, period=period)
    part = tables.groups[
        (tables.groups["dimension"] == dimension)
        & (tables.groups["period"] == period)
        & (tables.groups["scope"] == ALL)
    ]
    rows = [
        [
            r.group,
            *(
                (w.hidden(r.hidden),) * 3
                if r.hidden
                else (w.count(r.n), w.share(r.share), w.interval(r.ci_low, r.ci_high))
            ),
        ]
        for r in part.itertuples()
    ]
    table = TableView(
        heading,
        [name.capitalize(), w("report_col_n"), w("report_col_share_high"), w("report_col_ci")],
        rows,
        [False, True, True, True],
    )
    return Section(heading=heading, tables=[table])


def _outliers(w: Words, tables: SurveyTables, data: SurveyData) -> Section:
    heading = w("report_outliers_heading")
    if len(data.periods) < 2:
        return Section(heading=heading, paragraphs=[w("report_needs_two_periods")])
    first, last = data.periods[0], data.periods[-1]
    overall = tables.scopes[(tables.scopes["period"] == last) & (tables.scopes["scope"] == ALL)]
    rule = w(
        "report_outliers_rule",
        first=first,
        last=last,
        share=w.share(float(overall["share"].iloc[0])),
    )
    shown = tables.outliers.head(20)
    flagged = shown[shown["outlier"]]
    chart = None
    if len(flagged):
        chart = charts.changes(
            heading,
            list(flagged["workplace"]),
            flagged["change"],
            flagged["ci_low"],
            flagged["ci_high"],
            f"{w('report_col_change')} {first} – {last} (pp)",
        )
    rows = [
        [
            r.workplace,
            w.count(r.n_first),
            w.share(r.share_first),
            w.count(r.n_last),
            w.share(r.share_last),
            w.points(r.change),
            w.interval(r.ci_low, r.ci_high, w.points),
            w("report_yes") if r.outlier else "",
        ]
        for r in shown.itertuples()
    ]
    table = TableView(
        heading,
        [
            w("report_dimension_workplace").capitalize(),
            f"{w('report_col_n')} {first}",
            w("report_col_first", period=first),
            f"{w('report_col_n')} {last}",
            w("report_col_first", period=last),
            w("report_col_change"),
            w("report_col_ci"),
            w("report_col_flag"),
        ],
        rows,
        [False, True, True, True, True, True, True, False],
    )
    notes = [] if len(flagged) else [w("report_no_outliers")]
    return Section(heading=heading, paragraphs=[rule], chart=chart, tables=[table], notes=notes)


def survey_csv(tables: SurveyTables) -> dict[str, pd.DataFrame]:
    """The CSV files of the cohort report, by file name."""
    return {
        "respondents": tables.respondents,
        "competence_levels": tables.competences,
        "high_self_raters": tables.scopes,
        "change": tables.change,
        "groups": tables.groups,
        "positive_outliers": tables.outliers,
    }


def gaps_page(data: SurveyData, gaps: GapTables, language: str) -> ReportPage:
    """The gap analysis, in `language`."""
    w = Words(language)
    intro = [
        _made(w, [gaps.period]),
        w("report_gap_definition", period=gaps.period),
        w("report_csv_note"),
    ]
    if gaps.unmatched_roles:
        intro.append(w("report_gap_unmatched", roles=", ".join(gaps.unmatched_roles)))
    sections = [
        _gap_competences(w, gaps),
        _gap_heatmap(w, gaps.by_role, "role", w("report_gap_by_role_heading")),
        _gap_heatmap(
            w,
            gaps.by_place[gaps.by_place["dimension"] == "region"].rename(
                columns={"group": "region"}
            ),
            "region",
            w("report_gap_by_region_heading"),
        ),
        _gap_courses(w, gaps),
        _how_to_read(w, data.high_level),
    ]
    return ReportPage(
        title=w("report_gaps_title", course=data.course.title),
        language=language,
        sections=sections,
        intro=intro,
        banner=w("report_synthetic", description=data.synthetic) if data.synthetic else None,
        hidden_texts=frozenset({w.hidden("small"), w.hidden("subtraction")}),
    )


def _gap_competences(w: Words, gaps: GapTables) -> Section:
    table = gaps.by_competence.sort_values("gap", ascending=False)
    heading = w("report_gap_by_competence_heading")
    labels = [w.scope(c) for c in table["competence"]]
    chart = charts.grouped_shares(
        heading,
        labels,
        {
            w("report_col_share_below"): (
                table["share_below"].to_numpy(),
                table["ci_low"].to_numpy(),
                table["ci_high"].to_numpy(),
            )
        },
        f"{w('report_col_share_below')} (%)",
    )
    rows = [
        [
            w.scope(r.competence),
            w.count(r.n),
            w.number(r.target),
            w.number(r.mean),
            w.number(r.gap, "+#,##0.0;−#,##0.0"),
            w.share(r.share_below),
            w.interval(r.ci_low, r.ci_high),
        ]
        for r in table.itertuples()
    ]
    view = TableView(
        w("report_chart_figures"),
        [
            w("report_col_competence"),
            w("report_col_n"),
            w("report_col_target"),
            w("report_col_mean"),
            w("report_col_gap"),
            w("report_col_share_below"),
            w("report_col_ci"),
        ],
        rows,
        [False, True, True, True, True, True, True],
    )
    return Section(heading=heading, chart=chart, tables=[view])


def _gap_heatmap(w: Words, table: pd.DataFrame, key: str, heading: str) -> Section:
    """Gaps per group and competence as a heatmap table: a row per group, a column per
    competence, the gap written in every coloured cell (hidden groups say so)."""
    gaps = table.pivot(index=key, columns="competence", values="gap")
    hidden = table.pivot(index=key, columns="competence", values="hidden")
    competences = list(gaps.columns)
    rows = [
        [
            str(group),
            *(
                w.hidden(hidden.at[group, c])
                if isinstance(hidden.at[group, c], str) and hidden.at[group, c]
                else w.number(gaps.at[group, c], "+#,##0.0;−#,##0.0")
                for c in competences
            ),
        ]
        for group in gaps.index
    ]
    colours = [["", *cells] for cells in charts.heat_colours(gaps.to_numpy(dtype=float))]
    view = TableView(
        f"{heading} ({w('report_col_gap')})",
        [w(f"report_dimension_{key}").capitalize(), *competences],
        rows,
        [False, *([True] * len(competences))],
        colours,
    )
    note = ", ".join(f"{code} {w.competence_titles[code]}" for code in competences)
    return Section(heading=heading, tables=[view], notes=[note])


def _gap_courses(w: Words, gaps: GapTables) -> Section:
    heading = w("report_gap_courses_heading")
    if gaps.courses.empty:
        return Section(heading=heading, paragraphs=[w("report_no_courses")])
    rows = [
        [f"{r.title} ({r.slug})", r.level, r.competences, w.number(r.gap_covered)]
        for r in gaps.courses.itertuples()
    ]
    view = TableView(
        heading,
        [
            w("report_col_course"),
            w("report_col_course_level"),
            w("report_col_competence"),
            w("report_col_gap_covered"),
        ],
        rows,
        [False, False, False, True],
    )
    return Section(heading=heading, tables=[view])


def gaps_csv(gaps: GapTables) -> dict[str, pd.DataFrame]:
    """The CSV files of the gap analysis, by file name."""
    return {
        "gap_by_competence": gaps.by_competence,
        "gap_by_role": gaps.by_role,
        "gap_by_place": gaps.by_place,
        "courses_for_gaps": gaps.courses,
    }
