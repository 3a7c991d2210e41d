"""Browser libraries served by the book itself, installed from the npm registry at build time.

Jupyter Book's pages load require.js, the widget html-manager and MathJax from CDNs by default,
which fails offline and behind firewalls. The versions are pinned in book/package.json and
package-lock.json; `npm ci` fetches them from the registry into book/node_modules.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from kurskit.assets import ASSETS

#: Vendored file or folder (under node_modules) → where it goes in the static folder.
VENDORED = {
    "requirejs/require.js": "vendor/require.js",
    "@jupyter-widgets/html-manager/dist/embed-amd.js": "vendor/embed-amd.js",
    "mathjax/es5": "vendor/mathjax",
}
#: kurskit's own browser files, from the shared assets and the book's assets.
OWN_ASSETS = {
    ASSETS / "question.js": "kurskit/question.js",
    ASSETS / "question.css": "kurskit/question.css",
    Path(__file__).parent / "assets" / "score.js": "kurskit/score.js",
    Path(__file__).parent / "assets" / "book.js": "kurskit/book.js",
    Path(__file__).parent / "assets" / "catalog.js": "kurskit/catalog.js",
    Path(__file__).parent / "assets" / "book.css": "kurskit/book.css",
    Path(__file__).parent / "assets" / "a11y.js": "kurskit/a11y.js",
}


class VendorError(RuntimeError):
    """The vendored libraries could not be installed; the message says what to do."""


def install_node_modules(book_dir: Path) -> Path:
    """Run `npm ci` in book_dir when node_modules is missing or older than the lock file."""
    modules = book_dir / "node_modules"
    lock = book_dir / "package-lock.json"
    stamp = modules / ".package-lock.json"
    if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
        return modules
    npm = shutil.which("npm")
    if npm is None:
        raise VendorError("npm is not installed; run `make setup` (it installs nodejs and npm)")
    result = subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--ignore-scripts"],
        cwd=book_dir,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise VendorError(f"`npm ci` in {book_dir} failed:\n{result.stderr.strip()[-2000:]}")
    return modules


def copy_assets(modules: Path, static_dir: Path, site_static_dir: Path) -> None:
    """Copy kurskit's own assets into the project's static folder, which Sphinx publishes, and
    the vendored libraries straight into the site's `_static`; unchanged files are skipped.

    Sphinx compares the content of every static file on every build, 24 MB for MathJax alone,
    which made a tenth of a rebuild after one edit.
    """
    shutil.rmtree(static_dir / "vendor", ignore_errors=True)  # where earlier versions put them
    for source, target in VENDORED.items():
        _sync(modules / source, site_static_dir / target)
    for source_path, target in OWN_ASSETS.items():
        _sync(source_path, static_dir / target)


def _sync(source: Path, target: Path) -> None:
    if source.is_dir():
        for child in source.rglob("*"):
            if child.is_file():
                _sync(child, target / child.relative_to(source))
        return
    if not source.is_file():
        raise VendorError(f"{source} is missing; delete book/node_modules and build again")
    if (
        target.exists()
        and target.stat().st_size == source.stat().st_size
        and (target.stat().st_mtime >= source.stat().st_mtime)
    ):
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)
