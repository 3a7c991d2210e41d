"""Learners' display names for certificates: from a roster CSV the instructor gives, or from
the names the hub recorded at sign-in; never a login name or pseudonym."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Person:
    """How a certificate names a learner."""

    name: str
    email: str = ""


class MissingNamesError(ValueError):
    """Some learners to certify have no display name."""

    def __init__(self, learners: list[str], sources: list[str]) -> None:
        self.learners = learners
        looked = "; ".join(sources) or "no roster was given and the hub recorded no names"
        super().__init__(
            f"no display name for {len(learners)} learner(s) to certify: {', '.join(learners)} "
            f"(looked in: {looked}); add them to a roster CSV with the columns learner,name "
            "(and optionally email) and pass it with --roster"
        )


def read_roster(path: Path) -> dict[str, Person]:
    """learner → Person from a CSV with a header naming `learner` and `name` (and optionally
    `email`); ValueError naming the file and line of a row without them, of a learner listed
    twice, or of text that is not CSV."""
    try:
        return _read_roster(path)
    except csv.Error as error:
        raise ValueError(
            f"{path}: not a CSV roster ({error}); write it with the columns learner,name"
        ) from None


def _read_roster(path: Path) -> dict[str, Person]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        sample = handle.read(4096)
        handle.seek(0)
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t") if sample else csv.excel
        reader = csv.DictReader(handle, dialect=dialect)
        columns = {c.strip().lower(): c for c in reader.fieldnames or []}
        if "learner" not in columns or "name" not in columns:
            raise ValueError(
                f"{path}, line 1: the roster needs the columns learner and name "
                f"(found: {', '.join(reader.fieldnames or []) or 'none'})"
            )
        people = {}
        for row in reader:
            learner = (row.get(columns["learner"]) or "").strip()
            name = " ".join((row.get(columns["name"]) or "").split())
            if not learner and not name:
                continue
            if not learner or not name:
                raise ValueError(
                    f"{path}, line {reader.line_num}: field "
                    f"{'learner' if not learner else 'name'} is empty"
                )
            if learner in people:
                raise ValueError(
                    f"{path}, line {reader.line_num}: the learner {learner} is listed twice"
                )
            email = (row.get(columns["email"]) or "").strip() if "email" in columns else ""
            people[learner] = Person(name, email)
    return people


def read_recorded_names(path: Path) -> dict[str, Person]:
    """learner → Person from the hub's record of names given at sign-in (none if absent)."""
    if not path.is_file():
        return {}
    data = json.loads(path.read_text("utf-8"))
    return {
        learner: Person(fields["name"], fields.get("email", ""))
        for learner, fields in data.items()
        if fields.get("name")
    }


def names_for(
    learners: list[str], *, roster: Path | None = None, recorded: Path | None = None
) -> dict[str, Person]:
    """Each learner's Person: the roster first, then the hub's record; MissingNamesError
    listing every learner without one."""
    people: dict[str, Person] = {}
    sources = []
    if recorded is not None:
        people.update(read_recorded_names(recorded))
        sources.append(f"names recorded by the hub ({recorded})")
    if roster is not None:
        people.update(read_roster(roster))
        sources.append(f"roster {roster}")
    missing = [learner for learner in learners if learner not in people]
    if missing:
        raise MissingNamesError(missing, sources)
    return {learner: people[learner] for learner in learners}
