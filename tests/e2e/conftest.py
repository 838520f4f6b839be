"""Browser tests: a real server serving the test database, Debian's Chromium driven by Playwright."""

import os
import shutil
import socket
from pathlib import Path

import pytest
from django.db import connection

from bench.harness import servers
from config import serve

CHROMIUM = "/usr/bin/chromium"
# Playwright's sync API keeps an event loop in this thread; the ORM calls the tests make between browser
# steps are ordinary blocking ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
ROOT = Path(__file__).resolve().parents[2]


def need(condition: bool, reason: str):
    """Skip locally when something the test needs is absent; in CI, that is a failure."""
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI must provide it)")
        pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


SERVER = os.environ.get("DIRETTA_SERVER", serve.DEFAULT_SERVER)  # .ci/run runs these tests under daphne too


class Server(servers.Server):
    """One server process (the one `make run` uses, unless DIRETTA_SERVER says otherwise) on the test
    database, started as the bench starts it (bench.harness.servers, which runs config.serve's command);
    can be killed and started again on the same port."""

    def __init__(self, port: int | None = None, env: dict | None = None, kind: str = SERVER):
        super().__init__(
            kind, port=port, extra_env={"DATABASE_URL": database_url(), **(env or {})}, start_timeout=20
        )

    def log_text(self) -> str:
        return Path(self.log).read_text(errors="replace") if self.log else ""


@pytest.fixture
def server(transactional_db):
    running = Server().start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser():
    need(
        Path(CHROMIUM).exists() or shutil.which("chromium") is not None,
        "Debian's Chromium is not installed (apt-get install chromium)",
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


def csp_violations(page) -> list[str]:
    """Collect what the Content Security Policy blocked on this page: an inline script or style, a handler."""
    seen: list[str] = []
    page.on("console", lambda m: seen.append(m.text) if "Content Security Policy" in m.text else None)
    return seen


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    page = context.new_page()
    blocked = csp_violations(page)
    yield page
    context.close()
    assert blocked == [], "the page did something its Content Security Policy forbids"


class AdminClient:
    """An editor's HTTP session against a running server: logs in and publishes through the admin form."""

    def __init__(self, base_url: str, username: str, password: str):
        import http.cookiejar
        import urllib.request

        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self._post(
            "/admin/login/?next=/admin/", {"username": username, "password": password, "next": "/admin/"}
        )

    def _csrf(self, path: str) -> str:
        import re

        html = self.opener.open(self.base_url + path, timeout=10).read().decode()
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def _post(self, path: str, data: dict) -> int:
        import urllib.parse

        token = self._csrf(path)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = __import__("urllib.request").request.Request(
            self.base_url + path, data=body, headers={"Referer": self.base_url + path}
        )
        with self.opener.open(request, timeout=10) as response:
            return response.status

    def publish(self, match, text: str) -> None:
        self._post(
            "/admin/commentary/entry/add/",
            {
                "match": match.pk,
                "period": "pre_match",
                "minute": "",
                "added_minute": 0,
                "kind": "commentary",
                "text": text,
                "_save": "1",
            },
        )


@pytest.fixture(autouse=True)
def fast_password_hashing():
    """A separate server checks these passwords with the project's real hashers: keep them."""
