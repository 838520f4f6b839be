"""Knockout football: extra time, the shoot-out told kick by kick, two-leg ties; the 2022 World Cup final as
the worked case (tests/worldcup.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from commentary.domain import services
from commentary.models import Entry, Update
from matches.models import Match
from matches.presenters import aggregate_line, decision, minute_label, result_line, score_line
from tests.conftest import make_match, play_to, publish
from tests.worldcup import SHOOTOUT, final_2022, play_final, player, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def final():
    return play_final(final_2022())


def test_the_final_ends_three_all_after_extra_time_and_four_two_on_penalties(final):
    assert (final.home_score, final.away_score) == (3, 3)  # the kicks are not goals
    assert (final.home_penalties, final.away_penalties) == (4, 2)
    assert final.extra_time and final.status == Match.Status.FINISHED
    assert score_line(final) == "3–3 d.t.s., 4–2 d.c.r."
    assert result_line(final) == "Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.)"
    with translation.override("en"):
        assert score_line(final) == "3–3 a.e.t., 4–2 on pens"
    goals = Entry.objects.filter(match=final, kind__in=Entry.GOAL_KINDS).exclude(period="penalties")
    assert goals.count() == 6


def test_the_scoreboard_draws_the_shoot_out_kick_by_kick(final, client):
    html = client.get(reverse("match-detail", args=[final.pk])).content.decode()
    board = html[html.index('id="scoreboard"') : html.index("</section>", html.index('id="scoreboard"'))]
    assert "<title>Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.) · Finale" in html
    assert "d.t.s., 4–2 d.c.r." in board
    home, away = board.split("shootout__kicks--home")[1].split("shootout__kicks--away")
    assert home.count("●") == 4 and home.count("○") == 0
    assert away.count("●") == 2 and away.count("○") == 2
    assert "Coman: parato" in away and "Tchouaméni: fuori" in away
    # the scorers are the six goals; Messi's penalty is "rig.", the kicks are not listed
    assert "Messi 23′" in board and "Mbappé 118′" in board and "Messi 108′" in board
    assert "Dybala" not in board.split("shootout")[0]


def test_api_feed_and_json_ld_tell_the_same_decision(final, client):
    detail = client.get(f"/api/matches/{final.pk}/").json()
    assert detail["score"]["line"] == "3–3 d.t.s., 4–2 d.c.r."
    assert detail["score"]["penalties"] == {"home": 4, "away": 2} and detail["score"]["extra_time"]
    kicks = detail["shootout"]
    assert [(k["player"]["display_name"], k["scored"]) for k in kicks["away"]] == [
        ("Mbappé", True),
        ("Coman", False),
        ("Tchouaméni", False),
        ("Kolo Muani", True),
    ]
    assert [k["outcome"] for k in kicks["away"]] == ["scored", "saved", "missed", "scored"]
    assert len(detail["scorers"]["home"]) == 3 and len(detail["scorers"]["away"]) == 3
    feed = client.get(f"/competitions/{final.competition.pk}/feed/").content.decode()
    assert "<title>Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.)</title>" in feed
    assert (
        "Marcatori: Messi 23′ rig., Di María 36′, Mbappé 80′ rig., Mbappé 81′, Messi 108′, Mbappé 118′ rig."
        in feed
    )
    page = client.get(reverse("match-detail", args=[final.pk])).content.decode()
    assert '"description": "Argentina 3–3 Francia (d.t.s., 4–2 d.c.r.)"' in page


def test_extra_time_minutes_are_labelled_past_the_ninety():
    assert minute_label(105, 1) == "105+1′" and minute_label(120, 2) == "120+2′"


def test_a_shoot_out_kick_comes_from_the_side_whose_turn_it_is(final_no_kicks):
    match = final_no_kicks
    publish(match=match, kind="penalty_goal", team=team(match, "FRA"), player=player(match, "FRA", "Mbappé"))
    with pytest.raises(ValidationError) as refused:
        publish(
            match=match, kind="penalty_goal", team=team(match, "FRA"), player=player(match, "FRA", "Coman")
        )
    assert "Tocca a Argentina" in refused.value.message_dict["team"][0]
    with pytest.raises(ValidationError) as refused:  # a goal in a shoot-out is a kick, not a goal
        publish(match=match, kind="goal", team=team(match, "ARG"), player=player(match, "ARG", "Messi"))
    assert "tiri" in refused.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as refused:  # the final whistle waits for the shoot-out
        publish(match=match, kind="full_time")
    assert "non è ancora decisa" in refused.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as refused:  # Dybala came on at 120+1′; Di María went off at 64′
        publish(
            match=match, kind="penalty_goal", team=team(match, "ARG"), player=player(match, "ARG", "Di María")
        )
    assert "non è in campo" in refused.value.message_dict["player"][0]


@pytest.fixture
def final_no_kicks():
    return play_final(final_2022(), shootout=[])


def test_no_kick_once_the_shoot_out_is_decided(final_no_kicks):
    match = final_no_kicks
    for code, taker, kind in SHOOTOUT:
        publish(match=match, kind=kind, team=team(match, code), player=player(match, code, taker))
    with pytest.raises(ValidationError) as refused:
        publish(
            match=match, kind="penalty_goal", team=team(match, "FRA"), player=player(match, "FRA", "Thuram")
        )
    assert "già decisa" in refused.value.message_dict["kind"][0]
    assert Match.objects.get(pk=match.pk).home_penalties == 4


def test_sudden_death_goes_on_past_five_until_a_pair_differs(final_no_kicks):
    match = final_no_kicks
    takers = {
        "ARG": ["Messi", "Dybala", "Paredes", "Montiel", "Enzo Fernández", "Otamendi"],
        "FRA": ["Mbappé", "Kolo Muani", "Coman", "Tchouaméni", "Thuram", "Upamecano"],
    }
    for n in range(5):  # five each, all scored: 5–5, not decided
        for code in ("ARG", "FRA"):
            publish(
                match=match,
                kind="penalty_goal",
                team=team(match, code),
                player=player(match, code, takers[code][n]),
            )
    publish(
        match=match, kind="penalty_goal", team=team(match, "ARG"), player=player(match, "ARG", "Otamendi")
    )
    with pytest.raises(ValidationError):  # not decided after one kick of the sixth pair
        publish(match=match, kind="full_time")
    publish(
        match=match, kind="penalty_saved", team=team(match, "FRA"), player=player(match, "FRA", "Upamecano")
    )
    publish(match=match, kind="full_time")
    match.refresh_from_db()
    assert (match.home_penalties, match.away_penalties) == (6, 5)
    assert decision(match) == "d.t.s., 6–5 d.c.r."


def test_extra_time_and_penalties_only_when_level():
    match = play_to(make_match(), "second_half")
    publish(match=match, kind="goal", minute=70, team=match.home_team, player=match.home_team.players.first())
    with pytest.raises(ValidationError) as refused:
        publish(match=match, kind="extra_time")
    assert "parità" in refused.value.message_dict["kind"][0]


def test_the_standings_count_the_goals_not_the_kicks(final):
    from matches.standings import standings_table

    final.matchday = 1
    final.save()
    rows = {row.team.code: row for row in standings_table(competition=final.competition)}
    assert (rows["ARG"].goals_for, rows["ARG"].goals_against, rows["ARG"].points) == (3, 3, 1)


def test_undoing_the_final_whistle_reopens_the_shoot_out(final):
    whistle = Entry.objects.get(match=final, kind="full_time")
    services.entry_delete(entry=whistle)
    final.refresh_from_db()
    assert final.status == Match.Status.PENALTIES and decision(final) == "d.t.s., rigori 4–2"
    frame = Update.objects.filter(match=final).order_by("-seq").first()
    assert frame.action == Update.Action.DELETE and 'data-status="penalties"' in frame.html


def test_a_second_leg_shows_the_aggregate_and_the_away_goals_decide_where_the_competition_says():
    first = play_to(make_match(), "second_half")
    home, away = first.home_team, first.away_team
    publish(match=first, kind="goal", minute=50, team=home, player=home.players.first())
    publish(match=first, kind="goal", minute=55, team=away, player=away.players.first())  # 1–1: one away goal
    publish(match=first, kind="full_time")
    second = Match.objects.create(
        competition=first.competition, home_team=away, away_team=home, kickoff=first.kickoff, first_leg=first
    )
    play_to(second, "second_half")  # 0–0
    second.refresh_from_db()
    assert second.aggregate() == (1, 1)
    assert aggregate_line(second) == "Andata 1–1 · Totale 1–1"
    assert second.tie_level()  # no away goals rule: extra time is due
    competition = second.competition
    competition.away_goals_rule = True
    competition.save()
    second = Match.objects.get(pk=second.pk)
    assert not second.tie_level()
    assert (
        aggregate_line(second) == f"Andata 1–1 · Totale 1–1 · passa {away.short_name} per i gol in trasferta"
    )
    with pytest.raises(ValidationError):
        publish(match=second, kind="extra_time")
