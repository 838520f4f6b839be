"""The websocket contract (docs/PROTOCOL.md), through the real ASGI application."""

import asyncio
import json
import re
import subprocess
import sys

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection

from commentary.domain import services
from commentary.live.hub import hub
from commentary.models import Entry, Update
from config.asgi import application
from tests.conftest import make_match, player
from tests.conftest import publish as publish_now

pytestmark = pytest.mark.django_db(transaction=True)
ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]


@pytest.fixture(autouse=True)
async def fresh_hub():
    yield
    await hub.close_all()


def seq_of(frame: str) -> int:
    numbers = set(re.findall(r'data-seq="(\d+)"', frame))
    assert len(numbers) == 1, frame[:300]
    return int(numbers.pop())


def top_level_elements_carry_seq(frame: str) -> bool:
    from html.parser import HTMLParser

    class TopLevel(HTMLParser):
        depth, tops = 0, []
        VOID = {"br", "img", "input", "meta", "link", "hr"}

        def handle_starttag(self, tag, attrs):
            if self.depth == 0:
                self.tops.append(dict(attrs))
            if tag not in self.VOID:
                self.depth += 1

        def handle_endtag(self, tag):
            self.depth -= 1

    parser = TopLevel()
    parser.tops = []
    parser.feed(frame)
    return bool(parser.tops) and all("data-seq" in attrs for attrs in parser.tops)


async def connect(match_id, since=None):
    ws = WebsocketCommunicator(application, f"/ws/matches/{match_id}/", headers=ORIGIN)
    connected, _ = await ws.connect()
    assert connected
    if since is not None:
        await ws.send_to(text_data=json.dumps({"since": since}))
    return ws


async def frames(ws, count, timeout=3):
    return [await ws.receive_from(timeout=timeout) for _ in range(count)]


publish = database_sync_to_async(publish_now)


async def test_unknown_match_closes_with_4404():
    ws = WebsocketCommunicator(application, "/ws/matches/987654/", headers=ORIGIN)
    await ws.connect()
    assert (await ws.receive_output(timeout=3))["code"] == 4404


async def test_cross_origin_connection_is_refused():
    match = await database_sync_to_async(make_match)()
    ws = WebsocketCommunicator(
        application, f"/ws/matches/{match.pk}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await ws.connect()
    assert not connected


async def test_since_zero_replays_everything_in_order_then_goes_live():
    match = await database_sync_to_async(make_match)()
    await publish(match=match, kind=Entry.Kind.KICK_OFF)
    await publish(match=match, text="Primo squillo")
    ws = await connect(match.pk, since=0)
    replayed = await frames(ws, 2)
    assert [seq_of(f) for f in replayed] == [1, 2]
    entry = await publish(match=match, text="In diretta adesso")
    (live,) = await frames(ws, 1)
    assert seq_of(live) == 3
    assert f'id="entry-{entry.pk}"' in live and "In diretta adesso" in live
    assert 'hx-swap-oob="afterbegin:#feed"' in live
    assert top_level_elements_carry_seq(live)
    await ws.disconnect()


async def test_reconnect_replays_missed_entries_only():
    match = await database_sync_to_async(make_match)()
    for text in ("uno", "due", "tre", "quattro"):
        await publish(match=match, text=text)
    ws = await connect(match.pk, since=2)
    got = await frames(ws, 2)
    assert [seq_of(f) for f in got] == [3, 4]
    assert "tre" in got[0] and "quattro" in got[1]
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


async def test_goal_frame_moves_the_scoreboard():
    match = await database_sync_to_async(make_match)()
    await publish(match=match, kind=Entry.Kind.KICK_OFF)
    ws = await connect(match.pk, since=1)
    scorer = await database_sync_to_async(player)(match.home_team, 10)
    await publish(match=match, kind=Entry.Kind.GOAL, minute=3, team=match.home_team, player=scorer)
    (frame,) = await frames(ws, 1)
    assert 'id="scoreboard"' in frame and 'hx-swap-oob="outerHTML"' in frame
    assert '<span data-score="home">1</span>' in frame
    assert top_level_elements_carry_seq(frame)
    await ws.disconnect()


async def test_edit_delete_and_pin_frames():
    match = await database_sync_to_async(make_match)()
    entry = await publish(match=match, text="Versione prima")
    ws = await connect(match.pk, since=1)
    await database_sync_to_async(services.entry_update)(entry=entry, text="Versione corretta")
    await database_sync_to_async(services.entry_pin)(entry=entry, pinned=True)
    await database_sync_to_async(services.entry_delete)(entry=entry)
    edit, pin, delete = await frames(ws, 3)
    assert [seq_of(f) for f in (edit, pin, delete)] == [2, 3, 4]
    assert (
        f'<article id="entry-{entry.pk}"' in edit
        and "Versione corretta" in edit
        and 'hx-swap-oob="outerHTML"' in edit
    )
    assert f'id="pinned-entry-{entry.pk}"' in pin and 'id="pinned"' in pin
    assert f'<div id="entry-{entry.pk}" hx-swap-oob="delete"' in delete
    assert all(top_level_elements_carry_seq(f) for f in (edit, pin, delete))
    await ws.disconnect()


async def test_client_ahead_of_the_server_gets_one_resync_frame():
    match = await database_sync_to_async(make_match)()
    await publish(match=match, text="Unica voce")
    ws = await connect(match.pk, since=999)
    (frame,) = await frames(ws, 1)
    assert frame.startswith('<div id="feed"') and 'id="scoreboard"' in frame and 'id="pinned"' in frame
    assert seq_of(frame) == 1
    assert top_level_elements_carry_seq(frame)
    await ws.disconnect()


async def test_client_too_far_behind_gets_a_resync_then_live(settings):
    settings.DIRETTA_REPLAY_WINDOW = 3
    match = await database_sync_to_async(make_match)()
    for i in range(6):
        await publish(match=match, text=f"voce {i}")
    ws = await connect(match.pk, since=1)
    (frame,) = await frames(ws, 1)
    assert frame.startswith('<div id="feed"') and seq_of(frame) == 6
    assert frame.count('class="entry ') == 6
    await publish(match=match, text="dopo il resync")
    (live,) = await frames(ws, 1)
    assert seq_of(live) == 7
    await ws.disconnect()


async def test_resync_of_a_long_feed_carries_the_latest_entries_and_keeps_older_facts(settings, monkeypatch):
    """The resync frame's cost does not grow with the feed: the latest entries, the rest behind a link, while
    the scoreboard's scorers and the pinned entry still come from the whole match."""
    from commentary.domain import rendering

    monkeypatch.setattr(rendering, "RESYNC_ENTRIES", 3)
    settings.DIRETTA_REPLAY_WINDOW = 2
    match = await database_sync_to_async(make_match)()
    await publish(match=match, kind=Entry.Kind.KICK_OFF)
    scorer = await database_sync_to_async(player)(match.home_team, 10)
    goal = await publish(match=match, kind=Entry.Kind.GOAL, minute=3, team=match.home_team, player=scorer)
    await database_sync_to_async(services.entry_pin)(entry=goal, pinned=True)
    for i in range(5):
        await publish(match=match, text=f"voce {i}")
    ws = await connect(match.pk, since=1)
    (frame,) = await frames(ws, 1)
    feed = frame.split('<section id="pinned"')[0]
    assert feed.count('class="entry ') == 3
    assert "voce 4" in feed and "voce 2" in feed and "voce 1" not in feed
    assert "4 aggiornamenti precedenti" in feed and f'href="/matches/{match.pk}/"' in feed
    assert f'id="pinned-entry-{goal.pk}"' in frame
    scoreboard = frame.split('id="scoreboard"')[1]
    assert '<span data-score="home">1</span>' in scoreboard and scorer.display_name in scoreboard
    assert top_level_elements_carry_seq(frame)
    await ws.disconnect()


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ("not json", 4400),
        ('{"since": "3"}', 4400),
        ('{"since": -1}', 4400),
        ('{"nothing": 1}', 4400),
        ("[1, 2]", 4400),
        ('{"since": 0, "pad": "' + "x" * 2000 + '"}', 4009),
        (b"\x00\x01", 4003),
    ],
)
async def test_bad_client_frames_close_with_documented_codes(payload, code):
    match = await database_sync_to_async(make_match)()
    ws = await connect(match.pk)
    if isinstance(payload, bytes):
        await ws.send_to(bytes_data=payload)
    else:
        await ws.send_to(text_data=payload)
    assert (await ws.receive_output(timeout=3))["code"] == code


async def test_flooding_client_is_closed_without_disturbing_other_fans():
    match = await database_sync_to_async(make_match)()
    calm = await connect(match.pk, since=0)
    noisy = await connect(match.pk, since=0)
    for _ in range(40):
        await noisy.send_to(text_data='{"since": 0}')
    assert (await noisy.receive_output(timeout=3))["code"] == 4429
    await publish(match=match, text="Per chi ascolta")
    (frame,) = await frames(calm, 1)
    assert "Per chi ascolta" in frame
    await calm.disconnect()


async def test_fans_never_write_through_the_socket():
    match = await database_sync_to_async(make_match)()
    ws = await connect(match.pk, since=0)
    await ws.send_to(text_data=json.dumps({"since": 0, "text": "hack", "kind": "goal"}))
    assert await ws.receive_nothing(timeout=0.3)
    assert await database_sync_to_async(Entry.objects.count)() == 0
    await ws.disconnect()


async def test_update_written_by_another_process_reaches_fans_within_a_second():
    match = await database_sync_to_async(make_match)()
    ws = await connect(match.pk, since=0)
    await asyncio.sleep(0.1)
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{settings['NAME']}"
    else:
        url = f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}/{settings['NAME']}"
    code = (
        "from commentary.domain import services; from commentary.domain.drafts import EntryDraft;"
        "from matches.models import Match;"
        f"services.entry_publish(match=Match.objects.get(pk={match.pk}),"
        " draft=EntryDraft(text='Da un altro processo'))"
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "manage.py",
        "shell",
        "-c",
        code,
        env={**__import__("os").environ, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    loop = asyncio.get_running_loop()
    written = loop.time()
    (frame,) = await frames(ws, 1, timeout=2)
    assert "Da un altro processo" in frame
    assert loop.time() - written < 1.0
    assert await database_sync_to_async(Update.objects.filter(match=match).count)() == 1
    await ws.disconnect()


async def test_english_readers_get_english_frames():
    match = await database_sync_to_async(make_match)()
    await publish(match=match, kind=Entry.Kind.KICK_OFF)
    english = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/?lang=en", headers=ORIGIN)
    italian = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/", headers=ORIGIN)
    for ws in (english, italian):
        assert (await ws.connect())[0]
        await ws.send_to(text_data=json.dumps({"since": 1}))
    await publish(match=match, kind=Entry.Kind.HALF_TIME)
    (frame_en,) = await frames(english, 1)
    (frame_it,) = await frames(italian, 1)
    assert "Half-time" in frame_en and "Intervallo" in frame_it
    assert seq_of(frame_en) == seq_of(frame_it) == 2
    await english.disconnect()
    await italian.disconnect()


async def test_one_address_cannot_hold_more_sockets_than_the_cap(settings):
    settings.DIRETTA_MAX_SOCKETS_PER_ADDRESS = 2
    match = await database_sync_to_async(make_match)()
    first, second = await connect(match.pk, since=0), await connect(match.pk, since=0)
    third = await connect(match.pk)
    assert (await third.receive_output(timeout=3))["code"] == 4503
    await first.disconnect()
    await asyncio.sleep(0.05)
    fourth = await connect(match.pk, since=0)  # a place came free
    await publish(match=match, text="Ancora qui")
    assert "Ancora qui" in (await frames(fourth, 1))[0]
    await second.disconnect()
    await fourth.disconnect()


async def test_socket_that_never_says_since_is_closed(monkeypatch):
    monkeypatch.setattr("commentary.live.fans.SINCE_TIMEOUT", 0.2)
    match = await database_sync_to_async(make_match)()
    ws = await connect(match.pk)
    assert (await ws.receive_output(timeout=3))["code"] == 4408


async def test_many_fans_far_behind_cost_one_resync_render(settings, monkeypatch):
    from commentary.live import hub as hub_module

    settings.DIRETTA_REPLAY_WINDOW = 2
    match = await database_sync_to_async(make_match)()
    for i in range(5):
        await publish(match=match, text=f"voce {i}")
    renders = []
    real = hub_module.render_resync
    monkeypatch.setattr(hub_module, "render_resync", lambda **kw: renders.append(kw) or real(**kw))
    sockets = [await connect(match.pk, since=0) for _ in range(5)]
    for ws in sockets:
        (frame,) = await frames(ws, 1)
        assert frame.startswith('<div id="feed"') and seq_of(frame) == 5
        await ws.disconnect()
    assert len(renders) == 1


async def test_a_connected_fan_no_longer_holds_the_handshake_headers():
    """The server keeps the scope for the socket's whole life; once the fan is accepted its headers (a
    browser's user agent and cookies) are released, so an idle fan costs less memory."""
    match = await database_sync_to_async(make_match)()
    headers = [
        *ORIGIN,
        (b"user-agent", b"Mozilla/5.0 " + b"x" * 200),
        (b"cookie", b"sessionid=" + b"y" * 300),
    ]
    ws = WebsocketCommunicator(application, f"/ws/matches/{match.pk}/", headers=headers)
    connected, _ = await ws.connect()
    assert connected
    assert ws.scope["headers"] == ()
    await ws.send_to(text_data=json.dumps({"since": 0}))
    await publish(match=match, text="Ancora in piedi dopo il rilascio delle intestazioni.")
    (live,) = await frames(ws, 1)
    assert "Ancora in piedi" in live
    await ws.disconnect()
