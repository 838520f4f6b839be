"""Soak: the demo played at high speed against thousands of fans who keep dropping and coming back.

    .venv/bin/python bench/soak.py [--fans 2000] [--minutes 10] [--rate 4] [--churn 0.02]

A real server (`--server`, default the one `make run` uses; the embedded default: one process, SQLite, no
Redis) on a fresh database. A publisher process plays the demo's commentary on one live match, `--rate`
entries a second, through the same service an editor uses, for `--minutes`. The fans live in separate
client processes: each connects, sends its `since`, applies frames by their number, and every second drops
its connection with probability `--churn`, coming back 0.1–3 s later with the number it last applied (as
live.js does).

At the end every fan must hold every update exactly once. Printed: delivered/expected (must be 100%),
duplicates and gaps (must be 0), publish-to-receive latency percentiles of the frames that arrived live, the
number of reconnects, the latency minute by minute, the client processes' own stalls (a frame a busy client
reads late is not the server's delay), the server's memory every minute and its drift from minute 10 to the
end, and the collector's pauses. Everything stays on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import random
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from pathlib import Path

from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
if __package__ in (None, ""):  # run as a script: make `bench` and `config` importable
    sys.path.insert(0, str(ROOT))

from bench.harness.common import stop_clients_and_publisher  # noqa: E402
from bench.harness.diretta import manage, server_env  # noqa: E402
from bench.harness.servers import Server  # noqa: E402
from config import serve  # noqa: E402

SEQ = re.compile(rb'data-seq="(\d+)"')

PUBLISHER = """
import json, sys, time, django
django.setup()
from django.utils import timezone
from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.demo.loader import demo_entries, demo_load
from matches.models import Match
from matches.services import match_copy_for_replay

source = demo_load()
match = match_copy_for_replay(source=source, kickoff=timezone.now())
print(match.pk, flush=True)
sys.stdin.readline()  # wait for the fans
services.entry_publish(match=match, draft=EntryDraft(kind="kick_off", text="Si parte"))
texts = [e["text"] for e in demo_entries()]
end = time.monotonic() + float(sys.argv[1])
interval = 1 / float(sys.argv[2])
published, i = 1, 0
while time.monotonic() < end:
    started = time.monotonic()
    services.entry_publish(match=match, draft=EntryDraft(text=texts[i % len(texts)], minute=1 + i % 90))
    published += 1
    i += 1
    time.sleep(max(0.0, interval - (time.monotonic() - started)))
print(published, flush=True)
"""


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS"))


async def one_fan(url: str, origin: str, churn: float, stop: asyncio.Event, stats: dict, log: Log) -> None:
    last = received = 0
    while not stop.is_set():
        try:
            async with connect(url, origin=origin, open_timeout=20, max_queue=None) as ws:
                opened = time.time()
                await ws.send(json.dumps({"since": last}))
                next_drop = time.monotonic() + (random.expovariate(churn) if churn else 1e9)
                while not stop.is_set():
                    timeout = max(0.05, min(1.0, next_drop - time.monotonic()))
                    try:
                        frame = await asyncio.wait_for(ws.recv(decode=False), timeout)
                    except TimeoutError:
                        if time.monotonic() >= next_drop:
                            stats["drops"] += 1
                            break
                        continue
                    match = SEQ.search(frame)
                    if not match:
                        continue
                    n = int(match.group(1))
                    if n <= last:
                        stats["duplicates"] += 1
                        continue
                    if n != last + 1:
                        stats["gaps"] += 1
                    log.add(n, time.time(), opened)
                    last = n
                    received += 1
        except Exception:
            stats["errors"] += 1
        if not stop.is_set():
            stats["reconnects"] += 1
            await asyncio.sleep(random.uniform(0.1, 3.0))
    stats["received"].append(received)


class Log:
    """Every frame a client process's fans applied, in flat arrays: millions of entries in an hour, which
    as Python objects (a dict per fan) took gigabytes and made the client's own collector pause, a delay the
    soak then counted as the server's."""

    def __init__(self):
        self.numbers, self.arrived, self.opened = array("l"), array("d"), array("d")

    def add(self, n: int, arrived: float, opened: float) -> None:
        self.numbers.append(n)
        self.arrived.append(arrived)
        self.opened.append(opened)


async def loop_lag(stop: asyncio.Event, stalls: list, tick: float = 0.1, slow: float = 0.05) -> None:
    """The client's own stalls: a frame read late by a busy client is not the server's delay."""
    while not stop.is_set():
        started = time.monotonic()
        await asyncio.sleep(tick)
        if (lag := time.monotonic() - started - tick) > slow:
            stalls.append((time.time(), lag))


def client_process(url, origin, fans, churn, ready, go_stop, out):
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    async def run():
        stop = asyncio.Event()
        stats = {"duplicates": 0, "gaps": 0, "drops": 0, "reconnects": 0, "errors": 0, "received": []}
        log, stalls = Log(), []
        lag = asyncio.create_task(loop_lag(stop, stalls))
        tasks = []
        for i in range(fans):
            tasks.append(asyncio.create_task(one_fan(url, origin, churn, stop, stats, log)))
            if i % 100 == 99:
                await asyncio.sleep(0.2)
        ready.set()
        await asyncio.get_running_loop().run_in_executor(None, go_stop.wait)
        stop.set()
        await asyncio.wait(tasks, timeout=30)
        await lag
        out.put(stats | {"log": (log.numbers, log.arrived, log.opened), "stalls": stalls})

    asyncio.run(run())


def percentiles(values: list[float]) -> dict:
    values = sorted(values)
    if not values:
        return {}
    at = {p: values[min(len(values) - 1, int(len(values) * p / 100))] for p in (50, 95, 99)}
    return {f"p{p}": round(at[p], 1) for p in at} | {"max": round(values[-1], 1)}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fans", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--rate", type=float, default=4, help="entries published per second")
    parser.add_argument("--churn", type=float, default=0.02, help="chance a fan drops in a second")
    parser.add_argument("--clients", type=int, default=2, help="fan client processes")
    parser.add_argument("--server", default=serve.DEFAULT_SERVER, choices=serve.SERVERS)
    parser.add_argument(
        "--trace", metavar="FILE", help="the server writes where its memory grew to FILE every minute (slow)"
    )
    parser.add_argument(
        "--probe",
        metavar="FILE",
        help="the server writes its object counts and types grown to FILE every minute",
    )
    args = parser.parse_args()
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    var = tempfile.mkdtemp(prefix="diretta-soak-")
    env = {**server_env(Path(var)), "DJANGO_SETTINGS_MODULE": "config.settings"}
    server_extra = {"DIRETTA_MEMORY_TRACE": str(Path(args.trace).resolve())} if args.trace else {}
    if args.probe:
        server_extra["DIRETTA_MEMORY_PROBE"] = str(Path(args.probe).resolve())
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG is off, as in production
    server = Server(args.server, env=env | server_extra)
    server.start()
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(args.minutes * 60), str(args.rate)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    clients = []
    try:
        match_id = int(publisher.stdout.readline())
        port = server.port
        url, origin = f"ws://127.0.0.1:{port}/ws/matches/{match_id}/", f"http://127.0.0.1:{port}"
        out = multiprocessing.Queue()
        go_stop = multiprocessing.Event()
        per_client = args.fans // args.clients
        for _ in range(args.clients):
            ready = multiprocessing.Event()
            proc = multiprocessing.Process(
                target=client_process, args=(url, origin, per_client, args.churn, ready, go_stop, out)
            )
            proc.start()
            clients.append((proc, ready))
        for _, ready in clients:
            ready.wait(timeout=120)
        time.sleep(3)
        rss_start = server.rss_kb()
        print(
            f"{args.fans} fans connected; server RSS {rss_start / 1024:.1f} MB; playing {args.minutes} min",
            flush=True,
        )
        publisher.stdin.write("go\n")
        publisher.stdin.flush()
        rss_minutes = []  # the server's RSS at the end of each minute of play
        wal_minutes = []  # and the size of SQLite's write-ahead log, which readers can keep from restarting
        wal = Path(var) / "diretta.sqlite3-wal"

        def sample():
            while publisher.poll() is None and len(rss_minutes) < args.minutes + 1:
                time.sleep(60)
                if rss := server.rss_kb():  # 0 once the server has stopped
                    rss_minutes.append(rss)
                    wal_minutes.append(wal.stat().st_size if wal.exists() else 0)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        published = int(publisher.stdout.readline())
        time.sleep(10)  # the last frames, and the fans coming back from their last drop
        rss_end = server.rss_kb()
        pauses = server.gc_pauses()
        go_stop.set()
        results = [out.get(timeout=120) for _ in clients]
    finally:
        go_stop_set = locals().get("go_stop")
        if go_stop_set is not None:
            go_stop_set.set()
        stop_clients_and_publisher(clients, publisher)
        server.stop()

    created = json.loads(
        subprocess.run(
            [
                sys.executable,
                "-c",
                # only the two columns it needs (the models may have gained fields since the run began), and
                # through the ORM, which turns SQLite's naive UTC text into aware times (read raw, they were
                # taken as local time, Europe/Rome, and a 60-minute run lost its latency to it)
                "import json, django; django.setup(); from commentary.models import Update; "
                "print(json.dumps({seq: at.timestamp() for seq, at in "
                f"Update.objects.filter(match_id={match_id}).values_list('seq', 'created_at')}}))",
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    created = {int(k): v for k, v in created.items()}
    total = max(created)
    received = [n for r in results for n in r["received"]]
    delivered = sum(received)
    expected = total * len(received)
    # Live frames only: an update published after the socket that carried it opened (the others were
    # replayed on reconnect, and their age is the time the fan was away). Binned by the minute of play
    # the update was published in, to tell a tail that grows with the run from one that comes in bursts.
    started = created[1]
    latencies, by_minute = [], {}
    for r in results:
        for n, arrived, opened in zip(*r["log"], strict=True):
            if created[n] >= opened:
                ms = (arrived - created[n]) * 1000
                latencies.append(ms)
                by_minute.setdefault(int((created[n] - started) // 60) + 1, []).append(ms)
    stalls = [lag for r in results for _, lag in r["stalls"]]
    summary = {
        "fans": len(received),
        "minutes": args.minutes,
        "updates": total,
        "published": published,
        "delivered": delivered,
        "expected": expected,
        "delivered_pct": round(100 * delivered / expected, 4),
        "duplicates": sum(r["duplicates"] for r in results),
        "gaps": sum(r["gaps"] for r in results),
        "reconnects": sum(r["reconnects"] for r in results),
        "client_errors": sum(r["errors"] for r in results),
        "latency_ms": percentiles(latencies),
        "latency_ms_per_minute": {m: percentiles(v) for m, v in sorted(by_minute.items())},
        "client_stalls_over_50ms": {
            "count": len(stalls),
            "max_ms": round(max(stalls, default=0) * 1000, 1),
            "total_s": round(sum(stalls), 1),
        },
        "server": args.server,
        "server_rss_mb": {"start": round(rss_start / 1024, 1), "end": round(rss_end / 1024, 1)},
        "server_rss_mb_per_minute": [round(kb / 1024, 1) for kb in rss_minutes],
        "sqlite_wal_mb_per_minute": [round(size / 2**20, 1) for size in wal_minutes],
        "gc_pauses": pauses,
    }
    if len(rss_minutes) > 10:
        summary["rss_drift_from_minute_10_pct"] = round(100 * (rss_end - rss_minutes[9]) / rss_minutes[9], 1)
    print(
        f"updates {total}, fans {summary['fans']}: "
        f"delivered {delivered}/{expected} ({summary['delivered_pct']}%)"
    )
    print(
        f"duplicates {summary['duplicates']}, gaps {summary['gaps']}, reconnects {summary['reconnects']}, "
        f"client errors {summary['client_errors']}"
    )
    if latency := summary["latency_ms"]:
        print("latency ms (live frames): p50 {p50} p95 {p95} p99 {p99} max {max}".format(**latency))
    else:
        print("latency: no live frame measured (the update log's times and the sockets' do not line up)")
    for minute, pct in summary["latency_ms_per_minute"].items():
        print(f"  minute {minute}: p50 {pct['p50']} p99 {pct['p99']} max {pct['max']}")
    print("client stalls over 50 ms (the bench's own):", summary["client_stalls_over_50ms"])
    print("server RSS MB: start {start} end {end}".format(**summary["server_rss_mb"]))
    print("server RSS MB per minute:", summary["server_rss_mb_per_minute"])
    print("SQLite WAL MB per minute:", summary["sqlite_wal_mb_per_minute"])
    if "rss_drift_from_minute_10_pct" in summary:
        print(f"RSS drift from minute 10 to the end: {summary['rss_drift_from_minute_10_pct']}%")
    print("gc pauses over 20 ms:", pauses)
    print("RESULT", json.dumps(summary))
    ok = delivered == expected and summary["duplicates"] == 0
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
