"""The API's shapes: each response is one of these schemas, filled from the models they read.

They are what serialises (the views return model objects and the schemas pick their fields) and what
/api/openapi.json is generated from, so the document cannot drift from the responses. Every property is
always present (null when there is nothing to say), so every one is required.
"""

from datetime import datetime
from typing import Annotated, Any, Literal

from django.utils.timezone import localtime
from ninja import Field, Schema
from pydantic import PlainSerializer, WithJsonSchema

from commentary.domain.presenters import goal_note
from commentary.models import Entry as EntryModel
from commentary.models import Update as UpdateModel
from matches.models import Match as MatchModel
from matches.models import Player as PlayerModel
from matches.presenters import half_time_score, score_line

# Values -----------------------------------------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    """ISO 8601 / RFC 3339, in the site's time zone, to the second."""
    return localtime(value).isoformat(timespec="seconds") if value else None


LocalTime = Annotated[
    datetime,
    PlainSerializer(_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def _choices(values) -> Any:
    return Literal[tuple(values)]  # type: ignore[valid-type]


Period = _choices(EntryModel.Period.values)
MatchStatus = _choices(MatchModel.Status.values)


class Error(Schema):
    error: str


class Competition(Schema):
    id: int
    name: str
    season: str


class Team(Schema):
    id: int
    name: str
    short_name: str
    code: str


class Player(Schema):
    id: int
    name: str
    display_name: str = Field(description="As in the commentary.")


class Pair(Schema):
    """A number for each side (a score at the break, a shoot-out, an aggregate)."""

    home: int
    away: int


class Score(Schema):
    home: int
    away: int
    half_time: Pair | None = Field(description="Null until the first half is over.")
    extra_time: bool = Field(description="The match went to extra time (the score includes its goals).")
    penalties: Pair | None = Field(
        description="The shoot-out's score, apart from the match's (null without one)."
    )
    aggregate: Pair | None = Field(
        description="A second leg's goals over both legs, in this match's home/away order (else null)."
    )
    line: str = Field(description='The score as the pages say it: "1–1", "3–3 d.t.s., 4–2 d.c.r.".')


def _request(context) -> Any:
    return context["request"]


class Match(Schema):
    id: int
    competition: Competition
    matchday: int | None
    round_name: str = Field(description='For cup rounds ("Semifinale"); empty in a league.')
    kickoff: LocalTime
    venue: str
    referee: str
    status: MatchStatus
    status_label: str
    minute_label: str = Field(description='The clock ("67′", "45+2′") while the ball is rolling, else empty.')
    home_team: Team
    away_team: Team
    score: Score | None
    url: str = Field(json_schema_extra={"format": "uri"}, description="The match page.")
    last_seq: int = Field(
        description="The number of the match's last update (0 for none): the websocket's numbering."
    )

    @staticmethod
    def resolve_status_label(match: MatchModel) -> str:
        return match.get_status_display()

    @staticmethod
    def resolve_score(match: MatchModel) -> dict | None:
        if not match.has_score:
            return None
        half_time, aggregate = half_time_score(match), match.aggregate()
        return {
            "home": match.home_score,
            "away": match.away_score,
            "half_time": {"home": half_time[0], "away": half_time[1]} if half_time else None,
            "extra_time": match.extra_time,
            "penalties": (
                {"home": match.home_penalties, "away": match.away_penalties} if match.has_shootout else None
            ),
            "aggregate": {"home": aggregate[0], "away": aggregate[1]} if aggregate else None,
            "line": score_line(match),
        }

    @staticmethod
    def resolve_url(match: MatchModel, context) -> str:
        return _request(context).build_absolute_uri(match.get_absolute_url())

    @staticmethod
    def resolve_last_seq(match: MatchModel) -> int:
        return match.api_last_seq  # annotated or set by the view: one query for a whole page


class MatchList(Schema):
    count: int = Field(description="Matches of the whole list, not of this page.")
    limit: int
    offset: int
    next: str | None = Field(json_schema_extra={"format": "uri"})
    previous: str | None = Field(json_schema_extra={"format": "uri"})
    results: list[Match]


# One match --------------------------------------------------------------------------------------------


class SideTexts(Schema):
    home: str
    away: str


class StoppageTime(Schema):
    """Announced stoppage minutes per period."""

    first_half: int | None
    second_half: int | None
    extra_first_half: int | None
    extra_second_half: int | None


class LineupPlayer(Schema):
    id: int
    name: str
    display_name: str
    shirt_number: int | None
    position: _choices(["", *PlayerModel.Position.values]) = Field(description="Empty when not known.")

    @staticmethod
    def resolve_id(row) -> int:
        return row.player.pk

    @staticmethod
    def resolve_name(row) -> str:
        return row.player.name

    @staticmethod
    def resolve_display_name(row) -> str:
        return row.player.display_name

    @staticmethod
    def resolve_shirt_number(row) -> int | None:
        return row.player.shirt_number

    @staticmethod
    def resolve_position(row) -> str:
        return row.player.position


class Lineup(Schema):
    """In the order of the team sheet; the starters from the goalkeeper forward."""

    starters: list[LineupPlayer]
    bench: list[LineupPlayer]


class Lineups(Schema):
    home: Lineup
    away: Lineup


class Event(Schema):
    """A key entry folded into the match: where it happened."""

    entry_id: int
    period: Period
    minute: int | None
    added_minute: int
    minute_label: str

    @staticmethod
    def resolve_entry_id(entry: EntryModel) -> int:
        return entry.pk


class Scorer(Event):
    player: Player
    penalty: bool
    own_goal: bool = Field(description="Listed under the side it counts for.")
    note: str = Field(description='"rig." (penalty), "aut." (own goal) or empty.')

    @staticmethod
    def resolve_penalty(goal: EntryModel) -> bool:
        return goal.kind == EntryModel.Kind.PENALTY_GOAL

    @staticmethod
    def resolve_own_goal(goal: EntryModel) -> bool:
        return goal.kind == EntryModel.Kind.OWN_GOAL

    @staticmethod
    def resolve_note(goal: EntryModel) -> str:
        return goal_note(goal)


class Booking(Event):
    player: Player
    kind: _choices(EntryModel.CARD_KINDS)  # type: ignore[valid-type]
    kind_label: str
    sending_off: bool

    @staticmethod
    def resolve_kind_label(card: EntryModel) -> str:
        return card.get_kind_display()

    @staticmethod
    def resolve_sending_off(card: EntryModel) -> bool:
        return card.kind in EntryModel.SENDING_OFF_KINDS


class Substitution(Event):
    player_off: Player
    player_on: Player | None

    @staticmethod
    def resolve_player_off(sub: EntryModel) -> PlayerModel:
        return sub.player

    @staticmethod
    def resolve_player_on(sub: EntryModel) -> PlayerModel | None:
        return sub.player2


class Scorers(Schema):
    home: list[Scorer]
    away: list[Scorer]


class Bookings(Schema):
    home: list[Booking]
    away: list[Booking]


class Substitutions(Schema):
    home: list[Substitution]
    away: list[Substitution]


class Kick(Schema):
    player: Player | None
    scored: bool
    outcome: Literal["scored", "saved", "missed"]

    @staticmethod
    def resolve_scored(kick: EntryModel) -> bool:
        return kick.kind == EntryModel.Kind.PENALTY_GOAL

    @staticmethod
    def resolve_outcome(kick: EntryModel) -> str:
        return KICK_OUTCOMES[kick.kind]


KICK_OUTCOMES = {
    EntryModel.Kind.PENALTY_GOAL: "scored",
    EntryModel.Kind.PENALTY_SAVED: "saved",
    EntryModel.Kind.PENALTY_MISSED: "missed",
}


class Shootout(Schema):
    home: list[Kick]
    away: list[Kick]


def _per_side(match: MatchModel, attribute: str) -> dict:
    return {key: getattr(side, attribute) for key, side in match.api_facts.sides.items()}


class TeamStats(Schema):
    shots: int = Field(description="Shots logged by the desk, and the goals.")
    on_target: int
    blocked: int
    saves: int = Field(description="The other side's shots on target that were not goals.")
    corners: int
    fouls: int
    offsides: int
    yellow: int
    red: int
    possession: int | None = Field(
        description="Percent of the playing time with the ball; null if not logged."
    )


class Stats(Schema):
    home: TeamStats
    away: TeamStats
    shots: list[dict] = Field(
        description='The shot map: {"team", "kind", "x", "y", "entry"}, x towards the goal aimed at (0–100), '
        "y across the pitch (0–100), entry: the goal's entry id for a goal."
    )


class MatchDetail(Match):
    """Scorers, bookings and substitutions are folded from the entries, in publication order; goals and
    cards overturned by the VAR are left out."""

    formations: SideTexts
    coaches: SideTexts
    stoppage_time: StoppageTime
    summary: str
    lineups: Lineups
    scorers: Scorers
    bookings: Bookings
    substitutions: Substitutions
    shootout: Shootout = Field(description="Each side's kicks in the order taken (empty without one).")
    stats: Stats = Field(description="Team statistics derived from what the desk logged (docs/PROTOCOL.md).")

    @staticmethod
    def resolve_stats(match: MatchModel) -> dict:
        numbers = match.api_stats
        shots = [
            {"team": s.team_id, "kind": s.kind, "x": s.x, "y": s.y, "entry": s.entry_id}
            for s in numbers.shots
        ]
        return {"home": vars(numbers.home), "away": vars(numbers.away), "shots": shots}

    @staticmethod
    def resolve_formations(match: MatchModel) -> dict:
        return {"home": match.home_formation, "away": match.away_formation}

    @staticmethod
    def resolve_coaches(match: MatchModel) -> dict:
        return {"home": match.home_coach, "away": match.away_coach}

    @staticmethod
    def resolve_stoppage_time(match: MatchModel) -> dict:
        return {
            "first_half": match.stoppage_first_half,
            "second_half": match.stoppage_second_half,
            "extra_first_half": match.stoppage_extra_first_half,
            "extra_second_half": match.stoppage_extra_second_half,
        }

    @staticmethod
    def resolve_lineups(match: MatchModel) -> dict:
        return match.api_lineups

    @staticmethod
    def resolve_scorers(match: MatchModel) -> dict:
        return _per_side(match, "goals")

    @staticmethod
    def resolve_bookings(match: MatchModel) -> dict:
        return _per_side(match, "cards")

    @staticmethod
    def resolve_substitutions(match: MatchModel) -> dict:
        return _per_side(match, "substitutions")

    @staticmethod
    def resolve_shootout(match: MatchModel) -> dict:
        return _per_side(match, "kicks")


# The live blog ----------------------------------------------------------------------------------------


class Picture(Schema):
    src: str = Field(description="The widest variant (WebP), under the site's /media/ or its object store.")
    srcset: str = Field(description="Every variant with its width, as an <img srcset> takes it.")
    width: int
    height: int
    alt: str = Field(description="What the picture shows, for those who cannot see it.")
    caption: str
    credit: str


class Entry(Schema):
    id: int
    seq: int | None = Field(description="The number of the entry's last update.")
    period: Period
    minute: int | None
    added_minute: int
    minute_label: str = Field(description='"45+3′"; empty without a minute.')
    kind: _choices(EntryModel.Kind.values)  # type: ignore[valid-type]
    kind_label: str
    key: bool = Field(description="A key event: goal, card, substitution, penalty, VAR.")
    team: int | None = Field(description="The team's id.")
    player: Player | None
    player2: Player | None = Field(
        description="Who comes on in a substitution; the assist of a goal; the shooter a keeper denied."
    )
    var_outcome: _choices(EntryModel.VarOutcome.values)  # type: ignore[valid-type]
    overturned: bool
    stoppage_minutes: int | None
    text_html: str = Field(description="Sanitised HTML: only <b>, <strong>, <i>, <em>, <a href>, <br>.")
    pinned: bool
    created_at: LocalTime
    edited_at: LocalTime | None
    url: str = Field(json_schema_extra={"format": "uri"}, description="The entry on the match page.")
    pictures: list[Picture] = Field(description="Its photos, in order (re-encoded: no EXIF).")

    @staticmethod
    def resolve_pictures(entry: EntryModel) -> list:
        return list(entry.pictures.all())

    @staticmethod
    def resolve_seq(entry: EntryModel) -> int | None:
        return entry.api_seq  # set by the view, from one query over the update log

    @staticmethod
    def resolve_kind_label(entry: EntryModel) -> str:
        return entry.get_kind_display()

    @staticmethod
    def resolve_key(entry: EntryModel) -> bool:
        return entry.is_key

    @staticmethod
    def resolve_team(entry: EntryModel) -> int | None:
        return entry.team_id

    @staticmethod
    def resolve_text_html(entry: EntryModel) -> str:
        return entry.text

    @staticmethod
    def resolve_url(entry: EntryModel, context) -> str:
        page = _request(context).build_absolute_uri(entry.match.get_absolute_url())
        return f"{page}#entry-{entry.pk}"


class Update(Schema):
    seq: int
    action: _choices(UpdateModel.Action.values)  # type: ignore[valid-type]
    entry_id: int | None
    entry: Entry | None = Field(
        description="The entry as it is now; null for delete and status updates, and when the entry has "
        "been deleted since."
    )


class Entries(Schema):
    """Without `since`: every current entry, in publication order (oldest first)."""

    match: int
    last_seq: int
    entries: list[Entry]


class EntryUpdates(Schema):
    """With `since`: exactly the updates numbered after it, in order."""

    match: int
    last_seq: int
    updates: list[Update]


# Standings --------------------------------------------------------------------------------------------


class StandingRow(Schema):
    position: int
    team: Team
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    goal_difference: int
    points: int


class Standings(Schema):
    competition: Competition
    matchday: int | None
    rows: list[StandingRow]
