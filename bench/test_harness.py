"""Checks of the bench harness itself (not collected by `make test`): .venv/bin/python -m pytest bench/

Small and quick: no Django database, a few fans, servers on 127.0.0.1 only.
"""

import json
import time
import urllib.parse

import pytest
from websockets.sync.client import connect

from bench.harness.common import http_get
from bench.harness.servers import BROADCAST_APP, Server


def test_server_kill_and_start_again_on_the_same_port():
    with Server("ceiling", ready_path="/stats") as server:
        port = server.port
        assert server.cpu_seconds() >= 0 and server.rss_kb() > 0
        server.kill()
        assert not server.running
        server.start()
        assert server.running and server.port == port
    assert not server.running


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Server("gunicorn")


@pytest.mark.parametrize("kind", ["daphne", "uvicorn", "granian", "ceiling"])
def test_broadcast_reaches_a_fan_after_its_catch_up(kind):
    app = "" if kind == "ceiling" else BROADCAST_APP
    with Server(kind, app=app, ready_path="/stats", extra_env={"PYTHONUNBUFFERED": "1"}) as server:
        broadcast = "/broadcast?" + urllib.parse.urlencode({"seq": 1, "marker": "warmup", "size": 300})
        assert http_get(server.port, broadcast)[0] == 200
        with connect(f"{server.ws_url}/ws/matches/1/", origin=server.url, compression=None) as fan:
            fan.send(json.dumps({"since": 0}))
            assert 'data-seq="1"' in fan.recv(timeout=5)  # the catch-up
            for _ in range(50):  # joined the audience once its catch-up was sent
                if json.loads(http_get(server.port, "/stats")[1])["fans"] == 1:
                    break
                time.sleep(0.05)
            broadcast = "/broadcast?" + urllib.parse.urlencode({"seq": 2, "marker": "bench-0", "size": 300})
            assert http_get(server.port, broadcast)[0] == 200
            frame = fan.recv(timeout=5)
            assert 'data-seq="2"' in frame and "bench-0" in frame and len(frame) == 300
        assert server.log_problems() == []
