import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from matches.football_json import FOOTBALL_JSON_FILE
from matches.models import Competition, Match
from matches.services import football_json_import
from matches.standings import StandingRow, standings_table
from tests.conftest import make_match, make_team

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")
SUNDAY = datetime(2025, 9, 14, 15, 0, tzinfo=ROME)


@pytest.fixture
def serie_a() -> Competition:
    data = json.loads(FOOTBALL_JSON_FILE.read_text(encoding="utf-8"))
    return football_json_import(data=data, competition_name="Serie A", season="2023/24").competition


def by_team(rows: list[StandingRow]) -> dict[str, StandingRow]:
    return {row.team.short_name: row for row in rows}


def assert_consistent(rows: list[StandingRow]) -> None:
    assert [row.position for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert row.played == row.won + row.drawn + row.lost
        assert row.points == 3 * row.won + row.drawn
        assert row.goal_difference == row.goals_for - row.goals_against
    assert sum(row.goals_for for row in rows) == sum(row.goals_against for row in rows)
    assert sum(row.won for row in rows) == sum(row.lost for row in rows)
    assert [row.points for row in rows] == sorted((row.points for row in rows), reverse=True)


def result(home, away, score: tuple[int, int], *, kickoff=SUNDAY, matchday=1, **kwargs) -> Match:
    return make_match(
        home_team=home,
        away_team=away,
        kickoff=kickoff,
        matchday=matchday,
        status=Match.Status.FINISHED,
        home_score=score[0],
        away_score=score[1],
        with_lineups=False,
        **kwargs,
    )


def test_serie_a_after_matchday_26(serie_a):
    rows = standings_table(competition=serie_a, until_matchday=26)
    assert_consistent(rows)
    assert len(rows) == 20
    top = [(row.team.short_name, row.points, row.played) for row in rows[:3]]
    # Inter's match against Atalanta of matchday 21 was postponed to 28 February, after matchday 26
    assert top == [("Inter", 66, 25), ("Juventus", 57, 26), ("Milan", 53, 26)]
    teams = by_team(rows)
    assert (teams["Inter"].won, teams["Inter"].drawn, teams["Inter"].lost) == (21, 3, 1)
    assert (teams["Inter"].goals_for, teams["Inter"].goals_against) == (63, 12)
    assert teams["Atalanta"].played == 25 and teams["Salernitana"].position == 20


def test_a_postponed_match_counts_once_played(serie_a):
    after_21 = by_team(standings_table(competition=serie_a, until_matchday=21))
    assert after_21["Inter"].played == 20 and after_21["Atalanta"].played == 20
    after_27 = by_team(standings_table(competition=serie_a, until_matchday=27))
    assert after_27["Inter"].played == 27 and after_27["Inter"].points == 72


def test_serie_a_final_table(serie_a):
    rows = standings_table(competition=serie_a)
    assert_consistent(rows)
    assert all(row.played == 38 for row in rows)
    assert [(row.team.short_name, row.points) for row in rows[:5]] == [
        ("Inter", 94),
        ("Milan", 75),
        ("Juventus", 71),
        ("Atalanta", 69),
        ("Bologna", 68),
    ]
    assert by_team(rows) == by_team(standings_table(competition=serie_a, until_matchday=38))
    # level on 53 points: Torino beat Napoli 3–0 and drew 1–1 away, so they finish above despite the goals
    teams = by_team(rows)
    assert teams["Torino"].points == teams["Napoli"].points == 53
    assert teams["Torino"].goal_difference < teams["Napoli"].goal_difference
    assert teams["Torino"].position < teams["Napoli"].position


def test_until_a_moment(serie_a):
    rows = by_team(standings_table(competition=serie_a, until=datetime(2024, 2, 25, 23, 0, tzinfo=ROME)))
    assert rows["Milan"].points == 53 and rows["Inter"].points == 66
    assert rows["Torino"].played == 25 and rows["Lazio"].played == 25  # both played on Monday 26 February


def test_after_the_demo_match(demo_match, serie_a):
    assert serie_a == demo_match.competition
    rows = by_team(standings_table(competition=serie_a, after_match=demo_match))
    assert rows["Milan"].points == 53 and rows["Milan"].position == 3
    assert rows["Atalanta"].played == 25  # the demo counts; Inter–Atalanta of matchday 21 is still to come


def test_after_match_includes_matches_kicked_off_at_the_same_time():
    a, b, c, d = (make_team(players=0) for _ in range(4))
    first = result(a, b, (1, 0))
    result(c, d, (2, 0))  # same kick-off
    result(a, c, (0, 3), kickoff=SUNDAY + timedelta(days=7), matchday=2)
    rows = by_team(standings_table(competition=first.competition, after_match=first))
    assert rows[c.short_name].points == 3 and rows[a.short_name].played == 1


def test_a_replay_stands_for_its_match():
    a, b = make_team(players=0), make_team(players=0)
    original = result(a, b, (2, 1))
    replay = result(a, b, (2, 1), kickoff=SUNDAY + timedelta(days=300), replay_of=original)
    rows = by_team(standings_table(competition=original.competition, after_match=replay))
    assert rows[a.short_name].played == 1 and rows[a.short_name].points == 3


def test_head_to_head_beats_goal_difference():
    # Alfa has the better goal difference (and name), Beta won the match between them
    a, b, c, d = (make_team(name, players=0) for name in ("Alfa", "Beta", "Gamma", "Delta"))
    result(a, b, (0, 1))  # Beta beat Alfa
    result(a, c, (5, 0), matchday=2)
    result(b, d, (0, 0), matchday=2)
    result(a, d, (0, 0), matchday=3)
    rows = standings_table(competition=Competition.objects.get())
    names = [row.team.name for row in rows]
    alfa, beta = by_team(rows)["Alfa"], by_team(rows)["Beta"]
    assert alfa.points == beta.points == 4
    assert alfa.goal_difference > beta.goal_difference
    assert names.index("Beta") < names.index("Alfa")


def test_head_to_head_goal_difference_after_head_to_head_points():
    a, b, c = (make_team(name, players=0) for name in ("Alfa", "Beta", "Gamma"))
    result(a, b, (3, 0))
    result(b, a, (1, 0), matchday=2)  # one win each; Alfa +2 between them
    result(b, c, (6, 0), matchday=3)
    result(a, c, (1, 0), matchday=4)
    rows = by_team(standings_table(competition=Competition.objects.get()))
    assert rows["Alfa"].points == rows["Beta"].points == 6
    assert rows["Beta"].goal_difference > rows["Alfa"].goal_difference
    assert rows["Alfa"].position < rows["Beta"].position


def test_level_head_to_head_then_goal_difference():
    a, b, c, d = (make_team(name, players=0) for name in ("Delta", "Charlie", "Bravo", "Alfa"))
    result(a, b, (2, 2))  # Delta and Charlie level on everything between them
    result(a, c, (3, 1), matchday=2)  # Delta +2
    result(b, d, (1, 0), matchday=2)  # Charlie +1
    rows = standings_table(competition=Competition.objects.get())
    assert [row.team.name for row in rows[:2]] == ["Delta", "Charlie"]


def test_same_goal_difference_then_goals_scored_then_name():
    lima, kilo, mike, november = (make_team(name, players=0) for name in ("Lima", "Kilo", "Mike", "November"))
    result(lima, mike, (3, 2))
    result(kilo, november, (1, 0))
    zeta, eta = make_team("Zeta", players=0), make_team("Eta", players=0)
    result(zeta, eta, (1, 1))
    names = [row.team.name for row in standings_table(competition=Competition.objects.get())]
    assert names.index("Lima") < names.index("Kilo")  # +1 each, 3 goals against 1
    assert names.index("Eta") < names.index(
        "Zeta"
    )  # identical in everything: the name stands in for the draw


def test_only_finished_matches_with_a_score_count_and_every_team_is_listed():
    a, b, c, d = (make_team(players=0) for _ in range(4))
    result(a, b, (1, 0))
    make_match(
        home_team=c,
        away_team=d,
        with_lineups=False,
        status=Match.Status.SECOND_HALF,
        home_score=1,
        away_score=0,
    )
    make_match(home_team=a, away_team=c, with_lineups=False, matchday=2)  # scheduled
    rows = standings_table(competition=Competition.objects.get())
    assert_consistent(rows)
    assert len(rows) == 4
    assert by_team(rows)[c.short_name].played == 0 and by_team(rows)[d.short_name].played == 0
    assert rows[0].team == a


def test_two_queries_whatever_the_number_of_matches(serie_a, django_assert_num_queries):
    with django_assert_num_queries(2):
        standings_table(competition=serie_a, until_matchday=26)


def test_after_match_from_another_competition_is_refused(demo_match):
    other = make_match(with_lineups=False)
    with pytest.raises(ValueError):
        standings_table(competition=other.competition, after_match=demo_match)


def test_a_test_match_outside_the_leagues_matchdays_stays_out_of_the_table(serie_a, admin_client):
    """The bug reproduced: a test match on "Matchday 39" entered the real Serie A table."""
    assert serie_a.matchdays == 38  # the calendar's import says how many matchdays the league has
    before = [(r.team.short_name, r.points, r.played) for r in standings_table(competition=serie_a)]
    milan = Match.objects.filter(competition=serie_a, matchday=26).first().home_team
    guests = make_team("Squadra di prova")
    result(milan, guests, (5, 0), matchday=39, competition=serie_a)
    result(milan, guests, (4, 0), matchday=None, competition=serie_a)  # a friendly: no matchday
    rows = standings_table(competition=serie_a)
    assert [(r.team.short_name, r.points, r.played) for r in rows] == before
    assert "Squadra di prova" not in [r.team.short_name for r in rows]

    form = admin_client.get("/admin/matches/match/add/")
    assert form.status_code == 200
    response = admin_client.post(
        "/admin/matches/match/add/",
        {
            "competition": serie_a.pk,
            "matchday": 39,
            "home_team": milan.pk,
            "away_team": guests.pk,
            "kickoff_0": "2024-06-01",
            "kickoff_1": "20:45",
            "status": "scheduled",
            "lineup-TOTAL_FORMS": 0,
            "lineup-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200  # the form again, with the reason
    assert "Serie A 2023/24 ha 38 giornate: la 39 non esiste." in response.text
    assert not Match.objects.filter(
        home_team=milan, away_team=guests, matchday=39, status="scheduled"
    ).exists()


def test_a_cup_without_matchdays_counts_every_match():
    home, away = make_team(), make_team()
    match = result(home, away, (2, 1), matchday=None)
    assert match.competition.matchdays is None
    rows = by_team(standings_table(competition=match.competition))
    assert (rows[home.short_name].points, rows[away.short_name].played) == (3, 1)
