"""The finished match page: what a reader who arrives after the final whistle sees."""

import json
import re
from xml.etree import ElementTree

import pytest
from django.urls import reverse

from commentary.domain import services
from commentary.domain.report import formation_lines
from commentary.models import Entry
from tests.conftest import make_match, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(client, demo_match):
    return client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()


def section(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</section>", start)]


def test_report_shows_final_and_half_time_score_and_scorers(report):
    board = section(report, 'id="scoreboard"')
    assert '<span data-score="home">1</span>' in board and '<span data-score="away">1</span>' in board
    assert "Primo tempo 1–1" in board and "Finale" in board
    assert "Leão 3′" in board and "Koopmeiners 42′ rig." in board


def test_report_draws_both_formations_with_eleven_players(report):
    pitches = re.findall(r'<figure class="pitch pitch--(home|away)">(.*?)</figure>', report, re.S)
    assert [side for side, _ in pitches] == ["home", "away"]
    for _, svg in pitches:
        assert svg.count('class="pitch__player"') == 11
    home, away = pitches[0][1], pitches[1][1]
    assert "4-2-3-1" in home and "3-4-2-1" in away
    assert ">Leão<" in home and ">Koopmeiners<" in away
    assert "↓57′" in home  # Florenzi off


def test_report_lists_bookings_and_substitutions(report):
    assert report.count('class="booking"') == 5
    lineups = report[report.index('class="lineups"') : report.index('class="facts"')]
    assert lineups.count("mark--on") == 8 and lineups.count("mark--off") == 8


def test_timeline_marks_the_key_events(report):
    timeline = section(report, 'class="timeline"')
    assert timeline.count("<use ") == 2 + 5 + 8  # goals, cards, substitutions
    assert ">45′<" in timeline and ">90′<" in timeline


def test_key_events_filter_and_permalinks(client, demo_match):
    html = client.get(reverse("match-detail", args=[demo_match.pk]), {"filter": "key"}).content.decode()
    assert 'data-filter="key"' in html
    goal = demo_match.entries.get(kind="goal")
    assert f'href="#entry-{goal.pk}"' in html and f'id="entry-{goal.pk}"' in html


def test_summary_is_shown(client, demo_match):
    demo_match.summary = "Leão illude, Koopmeiners pareggia dal dischetto."
    demo_match.save()
    html = client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()
    assert "Leão illude" in section(html, 'class="summary"')


def test_structured_data_and_link_previews(report, demo_match):
    blocks = re.findall(r'<script type="application/ld\+json" nonce="[^"]+">(.*?)</script>', report, re.S)
    event, blog = json.loads(blocks[0])
    assert event["@type"] == "SportsEvent" and event["homeTeam"]["name"] == "AC Milan"
    assert event["description"] == "AC Milan 1–1 Atalanta BC"
    assert blog["@type"] == "LiveBlogPosting" and len(blog["liveBlogUpdate"]) == demo_match.entries.count()
    assert '<meta property="og:title" content="Milan 1–1 Atalanta' in report
    assert '<meta name="twitter:card" content="summary_large_image">' in report  # with the score card
    assert re.search(r"<title>Milan 1–1 Atalanta · Finale · Serie A 2023/24 · Diretta</title>", report)
    description = re.search(r'<meta name="description" content="([^"]+)"', report).group(1)
    assert "Leão 3′" in description and "Koopmeiners 42′" in description


def test_repeat_visit_is_a_304_until_something_changes(client, demo_match):
    url = reverse("match-detail", args=[demo_match.pk])
    first = client.get(url)
    assert first.status_code == 200 and first["ETag"] and "max-age=60" in first["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    services.entry_update(entry=demo_match.entries.last(), text="Correzione dopo la partita")
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200 and "Correzione dopo la partita" in changed.content.decode()


def test_live_page_is_revalidated_every_time(client, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    response = client.get(reverse("match-detail", args=[match.pk]))
    assert "max-age=0" in response["Cache-Control"] and "must-revalidate" in response["Cache-Control"]


def test_embed_is_frameable_and_the_other_pages_are_not(client, demo_match):
    embed = client.get(reverse("match-embed", args=[demo_match.pk]))
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed and "frame-ancestors *" in embed["Content-Security-Policy"]
    html = embed.content.decode()
    assert 'id="scoreboard"' in html and html.count('class="entry ') == 10
    for url in ("/", reverse("match-detail", args=[demo_match.pk]), "/admin/login/"):
        response = client.get(url)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_live_embed_follows_the_match(client, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    html = client.get(reverse("match-embed", args=[match.pk])).content.decode()
    assert f'ws-connect="/ws/matches/{match.pk}/?lang=it"' in html


@pytest.mark.parametrize(
    ("formation", "lines"),
    [
        ("4-2-3-1", [4, 2, 3, 1]),
        ("3-5-2", [3, 5, 2]),
        ("4-4-2 ", [4, 4, 2]),
        ("4-4-3", []),
        ("x", []),
        ("", []),
    ],
)
def test_formation_lines(formation, lines):
    assert formation_lines(formation) == lines


def test_match_without_formation_shows_lists_only(client):
    match = make_match()
    html = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert 'class="pitch ' not in html and "lineup__players" in html


def test_report_svg_is_well_formed(report):
    svgs = re.findall(r'<svg viewBox="0 0 68 105".*?</svg>', report, re.S)
    assert len(svgs) == 2
    for svg in svgs:
        ElementTree.fromstring(svg.replace("&", "&amp;"))
