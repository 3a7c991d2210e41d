"""Course feedback ratings for the catalog cards, kept in a file beside the book's settings."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from kurskit.atomic import write_text_atomically

#: Written by `kurskit book build` from the answer store, for the courses that opt in.
RATINGS_FILE = "ratings.json"


@dataclass(frozen=True)
class ShownRating:
    """What a catalog card shows: the mean rating, of how many learners, on which scale."""

    mean: float
    learners: int
    scale: int


def read_ratings(book_dir: Path) -> dict[str, ShownRating]:
    """The ratings by course slug (none when the file is missing or not what we wrote)."""
    path = book_dir / RATINGS_FILE
    try:
        document = json.loads(path.read_text("utf-8"))
        return {slug: ShownRating(**values) for slug, values in document.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def write_ratings(book_dir: Path, ratings: dict[str, ShownRating]) -> Path:
    """Replace the ratings file (an empty mapping removes every rating from the cards)."""
    path = book_dir / RATINGS_FILE
    text = json.dumps({slug: asdict(r) for slug, r in sorted(ratings.items())}, indent=1)
    write_text_atomically(path, text + "\n")
    return path
