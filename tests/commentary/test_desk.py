"""The live desk through HTTP, as the browser's htmx calls it."""

import pytest
from django.urls import reverse

from commentary.domain import services
from commentary.models import Entry, Update
from matches.models import Match
from tests.conftest import play_to, player, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_client(client, editor):
    client.force_login(editor)
    return client


def desk_post(client, match, **data):
    return client.post(
        reverse("desk-publish", args=[match.pk]),
        {"kind": "commentary", "added_minute": 0, **data},
        HTTP_HX_REQUEST="true",
    )


def test_desk_shows_scoreboard_clock_and_feed(desk_client, demo_match):
    html = desk_client.get(reverse("desk", args=[demo_match.pk])).content.decode()
    assert 'id="scoreboard"' in html and 'id="feed"' in html and 'id="composer"' in html
    assert f'ws-connect="/ws/matches/{demo_match.pk}/?lang=it"' in html
    assert html.count('class="entry ') == demo_match.entries.count()


def test_clock_buttons_follow_the_status(desk_client, match):
    url = reverse("desk-clock", args=[match.pk])
    html = desk_client.get(reverse("desk", args=[match.pk])).content.decode()
    assert 'data-clock-kind="kick_off"' in html and 'data-clock-kind="half_time"' not in html
    html = desk_client.post(url, {"kind": "kick_off"}).content.decode()
    match.refresh_from_db()
    assert match.status == Match.Status.FIRST_HALF
    assert 'data-clock-kind="half_time"' in html and 'data-clock-kind="kick_off"' not in html
    html = desk_client.post(url, {"kind": "full_time"}).content.decode()
    assert 'class="errornote"' in html
    assert Match.objects.get(pk=match.pk).status == Match.Status.FIRST_HALF


def test_goal_by_shirt_number_moves_the_score(desk_client, editor, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    response = desk_post(desk_client, match, kind="goal", minute=3, team="home", player="10", text="Rete!")
    assert response.status_code == 200
    assert "composer__error" not in response.content.decode()
    goal = Entry.objects.get(kind="goal")
    assert goal.player == player(match.home_team, 10) and goal.author == editor
    match.refresh_from_db()
    assert match.home_score == 1


def test_player_found_by_a_few_letters_without_accents(desk_client, demo_match):
    live = Match.objects.create(
        competition=demo_match.competition,
        home_team=demo_match.home_team,
        away_team=demo_match.away_team,
        kickoff=demo_match.kickoff,
    )
    from matches.services import lineup_set

    for side in ("home", "away"):
        rows = demo_match.lineup.filter(team=getattr(demo_match, f"{side}_team"))
        lineup_set(
            match=live,
            team=getattr(demo_match, f"{side}_team"),
            starters=[r.player for r in rows if r.role == "starter"],
            bench=[r.player for r in rows if r.role == "bench"],
        )
    publish(match=live, kind=Entry.Kind.KICK_OFF)
    desk_post(desk_client, live, kind="yellow_card", minute=30, player="kolasinac")
    card = Entry.objects.get(match=live, kind="yellow_card")
    assert card.player.name == "Sead Kolašinac" and card.team == demo_match.away_team


def test_substitution_pickers_offer_bench_then_drop_who_went_off(desk_client, match):
    play_to(match, "second_half")
    html = desk_client.get(reverse("desk-state", args=[match.pk])).content.decode()
    bench = html[html.index('id="players-bench"') :]
    bench = bench[: bench.index("</datalist>")]
    assert "12 G12-" in bench and "10 G10-" not in bench
    desk_post(desk_client, match, kind="substitution", minute=60, team="home", player="9", player2="12")
    html = desk_client.get(reverse("desk-state", args=[match.pk])).content.decode()
    on_pitch = html[html.index('id="players-on-pitch"') :]
    on_pitch = on_pitch[: on_pitch.index("</datalist>")]
    home = match.home_team.short_name
    assert f"12 G12-{match.home_team.code} · {home}" in on_pitch
    assert f"9 G9-{match.home_team.code} · {home}" not in on_pitch


def test_errors_are_shown_next_to_the_field_and_nothing_is_saved(desk_client, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    html = desk_post(desk_client, match, kind="goal", minute=5, team="home", player="99").content.decode()
    assert 'id="id_player-error"' in html and "Nessun giocatore" in html
    html = desk_post(desk_client, match, kind="commentary", text="").content.decode()
    assert "Scrivi il testo" in html
    assert Entry.objects.count() == 1


def test_script_typed_by_an_editor_never_reaches_a_fan(desk_client, client, match):
    desk_post(desk_client, match, text='<script>alert("x")</script>Occhio <b>qui</b>')
    entry = Entry.objects.get()
    assert (
        "<script>" not in entry.text
        and "&lt;script&gt;" in entry.text
        and "<strong>qui</strong>" in entry.text
    )
    assert "<script>alert" not in Update.objects.get().html


def test_stale_edit_is_refused_with_a_clear_message(desk_client, editor, django_user_model, match):
    entry = publish(match=match, text="Prima versione")
    url = reverse("desk-entry-edit", args=[entry.pk])
    form = desk_client.get(url).content.decode()
    assert 'name="version" value="1"' in form
    other = django_user_model.objects.create_user("collega", password="x-Secret-456", is_staff=True)
    services.entry_update(entry=entry, editor=other, version=1, text="Versione del collega")
    response = desk_client.post(
        url, {"version": 1, "kind": "commentary", "added_minute": 0, "text": "La mia"}
    )
    assert "modificata da collega" in response.content.decode()
    assert Entry.objects.get(pk=entry.pk).text == "Versione del collega"
    ok = desk_client.post(url, {"version": 2, "kind": "commentary", "added_minute": 0, "text": "La mia, ora"})
    assert ok.status_code == 204 and ok["HX-Trigger"] == "entry-saved"
    entry.refresh_from_db()
    assert entry.text == "La mia, ora" and entry.edited_by == editor


def test_var_overturned_goal_stays_visible_and_the_score_drops(desk_client, match):
    publish(match=match, kind=Entry.Kind.KICK_OFF)
    goal = publish(
        match=match, kind="goal", minute=20, team=match.away_team, player=player(match.away_team, 9)
    )
    desk_client.post(reverse("desk-entry-overturn", args=[goal.pk]))
    match.refresh_from_db()
    goal.refresh_from_db()
    assert match.away_score == 0 and goal.overturned
    assert Entry.objects.filter(kind="var_check", var_outcome="goal_overturned").exists()


def test_pin_and_delete_from_the_desk(desk_client, match):
    first = publish(match=match, text="Uno")
    second = publish(match=match, text="Due")
    desk_client.post(reverse("desk-entry-pin", args=[first.pk]))
    desk_client.post(reverse("desk-entry-pin", args=[second.pk]))
    assert list(Entry.objects.filter(pinned=True)) == [second]
    answer = desk_client.post(reverse("desk-entry-delete", args=[first.pk])).content.decode()
    assert not Entry.objects.filter(pk=first.pk).exists()
    # kept, and offered back
    assert Entry.with_deleted.get(pk=first.pk).deleted_by is not None
    assert reverse("desk-entry-restore", args=[first.pk]) in answer
    restored = desk_client.post(reverse("desk-entry-restore", args=[first.pk])).content.decode()
    assert "Voce ripristinata" in restored
    assert Entry.objects.filter(pk=first.pk).exists()


def test_summary_written_on_the_desk_appears_on_the_match_page(desk_client, client, demo_match):
    desk_client.post(reverse("desk-summary", args=[demo_match.pk]), {"summary": "Pari giusto a San Siro."})
    html = client.get(reverse("match-detail", args=[demo_match.pk])).content.decode()
    assert "Pari giusto a San Siro." in html


DESK_URLS = [
    ("post", "desk-summary", "match"),
    ("get", "desk", "match"),
    ("post", "desk-publish", "match"),
    ("get", "desk-state", "match"),
    ("post", "desk-clock", "match"),
    ("post", "desk-stoppage", "match"),
    ("get", "desk-entry-edit", "entry"),
    ("post", "desk-entry-edit", "entry"),
    ("post", "desk-entry-delete", "entry"),
    ("post", "desk-entry-restore", "entry"),
    ("post", "desk-entry-pin", "entry"),
    ("post", "desk-entry-overturn", "entry"),
]


@pytest.mark.parametrize(("method", "name", "target"), DESK_URLS)
def test_desk_urls_refuse_anyone_but_editors(client, django_user_model, match, method, name, target):
    entry = publish(match=match, text="Voce")
    url = reverse(name, args=[match.pk if target == "match" else entry.pk])
    anonymous = getattr(client, method)(url, {"kind": "kick_off", "text": "x"})
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    fan = django_user_model.objects.create_user("tifoso", password="x-Secret-789")
    client.force_login(fan)
    assert getattr(client, method)(url, {"kind": "kick_off", "text": "x"}).status_code == 403
    staff = django_user_model.objects.create_user("staff", password="x-Secret-789", is_staff=True)
    client.force_login(staff)
    assert getattr(client, method)(url, {"kind": "kick_off", "text": "x"}).status_code == 403
    assert Entry.objects.count() == 1 and Match.objects.get(pk=match.pk).status == "scheduled"


# Desk safety -----------------------------------------------------------------------------------------


def test_the_kind_is_a_group_of_radio_buttons_never_a_select_that_types_ahead(desk_client, match):
    html = desk_client.get(reverse("desk", args=[match.pk])).content.decode()
    assert '<select name="kind"' not in html
    assert html.count('type="radio" name="kind"') == len(Entry.Kind.values) - 9  # no clock kinds, no stoppage
    assert 'type="radio" name="kind" value="commentary"' in html


def test_a_var_decision_in_the_composer_overturns_the_goal_it_names(desk_client, match):
    play_to(match, "second_half")
    home, away = match.home_team, match.away_team
    first = publish(
        match=match, kind="goal", minute=20, period="first_half", team=home, player=player(home, 9)
    )
    publish(match=match, kind="goal", minute=50, team=away, player=player(away, 10))
    html = desk_post(
        desk_client, match, kind="var_check", team="home", var_outcome="goal_overturned", overturns=first.pk
    ).content.decode()
    assert "composer__error" not in html, html
    first.refresh_from_db()
    match.refresh_from_db()
    assert first.overturned and (match.home_score, match.away_score) == (0, 1)
    assert Entry.objects.get(kind="var_check").overturns == first


def test_overturning_from_the_composer_needs_the_overturn_permission(client, django_user_model, match):
    from django.contrib.auth.models import Permission

    play_to(match, "first_half")
    goal = publish(
        match=match, kind="goal", minute=20, team=match.home_team, player=player(match.home_team, 9)
    )
    user = django_user_model.objects.create_user("stagista", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_entry"))
    client.force_login(user)
    html = desk_post(
        client, match, kind="var_check", team="home", var_outcome="goal_overturned"
    ).content.decode()
    assert "permesso" in html
    goal.refresh_from_db()
    match.refresh_from_db()
    assert not goal.overturned and match.home_score == 1


def test_a_refused_stale_edit_keeps_the_typed_text_and_shows_the_newer_version(
    desk_client, django_user_model, match
):
    entry = publish(match=match, text="Prima versione")
    other = django_user_model.objects.create_user("collega", password="x-Secret-456", is_staff=True)
    services.entry_update(entry=entry, editor=other, version=1, text="Versione del **collega**")
    url = reverse("desk-entry-edit", args=[entry.pk])
    html = desk_client.post(
        url, {"version": 1, "kind": "commentary", "added_minute": 0, "text": "Il mio testo lungo"}
    ).content.decode()
    assert "modificata da collega" in html
    assert "Il mio testo lungo</textarea>" in html  # what the editor typed, still there
    assert "data-newer-version" in html and "Versione del <strong>collega</strong>" in html
    assert 'name="version" value="2"' in html  # saving again replaces the newer version, knowingly


def test_an_unknown_name_gets_suggestions_not_a_guess(desk_client, match):
    play_to(match, "first_half")
    home = match.home_team
    home.players.filter(shirt_number=7).update(name="Christian Pulisic", known_as="Pulisic")
    html = desk_post(desk_client, match, kind="goal", team="home", player="Pulsic").content.decode()
    assert "forse 7 Pulisic · " in html
    assert not Entry.objects.filter(kind="goal").exists()


def test_the_edit_dialog_shows_the_editors_markup_not_html(desk_client, match):
    entry = publish(match=match, text="**Gol!** di *testa*, [il video](https://example.com/v)")
    html = desk_client.get(reverse("desk-entry-edit", args=[entry.pk])).content.decode()
    assert "**Gol!** di *testa*, [il video](https://example.com/v)</textarea>" in html
    assert "&lt;strong&gt;" not in html
    desk_client.post(
        reverse("desk-entry-edit", args=[entry.pk]),
        {
            "version": 1,
            "kind": "commentary",
            "added_minute": 0,
            "text": "**Gol!** di *testa*, [il video](https://example.com/v)",
        },
    )
    entry.refresh_from_db()
    assert entry.version == 1  # saved unchanged: nothing changed


def test_an_entry_is_edited_against_the_pitch_at_its_minute(desk_client, match):
    play_to(match, "second_half")
    home = match.home_team
    chance = publish(
        match=match, kind="chance", minute=20, period="first_half", team=home, player=player(home, 9)
    )
    publish(
        match=match,
        kind="substitution",
        minute=60,
        team=home,
        player=player(home, 9),
        player2=player(home, 12),
    )
    response = desk_client.post(
        reverse("desk-entry-edit", args=[chance.pk]),
        {
            "version": chance.version,
            "kind": "chance",
            "minute": 21,
            "added_minute": 0,
            "team": "home",
            "player": "9",
        },
    )
    assert response.status_code == 204, response.content.decode()
    chance.refresh_from_db()
    assert chance.minute == 21 and chance.player == player(home, 9)
