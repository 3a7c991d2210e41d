"""Launch links for a notebook page: Binder and JupyterHub (nbgitpuller), from one setting."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlparse

from kurskit.book.settings import BookSettings

_INTERFACE_PREFIX = {"classic": "tree", "jupyterlab": "lab/tree"}


def theme_launch_config(settings: BookSettings) -> dict[str, str]:
    """`launch_buttons` for Jupyter Book's theme, which draws the same links in page headers."""
    config = {"notebook_interface": settings.notebook_interface}
    if settings.binderhub_url:
        config["binderhub_url"] = settings.binderhub_url
    if settings.jupyterhub_url:
        config["jupyterhub_url"] = settings.jupyterhub_url
    return config


def live_url(settings: BookSettings, path_in_repository: str) -> str:
    """Where a reader answers a notebook's questions live: the hub when set, else Binder."""
    return jupyterhub_url(settings, path_in_repository) or binder_url(settings, path_in_repository)


def binder_url(settings: BookSettings, path_in_repository: str) -> str:
    """`{binder}/v2/gh/{org}/{repo}/{branch}?urlpath={ui}/{path}` (git repos other than GitHub
    and GitLab: `/v2/git/{quoted url}/{branch}`), as the book theme writes it."""
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
    return f"{base}/v2/{spec}?urlpath={_prefix(settings)}/{path_in_repository}"


def jupyterhub_url(settings: BookSettings, path_in_repository: str) -> str:
    """`{hub}/hub/user-redirect/git-pull?repo=…&urlpath={ui}/{repo}/{path}&branch=…`."""
    if not (settings.jupyterhub_url and settings.repository_url):
        return ""
    repo_name = urlparse(settings.repository_url).path.rstrip("/").split("/")[-1]
    repo_name = repo_name.removesuffix(".git")
    query = urlencode(
        {
            "repo": settings.repository_url,
            "urlpath": f"{_prefix(settings)}/{repo_name}/{path_in_repository}",
            "branch": settings.branch,
        },
        safe="/",
    )
    return f"{settings.jupyterhub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"


def _prefix(settings: BookSettings) -> str:
    return _INTERFACE_PREFIX.get(settings.notebook_interface, "lab/tree")
