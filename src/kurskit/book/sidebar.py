"""The book's sidebar navigation, drawn by kurskit's builder from the table of contents.

The theme (pydata-sphinx-theme's `generate_toctree_html`, called by sphinx-book-theme's
`sbt-sidebar-nav.html`) draws the sidebar of every page by resolving the whole site's toctree
with Sphinx and then reworking the HTML with BeautifulSoup: for a hundred courses that is a
third of writing the book. kurskit's table of contents has one shape (the catalog, its courses,
each course's modules), so the builder draws the same HTML from the environment directly, with
each page title encoded once. kurskit's `sbt-sidebar-nav.html` (`templates/`) asks for
`kurskit_sidebar_nav` when the builder offers it and calls the theme's function otherwise;
where the site, the page or the options are not of that shape (a deeper tree, a title with
markup, other theme options) this draws nothing and the theme's function is called. A test
compares both on every page.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

#: The arguments `sbt-sidebar-nav.html` calls the navigation with that this draws the same as.
_SHAPE = {"startdepth": 0, "kind": "sidebar", "includehidden": True, "titles_only": True}

_TOGGLE = (
    '<details open="open"><summary><span class="toctree-toggle" role="presentation">'
    '<i class="fa-solid fa-chevron-down"></i></span></summary>'
)


class SidebarNav:
    """Offers `kurskit_sidebar_nav` to the templates of an application's pages."""

    def __init__(self, app: Any) -> None:
        self._titles: dict[str, str | None] = {}
        # Before the theme (500): its `update_and_remove_templates` renders the sidebar.
        app.connect("html-page-context", self._offer, priority=400)
        app.connect("env-purge-doc", self._forget)  # a page read again may have a new title

    def _forget(self, app: Any, env: Any, docname: str) -> None:
        self._titles.pop(docname, None)

    def _offer(
        self, app: Any, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
    ) -> None:
        def navigation(**options: Any) -> str:
            drawn = self.draw(app, pagename, options)
            return drawn if drawn is not None else context["generate_toctree_html"](**options)

        context["kurskit_sidebar_nav"] = navigation

    def draw(self, app: Any, pagename: str, options: dict[str, Any]) -> str | None:
        """The sidebar of `pagename` as the theme draws it, or None where this cannot."""
        if any(options.get(key) != value for key, value in _SHAPE.items()):
            return None
        if not options.get("collapse") or int(options.get("show_nav_level", 1)) > 1:
            return None
        if int(options.get("maxdepth", 0)) < 2:
            return None
        env = app.env
        includes = env.toctree_includes
        chapters = includes.get(app.config.root_doc, [])
        tree = [(chapter, includes.get(chapter, [])) for chapter in chapters]
        if not chapters or any(includes.get(s) for _c, sections in tree for s in sections):
            return None
        titles = {doc: self._title(env, doc) for doc in [*chapters, *(tree_docs(tree))]}
        if None in titles.values():
            return None

        def link(doc: str) -> str:
            return str(app.builder.get_relative_uri(pagename, doc))

        inside = any(pagename == chapter or pagename in sections for chapter, sections in tree)
        items = [
            _chapter_item(chapter, sections, pagename, titles, link) for chapter, sections in tree
        ]
        outer = "current nav bd-sidenav" if inside else "nav bd-sidenav"
        return f'<ul class="{outer}">\n' + "\n".join(items) + "\n</ul>\n"

    def _title(self, env: Any, docname: str) -> str | None:
        """The page's title as its toctree entry shows it; None if it has markup."""
        if docname not in self._titles:
            self._titles[docname] = _plain_title(env, docname)
        return self._titles[docname]


def tree_docs(tree: list[tuple[str, list[str]]]) -> list[str]:
    """Every section's docname, in order."""
    return [section for _chapter, sections in tree for section in sections]


def _plain_title(env: Any, docname: str) -> str | None:
    from docutils import nodes  # type: ignore[import-untyped]

    toc = env.tocs.get(docname)
    reference = next(toc.findall(nodes.reference), None) if toc is not None else None
    if reference is None or len(reference.children) != 1:
        return None
    text = reference.children[0]
    if not isinstance(text, nodes.Text):
        return None
    return html.escape(text.astext(), quote=False)


def _entry(css: str, doc: str, pagename: str, title: str, link: Callable[[str], str]) -> str:
    if doc == pagename:
        return f'<li class="{css}"><a class="current reference internal" href="#">{title}</a>'
    return f'<li class="{css}"><a class="reference internal" href="{link(doc)}">{title}</a>'


def _chapter_item(
    chapter: str,
    sections: list[str],
    pagename: str,
    titles: dict[str, str | None],
    link: Callable[[str], str],
) -> str:
    current = pagename == chapter or pagename in sections
    if not current or not sections:
        css = "toctree-l1 current active" if current else "toctree-l1"
        return _entry(css, chapter, pagename, str(titles[chapter]), link) + "</li>"
    css = "toctree-l1 current active has-children"
    head = _entry(css, chapter, pagename, str(titles[chapter]), link)
    rows = [
        _entry(
            "toctree-l2 current active" if section == pagename else "toctree-l2",
            section,
            pagename,
            str(titles[section]),
            link,
        )
        + "</li>"
        for section in sections
    ]
    inner = '<ul class="current">' if pagename in sections else "<ul>"
    return head + _TOGGLE + inner + "\n" + "\n".join(rows) + "\n</ul>\n</details></li>"
