"""The practical ceiling of websocket fan-out in Python: the `websockets` library alone, in one process.

bench/fanout.py measures Diretta against this server with the same fan clients, so a figure like "p99 is 1.4x
the ceiling" separates what Diretta (Django, Channels, daphne, the hub) costs from what Python, the kernel and
the fan clients on this machine cost anyway. It does nothing but what a fan-out needs:

- a websocket on any path is a fan; once it has sent its first text frame (Diretta's `{"since": n}`) it is
  in the audience, as a Diretta socket starts receiving only after `since`; it first gets the frames of the
  last HISTORY broadcasts numbered above `n` (its catch-up, as Diretta replays from its update log);
- ``GET /broadcast?seq=<n>&marker=<text>&size=<bytes>`` builds one frame shaped like Diretta's (an element
  with ``data-seq`` holding the marker, padded to `size`) and hands it to ``websockets.broadcast()``, which
  writes the same bytes to every socket without awaiting any of them;
- ``GET /stats`` answers ``{"fans": <audience size>}``.

Run: ``python bench/ceiling_server.py --port 8765``. It listens on 127.0.0.1 only and stops on SIGTERM/SIGINT.
"""

import argparse
import asyncio
import json
import resource
import signal
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import broadcast, serve
from websockets.exceptions import ConnectionClosed

audience: set = set()
HISTORY = 500  # broadcasts kept for the catch-up of fans that join later (Diretta's replay window)
history: list[tuple[int, str]] = []


def parse_since(text: str) -> int:
    """The `n` of a fan's first frame `{"since": n}`; 0 when it is anything else."""
    try:
        since = json.loads(text).get("since", 0)
    except (ValueError, AttributeError):
        return 0
    return since if type(since) is int else 0


def build_frame(*, seq: int, marker: str, size: int) -> str:
    """A frame like Diretta's new-entry frame, padded so both servers write the same number of bytes."""
    head = (
        f'<div hx-swap-oob="afterbegin:#feed" data-seq="{seq}">'
        f'<article id="entry-{seq}" class="entry" data-kind="commentary"><p>{marker} '
    )
    tail = "</p></article></div>"
    # ASCII padding: one character is one byte, so `size` is the frame's length on the wire (plus framing).
    return head + "x" * max(0, size - len(head.encode()) - len(tail.encode())) + tail


def process_request(connection, request):
    """Answer the two control endpoints over plain HTTP; anything else goes on to the websocket handshake."""
    url = urlsplit(request.path)
    if url.path == "/stats":
        return connection.respond(HTTPStatus.OK, json.dumps({"fans": len(audience)}) + "\n")
    if url.path == "/broadcast":
        query = parse_qs(url.query)
        try:
            seq = int(query["seq"][0])
            marker = query["marker"][0]
            size = int(query.get("size", ["0"])[0])
        except (KeyError, ValueError):
            return connection.respond(HTTPStatus.BAD_REQUEST, "seq, marker and size are needed\n")
        frame = build_frame(seq=seq, marker=marker, size=size)
        history.append((seq, frame))
        del history[:-HISTORY]
        broadcast(audience, frame)
        return connection.respond(HTTPStatus.OK, f"sent to {len(audience)}\n")
    return None


async def fan(websocket) -> None:
    try:
        since = parse_since(await websocket.recv())
        for seq, frame in list(history):
            if seq > since:
                await websocket.send(frame)
    except ConnectionClosed:
        return
    audience.add(websocket)
    try:
        await websocket.wait_closed()
    finally:
        audience.discard(websocket)


async def main(host: str, port: int) -> None:
    stop = asyncio.get_running_loop().create_future()
    for signum in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(signum, stop.set_result, None)
    # compression=None: daphne does not negotiate permessage-deflate, so both servers send the same bytes.
    async with serve(fan, host, port, process_request=process_request, compression=None):
        print(f"ceiling server listening on ws://{host}:{port}/", flush=True)
        await stop


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    args = parser.parse_args()
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))  # one file descriptor per fan
    asyncio.run(main(args.host, args.port))
