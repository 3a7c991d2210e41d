"""DigComp 2.2 reference data: the 21 competences and 8 proficiency levels, bundled with the kit."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kurskit.i18n import translate


@cache
def _framework() -> dict[str, Any]:
    text = files("kurskit.course").joinpath("data/digcomp-2.2.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@cache
def competences(language: str = "en") -> dict[str, str]:
    """Map each DigComp 2.2 competence code (e.g. "1.2") to its title in the language.

    English gives the framework's own titles; other languages come from the message catalogue
    (an unknown language falls back to nb, as the catalogue does).
    """
    return {
        code: title if language == "en" else translate(f"digcomp_{code}", language)
        for area in _framework()["areas"].values()
        for code, title in area["competences"].items()
    }


@cache
def areas(language: str = "en") -> dict[str, str]:
    """Map each DigComp area number (e.g. "1") to its title in the language (as competences)."""
    return {
        number: area["title"] if language == "en" else translate(f"digcomp_area_{number}", language)
        for number, area in _framework()["areas"].items()
    }


def check_competence_code(code: str) -> str:
    """Return the code if it names a DigComp 2.2 competence, else raise a ValueError naming them."""
    code = str(code).strip()
    if code not in competences():
        raise ValueError(
            f"'{code}' is not a DigComp 2.2 competence; use one of {', '.join(competences())}"
        )
    return code


def area_of(code: str) -> str:
    """The area number of a competence code ("2.4" → "2")."""
    return code.split(".", 1)[0]


#: The proficiency levels of each course level (DigComp's four bands of two levels each).
BAND_LEVELS: dict[str, tuple[int, int]] = {
    "foundation": (1, 2),
    "intermediate": (3, 4),
    "advanced": (5, 6),
    "highly_specialised": (7, 8),
}
