from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from commentary.demo.replay import replay_run, replay_start
from commentary.models import Entry
from matches.models import LineupEntry, Match

pytestmark = pytest.mark.django_db


def test_replay_plays_the_demo_again_as_a_live_match(demo_match):
    live, entries = replay_start(source=demo_match, speed=60)
    assert live.status == Match.Status.SCHEDULED and live.replay_of == demo_match
    assert (
        LineupEntry.objects.filter(match=live).count() == LineupEntry.objects.filter(match=demo_match).count()
    )
    pauses = []
    statuses = []
    replay_run(
        match=live,
        entries=entries,
        speed=60,
        sleep=pauses.append,
        on_entry=lambda e: statuses.append(Match.objects.get(pk=live.pk).status),
    )
    live.refresh_from_db()
    assert (live.status, live.home_score, live.away_score) == (Match.Status.FINISHED, 1, 1)
    assert Entry.objects.filter(match=live).count() == demo_match.entries.count()
    assert Match.Status.FIRST_HALF in statuses and Match.Status.SECOND_HALF in statuses
    # match time divided by 60: the whole evening (pre-match to post-match) in a couple of minutes
    span = (entries[-1].created_at - entries[0].created_at) / timedelta(seconds=1)
    assert sum(pauses) == pytest.approx(span / 60)
    assert all(p >= 0 for p in pauses)


def test_replayed_clock_runs_at_the_replay_speed(demo_match):
    live, entries = replay_start(source=demo_match, speed=30)
    kick_off = next(i for i, e in enumerate(entries) if e.kind == Entry.Kind.KICK_OFF)
    replay_run(match=live, entries=entries[: kick_off + 1], speed=30, sleep=lambda s: None)
    live.refresh_from_db()
    assert live.clock(now=live.period_started_at + timedelta(seconds=60)) == (31, 0)


def test_replay_command_refuses_a_match_that_is_not_finished(match):
    with pytest.raises(CommandError):
        call_command("replay_match", str(match.pk))


def test_replay_command_replaces_earlier_replays(demo_match, capsys):
    call_command("replay_match", "demo", "--speed", "100000")
    call_command("replay_match", "demo", "--speed", "100000", "--replace")
    assert demo_match.replays.count() == 1
    assert "finished" in capsys.readouterr().out
