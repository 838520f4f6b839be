"""Who publishes: the editor in the Django admin (in-process with a server), or another Python process.

Both have publish(i, text) -> (accepted, wall-clock time just before the publish, seconds it took), the clock
the fans time their frames with (this machine's).

- Editor: an editor in the Django admin over plain http.client: login with CSRF, then one POST of the entry
  form per entry, through a server that also serves fans. Its time is the admin POST round trip.
- ProcessPublisher: another Python process (django.setup() with the same DATABASE_URL / REDIS_URL as the
  servers) calling commentary.domain.services.entry_publish directly, like bench/soak.py and
  commentary/demo/replay.py.
  Its updates reach the servers the way any other process's do (commentary/live/doorbell.py: Redis,
  PostgreSQL NOTIFY or a Unix datagram). Its time is the service call alone, taken inside that process.
"""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie

from .common import HOST, ROOT
from .diretta import EDITOR_PASSWORD, EDITOR_USERNAME

PUBLISH_TIMEOUT = 30.0  # one admin POST, one service call


class Editor:
    """An editor in the Django admin over plain http.client: login with CSRF, then one POST per entry."""

    def __init__(self, port: int, match_id: int | None = None):
        self.port = port
        self.match_id = match_id
        self.origin = f"http://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
        conn = http.client.HTTPConnection(HOST, self.port, timeout=PUBLISH_TIMEOUT)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode(errors="replace")
            for header in response.headers.get_all("Set-Cookie") or []:
                cookie = SimpleCookie()
                cookie.load(header)
                for name, morsel in cookie.items():
                    self.cookies[name] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()

    def _read_csrf(self, page: str) -> None:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if not found:
            raise RuntimeError("no CSRF token in the admin page")
        self.csrf = found.group(1)

    def login(self) -> Editor:
        status, _headers, page = self.request("GET", "/admin/login/?next=/admin/")
        if status != 200:
            raise RuntimeError(f"GET /admin/login/ answered {status}")
        self._read_csrf(page)
        form = {
            "username": EDITOR_USERNAME,
            "password": EDITOR_PASSWORD,
            "csrfmiddlewaretoken": self.csrf,
            "next": "/admin/",
        }
        status, _headers, _page = self.request("POST", "/admin/login/", form)
        if status != 302:
            raise RuntimeError(f"admin login answered {status}, not a redirect")
        # Logging in rotates the CSRF secret: take a token made from the new one, as a browser would.
        status, _headers, page = self.request("GET", "/admin/commentary/entry/add/")
        if status != 200:
            raise RuntimeError(f"GET /admin/commentary/entry/add/ answered {status} after login")
        self._read_csrf(page)
        return self

    def publish_entry(self, match_id: int, text: str) -> tuple[bool, float, float]:
        """POST one commentary entry; return (accepted, time just before the POST, seconds it took)."""
        form = {
            "match": match_id,
            "period": "pre_match",
            "minute": "",
            "added_minute": 0,
            "kind": "commentary",
            "text": text,
            "csrfmiddlewaretoken": self.csrf,
            "_save": "1",
        }
        started = time.time()
        status, _headers, _page = self.request("POST", "/admin/commentary/entry/add/", form)
        return status == 302, started, time.time() - started

    def publish(self, i: int, text: str) -> tuple[bool, float, float]:
        return self.publish_entry(self.match_id, text)

    def close(self) -> None:
        pass


# Runs in its own interpreter: one JSON command per stdin line, one JSON answer per stdout line.
PUBLISHER_SCRIPT = r"""
import json, sys, time
import django
django.setup()
from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from matches.models import Match

match = Match.objects.get(pk=int(sys.argv[1]))
print(json.dumps({"ready": True}), flush=True)
for line in sys.stdin:
    command = json.loads(line)
    started = time.time()
    try:
        draft = EntryDraft(text=command["text"], period="pre_match")
        entry = services.entry_publish(match=match, draft=draft)
        answer = {"ok": True, "entry": entry.pk}
    except Exception as error:  # reported to the bench, which counts the publish as rejected
        answer = {"ok": False, "error": f"{type(error).__name__}: {error}"}
    answer.update(started=started, took=time.time() - started)
    print(json.dumps(answer), flush=True)
"""


class ProcessPublisher:
    """A separate Python process publishing through commentary.domain.services.entry_publish."""

    def __init__(self, env: dict, match_id: int, log=None, start_timeout: float = 60.0):
        self.log = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - closed in close()
        self.process = subprocess.Popen(
            [sys.executable, "-c", PUBLISHER_SCRIPT, str(match_id)],
            cwd=ROOT,
            env={**env, "DJANGO_SETTINGS_MODULE": env.get("DJANGO_SETTINGS_MODULE", "config.settings")},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            start_new_session=True,
        )
        self.errors: list[str] = []
        self._answer(start_timeout)  # {"ready": true} once django.setup() and the match lookup are done

    def _answer(self, timeout: float) -> dict:
        import selectors

        with selectors.DefaultSelector() as selector:
            selector.register(self.process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout):
                raise RuntimeError(f"the publisher process did not answer within {timeout:.0f} s")
        line = self.process.stdout.readline()
        if not line:
            self.process.wait(timeout=5)
            raise RuntimeError(f"the publisher process exited with {self.process.returncode} (see its log)")
        return json.loads(line)

    def publish(self, i: int, text: str) -> tuple[bool, float, float]:
        self.process.stdin.write(json.dumps({"text": text}) + "\n")
        self.process.stdin.flush()
        answer = self._answer(PUBLISH_TIMEOUT)
        if not answer["ok"]:
            self.errors.append(answer["error"])
        return answer["ok"], answer["started"], answer["took"]

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.log is not subprocess.DEVNULL:
            self.log.close()
