"""Small helpers shared by the harness: loopback only, bounded waits, /proc readings."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import resource
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"  # every server and every client stays on the loopback interface
BIN = Path(sys.executable).parent  # daphne, granian from the same virtualenv as this interpreter

MARKER = re.compile(r"bench-(\d+)")
SEQ = re.compile(r'data-seq="(\d+)"')


def raise_fd_limit() -> None:
    """One file descriptor per socket: thousands of fans need the hard limit, not the usual soft 1024."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def free_ports(count: int = 1) -> int:
    """The first of `count` consecutive free ports (workers listen on p, p+1, ...)."""
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


def free_port() -> int:
    return free_ports(1)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of one process (all its threads), from /proc/<pid>/stat; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()  # the command name may contain spaces: skip past it
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def descendants(pid: int) -> list[int]:
    """`pid` and every process below it (granian serves from a worker process under its supervisor)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            tasks = os.listdir(f"/proc/{current}/task")
        except (FileNotFoundError, ProcessLookupError):
            continue
        for task in tasks:
            with contextlib.suppress(OSError), open(f"/proc/{current}/task/{task}/children") as f:
                todo.extend(int(child) for child in f.read().split())
    return found


def machine_busy_seconds() -> float:
    """CPU time all processes of this machine have used (the first line of /proc/stat), idle excluded."""
    with open("/proc/stat") as f:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def total_cpu(pids: list[int]) -> float:
    return sum(cpu_seconds(pid) for pid in pids)


def total_rss_kb(pids: list[int]) -> int:
    return sum(rss_kb(pid) for pid in pids)


def wait_idle(cpu, timeout: float) -> None:
    """Wait until the servers have done the work the connections queued (handshakes, `since`, joins).

    `cpu` is a callable returning the servers' CPU seconds so far.
    """
    deadline = time.monotonic() + timeout
    before = cpu()
    while time.monotonic() < deadline:
        time.sleep(0.5)
        now = cpu()
        if now - before < 0.03:  # under ~6% of one CPU over half a second: only the hub's poll is running
            return
        before = now


def http_get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def tail(path: Path | None, lines: int = 30) -> str:
    if path is None:
        return ""
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def log_problems(path: Path | None) -> list[str]:
    """Warnings, errors and tracebacks a server logged during the run: delivery failures show up here."""
    if path is None:
        return []
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return []
    return [line for line in text.splitlines() if re.search(r"WARNING|ERROR|CRITICAL|Traceback", line)]


def gc_pauses(path: Path | None) -> dict:
    """The collector's pauses over 20 ms that a server logged (DIRETTA_GC_LOG, config/runtime.py)."""
    if path is None:
        return {"count": 0, "max_ms": 0.0, "total_ms": 0.0}
    try:
        text = path.read_text(errors="replace")
    except OSError:
        text = ""
    pauses = [float(m) for m in re.findall(r"gc pause ([0-9.]+) ms", text)]
    return {"count": len(pauses), "max_ms": max(pauses, default=0.0), "total_ms": round(sum(pauses), 1)}


def stop_clients_and_publisher(clients, publisher) -> None:
    """The end of a run: join the fan client processes ((process, ready) pairs; one that hangs is killed)
    and stop the publisher process if it is still running."""
    for proc, _ in clients:
        proc.join(timeout=30)
        if proc.is_alive():
            proc.kill()
    if publisher.poll() is None:
        publisher.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            publisher.wait(timeout=10)
