"""The learner edition: every module as a learner gets it, with no graded key anywhere in it."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml
from typer.testing import CliRunner

from kurskit import api
from kurskit.cli import app
from kurskit.course import learner_view, load_course, parse_question, score
from kurskit.course.cells import QUESTION_MAGIC, is_question_cell, question_body
from kurskit.course.notebook import CourseNotebook
from kurskit.course.questions import QuestionBase
from kurskit.course.redact import NEVER_SHOWN
from kurskit.course.shuffle import shuffled
from kurskit.course.spec_metadata import QUESTION_TAG, spec_in_cell
from tests.factories import MD_HEADER

ROOT = Path(__file__).resolve().parents[2]

COURSE = """\
slug: alle
title: Alle spørsmålstyper
language: nb
summary: Et testkurs med hver spørsmålstype, øvet og vurdert.
audience: Testere
level: foundation
duration_minutes: 30
competences: ["1.1"]
owners: [{name: Testare}]
review_by: 2099-01-01
status: published
pass_threshold: 0.5
modules:
  - {file: ovelse.ipynb, title: Øvelse, kind: practice}
  - {file: prove.md, title: Prøve, kind: assessment}
"""

#: Every graded question of every type, each key field a text found nowhere else.
GRADED = [
    """\
    id: g-single
    type: single_choice
    graded: true
    prompt: Velg én.
    options:
      - text: Første valg
        feedback: SECRET-OPTION-FEEDBACK-1
      - Andre valg
    answer: a
    feedback: {correct: SECRET-GENERAL-FEEDBACK-1, incorrect: SECRET-GENERAL-FEEDBACK-2}
    """,
    """\
    id: g-multiple
    type: multiple_choice
    graded: true
    prompt: Velg flere.
    options:
      - text: Ett
        feedback: SECRET-OPTION-FEEDBACK-2
      - To
      - Tre
    answer: [a, c]
    """,
    """\
    id: g-true
    type: true_false
    graded: true
    prompt: Stemmer det?
    answer: false
    feedback: {correct: SECRET-GENERAL-FEEDBACK-3}
    """,
    """\
    id: g-number
    type: numeric
    graded: true
    prompt: Hvilket tall?
    answer: 4242.4242
    tolerance: 0.0125
    """,
    """\
    id: g-text
    type: short_text
    graded: true
    prompt: Skriv ordet.
    accept:
      - SECRET-ACCEPTED-1
      - {text: SECRET-ACCEPTED-2, feedback: SECRET-ACCEPTED-FEEDBACK}
    """,
    """\
    id: g-order
    type: ordering
    graded: true
    prompt: Sett i rekkefølge.
    items:
      - text: Alfa-steg
        feedback: SECRET-ITEM-FEEDBACK
      - Beta-steg
      - Gamma-steg
      - Delta-steg
      - Epsilon-steg
    """,
    """\
    id: g-reflection
    type: reflection
    graded: true
    points: 2
    prompt: Reflekter.
    feedback: {correct: SECRET-REFLECTION-FEEDBACK}
    """,
    """\
    id: g-code
    type: code
    graded: true
    prompt: Skriv f.
    starter: |
      def f():
          return None
    solution: |
      def f():
          return "SECRET_SOLUTION"
    tests: |
      assert callable(f)
    hidden_tests: |
      assert f() == "SECRET_SOLUTION"  # SECRET_HIDDEN
    """,
]

#: Every practice question type; practice keys stay (they give instant feedback).
PRACTICE = [
    "id: p-single\ntype: single_choice\nprompt: Én?\noptions:\n  - {text: A, feedback: Nei.}\n"
    "  - {text: B, feedback: Riktig svar.}\nanswer: b\n",
    "id: p-multiple\ntype: multiple_choice\nprompt: Flere?\noptions: [A, B, C]\nanswer: [a, b]\n",
    "id: p-true\ntype: true_false\nprompt: Sant?\nanswer: true\n",
    "id: p-number\ntype: numeric\nprompt: Tall?\nanswer: 12.5\ntolerance: 0.5\n",
    "id: p-text\ntype: short_text\nprompt: Ord?\naccept: [bibliotek]\n",
    "id: p-order\ntype: ordering\nprompt: Orden?\nitems: [En, To, Tre, Fire]\n",
    "id: p-likert\ntype: likert\nprompt: Kan du?\nscale: [Lite, Noe, Mye]\n",
    "id: p-reflection\ntype: reflection\nprompt: Tenk.\n",
    "id: p-poll\ntype: poll\nprompt: Hva?\noptions: [Ja, Nei]\n",
    "id: p-feedback\ntype: feedback\nprompt: Hvordan var det?\n",
    "id: p-code\ntype: code\nprompt: Skriv g.\nstarter: |\n  def g():\n      return 0\n"
    "solution: |\n  def g():\n      return 'SECRET_PRACTICE_SOLUTION'\n"
    "tests: assert callable(g)\nhidden_tests: assert g() == 1  # SECRET_PRACTICE_HIDDEN\n",
]

#: Texts that are graded keys (or never shown at all): no written file may hold one.
SECRETS = (
    "SECRET-OPTION-FEEDBACK",
    "SECRET-GENERAL-FEEDBACK",
    "4242.4242",
    "0.0125",
    "SECRET-ACCEPTED",
    "SECRET-ITEM-FEEDBACK",
    "SECRET-REFLECTION-FEEDBACK",
    "SECRET_SOLUTION",
    "SECRET_HIDDEN",
    "SECRET_PRACTICE_SOLUTION",
    "SECRET_PRACTICE_HIDDEN",
    "SECRET-SAVED-OUTPUT",
    "SECRET-FILE",
)


def write_courses(folder: Path) -> Path:
    """courses/: the bundled course, `alle` (every type, practice and graded) and a draft."""
    shutil.copytree(ROOT / "courses" / "kildekritikk", folder / "kildekritikk")
    course = folder / "alle"
    course.mkdir()
    (course / "course.yml").write_text(COURSE, "utf-8")
    practice_cells = [nbformat.v4.new_code_cell("%load_ext kurskit")]
    practice_cells += [nbformat.v4.new_code_cell(f"{QUESTION_MAGIC}\n{q}") for q in PRACTICE]
    saved = nbformat.v4.new_code_cell("print('hei')")
    saved.outputs = [nbformat.v4.new_output("stream", text="SECRET-SAVED-OUTPUT\n")]
    practice_cells.append(saved)
    notebook = nbformat.v4.new_notebook(
        cells=practice_cells,
        metadata={
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "kurskit": {"schema_version": 1},
        },
    )
    nbformat.write(notebook, course / "ovelse.ipynb")
    graded = "".join(
        f"\n```{{code-cell}} ipython3\n{QUESTION_MAGIC}\n{textwrap.dedent(q)}```\n" for q in GRADED
    )
    (course / "prove.md").write_text(MD_HEADER + graded, "utf-8")
    (course / "bilde.png").write_bytes(b"\x89PNG\r\n\x1a\n-not-really")
    (course / "fasit.txt").write_text("SECRET-FILE", "utf-8")
    draft = folder / "utkast"
    shutil.copytree(course, draft)
    (draft / "course.yml").write_text(
        COURSE.replace("slug: alle", "slug: utkast").replace("published", "draft"), "utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(courses folder, the learner edition of its published courses)."""
    base = tmp_path_factory.mktemp("edition")
    courses = write_courses(base / "courses")
    api.learner_edition(courses=[courses], out=base / "out")
    return courses, base / "out"


def edition_files(out: Path) -> list[Path]:
    return sorted(p for p in out.rglob("*") if p.is_file())


def question_cells(out: Path) -> list[tuple[Path, Any, dict[str, Any]]]:
    """(notebook, cell, kept spec) of every question cell in the edition."""
    found = []
    for path in sorted(out.rglob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if is_question_cell(cell):
                spec = spec_in_cell(cell.metadata)
                assert spec is not None, (path, cell.source)
                found.append((path, cell, spec))
    return found


def key_texts(spec: QuestionBase) -> list[str]:
    """Every text of a question's answer key (its graded key, and what no learner gets)."""
    data = spec.model_dump(mode="json")
    names = set(NEVER_SHOWN) | (set(spec.answer_key_fields) if spec.graded else set())
    texts: list[str] = []

    def collect(value: Any) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for inner in value.values():
                collect(inner)
        elif isinstance(value, list):
            for inner in value:
                collect(inner)

    for name in names:
        owner, _, inner = name.partition(".")
        if not inner:
            collect(data.get(owner))
        elif inner != "order":
            collect([entry.get(inner) for entry in data.get(owner, [])])
    return [text.strip() for text in texts if len(text.strip()) >= 8]


def test_only_published_courses_are_written_and_each_names_its_modules(
    edition: tuple[Path, Path],
) -> None:
    _, out = edition
    assert sorted(p.name for p in out.iterdir()) == ["alle", "kildekritikk"]
    context = yaml.safe_load((out / "alle" / "course.yml").read_text("utf-8"))
    written = yaml.safe_load(COURSE)
    assert context == {
        "slug": "alle",
        "title": "Alle spørsmålstyper",
        "language": "nb",
        # the catalogue facts a learner's profile recommends courses by (no key, no owner)
        "level": written["level"],
        "status": "published",
        "competences": [str(code) for code in written["competences"]],
        "modules": [
            {"file": "ovelse.ipynb", "title": "Øvelse", "kind": "practice"},
            {"file": "prove.ipynb", "title": "Prøve", "kind": "assessment"},
        ],
    }
    assert sorted(p.name for p in (out / "alle").iterdir()) == [
        "bilde.png",
        "course.yml",
        "ovelse.ipynb",
        "prove.ipynb",
    ]
    bundled = yaml.safe_load((out / "kildekritikk" / "course.yml").read_text("utf-8"))
    assert [m["file"] for m in bundled["modules"]] == [
        "01-informasjonssok.ipynb",
        "02-kildekritikk.ipynb",
        "03-ovelser.ipynb",
        "04-prove.ipynb",
        "05-evaluering.ipynb",
    ]


def test_no_written_file_holds_a_graded_key(edition: tuple[Path, Path]) -> None:
    courses, out = edition
    secrets = list(SECRETS)
    for slug in ("kildekritikk", "alle"):
        loaded = load_course(courses / slug)
        keys = [text for _, spec in loaded.questions() for text in key_texts(spec)]
        # A key text the course shows anyway (a lesson teaching `bibliotek*`) is no leak.
        shown = [
            cell.source if not is_question_cell(cell) else json.dumps(learner_view(spec))
            for notebook in loaded.notebooks.values()
            for cell, spec in _cells_with_specs(notebook)
        ]
        secrets += [text for text in keys if not any(text in part for part in shown)]
    assert any("lag_sokestreng" in s for s in secrets)  # the bundled course's keys are in
    leaks = []
    for path in edition_files(out):
        text = path.read_bytes().decode("utf-8", errors="replace")
        leaks += [(path.relative_to(out).as_posix(), s[:40]) for s in secrets if s in text]
        assert "answer:" not in text, path  # no question's YAML, practice or graded
    assert leaks == []


def _cells_with_specs(notebook: CourseNotebook) -> list[tuple[Any, QuestionBase | None]]:
    """Each cell of a source notebook with its question's spec (None for other cells)."""
    assert notebook.notebook is not None
    specs = {q.cell_index: q.spec for q in notebook.questions}
    return [(cell, specs.get(index)) for index, cell in enumerate(notebook.notebook.cells)]


def test_graded_questions_keep_only_their_learner_view(edition: tuple[Path, Path]) -> None:
    courses, out = edition
    graded = {spec.id: spec for _, spec in load_course(courses / "alle").questions()}
    seen = set()
    for _, _, kept in question_cells(out):
        if not kept.get("graded"):
            continue
        seen.add(kept["id"])
        model = type(parse_question({**kept, **_fillers(kept)}))
        key_fields = {name.partition(".")[0] for name in model.answer_key_fields} | NEVER_SHOWN
        assert not key_fields & {k for k in kept if k not in ("items", "options")}, kept["id"]
        for entry in kept.get("options", []) + kept.get("items", []):
            assert set(entry) == {"id", "text"}, kept["id"]
    assert {qid for qid in graded if qid.startswith("g-")} <= seen
    assert "prove-innsnevre" in seen  # the bundled course's assessment


def _fillers(kept: dict[str, Any]) -> dict[str, Any]:
    """Stand-ins for the removed key, only to find the question's model."""
    fillers: dict[str, dict[str, Any]] = {
        "single_choice": {"answer": "a"},
        "multiple_choice": {"answer": ["a"]},
        "true_false": {"answer": True},
        "numeric": {"answer": 0},
        "short_text": {"accept": ["x"]},
        "code": {"solution": "x"},
    }
    return fillers.get(kept["type"], {})


def test_graded_ordering_shows_the_keyed_order_not_the_answer(edition: tuple[Path, Path]) -> None:
    _, out = edition
    kept = next(spec for _, _, spec in question_cells(out) if spec["id"] == "g-order")
    shown = [item["text"] for item in kept["items"]]
    written = ["Alfa-steg", "Beta-steg", "Gamma-steg", "Delta-steg", "Epsilon-steg"]
    assert shown == shuffled(written, question_id="g-order")  # the site key's order …
    assert shown != written  # … which, for this id and the tests' key, is not the answer


def test_practice_questions_score_as_the_source_does(edition: tuple[Path, Path]) -> None:
    courses, out = edition
    source = {spec.id: spec for _, spec in load_course(courses / "alle").questions()}
    source |= {spec.id: spec for _, spec in load_course(courses / "kildekritikk").questions()}
    checked = 0
    for _, _, kept in question_cells(out):
        original = source[kept["id"]]
        if original.graded or kept["type"] == "code":
            continue
        spec = parse_question(kept)
        for response in _responses(original):
            assert score(spec, response) == score(original, response), (kept["id"], response)
        checked += 1
    assert checked >= 20


def _responses(spec: QuestionBase) -> list[Any]:
    """A right answer and a wrong one, for each type that has them, and a plain answer else."""
    data = spec.model_dump(mode="json")
    kind = data["type"]
    if kind in ("single_choice", "true_false"):
        other = [o["id"] for o in data.get("options", []) if o["id"] != data["answer"]]
        return [data["answer"], other[0] if other else not data["answer"]]
    if kind == "multiple_choice":
        return [data["answer"], [data["options"][-1]["id"]]]
    if kind == "numeric":
        return [data["answer"], str(data["answer"] + 1000).replace(".", ",")]
    if kind == "short_text":
        return [data["accept"][0]["text"].upper(), "galt"]
    if kind == "ordering":
        ids = [item["id"] for item in data["items"]]
        return [ids, ids[::-1]]
    if kind == "likert":
        return [1]
    if kind == "poll":
        return [[data["options"][0]["id"]] if data["multiple"] else data["options"][0]["id"]]
    if kind == "feedback":
        return [{"rating": 2, "comment": "Bra"}]
    return ["Et svar på fire ord."]


def test_question_sources_are_the_id_only_hidden_and_locked(edition: tuple[Path, Path]) -> None:
    _, out = edition
    cells = question_cells(out)
    assert len(cells) > 30
    for path, cell, kept in cells:
        assert cell.source == f"{QUESTION_MAGIC}\nid: {kept['id']}", path
        assert cell.metadata["jupyter"]["source_hidden"] is True
        assert QUESTION_TAG in cell.metadata["tags"]
        assert cell.metadata["editable"] is False
        assert cell.metadata["kurskit"]["schema_version"] == 1
        assert yaml.safe_load(question_body(cell)) == {"id": kept["id"]}


def test_code_exercises_get_a_cell_with_their_starter_code(edition: tuple[Path, Path]) -> None:
    _, out = edition
    cells = nbformat.read(out / "alle" / "prove.ipynb", as_version=4).cells
    index = next(i for i, c in enumerate(cells) if c.source.endswith("id: g-code"))
    assert cells[index + 1].source == "def f():\n    return None"
    assert cells[index + 1].metadata["tags"] == ["kurskit-answer"]
    first = nbformat.read(out / "alle" / "ovelse.ipynb", as_version=4).cells[0]
    assert first.source == "%load_ext kurskit"  # the extension loads first, as in the course


def test_saved_outputs_and_jupytext_metadata_are_dropped(edition: tuple[Path, Path]) -> None:
    _, out = edition
    for path in sorted(out.rglob("*.ipynb")):
        notebook = json.loads(path.read_text("utf-8"))
        assert "jupytext" not in notebook["metadata"] and "widgets" not in notebook["metadata"]
        for cell in notebook["cells"]:
            assert cell.get("outputs", []) == [] and cell.get("execution_count") is None


def test_the_same_courses_give_the_same_bytes(edition: tuple[Path, Path], tmp_path: Path) -> None:
    courses, out = edition
    api.learner_edition(courses=[courses], out=tmp_path)
    first = {p.relative_to(out): p.read_bytes() for p in edition_files(out)}
    again = {p.relative_to(tmp_path): p.read_bytes() for p in edition_files(tmp_path)}
    assert again == first


def test_a_named_draft_is_written(edition: tuple[Path, Path], tmp_path: Path) -> None:
    courses, _ = edition
    written = api.learner_edition(courses=[courses / "utkast" / "course.yml"], out=tmp_path)
    assert [course.slug for course in written] == ["utkast"]
    assert (tmp_path / "utkast" / "prove.ipynb").is_file()


def test_a_path_without_a_course_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no course here"):
        api.learner_edition(courses=[tmp_path / "finnes-ikke"], out=tmp_path / "out")


def test_the_edition_is_never_written_over_its_source(edition: tuple[Path, Path]) -> None:
    courses, _ = edition
    before = (courses / "alle" / "course.yml").read_text("utf-8")
    with pytest.raises(ValueError, match="holds the course source"):
        api.learner_edition(courses=[courses / "alle"], out=courses)
    assert (courses / "alle" / "course.yml").read_text("utf-8") == before


def test_a_course_with_errors_is_refused(tmp_path: Path) -> None:
    course = write_courses(tmp_path / "courses") / "alle"
    (course / "course.yml").write_text(COURSE.replace("language: nb", "language: no"), "utf-8")
    with pytest.raises(ValueError, match="language"):
        api.learner_edition(courses=[course], out=tmp_path / "out")


def test_the_command_writes_the_edition(edition: tuple[Path, Path], tmp_path: Path) -> None:
    courses, _ = edition
    result = CliRunner().invoke(
        app, ["learner-edition", str(courses / "alle"), "--out", str(tmp_path)]
    )
    assert result.exit_code == 0, result.output
    assert "2 notebook(s)" in result.output
    assert (tmp_path / "alle" / "ovelse.ipynb").is_file()


def test_a_kernel_finds_each_question_beside_its_notebook(
    edition: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kurskit.magic import QuestionError, view_from_cell
    from kurskit.widgets.context import context_for

    _, out = edition
    monkeypatch.chdir(out / "alle")
    for _, cell, kept in question_cells(out / "alle"):
        view, spec = view_from_cell(question_body(cell))
        assert view["id"] == kept["id"] and view["prompt"] == kept["prompt"]
        if not kept["graded"] and kept["type"] != "code":  # practice: checked in the kernel
            assert spec is not None and spec.model_dump(mode="json") == kept
        assert not any(name in view for name in ("answer", "accept", "solution", "hidden_tests"))
    assert context_for("g-order") == context_for("g-order", out / "alle")
    assert (context_for("g-order").course, context_for("g-order").module) == ("alle", "prove.ipynb")
    assert context_for("p-single").language == "nb"
    with pytest.raises(QuestionError, match="no notebook in this folder holds the question"):
        view_from_cell("id: mangler")


@pytest.mark.slow
def test_every_module_of_the_edition_runs_and_shows_its_widgets(
    edition: tuple[Path, Path],
) -> None:
    from nbclient import NotebookClient

    _, out = edition
    for path in sorted(out.rglob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        client = NotebookClient(
            notebook,
            timeout=60,
            kernel_name="python3",
            resources={"metadata": {"path": path.parent}},
        )
        client.execute()  # raises CellExecutionError on any error
        for cell in notebook.cells:
            if is_question_cell(cell):
                shown = [o.get("data", {}) for o in cell.outputs]
                assert any("application/vnd.jupyter.widget-view+json" in d for d in shown), (
                    path.name,
                    cell.source,
                    cell.outputs,
                )
