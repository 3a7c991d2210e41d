"""`kurskit check` on the accessibility of authored text: each rule on a line it can name."""

from __future__ import annotations

import nbformat
from typer.testing import CliRunner

from kurskit import api
from kurskit.cli import app
from tests.factories import GRADED_TF, LESSON_MD, CourseFactory, ipynb_with

runner = CliRunner()
BAD = (
    LESSON_MD
    + """
### Et hopp fra nivå 1

![](bilder/skjerm.png)

![skjerm.png](bilder/skjerm.png)

![Skjermbilde av søkefeltet i Oria](bilder/oria.png)

Les veilederen [klikk her](https://www.datatilsynet.no/) eller [Datatilsynets veileder om
kameraovervåking](https://www.datatilsynet.no/).

| | |
|---|---|
| a | b |

<table><tr><td>uten overskrift</td></tr></table>

<video src="film.mp4"></video>

This paragraph is written in English for no good reason, and it is long enough that a screen
reader would read it with the wrong voice for the whole of it.

<span lang="en">This paragraph is written in English on purpose, and it is marked, so that a
screen reader reads it in the right voice for the whole of it.</span>

```text
Et eksempel på det du ikke skal gjøre: [klikk her](https://example.org/) og ![](x.png)
```

```{image} bilder/logo.png
:width: 200px
```
"""
)


def test_each_rule_warns_at_its_line_in_the_course_language(make_course: CourseFactory) -> None:
    folder = make_course(files={"lesson.md": BAD})
    report = api.check([folder])
    found = {(p.field, p.line) for p in report.warnings if p.file.endswith("lesson.md")}
    text = (folder / "lesson.md").read_text("utf-8").splitlines()

    def line_of(start: str) -> int:
        return next(i for i, line in enumerate(text, 1) if line.startswith(start))

    assert ("heading", line_of("### Et hopp")) in found
    assert ("image", line_of("![](bilder")) in found
    assert ("image", line_of("![skjerm.png]")) in found
    assert ("image", line_of("![Skjermbilde")) not in found  # a real description
    assert ("link", line_of("Les veilederen")) in found
    assert ("table", line_of("| | |")) in found
    assert ("table", line_of("<table>")) in found
    assert ("media", line_of("<video")) in found
    assert ("lang", line_of("This paragraph is written in English for")) in found
    assert ("image", line_of("```{image}")) in found  # a MyST image without :alt:
    assert not any(p.line == line_of("<span lang") for p in report.warnings)
    assert not any(p.line == line_of("Et eksempel på") for p in report.warnings)  # fenced
    assert len([p for p in report.warnings if p.file.endswith("lesson.md")]) == 9
    messages = " ".join(p.message for p in report.warnings)
    assert "Lenketeksten «klikk her» sier ikke hvor lenka går" in messages  # nb, the course's
    assert report.ok  # warnings only


def test_strict_makes_them_errors_and_the_bank_passes_strict(make_course: CourseFactory) -> None:
    folder = make_course(files={"lesson.md": BAD})
    result = runner.invoke(app, ["check", str(folder), "--strict"])
    assert result.exit_code == 1 and "error: link: Lenketeksten" in result.output
    assert runner.invoke(app, ["check", str(folder)]).exit_code == 0
    bank = runner.invoke(app, ["check", "courses", "--strict"])
    assert bank.exit_code == 0, bank.output


def test_saved_widget_outputs_are_named(make_course: CourseFactory) -> None:
    notebook = ipynb_with(GRADED_TF)
    notebook.cells[1].outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"application/vnd.jupyter.widget-view+json": {"model_id": "x"}},
        )
    ]
    folder = make_course(files={"test.ipynb": notebook})
    report = api.check([folder])
    stored = [p for p in report.warnings if p.field == "outputs"]
    assert [(p.file.endswith("test.ipynb"), p.cell) for p in stored] == [(True, 2)]
    assert "Error displaying widget" in stored[0].message


def test_an_error_elsewhere_in_course_yml_does_not_change_the_checks(
    make_course: CourseFactory,
) -> None:
    from tests.factories import COURSE_YML

    broken = COURSE_YML.replace("level: foundation", "level: middels")
    folder = make_course(broken, {"lesson.md": BAD})
    report = api.check([folder])
    assert report.errors  # the level
    lesson = [p for p in report.warnings if p.file.endswith("lesson.md")]
    assert len(lesson) == 9 and any(p.field == "lang" for p in lesson)
    assert any("Lenketeksten «klikk her»" in p.message for p in lesson)  # still in nb
