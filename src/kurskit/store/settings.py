"""Where the answer store lives and how it names itself: one typed settings model."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import BaseModel, Field

from kurskit.store.errors import StoreError

#: Environment variables that override every config file.
URL_VARIABLE = "KURSKIT_STORE_URL"
SITE_URL_VARIABLE = "KURSKIT_SITE_URL"
#: The project config file, looked for in the working directory.
PROJECT_CONFIG = "kurskit.toml"

Source = Literal["argument", "environment", "config file", "default"]


def default_store_path() -> Path:
    """The embedded store's file: `answers.sqlite` in the user data folder (platformdirs)."""
    return platformdirs.user_data_path("kurskit") / "answers.sqlite"


def user_config_file() -> Path:
    """The user's config file (on Linux `~/.config/kurskit/config.toml`)."""
    return platformdirs.user_config_path("kurskit") / "config.toml"


class StoreSettings(BaseModel):
    """Settings of the answer store, resolved by `load_settings`.

    Each setting comes from the first of: its environment variable, `[store]` in `kurskit.toml`
    in the working directory, `[store]` in the user config file, the default.
    """

    url: str = Field(
        default_factory=lambda: f"sqlite:///{default_store_path()}",
        description=(
            "SQLAlchemy URL of the answer store, e.g. `sqlite:////srv/kurskit/answers.sqlite` "
            "or `postgresql://kurskit@db.example.org/kurskit` (psycopg 3). Default: "
            "`answers.sqlite` in the user data folder (on Linux "
            "`~/.local/share/kurskit/answers.sqlite`)."
        ),
    )
    site_url: str = Field(
        default="http://localhost",
        description=(
            "Base URL of the course site, used in xAPI actor home pages and activity ids, "
            "e.g. `https://kurs.example.org`. Default: `http://localhost`."
        ),
    )
    url_source: Source = Field(
        default="default", description="Where `url` came from (set by load_settings)."
    )
    config_file: str | None = Field(
        default=None, description="The config file `url` was read from, if any."
    )


#: Settings a person sets, with their environment variable and config key.
SETTING_SOURCES = {"url": (URL_VARIABLE, "url"), "site_url": (SITE_URL_VARIABLE, "site_url")}


def settings_markdown() -> str:
    """The settings as a Markdown table, from the model (docs/store.md includes it)."""
    lines = [
        "| setting | environment | `[store]` key | meaning |",
        "|---|---|---|---|",
    ]
    for name, (variable, key) in SETTING_SOURCES.items():
        description = StoreSettings.model_fields[name].description or ""
        lines.append(f"| `{name}` | `{variable}` | `{key}` | {description} |")
    return "\n".join(lines) + "\n"


def load_settings(
    *,
    environ: Mapping[str, str] | None = None,
    config_files: Sequence[Path] | None = None,
) -> StoreSettings:
    """Resolve the store settings from the environment, config files and defaults.

    `config_files` defaults to `./kurskit.toml` then the user config file; a file that is
    missing is skipped, one that is not valid TOML is an error naming the file.
    """
    env = os.environ if environ is None else environ
    files = [Path(PROJECT_CONFIG), user_config_file()] if config_files is None else config_files
    values: dict[str, object] = {}
    for file in reversed(list(files)):  # earlier files win, so read them last
        table = _store_table(file)
        for key in ("url", "site_url"):
            if key in table:
                values[key] = table[key]
                if key == "url":
                    values["url_source"] = "config file"
                    values["config_file"] = str(file)
    if env.get(URL_VARIABLE):
        values.update(url=env[URL_VARIABLE], url_source="environment", config_file=None)
    if env.get(SITE_URL_VARIABLE):
        values["site_url"] = env[SITE_URL_VARIABLE]
    settings = StoreSettings.model_validate(values)
    return settings.model_copy(update={"site_url": settings.site_url.rstrip("/")})


def _store_table(file: Path) -> dict[str, object]:
    if not file.is_file():
        return {}
    try:
        data = tomllib.loads(file.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise StoreError(f"{file}: not a valid TOML file: {error}") from None
    table = data.get("store", {})
    if not isinstance(table, dict):
        raise StoreError(f'{file}: [store] must be a table with url = "..."')
    for key in ("url", "site_url"):
        if key in table and not isinstance(table[key], str):
            raise StoreError(f"{file}: [store] {key} must be text")
    return table
