"""A finished match recorded from one paste: `import_tabellino --with-events`."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from commentary.models import CLOCK_KINDS, Entry, Update
from matches.models import LineupEntry, Player
from tests.conftest import publish
from tests.matches.test_tabellino import SEED
from tests.worldcup import TABELLINO, final_2022

pytestmark = pytest.mark.django_db
Kind = Entry.Kind


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_tabellino", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def final_file(tmp_path):
    path = tmp_path / "finale.txt"
    path.write_text(TABELLINO, encoding="utf-8")
    return path


def test_json_prints_the_shoot_out_in_kick_order(final_file):
    match = final_2022(with_lineups=False)
    out, _ = run(match.pk, final_file, "--json")
    data = json.loads(out)
    assert data["shootout"][:3] == [
        {"team": "Francia", "player": "Mbappé", "scored": True, "outcome": "scored"},
        {"team": "Argentina", "player": "Messi", "scored": True, "outcome": "scored"},
        {"team": "Francia", "player": "Coman", "scored": False, "outcome": "saved"},
    ]
    assert [k["scored"] for k in data["shootout"]] == [True, True, False, True, False, True, True, True]
    assert data["extra_time"] is True
    assert data["teams"][0]["bench"] == ["Armani", "Rulli", "Foyth"]


def test_names_in_no_squad_are_offered_never_guessed(final_file):
    match = final_2022(with_lineups=False)
    with pytest.raises(CommandError) as error:
        run(match.pk, final_file, "--with-events")
    assert "«Armani» non trovato" in str(error.value)
    assert "--add-players" in str(error.value)
    assert not match.entries.exists() and not LineupEntry.objects.filter(match=match).exists()


def test_the_final_recorded_from_one_paste(final_file):
    match = final_2022(with_lineups=False)
    out, err = run(match.pk, final_file, "--with-events", "--add-players")
    match.refresh_from_db()
    assert "Aggiunto alla rosa di Argentina: Armani" in out
    assert Player.objects.filter(team=match.home_team, name="Rulli").exists()
    assert (match.status, match.extra_time) == ("finished", True)
    assert (match.home_score, match.away_score, match.home_penalties, match.away_penalties) == (3, 3, 4, 2)
    assert (match.home_score_half_time, match.away_score_half_time) == (2, 0)
    assert (match.home_coach, match.away_coach, match.referee) == ("Scaloni", "Deschamps", "Szymon Marciniak")
    goals = match.entries.filter(kind__in=Entry.GOAL_KINDS).exclude(period="penalties").order_by("pk")
    assert [(g.minute, g.player.known_as, g.period) for g in goals] == [
        (23, "Messi", "first_half"),
        (36, "Di María", "first_half"),
        (80, "Mbappé", "second_half"),
        (81, "Mbappé", "second_half"),
        (108, "Messi", "extra_second_half"),
        (118, "Mbappé", "extra_second_half"),
    ]
    kicks = match.entries.filter(period="penalties", kind__in=Entry.SHOOTOUT_KINDS).order_by("pk")
    assert [(k.team.code, k.player.known_as, k.kind) for k in kicks] == [
        ("FRA", "Mbappé", Kind.PENALTY_GOAL),
        ("ARG", "Messi", Kind.PENALTY_GOAL),
        ("FRA", "Coman", Kind.PENALTY_SAVED),
        ("ARG", "Dybala", Kind.PENALTY_GOAL),
        ("FRA", "Tchouaméni", Kind.PENALTY_MISSED),
        ("ARG", "Paredes", Kind.PENALTY_GOAL),
        ("FRA", "Kolo Muani", Kind.PENALTY_GOAL),
        ("ARG", "Montiel", Kind.PENALTY_GOAL),
    ]
    subs = match.entries.filter(kind=Kind.SUBSTITUTION)
    assert subs.count() == 12
    last = subs.order_by("-minute", "-added_minute").first()
    assert (last.minute, last.added_minute, last.player.known_as, last.player2.known_as) == (
        120,
        1,
        "Tagliafico",
        "Dybala",
    )
    bench = LineupEntry.objects.filter(match=match, team=match.home_team, role="bench").order_by("order")
    assert [row.player.name for row in bench][-3:] == [
        "Armani",
        "Rulli",
        "Foyth",
    ]  # unused, after who came on
    whistles = match.entries.filter(kind__in=CLOCK_KINDS).order_by("pk").values_list("kind", flat=True)
    assert list(whistles) == [
        "kick_off",
        "half_time",
        "second_half",
        "extra_time",
        "extra_half_time",
        "extra_second_half",
        "penalties",
        "full_time",
    ]
    assert err == ""  # nothing left out: every event had its minute


def test_a_second_paste_is_refused_and_changes_nothing(final_file):
    match = final_2022(with_lineups=False)
    run(match.pk, final_file, "--with-events", "--add-players")
    entries, updates = match.entries.count(), Update.objects.filter(match=match).count()
    with pytest.raises(CommandError, match="ha già 34 eventi"):
        run(match.pk, final_file, "--with-events")
    assert (match.entries.count(), Update.objects.filter(match=match).count()) == (entries, updates)


def test_a_refused_event_saves_nothing_and_says_which(final_file, tmp_path):
    match = final_2022(with_lineups=False)
    broken = tmp_path / "broken.txt"
    # Giroud takes France's first kick, but he went off at 41′
    broken.write_text(TABELLINO.replace("Mbappé (F) gol", "Giroud (F) gol"), encoding="utf-8")
    with pytest.raises(CommandError) as error:
        run(match.pk, broken, "--with-events", "--add-players")
    assert str(error.value) == "Gol su rigore Giroud: Giroud non è in campo."
    assert not match.entries.exists()
    assert not LineupEntry.objects.filter(match=match).exists()
    assert Update.objects.filter(match=match).count() == 0
    assert not Player.objects.filter(name="Armani").exists()  # the players it would have added too


def result_only(demo_match, home: int, away: int):
    """The seed's fixture as a result imported without its events (like the 2023/24 data)."""
    return demo_match.__class__.objects.create(
        competition=demo_match.competition,
        home_team=demo_match.home_team,
        away_team=demo_match.away_team,
        kickoff=demo_match.kickoff,
        status="finished",
        home_score=home,
        away_score=away,
    )


def test_a_stored_result_must_match_the_goals(demo_match, tmp_path):
    """The seed match as a result already imported (2023/24 data): the paste adds its events to it."""
    match = result_only(demo_match, 1, 1)
    text = SEED.replace("Ammoniti:", "Ammoniti: 30′ Ederson,").replace(", Lookman ed Ederson", " e Lookman")
    path = tmp_path / "seed.txt"
    path.write_text(text, encoding="utf-8")
    out, err = run(match.pk, path, "--with-events")
    match.refresh_from_db()
    assert (match.status, match.home_score, match.away_score) == ("finished", 1, 1)
    assert match.entries.filter(kind=Kind.YELLOW_CARD, minute=30).get().player.name == "Éderson"
    assert "Non registrato: ammonizione di De Roon (senza minuto)" in err
    assert not match.entries.filter(kind__in=["kick_off", "full_time"]).exists()

    wrong = result_only(demo_match, 2, 1)
    with pytest.raises(CommandError, match="I gol del tabellino fanno 1–1, il risultato registrato è 2–1"):
        run(wrong.pk, path, "--with-events")
    wrong.refresh_from_db()
    assert (wrong.home_score, wrong.away_score) == (2, 1) and not wrong.entries.exists()


def test_a_live_match_takes_no_events(final_file):
    match = final_2022()
    publish(match=match, kind="kick_off")
    with pytest.raises(CommandError, match="ha già 1 eventi"):
        run(match.pk, final_file, "--with-events", "--add-players")


# --- The same from the desk ---------------------------------------------------------------------------------


@pytest.fixture
def editor_client(client, django_user_model):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user("giulia", password="x-Secret-123", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client.force_login(user)
    return client


def test_the_desk_previews_then_records_the_final(editor_client):
    match = final_2022(with_lineups=False)
    url = f"/admin/desk/{match.pk}/tabellino/"
    assert "Incolla il tabellino" in editor_client.get(f"/admin/desk/{match.pk}/").text
    preview = editor_client.post(url, {"text": TABELLINO, "with_events": "on", "preview": "1"})
    assert preview.status_code == 200
    assert "«Armani» non trovato" in preview.text and "Aggiungi alla rosa" in preview.text
    assert 'id="tabellino-shootout"' in preview.text and "Mbappé" in preview.text
    assert not match.entries.exists()  # a preview saves nothing

    refused = editor_client.post(url, {"text": TABELLINO, "with_events": "on", "confirm": "1"})
    assert refused.status_code == 200
    assert "Niente salvato, nomi da sistemare" in refused.text
    assert "Sequenza dei rigori: Mbappé (F) gol" in refused.text  # the pasted text is still in the box

    saved = editor_client.post(
        url, {"text": TABELLINO, "with_events": "on", "add_players": "on", "confirm": "1"}
    )
    assert saved.status_code == 302 and saved.url == f"/admin/desk/{match.pk}/"
    match.refresh_from_db()
    assert (match.status, match.home_score, match.away_score, match.home_penalties, match.away_penalties) == (
        "finished",
        3,
        3,
        4,
        2,
    )
    desk = editor_client.get(saved.url).text
    assert "Tabellino salvato." in desk


def test_recording_events_from_the_desk_needs_the_clock_permission(client, django_user_model):
    from django.contrib.auth.models import Permission

    match = final_2022()
    user = django_user_model.objects.create_user("marco", password="x-Secret-123", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(codename__in=["change_match", "add_entry"]))
    client.force_login(user)
    response = client.post(
        f"/admin/desk/{match.pk}/tabellino/", {"text": TABELLINO, "with_events": "on", "confirm": "1"}
    )
    assert "Registrare gli eventi richiede i permessi del desk e del cronometro." in response.text
    assert not match.entries.exists()
