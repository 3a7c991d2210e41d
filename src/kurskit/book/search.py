"""The book's full-text search: in the site's language, with word stems remembered.

Sphinx indexes every written page for its search, stemming each word with a Snowball stemmer,
which is most of the indexing time; a word's stem never changes, so the stems are kept for
the life of the process and a rebuild after an edit stems only words it has not seen before.

Before writing pages, Sphinx also reads back the whole index it wrote at the end of the last
build (`searchindex.js`, to drop the pages it writes again and keep the others). An
application kept for rebuilds still holds that index, so it starts from what it holds while
the file is the one it wrote (`KeptSearchIndex`).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
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


#: What `IndexBuilder.load` reads back from `searchindex.js`; the rest stays in the environment.
_LOADED = ("_filenames", "_titles", "_all_titles", "_mapping", "_title_mapping")


class KeptSearchIndex:
    """Starts each build's search index from the one the last build of this application
    wrote, instead of reading it back from its file, while the file is unchanged since (same
    modification time and size) and the index read from it would be the same: what it wrote
    was this one, frozen, and reading it back makes the same pages, titles and words. After a
    failed build, a change to the file, or a Sphinx without these attributes, the builder
    reads the file as always."""

    def __init__(self, app: Any) -> None:
        self._builder = app.builder
        self._kept: tuple[Any, tuple[int, int]] | None = None  # (indexer, its file's stat)
        self._read_file = app.builder.load_indexer
        app.builder.load_indexer = self._load
        app.connect("build-finished", self._remember)

    def _file(self) -> Path:
        return Path(self._builder.outdir, self._builder.searchindex_filename)

    def _load(self, docnames: Any) -> None:
        builder = self._builder
        kept, self._kept = self._kept, None
        if kept is None or kept[1] != _stat(self._file()) or kept[0].env is not builder.env:
            self._read_file(docnames)
            return
        for name in _LOADED:
            setattr(builder.indexer, name, getattr(kept[0], name))
        builder.indexer.prune(set(builder.env.all_docs) - set(docnames))

    def _remember(self, app: Any, error: Exception | None) -> None:
        indexer = getattr(self._builder, "indexer", None)
        written = _stat(self._file())
        complete = indexer is not None and all(hasattr(indexer, name) for name in _LOADED)
        if error is None and complete and written is not None:
            self._kept = (indexer, written)


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_mtime_ns, info.st_size
