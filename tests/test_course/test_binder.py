"""binder/: a fresh environment from its requirements runs every module of the learner edition,
and postBuild leaves nothing with an answer key in the image."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kurskit.book.launch import BINDER_EDITION_FOLDER
from kurskit.course.loading import find_course_folders, load_course
from kurskit.course.model import Status

ROOT = Path(__file__).resolve().parents[2]

#: Runs in the fresh environment: every notebook of the edition, in its folder, as Binder does.
RUN_EVERY_MODULE = """
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

for path in sorted(Path(sys.argv[1]).rglob("*.ipynb")):
    notebook = nbformat.read(path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import sys; print(sys.executable)"))
    folder = {"metadata": {"path": str(path.parent)}}
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources=folder).execute()
    questions = [c for c in notebook.cells if c.source.startswith("%%kurskit")]
    widgets = [
        c for c in questions
        if any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in c.outputs)
    ]
    kernel = notebook.cells[-1].outputs[0]["text"].strip()
    print(path.relative_to(sys.argv[1]), len(questions), len(widgets), kernel)
"""


def repository_copy(target: Path) -> Path:
    """The repository's files as a clone has them (with this change), and a `.git` standing
    for its history, which holds every version of every course."""
    names = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, names):
        source = ROOT / os.fsdecode(name)
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / os.fsdecode(name)).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / os.fsdecode(name))
    (target / ".git").mkdir()
    shutil.copy2(ROOT / "courses" / "kildekritikk" / "04-prove.md", target / ".git" / "object")
    return target


def post_build(repository: Path, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["bash", "binder/postBuild"],
        cwd=repository,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_post_build_writes_where_the_book_links_and_keeps_only_the_edition(
    tmp_path: Path,
) -> None:
    repository = repository_copy(tmp_path / "repo")
    result = post_build(repository, Path(sys.executable).parent)
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in repository.iterdir()) == ["binder", BINDER_EDITION_FOLDER]
    edition = repository / BINDER_EDITION_FOLDER / "kildekritikk"
    assert (edition / "04-prove.ipynb").is_file() and (edition / "course.yml").is_file()


def test_post_build_fails_when_a_key_would_stay(tmp_path: Path) -> None:
    repository = repository_copy(tmp_path / "repo")
    hidden = repository / ".kurs" / "04-prove.md"  # a folder it does not know to remove
    hidden.parent.mkdir()
    shutil.copy2(ROOT / "courses" / "kildekritikk" / "04-prove.md", hidden)
    result = post_build(repository, Path(sys.executable).parent)
    assert result.returncode == 1
    assert "may hold answer keys" in result.stderr and ".kurs/04-prove.md" in result.stderr


@pytest.mark.slow
def test_a_fresh_binder_environment_runs_every_module(tmp_path: Path) -> None:
    repository = repository_copy(tmp_path / "repo")
    venv = tmp_path / "venv"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "venv", venv], check=True, timeout=120)
    python = venv / "bin" / "python"
    # A normal resolution from the package index (pip's cache makes later runs quick).
    pip = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repository,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert pip.returncode == 0, pip.stderr[-3000:]
    installed = time.monotonic() - started
    result = post_build(repository, venv / "bin")
    assert result.returncode == 0, result.stderr
    ran = subprocess.run(
        [python, "-c", RUN_EVERY_MODULE, repository / BINDER_EDITION_FOLDER],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")},
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    modules = [line.split() for line in ran.stdout.splitlines()]
    published = [
        loaded.course
        for loaded in map(load_course, find_course_folders(ROOT / "courses"))
        if loaded.course is not None and loaded.course.status == Status.published
    ]
    assert len(published) >= 5  # the course bank
    assert sorted(m[0] for m in modules) == sorted(
        f"{c.slug}/{Path(m.file).with_suffix('.ipynb')}" for c in published for m in c.modules
    )
    for name, questions, widgets, kernel in modules:
        assert int(questions) > 0 and widgets == questions, name
        assert Path(kernel).parent == venv / "bin", name  # the fresh environment's own kernel
    print(f"fresh environment installed in {installed:.0f} s")
