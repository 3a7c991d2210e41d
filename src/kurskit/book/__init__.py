"""The static Jupyter Book: catalog, course pages, offline quizzes, feeds and launch links."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from kurskit.book.iri_check import defer_iri_grammar

# Before anything imports nbformat (and with it jsonschema); see defer_iri_grammar.
defer_iri_grammar()

if TYPE_CHECKING:
    from kurskit.book.build import BookBuilder, build_book
    from kurskit.book.result import BookBuild, BookSourceError
    from kurskit.book.settings import BookSettings, load_book_settings
    from kurskit.book.sphinx_app import BookBuildError

# Loaded on first use: `kurskit book build` with a running `kurskit book serve` hands the
# build over (kurskit.book.handoff) and should not pay for importing Sphinx first.
_EXPORTS = {
    "BookBuild": "kurskit.book.result",
    "BookBuildError": "kurskit.book.sphinx_app",
    "BookBuilder": "kurskit.book.build",
    "BookSettings": "kurskit.book.settings",
    "BookSourceError": "kurskit.book.result",
    "build_book": "kurskit.book.build",
    "load_book_settings": "kurskit.book.settings",
}

__all__ = [
    "BookBuild",
    "BookBuildError",
    "BookBuilder",
    "BookSettings",
    "BookSourceError",
    "build_book",
    "load_book_settings",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'kurskit.book' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
