"""A report's words and numbers in one language: translated strings, shares, counts, intervals."""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd
from babel.numbers import format_decimal, format_percent

from kurskit.course.digcomp import areas, competences
from kurskit.i18n import translate
from kurskit.insight.suppression import MINIMUM_GROUP
from kurskit.insight.survey import ALL


class Words:
    """Translation and number formatting in one language."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.area_titles = areas(language)
        self.competence_titles = competences(language)

    def __call__(self, key: str, **values: object) -> str:
        return translate(key, self.language, **values)

    def share(self, value: float) -> str:
        return (
            "" if missing(value) else str(format_percent(value, "#,##0.0 %", locale=self.language))
        )

    def points(self, value: float) -> str:
        """A change of shares, in percentage points with its sign."""
        if missing(value):
            return ""
        return str(format_decimal(value * 100, "+#,##0.0;−#,##0.0", locale=self.language)) + " pp"

    def number(self, value: float, pattern: str = "#,##0.0") -> str:
        return "" if missing(value) else str(format_decimal(value, pattern, locale=self.language))

    def count(self, value: float) -> str:
        return (
            "" if missing(value) else str(format_decimal(int(value), "#,##0", locale=self.language))
        )

    def interval(self, low: float, high: float, form: Callable[[float], str] | None = None) -> str:
        show = form or self.share
        return "" if missing(low) else f"{show(low)} – {show(high)}"

    def scope(self, scope: str) -> str:
        if scope == ALL:
            return self("report_all_competences")
        if scope in self.area_titles:
            return f"{scope} {self.area_titles[scope]}"
        return f"{scope} {self.competence_titles.get(scope, '')}".strip()

    def hidden(self, reason: str) -> str:
        key = "report_hidden_small" if reason == "small" else "report_hidden_subtraction"
        return self(key, minimum=MINIMUM_GROUP)


def missing(value: object) -> bool:
    """Whether a figure is absent: None, NaN or pandas' NA."""
    if value is None or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)
