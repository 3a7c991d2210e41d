"""Interface strings in nb, nn, sv, da and en from one message catalogue."""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

import yaml

from kurskit.languages import DEFAULT_LANGUAGE, LANGUAGES

__all__ = ["DEFAULT_LANGUAGE", "LANGUAGES", "catalogue", "translate"]


@cache
def _messages() -> dict[str, dict[str, str]]:
    text = files("kurskit.i18n").joinpath("messages.yml").read_text("utf-8")
    # libyaml's loader when PyYAML has it: the catalogue is read on every report's first page.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data: dict[str, dict[str, str]] = yaml.load(text, Loader=loader)
    return data


@cache
def _catalogue(language: str) -> dict[str, str]:
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    return {key: texts[language] for key, texts in _messages().items()}


def catalogue(language: str) -> dict[str, str]:
    """Every interface string in one language (unknown languages fall back to nb); the caller's
    own copy."""
    return dict(_catalogue(language))


def translate(key: str, language: str, **values: Any) -> str:
    """One interface string, with its {placeholders} filled."""
    return _catalogue(language)[key].format(**values)
