"""A fan's socket: listen only. A plain ASGI application; the contract is docs/PROTOCOL.md.

Fans need no session, no user and no channel of their own, so this is not a Channels consumer: the hub holds
each socket's own ASGI `send` and calls it once per update with a message built once for every fan.

Slow fans, under every server, through documented mechanisms only:
- where the server applies backpressure (uvicorn, granian: `send` waits while the socket's write buffer is
  full), a fan whose `send` has not finished when the next update comes is *busy*: its updates queue here,
  and once the queue holds more than HARD_BACKLOG bytes or the fan stays busy for SLOW_GRACE seconds it is
  dropped (close 4013; it reconnects with `since` and catches up from the update log);
- where the server buffers without limit (daphne's `send` never waits), the server's own keepalive drops a
  fan that stops reading: it stops answering pings (`--ping-interval` / `--ping-timeout`, set by every
  recipe in this repository), so what is held for it is bounded by that time.
Either way a slow fan never slows the others: the hub never waits for any fan's write.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import types
from collections import deque
from urllib.parse import parse_qs

from django.conf import settings

from commentary.models import TICKER

from .hub import hub

logger = logging.getLogger(__name__)

# Close codes (docs/PROTOCOL.md). Every one is in 4000–4999: the only range (besides 1000) that every
# supported server lets an application send. Final ones: the page stops and says so; the others: reconnect.
CLOSE_UNKNOWN_MATCH = 4404  # final
CLOSE_MALFORMED = 4400  # final
CLOSE_BINARY = 4003  # final
CLOSE_TOO_BIG = 4009  # final
CLOSE_TOO_MANY = 4429  # final
CLOSE_NO_SINCE = 4408  # reconnect
CLOSE_STREAM_LOST = 4011  # reconnect
CLOSE_TOO_SLOW = 4013  # reconnect
CLOSE_ADDRESS_FULL = 4503  # reconnect (later): too many sockets from this address

MAX_MATCH_ID = 2**63 - 1
MAX_CLIENT_FRAME = 1024  # bytes; a `since` message is about 20, a ticker's with 40 matches about 700
MAX_TICKER_MATCHES = 40  # matches one ticker socket may follow (a round has 10, a busy Sunday's home ~30)
MAX_CLIENT_FRAMES_PER_MINUTE = 30
SINCE_TIMEOUT = 10.0  # seconds a socket may stay open without saying `since`
HARD_BACKLOG = 2 * 1024 * 1024  # bytes queued for a busy fan before it is dropped
SLOW_GRACE = 5.0  # seconds a fan may stay busy

_COROUTINE = types.CoroutineType


class _Resume:
    """The rest of an awaitable that `Fan._write` started by hand and that suspended on `yielded`."""

    __slots__ = ("step", "yielded")

    def __init__(self, step, yielded):
        self.step, self.yielded = step, yielded

    def __await__(self):
        step, yielded = self.step, self.yielded
        while True:
            try:
                value = yield yielded
            except BaseException as error:
                try:
                    yielded = step.throw(error)
                except StopIteration:
                    return
            else:
                try:
                    yielded = step.send(value)
                except StopIteration:
                    return


class Fan:
    __slots__ = (
        "send",
        "language",
        "fallback",
        "sent",
        "stream",
        "busy",
        "queue",
        "queued",
        "busy_since",
        "frames",
    )

    def __init__(self, send, language: str, *, ticker: bool = False):
        self.send = send
        # the key of this fan's frame among an update's frames: the match page's, or the ticker's (a page
        # that follows many matches), in the fan's language or else the site's
        prefix = TICKER if ticker else ""
        self.language = prefix + language
        self.fallback = prefix + settings.LANGUAGE_CODE
        self.sent: int | None = None  # last update number written; None until the client said `since`
        self.stream = None
        self.busy = False
        self.queue: deque | None = None
        self.queued = 0
        self.busy_since = 0.0
        self.frames: list[float] | None = None  # when the client's recent frames came (flood limit)

    # -- called by the hub, in order, for every update of the match

    def push(self, seq: int, messages: dict) -> None:
        sent = self.sent
        if sent is None or seq <= sent:
            return
        if seq != sent + 1:  # this socket was still catching up: fill the gap from memory first
            for missed_seq, missed in self.stream.replay(sent) or ():
                if missed_seq < seq:
                    self._write(missed_seq, missed)
        self._write(seq, messages)

    def _write(self, seq: int, messages: dict) -> None:
        self.sent = seq
        message = messages.get(self.language) or messages.get(self.fallback)
        if message is None:  # a ticker fan, and an update that changes nothing it shows
            return
        if self.busy:
            self.queue.append(message)
            self.queued += len(message["text"])
            if self.queued > HARD_BACKLOG or time.monotonic() - self.busy_since > SLOW_GRACE:
                self.drop()
            return
        # Run the server's send right here: it nearly always finishes without suspending, and then the
        # whole cost of this fan is that one call. Only a send that waits (backpressure) gets a task.
        awaitable = self.send(message)
        step = awaitable if awaitable.__class__ is _COROUTINE else awaitable.__await__()
        try:
            yielded = step.send(None)
        except StopIteration:
            return
        except Exception:
            self.leave()
            return
        self.busy = True
        self.busy_since = time.monotonic()
        if self.queue is None:
            self.queue = deque()
        asyncio.ensure_future(self._drain(_Resume(step, yielded)))

    async def _drain(self, rest) -> None:
        try:
            await rest
            while self.queue and self.stream is not None:
                message = self.queue.popleft()
                self.queued -= len(message["text"])
                await self.send(message)
        except Exception:
            self.leave()
        finally:
            self.busy = False

    def drop(self) -> None:
        """Too slow: stop holding anything for it and close; its page comes back with `since`."""
        logger.info("dropped a fan of match %s: %d bytes queued", self.stream.match_id, self.queued)
        self.leave()
        self.queue = None
        self.queued = 0
        asyncio.ensure_future(self._close(CLOSE_TOO_SLOW))

    def leave(self) -> None:
        if self.stream is not None:
            hub.leave(self.stream, self)
            self.stream = None
        self.sent = None

    def stream_lost(self) -> None:
        self.stream = None
        self.sent = None
        asyncio.ensure_future(self._close(CLOSE_STREAM_LOST))

    async def _close(self, code: int) -> None:
        with contextlib.suppress(Exception):  # already gone
            await self.send({"type": "websocket.close", "code": code})

    # -- the client's side

    async def catch_up(self, since: int) -> None:
        """Send every update after `since`, or one resync frame when they are not all in memory."""
        stream = self.stream
        frames = stream.replay(since)
        if frames is None:
            self.sent = None  # nothing live goes out while the resync is being made
            seq, message = await stream.resync(self.language)
            if self.stream is None:
                return
            self._write(seq, {self.language: message})
            frames = stream.replay(seq) or ()
        else:
            self.sent = since
        for seq, messages in frames:
            self._write(seq, messages)

    def flooding(self) -> bool:
        now = time.monotonic()
        self.frames = [t for t in self.frames or () if now - t < 60]
        self.frames.append(now)
        return len(self.frames) > MAX_CLIENT_FRAMES_PER_MINUTE


def _language(scope) -> str:
    query = parse_qs(scope.get("query_string", b"").decode(errors="replace"))
    language = (query.get("lang") or [settings.LANGUAGE_CODE])[0]
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _since(text: str) -> int | None:
    try:
        since = json.loads(text)["since"]
    except (ValueError, TypeError, KeyError):
        return None
    return since if type(since) is int and since >= 0 else None


async def _accept(scope, receive, send) -> str | None:
    """Accept the socket and count it against its client's address; None when it is closed already (the
    address holds too many sockets) or never opened."""
    if (await receive())["type"] != "websocket.connect":
        return None
    await send({"type": "websocket.accept"})
    # The handshake's headers were read at routing (the Origin). The scope is the server's own dict, held for
    # the socket's whole life: its list of the browser's headers (user agent, cookies: 1-3 KB) would be held
    # that long for nothing. Released here, it is ~1.2 KB less per idle fan (docs/PERFORMANCE.md).
    scope["headers"] = ()
    address = (scope.get("client") or ("?",))[0]
    if not hub.admit(address):
        await send({"type": "websocket.close", "code": CLOSE_ADDRESS_FULL})
        return None
    return address


async def fan_socket(scope, receive, send, *, match_id: int) -> None:
    """ASGI application for /ws/matches/<id>/ (commentary.live.routing). One coroutine for the socket's whole
    life: each nested one would be a frame held per fan."""
    address = await _accept(scope, receive, send)
    if address is None:
        return
    fan = Fan(send, _language(scope))
    code = None
    try:
        fan.stream = await hub.join(match_id, fan) if 0 < match_id <= MAX_MATCH_ID else None
        if fan.stream is None:
            code = CLOSE_UNKNOWN_MATCH
            return
        try:
            async with asyncio.timeout(SINCE_TIMEOUT):
                message = await receive()
        except TimeoutError:
            code = CLOSE_NO_SINCE
            return
        while message["type"] == "websocket.receive":
            code, since = _check(message)
            if code is not None:
                return
            if fan.flooding():
                code = CLOSE_TOO_MANY
                return
            if fan.stream is not None:
                await fan.catch_up(since)
            message = await receive()
    finally:
        hub.release(address)
        fan.leave()
        if code is not None:
            await fan._close(code)


async def ticker_socket(scope, receive, send) -> None:
    """ASGI application for /ws/ticker/: one socket, many matches (the home and round pages). The client says
    which matches it follows and the last update it applied of each, `{"since": {"<id>": n, …}}`; each match
    is a Fan of its stream, all sharing the socket, and gets only its ticker frames (docs/PROTOCOL.md)."""
    address = await _accept(scope, receive, send)
    if address is None:
        return
    language = _language(scope)
    fans: dict[int, Fan] = {}
    limits = Fan(send, language)  # counts the client's frames, closes the socket
    code = None
    try:
        try:
            async with asyncio.timeout(SINCE_TIMEOUT):
                message = await receive()
        except TimeoutError:
            code = CLOSE_NO_SINCE
            return
        while message["type"] == "websocket.receive":
            code, since = _check(message, parse=_ticker_since)
            if code is None and limits.flooding():
                code = CLOSE_TOO_MANY
            if code is not None:
                return
            for match_id in list(fans):
                if match_id not in since:
                    fans.pop(match_id).leave()
            for match_id, after in since.items():
                fan = fans.get(match_id)
                if fan is None or fan.stream is None:
                    fan = fans[match_id] = Fan(send, language, ticker=True)
                    fan.stream = await hub.join(match_id, fan)
                if fan.stream is not None:
                    await fan.catch_up(after)
            if not any(fan.stream for fan in fans.values()):
                code = CLOSE_UNKNOWN_MATCH
                return
            message = await receive()
    finally:
        hub.release(address)
        for fan in fans.values():
            fan.leave()
        if code is not None:
            await limits._close(code)


def _ticker_since(text: str) -> dict[int, int] | None:
    """{"since": {"<match id>": n, …}}: 1 to MAX_TICKER_MATCHES matches, ids and numbers in range."""
    try:
        since = json.loads(text)["since"]
    except (ValueError, TypeError, KeyError):
        return None
    if type(since) is not dict or not 0 < len(since) <= MAX_TICKER_MATCHES:
        return None
    parsed = {}
    for key, value in since.items():
        if not (key.isascii() and key.isdigit() and 0 < int(key) <= MAX_MATCH_ID):
            return None
        if type(value) is not int or value < 0:
            return None
        parsed[int(key)] = value
    return parsed


def _check(message, parse=_since) -> tuple[int | None, int | None]:
    """(the close code for a bad client frame, or None; the `since` it carries)."""
    text = message.get("text")
    if text is None:
        return CLOSE_BINARY, None
    if len(text) > MAX_CLIENT_FRAME or len(text.encode()) > MAX_CLIENT_FRAME:
        return CLOSE_TOO_BIG, None
    since = parse(text)
    return (CLOSE_MALFORMED if since is None else None), since
