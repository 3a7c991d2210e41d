"""Helpers for browser tests: Debian Chromium driven by Playwright, and local servers."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

CHROMIUM = Path("/usr/bin/chromium")
# Flags for a closed network: no background calls home, no component or sync downloads.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


#: The axe-core rule tags of WCAG 2.1 A and AA.
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def serious_violations(page: Any) -> list[Any]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page: (rule, targets)."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG}})
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def jupyter_env(folder: Path, store_url: str, **extra: str) -> dict[str, str]:
    """Environment for a Jupyter server a test starts: its own home, Jupyter config, data and
    runtime folders under `folder`, and answers in `store_url`, never the user's own."""
    home = folder / "home"
    env = {
        "HOME": str(home),
        "IPYTHONDIR": str(home / ".ipython"),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "JUPYTER_RUNTIME_DIR": str(home / ".local" / "share" / "jupyter" / "runtime"),
        "KURSKIT_STORE_URL": store_url,
    }
    return {**env, **extra}


#: Jupyter servers refuse to run as root without this flag (containers and CI run as root).
ROOT_FLAGS = ["--allow-root"] if os.geteuid() == 0 else []


def wait_for_http(url: str, process: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before {url} answered")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextmanager
def server(command: list[str], url: str, env: dict[str, str], log: Path) -> Iterator[None]:
    """Run a server process until the block ends; its output goes to `log`."""
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            wait_for_http(url, process)
            yield
        finally:
            stop(process, timeout=15)


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGTERM, and SIGKILL if the process has not ended within `timeout` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def headless_chromium() -> Iterator[object]:
    """A headless Debian Chromium (installed by `make setup`) driven by Playwright."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: run `make setup` (installs Debian chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
