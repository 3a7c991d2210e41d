"""The book's full-text search: in the site's language, with word stems remembered.

Sphinx indexes every written page for its search, stemming each word with a Snowball stemmer,
which is most of the indexing time; a word's stem never changes, so the stems are kept for
the life of the process and a rebuild after an edit stems only words it has not seen before.
"""

from __future__ import annotations

from functools import cache
from typing import Any

#: Sphinx's search language for each course language (Sphinx has one Norwegian stemmer).
SEARCH_LANGUAGES = {"nb": "no", "nn": "no", "sv": "sv", "da": "da", "en": "en"}


def search_language(language: str) -> str:
    """The `html_search_language` for a site in `language` (English when Sphinx has none)."""
    return SEARCH_LANGUAGES.get(language, "en")


@cache  # one dict per search language, for the life of the process
def _stems(language: str) -> dict[str, str]:
    return {}


def remember_stems(app: Any) -> None:
    """Have the site's search language (`html_search_language`) remember the stems it makes:
    Sphinx's own class for it, registered again with a memory (`app.add_search_language`)."""
    app.connect("config-inited", _register_remembering_language)


def _register_remembering_language(app: Any, config: Any) -> None:
    from sphinx.search import languages
    from sphinx.util import import_object

    code = config.html_search_language or config.language
    base = languages.get(code)
    if isinstance(base, str):  # Sphinx imports most languages when first used
        base = import_object(base)
    if not isinstance(base, type) or getattr(base, "remembers_stems", False):
        return

    class Remembering(base):  # type: ignore[valid-type, misc]
        remembers_stems = True

        def stem(self, word: str) -> str:
            stems = _stems(self.lang)
            stem = stems.get(word)
            if stem is None:
                stem = stems[word] = super().stem(word)
            return stem

    Remembering.__name__ = Remembering.__qualname__ = base.__name__
    app.add_search_language(Remembering)
