import pytest
from django.contrib.auth.models import Permission

from matches.models import LineupEntry, Match
from tests.matches.test_tabellino import SEED

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_match(demo_match) -> Match:
    return Match.objects.create(
        competition=demo_match.competition,
        home_team=demo_match.home_team,
        away_team=demo_match.away_team,
        kickoff=demo_match.kickoff,
    )


def url(match: Match) -> str:
    return f"/admin/matches/match/{match.pk}/tabellino/"


def test_match_change_page_links_to_the_paste_form(client, editor, fresh_match):
    client.force_login(editor)
    response = client.get(f"/admin/matches/match/{fresh_match.pk}/change/")
    assert response.status_code == 200
    assert f'href="{url(fresh_match)}"' in response.content.decode()
    assert "Incolla formazioni" in response.content.decode()


def test_editor_sees_the_text_box(client, editor, fresh_match):
    client.force_login(editor)
    response = client.get(url(fresh_match))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<textarea name="text"' in page
    assert "csrfmiddlewaretoken" in page
    assert 'name="confirm"' not in page


def test_preview_shows_the_matched_players_and_saves_nothing(client, editor, fresh_match):
    client.force_login(editor)
    response = client.post(url(fresh_match), {"text": SEED, "preview": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    for shown in ["Mike Maignan", "Théo Hernández", "Sead Kolašinac", "Rafael Tolói", "4-2-3-1", "Gasperini"]:
        assert shown in page
    assert "tabellino-problems" not in page
    assert 'name="confirm" value="Conferma e salva">' in page
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_confirm_saves_the_line_ups_and_goes_back_to_the_match(client, editor, fresh_match):
    client.force_login(editor)
    response = client.post(url(fresh_match), {"text": SEED, "confirm": "1"})
    assert response.status_code == 302
    assert response.url == f"/admin/matches/match/{fresh_match.pk}/change/"
    fresh_match.refresh_from_db()
    assert LineupEntry.objects.filter(match=fresh_match, role="starter").count() == 22
    assert LineupEntry.objects.filter(match=fresh_match, role="bench").count() == 8
    assert (fresh_match.home_formation, fresh_match.away_coach, fresh_match.referee) == (
        "4-2-3-1",
        "Gasperini",
        "Orsato",
    )
    page = client.get(response.url).content.decode()
    assert "salvati" in page


def test_problems_are_shown_and_confirm_is_disabled(client, editor, fresh_match):
    client.force_login(editor)
    response = client.post(url(fresh_match), {"text": SEED.replace("Giroud.", "Rossi."), "preview": "1"})
    page = response.content.decode()
    assert "tabellino-problems" in page
    assert "Milan – titolari: «Rossi» non trovato" in page
    assert 'name="confirm" value="Conferma e salva" disabled>' in page


def test_confirm_with_problems_saves_nothing(client, editor, fresh_match):
    client.force_login(editor)
    response = client.post(url(fresh_match), {"text": SEED.replace("Giroud.", "Rossi."), "confirm": "1"})
    assert response.status_code == 200
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_unparseable_text_is_a_field_error_and_saves_nothing(client, editor, fresh_match):
    client.force_login(editor)
    response = client.post(url(fresh_match), {"text": "Buonasera, oggi niente partita.", "confirm": "1"})
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [
        "Nessuna formazione trovata: attese due righe come 'Milan (4-2-3-1): Maignan; …'"
    ]
    assert "errorlist" in response.content.decode()
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_staff_without_change_permission_gets_403(client, django_user_model, fresh_match):
    viewer = django_user_model.objects.create_user("viewer", password="x-Secret-123", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_match"))
    client.force_login(viewer)
    assert client.get(url(fresh_match)).status_code == 403
    assert client.post(url(fresh_match), {"text": SEED, "confirm": "1"}).status_code == 403
    assert not LineupEntry.objects.filter(match=fresh_match).exists()


def test_anonymous_visitor_goes_to_the_login_page(client, fresh_match):
    response = client.post(url(fresh_match), {"text": SEED, "confirm": "1"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert not LineupEntry.objects.filter(match=fresh_match).exists()
