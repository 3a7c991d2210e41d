"""Hub accounts, cohorts and instructors: passwords in NativeAuthenticator's table, groups
through the hub's REST API with the admin service's token."""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

from kurskit.hub.cohorts import COHORT_PREFIX, INSTRUCTORS_PREFIX, cohort_group, instructor_group
from kurskit.hub.settings import HUB_LIST_PAGE as PAGE
from kurskit.hub.settings import HubSettings


class HubError(RuntimeError):
    """The hub refused or could not be reached; the message says what to do."""


def admin_token(settings: HubSettings) -> str:
    """The admin service's token (made on the first run, readable by this OS user only)."""
    file = settings.admin_token_file
    if not file.exists():
        settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        file.touch(mode=0o600)
        file.write_text(secrets.token_hex(32))
    return file.read_text().strip()


def set_password(settings: HubSettings, name: str, password: str) -> None:
    """Create or update an authorised NativeAuthenticator account (works with the hub down)."""
    import bcrypt
    from jupyterhub import orm
    from nativeauthenticator.orm import UserInfo

    if len(password) < 10:
        raise HubError("a password needs at least 10 characters")
    settings.state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    session = orm.new_session_factory(settings.database_url)()
    try:
        hashed = bcrypt.hashpw(password.encode(), bcrypt.gensalt())
        info = UserInfo.find(session, name)
        if info is None:
            session.add(UserInfo(username=name, password=hashed, is_authorized=True))
        else:
            info.password, info.is_authorized = hashed, True
        session.commit()
    finally:
        session.close()
        session.get_bind().dispose()


class HubClient:
    """The hub's REST API as the admin service (users, groups, tokens)."""

    def __init__(self, settings: HubSettings) -> None:
        self.api = f"http://127.0.0.1:{settings.hub_port}/hub/api"
        self._token = admin_token(settings)

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.api + path, data=data, method=method)
        request.add_header("Authorization", f"token {self._token}")
        try:
            with urllib.request.urlopen(request, timeout=30) as reply:
                text = reply.read()
        except urllib.error.HTTPError as error:
            detail = error.read().decode(errors="replace")
            raise HubError(f"the hub refused {method} {path}: {error.code} {detail}") from None
        except OSError as error:
            raise HubError(
                f"the hub is not reachable at {self.api} ({error}); start it with "
                "`kurskit hub serve`"
            ) from None
        return json.loads(text) if text else None

    def listed(self, path: str) -> list[Any]:
        """Every item of a hub list (`/users`, `/groups`), page by page (the hub gives at most
        `api_page_max_limit`, 200 by default, at a time)."""
        items: list[Any] = []
        while True:
            page = self.call("GET", f"{path}?offset={len(items)}&limit={PAGE}")
            items += page
            if len(page) < PAGE:
                return items

    def ensure_users(self, names: Iterable[str]) -> None:
        """Create the hub users who do not exist yet."""
        known = {user["name"] for user in self.listed("/users")}
        missing = sorted(set(names) - known)
        if missing:
            self.call("POST", "/users", {"usernames": missing})

    def add_to_group(self, group: str, names: Iterable[str]) -> None:
        members = sorted(set(names))
        self.ensure_users(members)
        groups = {g["name"] for g in self.listed("/groups")}
        if group not in groups:
            self.call("POST", f"/groups/{quote(group)}")
        if members:
            self.call("POST", f"/groups/{quote(group)}/users", {"users": members})

    def remove_from_group(self, group: str, names: Iterable[str]) -> None:
        self.call("DELETE", f"/groups/{quote(group)}/users", {"users": sorted(set(names))})

    def add_to_cohort(self, cohort: str, names: Iterable[str]) -> None:
        """Put learners (and the instructors who follow them) in a cohort."""
        self.add_to_group(cohort_group(cohort), names)

    def add_instructors(self, course: str, names: Iterable[str]) -> None:
        self.add_to_group(instructor_group(course), names)

    def cohorts(self) -> dict[str, list[str]]:
        """Cohort and instructor groups with their members."""
        return {
            group["name"]: sorted(group.get("users") or [])
            for group in self.listed("/groups")
            if group["name"].startswith((COHORT_PREFIX, INSTRUCTORS_PREFIX))
        }

    def token_for(self, name: str, note: str = "kurskit") -> str:
        """A new API token of a user (for scripts and tests acting as that user)."""
        self.ensure_users([name])
        model = self.call("POST", f"/users/{quote(name)}/tokens", {"note": note})
        return str(model["token"])
