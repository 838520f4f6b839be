"""Fan-out benchmark: how fast, how completely and at what cost one published entry reaches N connected fans.

    .venv/bin/python bench/fanout.py [--fans 2000] [--updates 20] [--workers 1|2] [--interval 0.5]
                                     [--server daphne|uvicorn|uvicorn-sansio|uvicorn-wsproto|granian]
                                     [--servers daphne,uvicorn,granian] [--config sqlite|postgres|redis]
                                     [--publisher admin|process] [--catch-up 1] [--redis] [--database-url URL]

For each server kind, one run measures three columns with the same fan clients, one after the other:

1. Diretta as deployed (config.asgi:application) under that server (two processes behind Redis with
   --workers 2) on a fresh database. N fans connect to /ws/matches/<id>/ and send their `since`; they first
   get a catch-up of the last --catch-up entries; an editor then publishes M entries, each carrying a unique
   marker `bench-<i>`: through the Django admin form (--publisher admin, the default), or from another Python
   process calling commentary.domain.services.entry_publish (--publisher process: what reaches the fans is
   then the app's cross-process delivery). The publish time (just before the admin POST or the service call)
   and each fan's receive time of the frame holding the marker share one clock, this machine's.
2. bench/asgi_broadcast.py, a minimal ASGI broadcast app (no Django, no Channels), under the same server:
   what the server's websocket path costs by itself.
3. The ceiling, once per invocation: bench/ceiling_server.py, the `websockets` library alone in one process.

Per column: delivered %, duplicates, gaps, publish->receive latency (all updates; the first update after the
fans connected apart from the later ones), server CPU per delivered frame, memory per idle fan, connect time
and failures, the surge (time for all N fans to connect and hold their catch-up; server CPU per connection),
the publish call's p50/p99, and each figure's ratio to the ceiling. A table per server kind and one
`RESULT {json}` line with every figure.

--config: sqlite (the embedded default: SQLite, in-process layer), postgres (a fresh PostgreSQL database on
127.0.0.1, created and dropped by the run), redis (PostgreSQL + REDIS_URL=--redis-url). --workers 2 implies
Redis. The fans live in separate client processes (asyncio + `websockets`); the pieces are in bench/harness/.
Everything listens and connects on 127.0.0.1 only, every wait is bounded, and servers and clients are stopped
at the end, on errors and on Ctrl-C too.

Fans, editor and servers share this machine's CPUs: on a small machine the clients' own work shows in the
latencies of every column alike, and anything else running distorts them. The table reports the CPU other
processes used during each publish phase: when it is more than a few tenths of a second, run again.
"""

from __future__ import annotations

import argparse
import os
import shlex
import signal
import sys
import tempfile
import urllib.parse
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable from the repository root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness.common import HOST, raise_fd_limit  # noqa: E402
from bench.harness.runs import run_broadcast, run_diretta  # noqa: E402
from bench.harness.servers import KINDS  # noqa: E402
from bench.harness.stats import fmt, ratios, result_line, table  # noqa: E402
from config import serve  # noqa: E402

SERVER_KINDS = tuple(k for k in KINDS if k != "ceiling")

# The targets of the issue "The live path at the hardware limit" (docs/PERFORMANCE.md).
TARGET_KB_PER_FAN = 20
TARGET_PUBLISH_P99_MS = 50
TARGET_CROSS_PROCESS_P99_MS = 100
TARGET_CPU_RATIO = 2.0
TARGET_CONNECT_RATIO = 2.0


def target_p99_ratio(fans: int) -> float:
    return 2.0 if fans >= 10_000 else 1.5


def check_targets(args, diretta: dict, ratios: dict | None) -> list[tuple[str, bool | None]]:
    """Each target with whether this run met it (None: not measured in this run, e.g. --no-ceiling)."""
    ratios = ratios or {}
    complete = diretta["delivered"] == diretta["expected"]
    checks = [
        ("all fans connected, 100% delivery, no duplicates, in order",
         diretta["connected"] == diretta["fans"] and complete and not diretta["duplicates"]
         and not diretta["out_of_order"]),
    ]  # fmt: skip
    if args.workers > 1:
        return checks  # two processes: delivery is the target, latency is reported
    if args.publisher == "process":
        p99 = diretta["latency_ms"]["p99"]
        checks.append(
            (f"cross-process p99 <= {TARGET_CROSS_PROCESS_P99_MS} ms", p99 is not None and p99 <= 100)
        )
        return checks

    def within(key: str, limit: float):
        return None if ratios.get(key) is None else ratios[key] <= limit

    p99_limit = target_p99_ratio(args.fans)
    publish_p99 = diretta["publish_call_ms"]["p99"]
    kb_per_fan = diretta["kb_per_idle_fan"]
    checks += [
        (f"p99 <= {p99_limit:g}x the ceiling's", within("latency_p99", p99_limit)),
        (f"server CPU per frame <= {TARGET_CPU_RATIO:g}x the ceiling's", within("cpu_us_per_frame", 2.0)),
        (f"all connected and caught up within {TARGET_CONNECT_RATIO:g}x the ceiling's time",
         within("surge_seconds", TARGET_CONNECT_RATIO)),
        (f"editor publish p99 <= {TARGET_PUBLISH_P99_MS} ms",
         publish_p99 is not None and publish_p99 <= TARGET_PUBLISH_P99_MS),
        (f"memory per idle fan <= {TARGET_KB_PER_FAN} KB",
         kb_per_fan is not None and kb_per_fan <= TARGET_KB_PER_FAN),
    ]  # fmt: skip
    return checks


def setup_line(args, kind: str) -> str:
    if args.database_url:
        database = "PostgreSQL" if args.database_url.startswith("postgres") else "SQLite"
    else:
        database = "SQLite" if args.config == "sqlite" else "PostgreSQL"
    return (
        f"Fan-out: {args.fans:,} fans, {args.updates} updates every {args.interval:g} s, catch-up "
        f"{args.catch_up}; Diretta on {args.workers} x {kind}, "
        f"{'Redis pub/sub' if args.redis else 'no Redis'}, {database}, "
        f"publisher {args.publisher}{' on its own process' if args.editor_process else ''}; "
        + ("" if args.no_asgi else f"ASGI = bench/asgi_broadcast.py on 1 x {kind}; ")
        + ("" if args.no_ceiling else "ceiling = websockets.broadcast(), 1 process; ")
        + f"{os.cpu_count()} CPUs shared"
    )


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description="Diretta websocket fan-out benchmark (see the module docstring)."
    )
    parser.add_argument("--fans", type=int, default=2000, help="websocket clients (default 2000)")
    parser.add_argument("--updates", type=int, default=20, help="entries published (default 20)")
    parser.add_argument(
        "--workers", type=int, choices=(1, 2), default=1,
        help="Diretta server processes; 2 needs Redis and implies --redis (default 1)",
    )  # fmt: skip
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between publishes (default 0.5)")
    parser.add_argument(
        "--server",
        choices=SERVER_KINDS,
        default=serve.DEFAULT_SERVER,
        help=f"server kind (default {serve.DEFAULT_SERVER}, the one make run uses)",
    )
    parser.add_argument(
        "--servers",
        default="",
        help="several server kinds, comma-separated, one run each: daphne,uvicorn,granian",
    )
    parser.add_argument(
        "--config", choices=("sqlite", "postgres", "redis"), default="sqlite",
        help="sqlite: embedded default; postgres: a fresh PostgreSQL database; redis: PostgreSQL + Redis",
    )  # fmt: skip
    parser.add_argument(
        "--publisher", choices=("admin", "process"), default="admin",
        help="admin: the editor's admin POST through the first server; process: another Python process "
        "calling commentary.domain.services.entry_publish (cross-process delivery)",
    )  # fmt: skip
    parser.add_argument(
        "--editor-process", action="store_true",
        help="the editor's admin POST goes to a Diretta process of its own, as in the production recipe "
        "(docs/DEPLOY.md: /admin/ routed to the editor's process); its updates reach the fans' process "
        "through the doorbell",
    )  # fmt: skip
    parser.add_argument(
        "--catch-up", type=int, default=1,
        help="entries published before the fans connect that each fan gets replayed on connect (default 1; "
        "0: fans ask for nothing)",
    )  # fmt: skip
    parser.add_argument("--redis", action="store_true", help="use the Redis pub/sub channel layer")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/3")
    parser.add_argument(
        "--database-url", default="",
        help="default: a fresh SQLite file (--config sqlite) or a fresh PostgreSQL database created and "
        "dropped "
        "by the run; e.g. postgres://postgres@127.0.0.1:5432/diretta_bench (kept)",
    )  # fmt: skip
    parser.add_argument(
        "--postgres-admin-url", default="postgres://postgres@127.0.0.1:5432/postgres",
        help="where --config postgres/redis creates and drops its database",
    )  # fmt: skip
    parser.add_argument(
        "--clients", type=int, default=min(4, max(2, os.cpu_count() or 2)),
        help="fan client processes (default: CPUs, between 2 and 4)",
    )  # fmt: skip
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
    parser.add_argument(
        "--surge", action="store_true",
        help="a reconnect storm: every fan starts its handshake at once (--connect-concurrency = all fans)",
    )  # fmt: skip
    parser.add_argument("--no-ceiling", action="store_true", help="skip the websockets ceiling column")
    parser.add_argument("--no-asgi", action="store_true", help="skip the minimal ASGI app column")
    args = parser.parse_args(argv)
    if args.fans < 1 or args.updates < 1 or args.clients < 1 or args.interval < 0 or args.catch_up < 0:
        parser.error(
            "--fans, --updates and --clients must be at least 1, --interval and --catch-up not negative"
        )
    if args.surge:
        args.connect_concurrency = -(-args.fans // args.clients)
    args.server_kinds = [k.strip() for k in args.servers.split(",") if k.strip()] or [args.server]
    for kind in args.server_kinds:
        if kind not in SERVER_KINDS:
            parser.error(f"--servers: unknown kind {kind!r}; one of {', '.join(SERVER_KINDS)}")
    if args.config == "redis" and not args.redis:
        args.redis = True
    if args.workers == 2 and not args.redis:
        print("--workers 2: processes share updates through Redis, so --redis is on", flush=True)
        args.redis = True
    for url in (args.redis_url if args.redis else "", args.database_url, args.postgres_admin_url):
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
    runs: dict[str, dict] = {}
    ceiling = None
    with tempfile.TemporaryDirectory(prefix="diretta-bench-") as tmp:
        work = Path(tmp)
        for kind in args.server_kinds:
            diretta = run_diretta(args, kind, work)
            frame_bytes = diretta["frame_bytes"] or 600
            asgi = None if args.no_asgi else run_broadcast(args, kind, work, frame_bytes, f"ASGI/{kind}")
            runs[kind] = {"diretta": diretta, "asgi": asgi}
        if not args.no_ceiling:
            frame_bytes = next(iter(runs.values()))["diretta"]["frame_bytes"] or 600
            ceiling = run_broadcast(args, "ceiling", work, frame_bytes, "ceiling")

    print()
    for kind, run in runs.items():
        diretta, asgi = run["diretta"], run["asgi"]
        run["ratios_to_ceiling"] = {
            "diretta": ratios(diretta, ceiling) if ceiling else None,
            "asgi": ratios(asgi, ceiling) if ceiling and asgi else None,
        }
        ratio = run["ratios_to_ceiling"]["diretta"]["latency_p99"] if ceiling else None
        run["p99_ratio_to_ceiling"] = ratio
        run["targets"] = {
            label: ok for label, ok in check_targets(args, diretta, run["ratios_to_ceiling"]["diretta"])
        }
        columns = [(f"Diretta/{kind}", diretta), (f"ASGI/{kind}", asgi), ("ceiling", ceiling)]
        print(table(setup_line(args, kind), columns, ceiling))
        print(f"{'publish call: Diretta = ':<36}" + (
            "the editor's admin POST, until its redirect" if args.publisher == "admin"
            else "commentary.domain.services.entry_publish in the publisher process"
        ))  # fmt: skip
        print(f"{'':<36}ASGI and ceiling = GET /broadcast, which returns once every socket was written to")
        print("latency: publish call start -> frame read by the fan, over every (fan, update) pair.")
        for label, ok in run["targets"].items():
            print(f"  [{'skip' if ok is None else 'pass' if ok else 'FAIL'}] Diretta/{kind}: {label}")
        print()
    if len(runs) > 1:
        print("Summary (p99 latency / CPU per frame / KB per idle fan / surge):")
        summary = [(f"{c}/{kind}", run[c]) for kind, run in runs.items() for c in ("diretta", "asgi")]
        for label, r in [*summary, ("ceiling", ceiling)]:
            if r:
                print(
                    f"  {label:<24} p99 {fmt(r['latency_ms']['p99'], ' ms'):>12}"
                    f"  {fmt(r['cpu_us_per_frame'], ' µs/frame'):>16}"
                    f"  {fmt(r['kb_per_idle_fan'], ' KB'):>9}  surge {fmt(r['surge']['seconds'], ' s')}"
                )
    print(f"\ncommand: {command}")
    first = next(iter(runs.values()))
    result = {
        "command": command,
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "settings": {k: v for k, v in vars(args).items()},
        "runs": runs,
        "ceiling": ceiling,
        # The first server kind's figures under the keys earlier versions of this script used.
        "diretta": first["diretta"],
        "p99_ratio_to_ceiling": first["p99_ratio_to_ceiling"],
        "targets": first["targets"],
    }
    print(result_line(result), flush=True)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: servers and clients stopped", file=sys.stderr)
        sys.exit(130)
