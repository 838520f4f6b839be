"""The per-process hub: each match's updates reach a process once and go out to all its local fans.

One stream per match with fans in this process. An update arrives from this process's own services (handed
over after commit by `doorbell.announce`, no copy), from another process's doorbell (`doorbell.listen`), or
from the safety-net poll of the update log (every SAFETY_POLL seconds while the match has fans: a ring lost
while Redis or PostgreSQL was away). A frame is passed on only when its number is exactly one more than the
last one; a jump is filled from the database first. So every fan gets every update once, in order.

The fan-out is the hot path: per fan it is one call into the server's `send` with a message that was built
once for everyone (`Fan.push`). It gives the event loop a turn every SLICE seconds of writing, so an editor's
request (and everything else the process serves) never waits behind a big audience.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import deque
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from django.conf import settings

from commentary.domain.rendering import render_resync
from commentary.models import Update
from config import runtime
from matches.models import Match

from . import doorbell

logger = logging.getLogger(__name__)

IDLE_GRACE = 30.0  # seconds a stream outlives its last fan, so a reconnect storm does not reload it
SLICE = 0.002  # seconds of fan-out between two turns of the event loop
CHECK_EVERY = 64  # fans written between two looks at the clock
MISSING_FOR = 10.0  # seconds an unknown match id is remembered as unknown


def replay_window() -> int:
    return settings.DIRETTA_REPLAY_WINDOW


def messages_of(frames: dict[str, str]) -> dict[str, dict]:
    """The ASGI message for each language, built once and shared by every fan of that language."""
    return {language: {"type": "websocket.send", "text": text} for language, text in frames.items()}


FIELDS = ("seq", "html", "translations", "ticker")


def _fetch_after(match_id: int, after: int, limit: int | None = None) -> list[tuple[int, dict]]:
    rows = Update.objects.filter(match_id=match_id, seq__gt=after).order_by("seq").values_list(*FIELDS)
    return [(seq, messages_of(Update.frames_of(*frames))) for seq, *frames in rows[:limit]]


def _load(match_id: int) -> list[tuple[int, dict]] | None:
    """The recent updates of a match, oldest first; None when there is no such match."""
    if not Match.objects.filter(pk=match_id).exists():
        return None
    rows = Update.objects.filter(match_id=match_id).order_by("-seq").values_list(*FIELDS)[: replay_window()]
    return [(seq, messages_of(Update.frames_of(*frames))) for seq, *frames in reversed(rows)]


@dataclass(eq=False)
class MatchStream:
    match_id: int
    last_seq: int = 0
    recent: deque = field(default_factory=deque)
    fans: set = field(default_factory=set)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    exists: bool = True
    idle_since: float | None = None
    resyncs: dict = field(default_factory=dict)  # (seq, language) -> future of the resync message
    task: asyncio.Task | None = None

    @property
    def oldest_replayable(self) -> int:
        """The smallest `since` that can be served from memory."""
        return self.recent[0][0] - 1 if self.recent else self.last_seq

    def replay(self, since: int) -> list[tuple[int, dict]] | None:
        """The updates after `since`, or None when they are no longer all in memory."""
        if since < self.oldest_replayable or since > self.last_seq:
            return None
        if since == self.last_seq:
            return []
        return [(seq, messages) for seq, messages in self.recent if seq > since]

    async def resync(self, language: str) -> tuple[int, dict]:
        """One resync frame for the current state, rendered once per (update number, language) however many
        fans ask for it."""
        key = (self.last_seq, language)
        future = self.resyncs.get(key)
        if future is None:
            if len(self.resyncs) > 8:
                self.resyncs.clear()
            future = self.resyncs[key] = asyncio.ensure_future(
                database_sync_to_async(render_resync)(match_id=self.match_id, language=language)
            )
        try:
            seq, html = await asyncio.shield(future)
        except Exception:
            self.resyncs.pop(key, None)
            raise
        return seq, {"type": "websocket.send", "text": html}

    def remember(self, seq: int, messages: dict) -> None:
        self.last_seq = seq
        self.recent.append((seq, messages))
        while len(self.recent) > replay_window():
            self.recent.popleft()

    async def accept(self, seq: int, messages: dict | None) -> None:
        """Take one update from any source; pass on exactly the next one, filling jumps from the database."""
        if seq <= self.last_seq:
            return
        async with self.lock:
            if seq <= self.last_seq:
                return
            if messages is None or seq > self.last_seq + 1:
                pending = await database_sync_to_async(_fetch_after)(self.match_id, self.last_seq)
            else:
                pending = [(seq, messages)]
            for s, m in pending:
                if s != self.last_seq + 1:
                    break
                self.remember(s, m)
                await self.fan_out(s, m)

    async def fan_out(self, seq: int, messages: dict) -> None:
        clock = time.perf_counter
        started = clock()
        for count, fan in enumerate(list(self.fans), 1):
            fan.push(seq, messages)
            if count % CHECK_EVERY == 0 and clock() - started > SLICE:
                await asyncio.sleep(0)
                started = clock()


class Hub:
    def __init__(self):
        self.streams: dict[int, MatchStream] = {}
        self.missing: dict[int, float] = {}
        self.loop: asyncio.AbstractEventLoop | None = None
        self.listener: asyncio.Task | None = None
        self.addresses: dict[str, int] = {}  # open sockets per client address

    def start(self) -> None:
        """Attach to the running loop (once per process, on the first fan): this process's own publishes
        come straight here, the others' through the doorbell."""
        loop = asyncio.get_running_loop()
        if self.loop is loop and self.listener is not None and not self.listener.done():
            return
        self.loop = loop
        doorbell.attach_hub(loop, self.offer)
        self.listener = asyncio.ensure_future(self._serve())

    async def _serve(self) -> None:
        """The doorbell, and the collector kept off the audience (config.runtime)."""
        listening = asyncio.ensure_future(doorbell.listen(self.offer))
        try:
            while runtime.FREEZE_EVERY > 0:
                await asyncio.sleep(runtime.FREEZE_EVERY)
                runtime.freeze_survivors()
            await listening
        finally:
            listening.cancel()

    def admit(self, address: str) -> bool:
        """One more socket from `address`, unless it holds DIRETTA_MAX_SOCKETS_PER_ADDRESS (0: no cap).
        The cap is high: behind a carrier's NAT thousands of real fans share one address."""
        cap = settings.DIRETTA_MAX_SOCKETS_PER_ADDRESS
        count = self.addresses.get(address, 0)
        if cap and count >= cap:
            return False
        self.addresses[address] = count + 1
        return True

    def release(self, address: str) -> None:
        count = self.addresses.get(address, 1) - 1
        if count > 0:
            self.addresses[address] = count
        else:
            self.addresses.pop(address, None)

    def offer(self, match_id: int, seq: int, frames: dict | None) -> None:
        """An update from anywhere (called in the loop). Only matches with a stream here care."""
        stream = self.streams.get(match_id)
        if stream is None or seq <= stream.last_seq:
            return
        messages = messages_of(frames) if frames is not None else None
        asyncio.ensure_future(stream.accept(seq, messages))

    async def join(self, match_id: int, fan) -> MatchStream | None:
        """Add a fan to its match's stream; None when there is no such match."""
        self.start()
        missing_since = self.missing.get(match_id)
        if missing_since is not None:
            if time.monotonic() - missing_since < MISSING_FOR:
                return None
            del self.missing[match_id]
        stream = self.streams.get(match_id)
        if stream is None:
            stream = self.streams[match_id] = MatchStream(match_id)
            stream.task = asyncio.ensure_future(self._run(stream))
        await stream.ready.wait()
        if not stream.exists:
            return None
        stream.fans.add(fan)
        stream.idle_since = None
        return stream

    def leave(self, stream: MatchStream, fan) -> None:
        stream.fans.discard(fan)
        if not stream.fans:
            stream.idle_since = time.monotonic()

    async def _run(self, stream: MatchStream) -> None:
        try:
            try:
                loaded = await database_sync_to_async(_load)(stream.match_id)
            except Exception:
                logger.exception("could not load match %s", stream.match_id)
                loaded = None
                self.missing.pop(stream.match_id, None)
                stream.exists = False
                return
            if loaded is None:
                stream.exists = False
                self.missing[stream.match_id] = time.monotonic()
                return
            for seq, messages in loaded:
                stream.remember(seq, messages)
            stream.ready.set()
            await self._safety_poll(stream)
        except asyncio.CancelledError:
            pass
        except Exception:
            logger.exception("stream of match %s stopped", stream.match_id)
        finally:
            stream.ready.set()
            if self.streams.get(stream.match_id) is stream:
                del self.streams[stream.match_id]
            for fan in list(stream.fans):
                with contextlib.suppress(Exception):
                    fan.stream_lost()

    async def _safety_poll(self, stream: MatchStream) -> None:
        """What no doorbell brought (a ring lost while Redis or PostgreSQL was away) arrives anyway."""
        while True:
            await asyncio.sleep(settings.DIRETTA_SAFETY_POLL)
            if stream.idle_since is not None and time.monotonic() - stream.idle_since > IDLE_GRACE:
                return
            try:
                rows = await database_sync_to_async(_fetch_after)(stream.match_id, stream.last_seq, 200)
            except Exception:
                logger.warning("safety-net poll failed for match %s", stream.match_id, exc_info=True)
                continue
            for seq, messages in rows:
                await stream.accept(seq, messages)

    async def close_all(self) -> None:
        """Stop every stream and the doorbell (tests, and a process that shuts down)."""
        tasks = [stream.task for stream in self.streams.values() if stream.task]
        if self.listener is not None:
            tasks.append(self.listener)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self.streams.clear()
        self.missing.clear()
        self.listener = None
        self.loop = None
        doorbell.attach_hub(None, None)


hub = Hub()
