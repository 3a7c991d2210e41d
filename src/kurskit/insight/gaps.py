"""Gap analysis: the level each role needs in each competence against the levels staff gave."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import AfterValidator, Field, ValidationError

from kurskit.course.digcomp import check_competence_code
from kurskit.course.model import PLACE_FIELDS, CompetenceCode, Course, Status
from kurskit.course.problems import problems_from_validation
from kurskit.course.questions import Strict
from kurskit.course.self_assessment import CatalogueEntry
from kurskit.course.yamlsource import YamlSyntaxError, load_located
from kurskit.insight.stats import wilson_interval
from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey import GROUP_SEPARATOR, hide_in_trees
from kurskit.insight.survey_data import SurveyData

#: How many of the largest gaps the course suggestions cover.
LARGEST_GAPS = 5


KnownCompetence = Annotated[CompetenceCode, AfterValidator(check_competence_code)]


class RoleTargets(Strict):
    """The levels one role needs."""

    default: int | None = Field(
        default=None, ge=1, le=8, description="Level needed in every competence not listed."
    )
    competences: dict[KnownCompetence, Annotated[int, Field(ge=1, le=8)]] = Field(
        default_factory=dict, description="Level needed per competence code, e.g. '1.2': 6."
    )


class GapTargets(Strict):
    """The coordinator's file of target levels (`kurskit insight gaps --targets FILE`)."""

    roles: dict[str, RoleTargets] = Field(
        min_length=1, description="Each role, as the role question's option text, and its levels."
    )

    def level(self, role: str, competence: str) -> int | None:
        targets = self.roles.get(role)
        if targets is None:
            return None
        return targets.competences.get(competence, targets.default)


class TargetsError(ValueError):
    """A targets file that cannot be used; the message names the file, line and field."""


def load_targets(path: Path) -> GapTargets:
    """Read a targets file; errors name the file, line and field."""
    try:
        source = load_located(path.read_text("utf-8"))
    except OSError as error:
        raise TargetsError(f"cannot read the targets file {path}: {error.strerror}") from None
    except YamlSyntaxError as error:
        raise TargetsError(f"{path}: {error}") from None
    try:
        return GapTargets.model_validate(source.data)
    except ValidationError as error:
        problems = problems_from_validation(error, file=str(path), source=source)
        listed = "\n".join(map(str, problems))
        raise TargetsError(f"the targets file {path} is not valid:\n{listed}") from None


@dataclass(frozen=True)
class GapTables:
    """The gap analysis of one period; hidden groups keep their row, with no figures."""

    period: str
    by_competence: pd.DataFrame  # competence, n, target, mean, gap, below, share_below, ci
    by_role: pd.DataFrame  # role, competence, the same figures, hidden
    by_place: pd.DataFrame  # dimension (region / workplace), group, competence, figures, hidden
    courses: pd.DataFrame  # slug, title, level, competences covered, gap covered
    unmatched_roles: list[str]  # roles in the answers the targets file does not name


def gap_tables(
    data: SurveyData,
    targets: GapTargets,
    catalogue: list[CatalogueEntry],
    period: str | None = None,
    minimum: int = MINIMUM_GROUP,
) -> GapTables:
    """Gaps (target − level, positive when below target) of the respondents whose role has
    targets, in `period` (default: the last)."""
    chosen = period or data.periods[-1]
    people = data.people[data.people["period"] == chosen]
    rows = data.ratings[data.ratings["period"] == chosen].merge(
        people, on=["learner", "period"], how="inner"
    )
    pairs = {(role, code) for role in targets.roles for code in rows["competence"].unique()}
    wanted = {pair: targets.level(*pair) for pair in pairs}
    rows["target"] = [
        wanted.get((role, code))
        for role, code in zip(rows["role"], rows["competence"], strict=True)
    ]
    rows = rows.dropna(subset=["target"])
    rows["gap"] = rows["target"] - rows["level"]
    rows["below"] = rows["level"] < rows["target"]
    by_competence = _figures(rows, ["competence"])
    by_role = _figures(rows, ["role", "competence"])
    by_role["dimension"], by_role["path"] = "role", [(str(r),) for r in by_role["role"]]
    places = []
    for depth, dimension in enumerate(PLACE_FIELDS, start=1):
        path = list(PLACE_FIELDS[:depth])
        table = _figures(rows, [*path, "competence"])
        table["path"] = list(zip(*(table[field].astype(str) for field in path), strict=True))
        table["group"] = table["path"].map(GROUP_SEPARATOR.join)
        table["dimension"] = dimension
        places.append(table.drop(columns=path))
    by_place = pd.concat(places, ignore_index=True)
    # Hidden as in the cohort report, per competence, among the people with targets; and a
    # place whose people without targets number 1 … minimum − 1 is hidden too, or the two
    # reports side by side would give that small group away.
    totals = {
        (chosen, str(c)): int(n)
        for c, n in zip(by_competence["competence"], by_competence["n"], strict=True)
    }
    untargeted = _small_remainders(people, set(targets.roles), minimum)
    also = {(chosen, str(c)): untargeted for c in by_competence["competence"]}
    both = pd.concat([by_role, by_place], ignore_index=True).assign(period=chosen)
    both["scope"] = both["competence"]
    both["hidden"] = hide_in_trees(both, totals, minimum, also)
    figures = ["n", "target", "mean", "gap", "below", "share_below", "ci_low", "ci_high"]
    both[figures] = both[figures].astype(float).where(both["hidden"] == "")
    by_role = both[both["dimension"] == "role"][["role", "competence", *figures, "hidden"]]
    by_place = both[both["dimension"] != "role"][
        ["dimension", "group", "competence", *figures, "hidden"]
    ]
    small = by_competence["n"] < minimum
    by_competence[figures] = by_competence[figures].astype(float).mask(small)
    roles_given = set(people["role"])
    return GapTables(
        period=chosen,
        by_competence=by_competence,
        by_role=by_role,
        by_place=by_place,
        courses=_courses(by_competence, catalogue, data.course),
        unmatched_roles=sorted(roles_given - set(targets.roles)),
    )


def _small_remainders(
    people: pd.DataFrame, targeted: set[str], minimum: int
) -> set[tuple[str, ...]]:
    """Places where the people whose role has no targets number 1 … minimum − 1."""
    found: set[tuple[str, ...]] = set()
    without = people[~people["role"].isin(targeted)]
    for depth in range(1, len(PLACE_FIELDS) + 1):
        fields = list(PLACE_FIELDS[:depth])
        for key, n in without.groupby(fields, sort=False).size().items():
            if 0 < n < minimum:
                found.add(tuple(map(str, key if isinstance(key, tuple) else (key,))))
    return found


def _figures(rows: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    table = (
        rows.groupby(keys, sort=True)
        .agg(
            n=("level", "size"),
            target=("target", "mean"),
            mean=("level", "mean"),
            gap=("gap", "mean"),
            below=("below", "sum"),
        )
        .reset_index()
    )
    table["below"] = table["below"].astype(int)
    table["share_below"] = table["below"] / table["n"]
    table["ci_low"], table["ci_high"] = wilson_interval(table["below"], table["n"])
    return table


def _courses(
    by_competence: pd.DataFrame, catalogue: list[CatalogueEntry], survey: Course
) -> pd.DataFrame:
    """Published courses that cover the largest gaps, those covering most of the gap first."""
    largest = by_competence[by_competence["gap"] > 0].nlargest(LARGEST_GAPS, "gap")
    gaps = dict(zip(largest["competence"], largest["gap"], strict=True))
    means = dict(zip(largest["competence"], largest["mean"], strict=True))
    rows = []
    for entry in catalogue:
        if entry.slug == survey.slug or entry.status != Status.published:
            continue
        covered = [code for code in entry.competences if code in gaps]
        if not covered:
            continue
        level = float(np.mean([means[c] for c in covered]))
        rows.append(
            {
                "slug": entry.slug,
                "title": entry.title,
                "level": entry.level,
                "competences": ", ".join(covered),
                "gap_covered": sum(gaps[c] for c in covered),
                "level_distance": min(abs(lvl - level) for lvl in entry.level_range),
            }
        )
    columns = ["slug", "title", "level", "competences", "gap_covered", "level_distance"]
    table = pd.DataFrame(rows, columns=columns)
    return table.sort_values(
        ["gap_covered", "level_distance"], ascending=[False, True]
    ).reset_index(drop=True)
