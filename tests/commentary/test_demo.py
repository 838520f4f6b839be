import pytest

from commentary.demo.loader import demo_entries, demo_load
from commentary.domain.selectors import feed_entries, match_facts
from commentary.models import Entry, Update
from matches.models import LineupEntry, Match, Player

pytestmark = pytest.mark.django_db


def test_demo_match_is_milan_atalanta_one_all(demo_match):
    assert str(demo_match) == "Milan – Atalanta"
    assert demo_match.status == Match.Status.FINISHED
    assert (demo_match.home_score, demo_match.away_score) == (1, 1)
    assert (demo_match.home_score_half_time, demo_match.away_score_half_time) == (1, 1)
    assert demo_match.referee == "Daniele Orsato"
    assert demo_match.matchday == 26
    assert (demo_match.home_formation, demo_match.away_formation) == ("4-2-3-1", "3-4-2-1")
    assert (demo_match.stoppage_first_half, demo_match.stoppage_second_half) == (3, 5)


def test_demo_scorers_bookings_and_substitutions(demo_match):
    facts = match_facts(match=demo_match, entries=feed_entries(match=demo_match))
    assert [(g.player.name, g.minute_label, g.kind) for g in facts.home.goals] == [
        ("Rafael Leão", "3′", "goal")
    ]
    assert [(g.player.name, g.minute_label, g.kind) for g in facts.away.goals] == [
        ("Teun Koopmeiners", "42′", "penalty_goal")
    ]
    booked = {c.player.name for c in facts.home.cards + facts.away.cards}
    assert booked == {"Marten de Roon", "Emil Holm", "Rafael Leão", "Ademola Lookman", "Éderson"}
    subs = {
        (s.player.name, s.player2.name, s.minute) for s in facts.home.substitutions + facts.away.substitutions
    }
    assert subs == {
        ("Alessandro Florenzi", "Davide Calabria", 57),
        ("Ismaël Bennacer", "Yunus Musah", 79),
        ("Christian Pulisic", "Noah Okafor", 88),
        ("Giorgio Scalvini", "Rafael Tolói", 89),
        ("Emil Holm", "Davide Zappacosta", 46),
        ("Matteo Ruggeri", "Isak Hien", 79),
        ("Aleksey Miranchuk", "Gianluca Scamacca", 63),
        ("Charles De Ketelaere", "Ademola Lookman", 46),
    }


def test_demo_has_the_chances_the_report_describes(demo_match):
    minutes = set(
        demo_match.entries.filter(kind__in=["chance", "save", "woodwork"]).values_list("minute", flat=True)
    )
    assert {12, 44, 61, 67, 77, 80} <= minutes
    var = demo_match.entries.get(kind="var_check")
    assert var.var_outcome == Entry.VarOutcome.PENALTY_AWARDED


def test_demo_commentary_is_italian_and_sized(demo_match):
    assert 30 <= demo_match.entries.count() <= 60
    assert len(demo_entries()) == demo_match.entries.count()
    assert all(e.text for e in demo_match.entries.all())


def test_demo_players_carry_squad_accents_and_numbers(demo_match):
    leao = Player.objects.get(name="Rafael Leão")
    assert (leao.shirt_number, leao.known_as, leao.team.short_name) == (10, "Leão", "Milan")
    assert LineupEntry.objects.filter(match=demo_match, role="starter").count() == 22
    assert Player.objects.get(name="Éderson").shirt_number == 13


def test_loading_the_demo_twice_changes_nothing(demo_match):
    counts = (
        Match.objects.count(),
        Entry.objects.count(),
        Update.objects.count(),
        Player.objects.count(),
        LineupEntry.objects.count(),
    )
    again = demo_load()
    assert again == demo_match
    assert counts == (
        Match.objects.count(),
        Entry.objects.count(),
        Update.objects.count(),
        Player.objects.count(),
        LineupEntry.objects.count(),
    )


def test_load_demo_command_creates_an_editor_once(db, capsys):
    from django.contrib.auth.models import User
    from django.core.management import call_command

    call_command("load_demo")
    first = capsys.readouterr().out
    call_command("load_demo")
    second = capsys.readouterr().out
    assert "password:" in first and "password:" not in second
    editor = User.objects.get(username="redazione")
    assert editor.is_staff and editor.has_perm("commentary.add_entry")
    assert "1–1" in second
