"""Round page against match page: what one fan of each costs the server, with a whole round live.

    .venv/bin/python bench/round.py [--fans 1000] [--seconds 60] [--rate 10] [--server uvicorn]

The criterion: a round-page fan (one /ws/ticker/ socket following the round's 10 live matches) costs the
server at most 1.5x a match-page fan (one /ws/matches/<id>/ socket), per fan, in CPU and in memory.

Three phases, each on a fresh SQLite database and a fresh server (`--server`, default the one `make run`
uses), with the same workload: a publisher process creates a league (38 matchdays) and the 10 matches of its
matchday 1 (teams of 16 players, line-ups of 11 + 5), kicks them all off, then publishes `--rate` entries a
second in all, round-robin over the 10 matches, for `--seconds`, through the same service an editor uses:
mostly lines of commentary, about 1 in 15 a goal, about 1 in 30 a yellow card.

- BASELINE: one match-page fan per match (10 in all). What the server spends on the round whatever its
  audience (reading each update from the log, its streams, the keepalive); subtracted from the two below
  to give the cost of the fans themselves (`--no-baseline` skips it and compares the gross figures).
- MATCH: `--fans` match-page fans, fan i following match i % 10, `{"since": n}`.
- ROUND: `--fans` round-page fans, each following all 10 matches over one ticker socket,
  `{"since": {"<id>": n, ...}}`. Such a fan gets only the ticker frames (cards, round-blog lines, the live
  table): far fewer frames per match than a match fan, but for 10 matches; the comparison is per fan.

The fans live in `--clients` processes apart from the server, so the server's CPU (utime + stime of its
process tree, /proc/<pid>/stat) is its own. Measured per phase: the server's RSS before the fans and with
them connected and idle (after `--settle` seconds), divided by the fans: KB per idle fan; the server's CPU
from "go" to the publisher's end plus `--drain` seconds: microseconds per fan per second of play; the frames
and bytes each fan received, against what the update log says it should have (every update of its match for
a match fan; every update with a ticker frame of the 10 matches for a round fan). Printed: a summary per
phase, the ratios ROUND / MATCH per fan for CPU and memory with the target "<= 1.5x" met or missed, and a
final `RESULT {json}` line. Everything stays on 127.0.0.1 and every wait is bounded.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import multiprocessing
import queue
import resource
import shutil
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

from bench.harness.common import http_get, stop_clients_and_publisher  # noqa: E402
from bench.harness.diretta import manage, server_env  # noqa: E402
from bench.harness.servers import Server  # noqa: E402
from config import serve  # noqa: E402

MATCHES = 10  # a round of a 20-team league
TARGET = 1.5  # a round-page fan costs at most this many match-page fans

# argv: seconds, rate, matches, seed. Prints {"matches": {id: last seq}} once the matches are live, waits for
# a line on stdin, publishes, then prints what it published and what the update log holds since the start.
PUBLISHER = """
import json, random, sys, time, django
django.setup()
from collections import Counter
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.utils import timezone
from commentary.demo.loader import demo_entries
from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.models import Update
from matches.models import Competition, LineupEntry, Match, Player, Team

seconds, rate, count, seed = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
chance = random.Random(seed)
league = Competition.objects.create(name="Lega Bench", season="2025/26", matchdays=38)
POSITIONS = ["GK"] + ["DF"] * 4 + ["MF"] * 4 + ["FW"] * 2 + ["GK", "DF", "MF", "MF", "FW"]
matches, starters = [], {}
for n in range(count):
    teams = []
    for k in (2 * n + 1, 2 * n + 2):
        team = Team.objects.create(
            name=f"Squadra Bench {k:02d}", short_name=f"Bench {k:02d}", code=f"B{k:02d}"
        )
        Player.objects.bulk_create(
            Player(team=team, name=f"Giocatore {i} B{k:02d}", known_as=f"Rossi {k}-{i}", shirt_number=i,
                   position=POSITIONS[i - 1])
            for i in range(1, 17)
        )
        teams.append(team)
    match = Match.objects.create(
        competition=league, matchday=1, home_team=teams[0], away_team=teams[1], kickoff=timezone.now(),
        venue="Stadio Bench",
    )
    for team in teams:
        squad = list(team.players.order_by("shirt_number"))
        LineupEntry.objects.bulk_create(
            [LineupEntry(match=match, team=team, player=p, role="starter", order=i)
             for i, p in enumerate(squad[:11], 1)]
            + [LineupEntry(match=match, team=team, player=p, role="bench", order=i)
               for i, p in enumerate(squad[11:], 1)]
        )
        starters[(match.pk, team.pk)] = squad[:11]
    matches.append(match)
for match in matches:
    services.entry_publish(match=match, draft=EntryDraft(kind="kick_off", text="Si parte."))
ids = [m.pk for m in matches]
start = dict(Update.objects.filter(match_id__in=ids).values_list("match").annotate(Max("seq")))
print(json.dumps({"matches": {str(pk): start.get(pk, 0) for pk in ids}}), flush=True)
texts = [e["text"] for e in demo_entries() if e.get("kind", "commentary") == "commentary" and e["text"]]
booked = set()
kinds, errors = Counter(), []
sys.stdin.readline()  # the fans are in
interval = 1 / rate
began = time.monotonic()
end, next_at, i = began + seconds, began, 0
while time.monotonic() < end:
    match = matches[i % count]
    team = match.home_team if chance.random() < 0.5 else match.away_team
    draw = chance.random()
    draft = None
    if draw < 1 / 15:
        scorer = chance.choice(starters[(match.pk, team.pk)])
        draft = EntryDraft(kind="goal", team=team, player=scorer, text=f"Gol! {scorer.known_as} non perdona.")
    elif draw < 1 / 15 + 1 / 30:
        free = [p for p in starters[(match.pk, team.pk)] if p.pk not in booked]
        if free:
            player = chance.choice(free)
            booked.add(player.pk)
            draft = EntryDraft(kind="yellow_card", team=team, player=player, text="Intervento in ritardo.")
    if draft is None:
        draft = EntryDraft(text=texts[i % len(texts)])
    try:
        services.entry_publish(match=match, draft=draft)
        kinds[draft.kind] += 1
    except ValidationError as error:
        errors.append(f"{draft.kind}: {error}")
    i += 1
    next_at += interval
    time.sleep(max(0.0, next_at - time.monotonic()))
played = time.monotonic() - began
updates, ticker = {}, {}
for pk in ids:
    rows = list(Update.objects.filter(match_id=pk, seq__gt=start.get(pk, 0)).values_list("ticker", flat=True))
    updates[str(pk)] = len(rows)
    ticker[str(pk)] = sum(1 for frames in rows if frames)
print(json.dumps({
    "published": sum(kinds.values()), "kinds": kinds, "errors": len(errors), "first_errors": errors[:3],
    "played_s": round(played, 2), "updates": updates, "ticker_updates": ticker,
}), flush=True)
"""


# --- the fans (in the client processes) ---


async def one_fan(index, url, origin, hello, stop, opened, frames, sizes, problems) -> None:
    """Connect once, say `since`, count what arrives until `stop`. No reconnect: a drop is a problem counted
    (a fan coming back would be sent its missed frames again and blur the count)."""
    try:
        async with connect(url, origin=origin, open_timeout=30, max_queue=None, ping_interval=None) as ws:
            await ws.send(hello)
            opened[index] = 1
            stopping = asyncio.create_task(stop.wait())
            while True:
                receiving = asyncio.ensure_future(ws.recv(decode=False))
                done, _ = await asyncio.wait({receiving, stopping}, return_when=asyncio.FIRST_COMPLETED)
                if receiving not in done:
                    receiving.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await receiving
                    break
                frame = receiving.result()
                frames[index] += 1
                sizes[index] += len(frame)
    except Exception as error:
        if not stop.is_set():
            problems.append(f"{type(error).__name__}: {error}"[:200])


def client_process(number, base, origin, fans, ready, go_stop, out):
    """`fans`: [(path, hello)]; sets `ready` once every fan is connected (or failed), reports at `go_stop`."""
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    async def run():
        stop = asyncio.Event()
        opened = array("b", bytes(len(fans)))
        frames, sizes = array("q", [0] * len(fans)), array("q", [0] * len(fans))
        problems: list[str] = []
        tasks = []
        for i, (path, hello) in enumerate(fans):
            tasks.append(
                asyncio.create_task(
                    one_fan(i, base + path, origin, hello, stop, opened, frames, sizes, problems)
                )
            )
            if i % 100 == 99:
                await asyncio.sleep(0.2)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and sum(opened) + len(problems) < len(fans):
            await asyncio.sleep(0.1)
        ready.set()
        await asyncio.get_running_loop().run_in_executor(None, go_stop.wait, 3600)
        stop.set()
        await asyncio.wait(tasks, timeout=30)
        out.put(
            {
                "client": number,
                "opened": list(opened),
                "frames": list(frames),
                "bytes": list(sizes),
                "problems": problems,
            }
        )

    asyncio.run(run())


async def warm_up(ws_base: str, origin: str, since: dict) -> None:
    """One ticker socket to all 10 matches, then gone: the server has loaded what every phase needs (the
    streams, the code) before its memory is read without fans."""
    async with connect(ws_base + "/ws/ticker/", origin=origin, open_timeout=20, ping_interval=None) as ws:
        await ws.send(json.dumps({"since": since}))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(ws.recv(), 1.0)


# --- one phase ---


class Lines:
    """A subprocess's stdout, line by line, with a timeout on every read."""

    def __init__(self, stream):
        self.lines: queue.Queue = queue.Queue()
        threading.Thread(target=self._pump, args=(stream,), daemon=True).start()

    def _pump(self, stream):
        for line in stream:
            self.lines.put(line)
        self.lines.put(None)

    def read(self, timeout: float, what: str) -> str:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"the publisher said nothing for {timeout:.0f} s ({what})") from None
        if line is None:
            raise RuntimeError(f"the publisher ended before {what}")
        return line


def fans_of(phase: str, fans: int, since: dict[str, int]) -> list[tuple[str, str]]:
    ids = list(since)
    if phase == "round":
        hello = json.dumps({"since": since})
        return [("/ws/ticker/", hello)] * fans
    return [
        (f"/ws/matches/{ids[i % len(ids)]}/", json.dumps({"since": since[ids[i % len(ids)]]}))
        for i in range(fans)
    ]


def run_phase(phase: str, fans: int, args) -> dict:
    var = tempfile.mkdtemp(prefix=f"diretta-round-{phase}-")
    env = {**server_env(Path(var)), "DJANGO_SETTINGS_MODULE": "config.settings"}
    manage(env, "migrate", "-v0")
    manage(env, "collectstatic", "--noinput", "-v0")  # DEBUG is off, as in production
    server = Server(args.server, env=env)
    server.start()
    publisher = subprocess.Popen(
        [sys.executable, "-c", PUBLISHER, str(args.seconds), str(args.rate), str(MATCHES), str(args.seed)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    lines = Lines(publisher.stdout)
    clients, go_stop, finished = [], multiprocessing.Event(), False
    try:
        since = json.loads(lines.read(120, "the matches were live"))["matches"]
        port = server.port
        base, origin = f"ws://127.0.0.1:{port}", f"http://127.0.0.1:{port}"
        http_get(port, "/", timeout=20)
        asyncio.run(warm_up(base, origin, since))
        time.sleep(1)
        rss_before = server.rss_kb()
        everyone = fans_of(phase, fans, since)
        out = multiprocessing.Queue()
        count = min(args.clients, fans)
        for c in range(count):
            ready = multiprocessing.Event()
            proc = multiprocessing.Process(
                target=client_process, args=(c, base, origin, everyone[c::count], ready, go_stop, out)
            )
            proc.start()
            clients.append((proc, ready))
        for _, ready in clients:
            ready.wait(timeout=120)
        time.sleep(args.settle)
        rss_fans = server.rss_kb()
        cpu_start, started = server.cpu_seconds(), time.monotonic()
        publisher.stdin.write("go\n")
        publisher.stdin.flush()
        report = json.loads(lines.read(args.seconds + 120, "the end of its publishing"))
        time.sleep(args.drain)  # the last frames on their way
        cpu_end, window = server.cpu_seconds(), time.monotonic() - started
        problems = server.log_problems()
        go_stop.set()
        results = [out.get(timeout=90) for _ in clients]
        finished = True
    finally:
        go_stop.set()
        stop_clients_and_publisher(clients, publisher)
        if finished:  # stopped, its log and database removed
            server.cleanup()
            shutil.rmtree(var, ignore_errors=True)
        else:  # kept to see what went wrong
            server.stop()
            print(f"{phase}: failed; server log {server.log}, database in {var}", file=sys.stderr)

    # the fans in the order they were dealt out: client c holds fans c, c + count, c + 2 count, ...
    ordered: list[tuple[str, int, int, int]] = [None] * fans  # (path, opened, frames, bytes)
    for result in results:
        c = result["client"]
        for k, (o, f, b) in enumerate(zip(result["opened"], result["frames"], result["bytes"], strict=True)):
            ordered[c + k * count] = (everyone[c + k * count][0], o, f, b)
    ticker_total = sum(report["ticker_updates"].values())

    def expected(path: str) -> int:
        return ticker_total if path == "/ws/ticker/" else report["updates"][path.split("/")[3]]

    connected = sum(o for _, o, _, _ in ordered)
    frames = sum(f for _, _, f, _ in ordered)
    wanted = sum(expected(p) for p, o, _, _ in ordered if o)
    complete = sum(1 for p, o, f, _ in ordered if o and f == expected(p))
    cpu = cpu_end - cpu_start
    return {
        "phase": phase,
        "fans": fans,
        "connected": connected,
        "complete": complete,
        "frames": frames,
        "frames_expected": wanted,
        "delivered_pct": round(100 * frames / wanted, 2) if wanted else None,
        "frames_per_fan": round(frames / max(1, connected), 1),
        "bytes_per_fan": round(sum(b for *_, b in ordered) / max(1, connected)),
        "published": report["published"],
        "kinds": report["kinds"],
        "publish_errors": report["errors"],
        "first_publish_errors": report["first_errors"],
        "updates": sum(report["updates"].values()),
        "ticker_updates": ticker_total,
        "played_s": report["played_s"],
        "window_s": round(window, 2),
        "server_cpu_s": round(cpu, 3),
        "server_rss_kb": {"before_fans": rss_before, "with_fans": rss_fans},
        "kb_per_idle_fan": round((rss_fans - rss_before) / fans, 2),
        "client_problems": sum(len(r["problems"]) for r in results),
        "first_client_problems": [p for r in results for p in r["problems"]][:3],
        "server_log_problems": problems[:5],
    }


def per_fan_cpu(result: dict, baseline: dict | None) -> None:
    """CPU microseconds per fan per second of play: gross, and net of the baseline's (same workload, 10
    fans), scaled to this phase's window."""
    fans, window = result["fans"], result["window_s"]
    result["cpu_us_per_fan_s"] = round(result["server_cpu_s"] * 1e6 / fans / window, 2)
    if baseline is not None:
        fixed = baseline["server_cpu_s"] / baseline["window_s"] * window
        result["net_server_cpu_s"] = round(result["server_cpu_s"] - fixed, 3)
        result["net_cpu_us_per_fan_s"] = round(result["net_server_cpu_s"] * 1e6 / fans / window, 2)


def show(result: dict) -> None:
    name = result["phase"].upper()
    print(
        f"{name}: {result['connected']}/{result['fans']} fans connected, {result['complete']} got every "
        f"frame; frames {result['frames']}/{result['frames_expected']} ({result['delivered_pct']}%); "
        f"published {result['published']} {dict(result['kinds'])}, errors {result['publish_errors']}; "
        f"updates {result['updates']}, with ticker frames {result['ticker_updates']}",
        flush=True,
    )
    cpu = f"  server CPU {result['server_cpu_s']:.2f} s in {result['window_s']:.1f} s"
    if "net_server_cpu_s" in result:
        cpu += f" ({result['net_server_cpu_s']:.2f} s net of the baseline)"
    if result["fans"] > MATCHES or "net_cpu_us_per_fan_s" in result:
        cpu += f": {result['cpu_us_per_fan_s']} µs per fan per s gross"
        if "net_cpu_us_per_fan_s" in result:
            cpu += f", {result['net_cpu_us_per_fan_s']} net"
    print(cpu)
    rss = result["server_rss_kb"]
    print(
        f"  server RSS {rss['before_fans'] / 1024:.1f} MB before the fans, {rss['with_fans'] / 1024:.1f} MB "
        f"with them: {result['kb_per_idle_fan']} KB per idle fan"
    )
    frames = f"{result['frames_per_fan']} frames"
    if result["phase"] == "round":  # ticker frames only, of every match it follows
        frames += f" ({result['frames_per_fan'] / MATCHES:.1f} per match followed)"
    print(f"  per fan: {frames}, {result['bytes_per_fan'] / 1024:.1f} KB")
    if result["client_problems"] or result["server_log_problems"] or result["publish_errors"]:
        print(
            "  problems:",
            result["first_client_problems"],
            result["server_log_problems"],
            result["first_publish_errors"],
        )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--fans", type=int, default=1000, help="fans in each of the MATCH and ROUND phases")
    parser.add_argument("--seconds", type=float, default=60, help="seconds of publishing per phase")
    parser.add_argument("--rate", type=float, default=10, help="entries published per second, all matches")
    parser.add_argument("--clients", type=int, default=2, help="fan client processes")
    parser.add_argument("--settle", type=float, default=5, help="seconds between the fans in and the RSS")
    parser.add_argument("--drain", type=float, default=3, help="seconds measured after the last entry")
    parser.add_argument("--seed", type=int, default=26, help="the publisher's draw of goals and cards")
    parser.add_argument("--server", default=serve.DEFAULT_SERVER, choices=serve.SERVERS)
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the 10-fan phase; compare gross CPU per fan"
    )
    args = parser.parse_args()
    if args.fans < MATCHES:
        parser.error(f"--fans must be at least {MATCHES}")
    print("command:", " ".join([Path(sys.executable).name, *sys.argv]), flush=True)
    resource.setrlimit(resource.RLIMIT_NOFILE, (20000, 20000))

    baseline = None
    if not args.no_baseline:
        baseline = run_phase("baseline", MATCHES, args)
        per_fan_cpu(baseline, None)
        show(baseline)
    match = run_phase("match", args.fans, args)
    per_fan_cpu(match, baseline)
    show(match)
    round_ = run_phase("round", args.fans, args)
    per_fan_cpu(round_, baseline)
    show(round_)

    cpu_key = "cpu_us_per_fan_s" if baseline is None else "net_cpu_us_per_fan_s"
    ratios = {}
    for name, key in (("cpu", cpu_key), ("memory", "kb_per_idle_fan")):
        mine, theirs = round_[key], match[key]
        ratio = round(mine / theirs, 2) if theirs > 0 else None
        ratios[name] = {
            "round": mine,
            "match": theirs,
            "ratio": ratio,
            "target": f"<= {TARGET}x",
            "met": None if ratio is None else ratio <= TARGET,  # None: lost in the noise
        }
    print(
        f"ROUND / MATCH per fan ({'net of the baseline' if baseline else 'gross'} CPU, idle memory), "
        f"{args.fans} fans, {MATCHES} live matches, {args.server}:"
    )
    units = {"cpu": "µs/fan/s", "memory": "KB/fan"}
    for name, r in ratios.items():
        if r["met"] is None:
            print(
                f"  {name}: round {r['round']} vs match {r['match']} {units[name]}: not measured, the match "
                "fans' share is within the noise (more --fans or --seconds)"
            )
            continue
        verdict = "met" if r["met"] else "MISSED"
        print(
            f"  {name}: round {r['round']} vs match {r['match']} {units[name]} = {r['ratio']}x "
            f"(target {r['target']}: {verdict})"
        )
    gross_round, gross_match = round_["cpu_us_per_fan_s"], match["cpu_us_per_fan_s"]
    gross = round(gross_round / gross_match, 2) if gross_match > 0 else None
    if baseline is not None:
        print(
            f"  (gross CPU, with what the server spends on the round whatever its audience: round "
            f"{gross_round} vs match {gross_match} µs/fan/s = {gross}x)"
        )
    delivered = all(
        p["connected"] == p["fans"] and p["frames"] > 0 and p["frames"] == p["frames_expected"]
        for p in (match, round_)
    )
    summary = {
        "server": args.server,
        "fans": args.fans,
        "matches": MATCHES,
        "seconds": args.seconds,
        "rate": args.rate,
        "clients": args.clients,
        "phases": {p["phase"]: p for p in (baseline, match, round_) if p is not None},
        "ratios": ratios,
        "cpu_gross_ratio": gross,
        "delivered_all": delivered,
        "target_met": all(r["met"] is True for r in ratios.values()),
    }
    print("RESULT", json.dumps(summary))
    return 0 if delivered else 1


if __name__ == "__main__":
    sys.exit(main())
