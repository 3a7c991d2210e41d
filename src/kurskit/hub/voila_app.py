"""The hub's Voilà app for a webinar's interactive exercise: standalone Voilà as a hub service,
behind the hub's login, with a pool of kernels started ahead (one per expected participant, no
more: `voila_kernels.PooledKernels`), culling of abandoned kernels, and every kernel sandboxed
(`voila_kernels.SandboxedVoilaKernel`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
from jupyterhub.utils import url_path_join

from kurskit.hub.settings import VOILA_SERVICE, HubSettings

#: Seconds after a participant takes a kernel before a spare one starts (below the cap).
REFILL_SECONDS = 2.0
#: Seconds between looks for abandoned kernels.
CULL_INTERVAL = 60


class HubIdentityProvider(JupyterHubIdentityProvider):
    """JupyterHub's login for a Voilà app run as a hub service. Standalone Voilà adds an
    identity provider's routes as they are; the hub calls back under the service's prefix."""

    def get_handlers(self) -> list[Any]:
        base = self.parent.base_url
        return [(url_path_join(base, route), *rest) for route, *rest in super().get_handlers()]


def voila_prefix() -> str:
    return f"/services/{VOILA_SERVICE}/"


def app_url(settings: HubSettings) -> str | None:
    """Where participants open the app, or None when the hub has none."""
    if settings.voila_app is None:
        return None
    return f"{settings.public_url}{voila_prefix()}voila/render/{settings.voila_app}"


def voila_config(settings: HubSettings) -> str:
    """The app's voila.py: found first in its working folder, so it overrides the installed
    configuration (whose MyST hook Voilà refuses beside pre-started kernels; the edition's
    modules are notebooks, which need no hook)."""
    assert settings.voila_app is not None
    pools = {"default": {"pool_size": 0}, settings.voila_app: {"pool_size": settings.voila_pool}}
    values: dict[str, Any] = {
        "Voila.ip": "127.0.0.1",
        "Voila.port": settings.voila_port,
        "Voila.base_url": voila_prefix(),
        "Voila.open_browser": False,
        "Voila.identity_provider_class": f"{__name__}.HubIdentityProvider",
        "VoilaConfiguration.prelaunch_hook": None,
        "VoilaConfiguration.preheat_kernel": True,
        "VoilaConfiguration.default_pool_size": 0,
        "VoilaConfiguration.show_tracebacks": False,
        "VoilaKernelManager.kernel_pools_config": pools,
        "VoilaKernelManager.fill_delay": REFILL_SECONDS,
        "VoilaConfiguration.multi_kernel_manager_class": "kurskit.hub.voila_kernels.PooledKernels",
        "PooledKernels.max_kernels": settings.voila_pool,
        "MappingKernelManager.cull_idle_timeout": settings.voila_cull_seconds,
        "MappingKernelManager.cull_interval": CULL_INTERVAL,
        "MappingKernelManager.cull_connected": False,
        "PooledKernels.kernel_manager_class": "kurskit.hub.voila_kernels.SandboxedVoilaKernel",
        "SandboxedVoilaKernel.edition": str(settings.edition_folder),
        "SandboxedVoilaKernel.isolated": settings.isolate,
    }
    lines = ['"""Written by kurskit at each hub start (kurskit.hub.voila_app)."""', ""]
    lines.append("c = get_config()  # noqa: F821")
    lines += [f"c.{name} = {value!r}" for name, value in values.items()]
    return "\n".join(lines) + "\n"


def voila_service(settings: HubSettings) -> dict[str, Any] | None:
    """The hub service running the app (None when the hub has none); writes its config."""
    if settings.voila_app is None:
        return None
    folder = settings.state_dir / "voila"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "voila.py").write_text(voila_config(settings), "utf-8")
    return {
        "name": VOILA_SERVICE,
        "url": f"http://127.0.0.1:{settings.voila_port}",
        # Voilà's console script, not `python -m voila`: that would import the voila.py
        # configuration in the working folder as the voila package.
        "command": [str(Path(sys.executable).parent / "voila"), str(settings.edition_folder)],
        "cwd": str(folder),
        "oauth_no_confirm": True,
        "display": False,
    }


def check_app(settings: HubSettings) -> None:
    """ValueError unless the app names a notebook of the (prepared) learner edition."""
    if settings.voila_app is None:
        return
    path = Path(settings.voila_app)
    notebooks = sorted(
        p.relative_to(settings.edition_folder).as_posix()
        for p in settings.edition_folder.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    if path.is_absolute() or ".." in path.parts or path.as_posix() not in notebooks:
        raise ValueError(
            f"--voila-app {settings.voila_app}: not a notebook of the learner edition "
            f"(notebooks: {', '.join(notebooks) or 'none'})"
        )
