"""What a machine can check of WCAG 2.1 AA in authored text: alt text, link text, headings,
table headers, captions for media, and text in another language without a `lang` mark."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Protocol

from kurskit.course.notebook import CourseNotebook
from kurskit.course.problems import Problem
from kurskit.i18n import translate

#: Link texts that say nothing out of context (WCAG 2.4.4), in the five languages.
VAGUE_LINK_TEXTS = frozenset(
    {
        "her", "klikk her", "trykk her", "les mer", "lenke", "denne lenka", "denne lenken",
        "her er lenka", "klikk", "här", "klicka här", "läs mer", "länk", "den här länken",
        "klik her", "læs mere", "link", "dette link", "here", "click here", "read more",
        "more", "this link", "link here",
    }
)  # fmt: skip
#: Words that mark a paragraph's language: the most frequent short words of each.
MARKERS: dict[str, frozenset[str]] = {
    "nb": frozenset(
        [
            "og",
            "er",
            "ikke",
            "jeg",
            "det",
            "som",
            "på",
            "med",
            "av",
            "til",
            "en",
            "et",
            "for",
            "har",
            "de",
            "du",
            "kan",
            "vi",
        ]
    ),
    "nn": frozenset(
        [
            "og",
            "er",
            "ikkje",
            "eg",
            "det",
            "som",
            "på",
            "med",
            "av",
            "til",
            "ein",
            "eit",
            "for",
            "har",
            "dei",
            "du",
            "kan",
            "vi",
        ]
    ),
    "sv": frozenset(
        [
            "och",
            "är",
            "inte",
            "jag",
            "det",
            "som",
            "på",
            "med",
            "av",
            "till",
            "en",
            "ett",
            "för",
            "har",
            "de",
            "du",
            "kan",
            "vi",
        ]
    ),
    "da": frozenset(
        [
            "og",
            "er",
            "ikke",
            "jeg",
            "det",
            "som",
            "på",
            "med",
            "af",
            "til",
            "en",
            "et",
            "for",
            "har",
            "de",
            "du",
            "kan",
            "vi",
        ]
    ),
    "en": frozenset(
        [
            "the",
            "and",
            "is",
            "not",
            "of",
            "to",
            "a",
            "in",
            "that",
            "for",
            "with",
            "you",
            "this",
            "are",
            "be",
            "it",
            "on",
        ]
    ),
}
#: A paragraph this long (words) in another language needs its `lang` mark (WCAG 3.1.2).
FOREIGN_WORDS = 12
MEDIA_SUFFIXES = (".mp4", ".webm", ".ogv", ".mov", ".mp3", ".ogg", ".wav", ".m4a")
IMAGE_NAME = re.compile(r"^[\w.-]+\.(png|jpe?g|gif|svg|webp|bmp|tiff?)$", re.IGNORECASE)

_FENCE = re.compile(r"^\s*(```+|~~~+)\s*(\{[\w-]+\})?\s*(.*)$")
_HEADING = re.compile(r"^(#{1,6})\s+\S")
_MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]*)[^)]*\)")
_MD_LINK = re.compile(r"(?<!!)\[([^\]]+)\]\(([^)\s]+)[^)]*\)")
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_LINK = re.compile(r"<a\b[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


class _Warn(Protocol):
    """Report one warning at a line, in the course's language (a message catalogue key)."""

    def __call__(self, where: _Line, field: str, key: str, **values: object) -> None: ...


@dataclass(frozen=True)
class _Line:
    """A line of authored prose: where it is (file line, or cell and line in the cell)."""

    text: str
    line: int
    cell: int | None


def content_problems(notebook: CourseNotebook, language: str | None) -> list[Problem]:
    """Warnings for the prose of one notebook (fenced code and question cells are not prose),
    in `language`; text in another language is looked for only when the notebook's language
    is known (a course's), and the messages are then in English otherwise."""
    found: list[Problem] = []

    def warn(where: _Line, field: str, key: str, **values: object) -> None:
        message = translate(key, language or "en", **values)
        found.append(
            Problem(notebook.display_path, where.line, field, message, "warning", where.cell)
        )

    lines = list(_prose(notebook))
    _headings(lines, warn)
    for where in lines:
        _images(where, warn)
        _links(where, warn)
        _media(where, warn)
    _tables(lines, warn)
    _directives(notebook, warn)
    if language is not None:
        _languages(lines, language, warn)
    return found


def _prose(notebook: CourseNotebook) -> Iterator[_Line]:
    """Markdown lines outside fences: from the file for MyST, from markdown cells for .ipynb."""
    if notebook.path.suffix == ".md":
        text = notebook.path.read_text("utf-8").splitlines()
        yield from _unfenced([(t, i + 1, None) for i, t in enumerate(text)], front_matter=True)
    elif notebook.notebook is not None:
        for number, cell in enumerate(notebook.notebook.cells, start=1):
            if cell.cell_type == "markdown":
                lines = [(t, i + 1, number) for i, t in enumerate(cell.source.splitlines())]
                yield from _unfenced(lines, front_matter=False)


def _unfenced(
    lines: Sequence[tuple[str, int, int | None]], *, front_matter: bool
) -> Iterator[_Line]:
    fence: str | None = None
    start = 0
    if front_matter and lines and lines[0][0].strip() == "---":
        start = next((i + 1 for i, (t, _, _) in enumerate(lines[1:], 1) if t.strip() == "---"), 0)
    for text, line, cell in lines[start:]:
        match = _FENCE.match(text)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if text.strip().startswith(fence[0] * len(fence)) and not text.strip().strip(fence[0]):
                fence = None
            continue
        if text.lstrip().startswith("%%") or text.startswith("+++"):
            continue
        yield _Line(text, line, cell)


def _headings(lines: list[_Line], warn: _Warn) -> None:
    before = 0
    for where in lines:
        match = _HEADING.match(where.text)
        if not match:
            continue
        level = len(match.group(1))
        if before and level > before + 1:
            warn(where, "heading", "a11y_heading_skipped", level=level, before=before)
        before = level


def _images(where: _Line, warn: _Warn) -> None:
    for alt, source in _MD_IMAGE.findall(where.text):
        _alt(where, alt, source, warn)
    for tag in _HTML_IMG.findall(where.text):
        found = _ALT.search(tag)
        if found is None:
            warn(where, "image", "a11y_image_no_alt")
        elif found.group(2).strip():  # alt="" marks an image as decorative, which is fine
            _alt(where, found.group(2), "", warn)


def _alt(where: _Line, alt: str, source: str, warn: _Warn) -> None:
    text = alt.strip()
    if not text:
        warn(where, "image", "a11y_image_no_alt")
    elif IMAGE_NAME.match(text) or (source and text == PurePosixPath(source).name):
        warn(where, "image", "a11y_image_file_name", alt=text)


def _links(where: _Line, warn: _Warn) -> None:
    texts = [text for text, _ in _MD_LINK.findall(where.text)]
    texts += [_TAG.sub("", text) for text in _HTML_LINK.findall(where.text)]
    for text in texts:
        plain = re.sub(r"[\s*_`.:!»«\"']+", " ", text).strip().lower()
        if plain in VAGUE_LINK_TEXTS:
            warn(where, "link", "a11y_vague_link", text=text.strip())


def _media(where: _Line, warn: _Warn) -> None:
    lowered = where.text.lower()
    tags = ("<video" in lowered and "<track" not in lowered) or "<audio" in lowered
    linked = any(
        source.lower().split("?")[0].endswith(MEDIA_SUFFIXES)
        for _, source in _MD_LINK.findall(where.text) + _MD_IMAGE.findall(where.text)
    )
    if tags or linked:
        warn(where, "media", "a11y_media_captions")


def _tables(lines: list[_Line], warn: _Warn) -> None:
    for index, where in enumerate(lines[:-1]):
        separator = lines[index + 1].text.strip()
        if where.text.strip().startswith("|") and re.fullmatch(r"\|?[\s:|-]+\|?", separator):
            cells = [c.strip() for c in where.text.strip().strip("|").split("|")]
            if "-" in separator and not any(cells):
                warn(where, "table", "a11y_table_no_header")
    html = [w for w in lines if "<table" in w.text.lower()]
    for where in html:
        rest = " ".join(w.text for w in lines if w.line >= where.line and w.cell == where.cell)
        table = rest.lower().split("</table>", 1)[0]
        if "<th" not in table:
            warn(where, "table", "a11y_table_no_header")


def _directives(notebook: CourseNotebook, warn: _Warn) -> None:
    """MyST image and figure directives need `:alt:`; list tables need `:header-rows:`."""
    if notebook.path.suffix != ".md":
        return
    text = notebook.path.read_text("utf-8").splitlines()
    for index, line in enumerate(text):
        match = re.match(r"^\s*(```+|:::+)\s*\{(image|figure|list-table)\}", line)
        if not match:
            continue
        options = []
        for following in text[index + 1 :]:
            if not following.strip().startswith(":"):
                break
            options.append(following.strip())
        where = _Line(line, index + 1, None)
        if match.group(2) in ("image", "figure") and not any(
            o.startswith(":alt:") for o in options
        ):
            warn(where, "image", "a11y_image_no_alt")
        if match.group(2) == "list-table" and not any(
            o.startswith(":header-rows:") and not o.endswith(" 0") for o in options
        ):
            warn(where, "table", "a11y_table_no_header")


def _languages(lines: list[_Line], language: str, warn: _Warn) -> None:
    """A paragraph whose short words are clearly another language's needs a `lang` mark."""
    for paragraph in _paragraphs(lines):
        text = " ".join(w.text for w in paragraph)
        if re.search(r"\blang\s*=", text):
            continue
        words = re.findall(r"[a-zæøåäöé]+", _TAG.sub(" ", re.sub(r"\(.*?\)", "", text)).lower())
        if len(words) < FOREIGN_WORDS:
            continue
        hits = {code: sum(w in markers for w in words) for code, markers in MARKERS.items()}
        best = max(hits, key=lambda code: hits[code])
        own = hits.get(language, 0)
        if best != language and _other_language(best, language) and hits[best] >= 3 * max(own, 1):
            warn(paragraph[0], "lang", "a11y_foreign_text", code=best)


def _other_language(found: str, course: str) -> bool:
    """Bokmål, nynorsk and Danish share most short words: only tell them from English and
    Swedish apart, where a reader's screen reader would really read them wrongly."""
    close = {"nb", "nn", "da"}
    return not (found in close and course in close)


def _paragraphs(lines: list[_Line]) -> Iterator[list[_Line]]:
    paragraph: list[_Line] = []
    for where in lines:
        if not where.text.strip() or _HEADING.match(where.text):
            if paragraph:
                yield paragraph
            paragraph = []
        else:
            paragraph.append(where)
    if paragraph:
        yield paragraph
