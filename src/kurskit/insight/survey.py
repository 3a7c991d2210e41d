"""The cohort report of a self-assessment: levels, high self-raters, change, groups, outliers.

Definitions (the report states them too):
- a respondent is a *high self-rater* in a competence when their level is at least the
  course's `survey.high_level`; in an area or overall, when the mean of their levels there is;
- shares carry Wilson's 95 % interval; a change between periods carries Newcombe's, each
  period's respondents taken as a sample of their own;
- a workplace is a *positive outlier* when, in the last period, the lower end of its share's
  interval lies above the share of all respondents, and the lower end of the interval of its
  change since the first period lies above zero: high and rising beyond chance.
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kurskit.course.digcomp import area_of
from kurskit.course.model import PLACE_FIELDS
from kurskit.insight.stats import newcombe_difference, wilson_interval
from kurskit.insight.suppression import MINIMUM_GROUP, Hidden, suppress
from kurskit.insight.survey_data import BACKGROUND, SurveyData, competence_levels

#: Between the parts of a group's name: region / municipality / workplace.
GROUP_SEPARATOR = " / "
#: The scope of the whole framework in the tables' `scope` column (else an area or competence).
ALL = "all"


@dataclass(frozen=True)
class SurveyTables:
    """Every table of the cohort report; hidden groups keep their row, with no figures."""

    respondents: pd.DataFrame  # period, n
    competences: pd.DataFrame  # period, area, competence, n, mean, level_1…, high, share, ci
    scopes: pd.DataFrame  # period, scope (all / area), n, high, share, ci
    change: pd.DataFrame  # scope, from_period, to_period, share_from, share_to, change, ci
    groups: pd.DataFrame  # dimension, group, period, scope, n, high, share, ci, hidden
    outliers: pd.DataFrame  # workplace, n/share first and last, change, ci, outlier


def survey_tables(data: SurveyData, minimum: int = MINIMUM_GROUP) -> SurveyTables:
    """Compute the report's tables from the answers."""
    scores = respondent_scores(data)
    rated, high = scores.notna(), scores >= data.high_level
    areas = [ALL, *sorted(data.ratings["area"].unique())]
    periods = scores.index.get_level_values("period")
    every = _long_shares(rated.groupby(periods).sum(), high.groupby(periods).sum())
    groups = _group_table(rated, high, data.people, every, minimum)
    # A period, or a scope in it, rated by fewer than `minimum` is no figure anywhere.
    every = _blank_small(every, minimum)
    scopes = every[every["scope"].isin(areas)].reset_index(drop=True)
    respondents = (
        data.people.groupby("period", sort=False)
        .size()
        .reindex(data.periods, fill_value=0)
        .rename("n")
        .rename_axis("period")
        .reset_index()
    )
    respondents["n"] = respondents["n"].where(respondents["n"] >= minimum)
    change = _change_table(every, data.periods)
    outliers = _outliers(groups, scopes, data.periods)
    competences = _competence_table(data, high)
    level_columns = [c for c in competences.columns if c.startswith("level_")]
    competences = _blank_small(competences, minimum, [*level_columns, "mean"])
    return SurveyTables(respondents, competences, scopes, change, groups, outliers)


#: The figures of a share row, blanked together when the row is hidden.
SHARE_FIGURES = ["n", "high", "share", "ci_low", "ci_high"]


def _blank_small(table: pd.DataFrame, minimum: int, more: list[str] | None = None) -> pd.DataFrame:
    """The table with every figure of a row counting fewer than `minimum` left empty."""
    table = table.copy()
    small = table["n"] < minimum
    columns = [c for c in [*SHARE_FIGURES, *(more or [])] if c in table.columns]
    table[columns] = table[columns].astype(float).mask(small)
    return table


def respondent_scores(data: SurveyData) -> pd.DataFrame:
    """One row per (learner, period); a column per scope: the mean level overall (ALL), in each
    area, and each competence's level. NaN where the respondent rated nothing in the scope."""
    wide = competence_levels(data)
    scores = {ALL: wide.mean(axis=1)}
    for area in sorted({area_of(code) for code in wide.columns}):
        scores[area] = wide[[c for c in wide.columns if area_of(c) == area]].mean(axis=1)
    return pd.concat([pd.DataFrame(scores), wide], axis=1)


def _long_shares(rated: pd.DataFrame, high: pd.DataFrame) -> pd.DataFrame:
    """Counts by group (rows) and scope (columns) as long rows: group keys, scope, n, high,
    share and its Wilson interval; scopes nobody in a group rated are left out."""
    n = rated.stack().rename("n")
    table = pd.concat([n, high.stack().rename("high")], axis=1)
    table = table[table["n"] > 0].reset_index()
    table = table.rename(columns={table.columns[len(rated.index.names)]: "scope"})
    return _with_share(table)


def _with_share(table: pd.DataFrame) -> pd.DataFrame:
    table["n"] = table["n"].astype(int)
    table["high"] = table["high"].astype(int)
    table["share"] = table["high"] / table["n"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["high"], table["n"])
    return table


def _competence_table(data: SurveyData, high: pd.DataFrame) -> pd.DataFrame:
    """Per period and competence: n, mean, the share at each level, and high self-raters."""
    ratings = data.ratings
    keys = ["period", "area", "competence"]
    table = ratings.groupby(keys, observed=True)["level"].agg(n="size", mean="mean")
    levels = (
        ratings.groupby([*keys, "level"], observed=True)
        .size()
        .unstack("level", fill_value=0)
        .reindex(columns=range(1, data.scale_size + 1), fill_value=0)
    )
    shares = levels.div(levels.sum(axis=1), axis=0)
    shares.columns = [f"level_{level}" for level in shares.columns]
    counts = levels.loc[:, data.high_level :].sum(axis=1).rename("high")
    table = table.join(shares).join(counts).reset_index()
    return _with_share(table)


def _change_table(shares: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Each scope's change in the share of high self-raters: period to period, and first to last."""
    steps = list(itertools.pairwise(periods))
    if len(periods) > 2:
        steps.append((periods[0], periods[-1]))
    indexed = shares.set_index(["period", "scope"])
    parts = []
    for first, last in steps:
        before = indexed.xs(first, level="period")
        after = indexed.xs(last, level="period")
        joined = before.merge(
            after, left_index=True, right_index=True, how="inner", suffixes=("_from", "_to")
        )
        low, high = newcombe_difference(
            joined["high_to"], joined["n_to"], joined["high_from"], joined["n_from"]
        )
        parts.append(
            pd.DataFrame(
                {
                    "scope": joined.index,
                    "from_period": first,
                    "to_period": last,
                    "n_from": joined["n_from"].to_numpy(),
                    "share_from": joined["share_from"].to_numpy(),
                    "n_to": joined["n_to"].to_numpy(),
                    "share_to": joined["share_to"].to_numpy(),
                    "change": (joined["share_to"] - joined["share_from"]).to_numpy(),
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["scope", "from_period", "to_period", "change"])
    return pd.concat(parts, ignore_index=True)


def _group_table(
    rated: pd.DataFrame,
    high: pd.DataFrame,
    people: pd.DataFrame,
    totals: pd.DataFrame,
    minimum: int,
) -> pd.DataFrame:
    """Shares per background group, period and scope. Groups under `minimum` raters of the
    scope, and groups that could be recovered by subtraction, are hidden (`hidden` says why),
    in each period and scope on its own: a competence some people skipped has trees of its own.
    """
    background = people.set_index(["learner", "period"]).reindex(rated.index)
    period = rated.index.get_level_values("period")
    parts = []
    for dimension in BACKGROUND:
        path = _path_to(dimension)
        keys = [period, *(background[field].to_numpy() for field in path)]
        names = ["period", *path]
        table = _long_shares(
            rated.groupby(keys).sum().rename_axis(names),
            high.groupby(keys).sum().rename_axis(names),
        )
        table["path"] = list(zip(*(table[field].astype(str) for field in path), strict=True))
        table["dimension"] = dimension
        parts.append(table.drop(columns=path))
    groups = pd.concat(parts, ignore_index=True)
    groups["group"] = groups["path"].map(GROUP_SEPARATOR.join)
    total = {
        (p, s): int(n)
        for p, s, n in zip(totals["period"], totals["scope"], totals["n"], strict=True)
    }
    groups["hidden"] = hide_in_trees(groups, total, minimum)
    groups[SHARE_FIGURES] = groups[SHARE_FIGURES].astype(float).where(groups["hidden"] == "")
    order = ["dimension", "group", "period", "scope"]
    return (
        groups[[*order, *SHARE_FIGURES, "hidden"]]
        .sort_values(order, kind="stable")
        .reset_index(drop=True)
    )


#: The nested background fields (a tree each): places, and roles within everyone.
TREES: tuple[tuple[str, ...], ...] = (PLACE_FIELDS, ("role",))


def hide_in_trees(
    groups: pd.DataFrame,
    totals: dict[tuple[str, str], int],
    minimum: int,
    also: dict[tuple[str, str], set[tuple[str, ...]]] | None = None,
) -> list[str]:
    """Why each row of `groups` (columns period, scope, dimension, path: the tuple of field
    values, and n) is hidden, "" when shown. Each period and scope has its own trees, whose top
    is `totals[(period, scope)]`; `also` names paths to hide from the start in a period and
    scope. Trees with the same counts are worked out once."""
    reasons: dict[tuple[str, str, str, tuple[str, ...]], str] = {}
    worked: dict[tuple[Any, ...], dict[Hashable, Hidden]] = {}
    for (period, scope), part in groups.groupby(["period", "scope"], sort=False):
        forced = frozenset((also or {}).get((str(period), str(scope)), set()))
        for fields in TREES:
            rows = part[part["dimension"].isin(fields)]
            counts: dict[Hashable, int] = {(): totals.get((str(period), str(scope)), 0)}
            parent: dict[Hashable, Hashable | None] = {(): None}
            for path, n in zip(rows["path"], rows["n"], strict=True):
                counts[path] = int(n)
                parent[path] = path[:-1]
            key = (
                tuple(sorted(counts.items(), key=str)),
                tuple(sorted(forced & counts.keys(), key=str)),
            )
            if key not in worked:
                worked[key] = suppress(counts, parent, minimum, forced & frozenset(counts))
            for node, reason in worked[key].items():
                assert isinstance(node, tuple)
                if node:
                    reasons[(str(period), str(scope), fields[len(node) - 1], node)] = reason.value
    return [
        reasons.get((str(p), str(s), d, path), "")
        for p, s, d, path in zip(
            groups["period"], groups["scope"], groups["dimension"], groups["path"], strict=True
        )
    ]


def _path_to(dimension: str) -> list[str]:
    """The background fields naming a group: a workplace is named with its region and
    municipality (two libraries may share a name), a role by itself."""
    if dimension in PLACE_FIELDS:
        return list(PLACE_FIELDS[: PLACE_FIELDS.index(dimension) + 1])
    return [dimension]


def _outliers(groups: pd.DataFrame, scopes: pd.DataFrame, periods: list[str]) -> pd.DataFrame:
    """Workplaces by the change in their share of high self-raters (overall), first to last."""
    columns = [
        "workplace",
        "n_first",
        "share_first",
        "n_last",
        "share_last",
        "last_ci_low",
        "change",
        "ci_low",
        "ci_high",
        "outlier",
    ]
    if len(periods) < 2:
        return pd.DataFrame(columns=columns)
    first, last = periods[0], periods[-1]
    places = groups[(groups["dimension"] == "workplace") & (groups["scope"] == ALL)]
    places = places[places["hidden"] == ""].set_index(["group", "period"])
    try:
        before = places.xs(first, level="period")
        after = places.xs(last, level="period")
    except KeyError:
        return pd.DataFrame(columns=columns)
    both = before.merge(
        after, left_index=True, right_index=True, how="inner", suffixes=("_first", "_last")
    )
    low, high = newcombe_difference(
        both["high_last"], both["n_last"], both["high_first"], both["n_first"]
    )
    overall = scopes[(scopes["period"] == last) & (scopes["scope"] == ALL)]["share"]
    share_all = float(overall.iloc[0]) if len(overall) else np.nan
    table = pd.DataFrame(
        {
            "workplace": both.index,
            "n_first": both["n_first"].to_numpy(),
            "share_first": both["share_first"].to_numpy(),
            "n_last": both["n_last"].to_numpy(),
            "share_last": both["share_last"].to_numpy(),
            "last_ci_low": both["ci_low_last"].to_numpy(),
            "change": (both["share_last"] - both["share_first"]).to_numpy(),
            "ci_low": low,
            "ci_high": high,
        }
    )
    table["outlier"] = (table["last_ci_low"] > share_all) & (table["ci_low"] > 0)
    return table.sort_values(["outlier", "ci_low"], ascending=False).reset_index(drop=True)[columns]
