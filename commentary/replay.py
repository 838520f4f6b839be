"""Play a finished match again as a live one, through the same services an editor uses."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from matches.models import Match
from matches.services import match_copy_for_replay

from . import services
from .models import Entry


def replay_start(*, source: Match, speed: float = 1.0) -> tuple[Match, list[Entry]]:
    """Create the live copy; its kick-off is when the replayed kick-off entry will be published."""
    entries = list(source.entries.order_by("pk").select_related("team", "player", "player2", "author"))
    if not entries:
        raise ValueError(f"{source} has no commentary to replay")
    kick_off = next((e for e in entries if e.kind == Entry.Kind.KICK_OFF), entries[0])
    lead = (kick_off.created_at - entries[0].created_at) / speed
    match = match_copy_for_replay(source=source, kickoff=timezone.now() + lead, clock_speed=speed)
    return match, entries


def replay_run(
    *,
    match: Match,
    entries: list[Entry],
    speed: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    on_entry: Callable[[Entry], None] | None = None,
) -> None:
    """Publish each entry after the same pause as in the original, divided by `speed`."""
    previous = entries[0].created_at
    for original in entries:
        sleep(max(0.0, (original.created_at - previous) / timedelta(seconds=1) / speed))
        previous = original.created_at
        entry = services.entry_publish(
            match=match,
            kind=original.kind,
            text=original.text,
            minute=original.minute,
            added_minute=original.added_minute,
            period=original.period,
            team=original.team,
            player=original.player,
            player2=original.player2,
            var_outcome=original.var_outcome,
            stoppage_minutes=original.stoppage_minutes,
            author=original.author,
        )
        if on_entry:
            on_entry(entry)
