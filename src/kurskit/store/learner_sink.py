"""The sink a learner's kernel writes to: the answers service on a hub, else the local store."""

from __future__ import annotations

import os
from functools import cache
from typing import Any


class _UnavailableSink:
    """Stands in when the store cannot be opened: every call says why, in the widget."""

    def __init__(self, error: Exception) -> None:
        self.error = error

    def __getattr__(self, name: str) -> Any:
        def fail(**_: Any) -> Any:
            raise RuntimeError(f"the answer store is not available ({self.error})")

        return fail


@cache
def answer_sink() -> Any:
    """On a hub, the answers service (the kernel never opens the store); elsewhere the local
    store of the person running the notebook."""
    try:
        from kurskit.store.identity import HUB_USER_VARIABLE
        from kurskit.store.service_sink import ServiceSink

        if (service := ServiceSink.from_environment()) is not None:
            return service
        if os.environ.get(HUB_USER_VARIABLE):
            # A hub server without the service: opening the store here would let this kernel
            # read and write every learner's answers, so answers are not saved at all.
            raise RuntimeError("this hub has no kurskit answers service configured")
        from kurskit.store.sink import default_sink

        return default_sink()
    except Exception as error:
        return _UnavailableSink(error)
