"""The self-assessment answers as one row per respondent and period, pseudonymous or anonymous."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey import ALL
from kurskit.insight.survey_data import NOT_GIVEN, SurveyData, competence_levels

#: The background fields an anonymous export keeps; finer places could single a person out.
COARSE_FIELDS = ("region", "role")


def responses_table(
    data: SurveyData, groups: pd.DataFrame | None = None, *, seed: int | None = None
) -> pd.DataFrame:
    """learner (a pseudonym), period, background fields and one column per competence level;
    without `groups`, pseudonymous.

    Given the cohort report's `groups` table, the export is anonymous: the pseudonym goes,
    municipality and workplace go, rows are shuffled; a region or role the report hides in a
    period (too small, or recoverable by subtraction) becomes NOT_GIVEN; and the rows of any
    (period, region, role) cell still shared by fewer than the minimum are left out, so that
    no combination of the kept fields narrows anyone down below it.
    """
    levels = competence_levels(data)
    table = data.people.merge(levels.reset_index(), on=["learner", "period"], how="left")
    if groups is None:
        return table
    table = table.drop(columns=["learner", "municipality", "workplace"])
    overall = groups[(groups["scope"] == ALL) & (groups["hidden"] != "")]
    for field in COARSE_FIELDS:
        hidden = overall[overall["dimension"] == field]
        pairs = set(zip(hidden["period"].astype(str), hidden["group"], strict=True))
        keys = zip(table["period"].astype(str), table[field], strict=True)
        table[field] = [
            NOT_GIVEN if key in pairs else value
            for key, value in zip(keys, table[field], strict=True)
        ]
    sizes = table.groupby(["period", *COARSE_FIELDS], observed=True)["period"].transform("size")
    table = table[sizes >= MINIMUM_GROUP]
    order = np.random.default_rng(seed).permutation(len(table))
    return table.iloc[order].reset_index(drop=True)
