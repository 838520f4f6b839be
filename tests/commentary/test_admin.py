import pytest

from commentary.models import Entry, Update
from tests.conftest import player, publish

pytestmark = pytest.mark.django_db


def test_entry_added_in_the_admin_goes_through_the_service(client, editor, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    client.force_login(editor)
    response = client.post(
        "/admin/commentary/entry/add/",
        {
            "match": match.pk,
            "period": "first_half",
            "minute": 12,
            "added_minute": 0,
            "kind": "goal",
            "team": match.home_team.pk,
            "player": player(match.home_team, 9).pk,
            "text": "Rete!",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    match.refresh_from_db()
    assert match.home_score == 1
    entry = Entry.objects.get(kind="goal")
    assert entry.author == editor
    assert Update.objects.filter(match=match, entry_id=entry.pk).exists()


def test_admin_shows_field_errors_and_saves_nothing(client, editor, match):
    client.force_login(editor)
    response = client.post(
        "/admin/commentary/entry/add/",
        {
            "match": match.pk,
            "period": "first_half",
            "minute": 12,
            "added_minute": 0,
            "kind": "goal",
            "team": match.home_team.pk,
            "player": player(match.away_team, 9).pk,
            "text": "",
        },
    )
    assert response.status_code == 200
    assert "non gioca nella squadra indicata" in response.content.decode()
    assert not Entry.objects.exists()


def test_admin_delete_goes_through_the_service(client, editor, match):

    entry = publish(match=match, text="Da togliere")
    client.force_login(editor)
    response = client.post(f"/admin/commentary/entry/{entry.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(Update.objects.filter(match=match).values_list("action", flat=True)) == ["publish", "delete"]


@pytest.mark.parametrize(
    "url",
    ["/admin/matches/match/", "/admin/commentary/entry/", "/admin/matches/player/", "/admin/matches/team/"],
)
def test_admin_lists_open_for_editors(client, editor, demo_match, url):
    client.force_login(editor)
    assert client.get(url, {"q": "Milan"}).status_code == 200


def test_admin_match_page_has_lineups_inline(client, editor, demo_match):
    client.force_login(editor)
    html = client.get(f"/admin/matches/match/{demo_match.pk}/change/").content.decode()
    assert "lineup-TOTAL_FORMS" in html


def test_an_entrys_match_cannot_be_changed_in_the_admin(client, editor, match):
    from tests.conftest import make_match

    other = make_match()
    entry = publish(match=match, text="Prima voce")
    client.force_login(editor)
    url = f"/admin/commentary/entry/{entry.pk}/change/"
    data = {"match": other.pk, "period": "pre_match", "minute": "", "added_minute": 0, "kind": "commentary"}
    # the other match's team is checked against the entry's own match: refused, nothing written
    refused = client.post(url, {**data, "team": other.home_team.pk, "text": "Voce spostata"})
    assert refused.status_code == 200 and "non gioca questa partita" in refused.content.decode()
    entry.refresh_from_db()
    assert entry.text == "Prima voce" and entry.team is None
    # the match field is read-only: the edit lands on the entry's own match, in its own log
    response = client.post(url, {**data, "team": "", "text": "Voce corretta"})
    assert response.status_code == 302, response.content.decode()[:2000]
    entry.refresh_from_db()
    assert entry.match == match and entry.text == "Voce corretta"
    assert not Update.objects.filter(match=other).exists()
    assert Update.objects.filter(match=match, action="edit").count() == 1
