"""Zero to JupyterHub values: valid for the chart's schema, the hub's roles, no secret in them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import jsonschema
import pytest
import yaml
from traitlets.config import Config
from typer.testing import CliRunner

from kurskit import api
from kurskit.cli import app
from kurskit.hub.config import SERVER_TOKEN_SCOPES, configure, roles
from kurskit.hub.settings import ANSWERS_SERVICE, HubSettings
from kurskit.store.settings import URL_VARIABLE
from tests.factories import COURSE_YML, CourseFactory

#: The chart's values schema (jupyterhub/zero-to-jupyterhub-k8s, BSD-3-Clause), copied here.
SCHEMA = Path(__file__).parent / "z2jh" / "values.schema.json"
IMAGES = {"image": "registry.example.org/kurskit-user:2026.1", "service_image": "kurskit-svc:1"}
SECRET_WORDS = ("password", "secret", "token")
#: Keys that name secrets without holding one.
NOT_SECRETS = {"server_token_scopes", "secretKeyRef", "imagePullSecrets", "token_url"}
runner = CliRunner()


@pytest.fixture
def courses(make_course: CourseFactory) -> Path:
    """Two published courses and a draft."""
    for slug, status in (("demo", "published"), ("andre", "published"), ("utkast", "draft")):
        text = COURSE_YML.replace("slug: demo", f"slug: {slug}")
        folder = make_course(
            text.replace("status: published", f"status: {status}"), slug=f"courses/{slug}"
        )
    return folder.parent


def values(courses: Path, **options: Any) -> dict[str, Any]:
    text = api.k8s_values(**{**IMAGES, **options}, courses=courses)
    loaded: dict[str, Any] = yaml.safe_load(text)
    return loaded


def sso_file(folder: Path, kind: str) -> Path:
    secret = folder / "client-secret"
    secret.write_text("s3cret-from-the-provider\n")
    text = {
        "oidc": f'[oidc]\nclient_id = "kurskit"\nclient_secret_file = "{secret}"\n'
        'allowed_groups = ["fc:org:example.no"]\n',
        "lti13": '[lti13]\nissuer = "https://lms.example.org"\nclient_id = ["125"]\n'
        'authorize_url = "https://lms.example.org/auth"\n'
        'jwks_endpoint = "https://lms.example.org/jwks"\n',
    }[kind]
    file = folder / "sso.toml"
    file.write_text(text)
    return file


def mappings(value: Any) -> Iterator[dict[str, Any]]:
    """Every mapping in the values, at any depth."""
    if isinstance(value, dict):
        yield value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            yield from mappings(item)


def pairs(value: Any) -> list[tuple[str, Any]]:
    """Every (key, value) of the values' mappings, and every named item (an env entry) by its
    name."""
    found = [(str(key), item) for mapping in mappings(value) for key, item in mapping.items()]
    named = [m for m in mappings(value) if isinstance(m.get("name"), str)]
    return found + [(m["name"], m) for m in named]


@pytest.mark.parametrize("kind", ["native", "oidc", "lti13"])
def test_the_values_validate_against_the_charts_schema(
    courses: Path, tmp_path: Path, kind: str
) -> None:
    sso = None if kind == "native" else sso_file(tmp_path, kind)
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    jsonschema.Draft7Validator(schema).validate(values(courses, sso=sso))


def test_one_profile_per_published_course_opens_its_learner_edition(courses: Path) -> None:
    singleuser = values(courses)["singleuser"]
    profiles = {p["slug"]: p for p in singleuser["profileList"]}
    assert set(profiles) == {"andre", "demo"}
    assert [p["default"] for p in singleuser["profileList"]].count(True) == 1
    for slug, profile in profiles.items():
        override = profile["kubespawner_override"]
        assert override["default_url"] == f"/lab/tree/{slug}"
        assert override["environment"]["KURSKIT_EDITION"] == f"/srv/kurskit/learner-edition/{slug}"
        assert override["environment"]["KURSKIT_LANG"] == "nb"
        # The profile's environment replaces the spawner's: the answers service stays in it.
        assert singleuser["extraEnv"].items() <= override["environment"].items()
    hook = singleuser["lifecycleHooks"]["postStart"]["exec"]["command"]
    assert "$KURSKIT_EDITION" in hook[-1]


def test_the_answers_service_and_its_roles_are_the_one_machine_hubs(courses: Path) -> None:
    hub = values(courses)["hub"]
    one_machine = {r["name"]: {k: v for k, v in r.items() if k != "name"} for r in roles()}
    assert hub["loadRoles"][ANSWERS_SERVICE] == one_machine[ANSWERS_SERVICE]
    assert set(one_machine["user"]["scopes"]) <= set(hub["loadRoles"]["user"]["scopes"])
    server_scopes = hub["config"]["Spawner"]["server_token_scopes"]
    assert server_scopes[: len(SERVER_TOKEN_SCOPES)] == SERVER_TOKEN_SCOPES
    for role in hub["loadRoles"].values():  # no role names a service the hub lacks
        assert set(role.get("services", [])) <= set(hub["services"])
    assert hub["services"][ANSWERS_SERVICE]["url"] == "http://hub:10101"
    assert "ngshare" in hub["services"]
    (container,) = hub["extraContainers"]
    assert container["image"] == IMAGES["service_image"]
    assert container["command"] == ["python", "-m", "kurskit.answers_service"]
    env = {e["name"]: e for e in container["env"]}
    assert env["JUPYTERHUB_SERVICE_PREFIX"]["value"] == f"/services/{ANSWERS_SERVICE}/"
    assert env["KURSKIT_COURSES_DIR"]["value"] == "/srv/kurskit/courses"
    token = env["JUPYTERHUB_API_TOKEN"]["valueFrom"]["secretKeyRef"]
    assert token == {"name": "hub", "key": f"hub.services.{ANSWERS_SERVICE}.apiToken"}


def test_native_authenticator_by_default_with_the_one_machine_rules(courses: Path) -> None:
    config = values(courses)["hub"]["config"]
    c = Config()
    configure(c, HubSettings(), admin_token="")
    assert config["JupyterHub"]["authenticator_class"] == "nativeauthenticator.NativeAuthenticator"
    assert config["NativeAuthenticator"] == dict(c.NativeAuthenticator)
    assert config["Authenticator"] == {"admin_users": ["admin"], "allow_all": True}


def test_sso_settings_come_from_the_sso_file(courses: Path, tmp_path: Path) -> None:
    hub = values(courses, sso=sso_file(tmp_path, "oidc"))["hub"]
    oauth = hub["config"]["GenericOAuthenticator"]
    assert oauth["client_id"] == "kurskit"
    assert oauth["allowed_groups"] == ["fc:org:example.no"]
    assert "client_secret" not in oauth
    assert hub["config"]["Authenticator"]["allow_all"] is False
    reference = hub["extraEnv"]["OAUTH_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"]
    assert reference == {"name": "kurskit", "key": "oidc-client-secret"}
    lti = values(courses, sso=sso_file(tmp_path, "lti13"))["hub"]["config"]
    assert lti["LTI13Authenticator"]["client_id"] == ["125"]


def test_culling_is_on_with_the_hubs_timeout(courses: Path) -> None:
    cull = values(courses)["cull"]
    assert cull == {"enabled": True, "timeout": HubSettings().idle_timeout, "every": 1800}
    assert values(courses, idle_timeout=600)["cull"]["timeout"] == 600


def test_postgresql_for_the_hub_and_the_store(courses: Path) -> None:
    rendered = values(
        courses,
        store_url="postgresql://kurskit@db.example.org/answers",
        hub_db_url="postgresql://hub@db.example.org/hub",
        secret="kurs-secrets",
    )
    hub = rendered["hub"]
    assert hub["db"] == {"type": "postgres", "url": "postgresql://hub@db.example.org/hub"}
    assert hub["extraEnv"]["PGPASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "kurs-secrets",
        "key": "hub-db-password",
    }
    env = {e["name"]: e for e in hub["extraContainers"][0]["env"]}
    assert env[URL_VARIABLE]["value"] == "postgresql://kurskit@db.example.org/answers"
    assert env["PGPASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "store-db-password"
    # Learners' servers get the service's address, never the store's.
    assert URL_VARIABLE not in json.dumps(rendered["singleuser"])


def test_no_secret_is_in_the_values(courses: Path, tmp_path: Path) -> None:
    text = api.k8s_values(**IMAGES, courses=courses, sso=sso_file(tmp_path, "oidc"))
    assert "s3cret-from-the-provider" not in text
    rendered = yaml.safe_load(text)
    for key, value in pairs(rendered):
        if any(word in key.lower() for word in SECRET_WORDS) and key not in NOT_SECRETS:
            # Anything named like a secret is a reference to a Kubernetes Secret.
            assert isinstance(value, dict), f"{key}: {value!r}"
            assert "value" not in value and "secretKeyRef" in value["valueFrom"], key
        if isinstance(value, str) and "://" in value:
            assert urlsplit(value).password is None, value
    referred = {(r["name"], r["key"]) for k, r in pairs(rendered) if k == "secretKeyRef"}
    assert referred == {
        ("kurskit", "hub-db-password"),
        ("kurskit", "store-db-password"),
        ("kurskit", "oidc-client-secret"),
        ("hub", f"hub.services.{ANSWERS_SERVICE}.apiToken"),
    }
    header = text.split("fullnameOverride")[0]
    for name, key in referred:  # the header says which keys the Secrets need
        assert f"{name}: " in header and key in header


@pytest.mark.parametrize("option", ["store_url", "hub_db_url"])
def test_a_url_with_a_password_is_refused_and_not_repeated(courses: Path, option: str) -> None:
    with pytest.raises(ValueError, match="holds a password") as error:
        values(courses, **{option: "postgresql://kurskit:hunter22@db/kurskit"})
    assert "hunter22" not in str(error.value)
    with pytest.raises(ValueError, match="must be PostgreSQL"):
        values(courses, **{option: "sqlite:///answers.sqlite"})


def test_an_image_needs_a_tag(courses: Path) -> None:
    with pytest.raises(ValueError, match="needs a tag"):
        values(courses, image="registry.example.org:5000/kurskit-user")


def test_no_published_course_is_an_error(make_course: CourseFactory) -> None:
    draft = COURSE_YML.replace("status: published", "status: draft")
    folder = make_course(draft, slug="courses/demo").parent
    with pytest.raises(ValueError, match="no published course"):
        values(folder)


def test_the_command_prints_the_values_or_writes_them(courses: Path, tmp_path: Path) -> None:
    arguments = ["hub", "k8s-values", "--image", IMAGES["image"]]
    arguments += ["--service-image", IMAGES["service_image"], "--courses", str(courses)]
    printed = runner.invoke(app, arguments)
    assert printed.exit_code == 0, printed.output
    assert printed.stdout.startswith("# Zero to JupyterHub values")
    assert yaml.safe_load(printed.stdout)["singleuser"]["image"]["tag"] == "2026.1"
    out = tmp_path / "values.yaml"
    written = runner.invoke(app, [*arguments, "--output", str(out)])
    assert written.exit_code == 0, written.output
    assert out.read_text("utf-8") == printed.stdout
    assert written.stdout == ""


def test_a_bad_sso_file_is_a_clear_error(courses: Path, tmp_path: Path) -> None:
    bad = tmp_path / "sso.toml"
    bad.write_text('[oidc]\nclient_id = "kurskit"\n')
    arguments = ["hub", "k8s-values", "--image", "u:1", "--service-image", "s:1"]
    result = runner.invoke(app, [*arguments, "--courses", str(courses), "--sso", str(bad)])
    assert result.exit_code == 1
    assert f"error: {bad}: oidc.client_secret_file: Field required" in result.output
    assert "Traceback" not in result.output
