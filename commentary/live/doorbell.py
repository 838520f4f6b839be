"""How a committed update reaches the hub of every server process, without polling.

`announce()` is called once per update, after its transaction committed (`commentary.domain.services`), in
whatever process wrote it: a web process (an editor's POST), the replay command, a shell. It

1. hands the update to this process's own hub, if one runs here (no network, no copy), and
2. rings the doorbell of every other process, through the one transport the deployment has:

   | deployment                      | doorbell                                    | carries          |
   | ------------------------------- | ------------------------------------------- | ---------------- |
   | `REDIS_URL` set                 | Redis pub/sub, channel `diretta:updates`    | the frames       |
   | PostgreSQL, no Redis            | `NOTIFY diretta_updates` (LISTEN/NOTIFY)    | match id and seq |
   | SQLite (the embedded default)   | a Unix datagram to each socket in           | match id and seq |
   |                                 | `var/doorbell/` (one per server process)    |                  |

A listener that gets only the number reads the frames from the update log (one query per update per
process). A lost ring (Redis restarting, a listener reconnecting) is caught by the hub's slow safety-net
poll; the update numbers make every source agree, so a frame that arrives twice is passed on once.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import json
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from functools import partial
from pathlib import Path

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)

REDIS_CHANNEL = "diretta:updates"
PG_CHANNEL = "diretta_updates"
SENDER = uuid.uuid4().hex[:12]  # this process: it skips its own rings, its hub already has the update

# (match_id, seq, frames or None) -> None; called in the hub's event loop
Ring = Callable[[int, int, dict | None], None]


def kind() -> str:
    if settings.REDIS_URL:
        return "redis"
    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        return "postgres"
    return "local"


# ---- the writer's side

_local_hub = None  # set by the hub of this process when it starts: (loop, callback)
_redis = None
_lock = threading.Lock()

# Inside an HTTP request (config.handlers sets it), this process's own fan-out waits until the response has
# been written: the editor who published never waits behind the fans (docs/ARCHITECTURE.md).
after_response: contextvars.ContextVar[list | None] = contextvars.ContextVar("after_response", default=None)


def attach_hub(loop: asyncio.AbstractEventLoop | None, offer: Ring | None) -> None:
    global _local_hub
    _local_hub = (loop, offer) if loop is not None else None


def announce(*, match_id: int, seq: int, frames: dict[str, str]) -> None:
    """Hand one committed update to every process's hub. Never raises: the update is committed and numbered,
    so a fan who misses it gets it by replay; a broken doorbell must not fail the editor's publish."""
    if _local_hub is not None:
        loop, offer = _local_hub
        pending = after_response.get()
        if pending is not None:
            pending.append(partial(offer, match_id, seq, frames))
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed (a test that ended)
                loop.call_soon_threadsafe(offer, match_id, seq, frames)
    try:
        transport = kind()
        if transport == "redis":
            _ring_redis(match_id, seq, frames)
        elif transport == "postgres":
            _ring_postgres(match_id, seq)
        else:
            _ring_local(match_id, seq)
    except Exception:
        logger.warning("doorbell for match %s update %s failed", match_id, seq, exc_info=True)


def _ring_redis(match_id: int, seq: int, frames: dict[str, str]) -> None:
    global _redis
    if _redis is None:
        with _lock:
            if _redis is None:
                import redis

                # short timeouts: while Redis is away an editor's publish waits at most this long for it
                # (the update is committed; the safety-net poll delivers it)
                _redis = redis.Redis.from_url(
                    settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
                )
    _redis.publish(REDIS_CHANNEL, json.dumps({"m": match_id, "s": seq, "f": frames, "p": SENDER}))


def _ring_postgres(match_id: int, seq: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, %s)", [PG_CHANNEL, f"{match_id}:{seq}:{SENDER}"])


def doorbell_dir() -> Path:
    return Path(settings.VAR_DIR) / "doorbell"


def _ring_local(match_id: int, seq: int) -> None:
    folder = doorbell_dir()
    try:
        bells = list(folder.glob("*.sock"))
    except FileNotFoundError:
        return
    if not bells:
        return
    payload = f"{match_id}:{seq}:{SENDER}".encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sender:
        sender.setblocking(False)
        for bell in bells:
            if bell.name.startswith(SENDER):
                continue
            try:
                sender.sendto(payload, str(bell))
            except (ConnectionRefusedError, FileNotFoundError):
                with contextlib.suppress(OSError):  # a process that died without cleaning up
                    bell.unlink()
            except BlockingIOError:
                pass  # that process is far behind reading rings: its safety-net poll will catch up


# ---- the listener's side (in a server process, inside the hub's event loop)


def _parse(text: str) -> tuple[int, int] | None:
    match_id, seq, sender = text.split(":", 2)
    if sender == SENDER:
        return None
    return int(match_id), int(seq)


async def listen(ring: Ring) -> None:
    """Run forever, calling `ring` for every update announced by another process; reconnect on failure."""
    transport = kind()
    listener = {"redis": _listen_redis, "postgres": _listen_postgres, "local": _listen_local}[transport]
    while True:
        try:
            await listener(ring)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.warning("%s doorbell lost, listening again in 1 s", transport, exc_info=True)
            await asyncio.sleep(1)


async def _listen_redis(ring: Ring) -> None:
    import redis.asyncio

    client = redis.asyncio.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
    try:
        async with client.pubsub(ignore_subscribe_messages=True) as pubsub:
            await pubsub.subscribe(REDIS_CHANNEL)
            async for message in pubsub.listen():
                data = json.loads(message["data"])
                if data.get("p") != SENDER:
                    ring(int(data["m"]), int(data["s"]), data["f"])
    finally:
        await client.aclose()


async def _listen_postgres(ring: Ring) -> None:
    import psycopg

    db = settings.DATABASES["default"]
    conninfo = psycopg.conninfo.make_conninfo(
        dbname=db["NAME"],
        user=db.get("USER") or None,
        password=db.get("PASSWORD") or None,
        host=db.get("HOST") or None,
        port=db.get("PORT") or None,
    )
    async with await psycopg.AsyncConnection.connect(conninfo, autocommit=True) as listener:
        await listener.execute(f"LISTEN {PG_CHANNEL}")
        async for notify in listener.notifies():
            parsed = _parse(notify.payload)
            if parsed:
                ring(*parsed, None)


async def _listen_local(ring: Ring) -> None:
    folder = doorbell_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{SENDER}-{os.getpid()}.sock"
    with contextlib.suppress(FileNotFoundError):
        path.unlink()
    bell = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    bell.setblocking(False)
    bell.bind(str(path))
    loop = asyncio.get_running_loop()
    closed = loop.create_future()

    def readable():
        while True:
            try:
                payload = bell.recv(256)
            except BlockingIOError:
                return
            except OSError as error:
                if not closed.done():
                    closed.set_exception(error)
                return
            with contextlib.suppress(ValueError):
                parsed = _parse(payload.decode())
                if parsed:
                    ring(*parsed, None)

    loop.add_reader(bell.fileno(), readable)
    try:
        await closed
    finally:
        loop.remove_reader(bell.fileno())
        bell.close()
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
