"""Gap analysis: the level each role needs in each competence against the levels staff gave."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import numpy as np
import pandas as pd
from pydantic import AfterValidator, Field, ValidationError

from kurskit.course.digcomp import check_competence_code
from kurskit.course.model import CompetenceCode, Course, Status
from kurskit.course.problems import problems_from_validation
from kurskit.course.questions import Strict
from kurskit.course.self_assessment import CatalogueEntry
from kurskit.course.yamlsource import YamlSyntaxError, load_located
from kurskit.insight.stats import wilson_interval
from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey import GROUP_SEPARATOR, hidden_groups
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
    hidden = hidden_groups(people, minimum)
    by_role = _figures(rows, ["role", "competence"])
    by_role["hidden"] = [hidden.get((chosen, "role", role), "") for role in by_role["role"]]
    places = []
    for dimension, path in (
        ("region", ["region"]),
        ("workplace", ["region", "municipality", "workplace"]),
    ):
        table = _figures(rows, [*path, "competence"])
        first, *rest = (table[field].astype(str) for field in path)
        table["group"] = first.str.cat(rest, sep=GROUP_SEPARATOR) if rest else first
        table["dimension"] = dimension
        table["hidden"] = [hidden.get((chosen, dimension, g), "") for g in table["group"]]
        places.append(table.drop(columns=path))
    by_place = pd.concat(places, ignore_index=True)
    for table in (by_role, by_place):
        table.loc[(table["hidden"] == "") & (table["n"] < minimum), "hidden"] = "small"
        figures = ["n", "target", "mean", "gap", "below", "share_below", "ci_low", "ci_high"]
        table[figures] = table[figures].where(table["hidden"] == "")
    roles_given = set(people["role"])
    return GapTables(
        period=chosen,
        by_competence=by_competence,
        by_role=by_role,
        by_place=by_place,
        courses=_courses(by_competence, catalogue, data.course),
        unmatched_roles=sorted(roles_given - set(targets.roles)),
    )


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
