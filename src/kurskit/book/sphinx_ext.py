"""Sphinx extension for the kurskit book: its scripts and styles, each page's language and its
launch buttons."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache
from markupsafe import escape
from sphinx.application import Sphinx

from kurskit.book.search import remember_stems
from kurskit.i18n import catalogue, translate
from kurskit.languages import LANGUAGES

#: The catalogue's keys of the theme's own words (English there, as the theme writes them).
THEME_PREFIX = "theme_"
#: Template fragments the themes leave in `_static` that are no pages.
THEME_FRAGMENTS = ("webpack-macros.html", "sbt-webpack-macros.html")
#: kurskit's own versions of theme components whose words the themes have in English only.
TEMPLATES = Path(__file__).parent / "templates"


def _page_language(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # A course's pages are in the course's language (for screen readers and hyphenation);
    # the catalog and the theme's own texts stay in the site language.
    for prefix, language in app.config.kurskit_page_languages.items():
        if pagename == prefix or pagename.startswith(prefix + "/"):
            context["language"] = language
            return


def _footer_words(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # The footer's author and copyright lines (`templates/`), in the page's language.
    language = str(context.get("language") or app.config.language)
    author, holder = escape(context.get("author") or ""), escape(context.get("copyright") or "")
    context["kurskit_words"] = {
        "by": translate("book_footer_by", language, author=author),
        "copyright": translate("book_footer_copyright", language, copyright=holder),
    }


def _own_templates(app: Sphinx, config: Any) -> None:
    # Before the themes' folders, so that `author.html` and `copyright.html` are kurskit's.
    if str(TEMPLATES) not in config.templates_path:
        config.templates_path = [str(TEMPLATES), *config.templates_path]


def _no_thebe(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # Jupyter Book always loads sphinx-thebe, which adds its configuration script on every read
    # (twice on a page: "Identifier 'THEBE_JS_URL' has already been declared") and would fetch
    # thebe from unpkg.com. kurskit launches the learner edition itself, so none of it is used.
    def thebe(asset: Any) -> bool:
        name = str(getattr(asset, "filename", "") or "")
        body = str(getattr(asset, "attributes", {}).get("body", ""))
        return "thebe" in name or "THEBE_JS_URL" in body

    for key in ("script_files", "css_files"):
        if key in context:  # in place: the theme adds this page's scripts to the same list
            context[key][:] = [asset for asset in context[key] if not thebe(asset)]


def _launch_buttons(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # Drawn as the theme draws its own launch group (which kurskit turns off: it would open
    # the course source), with links to the learner edition made by `kurskit.book.launch`.
    group = app.config.kurskit_launch_buttons.get(pagename)
    if not group or not group["buttons"] or "header_buttons" not in context:
        return
    buttons = [{"type": "link", "tooltip": b["text"], **b} for b in group["buttons"]]
    context["header_buttons"].append(
        {
            "type": "group",
            "tooltip": group["label"],
            "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": buttons,
        }
    )


def _notebook_download(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    # The theme offers a MyST page's executed notebook for download only while its own launch
    # buttons are on, so kurskit does the same: the book's copy (graded questions without
    # their keys) as `_sources/<page>.ipynb`, before the theme draws its download button.
    source = str(context.get("sourcename", ""))
    if not source.endswith((".md", ".md.txt")) or "kernelspec" not in app.env.metadata[pagename]:
        return
    executed = (Path(app.outdir).parent / "jupyter_execute" / pagename).with_suffix(".ipynb")
    if executed.is_file():
        target = (Path(app.outdir) / "_sources" / pagename).with_suffix(".ipynb")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(executed, target)
        context["ipynb_source"] = pagename + ".ipynb"


def _toggle_label_script(app: Sphinx) -> None:
    # Read by a11y.js: a name for the theme's icon-only toggles, and the theme's own words
    # (which it has in English only) in the page's language, for every language a page has.
    labels = {
        language: {
            "toggle_subpages": translate("toggle_subpages", language),
            "theme": {
                translate(key, "en"): translate(key, language)
                for key in catalogue("en")
                if key.startswith(THEME_PREFIX)
            },
        }
        for language in LANGUAGES
    }
    app.add_js_file(
        None,
        body=f"document.documentElement.dataset.kurskitLabels = {json.dumps(json.dumps(labels))};",
    )


def _follow_the_browser(app: Sphinx, config: Any) -> None:
    # Without a default mode the theme logs "Got invalid theme mode" on every page; "auto"
    # follows the reader's light or dark preference (both pass axe). The theme reads it from
    # the page context, not from its options.
    context = dict(config.html_context or {})
    if not context.get("default_mode"):
        context["default_mode"] = "auto"
    config.html_context = context


def _drop_template_fragments(app: Sphinx, exception: Exception | None) -> None:
    # The themes ship Jinja fragments in their static folders, copied out as if they were
    # pages (no language, no title, links to "{{ pathto(…) }}"); nothing links to them.
    if exception is None:
        for name in THEME_FRAGMENTS:
            (Path(app.outdir) / "_static" / name).unlink(missing_ok=True)


def _cache_compiled_templates(app: Sphinx) -> None:
    # Every new Sphinx application (each one-off build, and a kept one after the settings
    # change) compiles the theme's ~35 templates again (0.15-0.3 s, the largest part of
    # writing one page); Jinja keeps the compiled code next to the doctrees and recompiles a
    # template only when its source changes.
    environment = getattr(getattr(app.builder, "templates", None), "environment", None)
    if isinstance(environment, Environment) and environment.bytecode_cache is None:
        folder = Path(app.doctreedir) / "kurskit_templates"
        folder.mkdir(parents=True, exist_ok=True)
        environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_config_value("kurskit_page_languages", {}, "html")
    app.add_config_value("kurskit_launch_buttons", {}, "html")
    app.add_css_file("kurskit/question.css")
    app.add_css_file("kurskit/book.css")
    app.add_js_file("kurskit/book.js", type="module")
    app.add_js_file("kurskit/catalog.js", type="module")
    app.add_js_file("kurskit/a11y.js", type="module")
    app.connect("config-inited", _follow_the_browser)
    app.connect("config-inited", _own_templates)
    app.connect("builder-inited", _toggle_label_script)
    app.connect("builder-inited", _cache_compiled_templates)
    app.connect("build-finished", _drop_template_fragments)
    app.connect("html-page-context", _page_language)
    app.connect("html-page-context", _footer_words)
    app.connect("html-page-context", _no_thebe)
    app.connect("html-page-context", _notebook_download, priority=499)  # before the theme's 501
    app.connect("html-page-context", _launch_buttons, priority=502)  # after the theme's 501
    remember_stems(app)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
