"""The per-process hub: each match's updates reach a process once and go out to all its local fans.

A stock Channels consumer joins a group per socket, so every broadcast is delivered N times through the
channel layer (and the in-memory layer's receive scans every channel: O(N²)). Here each process subscribes
once per match; the frame that `commentary.services` rendered once is written to every local socket as is.

Two sources feed a match's stream, and the update numbers make them agree:
- the channel layer: published in this process, or in another behind Redis; milliseconds;
- the database, polled every POLL_INTERVAL seconds while the match has fans: what no layer could carry
  (a management command on the embedded default, a message lost while Redis was down) arrives anyway.
A frame is passed on only when its number is exactly one more than the last one; a jump is filled from the
database first. So every fan gets every update once, in order.
"""

import asyncio
import contextlib
import logging
from collections import deque
from dataclasses import dataclass, field

from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.conf import settings

from .broadcast import match_group
from .models import Update

logger = logging.getLogger(__name__)

RECENT = getattr(settings, "DIRETTA_REPLAY_WINDOW", 500)  # updates kept in memory for replay
POLL_INTERVAL = getattr(settings, "DIRETTA_POLL_INTERVAL", 0.5)
IDLE_GRACE = 30.0  # seconds a stream outlives its last fan, so a reconnect storm does not reload it
YIELD_EVERY = 250  # fans written between two turns of the event loop


FIELDS = ("seq", "html", "translations")


def _fetch_after(match_id: int, after: int, limit: int | None = None) -> list[tuple[int, dict]]:
    rows = Update.objects.filter(match_id=match_id, seq__gt=after).order_by("seq").values_list(*FIELDS)
    return [(seq, Update.frames_of(html, other)) for seq, html, other in (rows[:limit] if limit else rows)]


def _fetch_recent(match_id: int) -> list[tuple[int, dict]]:
    rows = Update.objects.filter(match_id=match_id).order_by("-seq").values_list(*FIELDS)[:RECENT]
    return [(seq, Update.frames_of(html, other)) for seq, html, other in reversed(rows)]


@dataclass(eq=False)
class MatchStream:
    match_id: int
    last_seq: int = 0
    recent: deque = field(default_factory=lambda: deque(maxlen=RECENT))
    fans: set = field(default_factory=set)
    tasks: list = field(default_factory=list)
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    idle_since: float | None = None

    @property
    def oldest_replayable(self) -> int:
        """The smallest `since` that can be served from memory."""
        return self.recent[0][0] - 1 if self.recent else self.last_seq

    def replay(self, since: int) -> list[tuple[int, dict]] | None:
        """The updates after `since`, or None when they are no longer all in memory."""
        if since < self.oldest_replayable or since > self.last_seq:
            return None
        return [(seq, frames) for seq, frames in self.recent if seq > since]

    async def accept(self, seq: int, frames: dict[str, str]) -> None:
        """Take one update from any source; pass on exactly the next one, filling jumps from the database."""
        async with self.lock:
            if seq <= self.last_seq:
                return
            pending = [(seq, frames)]
            if seq > self.last_seq + 1:
                pending = await database_sync_to_async(_fetch_after)(self.match_id, self.last_seq)
            for s, h in pending:
                if s != self.last_seq + 1:
                    break
                self.last_seq = s
                self.recent.append((s, h))
                for count, fan in enumerate(list(self.fans), 1):
                    try:
                        await fan.deliver(s, h)
                    except Exception:
                        logger.warning("delivery to one fan failed", exc_info=True)
                    if count % YIELD_EVERY == 0:
                        # daphne's send never suspends: without this, one update's whole fan-out is a single
                        # step of the event loop, nothing reaches the wire until every socket is queued, and
                        # the editor's own request waits behind it
                        await asyncio.sleep(0)


class Hub:
    def __init__(self):
        self.streams: dict[int, MatchStream] = {}

    async def join(self, match_id: int, fan) -> MatchStream:
        stream = self.streams.get(match_id)
        if stream is None:
            stream = self.streams[match_id] = MatchStream(match_id)
            stream.tasks = [asyncio.ensure_future(self._run(stream))]
        stream.fans.add(fan)
        stream.idle_since = None
        await stream.ready.wait()
        return stream

    def leave(self, match_id: int, fan) -> None:
        stream = self.streams.get(match_id)
        if stream is not None:
            stream.fans.discard(fan)
            if not stream.fans:
                stream.idle_since = asyncio.get_running_loop().time()

    async def _run(self, stream: MatchStream) -> None:
        layer = get_channel_layer()
        channel = None
        try:
            if layer is not None:
                channel = await layer.new_channel(prefix="hub")
                await layer.group_add(match_group(stream.match_id), channel)
            # Subscribed first, loaded second: nothing published in between can be missed.
            for seq, frames in await database_sync_to_async(_fetch_recent)(stream.match_id):
                stream.recent.append((seq, frames))
                stream.last_seq = seq
            stream.ready.set()
            listeners = [asyncio.ensure_future(self._poll(stream))]
            if layer is not None:
                listeners.append(asyncio.ensure_future(self._listen(stream, layer, channel)))
            try:
                await asyncio.wait(listeners, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for task in listeners:
                    task.cancel()
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
                    await fan.stream_lost()
            if layer is not None and channel is not None:
                with contextlib.suppress(Exception):
                    await layer.group_discard(match_group(stream.match_id), channel)

    async def _listen(self, stream: MatchStream, layer, channel: str) -> None:
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis gone: the database poll keeps the stream complete; try the layer again shortly.
                logger.warning("channel layer unavailable for match %s, retrying", stream.match_id)
                await asyncio.sleep(1)
                with contextlib.suppress(Exception):
                    await layer.group_add(match_group(stream.match_id), channel)
                continue
            if message.get("type") == "match.update":
                await stream.accept(message["seq"], message["frames"])

    async def _poll(self, stream: MatchStream) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            if stream.idle_since is not None and loop.time() - stream.idle_since > IDLE_GRACE:
                return
            try:
                rows = await database_sync_to_async(_fetch_after)(stream.match_id, stream.last_seq, 200)
            except Exception:
                logger.warning("database poll failed for match %s", stream.match_id, exc_info=True)
                continue
            for seq, frames in rows:
                await stream.accept(seq, frames)

    async def close_all(self) -> None:
        """Stop every stream (tests, and a process that shuts down)."""
        for stream in list(self.streams.values()):
            for task in stream.tasks:
                task.cancel()
            await asyncio.gather(*stream.tasks, return_exceptions=True)
        self.streams.clear()


hub = Hub()
