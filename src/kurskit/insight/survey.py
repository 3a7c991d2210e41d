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

import numpy as np
import pandas as pd

from kurskit.course.digcomp import area_of
from kurskit.course.model import PLACE_FIELDS
from kurskit.insight.stats import newcombe_difference, wilson_interval
from kurskit.insight.suppression import MINIMUM_GROUP, suppress
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
    scopes = _long_shares(rated[areas].groupby(periods).sum(), high[areas].groupby(periods).sum())
    respondents = (
        data.people.groupby("period", sort=False)
        .size()
        .reindex(data.periods, fill_value=0)
        .rename("n")
        .rename_axis("period")
        .reset_index()
    )
    every = _long_shares(rated.groupby(periods).sum(), high.groupby(periods).sum())
    change = _change_table(every, data.periods)
    groups = _group_table(rated, high, data.people, minimum)
    outliers = _outliers(groups, scopes, data.periods)
    competences = _competence_table(data, high)
    return SurveyTables(respondents, competences, scopes, change, groups, outliers)


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
    rated: pd.DataFrame, high: pd.DataFrame, people: pd.DataFrame, minimum: int
) -> pd.DataFrame:
    """Shares per background group, period and scope; groups under `minimum` respondents, and
    groups that could be recovered by subtraction, are hidden (`hidden` says why)."""
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
        first, *rest = (table[field].astype(str) for field in path)
        table["group"] = first.str.cat(rest, sep=GROUP_SEPARATOR) if rest else first
        table["dimension"] = dimension
        parts.append(table.drop(columns=path))
    groups = pd.concat(parts, ignore_index=True)
    hidden = hidden_groups(people, minimum)
    named = zip(groups["period"], groups["dimension"], groups["group"], strict=True)
    groups["hidden"] = [hidden.get(key, "") for key in named]
    # A competence a few people in a shown group skipped is hidden on its own as well.
    groups.loc[(groups["hidden"] == "") & (groups["n"] < minimum), "hidden"] = "small"
    figures = ["n", "high", "share", "ci_low", "ci_high"]
    groups[figures] = groups[figures].where(groups["hidden"] == "")
    order = ["dimension", "group", "period", "scope"]
    return (
        groups[[*order, *figures, "hidden"]]
        .sort_values(order, kind="stable")
        .reset_index(drop=True)
    )


def _path_to(dimension: str) -> list[str]:
    """The background fields naming a group: a workplace is named with its region and
    municipality (two libraries may share a name), a role by itself."""
    if dimension in PLACE_FIELDS:
        return list(PLACE_FIELDS[: PLACE_FIELDS.index(dimension) + 1])
    return [dimension]


def hidden_groups(people: pd.DataFrame, minimum: int) -> dict[tuple[str, str, str], str]:
    """(period, dimension, group) → why it is hidden, for the place tree and the role tree."""
    found: dict[tuple[str, str, str], str] = {}
    for period, members in people.groupby("period", sort=False):
        for fields in (list(PLACE_FIELDS), ["role"]):
            counts: dict[Hashable, int] = {(): len(members)}
            parent: dict[Hashable, Hashable | None] = {(): None}
            for depth in range(1, len(fields) + 1):
                sizes = members.groupby(fields[:depth], sort=False).size()
                for key, n in sizes.items():
                    node = tuple(key) if isinstance(key, tuple) else (key,)
                    counts[node] = int(n)
                    parent[node] = node[:-1]
            for hidden_node, reason in suppress(counts, parent, minimum).items():
                assert isinstance(hidden_node, tuple)
                if hidden_node:
                    label = GROUP_SEPARATOR.join(map(str, hidden_node))
                    found[(str(period), fields[len(hidden_node) - 1], label)] = reason.value
    return found


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
