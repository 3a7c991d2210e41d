"""A report as one self-contained HTML page (charts inline as SVG) and a CSV file per table."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jinja2
import pandas as pd

from kurskit.atomic import write_text_atomically


@dataclass(frozen=True)
class TableView:
    """A table as shown: caption, column headings, formatted cells; the first column heads rows."""

    caption: str
    columns: list[str]
    rows: list[list[str]]
    numeric: list[bool]
    #: Per cell, CSS for its background and text colour (a heatmap), or none.
    colours: list[list[str]] | None = None
    #: Per cell, the address its text links to (e.g. a question's source), or "".
    links: list[list[str]] | None = None


@dataclass(frozen=True)
class Section:
    """A heading, words, a chart (inline SVG) and the tables that hold its figures."""

    heading: str
    paragraphs: list[str] = field(default_factory=list)
    chart: str | None = None
    tables: list[TableView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportPage:
    """A whole report in one language."""

    title: str
    language: str
    sections: list[Section]
    intro: list[str] = field(default_factory=list)
    banner: str | None = None  # shown first when the data are synthetic
    hidden_texts: frozenset[str] = frozenset()  # cell texts that mark a hidden group


@cache
def _template() -> jinja2.Template:
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("kurskit.insight", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html.j2")


def render_page(page: ReportPage) -> str:
    """The report as HTML: no script, no network; prints on A4 with every row."""
    return _template().render(report=page)


def write_report(
    page: ReportPage,
    tables: dict[str, pd.DataFrame],
    out: Path,
    more: dict[str, ReportPage] | None = None,
) -> list[Path]:
    """Write `report.html`, `<name>.html` for each of `more` pages, and `<name>.csv` for each
    table into `out`; returns the paths."""
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "report.html"]
    write_text_atomically(written[0], render_page(page))
    for name, extra in (more or {}).items():
        written.append(out / f"{name}.html")
        write_text_atomically(written[-1], render_page(extra))
    for name, table in tables.items():
        path = out / f"{name}.csv"
        # Six decimals, rounded first: pandas then writes in its fast path.
        numbers = table.select_dtypes(include="number").columns
        rounded = table.assign(**{column: table[column].round(6) for column in numbers})
        write_text_atomically(path, rounded.to_csv(index=False))
        written.append(path)
    return written
