"""Launch links for a module page: its learner edition on JupyterHub or Binder, in JupyterLab or
as a Voilà app. No link opens a course source, which holds the graded keys."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlparse

from kurskit.book.settings import BookSettings
from kurskit.course.edition import edition_notebook
from kurskit.i18n import translate

#: Where binder/postBuild writes the learner edition, in the repository's folder on Binder.
BINDER_EDITION_FOLDER = "learner-edition"
_INTERFACE_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}
_VOILA_PREFIX = "voila/render"
APP_ICON = "fas fa-desktop"


@dataclass(frozen=True)
class LaunchButton:
    """One launch link: its text (in the page's language), address and icon."""

    text: str
    url: str
    icon: str


def live_url(settings: BookSettings, slug: str, module_file: str) -> str:
    """Where a reader answers a module's questions live: the hub when set, else Binder."""
    return jupyterhub_url(settings, slug, module_file) or binder_url(settings, slug, module_file)


def app_url(settings: BookSettings, slug: str, module_file: str) -> str:
    """The module as a Voilà app: on the hub when set, else on Binder."""
    return jupyterhub_url(settings, slug, module_file, app=True) or binder_url(
        settings, slug, module_file, app=True
    )


def binder_url(settings: BookSettings, slug: str, module_file: str, *, app: bool = False) -> str:
    """`{binder}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/learner-edition/{slug}/{notebook}`
    (git repos other than GitHub and GitLab: `/v2/git/{quoted url}/{branch}`); binder/ builds
    the learner edition there and removes the course sources from the image."""
    if not (settings.binderhub_url and settings.repository_url):
        return ""
    parsed = urlparse(settings.repository_url.removesuffix(".git"))
    provider = f"{parsed.scheme}://{parsed.netloc}"
    org, _, repo = parsed.path.strip("/").partition("/")
    base = settings.binderhub_url.rstrip("/")
    if provider == "https://github.com":
        spec = f"gh/{org}/{repo}/{settings.branch}"
    elif provider == "https://gitlab.com":
        spec = f"gl/{org}%2F{repo}/{settings.branch}"
    else:
        spec = f"git/{quote(settings.repository_url, safe='')}/{settings.branch}"
    path = _edition_path(BINDER_EDITION_FOLDER, slug, module_file)
    return f"{base}/v2/{spec}?urlpath={_prefix(settings, app)}/{path}"


def jupyterhub_url(
    settings: BookSettings, slug: str, module_file: str, *, app: bool = False
) -> str:
    """`{hub}/hub/user-redirect/{ui}/{folder}/{slug}/{notebook}`: the learner edition that the
    hub puts in every learner's home (`jupyterhub_edition_folder`, default the home itself);
    `{ui}` is `lab/tree` (or `tree`), or `voila/render` for the app."""
    if not settings.jupyterhub_url:
        return ""
    path = _edition_path(settings.jupyterhub_edition_folder, slug, module_file)
    hub = settings.jupyterhub_url.rstrip("/")
    return f"{hub}/hub/user-redirect/{_prefix(settings, app)}/{path}"


def launch_buttons(
    settings: BookSettings, slug: str, module_file: str, language: str
) -> list[LaunchButton]:
    """The page header's launch links (hub first), each in JupyterLab and as an app."""
    buttons = []
    for host, icon, url in (
        ("JupyterHub", "_static/images/logo_jupyterhub.svg", jupyterhub_url),
        ("Binder", "_static/images/logo_binder.svg", binder_url),
    ):
        if lab := url(settings, slug, module_file):
            buttons.append(LaunchButton(host, lab, icon))
            app = url(settings, slug, module_file, app=True)
            text = f"{host}: {translate('open_app', language)}"
            buttons.append(LaunchButton(text, app, APP_ICON))
    return buttons


def _edition_path(folder: str, slug: str, module_file: str) -> str:
    parts = [folder.strip("/"), slug, edition_notebook(module_file)]
    return quote("/".join(part for part in parts if part), safe="/")


def _prefix(settings: BookSettings, app: bool) -> str:
    if app:
        return _VOILA_PREFIX
    return _INTERFACE_PREFIX.get(settings.notebook_interface, "lab/tree")
