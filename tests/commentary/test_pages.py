import re

import pytest
from django.urls import reverse

from commentary.domain import services
from commentary.models import Entry
from tests.conftest import make_match, play_to, player, publish

pytestmark = pytest.mark.django_db


def test_home_groups_matches_by_state(client, demo_match):
    live = make_match()
    publish(match=live, kind=Entry.Kind.KICK_OFF)
    upcoming = make_match()
    html = client.get("/").content.decode()
    live_part, rest = html.split('id="group-upcoming"')
    upcoming_part, finished_part = rest.split('id="group-covered"')
    assert live.home_team.short_name in live_part
    assert upcoming.home_team.short_name in upcoming_part
    assert "Milan" in finished_part and "1–1" in finished_part


def test_match_page_shows_scoreboard_feed_lineups_and_facts(client, demo_match):
    response = client.get(reverse("match-detail", args=[demo_match.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    scoreboard = html[html.index('id="scoreboard"') : html.index("</section>", html.index('id="scoreboard"'))]
    assert (
        '<span data-score="home">1</span>' in scoreboard and '<span data-score="away">1</span>' in scoreboard
    )
    assert "Leão 3′" in scoreboard
    assert "Koopmeiners 42′ rig." in scoreboard
    feed = html[html.index('id="feed"') :]
    assert feed.count('class="entry ') == demo_match.entries.count()
    assert re.search(r'id="feed"[^>]*data-seq="\d+"', html)
    # a finished match reads from the start
    assert feed.index("entry--kick_off") < feed.index("entry--full_time")
    assert "4-2-3-1" in html and "3-4-2-1" in html
    assert "Stefano Pioli" in html and "Gian Piero Gasperini" in html
    assert "Daniele Orsato" in html
    assert html.count('class="booking"') == 5
    assert html.count("mark--on") == 8 and html.count("mark--off") == 8


def test_match_page_reads_oldest_first_on_request(client, demo_match):
    html = client.get(reverse("match-detail", args=[demo_match.pk]), {"order": "oldest"}).content.decode()
    feed = html[html.index('id="feed"') :]
    assert feed.index("entry--kick_off") < feed.index("entry--full_time")


def test_entry_text_is_never_executed(client, match):
    publish(match=match, text='<script>alert("x")</script><img src=x onerror=alert(1)>Testo')
    html = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert "<script>alert" not in html and "<img" not in html
    assert "&lt;script&gt;alert" in html and "Testo" in html


def test_pinned_entry_is_shown_on_top(client, match):
    entry = publish(match=match, text="Formazioni ufficiali in arrivo")
    publish(match=match, text="Altro")
    services.entry_pin(entry=entry, pinned=True)
    html = client.get(reverse("match-detail", args=[match.pk])).content.decode()
    assert html.index(f'id="pinned-entry-{entry.pk}"') < html.index('id="feed"')


def test_unknown_match_is_404(client, db):
    assert client.get(reverse("match-detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("entries", [5, 60])
def test_match_page_query_count_does_not_grow_with_entries(client, django_assert_max_num_queries, entries):
    match = play_to(make_match(), "second_half")
    for i in range(entries):
        kind = [Entry.Kind.COMMENTARY, Entry.Kind.CHANCE, Entry.Kind.GOAL][i % 3]
        team = [match.home_team, match.away_team][i % 2]
        scorer, assist = player(team, 2 + i % 9), player(team, 11)
        publish(
            match=match,
            kind=kind,
            period="first_half" if i % 90 < 45 else "second_half",
            minute=i % 90 + 1,
            text=f"Voce {i}",
            team=team,
            player=scorer,
            player2=assist,
        )
    for team in (match.home_team, match.away_team):  # cards and substitutions, up to a match's limits
        publish(match=match, kind=Entry.Kind.YELLOW_CARD, minute=50, team=team, player=player(team, 3))
        for n in range(5):
            publish(
                match=match,
                kind=Entry.Kind.SUBSTITUTION,
                minute=60 + n,
                team=team,
                player=player(team, 4 + n),
                player2=player(team, 12 + n),
            )
    with django_assert_max_num_queries(9):  # with the statistics the desk logged
        assert client.get(reverse("match-detail", args=[match.pk])).status_code == 200


def test_home_query_count_is_bounded(client, django_assert_max_num_queries, demo_match):
    for _ in range(5):
        make_match()
    with django_assert_max_num_queries(6):
        client.get("/")


def test_english_is_selectable(client, demo_match):
    italian = client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()
    assert '<html lang="it">' in italian and "Formazioni" in italian
    assert f'href="/en/matches/{demo_match.pk}/"' in italian
    english = client.get(f"/en/matches/{demo_match.pk}/").content.decode()
    assert '<html lang="en">' in english and "Line-ups" in english and "Formazioni" not in english


def test_the_site_has_an_icon_where_browsers_look_for_it(client, db):
    """The page names its icon, and /favicon.ico (what feed readers and old browsers ask for) leads to it."""
    import re
    from pathlib import Path

    from django.contrib.staticfiles import finders

    page = client.get("/").content.decode()
    icon = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page).group(1)
    response = client.get("/favicon.ico")
    assert response.status_code == 302 and response["Location"] == icon
    assert "max-age=86400" in response["Cache-Control"]
    svg = finders.find("img/favicon.svg")
    assert svg and Path(svg).read_text(encoding="utf-8").startswith("<svg ")


def test_pages_go_out_compressed_to_readers_that_accept_it(client, demo_match):
    import gzip

    response = client.get(reverse("match-detail", args=[demo_match.pk]), HTTP_ACCEPT_ENCODING="gzip, br")
    assert response["Content-Encoding"] == "gzip" and "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content).decode()
    assert 'id="scoreboard"' in page and len(response.content) * 4 < len(page)
    # the page's ETag still answers a revisit with 304
    again = client.get(
        reverse("match-detail", args=[demo_match.pk]),
        HTTP_ACCEPT_ENCODING="gzip",
        HTTP_IF_NONE_MATCH=response["ETag"],
    )
    assert again.status_code == 304


def test_a_long_match_opens_on_its_newest_entries_and_reaches_any_older_one(
    client, django_assert_max_num_queries
):
    from django.utils import timezone

    from commentary.public.views import PAGE_ENTRIES

    match = play_to(make_match(), "second_half")
    start = timezone.now()
    Entry.objects.bulk_create(
        Entry(
            match=match,
            period="second_half",
            minute=46 + i % 45,
            kind=Entry.Kind.COMMENTARY,
            text=f"Voce numero {i}",
            created_at=start + timezone.timedelta(seconds=i),
        )
        for i in range(600)
    )
    url = reverse("match-detail", args=[match.pk])
    with django_assert_max_num_queries(30):
        html = client.get(url).content.decode()
    feed = html[html.index('id="feed"') :]
    assert feed.count('class="entry ') == PAGE_ENTRIES
    assert "Voce numero 599" in feed and "Voce numero 499" not in feed
    older = re.search(r'class="feed__older"><a href="\?entry=(\d+)#entry-\d+"', feed)
    assert older and "503 aggiornamenti precedenti" in feed  # 600 + the three whistles, 100 shown
    # a permalink to an old entry: the page reaches down to it, in the same bounded number of queries
    oldest = match.entries.get(text="Voce numero 3")
    with django_assert_max_num_queries(30):
        html = client.get(url, {"entry": oldest.pk}).content.decode()
    assert f'id="entry-{oldest.pk}"' in html and "Voce numero 599" in html
    # from the first minute, or key events only, everything is there
    assert client.get(url, {"order": "oldest"}).content.decode().count('class="entry ') == 603


def test_a_match_has_a_score_card_for_link_previews(client, demo_match):
    import io

    from PIL import Image

    page = client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()
    card_url = reverse("match-card-image", args=[demo_match.pk])
    assert f'property="og:image" content="http://testserver{card_url}"' in page
    assert 'content="summary_large_image"' in page
    response = client.get(card_url)
    assert response["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(response.content)).size == (1200, 630)
    assert client.get(card_url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304
    # every section of the report one tap away, and the match to share
    for anchor in ("#blog-title", "#lineups", "#facts", "#standings-title"):
        assert f'href="{anchor}"' in page
    assert "data-share-page" in page
