"""A fan's socket: listen only. The contract is docs/PROTOCOL.md."""

import functools
import json
import time
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from matches.models import Match

from .hub import hub
from .rendering import render_resync

# Close codes (docs/PROTOCOL.md). 4xxx and 1003/1009 are final: the page stops and says so.
# 1011/1012/1013 are the ones the htmx ws extension reconnects from.
CLOSE_UNKNOWN_MATCH = 4404
CLOSE_MALFORMED = 4400
CLOSE_TOO_MANY = 4429
CLOSE_BINARY = 1003
CLOSE_TOO_BIG = 1009
CLOSE_SERVER_ERROR = 1011
CLOSE_TRY_AGAIN = 1013

MAX_CLIENT_FRAME = 1024  # bytes; a `since` message is about 20
MAX_CLIENT_FRAMES_PER_MINUTE = 30
# A fan that stops reading: what the server holds for it beyond the kernel's buffers. A healthy fan drains a
# burst (a catch-up of hundreds of updates) in a moment; one that stays behind for SLOW_GRACE seconds, or
# falls HARD_BACKLOG behind, is dropped: its page reconnects with `since` and catches up from the update log,
# so nothing is lost and the server never holds more than that for it.
SOFT_BACKLOG = 256 * 1024
HARD_BACKLOG = 2 * 1024 * 1024
SLOW_GRACE = 5.0


class MatchConsumer(AsyncWebsocketConsumer):
    # Fans do not get a channel of their own on the layer: the hub holds one subscription per match.
    channel_layer_alias = None

    async def connect(self):
        self.match_id = self.scope["url_route"]["kwargs"]["match_id"]
        query = parse_qs(self.scope.get("query_string", b"").decode(errors="replace"))
        language = (query.get("lang") or [settings.LANGUAGE_CODE])[0]
        self.language = language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        self.stream = None
        self.sent = None  # last update number written to this socket; None until the client said `since`
        self.received = []
        self.behind_since = None  # when this fan's backlog went over SOFT_BACKLOG
        await self.accept()
        if not await database_sync_to_async(Match.objects.filter(pk=self.match_id).exists)():
            await self.close(code=CLOSE_UNKNOWN_MATCH)
            return
        self.stream = await hub.join(self.match_id, self)

    async def disconnect(self, code):
        if self.stream is not None:
            hub.leave(self.match_id, self)
            self.stream = None

    async def receive(self, text_data=None, bytes_data=None):
        if bytes_data is not None:
            return await self.close(code=CLOSE_BINARY)
        if len(text_data.encode()) > MAX_CLIENT_FRAME:
            return await self.close(code=CLOSE_TOO_BIG)
        now = time.monotonic()
        self.received = [t for t in self.received if now - t < 60] + [now]
        if len(self.received) > MAX_CLIENT_FRAMES_PER_MINUTE:
            return await self.close(code=CLOSE_TOO_MANY)
        try:
            message = json.loads(text_data)
            since = message["since"]
            if type(since) is not int or since < 0:
                raise ValueError
        except (ValueError, TypeError, KeyError):
            return await self.close(code=CLOSE_MALFORMED)
        if self.stream is None:
            return
        await self.catch_up(since)

    async def catch_up(self, since: int) -> None:
        """Send every update after `since`, or one resync frame when they are not all in memory."""
        frames = self.stream.replay(since)
        if frames is None:
            seq, html = await database_sync_to_async(render_resync)(
                match_id=self.match_id, language=self.language
            )
            self.sent = seq
            await self.send(text_data=html)
            frames = self.stream.replay(seq) or []
        else:
            self.sent = since
        for seq, update in frames:
            await self.deliver(seq, update)

    async def deliver(self, seq: int, frames: dict[str, str]) -> None:
        """Called by the hub, in order, for each new update of the match."""
        if self.sent is None or seq <= self.sent:
            return
        if seq > self.sent + 1:  # this socket was still replaying: fill the gap from memory first
            for missed_seq, missed in self.stream.replay(self.sent) or []:
                if missed_seq < seq:
                    await self._write(missed_seq, missed)
        await self._write(seq, frames)

    async def _write(self, seq: int, frames: dict[str, str]) -> None:
        if self._too_slow():
            self._drop()
            return
        self.sent = seq
        await self.send(text_data=frames.get(self.language) or frames[settings.LANGUAGE_CODE])

    def _transport(self):
        """The TCP transport under this socket, when served by daphne.

        Daphne's `send` is a partial bound to its protocol; Channels' session middleware wraps it (keeping the
        original as `real_send`). Under another server there is none, and the backlog reads as 0.
        """
        send = self.base_send
        for _ in range(4):
            if isinstance(send, functools.partial):
                protocol = next(iter(send.args), None)
                return protocol, getattr(protocol, "transport", None)
            send = getattr(getattr(send, "__self__", None), "real_send", None)
        return None, None

    def _too_slow(self) -> bool:
        backlog = self._backlog()
        if backlog <= SOFT_BACKLOG:
            self.behind_since = None
            return False
        now = time.monotonic()
        self.behind_since = self.behind_since or now
        return backlog > HARD_BACKLOG or now - self.behind_since > SLOW_GRACE

    def _backlog(self) -> int:
        """Bytes written for this fan that are still waiting in the server's user-space buffer."""
        _protocol, transport = self._transport()
        if transport is None:
            return 0
        return len(getattr(transport, "dataBuffer", b"")) + getattr(transport, "_tempDataLen", 0)

    def _drop(self) -> None:
        protocol, _transport = self._transport()
        hub.leave(self.match_id, self)
        self.stream = None
        self.sent = None
        if protocol is not None:
            protocol.dropConnection(abort=True)  # frees the buffer now; the client sees 1006 and comes back

    async def stream_lost(self) -> None:
        self.stream = None
        await self.close(code=CLOSE_SERVER_ERROR)
