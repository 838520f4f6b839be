"""A match told from its tabellino: the goals, cards, substitutions and shoot-out it reports, as the drafts
of the entries the desk would have written, in the match's time.

For a match not followed here (scheduled, no events) the whistles come too, so that publishing the drafts in
order plays the whole match to its final whistle; for a result recorded without them (finished, no clock
entries) only the events of the regular time fit. Events the tabellino gives no minute for are not placed on a
guessed minute: they are listed as left out.
"""

import re
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from commentary.models import Entry
from matches.models import Match, Team
from matches.presenters import minute_label
from matches.tabellino.parse import MISSED, SAVED
from matches.tabellino.resolve import ResolvedTabellino

from .drafts import EntryDraft
from .rules import time_key

Kind = Entry.Kind
Period = Entry.Period
SECOND_YELLOW_NOTE = re.compile(r"doppi[ao]|second yellow|two yellows|2[ªa°]?\s*amm", re.IGNORECASE)


@dataclass(frozen=True)
class Story:
    drafts: list[EntryDraft]  # to publish in this order
    left_out: list[str]  # what the tabellino says that cannot be placed (no minute), in words


def period_of(minute: int, added: int) -> str:
    """The period a minute as written belongs to: 45+2′ is the first half, 91′ and 105+1′ the first half of
    extra time."""
    for period, (start, end) in Match.PLAYING_PERIODS.items():
        if start < minute <= end or (minute == 0 and period == Period.FIRST_HALF):
            return period
    return Period.EXTRA_SECOND_HALF


def tabellino_story(*, match: Match, resolved: ResolvedTabellino, whistles: bool) -> Story:
    """The entries the tabellino tells, with the clock entries around them when `whistles` is set."""
    events: list[tuple[tuple, EntryDraft]] = []
    left_out: list[str] = []

    def add(draft: EntryDraft, minute: int | None, added: int, order: int) -> None:
        period = period_of(minute, added)
        draft = replace(draft, period=period, minute=minute, added_minute=added)
        events.append((time_key(period, minute, added, order), draft))

    order = 0
    for scorer in resolved.scorers:
        goal, player = scorer.goal, scorer.player.player
        kind = Kind.OWN_GOAL if goal.own_goal else Kind.PENALTY_GOAL if goal.penalty else Kind.GOAL
        draft = EntryDraft(kind=kind, team=player.team, player=player)
        if goal.minute is None:
            left_out.append(_("gol di %(player)s (senza minuto)") % {"player": scorer.player.written})
        else:
            add(draft, goal.minute, goal.added, order := order + 1)
    for side in resolved.teams:
        for sub in side.substitutions:
            draft = EntryDraft(
                kind=Kind.SUBSTITUTION, team=side.team, player=sub.off.player, player2=sub.on.player
            )
            if sub.minute is None:
                left_out.append(
                    _("cambio %(off)s → %(on)s (senza minuto)")
                    % {"off": sub.off.written, "on": sub.on.written}
                )
            else:
                add(draft, sub.minute, sub.added, order := order + 1)
    for cards, label in ((resolved.booked, _("ammonizione")), (resolved.sent_off, _("espulsione"))):
        for card in cards:
            player = card.player.player
            if cards is resolved.booked or SECOND_YELLOW_NOTE.search(card.card.player):
                kind = Kind.YELLOW_CARD  # a second one is published as a second yellow
            else:
                kind = Kind.RED_CARD
            if card.card.minute is None:
                left_out.append(
                    _("%(card)s di %(player)s (senza minuto)")
                    % {"card": label, "player": card.player.written}
                )
            else:
                draft = EntryDraft(kind=kind, team=player.team, player=player)
                add(draft, card.card.minute, card.card.added, order := order + 1)
    events.sort(key=lambda pair: pair[0])
    drafts = [draft for _key, draft in events]
    if whistles:
        drafts = _with_whistles(
            drafts, extra_time=resolved.tabellino.extra_time, shootout=bool(resolved.shootout)
        )
    drafts += [_kick(kick.team, kick.player.player, kick.kick.outcome) for kick in resolved.shootout]
    if whistles and resolved.shootout:
        drafts.append(EntryDraft(kind=Kind.FULL_TIME))
    return Story(drafts=drafts, left_out=left_out)


def _kick(team: Team, player, outcome: str) -> EntryDraft:
    kind = {SAVED: Kind.PENALTY_SAVED, MISSED: Kind.PENALTY_MISSED}.get(outcome, Kind.PENALTY_GOAL)
    return EntryDraft(kind=kind, period=Period.PENALTIES, team=team, player=player)


def _with_whistles(events: list[EntryDraft], *, extra_time: bool, shootout: bool) -> list[EntryDraft]:
    """The events with the kick-off, the breaks and the restarts between them; the whistle that ends a period
    gets its last minute and the stoppage time of its last event (the period lasted at least that long)."""
    extra_time = extra_time or any(
        d.period in (Period.EXTRA_FIRST_HALF, Period.EXTRA_SECOND_HALF) for d in events
    )
    periods = [Period.FIRST_HALF, Period.SECOND_HALF]
    ends = {Period.FIRST_HALF: Kind.HALF_TIME, Period.SECOND_HALF: Kind.FULL_TIME}
    starts = {Period.FIRST_HALF: Kind.KICK_OFF, Period.SECOND_HALF: Kind.SECOND_HALF}
    if extra_time:
        periods += [Period.EXTRA_FIRST_HALF, Period.EXTRA_SECOND_HALF]
        ends |= {Period.SECOND_HALF: Kind.EXTRA_TIME, Period.EXTRA_FIRST_HALF: Kind.EXTRA_HALF_TIME}
        ends[Period.EXTRA_SECOND_HALF] = Kind.FULL_TIME
        starts[Period.EXTRA_SECOND_HALF] = Kind.EXTRA_SECOND_HALF
    if shootout:
        ends[periods[-1]] = Kind.PENALTIES
    drafts = []
    for period in periods:
        if period in starts:
            drafts.append(EntryDraft(kind=starts[period]))
        inside = [d for d in events if d.period == period]
        drafts += inside
        end = Match.PLAYING_PERIODS[period][1]
        added = max((d.added_minute for d in inside if d.minute == end), default=0)
        drafts.append(EntryDraft(kind=ends[period], minute=end, added_minute=added))
    return drafts  # after a shoot-out the final whistle comes after the kicks


def describe(draft: EntryDraft) -> str:
    """ "Gol 23′ Messi": a draft in words, for the message that says which event was refused."""
    parts = [
        str(Kind(draft.kind).label),
        minute_label(draft.minute, draft.added_minute) if draft.minute is not None else "",
    ]
    parts += [str(p) for p in (draft.player, draft.player2) if p is not None]
    return " ".join(p for p in parts if p)
