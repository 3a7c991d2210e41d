"""Questions in a real JupyterLab 4 with Chromium: every type answered by keyboard alone, MyST
modules opened as notebooks, and Voilà (the server extension) rendering a MyST module."""

from __future__ import annotations

import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from kurskit.course.cells import LOAD_EXTENSION, is_question_cell, question_body
from kurskit.course.notebook import read_notebook_file
from tests.browser import ROOT_FLAGS, free_port, jupyter_env, server

pytestmark = [pytest.mark.browser, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
GALLERY = REPO / "widgets"
COURSE = REPO / "courses" / "kildekritikk"
NOTEBOOK = "every-type.ipynb"
#: The notebook's questions in order (the gallery's); code exercises are answered in the
#: notebook itself, not in the widget.
TYPES = [
    "single_choice",
    "multiple_choice",
    "true_false",
    "numeric",
    "short_text",
    "ordering",
    "likert",
    "reflection",
    "poll",
    "feedback",
]


@dataclass(frozen=True)
class Lab:
    base: str
    token: str
    store: Path
    specs: dict[str, dict[str, Any]]  # question type → the gallery's spec of it

    def url(self, path: str) -> str:
        return f"{self.base}/{path}?token={self.token}"


def gallery_questions() -> list[tuple[str, dict[str, Any]]]:
    """(cell source, spec) of the gallery's questions of TYPES, in the gallery's order."""
    found = []
    for path in sorted(GALLERY.glob("[0-9]*.md")):
        for cell in read_notebook_file(path).cells:
            if is_question_cell(cell):
                spec = yaml.safe_load(question_body(cell))
                if spec["type"] in TYPES:
                    found.append((cell.source, spec))
    return found


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """One JupyterLab for the module, with an isolated home, Jupyter folders and store.

    Its root holds a notebook with one question of every widget type and a copy of the
    bundled course (MyST modules). The Jupyter configuration kurskit installs into the
    environment (jupyter-config/, see docs/widgets.md) is what the test relies on.
    """
    folder = tmp_path_factory.mktemp("lab")
    root = folder / "root"
    root.mkdir()
    questions = gallery_questions()
    specs = {spec["type"]: spec for _, spec in questions}
    assert list(specs) == TYPES
    cells = [nbformat.v4.new_code_cell(LOAD_EXTENSION)]
    cells += [nbformat.v4.new_code_cell(source) for source, _ in questions]
    kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(
        nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": kernelspec}), root / NOTEBOOK
    )
    shutil.copytree(COURSE, root / COURSE.name)
    store = folder / "answers.sqlite"
    port, token = free_port(), secrets.token_hex(16)
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "jupyter",
        "lab",
        "--no-browser",
        "--ip=127.0.0.1",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp: the test runs the notebook and reads the active cell through it.
        "--LabApp.expose_app_in_browser=True",
        *ROOT_FLAGS,
    ]
    env = jupyter_env(folder, f"sqlite:///{store}")
    with server(command, f"{base}/api/status?token={token}", env, folder / "lab.log"):
        yield Lab(base, token, store, specs)


def open_lab(lab: Lab, chromium: Any, path: str) -> tuple[Any, list[str]]:
    page = chromium.new_page(viewport={"width": 1400, "height": 1000})
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.goto(lab.url(path), timeout=120_000)
    page.wait_for_function("Boolean(window.jupyterapp)", timeout=120_000)
    page.evaluate("window.jupyterapp.restored.then(() => true)")
    return page, console


# --- keyboard only -------------------------------------------------------------------------

FOLLOWS = """(target) => {
  if (target === document.activeElement) return 0;
  const position = document.activeElement.compareDocumentPosition(target);
  return position & Node.DOCUMENT_POSITION_FOLLOWING ? 1 : -1;
}"""


def tab_to(page: Any, target: Any, limit: int = 80) -> None:
    """Move focus to `target` with Tab (or Shift+Tab when it comes earlier), as a learner would."""
    handle = target.element_handle()
    for _ in range(limit):
        direction = page.evaluate(FOLLOWS, handle)
        if direction == 0:
            return
        page.keyboard.press("Tab" if direction > 0 else "Shift+Tab")
    raise AssertionError(f"Tab never reached {target}; focus is on {focused(page)}")


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement.outerHTML.slice(0, 160)"))


ACTIVE_CELL = """() => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .findIndex((cell) => cell.classList.contains('jp-mod-active'))"""
CELL_OF = """(node) => [...document.querySelectorAll('.jp-Notebook .jp-Cell')]
  .indexOf(node.closest('.jp-Cell'))"""


class Learner:
    """Answers one question after another by keyboard, and checks the notebook stays put."""

    def __init__(self, page: Any) -> None:
        self.page = page

    def question(self, kind: str) -> Any:
        question = self.page.locator(".kk-question").nth(TYPES.index(kind))
        self.cell = self.page.evaluate(CELL_OF, question.element_handle())
        return question

    def tab_to(self, target: Any) -> None:
        tab_to(self.page, target)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)

    def press(self, *keys: str) -> None:
        for key in keys:
            self.page.keyboard.press(key)
            # Arrow keys, Space and Enter in the widget never move the notebook's active cell.
            assert self.page.evaluate(ACTIVE_CELL) == self.cell, f"{key}: {focused(self.page)}"

    def submit(self, question: Any, button: str, verdict: str, key: str = "Enter") -> str:
        """Tab to the question's button, press it, and wait for the verdict and the save."""
        self.tab_to(question.get_by_role("button", name=button))
        self.press(key)
        return self.verdict(question, verdict)

    def verdict(self, question: Any, verdict: str) -> str:
        status = question.locator(f".kk-status.kk-verdict-{verdict}[role=status]")
        status.wait_for(timeout=30_000)
        question.locator(".kk-saved", has_text="Saved").wait_for(timeout=10_000)
        return str(status.inner_text())


def test_every_question_type_by_keyboard_alone(lab: Lab, chromium: Any) -> None:
    page, console = open_lab(lab, chromium, f"lab/tree/{NOTEBOOK}")
    page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for(timeout=60_000)
    page.wait_for_function(
        "window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel?.status === 'idle'",
        timeout=120_000,
    )
    page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
    page.wait_for_function(
        f"document.querySelectorAll('.kk-question').length === {len(TYPES)}", timeout=120_000
    )
    for _ in range(len(TYPES) + 1):  # command mode: up to the first cell
        page.keyboard.press("ArrowUp")
    learner = Learner(page)

    # single choice: Tab enters the group on its first option; arrows move and pick; Enter.
    q = learner.question("single_choice")
    learner.tab_to(q.get_by_role("radio", name="library OR archive"))
    learner.press("Space", "ArrowDown", "ArrowRight", "ArrowUp")
    assert q.get_by_role("radio", name="library AND archive").is_checked()
    learner.press("Enter")
    assert learner.verdict(q, "correct").startswith("✓")

    # multiple choice: Space ticks, Tab moves on; the button by Space, with its focus ring.
    q = learner.question("multiple_choice")
    for option in ("Who wrote it", "When it was published", "Whether other sources confirm it"):
        learner.tab_to(q.get_by_role("checkbox", name=option))
        learner.press("Space")
    check = q.get_by_role("button", name="Check answer")
    learner.tab_to(check)
    assert_focus_ring(page, check)
    assert "2 of 2 points" in learner.submit(q, "Check answer", "correct", key="Space")

    # true/false: ArrowDown from True to False, Enter submits.
    q = learner.question("true_false")
    learner.tab_to(q.get_by_role("radio", name="True"))
    learner.press("ArrowDown", "Enter")
    learner.verdict(q, "correct")

    # numeric and short text: type, Enter submits.
    for kind, typed in (("numeric", "170"), ("short_text", "not")):
        q = learner.question(kind)
        learner.tab_to(q.get_by_role("textbox"))
        learner.type(typed)
        learner.press("Enter")
        learner.verdict(q, "correct")

    # ordering: the Move up buttons, by Enter, put the shuffled items in the right order.
    q = learner.question("ordering")
    right = [i if isinstance(i, str) else i["text"] for i in lab.specs["ordering"]["items"]]
    for position, item in enumerate(right):
        steps = q.locator(".kk-order-text").all_inner_texts().index(item) - position
        if steps:
            learner.tab_to(q.get_by_role("button", name=f"Move “{item}” up"))
            learner.press(*["Enter"] * steps)  # focus stays on the moved item
    assert q.locator(".kk-order-text").all_inner_texts() == right
    learner.submit(q, "Check answer", "correct")

    # likert: arrows along the scale.
    q = learner.question("likert")
    scale = lab.specs["likert"]["scale"]
    learner.tab_to(q.get_by_role("radio", name=scale[0]))
    learner.press("ArrowRight", "ArrowRight", "ArrowRight", "ArrowLeft")
    assert q.get_by_role("radio", name=scale[2]).is_checked()
    learner.submit(q, "Save answer", "thanks")

    # reflection: type in the text area (Enter is a new line there).
    q = learner.question("reflection")
    learner.tab_to(q.get_by_role("textbox"))
    learner.type("I checked who published a health claim and found the original study.")
    learner.submit(q, "Save answer", "thanks")

    # poll: ArrowDown picks the second option, Enter saves.
    q = learner.question("poll")
    options = lab.specs["poll"]["options"]
    learner.tab_to(q.get_by_role("radio", name=options[0]))
    learner.press("ArrowDown", "Enter")
    assert q.get_by_role("radio", name=options[1]).is_checked()
    learner.verdict(q, "thanks")

    # feedback: a rating by arrows, a comment, and the button by Space.
    q = learner.question("feedback")
    learner.tab_to(q.get_by_role("radio", name="1", exact=True))
    learner.press("ArrowRight", "ArrowRight", "ArrowRight")
    assert q.get_by_role("radio", name="4", exact=True).is_checked()
    learner.tab_to(q.get_by_role("textbox"))
    learner.type("Useful examples.")
    learner.submit(q, "Save answer", "thanks", key="Space")

    assert lab.store.is_file()  # answers went to the test's own store
    assert not [text for text in console if "Deprecation Warning" in text and "anywidget" in text]
    page.close()


def assert_focus_ring(page: Any, target: Any) -> None:
    """A visible focus ring (WCAG 2.4.7) that JupyterLab's own button style does not replace,
    with at least 3:1 contrast against the widget's background."""
    style = page.evaluate(
        """(node) => {
          const ring = getComputedStyle(node);
          const card = getComputedStyle(node.closest('.kk-question'));
          return [ring.outlineStyle, ring.outlineWidth, ring.outlineColor, card.backgroundColor];
        }""",
        target.element_handle(),
    )
    outline_style, width, colour, background = style
    assert outline_style == "solid" and float(width.removesuffix("px")) >= 3, style
    assert contrast(colour, background) >= 3, style


def contrast(first: str, second: str) -> float:
    """WCAG contrast ratio of two CSS `rgb(…)` colours."""

    def luminance(colour: str) -> float:
        channels = [int(v) / 255 for v in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# --- MyST modules ----------------------------------------------------------------------------


def test_double_click_opens_a_myst_module_as_a_notebook(lab: Lab, chromium: Any) -> None:
    page, _ = open_lab(lab, chromium, f"lab/tree/{COURSE.name}")
    path = f"{COURSE.name}/01-informasjonssok.md"
    page.locator(".jp-DirListing-itemText", has_text=Path(path).name).dblclick(timeout=60_000)
    page.wait_for_function(
        f"window.jupyterapp.shell.currentWidget?.context?.path === {path!r}", timeout=60_000
    )
    opened = page.evaluate("window.jupyterapp.shell.currentWidget.node.className")
    assert "jp-NotebookPanel" in opened, opened  # a notebook, not a text editor
    page.locator(".jp-NotebookPanel:visible .jp-MarkdownCell").first.wait_for(timeout=60_000)
    factory = page.evaluate("window.jupyterapp.docRegistry.defaultWidgetFactory('x.md').name")
    assert factory == "Jupytext Notebook"
    page.close()


def test_voila_extension_renders_a_myst_module(lab: Lab, chromium: Any) -> None:
    page = chromium.new_page()
    page.goto(lab.url(f"voila/render/{COURSE.name}/02-kildekritikk.md"), timeout=120_000)
    page.get_by_role("button", name="Sjekk svaret").first.wait_for(timeout=120_000)
    assert page.get_by_text("Spørsmål", exact=True).count() >= 1
    page.close()
