"""Jupyter Book's Sphinx application for the generated project, kept alive between builds.

`jupyter-book build` makes a new Sphinx application every run: it re-reads the configuration,
sets up some thirty extensions and unpickles the environment before it looks at the one page
that changed. A `SphinxSession` makes the application once, with Jupyter Book's own final
configuration, and asks it again for an incremental build after each edit. It makes a new one
when the generated configuration or table of contents changes, and after a failed build.

Sphinx was written for one build per application, so before each later build the session
undoes what one build leaves behind: the environment's "configuration is new" status, the
warning count, its caches of doctrees (a page written again without being re-read, such as the
catalog after a module changed, would otherwise be written from the doctree of an earlier
build; Sphinx's own test application clears them the same way), the assets themes add to the
application while writing pages (every page's `DOCUMENTATION_OPTIONS.pagename`, which would
otherwise pile up on every page), and Sphinx's log handlers (another application in this
process may have replaced them).

Sphinx and docutils register directives, roles and nodes process-wide. A kept application
keeps its docutils namespace open until `close()`, so only one session in a process keeps its
application; any other builds the way `jupyter-book build` does, closing its application
after each build.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kurskit.book.search import KeptSearchIndex
from kurskit.book.sidebar import SidebarNav


class BookBuildError(RuntimeError):
    """Jupyter Book's Sphinx build failed; the message holds the end of its log."""


#: The session that keeps its application (at most one per process).
_keeper: SphinxSession | None = None


@dataclass
class _Kept:
    app: Any  # sphinx.application.Sphinx
    fingerprint: str
    namespace: contextlib.ExitStack
    registry_js: list[Any]
    registry_css: list[Any]
    builder_js: list[Any]
    builder_css: list[Any]


def _take(log: io.StringIO) -> str:
    """What Sphinx logged since the last call (each build's log is returned on its own)."""
    text = log.getvalue()
    log.seek(0)
    log.truncate()
    return text


class SphinxSession:
    """Builds one generated Jupyter Book project into HTML, keeping Sphinx between builds."""

    def __init__(self, *, keep: bool = True) -> None:
        self.keep = keep
        #: How many applications this session has made (a new one replaces the kept one).
        self.applications = 0
        self._kept: _Kept | None = None
        self._log = io.StringIO()  # Sphinx's status and warning stream
        self._workers = 1

    def build(self, project_dir: Path, output_dir: Path, *, workers: int = 1) -> str:
        """Build `project_dir` (with its `_config.yml` and `_toc.yml`) into
        `output_dir/_build/html`, as `jupyter-book build --path-output output_dir` would;
        returns Sphinx's log. Raises BookBuildError with the log's end when Sphinx fails.

        With `workers` > 1, Sphinx reads and writes pages in that many forked processes when a
        build has more than five pages to do (a full build); `jupyter-book build` has no such
        option and always works in one. (Sphinx writes with one process fewer than it is
        given, the main one handing out the pages, so it is given one more for writing.)"""
        project_dir, output_dir = project_dir.absolute(), output_dir.absolute()
        fingerprint = _fingerprint(project_dir, output_dir)
        if self._kept is not None and self._kept.fingerprint != fingerprint:
            self.close()
        kept = self._kept
        try:
            if kept is None:
                kept = self._start(project_dir, output_dir, fingerprint)
            else:
                _reset(kept, self._log)
            self._workers = workers
            kept.app.parallel = workers
            try:
                kept.app.build(False, [])
            finally:
                kept.app.env.config_status = _config_ok()
            if kept.app.statuscode:
                raise BookBuildError(f"Sphinx exited with status {kept.app.statuscode}")
        except Exception as error:
            self.close()  # the environment may be half updated: start afresh next time
            log = _take(self._log)
            raise BookBuildError(f"jupyter-book build failed: {error}\n{log[-4000:]}") from error
        if not self._keeps():
            self.close()
        return _take(self._log)

    def close(self) -> None:
        """Let go of the application and its docutils namespace."""
        global _keeper
        kept, self._kept = self._kept, None
        if _keeper is self:
            _keeper = None
        if kept is not None:
            kept.namespace.close()

    def _writing_workers(self, app: Any, env: Any) -> None:
        # Between reading and writing: the main process only hands out pages when writing.
        app.parallel = self._workers + 1 if self._workers > 1 else 1

    def _keeps(self) -> bool:
        global _keeper
        if not self.keep or (_keeper is not None and _keeper is not self):
            return False
        _keeper = self
        return True

    def _start(self, project_dir: Path, output_dir: Path, fingerprint: str) -> _Kept:
        from jupyter_book.config import get_final_config
        from sphinx.application import Sphinx
        from sphinx.util.docutils import docutils_namespace, patch_docutils

        toc = project_dir / "_toc.yml"
        config, _meta = get_final_config(
            user_yaml=project_dir / "_config.yml",
            cli_config={"external_toc_path": toc.as_posix(), "latex_individualpages": False},
            sourcedir=project_dir,
            use_external_toc=True,
        )
        namespace = contextlib.ExitStack()
        try:
            namespace.enter_context(patch_docutils(None))
            namespace.enter_context(docutils_namespace())
            build_dir = output_dir / "_build"
            app = Sphinx(
                srcdir=project_dir,
                confdir=None,
                outdir=build_dir / "html",
                doctreedir=build_dir / ".doctrees",
                buildername="html",
                confoverrides=config,
                status=self._log,
                warning=self._log,
                freshenv=False,
                warningiserror=False,
                verbosity=0,
                parallel=1,
                keep_going=False,
            )
            numbered = "numbered: true" in toc.read_text("utf-8")
            if app.config["use_multitoc_numbering"] and numbered:
                app.setup_extension("sphinx_multitoc_numbering")
            if not numbered:
                _plain_section_numbers(app)
            _declare_parallel_safe(app)
            SidebarNav(app)
            if self.keep:
                KeptSearchIndex(app)
            app.connect("env-updated", self._writing_workers)
            _FigureWalk(app, keep=self.keep)
        except BaseException:
            namespace.close()
            raise
        self.applications += 1
        builder = app.builder
        self._kept = _Kept(
            app=app,
            fingerprint=fingerprint,
            namespace=namespace,
            registry_js=list(app.registry.js_files),
            registry_css=list(app.registry.css_files),
            builder_js=list(getattr(builder, "_js_files", [])),
            builder_css=list(getattr(builder, "_css_files", [])),
        )
        return self._kept


#: Extensions Jupyter Book always loads that declare nothing about parallel builds (so Sphinx
#: would read and write every page in one process), and why they are safe in an HTML build:
PARALLEL_SAFE_UNDECLARED = {
    # loaded by sphinx-external-toc; it replaces how the toctree collector numbers sections,
    # which runs in the main process after every page is read
    "sphinx_multitoc_numbering",
    # changes the configuration when it is read, and sets up transforms for LaTeX builds only
    "sphinx_jupyterbook_latex",
}


def _declare_parallel_safe(app: Any) -> None:
    for name in PARALLEL_SAFE_UNDECLARED:
        extension = app.extensions.get(name)
        if extension is not None and extension.parallel_read_safe is None:
            extension.parallel_read_safe = True
        if extension is not None and extension.parallel_write_safe is None:
            extension.parallel_write_safe = True


def _plain_section_numbers(app: Any) -> None:
    """Number sections as Sphinx does, for a table of contents with nothing numbered.

    sphinx-external-toc replaces Sphinx's toctree collector with one that restyles section
    numbers (roman, alphabetic) after Sphinx assigns them, after every build that read a page;
    it starts by deep-copying every page's title, a tenth of a rebuild for a hundred courses,
    and with no numbered toctree it changes nothing. Its collector is kept (its place among
    the event handlers too); only its numbering is Sphinx's own again, and the copy it kept in
    the environment is dropped.
    """
    from sphinx.environment.collectors.toctree import TocTreeCollector

    for listener in app.events.listeners.get("env-get-updated", []):
        collector = getattr(listener.handler, "__self__", None)
        if isinstance(collector, TocTreeCollector) and type(collector) is not TocTreeCollector:
            plain = TocTreeCollector.assign_section_numbers.__get__(collector)
            vars(collector)["assign_section_numbers"] = plain
    app.env.__dict__.pop("titles_old", None)


class _FigureWalk:
    """What Sphinx's figure numbering reads of each page, without unpickling every page.

    After every build that read a page, Sphinx numbers figures and tables by walking every
    page's doctree in toctree order (`TocTreeCollector.assign_figure_numbers`, run by the
    `env-get-updated` event), unpickling each from its file: in a full build read in parallel
    processes, every page once more in the main process, and in a kept application after one
    edit, most of a rebuild for a hundred courses.

    Of a page with nothing to number (no figure, table or code block with a caption, which is
    most pages) the walk only follows the toctrees, with the number it came in with. So when
    a page is read (`doctree-read`, in whichever process reads it) this keeps only its
    toctrees, in the environment (merged from the reading processes, dropped when the page
    goes), and the walk is handed those when the page has no section numbers either. The
    figure numbers come out the same (a test compares them with a plain walk's).

    In an application kept for rebuilds (`keep`), the doctrees of the other pages are kept
    from one walk to the next while their files are unchanged (same modification time and
    size), and so are the toctrees of a page read before the application kept them (by an
    older kurskit or by `jupyter-book build`). Nothing but the walk gets either: the walk's
    `env.get_doctree` is in place from the first `env-get-updated` handler to the last.
    """

    #: The environment attribute holding the pages' toctrees-only trees.
    ATTRIBUTE = "kurskit_toctrees_only"

    def __init__(self, app: Any, *, keep: bool) -> None:
        self._keep = keep
        self._trees: dict[str, tuple[tuple[int, int], Any]] = {}
        app.connect("doctree-read", self._note)
        app.connect("env-merge-info", self._merge)
        app.connect("env-purge-doc", self._purge)
        app.connect("env-get-updated", self._start, priority=1)
        app.connect("env-get-updated", self._stop, priority=999)

    def _light(self, env: Any) -> dict[str, Any]:
        if not hasattr(env, self.ATTRIBUTE):
            setattr(env, self.ATTRIBUTE, {})
        light: dict[str, Any] = getattr(env, self.ATTRIBUTE)
        return light

    def _note(self, app: Any, doctree: Any) -> None:
        docname = app.env.docname
        light = self._light(app.env)
        light.pop(docname, None)
        toctrees = _toctrees_only(app.env, doctree)
        if toctrees is not None:
            light[docname] = toctrees

    def _merge(self, app: Any, env: Any, docnames: Any, other: Any) -> None:
        theirs = getattr(other, self.ATTRIBUTE, {})
        light = self._light(env)
        for docname in docnames:
            if docname in theirs:
                light[docname] = theirs[docname]

    def _purge(self, app: Any, env: Any, docname: str) -> None:
        self._light(env).pop(docname, None)

    def _start(self, app: Any, env: Any) -> list[str]:
        original = type(env).get_doctree.__get__(env)
        folder = Path(env.doctreedir)
        light = self._light(env)

        def get_doctree(docname: str) -> Any:
            numbered_sections = bool(env.toc_secnumbers.get(docname))
            if docname in light and not numbered_sections:
                return light[docname]
            if not self._keep:
                return original(docname)
            try:
                info = (folder / f"{docname}.doctree").stat()
            except OSError:
                return original(docname)
            key = (info.st_mtime_ns, info.st_size)
            kept = self._trees.get(docname)
            if kept is None or kept[0] != key:
                doctree = original(docname)
                toctrees = _toctrees_only(env, doctree)
                if toctrees is not None and not numbered_sections:
                    # read before this application kept the page's toctrees (by an older
                    # kurskit, or by `jupyter-book build`): keep them now
                    light[docname] = toctrees
                    return doctree
                kept = self._trees[docname] = (key, doctree)
            return kept[1]

        env.get_doctree = get_doctree
        return []

    def _stop(self, app: Any, env: Any) -> list[str]:
        env.__dict__.pop("get_doctree", None)
        for gone in set(self._trees) - set(env.all_docs):
            del self._trees[gone]
        return []


def _toctrees_only(env: Any, doctree: Any) -> Any:
    """A page's toctrees, in order, if nothing on it is numbered; otherwise None."""
    from docutils import nodes  # type: ignore[import-untyped]
    from sphinx import addnodes

    if any(_numbered(env, node) for node in doctree.findall(nodes.Element)):
        return None
    toctrees = nodes.Element()
    toctrees.extend(node.deepcopy() for node in doctree.findall(addnodes.toctree))
    return toctrees


def _numbered(env: Any, node: Any) -> bool:
    """Whether Sphinx would number the node (as `assign_figure_numbers`'s `get_figtype`)."""
    for domain in env.domains.values():
        if domain.name == "std" and not domain.get_numfig_title(node):
            continue
        if domain.get_enumerable_node_type(node):
            return True
    return False


def _reset(kept: _Kept, log: io.StringIO) -> None:
    """Undo what one build leaves in an application that Sphinx expects to be new."""
    from sphinx.util import logging

    app = kept.app
    app.statuscode = 0
    app._warncount = 0
    app.env._pickled_doctree_cache.clear()
    app.env._write_doc_doctree_cache.clear()
    app.env.__dict__.pop("master_doctree", None)  # a cached property
    app.registry.js_files[:] = kept.registry_js
    app.registry.css_files[:] = kept.registry_css
    if hasattr(app.builder, "_js_files"):
        app.builder._js_files[:] = kept.builder_js
        app.builder._css_files[:] = kept.builder_css
    logging.setup(app, log, log)
    app._init_i18n()  # another application in this process may have changed the language


def _config_ok() -> int:
    from sphinx.environment import CONFIG_OK

    return CONFIG_OK


def _fingerprint(project_dir: Path, output_dir: Path) -> str:
    """What a kept application depends on: the folders, the configuration and the toc."""
    digest = hashlib.sha256(f"{project_dir}\0{output_dir}".encode())
    for name in ("_config.yml", "_toc.yml"):
        path = project_dir / name
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()
