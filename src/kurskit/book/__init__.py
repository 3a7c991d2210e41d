"""The static Jupyter Book: catalog, course pages, offline quizzes, feeds and launch links."""

from kurskit.book.build import BookBuild, BookBuilder, BookBuildError, build_book
from kurskit.book.project import BookSourceError
from kurskit.book.settings import BookSettings, load_book_settings

__all__ = [
    "BookBuild",
    "BookBuildError",
    "BookBuilder",
    "BookSettings",
    "BookSourceError",
    "build_book",
    "load_book_settings",
]
