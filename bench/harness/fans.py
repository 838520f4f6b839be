"""The fan fleet: websocket fans in separate client processes (asyncio + `websockets`), seen from one place.

Each fan connects (bounded: deadline, retries, at most `concurrency` handshakes in flight per process), sends
`{"since": since}`, and then reads frames: every `data-seq` is checked for duplicates (at or below `since`, or
seen before), out-of-order and gaps; every marker `bench-<i>` gets its receive time, once per fan. A fan has
caught up when it holds a frame numbered `caught_up_seq` or above (the replay of what it missed), or at once
when there is nothing to catch up. The client processes hand their figures in over a pipe; Fleet.collect()
merges them.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import multiprocessing
import multiprocessing.connection
import os
import random
import signal
import time
from dataclasses import dataclass, field

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from .common import MARKER, SEQ, raise_fd_limit

RESULTS_GRACE = 10.0  # how long a client process may take to hand in its results once told to stop
COUNTERS = ("connected", "failed", "frames", "duplicates", "out_of_order", "gaps", "closed_early")


@dataclass
class FanStats:
    """What one client process saw; merged across processes by Fleet.collect()."""

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
    errors: dict = field(default_factory=dict)  # connect attempts that failed, by exception name
    frame_bytes: int = 0
    times: list = field(default_factory=list)  # times[i]: receive times of marker i, one per fan that got it
    connect_times: list = field(default_factory=list)  # per connected fan: when its `since` was sent
    caught_up_times: list = field(default_factory=list)  # per fan that caught up: when

    def __post_init__(self):
        self.times = [[] for _ in range(self.updates)]


def fan_process(conn, plan, since, caught_up_seq, updates, connect_deadline, concurrency, retries) -> None:
    """Entry point of a client process: `plan` lists (url, origin, number of fans)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the orchestrator handles Ctrl-C and stops us
    raise_fd_limit()
    asyncio.run(
        _fan_process(conn, plan, since, caught_up_seq, updates, connect_deadline, concurrency, retries)
    )
    # Skip the interpreter's teardown: closing thousands of sockets one by one is slow and measures nothing.
    os._exit(0)


async def _fan_process(conn, plan, since, caught_up_seq, updates, connect_deadline, concurrency, retries):
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
    context = (since, caught_up_seq, stats, gate, connect_deadline, retries, all_tried, all_finished)
    tasks = [
        asyncio.create_task(_fan(url, origin, *context)) for url, origin, count in plan for _ in range(count)
    ]
    while not all_tried.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(all_tried.wait(), 0.5)
        conn.send(("progress", stats.connected, stats.failed))
    # The client's own collector: a full collection of the thousands of sockets just opened, run by chance
    # during the first updates, held one client process still for ~70 ms and showed as that update's
    # latency (seen in the Diretta column's first update, run after run). Collect and freeze once here,
    # before the publish phase, in every column alike.
    gc.collect()
    gc.freeze()
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


async def _fan(
    url,
    origin,
    since,
    caught_up_seq,
    stats: FanStats,
    gate,
    connect_deadline,
    retries,
    all_tried,
    all_finished,
):
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
        stats.connect_times.append(time.time())
    if stats.connected + stats.failed == stats.total:
        all_tried.set()
    if websocket is None:
        return

    caught_up = caught_up_seq <= since
    if caught_up:
        stats.caught_up_times.append(time.time())
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
                if not caught_up and seq >= caught_up_seq:
                    caught_up = True
                    stats.caught_up_times.append(received)
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
    """The client processes holding the fans, seen from the orchestrator.

    urls: (websocket url, origin) pairs; fan j goes to urls[j mod len(urls)] and to client process
    j mod processes, so every process holds an even share of every server's fans.
    """

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
        caught_up_seq: int = 0,
    ):
        self.fans = fans
        self.updates = updates
        self.started = time.time()
        self.connect_deadline = self.started + connect_timeout
        self.lost = 0
        context = multiprocessing.get_context("spawn")
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
                args=(
                    child, plan, since, caught_up_seq, updates, self.connect_deadline, concurrency, retries
                ),
                daemon=True,
            )  # fmt: skip
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

    def wait_connected(self, quiet: bool = False) -> tuple[int, int]:
        """Until every fan is connected (or gave up), bounded by the connect deadline; print progress."""
        last_print = time.monotonic()
        while time.time() < self.connect_deadline + 15:
            self._pump(0.5)
            connected = sum(s[1] for s in self.state.values())
            failed = sum(s[2] for s in self.state.values())
            if not quiet and time.monotonic() - last_print > 5:
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
            for name in COUNTERS:
                setattr(merged, name, getattr(merged, name) + result[name])
            for name in ("close_codes", "errors"):
                for key, count in result[name].items():
                    getattr(merged, name)[key] = getattr(merged, name).get(key, 0) + count
            merged.frame_bytes = merged.frame_bytes or result["frame_bytes"]
            merged.connect_times.extend(result["connect_times"])
            merged.caught_up_times.extend(result["caught_up_times"])
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

    def __enter__(self) -> Fleet:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
