from datetime import timedelta

import pytest
from django.utils import timezone

from matches.models import Match
from matches.squads import SQUADS_DIR, known_as, parse_squad


def test_parse_squad_reads_numbers_names_and_positions():
    squad = parse_squad((SQUADS_DIR / "milan.txt").read_text())
    leao = next(p for p in squad if p.shirt_number == 10)
    assert (leao.name, leao.position) == ("Rafael Leão", "FW")
    assert any(p.name == "Théo Hernández" for p in squad)
    assert len(squad) > 30


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("Rafael Leão", "Leão"),
        ("Marten de Roon", "De Roon"),
        ("Éderson", "Éderson"),
        ("Charles De Ketelaere", "De Ketelaere"),
    ],
)
def test_known_as_is_the_surname(name, short):
    assert known_as(name) == short


@pytest.mark.parametrize(
    ("status", "minutes", "expected"),
    [
        (Match.Status.FIRST_HALF, 0, (1, 0)),
        (Match.Status.FIRST_HALF, 22.5, (23, 0)),
        (Match.Status.FIRST_HALF, 46.2, (45, 2)),
        (Match.Status.SECOND_HALF, 0.5, (46, 0)),
        (Match.Status.SECOND_HALF, 47, (90, 3)),
        (Match.Status.HALF_TIME, 5, None),
    ],
)
def test_clock_counts_minutes_like_a_referee(status, minutes, expected):
    now = timezone.now()
    match = Match(status=status, period_started_at=now - timedelta(minutes=minutes))
    assert match.clock(now=now) == expected
