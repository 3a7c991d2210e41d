"""`kurskit webinar` and the hub client's paging, without a running hub."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from kurskit.cli import app
from kurskit.hub.users import HubClient

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_webinar_prints_the_three_addresses(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)  # the hub's default course sources: courses/
    where = ["--state-dir", str(tmp_path), "--port", "8123"]
    result = runner.invoke(app, ["webinar", "kildekritikk", "01-informasjonssok", *where])
    assert result.exit_code == 0, result.output
    base = "http://127.0.0.1:8123"
    assert (
        f"{base}/hub/user-redirect/voila/render/kurskit-webinar.ipynb"
        "?course=kildekritikk&module=01-informasjonssok" in result.output
    )
    join = f"{base}/services/kurskit-answers/webinar/kildekritikk/01-informasjonssok"
    assert join in result.output and f"{join}/projector" in result.output


def test_webinar_names_what_exists_when_a_name_is_wrong(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(ROOT)
    where = ["--state-dir", str(tmp_path)]
    wrong_module = runner.invoke(app, ["webinar", "kildekritikk", "99-nope", *where])
    assert wrong_module.exit_code == 1
    assert "has no module '99-nope'" in wrong_module.output
    assert "01-informasjonssok.md" in wrong_module.output
    wrong_course = runner.invoke(app, ["webinar", "nope", "x", *where])
    assert wrong_course.exit_code == 1
    assert re.search(r"courses: [^)]*\bkildekritikk\b", wrong_course.output), wrong_course.output


class PagedHub(HubClient):
    """A hub client whose hub lists 450 users, 200 at most a page, as JupyterHub does."""

    def __init__(self) -> None:
        self.users = [{"name": f"u{n:03d}"} for n in range(450)]
        self.created: list[str] = []

    def call(self, method: str, path: str, body: Any = None) -> Any:
        if method == "POST":
            self.created += body["usernames"]
            return None
        query = dict(part.split("=") for part in path.split("?")[1].split("&"))
        offset, limit = int(query["offset"]), min(int(query["limit"]), 200)
        return self.users[offset : offset + limit]


def test_every_page_of_a_hub_list_is_read() -> None:
    hub = PagedHub()
    assert len(hub.listed("/users")) == 450
    hub.ensure_users(["u000", "u449", "new"])
    assert hub.created == ["new"]  # u449 is on the third page: not created again
