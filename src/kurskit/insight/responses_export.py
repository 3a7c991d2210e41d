"""The self-assessment answers as one row per respondent and period, pseudonymous or anonymous."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey_data import NOT_GIVEN, SurveyData, competence_levels

#: The background fields an anonymous export keeps; finer places could single a person out.
COARSE_FIELDS = ("region", "role")


def responses_table(data: SurveyData, *, anonymise: bool, seed: int | None = None) -> pd.DataFrame:
    """learner (a pseudonym), period, background fields and one column per competence level.

    With `anonymise`, the pseudonym goes, municipality and workplace go, rows are shuffled, and
    a region or role shared by fewer than the minimum of a period's respondents is replaced by
    NOT_GIVEN, so that no combination of the kept fields narrows anyone down below it.
    """
    levels = competence_levels(data)
    table = data.people.merge(levels.reset_index(), on=["learner", "period"], how="left")
    if not anonymise:
        return table
    table = table.drop(columns=["learner", "municipality", "workplace"])
    for field in COARSE_FIELDS:
        sizes = table.groupby(["period", field])[field].transform("size")
        table[field] = table[field].where(sizes >= MINIMUM_GROUP, NOT_GIVEN)
    sizes = table.groupby(["period", *COARSE_FIELDS])["period"].transform("size")
    for field in COARSE_FIELDS:  # a rare pair of two common values is coarsened too
        table[field] = table[field].where(sizes >= MINIMUM_GROUP, NOT_GIVEN)
    order = np.random.default_rng(seed).permutation(len(table))
    return table.iloc[order].reset_index(drop=True)
