"""Play finished matches again as live ones, through the same services an editor uses.

One match (`replay_start` + `replay_run`), or its whole round (`round_start` + `play`): the match with its
commentary as written, and every other match of its matchday with its real half-time and full-time scores
but simulated minutes (our data has no goal minutes and no scorers): those replays are marked `simulated`
and every page that shows them says so.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.models import Entry
from matches.models import Match
from matches.services import match_copy_for_replay

Kind = Entry.Kind


@dataclass(frozen=True)
class Step:
    at: float  # seconds after the start of the replay
    match: Match
    draft: EntryDraft
    author: object = None


def replay_start(*, source: Match, speed: float = 1.0) -> tuple[Match, list[Entry]]:
    """Create the live copy; its kick-off is when the replayed kick-off entry will be published."""
    entries = list(source.entries.order_by("pk").select_related("team", "player", "player2", "author"))
    if not entries:
        raise ValueError(f"{source} has no commentary to replay")
    kick_off = next((e for e in entries if e.kind == Kind.KICK_OFF), entries[0])
    lead = (kick_off.created_at - entries[0].created_at) / speed
    match = match_copy_for_replay(source=source, kickoff=timezone.now() + lead, clock_speed=speed)
    return match, entries


def replay_steps(*, match: Match, entries: list[Entry], speed: float) -> list[Step]:
    """Each entry after the same pause as in the original, divided by `speed`."""
    first = entries[0].created_at
    return [
        Step((e.created_at - first) / timedelta(seconds=1) / speed, match, EntryDraft.of(e), e.author)
        for e in entries
    ]


def replay_run(
    *,
    match: Match,
    entries: list[Entry],
    speed: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    on_entry: Callable[[Entry], None] | None = None,
) -> None:
    play(replay_steps(match=match, entries=entries, speed=speed), sleep=sleep, on_entry=on_entry)


def play(
    steps: list[Step],
    *,
    sleep: Callable[[float], None] = time.sleep,
    on_entry: Callable[[Entry], None] | None = None,
) -> None:
    """Publish each step at its time (in order of time; steps at the same time in the order given)."""
    now = 0.0
    for step in sorted(steps, key=lambda s: s.at):
        sleep(max(0.0, step.at - now))
        now = max(now, step.at)
        entry = services.entry_publish(match=step.match, draft=step.draft, author=step.author)
        if on_entry:
            on_entry(entry)


# The whistles of a simulated match, and the words for them and for its goals (Italian, the desk's language)
WHISTLES = (
    (Kind.KICK_OFF, "Si parte."),
    (Kind.HALF_TIME, "Finisce il primo tempo."),
    (Kind.SECOND_HALF, "Comincia la ripresa."),
    (Kind.FULL_TIME, "Finisce qui."),
)
GOAL_TEXT = "Gol {team}. Risultato vero, minuto simulato: i nostri dati non dicono quando né chi ha segnato."


def round_start(*, source: Match, speed: float = 1.0, seed: int = 26) -> tuple[list[Match], list[Step]]:
    """The whole round of `source` played again from now: `source` with its commentary, every other finished
    match of its matchday with its real scores at simulated minutes, all kicking off with `source`. Each
    simulated match's goals fall at minutes drawn from `seed`, so a demo plays the same way every time."""
    live, entries = replay_start(source=source, speed=speed)
    steps = replay_steps(match=live, entries=entries, speed=speed)
    whistle_at = {s.draft.kind: s.at for s in steps if s.draft.kind in dict(WHISTLES)}
    first_half, second_half = whistle_at[Kind.KICK_OFF], whistle_at[Kind.SECOND_HALF]
    minute = 60 / speed  # seconds of replay per minute of match
    others = (
        Match.objects.round_of(source)
        .exclude(pk=source.pk)
        .filter(status=Match.Status.FINISHED, home_score__isnull=False, home_score_half_time__isnull=False)
        .select_related("home_team", "away_team")
        .order_by("kickoff", "pk")
    )
    chance = random.Random(seed)
    matches = [live]
    for other in others:
        match = match_copy_for_replay(source=other, kickoff=live.kickoff, clock_speed=speed)
        match.simulated = True
        match.save(update_fields=["simulated"])
        matches.append(match)
        for kind, text in WHISTLES:
            steps.append(Step(whistle_at[kind], match, EntryDraft(kind=kind, text=text)))
        halves = (
            (first_half, 1, other.home_score_half_time, other.away_score_half_time),
            (
                second_half,
                46,
                other.home_score - other.home_score_half_time,
                other.away_score - other.away_score_half_time,
            ),
        )
        for start, base, home, away in halves:
            scorers = [other.home_team] * home + [other.away_team] * away
            minutes = sorted(chance.sample(range(base + 1, base + 44), len(scorers)))
            chance.shuffle(scorers)
            for at_minute, team in zip(minutes, scorers, strict=True):
                draft = EntryDraft(
                    kind=Kind.GOAL, minute=at_minute, team=team, text=GOAL_TEXT.format(team=team.short_name)
                )
                steps.append(Step(start + (at_minute - base) * minute, match, draft))
    return matches, steps
