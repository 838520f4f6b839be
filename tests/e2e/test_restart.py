"""A graceful restart drops no update: fans come back with their `since` and miss nothing, twice nothing."""

import json
import re
import threading
import time

import pytest
from websockets.sync.client import connect

from tests.conftest import make_match, publish
from tests.e2e.conftest import Server

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SEQ = re.compile(r'data-seq="(\d+)"')


def follow(server: Server, match_id: int, stop: threading.Event, got: list[int], codes: list) -> None:
    """A fan as live.js is one: applies frames by number, reconnects with the last one it applied."""
    last = 0
    while not stop.is_set():
        try:
            with connect(
                f"ws://127.0.0.1:{server.port}/ws/matches/{match_id}/", origin=server.url, open_timeout=2
            ) as ws:
                ws.send(json.dumps({"since": last}))
                while not stop.is_set():
                    try:
                        frame = ws.recv(timeout=0.2)
                    except TimeoutError:
                        continue
                    n = int(SEQ.search(frame).group(1))
                    if n == last + 1:
                        got.append(n)
                        last = n
                    elif n > last + 1:
                        ws.send(json.dumps({"since": last}))
                    else:
                        codes.append(("duplicate", n))
                codes.append(ws.close_code)
        except Exception:  # refused while the server restarts, or closed by it
            time.sleep(0.2)


@pytest.mark.parametrize("kind", ["uvicorn", "daphne"])
def test_graceful_restart_drops_no_update(transactional_db, kind):
    server = Server(kind=kind).start()
    match = make_match()
    stop = threading.Event()
    fans = [([], []) for _ in range(5)]
    threads = [
        threading.Thread(target=follow, args=(server, match.pk, stop, got, codes), daemon=True)
        for got, codes in fans
    ]
    try:
        for thread in threads:
            thread.start()
        time.sleep(1)
        for i in range(40):
            publish(match=match, text=f"Voce {i}")
            if i == 15:
                server.stop()  # SIGTERM: the server closes its sockets and exits
                server.start()  # the same port, a new process with an empty memory
            time.sleep(0.05)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and any(len(got) < 40 for got, _ in fans):
            time.sleep(0.2)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=5)
        server.stop()
    for got, codes in fans:
        assert got == list(range(1, 41))  # every update, in order
        assert [c for c in codes if isinstance(c, tuple)] == []  # and none twice
