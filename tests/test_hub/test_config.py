"""The hub's configuration as JupyterHub reads it: spawner, roles, services, SSO files."""

from __future__ import annotations

from pathlib import Path

import pytest
from traitlets.config import Config, PyFileConfigLoader

from kurskit.hub.config import SERVER_TOKEN_SCOPES
from kurskit.hub.settings import HubSettings
from kurskit.hub.spawner import copy_edition, home_folder
from kurskit.hub.sso import FEIDE_AUTHORIZE_URL, read_sso
from kurskit.store.settings import URL_VARIABLE


def load(settings: HubSettings) -> Config:
    """Write the config as `kurskit hub serve` does and read it with traitlets."""
    from kurskit.hub.serve import _config_text

    settings.state_dir.mkdir(parents=True, exist_ok=True)
    file = settings.state_dir / "jupyterhub_config.py"
    file.write_text(_config_text(settings))
    return PyFileConfigLoader(file.name, path=str(file.parent)).load_config()


def test_the_config_isolates_learners_and_keeps_the_store_to_the_service(tmp_path: Path) -> None:
    settings = HubSettings(state_dir=tmp_path / "state", port=9100)
    config = load(settings)
    assert config.JupyterHub.spawner_class == "kurskit.hub.spawner.SandboxSpawner"
    assert config.SandboxSpawner.isolate is True
    assert config.Spawner.server_token_scopes == SERVER_TOKEN_SCOPES
    assert URL_VARIABLE not in config.Spawner.environment
    services = {s["name"]: s for s in config.JupyterHub.services}
    answers = services["kurskit-answers"]
    assert answers["environment"][URL_VARIABLE].startswith("sqlite:///")
    assert answers["url"] == "http://127.0.0.1:9102"
    assert "api_token" not in answers
    roles = {r["name"]: r for r in config.JupyterHub.load_roles}
    assert roles["kurskit-answers"]["scopes"] == ["list:groups", "read:groups"]
    assert (config.JupyterHub.ip, config.JupyterHub.hub_port) == ("127.0.0.1", 9101)


def test_a_relative_courses_folder_means_the_same_in_the_hubs_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    settings = HubSettings(state_dir=Path("state"), courses_dir=Path("courses"))
    assert settings.courses_dir == tmp_path / "courses"
    assert settings.state_dir == tmp_path / "state"


def write(tmp_path: Path, text: str) -> Path:
    file = tmp_path / "sso.toml"
    file.write_text(text)
    return file


def test_feide_over_openid_connect_loads_into_generic_oauthenticator(tmp_path: Path) -> None:
    from oauthenticator.generic import GenericOAuthenticator

    secret = tmp_path / "secret"
    secret.write_text("s3cret\n")
    sso = write(tmp_path, f'[oidc]\nclient_id = "kurskit"\nclient_secret_file = "{secret}"\n')
    settings = HubSettings(state_dir=tmp_path / "state", sso_file=sso)
    config = load(settings)
    assert config.JupyterHub.authenticator_class.endswith("GenericOAuthenticator")
    authenticator = GenericOAuthenticator(config=config)
    assert authenticator.authorize_url == FEIDE_AUTHORIZE_URL
    assert (authenticator.client_id, authenticator.client_secret) == ("kurskit", "s3cret")
    assert authenticator.username_claim == "email"
    # The authenticator's hook records the provider's display name for certificates.
    login = {"name": "kari@x.no", "auth_state": {"oauth_user": {"name": "Kari Nordmann"}}}
    assert authenticator.post_auth_hook(authenticator, None, login) is login
    names = (tmp_path / "state" / "display-names.json").read_text("utf-8")
    assert '"kari@x.no": {' in names and "Kari Nordmann" in names


def test_lti13_loads_into_the_lti_authenticator(tmp_path: Path) -> None:
    from ltiauthenticator.lti13.auth import LTI13Authenticator

    sso = write(
        tmp_path,
        '[lti13]\nissuer = "https://lms.example.org"\nclient_id = ["125"]\n'
        'authorize_url = "https://lms.example.org/auth"\n'
        'jwks_endpoint = "https://lms.example.org/jwks"\n',
    )
    config = load(HubSettings(state_dir=tmp_path / "state", sso_file=sso))
    authenticator = LTI13Authenticator(config=config)
    assert authenticator.issuer == "https://lms.example.org"
    assert authenticator.client_id == {"125"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", "exactly one"),
        ('[oidc]\nclient_id = "x"\n', "oidc.client_secret_file: Field required"),
        ('[oidc]\nclient_id = "x"\nclient_secret_file = "/s"\ncolour = "red"\n', "colour"),
        ("[oidc\n", "sso.toml"),
    ],
)
def test_a_wrong_sso_file_names_the_file_and_field(tmp_path: Path, text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words) as error:
        read_sso(write(tmp_path, text))
    assert "sso.toml" in str(error.value)


def test_home_folders_cannot_escape(tmp_path: Path) -> None:
    for name in ("..", ".", "../alice", "a/b", "ål@x.no"):
        home = home_folder(tmp_path, name)
        assert home.parent == tmp_path, name
    assert home_folder(tmp_path, "alice") != home_folder(tmp_path, "Alice")


def test_the_edition_is_copied_without_overwriting_the_learners_work(tmp_path: Path) -> None:
    edition, home = tmp_path / "edition", tmp_path / "home"
    (edition / "demo").mkdir(parents=True)
    (edition / "demo" / "lesson.ipynb").write_text("fresh")
    (edition / "demo" / "test.ipynb").write_text("fresh")
    (home / "demo").mkdir(parents=True)
    (home / "demo" / "lesson.ipynb").write_text("my notes")
    assert copy_edition(edition, home) == 1
    assert (home / "demo" / "lesson.ipynb").read_text() == "my notes"
    assert (home / "demo" / "test.ipynb").read_text() == "fresh"


def test_copying_the_edition_never_follows_a_learners_links(tmp_path: Path) -> None:
    edition, home, elsewhere = tmp_path / "edition", tmp_path / "home", tmp_path / "elsewhere"
    for folder in ("demo", "other"):
        (edition / folder).mkdir(parents=True)
        (edition / folder / "lesson.ipynb").write_text("fresh")
    elsewhere.mkdir()
    home.mkdir()
    (home / "demo").mkdir()
    (home / "demo" / "lesson.ipynb").symlink_to(elsewhere / "created-by-hub")
    (home / "other").symlink_to(elsewhere)  # a folder that leads out of the home
    assert copy_edition(edition, home) == 0
    assert list(elsewhere.iterdir()) == []
