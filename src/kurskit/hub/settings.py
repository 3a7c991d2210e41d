"""Settings of `kurskit hub serve`: one typed model, embedded defaults for one machine."""

from __future__ import annotations

import shutil
from pathlib import Path

import platformdirs
from pydantic import BaseModel, Field, field_validator

#: The answers service's name on the hub: its URL is /services/kurskit-answers/.
ANSWERS_SERVICE = "kurskit-answers"
#: Items per page of a hub REST list (JupyterHub gives at most 200 by default).
HUB_LIST_PAGE = 200
#: The Voilà app with a kernel per participant (webinars' interactive exercises).
VOILA_SERVICE = "kurskit-voila"
#: The service the `kurskit hub` commands use to manage users and cohorts.
ADMIN_SERVICE = "kurskit-admin"
PROXY_PACKAGE = Path("hub") / "node_modules" / ".bin" / "configurable-http-proxy"


def default_state_dir() -> Path:
    """Where the hub keeps its database, secrets, learners' homes and answers."""
    return platformdirs.user_data_path("kurskit") / "hub"


def default_proxy() -> str:
    """configurable-http-proxy from `make setup` (hub/node_modules), else from PATH."""
    local = Path.cwd() / PROXY_PACKAGE
    if local.exists():
        return str(local)
    return shutil.which("configurable-http-proxy") or str(local)


class HubSettings(BaseModel):
    """How the hub runs; every field has a default that works on one machine."""

    host: str = Field(default="127.0.0.1", description="Address the hub listens on.")
    port: int = Field(
        default=8010,
        description="Port of the hub's public address; the four after it are the hub's API, "
        "the answers service, the proxy's API and the Voilà app (all on loopback).",
    )
    state_dir: Path = Field(
        default_factory=default_state_dir,
        description="Hub database, cookie secret, learners' homes and the answer store.",
    )
    courses_dir: Path = Field(
        default=Path("courses"),
        description="The course sources with their keys; only the answers service reads them.",
    )
    edition_dir: Path | None = Field(
        default=None,
        description="The learner edition copied into each learner's home (default: one made "
        "from courses_dir, of its published courses, at each start).",
    )
    store_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the answer store; default: answers.sqlite in state_dir.",
    )
    admin: str = Field(default="admin", description="The hub admin created on the first run.")
    idle_timeout: int = Field(
        default=3600, description="Seconds before an idle learner's server is stopped."
    )
    isolate: bool = Field(
        default=True,
        description=(
            "Run each learner's server in the kurskit sandbox (own root filesystem, own home "
            "only, unprivileged). Turn off only where namespaces are missing and every learner "
            "is trusted."
        ),
    )
    sso_file: Path | None = Field(
        default=None,
        description="TOML file with [oidc] or [lti13]: sign in through an identity provider "
        "instead of the hub's own accounts (see kurskit.hub.sso).",
    )
    voila_app: str | None = Field(
        default=None,
        description="A notebook of the learner edition (course/module.ipynb) served as a Voilà "
        "app with a kernel of its own per participant, for a webinar's interactive exercise, "
        f"at /services/{VOILA_SERVICE}/voila/render/<notebook>; none: no app.",
    )
    voila_pool: int = Field(
        default=10,
        ge=0,
        description="Kernels the Voilà app starts ahead, once, when the hub starts: as many as "
        "participants are expected. Later visitors get a kernel started on the spot.",
    )
    voila_cull_seconds: int = Field(
        default=900,
        ge=60,
        description="Seconds after which a Voilà app kernel nobody is connected to is stopped "
        "(a closed tab leaves its kernel behind).",
    )
    certificates_file: Path | None = Field(
        default=None,
        description="The issuer's published list of certificates (published.json in the folder "
        "of `kurskit grade keys`), which the public verification page reads; `kurskit hub "
        "serve` defaults it to that folder's list.",
    )
    proxy_command: str = Field(
        default_factory=default_proxy, description="The configurable-http-proxy executable."
    )

    @field_validator("state_dir", "courses_dir", "edition_dir", "sso_file", "certificates_file")
    @classmethod
    def _absolute(cls, path: Path | None) -> Path | None:
        # The hub runs in its state folder: a relative path must not change meaning there.
        return None if path is None else path.expanduser().resolve()

    @property
    def hub_port(self) -> int:
        return self.port + 1

    @property
    def service_port(self) -> int:
        return self.port + 2

    @property
    def proxy_api_port(self) -> int:
        return self.port + 3

    @property
    def voila_port(self) -> int:
        return self.port + 4

    @property
    def public_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def answers_url(self) -> str:
        """Where learners' kernels reach the answers service (loopback, not through the proxy)."""
        return f"http://127.0.0.1:{self.service_port}/services/{ANSWERS_SERVICE}/"

    @property
    def edition_folder(self) -> Path:
        """The learner edition copied into homes: the given one, or one made at each start."""
        return self.edition_dir or self.state_dir / "edition"

    @property
    def homes_dir(self) -> Path:
        return self.state_dir / "homes"

    @property
    def display_names_file(self) -> Path:
        """Learners' names as their identity provider gave them at sign-in (for certificates)."""
        return self.state_dir / "display-names.json"

    @property
    def admin_token_file(self) -> Path:
        return self.state_dir / "admin-service-token"

    @property
    def answer_store_url(self) -> str:
        return self.store_url or f"sqlite:///{self.state_dir / 'answers.sqlite'}"

    @property
    def database_url(self) -> str:
        return f"sqlite:///{self.state_dir / 'jupyterhub.sqlite'}"
