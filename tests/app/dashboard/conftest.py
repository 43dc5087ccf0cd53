"""A real headless Chromium for the dashboard's end-to-end tests.

The browser is Debian's ``chromium`` package, driven by Playwright through its own
driver; nothing is downloaded by the test tools. On CI (``CI=true``), a machine without
Chromium gets it from apt; elsewhere, a missing browser skips these tests with the
command that installs it, and CI never skips them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
INSTALL = "apt-get install -y chromium"
#: Flags for a headless Chromium on a machine with a closed network.
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def install_chromium() -> None:
    """apt-get the browser (CI machines are root and start without it)."""
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update", "-q"], ["apt-get", "install", "-y", "-q", "chromium"]):
        subprocess.run(sudo + command, check=True, env=env, stdout=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = find_chromium()
    if path is None and os.environ.get("CI", "").lower() == "true":
        install_chromium()
        path = find_chromium()
        assert path, f"Chromium still missing after `{INSTALL}`"
    if path is None:
        pytest.skip(f"no Chromium on this machine: `{INSTALL}` (CI installs it itself)")
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class Server:
    """``cxsim app`` in a subprocess on a free port of 127.0.0.1."""

    def __init__(self, scenario: Path, log: Path) -> None:
        from cxsim.app.dashboard.serve import free_port

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cxsim", "app", str(scenario), "--port", str(self.port)],
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"cxsim app exited: {log.read_text()}")
            try:
                urllib.request.urlopen(self.url, timeout=2).close()
                return
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"cxsim app did not answer in 60 s: {log.read_text()}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


@pytest.fixture
def serve_dashboard(tmp_path):
    servers = []

    def start(scenario: Path) -> Server:
        server = Server(scenario, tmp_path / f"server-{len(servers)}.log")
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
