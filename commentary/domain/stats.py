"""The match in numbers, derived from what the desk logged (commentary.models.Stat) and from the entries.

- shots: every shot logged (on target, off target, blocked) plus the goals (a goal is a shot on target
  whose position the desk may or may not have tapped: a tapped goal only places it on the shot map);
- shots on target: the shots logged on target plus the goals;
- saves: the other side's shots on target that were not goals;
- corners, fouls, offsides: counted as logged; yellow and red cards: from the entries;
- possession: the desk says who has the ball from a moment on; each side's share is the playing time
  (between kick-off and half-time, second half and full time, and the extra halves) it had it.
Own goals count for the side that benefits and are not shots; shoot-out kicks and overturned goals do not
count at all.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from commentary.models import CLOCK_KINDS, Entry, Stat
from matches.models import Match

Kind = Stat.Kind

# the whistles that start and stop the clock
STARTS = {Entry.Kind.KICK_OFF, Entry.Kind.SECOND_HALF, Entry.Kind.EXTRA_TIME, Entry.Kind.EXTRA_SECOND_HALF}
STOPS = {Entry.Kind.HALF_TIME, Entry.Kind.EXTRA_HALF_TIME, Entry.Kind.PENALTIES, Entry.Kind.FULL_TIME}


@dataclass
class Side:
    shots: int = 0
    on_target: int = 0
    blocked: int = 0
    saves: int = 0
    corners: int = 0
    fouls: int = 0
    offsides: int = 0
    yellow: int = 0
    red: int = 0
    possession: int | None = None  # percent, None until the desk says who has the ball


@dataclass
class MatchStats:
    home: Side = field(default_factory=Side)
    away: Side = field(default_factory=Side)
    shots: list[Stat] = field(default_factory=list)  # the shot map: every shot with a position

    @property
    def rows(self) -> list[tuple[str, int, int, int]]:
        """(label, home, away, home's share in percent) for the bars; possession first when known."""
        h, a = self.home, self.away
        rows = []
        if h.possession is not None:
            rows.append((_("Possesso palla %"), h.possession, a.possession))
        rows += [
            (_("Tiri"), h.shots, a.shots),
            (_("Tiri in porta"), h.on_target, a.on_target),
            (_("Tiri respinti"), h.blocked, a.blocked),
            (_("Parate"), h.saves, a.saves),
            (_("Calci d'angolo"), h.corners, a.corners),
            (_("Falli"), h.fouls, a.fouls),
            (_("Fuorigioco"), h.offsides, a.offsides),
            (_("Ammonizioni"), h.yellow, a.yellow),
            (_("Espulsioni"), h.red, a.red),
        ]
        return [(label, home, away, _share(home, away)) for label, home, away in rows]

    @property
    def any(self) -> bool:
        return any(value for _label, home, away, _share in self.rows for value in (home, away))


def _share(home: int, away: int) -> int:
    return 50 if home + away == 0 else round(100 * home / (home + away))


def match_stats(
    *,
    match: Match,
    stats: list[Stat] | None = None,
    entries: list[Entry] | None = None,
    now: datetime | None = None,
) -> MatchStats:
    """The numbers of `match`; `stats` and `entries` may be given (supersets of the ones needed, in order)."""
    stats = list(match.stats.order_by("pk")) if stats is None else stats
    if entries is None:
        kinds = (*Entry.GOAL_KINDS, *Entry.CARD_KINDS, *CLOCK_KINDS)
        entries = list(match.entries.filter(kind__in=kinds).order_by("pk"))
    result = MatchStats()
    side = {match.home_team_id: result.home, match.away_team_id: result.away}
    other = {match.home_team_id: result.away, match.away_team_id: result.home}
    for stat in stats:
        mine = side.get(stat.team_id)
        if mine is None:
            continue
        if stat.kind in (Kind.SHOT_ON, Kind.SHOT_OFF, Kind.SHOT_BLOCKED):
            mine.shots += 1
            if stat.kind == Kind.SHOT_ON:
                mine.on_target += 1
                other[stat.team_id].saves += 1
            elif stat.kind == Kind.SHOT_BLOCKED:
                mine.blocked += 1
        elif stat.kind == Kind.CORNER:
            mine.corners += 1
        elif stat.kind == Kind.FOUL:
            mine.fouls += 1
        elif stat.kind == Kind.OFFSIDE:
            mine.offsides += 1
        if stat.kind in Stat.SHOTS and stat.x is not None:
            # on the map the home side attacks to the right, the away side to the left
            stat.side = "home" if stat.team_id == match.home_team_id else "away"
            stat.map_x = stat.x if stat.side == "home" else 100 - stat.x
            stat.map_y = f"{stat.y * 0.64:.1f}"  # a string: an SVG length is never written "25,6"
            result.shots.append(stat)
    for entry in entries:
        mine = side.get(entry.team_id)
        if mine is None:
            continue
        if entry.is_goal and not entry.overturned and entry.kind != Entry.Kind.OWN_GOAL:
            mine.shots += 1
            mine.on_target += 1
        elif entry.kind == Entry.Kind.YELLOW_CARD:
            mine.yellow += 1
        elif entry.kind in Entry.SENDING_OFF_KINDS and not entry.overturned:
            mine.red += 1
    _possession(result, match, stats, entries, now or timezone.now())
    return result


def _possession(result: MatchStats, match: Match, stats: list[Stat], entries: list[Entry], now: datetime):
    """Each side's share of the playing time it had the ball, from the desk's possession marks."""
    playing, start = [], None
    for entry in entries:
        if entry.kind in STARTS and start is None:
            start = entry.created_at
        elif entry.kind in STOPS and start is not None:
            playing.append((start, entry.created_at))
            start = None
    if start is not None:
        playing.append((start, now))
    marks = [(s.created_at, s.team_id) for s in stats if s.kind == Kind.POSSESSION]
    if not marks or not playing:
        return
    held = {match.home_team_id: 0.0, match.away_team_id: 0.0}
    for (since, team), (until, _next) in zip(marks, [*marks[1:], (now, None)], strict=True):
        for begin, end in playing:
            overlap = (min(until, end) - max(since, begin)).total_seconds()
            if overlap > 0 and team in held:
                held[team] += overlap
    total = sum(held.values())
    if total <= 0:
        return
    result.home.possession = round(100 * held[match.home_team_id] / total)
    result.away.possession = 100 - result.home.possession
