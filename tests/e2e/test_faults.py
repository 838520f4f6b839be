"""Faults with real processes: Redis going away mid-match, a server process killed under its fans."""

import contextlib
import json
import shutil
import subprocess
import time

import pytest
from websockets.sync.client import connect

from commentary.models import Entry
from tests.conftest import make_match
from tests.e2e.conftest import AdminClient, Server, free_port, need

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class RedisServer:
    """A private redis-server on its own port, so a test may stop and start it at will."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisServer":
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        for _ in range(50):
            with contextlib.suppress(redis.exceptions.RedisError):
                if redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping():
                    return self
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def redis_server():
    need(shutil.which("redis-server") is not None, "redis-server is not installed")
    server = RedisServer().start()
    yield server
    server.stop()


@contextlib.contextmanager
def fan(server: Server, match, since: int):
    """A fan's socket that has told the server the last update it has."""
    with connect(
        f"ws://127.0.0.1:{server.port}/ws/matches/{match.pk}/", origin=server.url, open_timeout=5
    ) as ws:
        ws.send(json.dumps({"since": since}))
        yield ws


def test_redis_stopped_and_restarted_during_a_match(redis_server, editor):
    env = {"REDIS_URL": redis_server.url}
    a, b = Server(env=env).start(), Server(env=env).start()
    try:
        match = make_match()
        desk = AdminClient(a.url, "editor", "x-Secret-123")
        with fan(b, match, 0) as listener:
            time.sleep(0.5)
            desk.publish(match, "Prima del guasto")
            assert "Prima del guasto" in listener.recv(timeout=3)

            redis_server.stop()
            desk.publish(match, "Durante il guasto")  # the editor is not stopped by a broken layer
            assert Entry.objects.filter(match=match, text="Durante il guasto").exists()
            assert "Durante il guasto" in listener.recv(timeout=5)  # the database poll carries it

            redis_server.start()
            desk.publish(match, "Dopo il guasto")
            frame = listener.recv(timeout=5)
            assert "Dopo il guasto" in frame and 'data-seq="3"' in frame
    finally:
        a.stop()
        b.stop()


def test_killed_daphne_fans_reconnect_to_the_other_and_miss_nothing(redis_server, editor):
    env = {"REDIS_URL": redis_server.url}
    a, b = Server(env=env).start(), Server(env=env).start()
    try:
        match = make_match()
        desk = AdminClient(b.url, "editor", "x-Secret-123")
        seen = []
        with fan(a, match, 0) as listener:
            time.sleep(0.5)
            desk.publish(match, "uno")
            seen.append(listener.recv(timeout=3))
            a.kill()
            with contextlib.suppress(Exception):
                listener.recv(timeout=3)  # the connection drops
        for text in ("due", "tre"):
            desk.publish(match, text)
        # the page reconnects (to the surviving process) with the last number it had
        with fan(b, match, 1) as listener:
            seen += [listener.recv(timeout=3), listener.recv(timeout=3)]
        assert [int(f.split('data-seq="')[1].split('"')[0]) for f in seen] == [1, 2, 3]
        assert ["uno" in seen[0], "due" in seen[1], "tre" in seen[2]] == [True, True, True]
    finally:
        a.stop()
        b.stop()
