"""Server processes of a given kind on a free loopback port: start, wait until ready, measure, stop.

    from bench.harness.servers import Server

    with Server("uvicorn", env=env, ready_path="/admin/login/") as server:
        ...  # server.port, server.url, server.cpu_seconds(), server.rss_kb()

Kinds (KINDS): daphne; uvicorn (uvloop + httptools + `--ws websockets-sansio`); uvicorn-websockets and
uvicorn-wsproto (the same with `--ws websockets` or `--ws wsproto`; wsproto must be installed); granian
(ASGI interface without lifespan, websockets on, one worker); ceiling (bench/ceiling_server.py: the
`websockets` library alone; `app` unused).

A server runs in a session of its own (a Ctrl-C in the terminal reaches the caller, which stops it in
order), with the hard file-descriptor limit, cwd = the repository root. stop() is safe to call twice and
after a failed start; kill() is SIGKILL (for restart tests); start() may be called again on the same port.
CPU and RSS cover the whole process tree (granian serves from a worker process under its supervisor).
"""

from __future__ import annotations

import contextlib
import http.client
import importlib.util
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from config import serve

from .common import (
    HOST,
    ROOT,
    cpu_seconds,
    descendants,
    free_port,
    gc_pauses,
    http_get,
    log_problems,
    rss_kb,
    tail,
)

DIRETTA_APP = "config.asgi:application"
BROADCAST_APP = "bench.asgi_broadcast:app"
CEILING_SCRIPT = ROOT / "bench" / "ceiling_server.py"

# `uvicorn` is the fastest of the three here (bench/fanout.py --servers uvicorn,uvicorn-websockets at 2,000
# fans: 49 against 60 µs of server CPU per frame, 30 against 37 KB per idle fan, and the same order for the
# minimal ASGI app), and what earlier versions of bench/fanout.py ran: the sans-I/O `websockets` protocol.
UVICORN_WS = {
    "uvicorn": "websockets-sansio",
    "uvicorn-websockets": "websockets",
    "uvicorn-wsproto": "wsproto",
}
KINDS = ("daphne", *UVICORN_WS, "granian", "ceiling")
START_TIMEOUT = 30.0


def server_command(kind: str, port: int, app: str = DIRETTA_APP, env=None) -> list[str]:
    """The command line that serves `app` with server `kind` on 127.0.0.1:`port`: for every real server,
    exactly the one `make run`, the tests and the production recipe use (config.serve)."""
    if kind == "ceiling":
        return [sys.executable, str(CEILING_SCRIPT), "--port", str(port)]
    if kind not in KINDS:
        raise ValueError(f"unknown server kind {kind!r}; one of {', '.join(KINDS)}")
    env = dict(os.environ if env is None else env)
    if kind in UVICORN_WS:
        ws = UVICORN_WS[kind]
        if ws == "wsproto" and importlib.util.find_spec("wsproto") is None:
            raise RuntimeError(f"{kind}: wsproto is not installed (pip install wsproto)")
        env["DIRETTA_UVICORN_WS"] = ws
        kind = "uvicorn"
    return serve.command(kind, host=HOST, port=port, env=env, app=app)


def _child_setup() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one file descriptor per fan


class Server:
    """One server process; can be killed and started again on the same port.

    tests/e2e/conftest.py's Daphne is this with kind "daphne", extra_env={"DATABASE_URL": ...,
    "DIRETTA_POLL_INTERVAL": "0.2", **env} and start_timeout=20.
    """

    def __init__(
        self,
        kind: str = "daphne",
        *,
        app: str = DIRETTA_APP,
        port: int | None = None,
        env: dict | None = None,
        extra_env: dict | None = None,
        log: Path | str | None = None,
        ready_path: str | None = None,
        start_timeout: float = START_TIMEOUT,
    ):
        if kind not in KINDS:
            raise ValueError(f"unknown server kind {kind!r}; one of {', '.join(KINDS)}")
        self.kind = kind
        self.app = app
        self.port = port or free_port()
        # env: the whole environment (default: this process's); extra_env: set on top of it.
        self.env = {**(os.environ if env is None else env), **(extra_env or {})}
        self.ready_path = ready_path  # None: ready once the port accepts a TCP connection
        self.start_timeout = start_timeout
        self._own_log = log is None
        self.log = Path(log) if log is not None else None
        self.process: subprocess.Popen | None = None

    def __repr__(self) -> str:
        return f"Server({self.kind!r}, port={self.port}, pid={self.pid})"

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://{HOST}:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def command(self) -> list[str]:
        return server_command(self.kind, self.port, self.app, self.env)

    def start(self) -> Server:
        if self.log is None:
            handle, name = tempfile.mkstemp(prefix=f"diretta-{self.kind}-", suffix=".log")
            os.close(handle)
            self.log = Path(name)
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                self.command,
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_child_setup,
            )
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                code = self.process.returncode
                raise RuntimeError(f"{self.kind} on port {self.port} exited with {code}:\n{tail(self.log)}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if self.ready_path is None:
                    with socket.create_connection((HOST, self.port), timeout=0.5):
                        return
                else:
                    status, _body = http_get(self.port, self.ready_path, timeout=2)
                    if status == 200:
                        return
            time.sleep(0.1)
        raise RuntimeError(
            f"{self.kind} on port {self.port} not ready ({self.ready_path or 'tcp'}) after "
            f"{self.start_timeout:.0f} s:\n{tail(self.log)}"
        )

    # --- measuring ---

    def pids(self) -> list[int]:
        return descendants(self.process.pid) if self.running else []

    def cpu_seconds(self) -> float:
        """CPU seconds the whole process tree has used so far."""
        return sum(cpu_seconds(pid) for pid in self.pids())

    def rss_kb(self) -> int:
        return sum(rss_kb(pid) for pid in self.pids())

    def log_problems(self) -> list[str]:
        return log_problems(self.log)

    def gc_pauses(self) -> dict:
        return gc_pauses(self.log)

    def log_tail(self, lines: int = 30) -> str:
        return tail(self.log, lines)

    # --- stopping ---

    def _signal_group(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)  # its own session: the group is the server and its workers

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self._signal_group(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self, timeout: float = 10.0) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.process:
            self._signal_group(signal.SIGKILL)  # a worker left behind by its supervisor

    def cleanup(self) -> None:
        self.stop()
        if self._own_log and self.log is not None:
            with contextlib.suppress(OSError):
                self.log.unlink()

    def __enter__(self) -> Server:
        return self if self.running else self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


class ServerGroup:
    """Several servers started by one run; stop() stops them all, safe twice and after a failed start."""

    def __init__(self):
        self.servers: list[Server] = []

    def add(self, server: Server) -> Server:
        self.servers.append(server)
        return server

    def cpu_seconds(self) -> float:
        return sum(s.cpu_seconds() for s in self.servers)

    def rss_kb(self) -> int:
        return sum(s.rss_kb() for s in self.servers)

    def pids(self) -> list[int]:
        return [pid for s in self.servers for pid in s.pids()]

    def log_problems(self) -> list[str]:
        return [line for s in self.servers for line in s.log_problems()]

    def gc_pauses(self) -> dict:
        each = [s.gc_pauses() for s in self.servers]
        return {
            "count": sum(p["count"] for p in each),
            "max_ms": max((p["max_ms"] for p in each), default=0.0),
            "total_ms": round(sum(p["total_ms"] for p in each), 1),
        }

    def stop(self) -> None:
        for server in self.servers:
            if server.running:
                server.process.terminate()
        for server in self.servers:
            server.stop()
        self.servers = []
