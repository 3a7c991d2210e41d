"""Where the store is: environment, then kurskit.toml, then the user config, then the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from kurskit.store import StoreError, load_settings
from kurskit.store.settings import default_store_path, user_config_file


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def test_default_is_a_file_in_the_user_data_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = load_settings(environ={}, config_files=[])
    assert settings.url == f"sqlite:///{tmp_path / 'data' / 'kurskit' / 'answers.sqlite'}"
    assert settings.url_source == "default"
    assert default_store_path() == tmp_path / "data" / "kurskit" / "answers.sqlite"
    assert settings.site_url == "http://localhost"


def test_user_config_file_is_under_xdg_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert user_config_file() == tmp_path / "config" / "kurskit" / "config.toml"


def test_project_config_wins_over_user_config(tmp_path: Path) -> None:
    project = write(tmp_path / "kurskit.toml", '[store]\nurl = "sqlite:///project.sqlite"\n')
    user = write(
        tmp_path / "user.toml",
        '[store]\nurl = "sqlite:///user.sqlite"\nsite_url = "https://kurs.example.org/"\n',
    )
    settings = load_settings(environ={}, config_files=[project, user])
    assert settings.url == "sqlite:///project.sqlite"
    assert (settings.url_source, settings.config_file) == ("config file", str(project))
    assert settings.site_url == "https://kurs.example.org"  # from the user file, no trailing /


def test_environment_wins_over_config_files(tmp_path: Path) -> None:
    project = write(tmp_path / "kurskit.toml", '[store]\nurl = "sqlite:///project.sqlite"\n')
    env = {"KURSKIT_STORE_URL": "postgresql://db/kurskit", "KURSKIT_SITE_URL": "https://a.b"}
    settings = load_settings(environ=env, config_files=[project])
    assert (settings.url, settings.url_source) == ("postgresql://db/kurskit", "environment")
    assert settings.site_url == "https://a.b"


def test_the_working_directory_config_is_read_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "nothing"))
    write(tmp_path / "kurskit.toml", '[store]\nurl = "sqlite:///here.sqlite"\n')
    assert load_settings(environ={}).url == "sqlite:///here.sqlite"


@pytest.mark.parametrize(
    ("text", "message"),
    [("[store\nurl = 1", "not a valid TOML"), ("[store]\nurl = 5\n", "url must be text")],
)
def test_a_broken_config_file_is_named(tmp_path: Path, text: str, message: str) -> None:
    config = write(tmp_path / "kurskit.toml", text)
    with pytest.raises(StoreError, match=message) as error:
        load_settings(environ={}, config_files=[config])
    assert str(config) in str(error.value)
