"""Two server processes behind the real Redis: a fan on B gets what an editor published through A."""

import contextlib
import json
import os
import time

import pytest
from websockets.sync.client import connect

from tests.conftest import make_match
from tests.e2e.conftest import AdminClient, Server, need

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.RedisError:
        return False


@pytest.fixture
def two_servers(transactional_db):
    need(redis_available(), f"no Redis server at {REDIS_URL}")
    # The database poll is slowed right down: what arrives within a second came through Redis.
    env = {"REDIS_URL": REDIS_URL, "DIRETTA_SAFETY_POLL": "30"}
    servers = [Server(env=env).start(), Server(env=env).start()]
    yield servers
    for server in servers:
        server.stop()


def test_fan_on_process_b_receives_what_an_editor_published_through_a(two_servers, editor):
    a, b = two_servers
    match = make_match()
    editor_session = AdminClient(a.url, "editor", "x-Secret-123")
    with contextlib.ExitStack() as stack:
        fans = [
            stack.enter_context(
                connect(
                    f"ws://127.0.0.1:{server.port}/ws/matches/{match.pk}/", origin=server.url, open_timeout=5
                )
            )
            for server in (b, a)
        ]
        for fan in fans:
            fan.send(json.dumps({"since": 0}))
        time.sleep(0.5)  # both hubs subscribed

        started = time.monotonic()
        editor_session.publish(match, "Pubblicato sul processo A")
        frames = [fan.recv(timeout=5) for fan in fans]
        elapsed = time.monotonic() - started
    for frame in frames:
        assert "Pubblicato sul processo A" in frame and 'data-seq="1"' in frame
    assert elapsed < 1.0
