"""Who the learner is: the JupyterHub user on a hub, the operating-system user otherwise."""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping

from kurskit.store.errors import StoreError

HUB_USER_VARIABLE = "JUPYTERHUB_USER"


def current_user(environ: Mapping[str, str] | None = None) -> str:
    """The user name of the running context; never a value the widgets choose.

    On a JupyterHub single-user server the hub sets `JUPYTERHUB_USER`; elsewhere the
    operating-system account is used. This is for the local store only: on a hub, answers go
    to the answers service, which takes the learner from the hub token, not from here.
    """
    env = os.environ if environ is None else environ
    if user := env.get(HUB_USER_VARIABLE, "").strip():
        return user
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no passwd entry and no LOGNAME/USER (some containers)
        user = ""
    if not user:
        raise StoreError(
            "cannot tell who the learner is: set JUPYTERHUB_USER, or USER, to the user name"
        )
    return user
