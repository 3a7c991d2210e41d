"""A national-size course bank for the book benchmark, made from the bundled courses' patterns.

`generate_bank(target, count=100)` writes `count` published courses of MODULES modules each
into `target`. Each is a copy of one of the bundled published courses (cycling through them),
with its own slug and title, its first modules and its last two (the assessment and the
course feedback, where the course has them), and no sessions (they name modules left out).
The courses with code cells are few: the Python course (`data-om-udlaan`, pandas and plots)
is copied for one course in CODE_EVERY; the other templates have no code cell except
`kildekritikk`'s practice notebook (two small cells).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
MODULES = 5
CODE_COURSE = "data-om-udlaan"
CODE_EVERY = 20


def templates() -> tuple[list[Path], Path]:
    """The bundled published courses: those without many code cells, and the Python one."""
    plain, code = [], None
    for course_yml in sorted((ROOT / "courses").glob("*/course.yml")):
        data = yaml.safe_load(course_yml.read_text("utf-8"))
        if data.get("status") != "published":
            continue
        if data["slug"] == CODE_COURSE:
            code = course_yml.parent
        else:
            plain.append(course_yml.parent)
    assert code is not None and plain, "the bundled bank has changed: update the benchmark"
    return plain, code


def generate_bank(target: Path, count: int = 100) -> list[str]:
    """Write `count` courses into `target` (which must not exist); returns their slugs."""
    plain, code = templates()
    target.mkdir(parents=True)
    slugs = []
    for number in range(1, count + 1):
        template = code if number % CODE_EVERY == 0 else plain[number % len(plain)]
        slugs.append(_copy_course(template, target, number))
    return slugs


def _copy_course(template: Path, target: Path, number: int) -> str:
    data = yaml.safe_load((template / "course.yml").read_text("utf-8"))
    slug = f"{data['slug']}-{number:03d}"
    folder = target / slug
    shutil.copytree(template, folder)
    modules = data["modules"]
    kept = modules if len(modules) <= MODULES else modules[: MODULES - 2] + modules[-2:]
    for module in modules:
        if module not in kept:
            (folder / module["file"]).unlink()
    data.update(slug=slug, title=f"{data['title']} ({number})", modules=kept)
    data.pop("sessions", None)
    text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    (folder / "course.yml").write_text(text, "utf-8")
    return slug
