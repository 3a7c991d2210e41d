"""The `kurskit` command: a thin typer layer; every command calls a function in `kurskit.api`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from kurskit import __version__, api
from kurskit.course.execute import DEFAULT_CELL_TIMEOUT
from kurskit.course.model import LANGUAGES

app = typer.Typer(
    name="kurskit",
    help="Write, check, publish and grade blended-learning courses made of Jupyter notebooks.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
)
console = Console(stderr=True, soft_wrap=True)
output = Console(soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        output.print(f"kurskit {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """Write, check, publish and grade blended-learning courses made of Jupyter notebooks."""


@app.command()
def check(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Course folders, folders of courses, or notebooks. Default: courses/"),
    ] = None,
    execute: Annotated[
        bool, typer.Option("--execute", help="Also run every notebook in a fresh kernel.")
    ] = False,
    timeout: Annotated[
        int, typer.Option(help="Seconds one cell may run with --execute.", min=1)
    ] = DEFAULT_CELL_TIMEOUT,
    format: Annotated[
        str, typer.Option("--format", help="text for people, json for machines.")
    ] = "text",
) -> None:
    """Validate course files and notebooks; exit code 0 only when there is no error."""
    if format not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    with ProgressBar(enabled=execute and format == "text") as on_progress:
        report = api.check(
            paths or [], execute=execute, cell_timeout=timeout, on_progress=on_progress
        )
    if format == "json":
        output.print_json(report.to_json())
    else:
        for problem in report.problems:
            style = "red" if problem.severity == "error" else "yellow"
            output.print(str(problem), style=style, markup=False, highlight=False)
        summary = (
            f"{len(report.courses)} course(s), {len(report.notebooks)} notebook(s) checked"
            + (f", {len(report.executed)} run" if execute else "")
            + f": {len(report.errors)} error(s), {len(report.warnings)} warning(s)"
        )
        output.print(summary, style="green" if report.ok else "red", highlight=False)
    raise typer.Exit(0 if report.ok else 1)


@app.command()
def new(
    slug: Annotated[str, typer.Argument(help="Short name of the course: lower-case, digits, -.")],
    lang: Annotated[
        str, typer.Option("--lang", help=f"Course language: {', '.join(LANGUAGES)}.")
    ] = "nb",
    root: Annotated[
        Path, typer.Option(help="Folder the course is created in.")
    ] = api.DEFAULT_COURSES_DIR,
    title: Annotated[
        str | None, typer.Option(help="Course title (default: from the slug).")
    ] = None,
) -> None:
    """Create a new course with template notebooks showing every question type."""
    try:
        folder = api.new_course(slug, language=lang, root=root, title=title)
    except (ValueError, FileExistsError) as error:
        console.print(f"[red]error:[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    output.print(f"Created {folder}. Next: kurskit check {folder}", highlight=False)


@app.command()
def schema(
    format: Annotated[
        str, typer.Option("--format", help="json (JSON Schema) or markdown (reference page).")
    ] = "json",
) -> None:
    """Print the JSON Schema of course.yml, question specs included."""
    if format not in ("json", "markdown"):
        raise typer.BadParameter("use json or markdown", param_hint="--format")
    typer.echo(api.schema(format="markdown" if format == "markdown" else "json"), nl=False)


class ProgressBar:
    """A rich progress bar fed by api progress callbacks (or nothing when disabled)."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = Progress(
            TextColumn("running notebooks"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.description}"),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task("", total=None)

    def __enter__(self) -> api.ProgressCallback | None:
        if not self.enabled:
            return None
        self.bar.start()
        return self.update

    def update(self, done: int, total: int, label: str) -> None:
        self.bar.update(self.task, completed=done, total=total, description=label)

    def __exit__(self, *exc: object) -> None:
        if self.enabled:
            self.bar.stop()
