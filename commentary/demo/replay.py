"""Play a finished match again as a live one, through the same services an editor uses."""

import time
from collections.abc import Callable
from datetime import timedelta

from django.utils import timezone

from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.models import Entry
from matches.models import Match
from matches.services import match_copy_for_replay


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
        entry = services.entry_publish(match=match, draft=EntryDraft.of(original), author=original.author)
        if on_entry:
            on_entry(entry)
