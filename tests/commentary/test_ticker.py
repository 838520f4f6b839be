"""The pages that follow many matches: the ticker socket (docs/PROTOCOL.md, "One socket, many matches"), the
live table, the round's blog, the home and round pages, and the round demo."""

import json
import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.urls import reverse

from commentary.demo.replay import play, round_start
from commentary.live.hub import hub
from commentary.models import Entry, Update
from config.asgi import application
from matches.football_json import FOOTBALL_JSON_FILE
from matches.models import Match
from matches.services import football_json_import
from matches.standings import live_table, standings_table
from tests.conftest import make_round, play_to, player, shirt
from tests.conftest import publish as publish_now

ORIGIN = [(b"origin", b"http://127.0.0.1:8000")]
publish = database_sync_to_async(publish_now)


def ids_of(frame: str, name: str) -> set[str]:
    return set(re.findall(rf'data-{name}="(\d+)"', frame))


async def ticker(since: dict, language="it"):
    ws = WebsocketCommunicator(application, f"/ws/ticker/?lang={language}", headers=ORIGIN)
    connected, _ = await ws.connect()
    assert connected
    await ws.send_to(text_data=json.dumps({"since": {str(k): v for k, v in since.items()}}))
    return ws


@pytest.fixture
async def fresh_hub():
    yield
    await hub.close_all()


def last(match) -> int:
    return Update.objects.filter(match=match).count()


@pytest.mark.django_db(transaction=True)
async def test_one_socket_follows_a_round_and_gets_only_what_changes_its_cards(fresh_hub):
    home_match, other = await database_sync_to_async(make_round)()
    await database_sync_to_async(play_to)(home_match, "first_half")
    ws = await ticker({home_match.pk: await database_sync_to_async(last)(home_match), other.pk: 0})
    # the other match had nothing yet: nothing comes; a line of commentary changes no card: nothing comes
    await publish(match=home_match, text="Si gioca a ritmi bassi")
    assert await ws.receive_nothing(timeout=0.3)
    team, scorer = await database_sync_to_async(shirt)(home_match, "home")
    goal = await publish(match=home_match, kind=Entry.Kind.GOAL, minute=7, team=team, player=scorer)
    frame = await ws.receive_from(timeout=3)
    assert ids_of(frame, "match") == {str(home_match.pk)} and ids_of(frame, "seq") == {"3"}
    # the card with the new score, flashing; the round blog's line; the table if it ended like this
    assert f'id="card-{home_match.pk}"' in frame and "match-card--goal" in frame and "1–0" in frame
    assert f'id="key-{goal.pk}"' in frame and scorer.display_name in frame
    table = frame[frame.index('id="live-table"') :]
    away, _ = await database_sync_to_async(shirt)(home_match, "away")
    assert table.index(f">{team.short_name}<") < table.index(f">{away.short_name}<")
    assert "▲" in table  # the home side climbs past the away side that led after matchday 1
    assert len(frame) < 12_000  # a score change is a card, a line and a table, not a page
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_ticker_that_comes_back_gets_what_it_missed_once(fresh_hub):
    first, second = await database_sync_to_async(make_round)()
    for match in (first, second):
        await database_sync_to_async(play_to)(match, "first_half")
    since = {first.pk: 1, second.pk: 1}
    team, scorer = await database_sync_to_async(shirt)(second, "away")
    await publish(match=second, kind=Entry.Kind.GOAL, minute=3, team=team, player=scorer)
    await publish(match=first, text="Nulla di nuovo")
    ws = await ticker(since)
    got = [await ws.receive_from(timeout=3)]
    assert await ws.receive_nothing(timeout=0.3)
    assert ids_of(got[0], "match") == {str(second.pk)} and ids_of(got[0], "seq") == {"2"}
    assert "0–1" in got[0]
    # asked again with the same numbers (a page that lost its socket): the same frame, the page ignores it
    await ws.send_to(text_data=json.dumps({"since": {str(second.pk): 2}}))
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
async def test_a_ticker_too_far_behind_gets_one_resync_per_match(fresh_hub, settings):
    settings.DIRETTA_REPLAY_WINDOW = 2
    (match,) = await database_sync_to_async(make_round)(1)
    await database_sync_to_async(play_to)(match, "first_half")
    team, scorer = await database_sync_to_async(shirt)(match, "home")
    goal = await publish(match=match, kind=Entry.Kind.GOAL, minute=3, team=team, player=scorer)
    for text in ("uno", "due", "tre"):
        await publish(match=match, text=text)
    ws = await ticker({match.pk: 0})
    frame = await ws.receive_from(timeout=3)
    assert frame.startswith("<template") and "data-resync" in frame
    assert ids_of(frame, "seq") == {"5"}
    assert f'id="card-{match.pk}"' in frame and f'id="key-{goal.pk}"' in frame and 'id="live-table"' in frame
    assert await ws.receive_nothing(timeout=0.3)
    await ws.disconnect()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "payload, code",
    [
        ('{"since": 3}', 4400),
        ('{"since": {}}', 4400),
        ('{"since": {"1": -1}}', 4400),
        ('{"since": {"x": 1}}', 4400),
        (json.dumps({"since": {str(n): 0 for n in range(1, 42)}}), 4400),
        ('{"since": {"987654": 0}}', 4404),
    ],
)
async def test_bad_ticker_messages_close_with_documented_codes(fresh_hub, payload, code):
    ws = WebsocketCommunicator(application, "/ws/ticker/", headers=ORIGIN)
    await ws.connect()
    await ws.send_to(text_data=payload)
    assert (await ws.receive_output(timeout=3))["code"] == code


@pytest.mark.django_db
def test_live_table_adds_the_round_as_it_stands_to_the_table_before_it():
    first, second = make_round()
    play_to(first, "first_half")
    publish_now(
        match=first, kind=Entry.Kind.GOAL, minute=5, team=first.home_team, player=player(first.home_team, 9)
    )
    first.refresh_from_db()
    rows = live_table(competition=first.competition, round_matches=[first, second])
    by_team = {live.row.team: live for live in rows}
    home = by_team[first.home_team]
    assert (home.row.points, home.row.played, home.playing) == (3, 2, True)
    assert home.movement > 0 and by_team[first.away_team].movement < 0
    assert not by_team[second.home_team].playing  # its match has not started: it is not in the live table
    assert by_team[second.home_team].row.played == 1
    # the official table does not move while the match is live
    official = {row.team: row for row in standings_table(competition=first.competition)}
    assert official[first.home_team].points == 0


@pytest.mark.django_db
def test_round_page_is_live_with_its_blog_and_table(client):
    first, second = make_round()
    play_to(first, "first_half")
    publish_now(
        match=first, kind=Entry.Kind.GOAL, minute=5, team=first.home_team, player=player(first.home_team, 9)
    )
    publish_now(
        match=first, kind=Entry.Kind.GOAL, minute=9, team=first.home_team, player=player(first.home_team, 10)
    )
    html = client.get(reverse("matchday-detail", args=[first.competition.pk, 2])).content.decode()
    ticker_json = re.search(r'data-ticker="([^"]+)"', html)[1].replace("&quot;", '"')
    assert json.loads(ticker_json) == {str(first.pk): 3, str(second.pk): 0}
    assert 'id="round-blog"' in html and 'id="live-table"' in html
    blog = html[html.index('id="round-blog"') : html.index("round-blog-empty")]
    # newest first, each line with the score as it stood then
    assert blog.index("2–0") < blog.index("1–0")


@pytest.mark.django_db
def test_home_page_groups_today_by_round_and_follows_it(client):
    first, second = make_round()
    html = client.get(reverse("home")).content.decode()
    assert reverse("matchday-detail", args=[first.competition.pk, 2]) in html
    assert f'id="card-{first.pk}"' in html and f'id="card-{second.pk}"' in html
    assert "/ws/ticker/" in html and "data-ticker=" in html


@pytest.mark.django_db
def test_the_round_demo_plays_the_real_scores_and_says_the_minutes_are_simulated(client, demo_match):
    data = json.loads(FOOTBALL_JSON_FILE.read_text(encoding="utf-8"))
    football_json_import(data=data, competition_name=demo_match.competition.name, season="2023/24")
    matches, steps = round_start(source=demo_match, speed=60)
    assert len(matches) == 10 and sum(m.simulated for m in matches) == 9
    simulated = [m for m in matches if m.simulated]
    play([s for s in steps if s.match.simulated], sleep=lambda seconds: None)
    for replay in simulated:
        replay.refresh_from_db()
        real = replay.replay_of
        assert replay.status == Match.Status.FINISHED
        assert (replay.home_score, replay.away_score) == (real.home_score, real.away_score)
        assert (replay.home_score_half_time, replay.away_score_half_time) == (
            real.home_score_half_time,
            real.away_score_half_time,
        )
    page = client.get(reverse("matchday-replay", args=[demo_match.competition.pk, 26])).content.decode()
    assert "i minuti dei gol sono simulati" in page and page.count("minuti simulati") >= 9
    match_page = client.get(simulated[0].get_absolute_url()).content.decode()
    assert "i minuti dei gol sono simulati" in match_page
    # the season's own round is not touched: its page shows the real results, no replay
    season = client.get(reverse("matchday-detail", args=[demo_match.competition.pk, 26])).content.decode()
    assert "replica" not in season
