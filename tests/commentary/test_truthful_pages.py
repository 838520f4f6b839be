"""Everything a fan sees is an update in the numbered log: pushed live, and the page's ETag moves with it."""

import pytest
from django.urls import reverse
from werkzeug.datastructures import ResponseCacheControl
from werkzeug.http import parse_cache_control_header

from commentary.domain import services
from commentary.models import Update
from matches.models import Player
from matches.services import lineup_set
from tests.conftest import make_match, play_to, player, publish

pytestmark = pytest.mark.django_db


def page(client, match, **headers):
    return client.get(reverse("match-detail", args=[match.pk]), headers=headers)


def test_a_browser_holding_an_old_etag_gets_the_new_summary(client, match):
    play_to(match, "second_half")
    publish(match=match, kind="full_time")
    first = page(client, match)
    etag = first["ETag"]
    assert page(client, match, if_none_match=etag).status_code == 304
    services.match_summary_set(match=match, summary="Una partita decisa nel finale.")
    again = page(client, match, if_none_match=etag)
    assert again.status_code == 200 and "Una partita decisa nel finale." in again.content.decode()
    assert again["ETag"] != etag


def test_a_summary_change_reaches_open_pages_live(match):
    services.match_summary_set(match=match, summary="Sintesi della gara.")
    update = Update.objects.filter(match=match).order_by("-seq").first()
    assert update.action == Update.Action.MATCH
    assert 'id="summary"' in update.html and "Sintesi della gara." in update.html
    assert 'hx-swap-oob="outerHTML"' in update.html
    assert services.match_summary_set(match=match, summary="Sintesi della gara.") is not None
    assert Update.objects.filter(match=match).count() == 1  # the same words again change nothing


def test_a_new_team_sheet_is_an_update_with_the_line_ups(client, match):
    etag = page(client, match)["ETag"]
    home = match.home_team
    starters = list(Player.objects.filter(team=home).order_by("-shirt_number")[:11])
    lineup_set(match=match, team=home, starters=starters, formation="3-5-2", coach="Allenatore Prova")
    update = Update.objects.filter(match=match).order_by("-seq").first()
    assert update.action == Update.Action.MATCH and 'id="lineups"' in update.html
    assert "Allenatore Prova" in update.html and "(3-5-2)" in update.html
    assert page(client, match, if_none_match=etag).status_code == 200


def test_a_red_card_moves_the_line_ups_pitch_and_bookings_live(match):
    play_to(match, "first_half")
    publish(match=match, kind="red_card", minute=20, team=match.home_team, player=player(match.home_team, 5))
    frame = Update.objects.filter(match=match).order_by("-seq").first().html
    for part in ('id="scoreboard"', 'id="lineups"', 'id="facts"', 'id="timeline"', "scoreboard__red"):
        assert part in frame
    # every top-level element of the frame carries its number (docs/PROTOCOL.md)
    assert frame.count('data-seq="') >= 6


def test_each_language_frame_names_the_marks_in_its_own_language(match):
    """The line-ups' marks (goal, booking, off, on) are read out in the fan's language, whichever language the
    editor publishes in."""
    play_to(match, "first_half")
    home = match.home_team
    publish(match=match, kind="goal", minute=10, team=home, player=player(home, 9))
    publish(match=match, kind="yellow_card", minute=20, team=home, player=player(home, 5))
    publish(
        match=match,
        kind="substitution",
        minute=30,
        team=home,
        player=player(home, 9),
        player2=player(home, 12),
    )
    update = Update.objects.filter(match=match).order_by("-seq").first()
    italian, english = update.html, update.translations["en"]
    for word in ('title="Gol"', 'title="Ammonizione"', 'title="Uscito"', 'title="Entrato"'):
        assert word in italian and word not in english, word
    for word in ('title="Goal"', 'title="Yellow card"', 'title="Substituted"', 'title="Came on"'):
        assert word in english and word not in italian, word


def test_a_commentary_entry_frame_stays_small(match):
    play_to(match, "first_half")
    publish(match=match, text="Ritmi bassi in avvio.")
    frame = Update.objects.filter(match=match).order_by("-seq").first().html
    assert 'id="lineups"' not in frame and 'id="scoreboard"' not in frame


def test_an_admin_change_of_the_kick_off_time_is_an_update(admin_client, match):
    response = admin_client.post(
        reverse("admin:matches_match_change", args=[match.pk]),
        {
            "competition": match.competition.pk,
            "matchday": match.matchday,
            "round_name": "",
            "home_team": match.home_team.pk,
            "away_team": match.away_team.pk,
            "kickoff_0": "2025-09-14",
            "kickoff_1": "18:00:00",
            "venue": "Stadio Prova",
            "referee": "",
            "home_formation": "",
            "home_coach": "",
            "away_formation": "",
            "away_coach": "",
            "summary": "",
            "lineup-TOTAL_FORMS": "0",
            "lineup-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    update = Update.objects.filter(match=match).order_by("-seq").first()
    assert update.action == Update.Action.MATCH and "18:00" in update.html and "Stadio Prova" in update.html


@pytest.mark.parametrize("finished", [False, True])
def test_cache_control_is_valid(client, finished):
    match = make_match()
    if finished:
        play_to(match, "second_half")
        publish(match=match, kind="full_time")
    header = page(client, match)["Cache-Control"]
    parsed = parse_cache_control_header(header, cls=ResponseCacheControl)
    assert parsed.public and not parsed.private and not parsed.no_store
    if finished:
        assert parsed.max_age == 60 and not parsed.must_revalidate
    else:
        assert parsed.max_age == 0 and parsed.must_revalidate
