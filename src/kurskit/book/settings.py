"""Settings of the static book, read from book/book.yml: one typed model, documented from it."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kurskit.languages import Language

SETTINGS_FILE = "book.yml"


class BookSettings(BaseModel):
    """What a site owner sets for the published book (`book/book.yml`)."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(default="Kurskatalog", description="Title of the site (catalog heading).")
    description: str = Field(
        default="Nettkurs for bibliotek og kommuner.",
        description="One sentence about the site, for the catalog and the Atom feed.",
    )
    author: str = Field(default="kurskit", description="Who publishes the site.")
    language: Language = Field(default="nb", description="Language of the catalog pages.")
    site_url: str = Field(
        default="http://127.0.0.1:8000/",
        description="Address where the book is published; feeds use it for absolute links.",
    )
    repository_url: str = Field(
        default="",
        description=(
            "Git repository holding the courses; Binder builds the learner edition from it "
            "(binder/) and the Binder links open that."
        ),
    )
    branch: str = Field(default="main", description="Branch the launch links use.")
    binderhub_url: str = Field(
        default="https://mybinder.org", description="BinderHub for 'launch on Binder' links."
    )
    jupyterhub_url: str = Field(
        default="",
        description=(
            "Your JupyterHub; launch links open the learner edition in each learner's home."
        ),
    )
    jupyterhub_edition_folder: str = Field(
        default="",
        description=(
            "Folder in each learner's hub home holding the learner edition's course folders "
            "(empty: the home itself, where the hub puts them)."
        ),
    )
    notebook_interface: str = Field(
        default="jupyterlab",
        description="Interface the launch links open: jupyterlab or classic (apps open in Voilà).",
    )
    logo: str = Field(default="logo.svg", description="Logo file in book/ (empty for none).")


def load_book_settings(book_dir: Path) -> BookSettings:
    """Read `book_dir/book.yml` (all fields optional); a bad file raises ValueError naming it."""
    path = book_dir / SETTINGS_FILE
    if not path.is_file():
        return BookSettings()
    try:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        return BookSettings.model_validate(data)
    except (yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{path}: {error}") from None


def settings_markdown() -> str:
    """The settings as a Markdown table, from the model (docs/book.md includes it)."""
    lines = ["| setting | default | meaning |", "|---|---|---|"]
    for name, info in BookSettings.model_fields.items():
        lines.append(f"| `{name}` | `{info.default}` | {info.description or ''} |")
    return "\n".join(lines) + "\n"
