"""A fan that stops reading cannot make the server hold its frames without bound."""

import base64
import contextlib
import json
import os
import socket
import threading
import time

import pytest
from websockets.sync.client import connect

from commentary.live import fans
from tests.conftest import make_match, publish
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def stalled_fan(port: int, match_id: int) -> socket.socket:
    """A websocket client that subscribes, then never reads again (a tiny receive window makes it quick)."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall(
        (
            f"GET /ws/matches/{match_id}/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
            f"Origin: http://127.0.0.1:{port}\r\n\r\n"
        ).encode()
    )
    assert b"101" in sock.recv(1024).split(b"\r\n")[0]
    payload = json.dumps({"since": 0}).encode()
    mask = os.urandom(4)
    sock.sendall(
        bytes([0x81, 0x80 | len(payload)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    )
    return sock


# Under daphne the server's keepalive is what drops a fan that stopped reading (it stops answering pings):
# made short here. Under uvicorn the hub drops it on backpressure: the keepalive is made too long to act.
KEEPALIVE = {"daphne": ("1", "2"), "uvicorn": ("60", "60")}
TOO_SLOW = b"\x88\x02" + fans.CLOSE_TOO_SLOW.to_bytes(2, "big")  # the close frame, as it reaches the client


@pytest.fixture(params=sorted(KEEPALIVE))
def any_server(request, transactional_db):
    interval, timeout = KEEPALIVE[request.param]
    running = Server(
        kind=request.param, env={"DIRETTA_PING_INTERVAL": interval, "DIRETTA_PING_TIMEOUT": timeout}
    )
    yield running.start()
    running.stop()


def test_stalled_fan_is_dropped_and_the_others_get_everything(any_server):
    server = any_server
    match = make_match()
    stalled = stalled_fan(server.port, match.pk)
    text = "Azione lunghissima " * 255  # ~5 KB a frame
    updates = 1500  # ~8 MB in all: more than the kernel's socket buffers (4 MB at most) and HARD_BACKLOG
    got = []

    def read_everything(reader):
        with contextlib.suppress(TimeoutError):
            while len(got) < updates:
                got.append(len(reader.recv(timeout=15).encode()))

    with connect(f"ws://127.0.0.1:{server.port}/ws/matches/{match.pk}/", origin=server.url) as reader:
        reader.send(json.dumps({"since": 0}))
        time.sleep(0.5)
        thread = threading.Thread(target=read_everything, args=(reader,))
        thread.start()
        for i in range(updates):
            publish(match=match, text=f"{i} {text}")
        thread.join(timeout=60)
    assert len(got) == updates  # the fan that reads gets every update
    # the one that stopped reading was cut off instead of buffered for: what it can still drain (what the
    # kernels held) ends with the server's close, well short of everything
    drained, closed = drain(stalled)
    assert closed and drained < 0.8 * sum(got), (
        f"the server kept {drained} of {sum(got)} bytes, closed: {closed}; {server.log_text()[-3000:]}"
    )


def drain(sock: socket.socket) -> tuple[int, bool]:
    """Read what reaches the stalled fan now: its size, and whether the server closed the stream (or sent
    the close frame that says it stopped holding updates for it)."""
    sock.settimeout(5)
    total, tail = 0, b""
    try:
        while chunk := sock.recv(65536):
            total += len(chunk)
            tail = (tail + chunk)[-64:]
            if TOO_SLOW in tail:
                return total, True
        return total, True
    except ConnectionResetError:
        return total, True
    except TimeoutError:
        return total, False
    finally:
        sock.close()
