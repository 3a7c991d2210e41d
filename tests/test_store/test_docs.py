"""docs/store.md shows the settings as the model describes them."""

from __future__ import annotations

from pathlib import Path

from kurskit.store.settings import settings_markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "store.md"


def test_the_settings_table_is_generated_from_the_model() -> None:
    assert settings_markdown() in DOCS.read_text("utf-8"), (
        "docs/store.md is stale: paste kurskit.store.settings.settings_markdown() into it"
    )
