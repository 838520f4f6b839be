import io
import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command

from matches.football_json import (
    FOOTBALL_JSON_FILE,
    FootballJsonError,
    TeamResolver,
    competition_from_name,
    parse_football_json,
    squad_file_team_name,
)
from matches.models import Competition, Match, Player, Team
from matches.services import football_json_import, match_copy_for_replay, squad_files_import
from matches.squads import SQUADS_DIR

ROME = ZoneInfo("Europe/Rome")


def serie_a() -> dict:
    return json.loads(FOOTBALL_JSON_FILE.read_text(encoding="utf-8"))


def import_serie_a():
    return football_json_import(data=serie_a(), competition_name="Serie A", season="2023/24")


def snapshot() -> list[tuple]:
    return list(
        Match.objects.order_by("pk").values_list(
            "pk",
            "competition_id",
            "matchday",
            "round_name",
            "home_team_id",
            "away_team_id",
            "kickoff",
            "status",
            "home_score",
            "away_score",
            "home_score_half_time",
            "away_score_half_time",
        )
    )


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_football_json", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize(
    "name, expected",
    [
        ("Italian Serie A 2023/24", ("Serie A", "2023/24")),
        ("English Premier League 2023-24", ("Premier League", "2023/24")),
        ("Deutsche Bundesliga 2023/2024", ("Bundesliga", "2023/24")),
        ("Serie B 2024", ("Serie B", "2024")),
        ("Coppa Italia", ("Coppa Italia", None)),
    ],
)
def test_competition_and_season_come_from_the_file_name(name, expected):
    assert competition_from_name(name) == expected


def test_parser_reads_local_kickoffs_scores_and_rounds():
    data = {
        "name": "Test",
        "matches": [
            {
                "round": "Matchday 3",
                "date": "2024-02-25",
                "time": "20:45",
                "team1": "A",
                "team2": "B",
                "score": {"ht": [1, 1], "ft": [1, 1]},
            },
            {"round": "Matchday 4", "date": "2024-03-31", "time": "12:30", "team1": "B", "team2": "A"},
            {"round": "Final", "date": "2024-05-15", "time": "21:00 UTC+2", "team1": "A", "team2": "C"},
            {
                "round": "Matchday 5",
                "date": "2024-04-07",
                "team1": "C",
                "team2": "B",
                "score": {"ft": [2, 1]},
            },
            {
                "round": "Matchday 5",
                "date": "2024-04-07",
                "team1": "A",
                "team2": "D",
                "score": {"ft": [0, 0]},
            },
        ],
    }
    first, second, final, no_half_time, goalless = parse_football_json(data)
    assert first.matchday == 3 and first.round_name == ""
    assert first.kickoff == datetime(2024, 2, 25, 20, 45, tzinfo=ROME)
    assert first.score == (1, 1) and first.half_time == (1, 1)
    # the day summer time starts in Italy: still Italian local time
    assert second.kickoff == datetime(2024, 3, 31, 12, 30, tzinfo=ROME)
    assert second.score is None and second.half_time is None
    assert final.matchday is None and final.round_name == "Final"
    assert final.kickoff == datetime(2024, 5, 15, 21, 0, tzinfo=ROME)
    assert no_half_time.score == (2, 1) and no_half_time.half_time is None
    assert no_half_time.kickoff.hour == 15  # no time in the file
    assert goalless.half_time == (0, 0)  # 0–0 at the end is 0–0 at the break


@pytest.mark.parametrize(
    "match, problem",
    [
        ({"date": "2024-02-25", "team1": "A"}, "manca una squadra"),
        ({"date": "25/02/2024", "team1": "A", "team2": "B"}, "data"),
        ({"date": "2024-02-25", "time": "8 pm", "team1": "A", "team2": "B"}, "orario"),
        ({"date": "2024-02-25", "team1": "A", "team2": "A"}, "stessa squadra"),
    ],
)
def test_parser_says_which_match_is_malformed(match, problem):
    with pytest.raises(FootballJsonError, match=problem):
        parse_football_json({"matches": [match]})


def test_team_names_resolve_through_aliases_short_names_and_accents():
    names = [
        ("Atalanta BC", "Atalanta"),
        ("Juventus FC", "Juventus"),
        ("Bologna FC 1909", "Bologna"),
        ("US Salernitana 1919", "Salernitana"),
        ("Hellas Verona FC", "Verona"),
        ("AC Milan", "Milan"),
        ("FC Internazionale Milano", "Inter"),
        ("Società Sportiva Lazio", "Lazio"),
    ]
    teams = {name: Team(pk=pk, name=name, short_name=short) for pk, (name, short) in enumerate(names, 1)}
    resolver = TeamResolver(teams.values())
    assert resolver.resolve("Atalanta Bergamo") == teams["Atalanta BC"]
    assert resolver.resolve("Juventus") == teams["Juventus FC"]
    assert resolver.resolve("Bologna FC") == teams["Bologna FC 1909"]
    assert resolver.resolve("Salernitana") == teams["US Salernitana 1919"]
    assert resolver.resolve("Hellas Verona") == teams["Hellas Verona FC"]
    assert resolver.resolve("ac milan") == teams["AC Milan"]
    assert resolver.resolve("SOCIETA SPORTIVA LAZIO") == teams["Società Sportiva Lazio"]
    assert resolver.resolve("SS Lazio") == teams["Società Sportiva Lazio"]  # our table's short name
    assert resolver.resolve("Torino FC") is None


def test_a_name_that_could_be_two_teams_matches_neither():
    resolver = TeamResolver(
        [
            Team(pk=1, name="Sporting A", short_name="Sporting"),
            Team(pk=2, name="Sporting B", short_name="Sporting"),
        ]
    )
    assert resolver.resolve("Sporting") is None


def test_squad_file_header_names_the_team():
    assert (
        squad_file_team_name("=  Atalanta Bergamo - Italian Serie A 2023/24\n\n 1, X, GK,")
        == "Atalanta Bergamo"
    )
    assert squad_file_team_name(" 1, X, GK,") is None


@pytest.mark.django_db
def test_import_creates_380_matches_for_20_teams():
    report = import_serie_a()
    competition = Competition.objects.get(name="Serie A", season="2023/24")
    assert report.competition == competition and report.competition_created
    assert (report.created, report.updated, report.unchanged) == (380, 0, 0)
    assert len(report.teams_created) == 20 and Team.objects.count() == 20
    assert competition.matches.count() == 380
    assert competition.matches.filter(status=Match.Status.FINISHED, home_score__isnull=False).count() == 380
    per_matchday = {md: competition.matches.filter(matchday=md).count() for md in range(1, 39)}
    assert set(per_matchday.values()) == {10}
    first = competition.matches.get(home_team__name="Empoli FC", away_team__name="Hellas Verona FC")
    assert first.kickoff == datetime(2023, 8, 19, 18, 30, tzinfo=ROME)
    assert (first.home_score, first.away_score, first.home_score_half_time, first.away_score_half_time) == (
        0,
        1,
        0,
        0,
    )
    inter = Team.objects.get(name="FC Internazionale Milano")
    assert (inter.short_name, inter.code) == ("Inter", "INT")
    assert inter.primary_colour.startswith("#") and len(inter.primary_colour) == 7
    short_names = set(Team.objects.values_list("short_name", flat=True))
    assert short_names == {
        "Inter", "Milan", "Juventus", "Napoli", "Roma", "Lazio", "Atalanta", "Fiorentina", "Bologna",
        "Torino", "Monza", "Genoa", "Lecce", "Udinese", "Empoli", "Frosinone", "Sassuolo", "Salernitana",
        "Cagliari", "Verona",
    }  # fmt: skip
    assert len(set(Team.objects.values_list("code", flat=True))) == 20


@pytest.mark.django_db
def test_second_import_changes_nothing():
    import_serie_a()
    before = snapshot()
    report = import_serie_a()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 380)
    assert not report.changed_anything and not report.warnings
    assert len(report.teams_found) == 20
    assert snapshot() == before


@pytest.mark.django_db
def test_demo_match_is_found_not_duplicated(demo_match):
    score = (
        demo_match.status,
        demo_match.home_score,
        demo_match.away_score,
        demo_match.home_score_half_time,
        demo_match.away_score_half_time,
    )
    report = import_serie_a()
    same_fixture = Match.objects.filter(
        competition=demo_match.competition, home_team=demo_match.home_team, away_team=demo_match.away_team
    )
    assert list(same_fixture) == [demo_match]
    demo_match.refresh_from_db()
    assert (
        demo_match.status,
        demo_match.home_score,
        demo_match.away_score,
        demo_match.home_score_half_time,
        demo_match.away_score_half_time,
    ) == score
    assert demo_match.matchday == 26 and demo_match.venue == "Stadio San Siro"
    assert (report.created, report.unchanged) == (379, 1)
    assert {team.name for team in report.teams_found} == {"AC Milan", "Atalanta BC"}
    assert Team.objects.count() == 20 and demo_match.competition.matches.count() == 380


@pytest.mark.django_db
def test_a_stored_score_is_never_overwritten_a_missing_one_is_filled(demo_match):
    Match.objects.filter(pk=demo_match.pk).update(home_score=5, away_score=0)
    # Inter–Atalanta, entered for its original date and postponed: played 4–0 on 28 February (matchday 21)
    kickoff = datetime(2024, 1, 21, 20, 45, tzinfo=ROME)
    inter = Team.objects.create(name="Internazionale", short_name="Inter", code="INT")
    waiting = Match.objects.create(
        competition=demo_match.competition,
        home_team=inter,
        away_team=demo_match.away_team,
        kickoff=kickoff,
    )
    report = import_serie_a()
    demo_match.refresh_from_db()
    assert (demo_match.home_score, demo_match.away_score) == (5, 0)
    assert any("5–0" in warning and "1–1" in warning for warning in report.warnings)
    waiting.refresh_from_db()
    assert waiting.status == Match.Status.FINISHED and (waiting.home_score, waiting.away_score) == (4, 0)
    assert (waiting.home_score_half_time, waiting.away_score_half_time) == (2, 0)
    assert waiting.matchday == 21 and waiting.kickoff == kickoff
    assert any("2024-01-21 20:45" in warning and "2024-02-28 20:45" in warning for warning in report.warnings)
    assert report.updated == 1 and report.created == 378
    assert Team.objects.filter(short_name="Inter").count() == 1


@pytest.mark.django_db
def test_a_live_match_without_a_score_is_left_alone(demo_match):
    Match.objects.filter(pk=demo_match.pk).update(
        home_score=None, away_score=None, status=Match.Status.FIRST_HALF
    )
    report = import_serie_a()
    demo_match.refresh_from_db()
    assert demo_match.status == Match.Status.FIRST_HALF and demo_match.home_score is None
    assert any("in corso" in warning for warning in report.warnings)


@pytest.mark.django_db
def test_replays_are_not_taken_for_the_fixture(demo_match):
    replay = match_copy_for_replay(source=demo_match, kickoff=datetime(2030, 1, 1, tzinfo=ROME))
    report = import_serie_a()
    replay.refresh_from_db()
    assert replay.status == Match.Status.SCHEDULED and replay.home_score is None
    assert report.unchanged == 1 and report.created == 379


@pytest.mark.django_db
def test_fixtures_without_results_are_scheduled():
    data = {
        "name": "Italian Serie A 2024/25",
        "matches": [
            {
                "round": "Matchday 1",
                "date": "2024-08-18",
                "time": "20:45",
                "team1": "AC Milan",
                "team2": "Torino FC",
            },
            {
                "round": "Matchday 1",
                "date": "2024-08-17",
                "time": "18:30",
                "team1": "Genoa CFC",
                "team2": "FC Internazionale Milano",
                "score": {"ft": [2, 2]},
            },
        ],
    }
    report = football_json_import(data=data, competition_name="Serie A", season="2024/25")
    assert report.created == 2
    milan = Match.objects.get(home_team__name="AC Milan")
    assert milan.status == Match.Status.SCHEDULED and milan.home_score is None and milan.matchday == 1
    genoa = Match.objects.get(home_team__name="Genoa CFC")
    assert genoa.status == Match.Status.FINISHED and genoa.home_score_half_time is None
    # the result arrives later
    data["matches"][0]["score"] = {"ht": [1, 0], "ft": [2, 2]}
    report = football_json_import(data=data, competition_name="Serie A", season="2024/25")
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    milan.refresh_from_db()
    assert milan.status == Match.Status.FINISHED and (milan.home_score, milan.home_score_half_time) == (2, 1)


@pytest.mark.django_db
def test_unknown_teams_get_a_short_name_and_code_from_their_name():
    data = {
        "matches": [
            {"date": "2024-08-18", "round": "Round 1", "team1": "AC Pisa 1909", "team2": "Parma Calcio"}
        ]
    }
    football_json_import(data=data, competition_name="Serie B", season="2024/25")
    assert set(Team.objects.values_list("short_name", "code")) == {("Pisa", "PIS"), ("Parma", "PAR")}


@pytest.mark.django_db
def test_command_derives_competition_and_season_and_counts():
    out, err = run(FOOTBALL_JSON_FILE)
    assert Competition.objects.filter(name="Serie A", season="2023/24").exists()
    assert "partite create 380" in out and "squadre create 20" in out and not err
    out, err = run(FOOTBALL_JSON_FILE, "--competition", "Serie A", "--season", "2023/24")
    assert "partite create 0, aggiornate 0, invariate 380" in out


@pytest.mark.django_db
def test_command_imports_squads_and_keeps_known_as(demo_match):
    theo = Player.objects.get(team=demo_match.home_team, name="Théo Hernández")
    assert theo.known_as == "Theo Hernández"
    out, _ = run(FOOTBALL_JSON_FILE, "--squads")
    assert "Rose: 20 squadre" in out
    assert all(team.players.exists() for team in Team.objects.all())
    theo.refresh_from_db()
    assert theo.known_as == "Theo Hernández"
    assert Player.objects.filter(team__name="Atalanta BC", name="Teun Koopmeiners").exists()
    assert Player.objects.filter(team__name="US Salernitana 1919").exists()
    assert Player.objects.filter(team__name="Hellas Verona FC").exists()


@pytest.mark.django_db
def test_squads_of_unknown_teams_are_skipped_with_a_warning():
    report = squad_files_import(paths=[SQUADS_DIR / "milan.txt"])
    assert report.imported == [] and "AC Milan" in report.warnings[0]


@pytest.mark.django_db
def test_command_refuses_what_it_cannot_read(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(CommandError, match="Impossibile leggere"):
        run(broken)
    nameless = tmp_path / "nameless.json"
    nameless.write_text(json.dumps({"matches": []}), encoding="utf-8")
    with pytest.raises(CommandError, match="--competition"):
        run(nameless)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"name": "Serie A 2023/24", "matches": [{"team1": "A", "team2": "B"}]}))
    with pytest.raises(CommandError, match="data"):
        run(bad)
    assert not Match.objects.exists()
