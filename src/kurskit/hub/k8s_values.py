"""Zero to JupyterHub helm values for the hub `kurskit hub serve` runs, with no secret in them."""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, Field
from traitlets.config import Config

from kurskit.course.edition import select_edition_courses
from kurskit.course.yamlsource import dump_readable
from kurskit.hub.config import configure
from kurskit.hub.settings import ANSWERS_SERVICE, HubSettings
from kurskit.hub.sso import SsoSettings, configure_sso, read_sso
from kurskit.store.service_sink import SERVICE_URL_VARIABLE

#: Where the learners' image keeps the learner edition (repo2docker --target-repo-dir
#: /srv/kurskit; binder/postBuild writes learner-edition/ there). Homes are volumes mounted
#: over /home/jovyan, so each server copies its course from here at start.
EDITION_IN_IMAGE = PurePosixPath("/srv/kurskit/learner-edition")
#: Where the answers service's image keeps the course sources, with their keys.
COURSES_IN_SERVICE_IMAGE = Path("/srv/kurskit/courses")
#: The answers service's port in the hub pod (a container beside the hub) and on the `hub`
#: Kubernetes Service, where the proxy and learners' servers reach it.
ANSWERS_PORT = 10101
#: The shared nbgrader exchange: ngshare, installed with its own chart beside this one.
NGSHARE_SERVICE = "ngshare"
NGSHARE_URL = "http://ngshare:8080"
#: Learners' kernels reach ngshare through the proxy (ngshare_exchange's own default on k8s).
NGSHARE_FROM_SERVERS = f"http://proxy-public/services/{NGSHARE_SERVICE}"
#: The profile's course in the image; the server's start hook copies it into the home.
EDITION_VARIABLE = "KURSKIT_EDITION"
LANGUAGE_VARIABLE = "KURSKIT_LANG"
#: JupyterHub 5 (the chart's) has NativeAuthenticator's login working; kurskit's subclass
#: only mends it for JupyterHub 6, and the chart's hub image has no kurskit.
NATIVE_AUTHENTICATOR = "nativeauthenticator.NativeAuthenticator"
#: The chart's own Kubernetes Secret (fullnameOverride ""), where it keeps the service tokens
#: it generates: `hub.services.<name>.apiToken`.
CHART_SECRET = "hub"
DEFAULT_HUB_DB_URL = "postgresql://jupyterhub@postgres:5432/jupyterhub"
DEFAULT_STORE_URL = "postgresql://kurskit@postgres:5432/kurskit"
#: Keys of the Kubernetes Secret the values refer to; its values never enter the values.
HUB_DB_PASSWORD = "hub-db-password"
STORE_DB_PASSWORD = "store-db-password"
OIDC_CLIENT_SECRET = "oidc-client-secret"
#: The copy keeps what is in the home (a learner's own copy wins), as on one machine; a failed
#: copy must not stop the server, so the hook always succeeds.
COPY_EDITION = f'[ -z "${EDITION_VARIABLE}" ] || cp -Rn "${EDITION_VARIABLE}" "$HOME"/ || true'
NBGRADER_CONFIG = f"""\
# nbgrader's exchange on this hub is ngshare (kurskit hub k8s-values).
from ngshare_exchange import configureExchange

c = get_config()  # noqa: F821
configureExchange(c, "{NGSHARE_FROM_SERVERS}")
c.CourseDirectory.course_id = "*"
"""


class ClusterSettings(BaseModel):
    """What a cluster needs besides `HubSettings`: the two images, the hub's database and the
    Kubernetes Secret with the passwords."""

    image: str = Field(description="The learners' image, built from binder/ (name:tag).")
    service_image: str = Field(
        description="The answers service's image: kurskit with the course sources and their "
        "keys under /srv/kurskit (name:tag). Never a learner's image."
    )
    hub_db_url: str = Field(
        default=DEFAULT_HUB_DB_URL,
        description="The hub's PostgreSQL database, without a password (the hub gets it as "
        f"PGPASSWORD from the Secret's `{HUB_DB_PASSWORD}`).",
    )
    secret: str = Field(
        default="kurskit",
        description=f"The Kubernetes Secret with `{HUB_DB_PASSWORD}`, `{STORE_DB_PASSWORD}` and, "
        f"for OpenID Connect, `{OIDC_CLIENT_SECRET}`.",
    )


def k8s_values(settings: HubSettings, cluster: ClusterSettings) -> dict[str, Any]:
    """The chart's values for the hub these settings describe: one profile per published course
    in `settings.courses_dir`, the answers service beside the hub, culling, PostgreSQL, the
    authenticator of `settings.sso_file` (NativeAuthenticator without one) and ngshare as
    nbgrader's exchange. Passwords and tokens are references to Kubernetes Secrets."""
    image = image_reference(cluster.image)
    store_url = postgres_url(settings.store_url or DEFAULT_STORE_URL, "the store's URL")
    hub_db_url = postgres_url(cluster.hub_db_url, "the hub database's URL")
    sso = read_sso(settings.sso_file) if settings.sso_file is not None else None
    c = _hub_config(
        settings.model_copy(
            update={"courses_dir": COURSES_IN_SERVICE_IMAGE, "store_url": store_url}
        ),
        sso,
    )
    services = {ANSWERS_SERVICE: _answers_service(c), NGSHARE_SERVICE: {"url": NGSHARE_URL}}
    environment = {SERVICE_URL_VARIABLE: f"http://hub:{ANSWERS_PORT}/services/{ANSWERS_SERVICE}/"}
    hub_env: dict[str, Any] = {"PGPASSWORD": _secret_ref(cluster.secret, HUB_DB_PASSWORD)}
    if sso is not None and sso.oidc is not None:
        # GenericOAuthenticator's client_secret defaults to $OAUTH_CLIENT_SECRET.
        hub_env["OAUTH_CLIENT_SECRET"] = _secret_ref(cluster.secret, OIDC_CLIENT_SECRET)
    return {
        # The schema requires these (it is meant for the values merged with the chart's own);
        # they hold the chart's defaults. fullnameOverride "" names the chart's Secret `hub`.
        "fullnameOverride": "",
        "imagePullSecrets": [],
        "ingress": {"enabled": False},
        "custom": {},
        "debug": {"enabled": False},
        "rbac": {"create": True},
        "global": {},
        "proxy": {},
        "hub": {
            "baseUrl": "/",
            "db": {"type": "postgres", "url": hub_db_url},
            "extraEnv": hub_env,
            "config": _hub_traits(c, services),
            "loadRoles": _roles(c, services),
            "services": services,
            "extraContainers": [_answers_container(c, cluster)],
            "service": {
                "extraPorts": [
                    {"name": "answers", "port": ANSWERS_PORT, "targetPort": ANSWERS_PORT}
                ]
            },
            "networkPolicy": {
                "ingress": [
                    {
                        "ports": [{"port": ANSWERS_PORT}],
                        "from": [_pods({"hub.jupyter.org/network-access-hub": "true"})],
                    }
                ]
            },
        },
        "singleuser": {
            "image": image,
            "defaultUrl": c.Spawner.default_url,
            "startTimeout": c.Spawner.start_timeout,
            "extraEnv": environment,
            "profileList": course_profiles(settings.courses_dir, environment),
            "lifecycleHooks": {"postStart": {"exec": {"command": ["sh", "-c", COPY_EDITION]}}},
            "extraFiles": {
                "nbgrader-config": {
                    "mountPath": "/etc/jupyter/nbgrader_config.py",
                    "stringData": NBGRADER_CONFIG,
                }
            },
            "networkPolicy": {
                # The chart lets learners' servers reach no private address but the hub's API;
                # they also need the answers service, and the proxy (for ngshare).
                "egress": [
                    {"to": [_pods({"component": "hub"})], "ports": [{"port": ANSWERS_PORT}]},
                    {"to": [_pods({"component": "proxy"})], "ports": [{"port": 8000}]},
                ]
            },
        },
        # The learners' image is pulled onto every node before anyone waits for it.
        "prePuller": {"hook": {"enabled": True}, "continuous": {"enabled": True}},
        # jupyterhub-idle-culler's own default for --cull-every, as on one machine.
        "cull": {
            "enabled": True,
            "timeout": settings.idle_timeout,
            "every": max(settings.idle_timeout // 2, 1),
        },
    }


def values_yaml(values: dict[str, Any]) -> str:
    """The values as a YAML file, headed by the Secrets and keys they refer to."""
    secrets: dict[str, set[str]] = {}
    for reference in _secret_references(values):
        secrets.setdefault(reference["name"], set()).add(reference["key"])
    header = [
        "# Zero to JupyterHub values written by `kurskit hub k8s-values` (see docs/hub.md).",
        "# No password or token is in this file; they come from these Kubernetes Secrets:",
        *(f"#   {name}: {', '.join(sorted(keys))}" for name, keys in sorted(secrets.items())),
        f"# ({CHART_SECRET} is the chart's own: it generates the services' tokens.)",
    ]
    body = dump_readable(values)
    return "\n".join(header) + "\n" + body


def course_profiles(courses: Path, environment: dict[str, str]) -> list[dict[str, Any]]:
    """One profile per published course: its learner edition, opened in its language."""
    loaded = select_edition_courses([courses])
    profiles = []
    for number, course in enumerate(c.course for c in loaded if c.course is not None):
        profiles.append(
            {
                "display_name": course.title,
                "slug": course.slug,
                "description": course.summary,
                "default": number == 0,
                "kubespawner_override": {
                    "default_url": f"/lab/tree/{course.slug}",
                    # A profile's environment replaces the spawner's, so it repeats it.
                    "environment": {
                        **environment,
                        EDITION_VARIABLE: str(EDITION_IN_IMAGE / course.slug),
                        LANGUAGE_VARIABLE: course.language,
                    },
                },
            }
        )
    if not profiles:
        raise ValueError(f"no published course in {courses}: a hub needs at least one")
    return profiles


def image_reference(image: str) -> dict[str, str]:
    """`registry/name:tag` as the chart takes it: name and tag apart."""
    name, colon, tag = image.rpartition(":")
    if not colon or not name or not tag or "/" in tag:
        raise ValueError(
            f"image {image!r} needs a tag: name:tag, e.g. registry.example.org/kurskit-user:2026.1"
        )
    return {"name": name, "tag": tag}


def postgres_url(url: str, what: str) -> str:
    """A PostgreSQL URL without a password; the error never repeats the URL (it may hold one)."""
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise ValueError(
            f"{what} must be PostgreSQL (postgresql://user@host:5432/database), "
            f"not {parts.scheme or 'a URL without a scheme'}"
        )
    if parts.password is not None:
        raise ValueError(
            f"{what} holds a password: leave it out; the values refer to the Kubernetes "
            "Secret for it instead (see docs/hub.md)"
        )
    return url


def _hub_config(settings: HubSettings, sso: SsoSettings | None) -> Config:
    """The one-machine hub's configuration for these settings, read back as traitlets config:
    the roles, scopes, services and authenticator are taken from it, not written again."""
    c = Config()
    configure(c, settings.model_copy(update={"sso_file": None}), admin_token="")
    if sso is not None:
        if sso.oidc is not None:
            # configure_sso reads the client secret's file: give it an empty one, so the
            # secret never enters the values (the hub reads it from a Kubernetes Secret).
            oidc = sso.oidc.model_copy(update={"client_secret_file": Path(os.devnull)})
            sso = sso.model_copy(update={"oidc": oidc})
        configure_sso(c, sso)
    return c


def _hub_traits(c: Config, services: dict[str, Any]) -> dict[str, Any]:
    """The authenticator and the server tokens' scopes, as in the one-machine config."""
    authenticator = c.JupyterHub.authenticator_class
    section = authenticator.rsplit(".", 1)[-1]
    if section == "KurskitNativeAuthenticator":
        authenticator, section = NATIVE_AUTHENTICATOR, "NativeAuthenticator"
    traits = {key: value for key, value in c[section].items() if key != "client_secret"}
    return _plain(
        {
            "JupyterHub": {"authenticator_class": authenticator},
            "Authenticator": dict(c.Authenticator),
            section: traits,
            "Spawner": {
                "server_token_scopes": [
                    *c.Spawner.server_token_scopes,
                    *_access(services, but=ANSWERS_SERVICE),
                ]
            },
        }
    )


def _roles(c: Config, services: dict[str, Any]) -> dict[str, Any]:
    """The one-machine roles of the services this hub has; users may use each service too.

    The chart's culler brings its own service and role, and the admin service of
    `kurskit hub cohort` and the like is one machine's (the admin page does it here).
    """
    roles: dict[str, Any] = {}
    for role in c.JupyterHub.load_roles:
        if set(role.get("services", [])) <= set(services):
            roles[role["name"]] = {key: value for key, value in role.items() if key != "name"}
    user = roles["user"]
    user["scopes"] = [*user["scopes"], *_access(services, but=ANSWERS_SERVICE)]
    return _plain(roles)


def _answers_service(c: Config) -> dict[str, Any]:
    """The answers service as the hub knows it: at the `hub` Service's port for it."""
    answers = _service(c)
    return {
        "url": f"http://hub:{ANSWERS_PORT}",
        **{key: answers[key] for key in ("oauth_no_confirm", "display")},
    }


def _answers_container(c: Config, cluster: ClusterSettings) -> dict[str, Any]:
    """The answers service in its own container of the hub pod, from the service image: what
    the hub sets for a service it starts itself, and the store and courses of the one-machine
    service's environment."""
    answers = _service(c)
    prefix = f"/services/{ANSWERS_SERVICE}/"
    environment: dict[str, Any] = {
        "JUPYTERHUB_SERVICE_NAME": ANSWERS_SERVICE,
        "JUPYTERHUB_SERVICE_URL": f"http://0.0.0.0:{ANSWERS_PORT}",
        "JUPYTERHUB_SERVICE_PREFIX": prefix,
        "JUPYTERHUB_BASE_URL": "/",
        "JUPYTERHUB_API_URL": "http://127.0.0.1:8081/hub/api",
        "JUPYTERHUB_CLIENT_ID": f"service-{ANSWERS_SERVICE}",
        "JUPYTERHUB_OAUTH_CALLBACK_URL": f"{prefix}oauth_callback",
        "JUPYTERHUB_API_TOKEN": _secret_ref(
            CHART_SECRET, f"hub.services.{ANSWERS_SERVICE}.apiToken"
        ),
        **answers["environment"],
        "PGPASSWORD": _secret_ref(cluster.secret, STORE_DB_PASSWORD),
    }
    return {
        "name": ANSWERS_SERVICE,
        "image": cluster.service_image,
        "command": ["python", *answers["command"][1:]],
        "env": [
            {"name": name, **value} if isinstance(value, dict) else {"name": name, "value": value}
            for name, value in environment.items()
        ],
        "ports": [{"name": "answers", "containerPort": ANSWERS_PORT}],
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": 1000,
            "allowPrivilegeEscalation": False,
            "capabilities": {"drop": ["ALL"]},
        },
    }


def _service(c: Config) -> dict[str, Any]:
    return next(s for s in c.JupyterHub.services if s["name"] == ANSWERS_SERVICE)


def _access(services: dict[str, Any], *, but: str) -> list[str]:
    return [f"access:services!service={name}" for name in services if name != but]


def _secret_ref(secret: str, key: str) -> dict[str, Any]:
    return {"valueFrom": {"secretKeyRef": {"name": secret, "key": key}}}


def _pods(labels: dict[str, str]) -> dict[str, Any]:
    return {"podSelector": {"matchLabels": labels}}


def _secret_references(value: Any) -> list[dict[str, str]]:
    if isinstance(value, dict):
        if "secretKeyRef" in value:
            return [value["secretKeyRef"]]
        return [ref for item in value.values() for ref in _secret_references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in _secret_references(item)]
    return []


def _plain(value: Any) -> Any:
    """Config values as YAML takes them: sets become sorted lists, Config sections dicts."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
