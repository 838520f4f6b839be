"""The three columns of a run: Diretta under server X, the minimal ASGI app under X, the `websockets` ceiling.

Each function starts its server(s), measures one column with bench.harness.measure, stops everything (on
errors and Ctrl-C too) and returns the column's figures.
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from pathlib import Path

from .common import HOST, free_ports, http_get
from .diretta import fresh_postgres, last_seq, prepare_database, server_env
from .editor import PUBLISH_TIMEOUT, Editor, ProcessPublisher
from .measure import measure
from .servers import BROADCAST_APP, DIRETTA_APP, Server, ServerGroup


def database_for(args):
    """A context manager yielding the DATABASE_URL of one Diretta column ('' = a fresh SQLite file)."""
    if args.database_url or args.config == "sqlite":
        return contextlib.nullcontext(args.database_url)
    return fresh_postgres(args.postgres_admin_url)


def run_diretta(args, kind: str, work: Path) -> dict:
    var_dir = work / f"diretta-{kind}"
    var_dir.mkdir(parents=True, exist_ok=True)
    with database_for(args) as database_url:
        env = server_env(var_dir, database_url, args.redis_url if args.redis else "")
        where = "PostgreSQL" if database_url.startswith("postgres") else "SQLite"
        print(f"Diretta/{kind}: preparing a fresh database ({where})", flush=True)
        match_id = prepare_database(env)
        group = ServerGroup()
        desk = ServerGroup()  # the editor's own process (--editor-process), outside the fans' figures
        publisher = None
        try:
            first_port = free_ports(args.workers)
            for k in range(args.workers):
                server = Server(
                    kind, app=DIRETTA_APP, port=first_port + k, env=env, log=var_dir / f"{kind}-{k}.log",
                    ready_path="/admin/login/",
                )  # fmt: skip
                group.add(server).start()
            ports = [s.port for s in group.servers]
            print(
                f"Diretta/{kind}: {args.workers} process(es) on port(s) {', '.join(map(str, ports))}, "
                f"match {match_id}, publisher: {args.publisher}",
                flush=True,
            )
            if args.publisher == "process":
                publisher = ProcessPublisher(env, match_id, log=var_dir / "publisher.log")
            elif args.editor_process:
                editor_server = Server(
                    kind, app=DIRETTA_APP, port=free_ports(1), env=env, log=var_dir / f"{kind}-editor.log",
                    ready_path="/admin/login/",
                )  # fmt: skip
                desk.add(editor_server).start()
                publisher = Editor(editor_server.port, match_id).login()
            else:
                # The editor publishes through the first process, whatever the fans use.
                publisher = Editor(ports[0], match_id).login()
            # Entries before the fans come: the first publish loads templates and warms caches, which is not
            # what an editor sees mid-match; the fans' catch-up replays the last --catch-up of them.
            for j in range(max(1, args.catch_up)):
                accepted, _started, _took = publisher.publish(-1, f"bench warm-up {j}")
                if not accepted:
                    errors = getattr(publisher, "errors", [])
                    raise RuntimeError(f"the warm-up publish was not accepted {errors[-1:] or ''}")
            newest = last_seq(env, match_id)
            if args.publisher == "process" and not args.redis:
                time.sleep(1.5)  # the servers learn of another process's updates by polling the database
            urls = [(f"ws://{HOST}:{port}/ws/matches/{match_id}/", f"http://{HOST}:{port}") for port in ports]
            result = measure(
                name=f"Diretta/{kind}",
                args=args,
                servers=group,
                urls=urls,
                since=max(0, newest - args.catch_up),
                caught_up_seq=newest,
                publish=publisher.publish,
            )
            problems = group.log_problems() + desk.log_problems()
            pauses = group.gc_pauses()
            editor_cpu = desk.cpu_seconds() if desk.servers else None
        finally:
            if publisher is not None:
                publisher.close()
            group.stop()
            desk.stop()
    result.update(
        server=kind,
        server_log_problems=len(problems),
        server_log_sample=problems[:10],
        gc_pauses=pauses,
        match_id=match_id,
        ports=ports,
        database="postgresql" if database_url.startswith("postgres") else "sqlite",
        redis=bool(args.redis),
        publisher=args.publisher,
        editor_process=bool(args.editor_process),
        editor_process_cpu_seconds=None if editor_cpu is None else round(editor_cpu, 2),
        publisher_errors=getattr(publisher, "errors", [])[:10],
    )
    return result


def _broadcast_publisher(port: int, first_seq: int, frame_bytes: int):
    def publish(i: int, text: str) -> tuple[bool, float, float]:
        query = urllib.parse.urlencode({"seq": first_seq + i, "marker": text.split()[0], "size": frame_bytes})
        started = time.time()
        status, _body = http_get(port, f"/broadcast?{query}", timeout=PUBLISH_TIMEOUT)
        return status == 200, started, time.time() - started

    return publish


def run_broadcast(args, kind: str, work: Path, frame_bytes: int, name: str) -> dict:
    """The minimal ASGI app under server `kind`, or (kind 'ceiling') bench/ceiling_server.py."""
    app = BROADCAST_APP if kind != "ceiling" else ""
    server = Server(kind, app=app, log=work / f"{name.replace('/', '-')}.log", ready_path="/stats")
    try:
        server.start()
        print(f"{name}: on port {server.port}, frames of {frame_bytes} bytes", flush=True)
        # Broadcasts before the fans come, numbered 1..W, as Diretta's warm-up entries: the catch-up.
        warm = max(1, args.catch_up)
        for j in range(warm):
            query = urllib.parse.urlencode({"seq": j + 1, "marker": f"warmup-{j}", "size": frame_bytes})
            status, _body = http_get(server.port, f"/broadcast?{query}", timeout=PUBLISH_TIMEOUT)
            if status != 200:
                raise RuntimeError(f"{name}: warm-up broadcast answered {status}")
        result = measure(
            name=name,
            args=args,
            servers=server,
            urls=[(f"ws://{HOST}:{server.port}/ws/matches/1/", f"http://{HOST}:{server.port}")],
            since=max(0, warm - args.catch_up),
            caught_up_seq=warm,
            publish=_broadcast_publisher(server.port, warm + 1, frame_bytes),
        )
        problems = server.log_problems()
        pauses = server.gc_pauses()
    finally:
        server.stop()
    result.update(
        server=kind, server_log_problems=len(problems), server_log_sample=problems[:10], gc_pauses=pauses
    )
    return result
