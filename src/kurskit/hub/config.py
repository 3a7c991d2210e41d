"""JupyterHub's configuration for a kurskit hub, from `HubSettings` (one machine, no setup)."""

from __future__ import annotations

import sys
from importlib.resources import files
from typing import Any

from kurskit.hub.profiles import NameRecorder
from kurskit.hub.settings import ADMIN_SERVICE, ANSWERS_SERVICE, VOILA_SERVICE, HubSettings
from kurskit.hub.sso import configure_sso, read_sso
from kurskit.hub.verify_page import CERTIFICATES_VARIABLE
from kurskit.hub.voila_app import voila_service
from kurskit.store.settings import URL_VARIABLE

#: What a learner's server token may do: its own server, and the answers service.
SERVER_TOKEN_SCOPES = [
    "users:activity!user",
    "access:servers!server",
    f"access:services!service={ANSWERS_SERVICE}",
]
#: What every hub user may open: the answers service and the webinar's Voilà app.
USER_SCOPES = [
    "self",
    f"access:services!service={ANSWERS_SERVICE}",
    f"access:services!service={VOILA_SERVICE}",
]


def roles() -> list[dict[str, Any]]:
    """Hub roles: users may use the answers service; the services get only what they need."""
    return [
        {"name": "user", "scopes": USER_SCOPES},
        {
            "name": ANSWERS_SERVICE,
            "services": [ANSWERS_SERVICE],
            "scopes": ["list:groups", "read:groups"],
        },
        {
            "name": ADMIN_SERVICE,
            "services": [ADMIN_SERVICE],
            "scopes": ["admin:users", "admin:groups", "list:users", "admin:servers", "tokens"],
        },
        {
            "name": "idle-culler",
            "services": ["idle-culler"],
            "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        },
    ]


def services(settings: HubSettings, admin_token: str) -> list[dict[str, Any]]:
    """The answers service and the idle culler, started by the hub; the admin service's token."""
    return [
        {
            "name": ANSWERS_SERVICE,
            "url": f"http://127.0.0.1:{settings.service_port}",
            "command": [sys.executable, "-m", "kurskit.answers_service"],
            "environment": {
                URL_VARIABLE: settings.answer_store_url,
                "KURSKIT_COURSES_DIR": str(settings.courses_dir.resolve()),
                **(
                    {CERTIFICATES_VARIABLE: str(settings.certificates_file)}
                    if settings.certificates_file is not None
                    else {}
                ),
            },
            "oauth_no_confirm": True,
            "display": False,
        },
        {
            "name": "idle-culler",
            "command": [
                sys.executable,
                "-m",
                "jupyterhub_idle_culler",
                f"--timeout={settings.idle_timeout}",
            ],
        },
        {"name": ADMIN_SERVICE, "api_token": admin_token},
        *([app] if (app := voila_service(settings)) is not None else []),
    ]


def configure(c: Any, settings: HubSettings, *, admin_token: str) -> None:
    """Fill a JupyterHub config object `c` for these settings."""
    state = settings.state_dir
    c.JupyterHub.ip = settings.host
    c.JupyterHub.port = settings.port
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = settings.hub_port
    c.JupyterHub.db_url = settings.database_url
    c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(state / "jupyterhub.pid")
    c.ConfigurableHTTPProxy.command = [settings.proxy_command]
    c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"

    c.JupyterHub.authenticator_class = "kurskit.hub.native_auth.KurskitNativeAuthenticator"
    c.Authenticator.admin_users = {settings.admin}
    c.Authenticator.allow_all = True  # NativeAuthenticator: only users an admin authorised
    c.NativeAuthenticator.open_signup = False
    c.NativeAuthenticator.check_common_password = True
    c.NativeAuthenticator.minimum_password_length = 10
    if settings.sso_file is not None:
        configure_sso(c, read_sso(settings.sso_file))
        c.Authenticator.post_auth_hook = NameRecorder(settings.display_names_file)

    c.JupyterHub.spawner_class = "kurskit.hub.spawner.SandboxSpawner"
    c.SandboxSpawner.homes = str(settings.homes_dir)
    c.SandboxSpawner.edition = str(settings.edition_folder)
    c.SandboxSpawner.isolate = settings.isolate
    c.Spawner.default_url = "/lab"
    c.Spawner.environment = {"KURSKIT_ANSWERS_URL": settings.answers_url}
    c.Spawner.server_token_scopes = SERVER_TOKEN_SCOPES
    c.Spawner.http_timeout = 60
    c.Spawner.start_timeout = 120

    c.JupyterHub.load_roles = roles()
    c.JupyterHub.services = services(settings, admin_token)
    # The home page links each course's webinar dashboard for its instructors.
    c.JupyterHub.template_paths = [str(files("kurskit.hub") / "templates")]
