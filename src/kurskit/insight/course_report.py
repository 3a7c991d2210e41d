"""The course report and its one-page summary as pages, and the CSV files behind them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from babel.dates import format_date

from kurskit.insight import course_items, course_progress, course_voice
from kurskit.insight import report_charts as charts
from kurskit.insight.course_data import NO_COHORT, CourseData
from kurskit.insight.course_progress import ALL_LEARNERS
from kurskit.insight.course_voice import ALL_SESSIONS
from kurskit.insight.report_page import ReportPage, Section, TableView
from kurskit.insight.report_words import Words, missing
from kurskit.insight.suppression import MINIMUM_GROUP

#: Rows of the longer tables on the page (all rows are in the CSV files).
PAGE_ROWS = 25


@dataclass(frozen=True)
class CourseTables:
    """Every table of the course report."""

    funnel: pd.DataFrame
    stops: pd.DataFrame
    durations: pd.DataFrame
    scores: pd.DataFrame
    score_histogram: pd.DataFrame
    items: pd.DataFrame
    tests: pd.DataFrame
    distractors: pd.DataFrame
    feedback: pd.DataFrame
    comments: pd.DataFrame
    polls: pd.DataFrame

    def csv_files(self) -> dict[str, pd.DataFrame]:
        """The CSV files of the report, by file name (comments only when asked for)."""
        return {
            "funnel": self.funnel,
            "stops": self.stops,
            "durations": self.durations,
            "scores": self.scores,
            "score_histogram": self.score_histogram,
            "items": self.items,
            "tests": self.tests,
            "distractors": self.distractors,
            "feedback": self.feedback,
            "polls": self.polls,
        }


def course_tables(data: CourseData, comments_containing: str | None = None) -> CourseTables:
    """Work out every table of the report from the course's answers."""
    results = course_progress.course_results(data)
    scores, histogram = course_progress.scores(data, results)
    items, tests = course_items.item_analysis(data)
    return CourseTables(
        funnel=course_progress.funnel(data, results),
        stops=course_progress.stops(data),
        durations=course_progress.durations(data, results),
        scores=scores,
        score_histogram=histogram,
        items=items,
        tests=tests,
        distractors=course_items.distractors(data, results),
        feedback=course_voice.feedback(data),
        comments=course_voice.comments(data, comments_containing),
        polls=course_voice.polls(data),
    )


class _Names:
    """How the page names modules, cohorts, sessions and questions, and links their sources."""

    def __init__(self, data: CourseData, w: Words, source_url: str | None) -> None:
        self.w = w
        self.modules = {m.file: m.title for m in data.course.modules}
        self.data = data
        self.source_url = source_url
        self.session_titles = {
            s.date.isoformat()[:10]: s.title for s in data.course.sessions if s.date is not None
        }

    def module(self, file: str) -> str:
        return self.modules.get(file, file)

    def cohort(self, name: str) -> str:
        if name == ALL_LEARNERS:
            return self.w("course_everyone")
        return self.w("course_no_cohort") if name == NO_COHORT else name

    def session(self, name: str) -> str:
        if name == ALL_SESSIONS:
            return self.w("course_all_answers")
        title = self.session_titles.get(name[:10])
        return f"{name} ({title})" if title else name

    def link(self, question_id: str) -> str:
        """Where the question is written: under `source_url` when given, else the file."""
        item = self.data.item(question_id)
        if self.source_url:
            relative = item.source.relative_to(self.data_root())
            anchor = f"#L{item.line}" if item.line else ""
            return f"{self.source_url.rstrip('/')}/{relative.as_posix()}{anchor}"
        return item.source.resolve().as_uri()

    def data_root(self) -> Path:
        return self.data.items[0].source.parent.parent


def course_page(
    data: CourseData,
    tables: CourseTables,
    language: str,
    source_url: str | None = None,
    *,
    with_comments: bool = True,
) -> ReportPage:
    """The course report, in `language`; without the comments section when `with_comments`
    is false (a page for readers who may not see single learners' words)."""
    w = Words(language)
    names = _Names(data, w, source_url)
    sections = [
        _funnel(w, names, tables, data),
        _stops(w, names, tables),
        _durations(w, names, tables),
        _scores(w, names, tables),
        _flagged(w, names, tables),
        _tests(w, names, tables),
        _items(w, names, tables),
        _distractors(w, names, tables),
        _feedback(w, names, tables, data),
        *([_comments(w, names, tables)] if with_comments else []),
        _polls(w, names, tables),
        _how_to_read(w),
    ]
    return ReportPage(
        title=w("course_report_title", course=data.course.title),
        language=language,
        sections=sections,
        intro=_intro(w, data),
        banner=w("report_synthetic", description=data.synthetic) if data.synthetic else None,
        hidden_texts=frozenset({w.hidden("small"), w.hidden("subtraction")}),
    )


def _intro(w: Words, data: CourseData) -> list[str]:
    today = format_date(dt.date.today(), "long", locale=w.language)
    who = w("course_who_cohort", cohort=data.cohort) if data.cohort else w("course_who_all")
    when = ", ".join(data.periods) if data.periods else w("course_all_periods")
    learners = data.answers["learner"].nunique()
    return [
        w("course_made", date=today, who=who, periods=when, n=w.count(learners)),
        w("course_csv_note"),
    ]


def _hidden_or(w: Words, hidden: str, values: list[str]) -> list[str]:
    return [w.hidden(hidden)] * len(values) if hidden else values


def _stage(w: Words, names: _Names, stage: str, module: str) -> str:
    if module:
        return w(f"course_stage_{stage}", module=names.module(module))
    return w(f"course_stage_{stage}")


def _funnel(w: Words, names: _Names, tables: CourseTables, data: CourseData) -> Section:
    heading = w("course_funnel_heading")
    everyone = tables.funnel[tables.funnel["cohort"] == ALL_LEARNERS]
    known = everyone[everyone["share"].notna()]
    labels = [_stage(w, names, r.stage, r.module) for r in known.itertuples()]
    chart = charts.grouped_shares(
        heading,
        labels,
        {
            w("course_everyone"): (
                known["share"].to_numpy(dtype=float),
                known["ci_low"].to_numpy(dtype=float),
                known["ci_high"].to_numpy(dtype=float),
            )
        },
        f"{w('course_col_share_enrolled')} (%)",
    )
    rows = [
        [
            _stage(w, names, r.stage, r.module),
            *(
                [w("course_not_known")] * 3
                if missing(r.n)
                else [w.count(r.n), w.share(r.share), w.interval(r.ci_low, r.ci_high)]
            ),
        ]
        for r in everyone.itertuples()
    ]
    figures = TableView(
        w("report_chart_figures"),
        [w("course_col_stage"), w("report_col_n"), w("course_col_share_enrolled"),
         w("report_col_ci")],
        rows,
        [False, True, True, True],
    )  # fmt: skip
    tables_shown = [figures]
    if data.cohorts_known:
        tables_shown.append(_cohort_table(w, names, tables.funnel))
    notes = [] if data.certified is not None else [w("course_certified_unknown")]
    return Section(heading=heading, chart=chart, tables=tables_shown, notes=notes)


def _cohort_table(w: Words, names: _Names, funnel: pd.DataFrame) -> TableView:
    """Per cohort: enrolled, finished the last module, passed and certified."""
    modules = funnel[funnel["stage"] == "finished"]["module"]
    last = modules.iloc[-1] if len(modules) else ""
    stages = [("enrolled", ""), ("finished", last), ("passed", ""), ("certified", "")]
    rows = []
    for cohort, part in funnel.groupby("cohort", sort=False):
        hidden = str(part["hidden"].iloc[0])
        cells = []
        for stage, module in stages:
            row = part[(part["stage"] == stage) & (part["module"] == module)].iloc[0]
            if stage == "enrolled":
                cells.append(w.count(row["n"]))
            else:
                cells.append("" if missing(row["share"]) else w.share(row["share"]))
        rows.append([names.cohort(str(cohort)), *_hidden_or(w, hidden, cells)])
    return TableView(
        w("course_cohorts_caption"),
        [w("course_col_cohort"), *(_stage(w, names, s, m) for s, m in stages)],
        rows,
        [False, True, True, True, True],
    )


def _stops(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_stops_heading")
    shown = tables.stops.sort_values("stopped", ascending=False, kind="stable").head(PAGE_ROWS)
    rows = [
        [r.question_id, names.module(r.module), w.count(r.stopped), w.share(r.share_of_enrolled)]
        for r in shown.itertuples()
    ]
    view = TableView(
        heading,
        [w("course_col_question"), w("course_col_module"), w("course_col_stopped"),
         w("course_col_share_enrolled")],
        rows,
        [False, False, True, True],
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_stops_text")], tables=[view])


def _durations(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_durations_heading")
    rows = [
        [
            names.cohort(r.cohort),
            w(f"course_learners_{r.learners}"),
            *_hidden_or(
                w,
                r.hidden,
                [w.count(r.n), w.number(r.q1_days), w.number(r.median_days), w.number(r.q3_days)],
            ),
        ]
        for r in tables.durations.itertuples()
    ]
    view = TableView(
        heading,
        [w("course_col_cohort"), w("course_col_learners"), w("report_col_n"),
         w("course_col_q1_days"), w("course_col_median_days"), w("course_col_q3_days")],
        rows,
        [False, False, True, True, True, True],
    )  # fmt: skip
    return Section(heading=heading, tables=[view])


def _scores(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_scores_heading")
    table = tables.scores

    def scope(name: str) -> str:
        return w("course_result") if name == "course" else names.module(name)

    rows = [
        [
            scope(r.scope),
            w.count(r.n),
            *(
                [w.hidden("small")] * 4
                if missing(r.mean)
                else [
                    w.share(r.mean),
                    w.share(r.median),
                    w.share(r.sd),
                    w.number(r.skewness, "#,##0.00"),
                ]
            ),
        ]
        for r in table.itertuples()
    ]
    view = TableView(
        w("report_chart_figures"),
        [w("course_col_scope"), w("report_col_n"), w("report_col_mean"), w("course_col_median"),
         w("course_col_sd"), w("course_col_skewness")],
        rows,
        [False, True, True, True, True, True],
    )  # fmt: skip
    course = table[table["scope"] == "course"].iloc[0]
    paragraphs = []
    if not missing(course["pass_rate"]):
        paragraphs.append(
            w(
                "course_pass_rate",
                rate=w.share(course["pass_rate"]),
                interval=w.interval(course["pass_ci_low"], course["pass_ci_high"]),
                threshold=w.share(course["threshold"]),
                first=w.share(course["first_attempt_pass_rate"]),
                n=w.count(course["n"]),
            )
        )
    bins = tables.score_histogram[tables.score_histogram["scope"] == "course"]
    chart = None
    if len(bins):
        chart = charts.histogram(
            w("course_result_histogram", n=w.count(course["n"])),
            [
                f"{round(a * 100)}–{round(b * 100)} %"
                for a, b in zip(bins["from"], bins["to"], strict=True)
            ],
            bins["n"].to_numpy(dtype=float),
            w("course_col_learners"),
            marker=float(course["threshold"]) * 10,
        )
    return Section(heading=heading, paragraphs=paragraphs, chart=chart, tables=[view])


def _flag_text(w: Words, flag: str, row: object) -> str:
    values = {
        "facility": w.share(getattr(row, "facility", np.nan)),
        "discrimination": w.number(getattr(row, "discrimination", np.nan), "0.000"),
        "option": str(getattr(row, "option", "")),
        "upper": w.share(getattr(row, "share_upper", np.nan)),
        "lower": w.share(getattr(row, "share_lower", np.nan)),
    }
    return w(f"course_flag_{flag}", **values)


def _flagged(w: Words, names: _Names, tables: CourseTables) -> Section:
    """Every flag, with its reason and a link to the question's source (a distractor flag
    found on first and on latest attempts is listed once)."""
    heading = w("course_flagged_heading")
    rows, links = [], []
    items = tables.items
    for r in items[items["flags"] != ""].itertuples() if len(items) else []:
        for flag in str(r.flags).split(";"):
            rows.append([r.question_id, _test_name(w, names, r.test), _flag_text(w, flag, r),
                         r.source])  # fmt: skip
            links.append(["", "", "", names.link(r.question_id)])
    distractors = tables.distractors
    flagged = distractors[distractors["flag"] != ""] if len(distractors) else distractors
    for _, same in flagged.groupby(["question_id", "option", "flag"], sort=False):
        r = next(same.itertuples())
        bases = " + ".join(w(f"course_basis_{b}") for b in same["basis"])
        rows.append([r.question_id, bases, _flag_text(w, r.flag, r), r.source])
        links.append(["", "", "", names.link(r.question_id)])
    if not rows:
        return Section(heading=heading, paragraphs=[w("course_nothing_flagged")])
    view = TableView(
        heading,
        [w("course_col_question"), w("course_col_test"), w("course_col_reason"),
         w("course_col_source")],
        rows,
        [False, False, False, False],
        links=links,
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_flagged_text")], tables=[view])


def flagged_questions(tables: CourseTables) -> set[str]:
    """The questions with any flag: an item flag or a distractor flag."""
    found = (
        set(tables.items[tables.items["flags"] != ""]["question_id"])
        if len(tables.items)
        else set()
    )
    if len(tables.distractors):
        found |= set(tables.distractors[tables.distractors["flag"] != ""]["question_id"])
    return found


def _test_name(w: Words, names: _Names, test: str) -> str:
    if test == course_items.ASSESSMENT:
        return w("course_test_assessment")
    return w("course_test_practice", module=names.module(test))


def _tests(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_tests_heading")
    rows = []
    for r in tables.tests.itertuples():
        figures = (
            [w.hidden("small")] * 8
            if missing(r.mean)
            else [
                w.number(r.mean, "#,##0.00"), w.number(r.median, "#,##0.00"),
                w.number(r.sd, "#,##0.00"), w.number(r.skewness, "#,##0.00"),
                w.number(r.kurtosis, "#,##0.00"), w.share(r.alpha), w.share(r.error_ratio),
                w.number(r.standard_error, "#,##0.00"),
            ]
        )  # fmt: skip
        rows.append(
            [_test_name(w, names, r.test), w.count(r.n), w.count(r.items),
             w.number(r.maximum, "#,##0.#"), *figures]
        )  # fmt: skip
    view = TableView(
        heading,
        [w("course_col_test"), w("report_col_n"), w("course_col_items"), w("course_col_max"),
         w("report_col_mean"), w("course_col_median"), w("course_col_sd"),
         w("course_col_skewness"), w("course_col_kurtosis"), w("course_col_alpha"),
         w("course_col_error_ratio"), w("course_col_standard_error")],
        rows,
        [False, *([True] * 11)],
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_tests_text")], tables=[view])


def _items(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_items_heading")
    rows = []
    for r in tables.items.itertuples() if len(tables.items) else []:
        flags = [w(f"course_flag_short_{f}") for f in str(r.flags).split(";") if f]
        figures = (
            [w.hidden("small")] * 7
            if missing(r.facility)
            else [w.share(r.facility), w.share(r.sd), w.share(r.random_guess),
                  w.share(r.intended_weight), w.share(r.effective_weight),
                  w.number(r.discrimination * 100 if not missing(r.discrimination) else np.nan),
                  w.number(r.discriminative_efficiency * 100
                           if not missing(r.discriminative_efficiency) else np.nan)]
        )  # fmt: skip
        rows.append([r.question_id, _test_name(w, names, r.test), w.count(r.n), *figures,
                     ", ".join(flags)])  # fmt: skip
    view = TableView(
        heading,
        [w("course_col_question"), w("course_col_test"), w("report_col_n"),
         w("course_col_facility"), w("course_col_sd"), w("course_col_random_guess"),
         w("course_col_intended_weight"), w("course_col_effective_weight"),
         w("course_col_discrimination"), w("course_col_efficiency"), w("report_col_flag")],
        rows,
        [False, False, *([True] * 8), False],
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_items_text")], tables=[view])


def _distractors(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_distractors_heading")
    table = tables.distractors
    if table.empty:
        return Section(heading=heading, paragraphs=[w("course_no_choice_questions")])
    wide = table.pivot_table(
        index=["question_id", "option"],
        columns="basis",
        values=["share", "share_upper", "share_lower", "n"],
        aggfunc="first",
        sort=False,
        dropna=False,
    )
    keys = table.drop_duplicates(["question_id", "option"])
    rows = []
    for r in keys.itertuples():
        key = (str(r.question_id), str(r.option))

        def cell(value: str, basis: str, key: tuple[str, str] = key) -> float:
            return _at(wide, key, value, basis)

        flags = table[
            (table["question_id"] == r.question_id)
            & (table["option"] == r.option)
            & (table["flag"] != "")
        ]["flag"]
        rows.append(
            [
                f"{r.question_id}: {_option_text(w, r.option, r.text)}" + (" ✓" if r.right else ""),
                w.count(cell("n", "first")),
                w.share(cell("share", "first")),
                w.share(cell("share", "latest")),
                w.share(cell("share_upper", "latest")),
                w.share(cell("share_lower", "latest")),
                ", ".join(sorted({w(f"course_flag_short_{f}") for f in flags})),
            ]
        )
    view = TableView(
        heading,
        [w("course_col_option"), w("report_col_n"), w("course_col_first_attempts"),
         w("course_col_latest_attempts"), w("course_col_upper_third"),
         w("course_col_lower_third"), w("report_col_flag")],
        rows,
        [False, True, True, True, True, True, False],
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_distractors_text")], tables=[view])


def _at(wide: pd.DataFrame, key: tuple[str, str], value: str, basis: str) -> float:
    try:
        found = wide.at[key, (value, basis)]
    except KeyError:
        return np.nan
    return np.nan if missing(found) else float(found)


def _feedback(w: Words, names: _Names, tables: CourseTables, data: CourseData) -> Section:
    heading = w("course_feedback_heading")
    table = tables.feedback
    if table.empty:
        return Section(heading=heading, paragraphs=[w("course_no_feedback")])
    ratings = sorted(c for c in table.columns if c.startswith("rating_"))
    shown = table[table["hidden"] == ""]
    chart = None
    if len(shown):
        counts = shown[ratings].to_numpy(dtype=float)
        chart = charts.level_distribution(
            heading,
            [f"{r.question_id} · {names.session(r.session)}" for r in shown.itertuples()],
            counts / counts.sum(axis=1, keepdims=True),
            [w("course_rating", rating=i + 1) for i in range(len(ratings))],
            "%",
        )
    rows = [
        [
            f"{r.question_id} · {names.session(r.session)}",
            *_hidden_or(
                w,
                r.hidden,
                [
                    w.count(r.n),
                    w.number(r.mean, "#,##0.00"),
                    *(w.count(getattr(r, c)) for c in ratings),
                ],
            ),
        ]
        for r in table.itertuples()
    ]
    view = TableView(
        w("report_chart_figures"),
        [w("course_col_question"), w("report_col_n"), w("report_col_mean"),
         *(w("course_rating", rating=i + 1) for i in range(len(ratings)))],
        rows,
        [False, *([True] * (2 + len(ratings)))],
    )  # fmt: skip
    return Section(heading=heading, chart=chart, tables=[view])


def _comments(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_comments_heading")
    table = tables.comments
    if table.empty:
        return Section(heading=heading, paragraphs=[w("course_no_comments")])
    rows = [
        [r.learner, str(r.rating), r.comment, format_date(r.timestamp, "short", locale=w.language)]
        for r in table.head(PAGE_ROWS * 4).itertuples()
    ]
    view = TableView(
        heading,
        [w("course_col_learner"), w("course_col_rating"), w("course_col_comment"),
         w("course_col_date")],
        rows,
        [False, True, False, False],
    )  # fmt: skip
    notes = [w("course_comments_more", n=w.count(len(table)))] if len(table) > len(rows) else []
    return Section(heading=heading, paragraphs=[w("course_comments_text")], tables=[view],
                   notes=notes)  # fmt: skip


def _polls(w: Words, names: _Names, tables: CourseTables) -> Section:
    heading = w("course_polls_heading")
    table = tables.polls
    if table.empty:
        return Section(heading=heading, paragraphs=[w("course_no_polls")])
    rows = [
        [
            f"{names.session(r.session)} · {_short(r.prompt) or r.question_id}",
            _option_text(w, r.option, r.text),
            *_hidden_or(w, r.hidden, [w.count(r.n), w.count(r.chosen), w.share(r.share)]),
        ]
        for r in table.itertuples()
    ]
    view = TableView(
        heading,
        [w("course_col_session_question"), w("course_col_option"), w("report_col_n"),
         w("course_col_chosen"), w("course_col_share")],
        rows,
        [False, False, True, True, True],
    )  # fmt: skip
    return Section(heading=heading, paragraphs=[w("course_polls_text")], tables=[view])


def _option_text(w: Words, option: str, text: str) -> str:
    """An option as written; a true/false question's two in the page's language."""
    return w(text) if option == text and text in ("true", "false") else text


def _short(text: str, length: int = 80) -> str:
    """A prompt on one line, cut at a word when long."""
    flat = " ".join(str(text).replace("*", "").split())
    return flat if len(flat) <= length else flat[: flat.rfind(" ", 0, length)] + " …"


def _how_to_read(w: Words) -> Section:
    return Section(
        heading=w("report_how_to_read"),
        paragraphs=[
            w("course_definition_funnel"),
            w("course_definition_items"),
            w("course_definition_test"),
            w("course_definition_flags"),
            w("course_definition_distractors"),
            w(
                "report_definition_privacy",
                minimum=MINIMUM_GROUP,
                small=w.hidden("small"),
                subtraction=w.hidden("subtraction"),
            ),
        ],
    )


def summary_page(
    data: CourseData, tables: CourseTables, language: str, source_url: str | None = None
) -> ReportPage:
    """The one page a coordinator prints: the key figures and the questions to look at."""
    w = Words(language)
    names = _Names(data, w, source_url)
    everyone = tables.funnel[tables.funnel["cohort"] == ALL_LEARNERS]

    def stage(name: str) -> str:
        found = everyone[everyone["stage"] == name]
        if found.empty or missing(found["n"].iloc[-1]):
            return w("course_not_known")
        row = found.iloc[-1]
        return f"{w.count(row['n'])} ({w.share(row['share'])})"

    finished = everyone[everyone["stage"] == "finished"]
    course = tables.scores[tables.scores["scope"] == "course"].iloc[0]
    assessment = tables.tests[tables.tests["test"] == course_items.ASSESSMENT]
    overall = tables.feedback[
        (tables.feedback["session"] == ALL_SESSIONS) if len(tables.feedback) else []
    ]
    facts = [
        [w("course_stage_enrolled"), stage("enrolled")],
        [
            _stage(w, names, "finished", str(finished["module"].iloc[-1])),
            ""
            if finished.empty
            else f"{w.count(finished['n'].iloc[-1])} ({w.share(finished['share'].iloc[-1])})",
        ],
        [w("course_stage_passed"), stage("passed")],
        [w("course_stage_certified"), stage("certified")],
        [w("course_result"), w.share(course["mean"])],
        [w("course_col_pass_rate"), w.share(course["pass_rate"])],
        [w("course_col_first_pass_rate"), w.share(course["first_attempt_pass_rate"])],
        [
            w("course_col_alpha"),
            w.share(assessment["alpha"].iloc[0]) if len(assessment) else w("course_not_known"),
        ],
        [
            w("course_col_mean_rating"),
            f"{w.number(overall['mean'].iloc[0], '#,##0.00')} (N = {w.count(overall['n'].iloc[0])})"
            if len(overall) and not missing(overall["mean"].iloc[0])
            else w("course_not_known"),
        ],
        [w("course_col_flagged_items"), w.count(len(flagged_questions(tables)))],
    ]
    key_figures = TableView(
        w("course_summary_caption"), [w("course_col_fact"), w("course_col_value")], facts,
        [False, True],
    )  # fmt: skip
    sections = [
        Section(heading=w("course_summary_heading"), tables=[key_figures]),
        _flagged(w, names, tables),
    ]
    return ReportPage(
        title=w("course_summary_title", course=data.course.title),
        language=language,
        sections=sections,
        intro=_intro(w, data)[:1],
        banner=w("report_synthetic", description=data.synthetic) if data.synthetic else None,
        hidden_texts=frozenset({w.hidden("small"), w.hidden("subtraction")}),
    )
