"""Feeds for a course portal: catalog.json with every course's metadata, and an Atom feed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from xml.etree import ElementTree as ET

from kurskit.book.settings import BookSettings
from kurskit.course.digcomp import competences
from kurskit.course.model import Course

ATOM = "http://www.w3.org/2005/Atom"


def course_url(settings: BookSettings, course: Course) -> str:
    return f"{settings.site_url.rstrip('/')}/courses/{course.slug}/index.html"


def catalog_entry(settings: BookSettings, course: Course) -> dict[str, Any]:
    """One course's public metadata, as the catalog and the feeds show it."""
    return {
        "slug": course.slug,
        "title": course.title,
        "url": course_url(settings, course),
        "language": course.language,
        "summary": course.summary,
        "audience": course.audience,
        "level": course.level.value,
        "duration_minutes": course.duration_minutes,
        "competences": [
            {"code": c, "title": competences(course.language)[c]} for c in course.competences
        ],
        "owners": [o.model_dump(exclude_defaults=True) for o in course.owners],
        "review_by": course.review_by.isoformat(),
        "status": course.status.value,
        "modules": [{"title": m.title, "kind": m.kind.value} for m in course.modules],
    }


def catalog_json(settings: BookSettings, courses: list[Course], built: dt.datetime) -> str:
    document = {
        "title": settings.title,
        "description": settings.description,
        "url": settings.site_url,
        "generated": built.isoformat(),
        "courses": [catalog_entry(settings, c) for c in courses],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def atom_feed(settings: BookSettings, courses: list[Course], built: dt.datetime) -> str:
    """An Atom 1.0 feed with one entry per course (updated: the build time)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"xml:lang": settings.language})
    _text(feed, "title", settings.title)
    _text(feed, "subtitle", settings.description)
    _text(feed, "id", settings.site_url)
    _text(feed, "updated", built.isoformat())
    ET.SubElement(feed, f"{{{ATOM}}}link", {"href": settings.site_url, "rel": "alternate"})
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", settings.author)
    for course in courses:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry", {"xml:lang": course.language})
        url = course_url(settings, course)
        _text(entry, "title", course.title)
        _text(entry, "id", url)
        _text(entry, "updated", built.isoformat())
        ET.SubElement(entry, f"{{{ATOM}}}link", {"href": url, "rel": "alternate"})
        _text(entry, "summary", course.summary)
        for owner in course.owners:
            _text(ET.SubElement(entry, f"{{{ATOM}}}author"), "name", owner.name)
        for code in course.competences:
            ET.SubElement(
                entry,
                f"{{{ATOM}}}category",
                {"term": f"digcomp-{code}", "label": competences(course.language)[code]},
            )
    return ET.tostring(feed, encoding="unicode", xml_declaration=True) + "\n"


def _text(parent: ET.Element, tag: str, text: str) -> None:
    ET.SubElement(parent, f"{{{ATOM}}}{tag}").text = text
