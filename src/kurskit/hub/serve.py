"""`kurskit hub serve`: a real JupyterHub on this machine, set up from `HubSettings`."""

from __future__ import annotations

import secrets
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from kurskit.hub.settings import HubSettings
from kurskit.hub.sso import read_sso
from kurskit.hub.users import HubError, admin_token, set_password
from kurskit.hub.voila_app import check_app

CONFIG_FILE = "jupyterhub_config.py"
ADMIN_PASSWORD_FILE = "admin-password"


@dataclass(frozen=True)
class PreparedHub:
    """What `prepare` made: the config file, and the first admin's password on a first run."""

    config: Path
    admin_password: str | None


def prepare(settings: HubSettings) -> PreparedHub:
    """Check what the hub needs, make its state folder, config and (once) the first admin."""
    if not Path(settings.proxy_command).exists():
        raise HubError(
            f"configurable-http-proxy is missing ({settings.proxy_command}); run `make setup`, "
            "which installs it from npm into hub/node_modules"
        )
    if not settings.courses_dir.is_dir():
        raise HubError(f"no courses folder at {settings.courses_dir}")
    if settings.sso_file is not None:
        read_sso(settings.sso_file)  # a mistake is reported now, not in the hub's log
    if settings.isolate:
        _require_sandbox()
    state = settings.state_dir
    state.mkdir(parents=True, exist_ok=True, mode=0o700)
    state.chmod(0o700)
    admin_token(settings)
    password = None
    password_file = state / ADMIN_PASSWORD_FILE
    if not password_file.exists():
        password = secrets.token_urlsafe(12)
        set_password(settings, settings.admin, password)
        password_file.touch(mode=0o600)
        password_file.write_text(password + "\n")
    if settings.edition_dir is None:
        write_edition(settings.courses_dir, settings.edition_folder)
    try:
        check_app(settings)
    except ValueError as error:
        raise HubError(str(error)) from None
    config = state / CONFIG_FILE
    config.write_text(_config_text(settings))
    return PreparedHub(config, password)


def start(settings: HubSettings, prepared: PreparedHub) -> subprocess.Popen[bytes]:
    """Start JupyterHub (it starts the proxy, the answers service and the idle culler)."""
    return subprocess.Popen(
        [sys.executable, "-m", "jupyterhub", "-f", str(prepared.config)],
        cwd=settings.state_dir,
        start_new_session=True,
    )


def write_edition(courses: Path, out: Path) -> None:
    """The learner edition of the published courses, with this hub's own shuffle key (learners'
    servers cannot read it), replacing an older one."""
    from kurskit.course.edition import select_edition_courses, write_learner_edition

    if out.exists():
        shutil.rmtree(out)
    for loaded in select_edition_courses([courses]):
        write_learner_edition(loaded, out)


def _config_text(settings: HubSettings) -> str:
    return (
        '"""JupyterHub settings written by `kurskit hub serve`; edit the command\'s options '
        'instead."""\n\n'
        "from kurskit.hub.config import configure\n"
        "from kurskit.hub.settings import HubSettings\n"
        "from kurskit.hub.users import admin_token\n\n"
        f"settings = HubSettings.model_validate_json({settings.model_dump_json()!r})\n"
        "configure(c, settings, admin_token=admin_token(settings))  # noqa: F821\n"
    )


def _require_sandbox() -> None:
    from kurskit.sandbox import isolates, isolation_report

    if not isolates():
        raise HubError(
            "learners' servers cannot be isolated on this machine ("
            + "; ".join(isolation_report())
            + "): every learner could read every other learner's files. Enable unprivileged "
            "user namespaces, or pass --no-isolation where every learner is trusted."
        )
