"""The match in numbers: every figure derived from what the desk logged and from the entries."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from commentary.domain import services
from commentary.domain.stats import match_stats
from commentary.models import Entry, Stat, Update
from tests.conftest import play_to, player, publish

pytestmark = pytest.mark.django_db


def test_shots_saves_corners_fouls_offsides_and_cards_come_from_what_was_logged(match):
    play_to(match, "first_half")
    home, away = match.home_team, match.away_team
    for kind, x in (("shot_on", 80), ("shot_off", 70), ("shot_blocked", 85), ("shot_on", 90)):
        services.stat_log(match=match, team=home, kind=kind, x=x, y=50)
    services.stat_log(match=match, team=away, kind="shot_off", x=60, y=20)
    for kind in ("corner", "corner", "foul", "offside"):
        services.stat_log(match=match, team=home, kind=kind)
    services.stat_log(match=match, team=away, kind="foul")
    publish(match=match, kind="goal", minute=20, team=away, player=player(away, 9))
    publish(match=match, kind="own_goal", minute=25, team=home, player=player(home, 4))  # for the away side
    publish(match=match, kind="yellow_card", minute=30, team=home, player=player(home, 5))
    numbers = match_stats(match=match)
    h, a = numbers.home, numbers.away
    assert (h.shots, h.on_target, h.blocked, h.corners, h.fouls, h.offsides, h.yellow) == (
        4,
        2,
        1,
        2,
        1,
        1,
        1,
    )
    assert (a.shots, a.on_target, a.saves, a.fouls) == (
        2,
        1,
        2,
        1,
    )  # the goal is a shot on target; not the own goal
    assert len(numbers.shots) == 5 and {s.side for s in numbers.shots} == {"home", "away"}
    away_shot = next(s for s in numbers.shots if s.side == "away")
    assert away_shot.map_x == 40  # the away side attacks to the left on the map


def test_possession_is_the_share_of_playing_time_with_the_ball(match):
    start = timezone.now() - timedelta(minutes=60)
    publish(match=match, kind="kick_off", at=start)
    services.stat_log(match=match, team=match.home_team, kind="possession")
    Stat.objects.filter(kind="possession").update(created_at=start)
    services.stat_log(match=match, team=match.away_team, kind="possession")
    Stat.objects.filter(kind="possession", team=match.away_team).update(
        created_at=start + timedelta(minutes=30)
    )
    publish(match=match, kind="half_time", at=start + timedelta(minutes=40))
    # 30 minutes home, 10 away while the ball was rolling; the interval does not count
    numbers = match_stats(match=match, now=start + timedelta(minutes=55))
    assert (numbers.home.possession, numbers.away.possession) == (75, 25)


def test_bad_numbers_are_refused_in_words_and_change_nothing(match):
    with pytest.raises(ValidationError, match="non è ancora cominciata"):
        services.stat_log(match=match, team=match.home_team, kind="corner")
    play_to(match, "first_half")
    updates = Update.objects.filter(match=match).count()
    for team, kind, x, y, message in (
        (match.home_team, "shot_on", None, None, "Tocca il campo"),
        (match.home_team, "shot_on", 120, 10, "Tocca il campo"),
        (match.home_team, "penalty", None, None, "Dato sconosciuto"),
        (match.home_team, "shot_goal", 90, 50, "Nessun gol"),
    ):
        with pytest.raises(ValidationError, match=message):
            services.stat_log(match=match, team=team, kind=kind, x=x, y=y)
    assert Update.objects.filter(match=match).count() == updates and not Stat.objects.exists()


def test_the_desk_logs_and_fans_see_the_numbers(client, editor, match):
    play_to(match, "first_half")
    client.force_login(editor)
    url = reverse("desk-stat", args=[match.pk])
    assert "Registrato" in client.post(url, {"team": "home", "kind": "corner"}).content.decode()
    client.post(url, {"team": "away", "kind": "shot_on", "x": "88", "y": "40"})
    frame = Update.objects.filter(match=match).latest("seq")
    assert frame.action == "stats" and 'id="stats"' in frame.html and "shot-map__shot" in frame.html
    goal = publish(
        match=match, kind="goal", minute=9, team=match.away_team, player=player(match.away_team, 9)
    )
    client.post(url, {"team": "away", "kind": "shot_goal", "x": "95", "y": "50"})
    assert Stat.objects.get(kind="shot_goal").entry == goal  # the goal is on the map, linked to its entry
    page = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert 'href="#stats"' in page and f'href="#entry-{goal.pk}"' in page
    assert 'cy="25.6"' in page  # an SVG length, never in the reader's decimal comma
    api = client.get(f"/api/matches/{match.pk}/").json()["stats"]
    assert api["home"]["corners"] == 1 and api["away"]["on_target"] == 2 and len(api["shots"]) == 2
    client.post(reverse("desk-stat-undo", args=[match.pk]))
    assert not Stat.objects.filter(kind="shot_goal").exists()
    assert Entry.objects.filter(pk=goal.pk).exists()
