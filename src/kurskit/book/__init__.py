"""The static Jupyter Book: catalog, course pages, offline quizzes, feeds and launch links."""

from kurskit.book.iri_check import defer_iri_grammar

# Before anything imports nbformat (and with it jsonschema); see defer_iri_grammar.
defer_iri_grammar()

from kurskit.book.build import BookBuild, BookBuilder, BookBuildError, build_book  # noqa: E402
from kurskit.book.project import BookSourceError  # noqa: E402
from kurskit.book.settings import BookSettings, load_book_settings  # noqa: E402

__all__ = [
    "BookBuild",
    "BookBuildError",
    "BookBuilder",
    "BookSettings",
    "BookSourceError",
    "build_book",
    "load_book_settings",
]
