"""The one message catalogue: every string in every language, with the same placeholders."""

from __future__ import annotations

import string

from kurskit.i18n import _messages, catalogue, translate
from kurskit.languages import LANGUAGES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_every_language_and_the_same_placeholders() -> None:
    for key, texts in _messages().items():
        assert set(texts) == set(LANGUAGES), key
        expected = placeholders(texts["en"])
        for language in LANGUAGES:
            assert texts[language].strip(), (key, language)
            assert placeholders(texts[language]) == expected, (key, language)


def test_translate_fills_placeholders_and_unknown_language_falls_back_to_nb() -> None:
    assert translate("points", "da", score=1, max=2) == "1 af 2 point"
    assert catalogue("de") == catalogue("nb")
