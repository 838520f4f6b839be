"""What the match report draws: formations on a pitch, key events on a timeline, structured data."""

import html
import json
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from commentary.domain.selectors import MatchFacts
from commentary.models import Entry
from matches.models import LineupEntry, Match
from matches.presenters import result_line, teams_line


@dataclass
class PlacedPlayer:
    row: LineupEntry
    marks: list = field(default_factory=list)
    goalkeeper: bool = False


def formation_lines(formation: str) -> list[int]:
    """'4-2-3-1' → [4, 2, 3, 1]; anything that is not a formation of ten outfield players → []."""
    try:
        lines = [int(part) for part in formation.strip().split("-")]
    except ValueError:
        return []
    return lines if lines and sum(lines) == 10 and all(n > 0 for n in lines) else []


def place_players(
    *, formation: str, starters: list[LineupEntry], marks: dict[int, list]
) -> list[list[PlacedPlayer]]:
    """The XI as the pitch draws it, attacking upwards: one row per line, the forwards first and the
    goalkeeper last, each row from left to right (the page gives each player an equal share of the row).

    A team sheet lists the goalkeeper, then each line from defence to attack and from right to left as the
    team attacks (right-back first), so a line's first name is drawn on the right.
    """
    lines = formation_lines(formation)
    if not lines or len(starters) != 11:
        return []

    def placed(row: LineupEntry, goalkeeper: bool = False) -> PlacedPlayer:
        return PlacedPlayer(row, marks.get(row.player_id, []), goalkeeper)

    rows = [[placed(starters[0], goalkeeper=True)]]
    start = 1
    for count in lines:
        rows.append([placed(row) for row in reversed(starters[start : start + count])])
        start += count
    return rows[::-1]


TIMELINE_W, TIMELINE_MARGIN, ICON = 600, 14, 20


@dataclass
class TimelineEvent:
    entry: Entry
    side: str  # home / away
    x: float  # per cent of the axis
    icon: str
    level: int = 0  # events close together stack away from the axis

    @property
    def svg_x(self) -> float:
        return round(TIMELINE_MARGIN + self.x * (TIMELINE_W - 2 * TIMELINE_MARGIN) / 100 - ICON / 2, 1)

    @property
    def svg_y(self) -> float:
        # home above the axis (y 45), away below
        return (
            45 - ICON - 4 - self.level * (ICON + 2)
            if self.side == "home"
            else 45 + 4 + self.level * (ICON + 2)
        )


def timeline(*, match: Match, facts: MatchFacts) -> dict:
    """Key events along the match: 90 minutes (120 with extra time), stoppage time drawn after each half."""
    extra_time = match.extra_time or any(
        e.period in (Entry.Period.EXTRA_FIRST_HALF, Entry.Period.EXTRA_SECOND_HALF)
        for side in facts.sides.values()
        for e in side.goals + side.cards + side.substitutions
    )
    # each period gets its minutes plus its announced stoppage time on the axis
    periods = [(0, 45, match.stoppage_first_half or 0), (45, 90, match.stoppage_second_half or 0)]
    if extra_time:
        periods += [
            (90, 105, match.stoppage_extra_first_half or 0),
            (105, 120, match.stoppage_extra_second_half or 0),
        ]
    total = sum(end - start + stoppage for start, end, stoppage in periods)

    def position(entry: Entry) -> float:
        minute, added = entry.minute or 0, entry.added_minute or 0
        offset = 0
        for start, end, stoppage in periods:
            if minute <= end or (start, end) == periods[-1][:2]:
                at = offset + min(max(minute - start, 0), end - start) + min(added, stoppage or added)
                return round(100 * min(at, total) / total, 2)
            offset += end - start + stoppage
        return 100.0

    events = []
    for side_name, side in facts.sides.items():
        for entry in side.goals:
            # an own goal counts for the other side, but it is drawn where the score moved
            events.append(TimelineEvent(entry, side_name, position(entry), "ball"))
        for entry in side.cards:
            events.append(TimelineEvent(entry, side_name, position(entry), entry.icon))
        for entry in side.substitutions:
            events.append(TimelineEvent(entry, side_name, position(entry), "sub"))
    events.sort(key=lambda e: e.x)
    last_x: dict[tuple[str, int], float] = {}
    for event in events:
        level = 0
        while event.svg_x - last_x.get((event.side, level), -1e9) < ICON and level < 2:
            level += 1
        event.level = level
        last_x[(event.side, level)] = event.svg_x
    marks = []
    offset = 0
    usable = TIMELINE_W - 2 * TIMELINE_MARGIN
    for start, end, stoppage in periods:
        offset += end - start + stoppage
        marks.append({"label": f"{end}′", "svg_x": round(TIMELINE_MARGIN + usable * offset / total, 1)})
    return {"events": events, "marks": marks, "extra_time": extra_time, "width": TIMELINE_W}


EVENT_STATUS = {
    Match.Status.SCHEDULED: "https://schema.org/EventScheduled",
    Match.Status.POSTPONED: "https://schema.org/EventPostponed",
    Match.Status.ABANDONED: "https://schema.org/EventCancelled",
}


def json_ld(*, match: Match, facts: MatchFacts, entries: list[Entry], page_url: str, summary: str) -> str:
    """schema.org SportsEvent (with the result) and LiveBlogPosting (the commentary), for search engines."""
    home, away = match.home_team.name, match.away_team.name
    name = teams_line(match, full_names=True)
    event = {
        "@context": "https://schema.org",
        "@type": "SportsEvent",
        "name": name,
        "sport": "Football",
        "startDate": match.kickoff.isoformat(),
        "eventStatus": EVENT_STATUS.get(match.status, "https://schema.org/EventScheduled"),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": {"@type": "Place", "name": match.venue or name},
        "homeTeam": {"@type": "SportsTeam", "name": home},
        "awayTeam": {"@type": "SportsTeam", "name": away},
        "competitor": [{"@type": "SportsTeam", "name": home}, {"@type": "SportsTeam", "name": away}],
        "superEvent": {"@type": "SportsEvent", "name": str(match.competition)},
        "url": page_url,
    }
    if match.has_score:
        event["description"] = result_line(match, full_names=True)
    blog = {
        "@context": "https://schema.org",
        "@type": "LiveBlogPosting",
        "headline": summary,
        "url": page_url,
        "about": {"@type": "SportsEvent", "name": name, "startDate": match.kickoff.isoformat()},
        "coverageStartTime": (entries[0].created_at if entries else match.kickoff).isoformat(),
        "coverageEndTime": (entries[-1].created_at if entries else match.kickoff).isoformat(),
        "liveBlogUpdate": [
            {
                "@type": "BlogPosting",
                "headline": f"{e.minute_label} {e.get_kind_display()}".strip(),
                "datePublished": e.created_at.isoformat(),
                "articleBody": html.unescape(strip_tags(e.text)),
                "url": f"{page_url}#entry-{e.pk}",
            }
            for e in reversed(entries)
        ],
    }
    payload = json.dumps([event, blog], ensure_ascii=False)
    # same escaping as Django's json_script: nothing in the data can close the <script> element
    payload = payload.replace("<", "\\u003C").replace(">", "\\u003E").replace("&", "\\u0026")
    return mark_safe(payload)
