"""NativeAuthenticator on JupyterHub 6: its login handler times logins with `self.statsd`,
which JupyterHub 6 removed, so every login failed with a 500. This subclass gives that handler
a timer that measures nothing; everything else is NativeAuthenticator's own."""

from __future__ import annotations

from typing import Any

from nativeauthenticator import NativeAuthenticator
from nativeauthenticator.handlers import LoginHandler


class _NoTimer:
    """Stands in for a statsd timer: `timer(name).start()` … `.stop(send=…)`."""

    def timer(self, name: str) -> _NoTimer:
        return self

    def start(self) -> _NoTimer:
        return self

    def stop(self, send: bool = True) -> None:
        return None


class _LoginHandler(LoginHandler):
    statsd = _NoTimer()


class KurskitNativeAuthenticator(NativeAuthenticator):
    """NativeAuthenticator whose login works on JupyterHub 6."""

    def get_handlers(self, app: Any) -> list[tuple[str, Any]]:
        handlers: list[tuple[str, Any]] = super().get_handlers(app)
        return [(path, _LoginHandler if h is LoginHandler else h) for path, h in handlers]
