"""DigComp 2.2 competence and area titles in every course language."""

from __future__ import annotations

import pytest

from kurskit.course.digcomp import _framework, areas, competences
from kurskit.i18n import translate
from kurskit.languages import LANGUAGES

#: The framework's own English titles, read straight from the bundled YAML.
FRAMEWORK_AREAS = {number: area["title"] for number, area in _framework()["areas"].items()}
FRAMEWORK_COMPETENCES = {
    code: title
    for area in _framework()["areas"].values()
    for code, title in area["competences"].items()
}


def test_the_framework_has_5_areas_and_21_competences() -> None:
    assert list(FRAMEWORK_AREAS) == ["1", "2", "3", "4", "5"]
    assert len(FRAMEWORK_COMPETENCES) == 21


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_code_and_area_has_a_title_in_every_language(language: str) -> None:
    titles = competences(language)
    assert list(titles) == list(FRAMEWORK_COMPETENCES)
    assert all(isinstance(t, str) and t.strip() for t in titles.values()), titles
    area_titles = areas(language)
    assert list(area_titles) == list(FRAMEWORK_AREAS)
    assert all(isinstance(t, str) and t.strip() for t in area_titles.values()), area_titles


def test_english_is_the_framework_title_with_or_without_the_argument() -> None:
    assert competences() == competences("en") == FRAMEWORK_COMPETENCES
    assert areas() == areas("en") == FRAMEWORK_AREAS


def test_the_catalogue_english_matches_the_framework() -> None:
    for code, title in FRAMEWORK_COMPETENCES.items():
        assert translate(f"digcomp_{code}", "en") == title, code
    for number, title in FRAMEWORK_AREAS.items():
        assert translate(f"digcomp_area_{number}", "en") == title, number


@pytest.mark.parametrize("language", ["nb", "nn", "sv", "da"])
def test_most_titles_are_translated(language: str) -> None:
    titles = {**competences(language), **{f"area {n}": t for n, t in areas(language).items()}}
    english = {**FRAMEWORK_COMPETENCES, **{f"area {n}": t for n, t in FRAMEWORK_AREAS.items()}}
    same = [key for key in titles if titles[key] == english[key]]
    # only a loanword such as "Programmering"/"Programming" may stay close; never most of them
    assert len(same) <= 2, same


def test_titles_use_the_words_of_each_language() -> None:
    assert "informasjon og digitalt innhold" in competences("nb")["1.1"]
    assert "søke" in competences("nb")["1.1"]
    assert "digitalt innhald" in competences("nn")["1.1"]
    assert "digitalt innehåll" in competences("sv")["1.1"]
    assert "digitalt indhold" in competences("da")["1.1"]
    assert areas("nb")["1"] == "Informasjons- og datakompetanse"
    assert areas("sv")["1"] == "Informations- och datakompetens"
    assert areas("da")["1"] == "Informations- og datakompetence"
    assert competences("sv")["4.1"] == "Skydda enheter"
    by_language = [tuple(competences(language).values()) for language in ("nb", "nn", "sv", "da")]
    assert len(set(by_language)) == 4  # no language is a copy of another
