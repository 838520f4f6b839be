"""Reads: what the entries of a match add up to (score, scorers, bookings, who is on the pitch)."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Subquery
from django.db.models.functions import Coalesce

from commentary.models import Entry, Update
from matches.models import LineupEntry, Match

ENTRY_RELATED = ("team", "player", "player2", "author", "edited_by")


@dataclass
class Side:
    score: int = 0
    half_time_score: int = 0
    goals: list[Entry] = field(default_factory=list)  # goals counted for this side (own goals included)
    cards: list[Entry] = field(default_factory=list)
    substitutions: list[Entry] = field(default_factory=list)
    sent_off: list[Entry] = field(default_factory=list)
    kicks: list[Entry] = field(default_factory=list)  # its shoot-out kicks, in order
    shootout_score: int = 0


# A shoot-out is five kicks each, then sudden death: one each until one scores and the other does not.
SHOOTOUT_ROUNDS = 5


@dataclass
class MatchFacts:
    home: Side
    away: Side

    @property
    def sides(self):
        return {"home": self.home, "away": self.away}

    @property
    def shootout_winner(self) -> str | None:
        """ "home" or "away" once the shoot-out is decided, else None."""
        return shootout_winner(
            (len(self.home.kicks), self.home.shootout_score), (len(self.away.kicks), self.away.shootout_score)
        )

    def shootout_next(self) -> str | None:
        """Which side must kick next ("home"/"away"), None when either may (the toss decides who starts)."""
        home, away = len(self.home.kicks), len(self.away.kicks)
        if home == away:
            return None
        return "home" if home < away else "away"


def shootout_winner(home: tuple[int, int], away: tuple[int, int]) -> str | None:
    """The winner of a shoot-out from (kicks taken, scored) per side, or None while it is open."""
    (home_kicks, home_scored), (away_kicks, away_scored) = home, away
    if max(home_kicks, away_kicks) <= SHOOTOUT_ROUNDS:
        # the first five: decided once one side cannot be caught with the kicks the other has left
        if home_scored > away_scored + SHOOTOUT_ROUNDS - away_kicks:
            return "home"
        if away_scored > home_scored + SHOOTOUT_ROUNDS - home_kicks:
            return "away"
        return None
    if home_kicks == away_kicks and home_scored != away_scored:  # sudden death, after a pair of kicks
        return "home" if home_scored > away_scored else "away"
    return None


def match_facts(*, match: Match, entries: Iterable[Entry]) -> MatchFacts:
    """Fold a match's entries, in publication order, into the facts a scoreboard and a report show."""
    sides = {"home": Side(), "away": Side()}
    for entry in entries:
        if entry.team_id is None:
            continue
        own = sides[match.team_side(entry.team_id)]
        other = sides["away" if own is sides["home"] else "home"]
        if entry.is_shootout_kick:
            if not entry.overturned:  # a kick the VAR has retaken is not a kick
                own.kicks.append(entry)
                own.shootout_score += entry.kind == Entry.Kind.PENALTY_GOAL
        elif entry.kind in Entry.GOAL_KINDS and not entry.overturned:
            scoring = other if entry.kind == Entry.Kind.OWN_GOAL else own
            scoring.score += 1
            scoring.goals.append(entry)
            if entry.period == Entry.Period.FIRST_HALF:
                scoring.half_time_score += 1
        elif entry.kind in Entry.CARD_KINDS and not entry.overturned:
            own.cards.append(entry)
            if entry.kind in Entry.SENDING_OFF_KINDS:
                own.sent_off.append(entry)
        elif entry.kind == Entry.Kind.SUBSTITUTION:
            own.substitutions.append(entry)
    return MatchFacts(home=sides["home"], away=sides["away"])


def key_entries(*, match: Match) -> list[Entry]:
    return list(match.entries.filter(kind__in=Entry.KEY_KINDS).select_related(*ENTRY_RELATED))


def round_blog(*, matches) -> list[Entry]:
    """The lines of the blog of a round or any set of matches ("diretta gol"), newest first, each with its
    match (and teams) at hand."""
    entries = (
        Entry.objects.filter(match__in=matches, kind__in=Entry.ROUND_BLOG_KINDS)
        .select_related(*ENTRY_RELATED, "match__home_team", "match__away_team")
        .order_by("-created_at", "-pk")
    )
    lines = [entry for entry in entries if entry.on_round_blog]
    scores_then(lines[::-1])  # each line shows its match's score as it stood then
    return lines


def scores_then(entries: list[Entry]) -> list[Entry]:
    """Set `score_then` ("1–0") on each entry, oldest first, of one or several matches (each entry's `match`
    with its teams at hand): its match's score once that entry was published. An overturned goal never
    counted."""
    goals = defaultdict(lambda: defaultdict(int))
    for entry in entries:
        scored = goals[entry.match_id]
        if entry.is_goal and not entry.overturned:
            home = entry.match.home_team_id
            side = entry.team_id if entry.kind != Entry.Kind.OWN_GOAL else None
            if side is None:  # an own goal counts for the other side
                side = entry.match.away_team_id if entry.team_id == home else home
            scored[side] += 1
        entry.score_then = f"{scored[entry.match.home_team_id]}–{scored[entry.match.away_team_id]}"
    return entries


def feed_entries(*, match: Match, newest: int | None = None) -> list[Entry]:
    """The match's entries in order; with `newest`, only that many of the latest (still oldest first)."""
    entries = match.entries.select_related(*ENTRY_RELATED).prefetch_related("pictures")
    if newest is None:
        return list(entries)
    return list(entries.reverse()[:newest])[::-1]


def pinned_entry(*, match: Match) -> Entry | None:
    pinned = match.entries.filter(pinned=True).select_related(*ENTRY_RELATED)
    return pinned.prefetch_related("pictures").first()


def last_seq(*, match: Match) -> int:
    """The number of the match's last update (0 for none): the numbers are the update log's, nobody else's."""
    return Update.objects.filter(match=match).aggregate(seq=Max("seq"))["seq"] or 0


def last_seq_annotation():
    """last_seq for each match of a queryset in the same query: `.annotate(x=last_seq_annotation())`."""
    newest = Update.objects.filter(match=OuterRef("pk")).order_by("-seq").values("seq")[:1]
    return Coalesce(Subquery(newest), 0)


def lineups(*, match: Match) -> dict[str, dict[str, list[LineupEntry]]]:
    """Starters and bench per side, in the order of the team sheet."""
    result = {side: {"starters": [], "bench": []} for side in ("home", "away")}
    for row in match.lineup.select_related("player"):
        key = "starters" if row.role == LineupEntry.Role.STARTER else "bench"
        result[match.team_side(row.team_id)][key].append(row)
    return result


@dataclass
class Pitch:
    """Who is where now, from the team sheets and the entries. Empty sheets: nothing is known."""

    roles: dict[int, str]  # player id → starter/bench, for everyone on a team sheet
    on: set[int]  # on the pitch
    came_on: set[int]
    sent_off: set[int]

    def known(self, player_id: int) -> bool:
        return player_id in self.roles


def pitch(*, match: Match, entries: Iterable[Entry] | None = None) -> Pitch:
    roles = dict(match.lineup.values_list("player_id", "role"))
    facts = match_facts(match=match, entries=key_entries(match=match) if entries is None else entries)
    on = players_on_pitch(
        starters={p for p, r in roles.items() if r == LineupEntry.Role.STARTER}, facts=facts
    )
    came_on = {s.player2_id for side in facts.sides.values() for s in side.substitutions}
    sent_off = {c.player_id for side in facts.sides.values() for c in side.sent_off}
    return Pitch(roles=roles, on=on, came_on=came_on, sent_off=sent_off)


def players_on_pitch(*, starters: set[int], facts: MatchFacts) -> set[int]:
    """Player ids on the pitch now: the starters, plus who came on, less who went off or was sent off."""
    on = set(starters)
    for side in facts.sides.values():
        for sub in side.substitutions:
            on.discard(sub.player_id)
            if sub.player2_id:
                on.add(sub.player2_id)
        for card in side.sent_off:
            on.discard(card.player_id)
    return on
