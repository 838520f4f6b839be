import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from django.urls import reverse

from commentary.domain import services
from commentary.models import Entry
from tests.conftest import make_match, player, publish

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
TAG_URI = re.compile(r"^tag:[a-z0-9.-]+,\d{4}(-\d{2}(-\d{2})?)?:\S+$")


def fetch(client, url) -> ET.Element:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def assert_valid_atom(feed: ET.Element) -> list[ET.Element]:
    """RFC 4287's must-haves: feed id, title, updated and an author; each entry's id, title, updated and
    an alternate link; dates in RFC 3339; ids unique."""
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    assert RFC3339.match(feed.findtext(f"{ATOM}updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name") is not None
    assert feed.find(f"{ATOM}link[@rel='self']") is not None
    entries = feed.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert TAG_URI.match(entry.findtext(f"{ATOM}id"))
        link = entry.find(f"{ATOM}link[@rel='alternate']")
        assert link is not None and link.get("href").startswith("http://testserver/")
        summary = entry.find(f"{ATOM}summary")
        if summary is not None:
            assert summary.get("type") == "html"
    ids = [entry.findtext(f"{ATOM}id") for entry in entries]
    assert len(ids) == len(set(ids))
    return entries


# A match's commentary ---------------------------------------------------------------------------------


def test_match_feed_is_atom_with_every_entry_newest_first(client, demo_match):
    feed = fetch(client, reverse("match-feed", args=[demo_match.pk]))
    entries = assert_valid_atom(feed)
    assert len(entries) == demo_match.entries.count()
    assert feed.findtext(f"{ATOM}title") == "Milan – Atalanta: la cronaca"
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "it"
    links = [entry.find(f"{ATOM}link").get("href") for entry in entries]
    newest_first = list(demo_match.entries.order_by("-pk").values_list("pk", flat=True))
    assert links == [f"http://testserver/matches/{demo_match.pk}/#entry-{pk}" for pk in newest_first]
    assert feed.findtext(f"{ATOM}updated") == entries[0].findtext(f"{ATOM}updated")


def test_match_feed_entry_titles_have_minute_kind_and_player(client, demo_match):
    feed = fetch(client, reverse("match-feed", args=[demo_match.pk]))
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert "42′ · Gol su rigore · Koopmeiners" in titles
    assert "3′ · Gol · Leão" in titles
    assert "90+5′ · Fischio finale" in titles
    assert "Cronaca" in titles  # pre-match commentary: no minute, no player


def test_entry_text_is_the_summary_as_escaped_html_and_never_a_script(client, match):
    publish(match=match, text='**Gol** <script>alert("x")</script> <b>bello</b>')
    feed = fetch(client, reverse("match-feed", args=[match.pk]))
    [entry] = assert_valid_atom(feed)
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "html"
    assert "<strong>Gol</strong>" in summary.text and "<strong>bello</strong>" in summary.text
    assert "<script" not in summary.text.lower()
    assert "<script" not in ET.tostring(feed, encoding="unicode").lower()


def test_editing_an_entry_keeps_its_id_and_moves_updated(client, match):
    at = datetime.fromisoformat("2025-09-14T20:50:00+02:00")
    entry = publish(match=match, text="Prima versione", at=at)
    url = reverse("match-feed", args=[match.pk])
    before = fetch(client, url).find(f"{ATOM}entry")
    services.entry_update(entry=entry, text="Seconda versione", at=at + timedelta(minutes=3))
    after = fetch(client, url).find(f"{ATOM}entry")
    assert before.findtext(f"{ATOM}id") == after.findtext(f"{ATOM}id")
    assert (
        before.findtext(f"{ATOM}id") == f"tag:testserver,2025-09-14:diretta/match/{match.pk}/entry/{entry.pk}"
    )
    assert datetime.fromisoformat(before.findtext(f"{ATOM}updated")) == at
    assert datetime.fromisoformat(after.findtext(f"{ATOM}updated")) == at + timedelta(minutes=3)
    assert datetime.fromisoformat(after.findtext(f"{ATOM}published")) == at
    assert after.findtext(f"{ATOM}summary") == "Seconda versione"


def test_deleted_entries_leave_the_feed(client, match):
    keep = publish(match=match, text="Resta")
    services.entry_delete(entry=publish(match=match, text="Sparisce"))
    entries = assert_valid_atom(fetch(client, reverse("match-feed", args=[match.pk])))
    assert [e.findtext(f"{ATOM}summary") for e in entries] == ["Resta"]
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"#entry-{keep.pk}")


def test_match_without_entries_is_still_a_valid_feed(client, match):
    assert assert_valid_atom(fetch(client, reverse("match-feed", args=[match.pk]))) == []


def test_unknown_match_feed_is_404(client, db):
    assert client.get(reverse("match-feed", args=[999999])).status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_match_feed_query_count_does_not_grow_with_entries(
    client, django_assert_max_num_queries, match, count
):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    for n in range(count):
        if n % 7 == 3:
            team = match.home_team
            publish(match=match, kind=Entry.Kind.GOAL, minute=n % 45 + 1, team=team, player=player(team, 9))
        else:
            publish(match=match, text=f"Azione {n}")
    with django_assert_max_num_queries(3):  # the match, its entries, their pictures
        feed = fetch(client, reverse("match-feed", args=[match.pk]))
    assert len(feed.findall(f"{ATOM}entry")) == count + 1


# A competition's results ------------------------------------------------------------------------------


def test_competition_feed_lists_finished_matches_newest_first(client, demo_match):
    competition = demo_match.competition
    earlier = make_match(with_lineups=False)
    earlier.competition = competition
    earlier.kickoff = demo_match.kickoff - timedelta(days=7)
    earlier.save()
    publish(match=earlier, kind=Entry.Kind.KICK_OFF, at=earlier.kickoff)
    publish(match=earlier, kind=Entry.Kind.HALF_TIME, at=earlier.kickoff)
    publish(match=earlier, kind=Entry.Kind.SECOND_HALF, at=earlier.kickoff)
    publish(
        match=earlier,
        kind=Entry.Kind.GOAL,
        minute=70,
        team=earlier.away_team,
        player=player(earlier.away_team, 9),
        at=earlier.kickoff,
    )
    publish(match=earlier, kind=Entry.Kind.FULL_TIME, at=earlier.kickoff)
    upcoming = make_match(with_lineups=False)
    upcoming.competition = competition
    upcoming.save()

    feed = fetch(client, reverse("competition-feed", args=[competition.pk]))
    entries = assert_valid_atom(feed)
    assert feed.findtext(f"{ATOM}title") == "Serie A 2023/24: i risultati"
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "Milan 1–1 Atalanta",
        f"{earlier.home_team.short_name} 0–1 {earlier.away_team.short_name}",
    ]
    demo = entries[0]
    assert demo.find(f"{ATOM}link").get("href") == f"http://testserver/matches/{demo_match.pk}/"
    assert datetime.fromisoformat(demo.findtext(f"{ATOM}updated")) == demo_match.kickoff
    assert "Leão 3′" in demo.findtext(f"{ATOM}summary")
    assert "Koopmeiners 42′ rig." in demo.findtext(f"{ATOM}summary")
    assert datetime.fromisoformat(feed.findtext(f"{ATOM}updated")) == demo_match.kickoff


def test_competition_feed_query_count_is_bounded(client, django_assert_max_num_queries, demo_match):
    with django_assert_max_num_queries(3):
        fetch(client, reverse("competition-feed", args=[demo_match.competition_id]))


def test_unknown_competition_feed_is_404(client, db):
    assert client.get(reverse("competition-feed", args=[999999])).status_code == 404


def test_feeds_are_readable_from_any_origin(client, demo_match):
    for url in (
        reverse("match-feed", args=[demo_match.pk]),
        reverse("competition-feed", args=[demo_match.competition_id]),
    ):
        assert client.get(url)["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("method", ["TRACE", "POST", "PUT", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("name", ["match-feed", "competition-feed"])
def test_feeds_are_read_only(client, demo_match, name, method):
    pk = demo_match.pk if name == "match-feed" else demo_match.competition_id
    response = client.generic(method, reverse(name, args=[pk]))
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert client.head(reverse(name, args=[pk])).status_code == 200
