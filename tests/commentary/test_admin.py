import pytest

from commentary.models import Entry, Update
from tests.conftest import player

pytestmark = pytest.mark.django_db


def test_entry_added_in_the_admin_goes_through_the_service(client, editor, match):
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
    entry = Entry.objects.get()
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
    from commentary import services

    entry = services.entry_publish(match=match, text="Da togliere")
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
