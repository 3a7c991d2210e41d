"""What the browser tests check on every page of a built book: axe-core's WCAG 2.1 A/AA rules
in a colour scheme, and the console and network (errors, warnings, missing files)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.browser import serious_violations


def site_pages(html: Path) -> list[str]:
    """Every HTML file of a built site (`_static`'s too), but the page sources."""
    return sorted(
        str(p.relative_to(html))
        for p in html.rglob("*.html")
        if not str(p.relative_to(html)).startswith("_sources")
    )


def violations_on_pages(chromium: Any, site: str, pages: list[str], scheme: str) -> dict[str, Any]:
    """page → its serious and critical axe violations (rule and first targets), in `scheme`."""
    page = chromium.new_page(color_scheme=scheme)  # the theme follows the reader's choice
    found = {}
    for path in pages:
        page.goto(f"{site}/{path}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == scheme, path
        if serious := serious_violations(page):
            found[path] = serious
    page.close()
    return found


def console_problems(chromium: Any, site: str, pages: list[str]) -> list[str]:
    """Console errors and warnings, script errors and failed requests while loading `pages`."""
    page = chromium.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"{m.type}: {m.text}") if m.type in (
        "error", "warning") else None)  # fmt: skip
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "response",
        lambda r: problems.append(f"{r.status}: {r.url}") if r.status >= 400 else None,
    )
    for path in pages:
        page.goto(f"{site}/{path}", wait_until="networkidle")
    page.close()
    return problems
