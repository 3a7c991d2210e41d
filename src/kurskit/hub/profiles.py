"""Learners' display names as their identity provider states them at sign-in, kept beside the
hub's database for certificates (a hub user name is a login, not a name to print)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from kurskit.atomic import write_text_atomically

log = logging.getLogger("kurskit.hub.profiles")


def display_name(auth_state: dict[str, Any] | None) -> tuple[str, str]:
    """(name, email) from an authenticator's auth_state: OpenID Connect userinfo (under
    `oauth_user`) or an LTI 1.3 launch's claims; empty strings when it states none."""
    if not auth_state:
        return "", ""
    claims = auth_state.get("oauth_user") or auth_state
    name = str(claims.get("name") or "").strip()
    if not name:
        parts = [claims.get("given_name"), claims.get("family_name")]
        name = " ".join(str(part).strip() for part in parts if part)
    return " ".join(name.split()), str(claims.get("email") or "").strip()


class NameRecorder:
    """A JupyterHub `post_auth_hook` that records each user's display name (mode 0600)."""

    def __init__(self, path: Path) -> None:
        # No lock: the hub calls its hooks on its one event loop thread, and traitlets copies
        # configuration values, which a lock would not survive.
        self.path = path

    def __call__(self, authenticator: Any, handler: Any, authentication: Any) -> Any:
        if not isinstance(authentication, dict):
            return authentication
        name, email = display_name(authentication.get("auth_state"))
        user = authentication.get("name")
        if user and name:
            try:
                self.record(str(user), name, email)
            except OSError as error:  # a name not kept must not stop a login
                log.warning("could not record the display name of %s: %s", user, error)
        return authentication

    def record(self, user: str, name: str, email: str) -> None:
        names = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}
        if names.get(user) == {"name": name, "email": email}:
            return
        names[user] = {"name": name, "email": email}
        write_text_atomically(
            self.path, json.dumps(names, indent=2, ensure_ascii=False), private=True
        )
