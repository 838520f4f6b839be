"""Fan-out benchmark: how fast, how completely and at what cost one published entry reaches N connected fans.

    .venv/bin/python bench/fanout.py [--fans 2000] [--updates 20] [--workers 1|2] [--interval 0.5] [--redis]
                                     [--server daphne|uvicorn] [--database-url URL]

One run measures two servers with the same fan clients, one after the other:

1. Diretta as deployed: a real daphne (two behind Redis with --workers 2) on a fresh database. N fans connect
   to /ws/matches/<id>/ and send their `since`; an editor then publishes M entries through the Django admin,
   each carrying a unique marker `bench-<i>`. The publish time (just before the admin POST) and each fan's
   receive time of the frame holding the marker share one clock, this machine's.
2. The ceiling: bench/ceiling_server.py, the `websockets` library alone in one process, broadcasting frames
   of the same size. What Diretta loses against it is what Django, Channels, daphne and the hub cost.

The fans live in separate client processes (asyncio + `websockets`), so the servers are not measured against a
client that shares their event loop. Everything listens and connects on 127.0.0.1 only, every wait is bounded
(connections, deliveries, server start), and the servers and clients are stopped at the end, on errors and on
Ctrl-C too. The output is a plain-text table and one `RESULT {json}` line with every figure.

Fans, editor and servers share this machine's CPUs: on a small machine the clients' own work shows in the
latencies of both servers alike, and anything else running (a test suite, a browser) distorts both. The table
reports the CPU other processes used during each publish phase: when it is more than a few tenths of a second,
run again.

`--server uvicorn` runs the same Diretta code under uvicorn instead of daphne, as a comparison point (uvicorn
is a development dependency for this, not what `make run` serves with).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import importlib.util
import json
import math
import multiprocessing
import multiprocessing.connection
import os
import random
import re
import resource
import shlex
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # every server and every client stays on the loopback interface
BIN = Path(sys.executable).parent  # daphne from the same virtualenv as this interpreter

SERVER_START_TIMEOUT = 30.0
IDLE_TIMEOUT = 15.0  # how long to wait for the servers to go quiet once all fans are connected
RESULTS_GRACE = 10.0  # how long a client process may take to hand in its results once told to stop
PUBLISH_TIMEOUT = 30.0  # one admin POST

MARKER = re.compile(r"bench-(\d+)")
SEQ = re.compile(r'data-seq="(\d+)"')

# A commentary line of ordinary length, so the frames weigh what real ones do.
FILLER = (
    "Azione insistita sulla destra, cross basso sul primo palo, il difensore anticipa tutti e allontana "
    "in calcio d'angolo. Dalla bandierina palla tesa al centro: colpo di testa alto sopra la traversa."
)

# DEBUG=0 as in production: DEBUG=1 makes Django keep every SQL query in memory and changes the static files
# and error paths, which would not be the app being measured. Over plain http that needs
# SECURE_SSL_REDIRECT=0; the session and CSRF cookies are still marked Secure, which only a browser honours
# (it would not send them back over http): this script keeps its own cookies, so the admin login works.
# DATABASE_URL and REDIS_URL are never inherited from the caller's shell: the bench must not write into a
# development or production database, nor publish on a shared Redis, by accident.
BENCH_SECRET_KEY = "bench-secret-key-" + "x" * 40
EDITOR_USERNAME = "bench-editor"
EDITOR_PASSWORD = "bench-Password-2718"  # a throwaway user in a throwaway database

# Runs in `manage.py shell` against the bench database; prints the match id as JSON on its last line.
SETUP_SCRIPT = """
import json
from datetime import timedelta
from django.contrib.auth.models import Group, User
from django.utils import timezone
from matches.models import Competition, Match, Team

token = "%(token)s"
user, _ = User.objects.get_or_create(username="%(username)s", defaults={"is_staff": True})
user.is_staff = True
user.set_password("%(password)s")
user.save()
user.groups.add(Group.objects.get(name="Editors"))
competition, _ = Competition.objects.get_or_create(name="Bench", season="2025/26")
home = Team.objects.create(name=f"Bench Casa {token}", short_name="Casa", code="CAS")
away = Team.objects.create(name=f"Bench Ospiti {token}", short_name="Ospiti", code="OSP")
match = Match.objects.create(
    pk=%(match_id)d, competition=competition, home_team=home, away_team=away,
    kickoff=timezone.now() + timedelta(hours=1),
)
print(json.dumps({"match_id": match.pk}))
"""


# --- small helpers ------------------------------------------------------------------------------------------


def raise_fd_limit() -> None:
    """One file descriptor per socket: thousands of fans need the hard limit, not the usual soft 1024."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_ports(count: int) -> int:
    """The first of `count` consecutive free ports (daphne workers listen on p, p+1, ...)."""
    for _attempt in range(100):
        with socket.socket() as probe:
            probe.bind((HOST, 0))
            first = probe.getsockname()[1]
        if first + count > 65535:
            continue
        try:
            with contextlib.ExitStack() as stack:
                for port in range(first, first + count):
                    sock = stack.enter_context(socket.socket())
                    sock.bind((HOST, port))
            return first
        except OSError:
            continue
    raise RuntimeError("no free ports on 127.0.0.1")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process, from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()  # the command name may contain spaces: skip past it
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def machine_busy_seconds() -> float:
    """CPU time all processes of this machine have used (the first line of /proc/stat), idle excluded."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def total_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def total_rss_kb(pids: list[int]) -> int:
    return sum(rss_kb(pid) for pid in pids)


def wait_idle(pids: list[int], timeout: float) -> None:
    """Wait until the servers have done the work the connections queued (handshakes, `since`, joins)."""
    deadline = time.monotonic() + timeout
    before = total_cpu(pids)
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = total_cpu(pids)
        if now - before < 0.03:  # under ~6% of one CPU over half a second: only the hub's poll is running
            return
        before = now


def percentile(sorted_values: list[float], p: float) -> float | None:
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return None
    rank = min(len(sorted_values), max(1, math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_http(port: int, path: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server on port {port} exited with {process.returncode}:\n{tail(log)}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            status, _body = http_get(port, path, timeout=2)
            if status == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"server on port {port} not answering {path} after {timeout:.0f} s:\n{tail(log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def log_problems(path: Path) -> list[str]:
    """Warnings, errors and tracebacks a server logged during the run: delivery failures show up here."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if re.search(r"WARNING|ERROR|CRITICAL|Traceback", line)]


# --- servers ------------------------------------------------------------------------------------------------


@dataclass
class Servers:
    """Server processes started by this script; stop() is safe to call twice, and after a failed start."""

    processes: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def start(self, command: list[str], env: dict, log: Path) -> subprocess.Popen:
        with open(log, "wb") as out:
            # A session of its own: a Ctrl-C in the terminal reaches this script, which stops the servers
            # in order, instead of reaching the servers in the middle of a measurement.
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        self.logs.append(log)
        return process

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
        self.processes = []


def server_env(args, var_dir: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DEBUG="0",
        SECRET_KEY=BENCH_SECRET_KEY,
        ALLOWED_HOSTS=HOST,
        SECURE_SSL_REDIRECT="0",
        DIRETTA_VAR_DIR=str(var_dir),  # a fresh SQLite file (unless --database-url) and static files
        STATIC_ROOT=str(var_dir / "staticfiles"),
        LOG_LEVEL="WARNING",
        PYTHONUNBUFFERED="1",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    if args.redis:
        env["REDIS_URL"] = args.redis_url
    return env


def manage(env: dict, *arguments: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {arguments[0]} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def prepare_database(env: dict) -> int:
    """Migrate, collect the static files DEBUG=0 serves, create the editor and a match; return its id."""
    manage(env, "migrate", "--noinput", "-v0")
    # The admin pages link static files through the manifest, which only collectstatic writes.
    manage(env, "collectstatic", "--noinput", "-v0")
    # Redis pub/sub channels ignore the database number: a test suite using the same Redis would publish on
    # "match-1". A random, high match id keeps the bench's group apart from everything else.
    match_id = random.randrange(10**8, 10**9)
    script = SETUP_SCRIPT % {
        "token": f"{match_id:x}",
        "username": EDITOR_USERNAME,
        "password": EDITOR_PASSWORD,
        "match_id": match_id,
    }
    output = manage(env, "shell", "-c", script)
    return json.loads(output.strip().splitlines()[-1])["match_id"]


def server_command(kind: str, port: int) -> list[str]:
    if kind == "uvicorn":
        # A comparison point (a development dependency), run as a module of this interpreter.
        if importlib.util.find_spec("uvicorn") is None:
            raise SystemExit("--server uvicorn: uvicorn is not importable (pip install uvicorn)")
        return [
            sys.executable, "-m", "uvicorn", "config.asgi:application", "--host", HOST, "--port", str(port),
            "--ws", "websockets-sansio", "--lifespan", "off", "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    return [str(BIN / "daphne"), "-b", HOST, "-p", str(port), "config.asgi:application"]


# --- the editor ---------------------------------------------------------------------------------------------


class Editor:
    """An editor in the Django admin over plain http.client: login with CSRF, then one POST per entry."""

    def __init__(self, port: int):
        self.port = port
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

    def login(self) -> None:
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

    def publish(self, match_id: int, text: str) -> tuple[bool, float, float]:
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


# --- fan client processes -----------------------------------------------------------------------------------


@dataclass
class FanStats:
    """What one client process saw; merged across processes by the orchestrator."""

    updates: int
    total: int = 0
    connected: int = 0
    failed: int = 0
    finished: int = 0  # fans that have every marker, or whose socket closed
    frames: int = 0
    duplicates: int = 0
    out_of_order: int = 0
    gaps: int = 0
    closed_early: int = 0
    close_codes: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    frame_bytes: int = 0
    times: list = field(default_factory=list)  # times[i]: receive times of marker i, one per fan that got it

    def __post_init__(self):
        self.times = [[] for _ in range(self.updates)]


def fan_process(
    conn,
    plan: list[tuple[str, str, int]],
    since: int,
    updates: int,
    connect_deadline: float,
    concurrency: int,
    retries: int,
) -> None:
    """Entry point of a client process: `plan` lists (url, origin, number of fans)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the orchestrator handles Ctrl-C and stops us
    raise_fd_limit()
    asyncio.run(_fan_process(conn, plan, since, updates, connect_deadline, concurrency, retries))
    # Skip the interpreter's teardown: closing thousands of sockets one by one is slow and measures nothing.
    os._exit(0)


async def _fan_process(conn, plan, since, updates, connect_deadline, concurrency, retries) -> None:
    loop = asyncio.get_running_loop()
    stats = FanStats(updates, total=sum(count for _url, _origin, count in plan))
    all_tried, all_finished, stop, leave = (asyncio.Event() for _ in range(4))
    if stats.total == 0:
        all_tried.set()

    def on_command() -> None:
        try:
            command = conn.recv()
        except (EOFError, OSError):  # the orchestrator is gone
            command = "quit"
        stop.set()
        if command == "quit":
            leave.set()
            loop.remove_reader(conn.fileno())

    loop.add_reader(conn.fileno(), on_command)
    # At most `concurrency` handshakes in flight per process: a burst of thousands of SYNs would overflow the
    # server's accept backlog (daphne/Twisted listen with 50) and stall in kernel retransmits for seconds.
    gate = asyncio.Semaphore(concurrency)
    tasks = [
        asyncio.create_task(
            _fan(url, origin, since, stats, gate, connect_deadline, retries, all_tried, all_finished)
        )
        for url, origin, count in plan
        for _ in range(count)
    ]
    while not all_tried.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_tried.wait(), 0.5)
        conn.send(("progress", stats.connected, stats.failed))
    conn.send(("connected", stats.connected, stats.failed))
    if stats.finished >= stats.connected:  # no fans, or all of them already closed
        all_finished.set()
    await asyncio.wait(
        [asyncio.create_task(all_finished.wait()), asyncio.create_task(stop.wait())],
        return_when=asyncio.FIRST_COMPLETED,
    )
    conn.send(("results", dict(vars(stats))))
    await leave.wait()
    for task in tasks:
        task.cancel()


async def _fan(url, origin, since, stats: FanStats, gate, connect_deadline, retries, all_tried, all_finished):
    websocket = None
    async with gate:
        for attempt in range(retries + 1):
            remaining = connect_deadline - time.time()
            if remaining <= 0:
                break
            try:
                # No compression: daphne does not negotiate it. No pings from this side: browsers send
                # none either (the servers still ping on their own schedule).
                websocket = await connect(
                    url,
                    origin=origin,
                    compression=None,
                    ping_interval=None,
                    open_timeout=min(10.0, remaining),
                )
                await websocket.send(json.dumps({"since": since}))
                break
            except (OSError, TimeoutError, WebSocketException) as error:
                name = type(error).__name__
                stats.errors[name] = stats.errors.get(name, 0) + 1
                if websocket is not None:
                    websocket.transport.abort()
                    websocket = None
                await asyncio.sleep(min(2.0, 0.1 * 2**attempt) * random.uniform(0.5, 1.5))
    if websocket is None:
        stats.failed += 1
    else:
        stats.connected += 1
    if stats.connected + stats.failed == stats.total:
        all_tried.set()
    if websocket is None:
        return

    got = bytearray(stats.updates)
    count = 0
    seen: set[int] = set()
    highest = since
    try:
        async for message in websocket:
            received = time.time()
            stats.frames += 1
            number = SEQ.search(message)
            if number:
                seq = int(number.group(1))
                if seq <= since or seq in seen:
                    stats.duplicates += 1
                else:
                    if seq < highest:
                        stats.out_of_order += 1
                    elif seq > highest + 1:
                        stats.gaps += 1
                    seen.add(seq)
                    highest = max(highest, seq)
            marker = MARKER.search(message)
            if marker:
                i = int(marker.group(1))
                if i < stats.updates and not got[i]:
                    got[i] = 1
                    count += 1
                    stats.times[i].append(received)
                    stats.frame_bytes = stats.frame_bytes or len(message.encode())
                    if count == stats.updates:
                        _finish(stats, all_finished)
    except ConnectionClosed:
        pass
    # The server closed this socket (or it broke) before the bench stopped: count it and say why.
    stats.closed_early += 1
    code = str(websocket.close_code if websocket.close_code is not None else 1006)
    stats.close_codes[code] = stats.close_codes.get(code, 0) + 1
    if count < stats.updates:
        _finish(stats, all_finished)


def _finish(stats: FanStats, all_finished: asyncio.Event) -> None:
    stats.finished += 1
    if stats.connected + stats.failed == stats.total and stats.finished >= stats.connected:
        all_finished.set()


class Fleet:
    """The client processes holding the fans, seen from the orchestrator."""

    def __init__(
        self,
        urls: list[tuple[str, str]],
        fans: int,
        processes: int,
        since: int,
        updates: int,
        connect_timeout: float,
        concurrency: int,
        retries: int,
    ):
        self.fans = fans
        self.updates = updates
        self.connect_deadline = time.time() + connect_timeout
        context = multiprocessing.get_context("spawn")
        # Fan j goes to server j mod len(urls) and to process j mod processes: every process holds an even
        # share of every server's fans.
        shares: list[dict[tuple[str, str], int]] = [{} for _ in range(processes)]
        for j in range(fans):
            share = shares[j % processes]
            key = urls[j % len(urls)]
            share[key] = share.get(key, 0) + 1
        self.conns = []
        self.processes = []
        for share in filter(None, shares):  # fewer fans than processes: no idle processes
            plan = [(url, origin, count) for (url, origin), count in share.items()]
            parent, child = context.Pipe()
            process = context.Process(
                target=fan_process,
                args=(child, plan, since, updates, self.connect_deadline, concurrency, retries),
                daemon=True,
            )
            process.start()
            child.close()
            self.conns.append(parent)
            self.processes.append(process)
        self.state = {conn: ("starting", 0, 0) for conn in self.conns}
        self.results: dict = {}

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.pid is not None]

    def _pump(self, timeout: float) -> None:
        for conn in multiprocessing.connection.wait(
            [c for c in self.conns if c not in self.results], timeout
        ):
            try:
                message = conn.recv()
            except (EOFError, OSError):
                self.results.setdefault(conn, None)  # the process died: nothing more will come
                continue
            if message[0] == "results":
                self.results[conn] = message[1]
            else:
                self.state[conn] = message

    def wait_connected(self) -> tuple[int, int]:
        """Until every fan is connected (or gave up), bounded by the connect deadline; print progress."""
        last_print = 0.0
        while time.time() < self.connect_deadline + 15:
            self._pump(0.5)
            connected = sum(s[1] for s in self.state.values())
            failed = sum(s[2] for s in self.state.values())
            if time.monotonic() - last_print > 5:
                print(f"    {connected}/{self.fans} fans connected, {failed} failed", flush=True)
                last_print = time.monotonic()
            # A process that died (its pipe closed) will not report: do not wait for it.
            if all(self.state[c][0] == "connected" or c in self.results for c in self.conns):
                return connected, failed
        return sum(s[1] for s in self.state.values()), sum(s[2] for s in self.state.values())

    def collect(self, deadline: float) -> FanStats:
        """Results from every process: when all their fans have everything, or at `deadline` at the latest."""
        while len(self.results) < len(self.conns) and time.time() < deadline:
            self._pump(min(0.5, max(0.0, deadline - time.time())))
        for conn in self.conns:
            if conn not in self.results:
                with contextlib.suppress(OSError):
                    conn.send("stop")
        grace = time.time() + RESULTS_GRACE
        while len(self.results) < len(self.conns) and time.time() < grace:
            self._pump(0.5)
        # A process that crashed or never answered: its fans count as not delivered, and the report says so.
        self.lost = sum(1 for conn in self.conns if self.results.get(conn) is None)
        merged = FanStats(self.updates, total=self.fans)
        for result in self.results.values():
            if result is None:
                continue
            for name in (
                "connected",
                "failed",
                "frames",
                "duplicates",
                "out_of_order",
                "gaps",
                "closed_early",
            ):
                setattr(merged, name, getattr(merged, name) + result[name])
            for name in ("close_codes", "errors"):
                for key, count in result[name].items():
                    getattr(merged, name)[key] = getattr(merged, name).get(key, 0) + count
            merged.frame_bytes = merged.frame_bytes or result["frame_bytes"]
            for i, times in enumerate(result["times"]):
                merged.times[i].extend(times)
        return merged

    def close(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send("quit")
        for process in self.processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()
        for conn in self.conns:
            conn.close()
        self.processes = []


# --- one measurement ----------------------------------------------------------------------------------------


def measure(
    *,
    name: str,
    args,
    server_pids: list[int],
    urls: list[tuple[str, str]],
    since: int,
    publish,
) -> dict:
    """Connect the fans, publish `args.updates` times through `publish(i, text)`, and gather every figure.

    `publish(i, text)` returns (accepted, time just before the call, seconds the call took).
    """
    rss_before = total_rss_kb(server_pids)
    print(f"  {name}: connecting {args.fans} fans from {args.clients} client processes", flush=True)
    fleet = Fleet(
        urls,
        args.fans,
        args.clients,
        since,
        args.updates,
        args.connect_timeout,
        args.connect_concurrency,
        args.connect_retries,
    )
    try:
        connect_started = time.time()
        connected, failed = fleet.wait_connected()
        connect_seconds = time.time() - connect_started
        print(f"  {name}: {connected} connected, {failed} failed in {connect_seconds:.1f} s", flush=True)
        wait_idle(server_pids, IDLE_TIMEOUT)
        rss_connected = total_rss_kb(server_pids)

        print(f"  {name}: publishing {args.updates} updates, one every {args.interval} s", flush=True)
        cpu_before = total_cpu(server_pids)
        client_cpu_before = total_cpu(fleet.pids)
        # Whatever else runs on this machine (a test suite, a browser) competes for the same CPUs: measure it,
        # so that a noisy run shows as one.
        own_cpu_before = cpu_seconds(os.getpid())
        machine_before = machine_busy_seconds()
        phase_started = time.time()
        publish_times: list[float | None] = []
        call_seconds: list[float] = []
        rejected = 0
        for i in range(args.updates):
            delay = phase_started + i * args.interval - time.time()
            if delay > 0:
                time.sleep(delay)
            accepted, started, took = publish(i, f"bench-{i} {FILLER}")
            call_seconds.append(took)
            publish_times.append(started if accepted else None)
            rejected += not accepted
        stats = fleet.collect(deadline=time.time() + args.drain_timeout)
        phase_seconds = time.time() - phase_started
        cpu_seconds_used = total_cpu(server_pids) - cpu_before
        client_cpu = total_cpu(fleet.pids) - client_cpu_before
        other_cpu = (
            machine_busy_seconds()
            - machine_before
            - cpu_seconds_used
            - client_cpu
            - (cpu_seconds(os.getpid()) - own_cpu_before)
        )
        lost = fleet.lost
        rss_after = total_rss_kb(server_pids)
    finally:
        fleet.close()

    latencies = sorted(
        received - published
        for published, times in zip(publish_times, stats.times, strict=True)
        if published is not None
        for received in times
    )
    calls = sorted(call_seconds)
    # How one update spreads over the fans: the first and the last fan to get it, publish time as zero.
    per_update = [
        (min(times) - published, max(times) - published)
        for published, times in zip(publish_times, stats.times, strict=True)
        if published is not None and times
    ]
    delivered = sum(len(times) for times in stats.times)
    expected = args.fans * args.updates
    ms = lambda seconds: None if seconds is None else round(seconds * 1000, 1)  # noqa: E731
    return {
        "fans": args.fans,
        "connected": connected,
        "connect_failed": failed,
        "connect_seconds": round(connect_seconds, 1),
        "connect_errors": stats.errors,
        "updates": args.updates,
        "publish_rejected": rejected,
        "delivered": delivered,
        "expected": expected,
        "delivered_pct": round(100 * delivered / expected, 3) if expected else None,
        "frames": stats.frames,
        "duplicates": stats.duplicates,
        "out_of_order": stats.out_of_order,
        "gaps": stats.gaps,
        "closed_early": stats.closed_early,
        "close_codes": stats.close_codes,
        "frame_bytes": stats.frame_bytes,
        "latency_ms": {
            "p50": ms(percentile(latencies, 50)),
            "p95": ms(percentile(latencies, 95)),
            "p99": ms(percentile(latencies, 99)),
            "max": ms(latencies[-1] if latencies else None),
        },
        "first_fan_ms_median": ms(statistics.median(f for f, _l in per_update)) if per_update else None,
        "last_fan_ms_median": ms(statistics.median(last for _f, last in per_update)) if per_update else None,
        "per_update_first_last_ms": [[ms(f), ms(last)] for f, last in per_update],
        "publish_call_ms": {
            "p50": ms(percentile(calls, 50)),
            "p99": ms(percentile(calls, 99)),
            "max": ms(calls[-1] if calls else None),
        },
        "server_processes": len(server_pids),
        "server_cpu_seconds": round(cpu_seconds_used, 2),
        "client_cpu_seconds": round(client_cpu, 2),
        "client_processes_lost": lost,
        "other_cpu_seconds": round(max(0.0, other_cpu), 2),
        "publish_phase_seconds": round(phase_seconds, 1),
        "server_rss_kb": {"before": rss_before, "connected": rss_connected, "after_publish": rss_after},
        "kb_per_idle_fan": round((rss_connected - rss_before) / connected, 1) if connected else None,
    }


def run_diretta(args, work: Path, servers: Servers) -> dict:
    env = server_env(args, work)
    print("Diretta: preparing a fresh database", flush=True)
    match_id = prepare_database(env)
    first_port = free_ports(args.workers)
    ports = [first_port + k for k in range(args.workers)]
    for k, port in enumerate(ports):
        servers.start(server_command(args.server, port), env, work / f"{args.server}-{k}.log")
    for process, port, log in zip(servers.processes, ports, servers.logs, strict=True):
        wait_http(port, "/admin/login/", process, log, SERVER_START_TIMEOUT)
    print(
        f"Diretta: {args.workers} x {args.server} on port(s) {', '.join(map(str, ports))}, match {match_id}",
        flush=True,
    )

    editor = Editor(ports[0])  # the editor publishes through the first process, whatever the fans use
    editor.login()
    # One entry before the fans come: the first publish loads templates and warms caches, which is not what
    # an editor sees mid-match. The fans then send since=1, so nothing is replayed to them.
    accepted, _started, _took = editor.publish(match_id, "bench warm-up")
    if not accepted:
        raise RuntimeError("the warm-up publish was not accepted (see the admin form errors)")
    urls = [(f"ws://{HOST}:{port}/ws/matches/{match_id}/", f"http://{HOST}:{port}") for port in ports]
    try:
        result = measure(
            name="Diretta",
            args=args,
            server_pids=servers.pids,
            urls=urls,
            since=1,
            publish=lambda i, text: editor.publish(match_id, text),
        )
    finally:
        problems = [line for log in servers.logs for line in log_problems(log)]
        servers.stop()
    result["server_log_problems"] = len(problems)
    result["server_log_sample"] = problems[:10]
    result["match_id"] = match_id
    result["ports"] = ports
    return result


def run_ceiling(args, work: Path, servers: Servers, frame_bytes: int) -> dict:
    port = free_ports(1)
    log = work / "ceiling.log"
    process = servers.start(
        [sys.executable, str(Path(__file__).with_name("ceiling_server.py")), "--port", str(port)],
        dict(os.environ),
        log,
    )
    wait_http(port, "/stats", process, log, SERVER_START_TIMEOUT)
    print(f"Ceiling: websockets.broadcast() server on port {port}, frames of {frame_bytes} bytes", flush=True)

    def publish(i: int, text: str) -> tuple[bool, float, float]:
        query = urllib.parse.urlencode({"seq": i + 1, "marker": text.split()[0], "size": frame_bytes})
        started = time.time()
        status, _body = http_get(port, f"/broadcast?{query}", timeout=PUBLISH_TIMEOUT)
        return status == 200, started, time.time() - started

    try:
        result = measure(
            name="Ceiling",
            args=args,
            server_pids=servers.pids,
            urls=[(f"ws://{HOST}:{port}/ws/matches/1/", f"http://{HOST}:{port}")],
            since=0,
            publish=publish,
        )
    finally:
        problems = log_problems(log)
        servers.stop()
    result["server_log_problems"] = len(problems)
    result["server_log_sample"] = problems[:10]
    return result


# --- report -------------------------------------------------------------------------------------------------


TARGETS = {
    # By number of server processes. The ceiling is one process, so the ratio is a target for one worker only.
    1: {"p99_ms": 500, "ceiling_ratio": 3.0},
    2: {"p99_ms": 1000, "ceiling_ratio": None},
}
TARGET_KB_PER_FAN = 50
TARGET_PUBLISH_P99_MS = 20


def check_targets(args, diretta: dict, ratio: float | None) -> list[tuple[str, bool | None]]:
    target = TARGETS[args.workers]
    p99 = diretta["latency_ms"]["p99"]
    publish_p99 = diretta["publish_call_ms"]["p99"]
    kb_per_fan = diretta["kb_per_idle_fan"]
    complete = diretta["delivered"] == diretta["expected"]
    checks = [
        ("100% delivery, no duplicates, in order",
         complete and not diretta["duplicates"] and not diretta["out_of_order"]),
        (f"fan latency p99 <= {target['p99_ms']} ms", p99 is not None and p99 <= target["p99_ms"]),
        (f"memory per idle fan <= {TARGET_KB_PER_FAN} KB",
         kb_per_fan is not None and kb_per_fan <= TARGET_KB_PER_FAN),
        (f"editor publish p99 <= {TARGET_PUBLISH_P99_MS} ms",
         publish_p99 is not None and publish_p99 <= TARGET_PUBLISH_P99_MS),
    ]  # fmt: skip
    if target["ceiling_ratio"] is not None:
        # None (not measured) with --no-ceiling.
        within = None if ratio is None else ratio <= target["ceiling_ratio"]
        checks.append((f"p99 within {target['ceiling_ratio']:g}x the ceiling's", within))
    return checks


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}"
    return f"{value:,}{unit}"


def table(args, diretta: dict, ceiling: dict | None, ratio: float | None) -> str:
    setup = (
        f"{args.workers} x {args.server}, {'Redis pub/sub layer' if args.redis else 'in-memory layer'}, "
        f"{'PostgreSQL' if (args.database_url or '').startswith('postgres') else 'SQLite'}"
    )
    columns = [("Diretta", diretta)] + ([("ceiling", ceiling)] if ceiling else [])

    def row(label: str, get) -> str:
        cells = "".join(f"{get(r):>26}" for _name, r in columns)
        return f"{label:<34}{cells}"

    mb = lambda kb: f"{kb / 1024:,.1f} MB"  # noqa: E731
    lines = [
        f"Fan-out: {args.fans:,} fans, {args.updates} updates every {args.interval:g} s; "
        f"Diretta on {setup}; ceiling = websockets.broadcast(), 1 process; {os.cpu_count()} CPUs shared",
        f"{'':<34}" + "".join(f"{name:>26}" for name, _r in columns),
        row("fans connected", lambda r: f"{r['connected']:,}/{r['fans']:,} in {r['connect_seconds']:g} s"),
        row(
            "delivered / expected",
            lambda r: f"{r['delivered']:,}/{r['expected']:,} ({r['delivered_pct']:g}%)",
        ),
        row("duplicates", lambda r: fmt(r["duplicates"])),
        row("out of order", lambda r: fmt(r["out_of_order"])),
        row("gaps", lambda r: fmt(r["gaps"])),
        row("sockets closed by server", lambda r: fmt(r["closed_early"])),
        row("latency p50", lambda r: fmt(r["latency_ms"]["p50"], " ms")),
        row("latency p95", lambda r: fmt(r["latency_ms"]["p95"], " ms")),
        row("latency p99", lambda r: fmt(r["latency_ms"]["p99"], " ms")),
        row("latency max", lambda r: fmt(r["latency_ms"]["max"], " ms")),
        row(
            "one update: first / last fan",
            lambda r: f"{fmt(r['first_fan_ms_median'])} / {fmt(r['last_fan_ms_median'], ' ms')}",
        ),
        row("publish call p50 (admin POST)", lambda r: fmt(r["publish_call_ms"]["p50"], " ms")),
        row("publish call p99", lambda r: fmt(r["publish_call_ms"]["p99"], " ms")),
        row(
            "server CPU, publish phase",
            lambda r: f"{r['server_cpu_seconds']:.2f} s / {r['publish_phase_seconds']:g} s",
        ),
        row("client CPU, publish phase", lambda r: f"{r['client_cpu_seconds']:.2f} s"),
        row("other processes' CPU, same phase", lambda r: f"{r['other_cpu_seconds']:.2f} s"),
        row("server RSS before fans", lambda r: mb(r["server_rss_kb"]["before"])),
        row("server RSS, fans idle", lambda r: mb(r["server_rss_kb"]["connected"])),
        row("server RSS after publishing", lambda r: mb(r["server_rss_kb"]["after_publish"])),
        row("memory per idle fan", lambda r: fmt(r["kb_per_idle_fan"], " KB")),
        row("frame size", lambda r: fmt(r["frame_bytes"], " B")),
        row("server log warnings/errors", lambda r: fmt(r["server_log_problems"])),
    ]
    if ceiling:
        lines.append(f"{'p99 Diretta / ceiling':<34}{fmt(ratio, 'x'):>26}")
    lines += [
        "latency: publish call start -> frame read by the fan, over every (fan, update) pair.",
        "publish call: Diretta = the editor's admin POST, until its redirect;",
    ]
    if ceiling:
        lines.append(
            "ceiling = GET /broadcast, which returns once websockets.broadcast() has written to every socket."
        )
    return "\n".join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Diretta websocket fan-out benchmark (see the module docstring)."
    )
    parser.add_argument("--fans", type=int, default=2000, help="websocket clients (default 2000)")
    parser.add_argument("--updates", type=int, default=20, help="entries published (default 20)")
    parser.add_argument(
        "--workers",
        type=int,
        choices=(1, 2),
        default=1,
        help="server processes; 2 needs Redis and implies --redis (default 1)",
    )
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between publishes (default 0.5)")
    parser.add_argument("--redis", action="store_true", help="use the Redis pub/sub channel layer")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument("--server", choices=("daphne", "uvicorn"), default="daphne")
    parser.add_argument(
        "--database-url",
        default="",
        help="default: a fresh SQLite file in a temporary directory; "
        "e.g. postgres://postgres@127.0.0.1:5432/diretta_bench",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=min(4, max(2, os.cpu_count() or 2)),
        help="fan client processes (default: CPUs, between 2 and 4)",
    )
    parser.add_argument("--connect-timeout", type=float, default=60.0, help="seconds for all fans to connect")
    parser.add_argument(
        "--drain-timeout",
        type=float,
        default=30.0,
        help="seconds after the last publish to wait for deliveries",
    )
    parser.add_argument(
        "--connect-concurrency", type=int, default=20, help="handshakes in flight per client process"
    )
    parser.add_argument("--connect-retries", type=int, default=3)
    parser.add_argument("--no-ceiling", action="store_true", help="measure Diretta only")
    args = parser.parse_args(argv)
    if args.fans < 1 or args.updates < 1 or args.clients < 1 or args.interval < 0:
        parser.error("--fans, --updates and --clients must be at least 1, --interval not negative")
    if args.workers == 2 and not args.redis:
        print("--workers 2: processes share updates through Redis, so --redis is on", flush=True)
        args.redis = True
    for url in (args.redis_url if args.redis else "", args.database_url):
        host = urllib.parse.urlsplit(url).hostname if url else None
        if host not in (None, HOST, "localhost"):
            parser.error(f"{url}: the bench only talks to 127.0.0.1")
    return args


def _interrupt(_signum, _frame):
    raise KeyboardInterrupt


def main(argv=None) -> int:
    args = parse_args(argv)
    command = shlex.join([sys.executable, *sys.argv] if argv is None else [sys.executable, __file__, *argv])
    print(f"command: {command}", flush=True)
    raise_fd_limit()
    # SIGTERM ends the run like Ctrl-C does: through the finally blocks that stop servers and clients.
    signal.signal(signal.SIGTERM, _interrupt)
    servers = Servers()
    with tempfile.TemporaryDirectory(prefix="diretta-bench-") as tmp:
        try:
            diretta = run_diretta(args, Path(tmp), servers)
            ceiling = None
            if not args.no_ceiling:
                ceiling = run_ceiling(args, Path(tmp), servers, diretta["frame_bytes"] or 600)
        finally:
            servers.stop()
    ratio = None  # stays None without a ceiling run, or when either side delivered nothing
    if ceiling and diretta["latency_ms"]["p99"] and ceiling["latency_ms"]["p99"]:
        ratio = round(diretta["latency_ms"]["p99"] / ceiling["latency_ms"]["p99"], 2)
    checks = check_targets(args, diretta, ratio)

    print()
    print(table(args, diretta, ceiling, ratio))
    print()
    for label, ok in checks:
        print(f"  [{'skip' if ok is None else 'pass' if ok else 'FAIL'}] {label}")
    print(f"\ncommand: {command}")
    result = {
        "command": command,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {k: v for k, v in vars(args).items()},
        "diretta": diretta,
        "ceiling": ceiling,
        "p99_ratio_to_ceiling": ratio,
        "targets": {label: ok for label, ok in checks},
    }
    print("RESULT " + json.dumps(result, separators=(",", ":")), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers and clients stopped", file=sys.stderr)
        sys.exit(130)
