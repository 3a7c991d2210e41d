"""What every handler of the answers service shares: the hub user behind the request, JSON in
and out, refusals as JSON errors, and who teaches or may read what."""

from __future__ import annotations

import json
from typing import Any, cast

from jupyterhub.services.auth import HubOAuth, HubOAuthenticated
from tornado import web

from kurskit.hub.answers import AnswerDesk, RefusedError
from kurskit.hub.cohorts import readable_learners, teaches
from kurskit.hub.directory import HubDirectory

#: Bodies larger than this are refused before they are parsed.
MAX_BODY_BYTES = 256 * 1024


class ServiceHandler(HubOAuthenticated, web.RequestHandler):
    """Common parts: the desk, JSON in and out, and refusals as JSON errors."""

    def initialize(self, desk: AnswerDesk, directory: HubDirectory, hub_auth: HubOAuth) -> None:
        self.desk = desk
        self.directory = directory
        self.hub_auth = hub_auth

    def get_login_url(self) -> str:
        raise web.HTTPError(401, "log in to the hub, or send a hub token")

    def check_xsrf_cookie(self) -> None:
        # A request carrying a token is checked by its token (a page of another site cannot
        # send an Authorization header without CORS, which this service never allows);
        # cookie-authenticated writes need the XSRF token.
        if self.request.headers.get("Authorization"):
            return
        super().check_xsrf_cookie()

    @property
    def user(self) -> dict[str, Any]:
        model = self.current_user
        if not model:
            raise web.HTTPError(401, "log in to the hub, or send a hub token")
        if model.get("kind", "user") != "user":
            raise web.HTTPError(403, "only hub users have answers")
        return cast(dict[str, Any], model)

    def body(self) -> dict[str, Any]:
        if len(self.request.body) > MAX_BODY_BYTES:
            raise RefusedError(413, f"the request is larger than {MAX_BODY_BYTES // 1024} KiB")
        try:
            data = json.loads(self.request.body or b"{}")
        except ValueError:
            raise RefusedError(400, "the request is not JSON") from None
        if not isinstance(data, dict):
            raise RefusedError(400, "the request must be a JSON object")
        return data

    def reply(self, data: Any) -> None:
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(data, ensure_ascii=False))

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None, None))[1]
        if isinstance(error, web.HTTPError) and error.log_message:
            message = error.log_message % error.args if error.args else error.log_message
        elif isinstance(error, RefusedError):
            message = error.message
        else:
            message = self._reason
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.finish(json.dumps({"error": message}, ensure_ascii=False))

    def _handle_request_exception(self, error: BaseException) -> None:
        if isinstance(error, RefusedError):
            self.send_error(error.status, exc_info=(type(error), error, error.__traceback__))
            return
        super()._handle_request_exception(error)

    async def readable(self, course: str) -> dict[str, str]:
        """learner → cohort whose answers in `course` the current user may read."""
        user = self.user
        members = await self.directory.groups()
        groups = {name for name, names in members.items() if user["name"] in names}
        return readable_learners(
            user["name"], groups, course, members, admin=bool(user.get("admin"))
        )

    async def _may_teach(self, course: str) -> bool:
        user = self.user
        return bool(user.get("admin")) or teaches(
            await self.directory.groups_of(user["name"]), course
        )
