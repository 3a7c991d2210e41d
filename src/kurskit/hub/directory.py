"""Who is in which hub group, asked of the JupyterHub REST API with the service's own token."""

from __future__ import annotations

import json
import time
from urllib.parse import urlencode

from tornado.httpclient import AsyncHTTPClient, HTTPRequest

from kurskit.hub.settings import HUB_LIST_PAGE as PAGE

#: How long a read of the groups is reused; a cohort change reaches the service within this.
CACHE_SECONDS = 5.0


class HubDirectory:
    """Group memberships from the hub (the service's role grants `list:groups`, `read:groups`)."""

    def __init__(self, api_url: str, token: str) -> None:
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._groups: dict[str, set[str]] = {}
        self._read_at = -CACHE_SECONDS

    async def groups(self) -> dict[str, set[str]]:
        """group name → its members' names."""
        if time.monotonic() - self._read_at < CACHE_SECONDS:
            return self._groups
        groups: dict[str, set[str]] = {}
        offset = 0
        client = AsyncHTTPClient()
        while True:
            query = urlencode({"offset": offset, "limit": PAGE})
            request = HTTPRequest(
                f"{self.api_url}/groups?{query}",
                headers={"Authorization": f"token {self._token}"},
            )
            page = json.loads((await client.fetch(request)).body)
            for group in page:
                groups[group["name"]] = set(group.get("users") or ())
            if len(page) < PAGE:
                break
            offset += PAGE
        self._groups, self._read_at = groups, time.monotonic()
        return groups

    async def groups_of(self, user: str) -> set[str]:
        """The groups `user` is a member of."""
        return {name for name, members in (await self.groups()).items() if user in members}
