import json
import re

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from matches.football_json import FOOTBALL_JSON_FILE
from matches.models import Competition, Match, Team
from matches.services import football_json_import, squad_files_import
from matches.squads import SQUADS_DIR
from matches.standings import standings_table
from tests.conftest import make_match

pytestmark = pytest.mark.django_db
# Whatever the number of matches: competition, matchdays, matches, teams, players — never one per row.
MAX_QUERIES = 6


@pytest.fixture
def serie_a() -> Competition:
    data = json.loads(FOOTBALL_JSON_FILE.read_text(encoding="utf-8"))
    return football_json_import(data=data, competition_name="Serie A", season="2023/24").competition


def team(short_name: str) -> Team:
    return Team.objects.get(short_name=short_name)


def main(response) -> str:
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="main"') : html.index("</main>")]


def standings_rows(html: str) -> list[str]:
    body = html[html.index("<tbody>") : html.index("</tbody>")]
    return body.split("<tr")[1:]


def test_competition_list_links_each_competition(client, serie_a, django_assert_max_num_queries):
    make_match()
    with django_assert_max_num_queries(MAX_QUERIES):
        html = main(client.get(reverse("competition-list")))
    assert reverse("competition-detail", args=[serie_a.pk]) in html
    assert "Serie A" in html and "2023/24" in html and "380 partite" in html and "Serie Test" in html


def test_competition_page_shows_the_table_and_the_matchdays(client, serie_a, django_assert_max_num_queries):
    url = reverse("competition-detail", args=[serie_a.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        html = main(client.get(url))
    assert "<caption>Classifica dopo la 38ª giornata</caption>" in html
    assert '<option value="38" selected>' in html
    for abbr, title in [("Pos", "Posizione"), ("Pt", "Punti"), ("G", "Partite giocate"), ("V", "Vinte")]:
        assert f'<abbr title="{title}">{abbr}</abbr>' in html
    for abbr, title in [("N", "Pareggiate"), ("P", "Perse"), ("GF", "Gol fatti"), ("GS", "Gol subiti")]:
        assert f'<abbr title="{title}">{abbr}</abbr>' in html
    assert '<abbr title="Differenza reti">DR</abbr>' in html
    assert html.count('<th scope="col"') == 10 and html.count('<th scope="row"') == 20
    rows = standings_rows(html)
    assert "Inter" in rows[0] and ">94<" in rows[0] and "+67" in rows[0]
    assert reverse("team-detail", args=[team("Inter").pk]) in rows[0]
    for matchday in (1, 26, 38):
        assert reverse("matchday-detail", args=[serie_a.pk, matchday]) in html
    assert html.count('class="matchday-link matchday-link--played"') == 38


def test_competition_page_standings_after_a_chosen_matchday(client, serie_a):
    url = reverse("competition-detail", args=[serie_a.pk])
    html = main(client.get(url, {"matchday": 26}))
    assert "<caption>Classifica dopo la 26ª giornata</caption>" in html
    assert '<option value="26" selected>' in html
    rows = standings_rows(html)
    assert "Inter" in rows[0] and ">66<" in rows[0] and ">25<" in rows[0]
    assert "Juventus" in rows[1] and ">57<" in rows[1]
    assert "Milan" in rows[2] and ">53<" in rows[2]
    for nonsense in ("99", "abc", "-1"):
        assert "dopo la 38ª giornata" in main(client.get(url, {"matchday": nonsense}))


def test_competition_without_results_yet(client):
    match = make_match(with_lineups=False)
    html = main(client.get(reverse("competition-detail", args=[match.competition.pk])))
    assert "<caption>Classifica</caption>" in html and html.count('<th scope="row"') == 2
    assert reverse("matchday-detail", args=[match.competition.pk, 3]) in html


def test_matchday_page_lists_its_ten_matches(client, serie_a, django_assert_max_num_queries):
    url = reverse("matchday-detail", args=[serie_a.pk, 26])
    with django_assert_max_num_queries(MAX_QUERIES):
        html = main(client.get(url))
    assert html.count('class="match-card"') == 10
    demo = Match.objects.get(competition=serie_a, home_team=team("Milan"), away_team=team("Atalanta"))
    card = html[html.index(f'href="{demo.get_absolute_url()}"') :]
    assert "1–1" in card[: card.index("</a>")]
    assert "Domenica 25 Febbraio 2024" in html and ">20:45<" in html
    assert f'rel="prev" href="{reverse("matchday-detail", args=[serie_a.pk, 25])}"' in html
    assert f'rel="next" href="{reverse("matchday-detail", args=[serie_a.pk, 27])}"' in html
    assert f"{reverse('competition-detail', args=[serie_a.pk])}?matchday=26" in html


def test_first_and_last_matchdays_and_missing_ones(client, serie_a):
    first = main(client.get(reverse("matchday-detail", args=[serie_a.pk, 1])))
    assert 'rel="prev"' not in first and 'rel="next"' in first
    last = main(client.get(reverse("matchday-detail", args=[serie_a.pk, 38])))
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get(reverse("matchday-detail", args=[serie_a.pk, 39])).status_code == 404
    assert client.get(reverse("competition-detail", args=[serie_a.pk + 1])).status_code == 404


def test_scheduled_match_shows_its_kickoff_time(client):
    match = make_match(with_lineups=False)
    html = main(client.get(reverse("matchday-detail", args=[match.competition.pk, 3])))
    assert "match-card__score--time" in html and "20:45" in html and "Da giocare" in html


def test_team_page_shows_results_from_the_teams_side(client, serie_a, django_assert_max_num_queries):
    milan = team("Milan")
    squad_files_import(paths=[SQUADS_DIR / "milan.txt"])
    with django_assert_max_num_queries(MAX_QUERIES):
        html = main(client.get(reverse("team-detail", args=[milan.pk])))
    assert "<h1" in html and "AC Milan" in html
    results = html[html.index('id="results-title"') : html.index('id="fixtures-title"')]
    assert results.count('class="team-match ') == 38
    assert results.count("team-match--won") == 22
    assert results.count("team-match--drawn") == 9
    assert results.count("team-match--lost") == 7
    # matchday 1: Bologna 0–2 Milan, away — shown as Milan's 2–0 win
    first = results[results.index("<li>") : results.index("</li>")]
    assert "Bologna" in first and "2–0" in first and "team-match--won" in first and "in trasferta" in first
    assert "Nessuna partita in programma." in html
    squad = html[html.index('id="squad-title"') :]
    assert [h for h in re.findall(r"<h3[^>]*>([^<]+)</h3>", squad)] == [
        "Portieri",
        "Difensori",
        "Centrocampisti",
        "Attaccanti",
    ]
    assert "Mike Maignan" in squad and "Rafael Leão" in squad


def test_team_page_lists_fixtures_and_skips_a_missing_squad(client):
    match = make_match(with_lineups=False)
    match.home_team.players.all().delete()
    html = main(client.get(reverse("team-detail", args=[match.home_team.pk])))
    fixtures = html[html.index('id="fixtures-title"') :]
    assert match.away_team.short_name in fixtures and "20:45" in fixtures
    assert "Nessuna partita conclusa." in html and 'id="squad-title"' not in html


def test_team_page_query_count_does_not_grow_with_the_matches(client, serie_a, django_assert_max_num_queries):
    small = make_match(with_lineups=False)
    for pk in (small.home_team.pk, team("Inter").pk):
        with django_assert_max_num_queries(3):
            client.get(reverse("team-detail", args=[pk]))


def test_search_finds_teams_accents_and_case_ignored(client, serie_a, django_assert_max_num_queries):
    url = reverse("search")
    with django_assert_max_num_queries(MAX_QUERIES):
        html = main(client.get(url, {"q": "inter"}))
    teams = html[html.index('id="teams-title"') :]
    teams = teams[: teams.index("</ul>")]
    assert "Inter" in teams and "Milan<" not in teams
    assert html.count('class="match-card"') == 20  # Inter's latest results
    for query in ("MILAN", " milàn "):
        html = main(client.get(url, {"q": query}))
        found = re.findall(r'class="team-result__name">([^<]+)<', html)
        # "milan" is also in FC Internazionale Milano: both offered, the closer match first
        assert found == ["Milan", "Inter"]
    assert re.findall(r'class="team-result__name">([^<]+)<', main(client.get(url, {"q": "verona"}))) == [
        "Verona"
    ]


def test_search_says_what_to_do_when_it_finds_nothing(client, serie_a):
    url = reverse("search")
    assert "Scrivi il nome di una squadra" in main(client.get(url))
    assert "Scrivi il nome di una squadra" in main(client.get(url, {"q": "   "}))
    html = main(client.get(url, {"q": "barcellona"}))
    assert "Nessuna squadra trovata per «barcellona»" in html
    html = main(client.get(url, {"q": "<script>"}))
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_pages_are_served_in_english_too(client, serie_a):
    with translation.override("en"):
        urls = [reverse("competition-detail", args=[serie_a.pk]), reverse("search") + "?q=inter"]
    for url in urls:
        response = client.get(url)
        assert url.startswith("/en/") and response.status_code == 200
        assert '<html lang="en">' in response.content.decode()


def test_standings_partial_highlights_and_compacts(demo_match):
    rows = standings_table(competition=demo_match.competition, after_match=demo_match)
    highlight = {demo_match.home_team_id, demo_match.away_team_id}
    html = render_to_string("matches/standings.html#standings", {"rows": rows, "highlight": highlight})
    assert html.count("standings__row--highlight") == 2 and "<caption>Classifica</caption>" in html
    compact = render_to_string(
        "matches/standings.html#standings", {"rows": rows, "compact": True, "caption": "Dopo la partita"}
    )
    assert "standings__row--highlight" not in compact and "Gol fatti" not in compact
    assert '<caption class="visually-hidden">Dopo la partita</caption>' in compact
    assert compact.count('<th scope="col"') == 5
