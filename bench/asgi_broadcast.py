"""A minimal ASGI broadcast app: no Django, no Channels; what any ASGI server costs for a fan-out by itself.

bench/fanout.py runs it under the same server kind as Diretta in the same run (daphne, uvicorn, granian), so
"Diretta under X" against "this app under X" is what Django, Channels and the hub cost on that server, and
"this app under X" against the `websockets` ceiling is what server X's ASGI websocket path costs.

- a websocket on any path is a fan; once it has sent its first text frame (Diretta's `{"since": n}`) it is
  in the audience, and gets the frames of the history numbered above `n` first (its catch-up);
- ``GET /broadcast?seq=<n>&marker=<text>&size=<bytes>`` builds the same frame as
  ``ceiling_server.build_frame`` and awaits ``send(message)`` for every fan in turn, one shared message dict,
  no task per fan; it answers once every send has returned;
- ``GET /stats`` answers ``{"fans": <audience size>}``.

Serve it with e.g. ``uvicorn bench.asgi_broadcast:app`` from the repository root.
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs

from bench.ceiling_server import HISTORY, build_frame, parse_since

audience: set = set()  # the `send` callables of the fans that sent their first frame
history: list[tuple[int, dict]] = []  # (seq, message) of the last HISTORY broadcasts


async def _respond(send, status: int, body: str, content_type: bytes = b"text/plain") -> None:
    data = body.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type), (b"content-length", str(len(data)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": data})


async def _http(scope, receive, send) -> None:
    path = scope["path"]
    if path == "/stats":
        return await _respond(send, 200, json.dumps({"fans": len(audience)}) + "\n", b"application/json")
    if path == "/broadcast":
        query = parse_qs(scope.get("query_string", b"").decode())
        try:
            seq = int(query["seq"][0])
            marker = query["marker"][0]
            size = int(query.get("size", ["0"])[0])
        except (KeyError, ValueError):
            return await _respond(send, 400, "seq, marker and size are needed\n")
        message = {"type": "websocket.send", "text": build_frame(seq=seq, marker=marker, size=size)}
        history.append((seq, message))
        del history[:-HISTORY]
        for fan_send in list(audience):
            try:
                await fan_send(message)
            except Exception:  # a socket that closed meanwhile: its disconnect removes it too
                audience.discard(fan_send)
        return await _respond(send, 200, f"sent to {len(audience)}\n")
    return await _respond(send, 404, "not found\n")


async def _websocket(scope, receive, send) -> None:
    message = await receive()
    if message["type"] != "websocket.connect":
        return
    await send({"type": "websocket.accept"})
    joined = False
    try:
        while True:
            message = await receive()
            if message["type"] == "websocket.disconnect":
                return
            if message["type"] == "websocket.receive" and not joined:
                joined = True
                since = parse_since(message.get("text") or "")
                for seq, frame in list(history):
                    if seq > since:
                        await send(frame)
                audience.add(send)
    finally:
        audience.discard(send)


async def _lifespan(scope, receive, send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def app(scope, receive, send) -> None:
    kind = scope["type"]
    if kind == "websocket":
        await _websocket(scope, receive, send)
    elif kind == "http":
        await _http(scope, receive, send)
    elif kind == "lifespan":
        await _lifespan(scope, receive, send)
