"""League tables computed from the stored results.

One query fetches every match of the competition (`values()`), one the teams; the rest is Python. Replays
(`Match.replay_of`) are copies of a match played again for show and never count; in a league
(`Competition.matchdays`) nor does a match outside its matchdays (a friendly, a test). Only FINISHED matches
with a stored score count: 3 points a win, 1 a draw.

Order (Serie A 2023/24, as far as our data allows): points; among teams level on points, the points and then
the goal difference of the matches between them (the "classifica avulsa", computed once over the whole group);
then overall goal difference; goals scored. Serie A then draws lots (or, for the title and relegation, plays a
decider): we stand in for the draw with the team's name, alphabetically, so the order is stable.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from .models import Competition, Match, Team, in_a_round
from .names import fold

WIN, DRAW = 3, 1


@dataclass(frozen=True)
class StandingRow:
    position: int
    team: Team
    played: int
    won: int
    drawn: int
    lost: int
    goals_for: int
    goals_against: int
    points: int

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against


@dataclass
class _Tally:
    played: int = 0
    won: int = 0
    drawn: int = 0
    lost: int = 0
    goals_for: int = 0
    goals_against: int = 0

    @property
    def points(self) -> int:
        return WIN * self.won + DRAW * self.drawn

    @property
    def goal_difference(self) -> int:
        return self.goals_for - self.goals_against

    def add(self, scored: int, conceded: int) -> None:
        self.played += 1
        self.goals_for += scored
        self.goals_against += conceded
        if scored > conceded:
            self.won += 1
        elif scored == conceded:
            self.drawn += 1
        else:
            self.lost += 1


def _season(
    *,
    competition: Competition,
    until_matchday: int | None = None,
    until: datetime | None = None,
    after_match: Match | None = None,
) -> tuple[set[int], list[tuple[int, int, int, int]]]:
    """The league's teams and the results that count, (home, away, home score, away score).

    - `until_matchday=N`: as it stood at the end of matchday N: the matches of matchdays up to N played by
      then. The end of matchday N is its last kick-off before matchday N+1 begins, so that an earlier
      matchday's match postponed to a later date (Inter–Atalanta of matchday 21, played on 28 February 2024)
      counts only once played, and a match of matchday N postponed beyond matchday N+1 does not count yet.
      For the last matchday there is no N+1: every match counts.
    - `until=datetime`: the matches kicked off up to then.
    - `after_match=match`: as it stood after that match: every match kicked off no later than it (those
      kicked off at the same time included). A replay stands for the match it replays.
    The filters combine.
    """
    rows = list(
        Match.objects.filter(competition=competition, replay_of__isnull=True).values_list(
            "home_team_id", "away_team_id", "home_score", "away_score", "status", "matchday", "kickoff"
        )
    )
    limit = until
    if after_match is not None:
        if after_match.competition_id != competition.pk:
            raise ValueError("after_match belongs to another competition")
        kickoff = after_match.kickoff
        if after_match.replay_of_id is not None:
            kickoff = Match.objects.values_list("kickoff", flat=True).get(pk=after_match.replay_of_id)
        limit = kickoff if limit is None else min(limit, kickoff)
    cutoff = _matchday_end(rows, until_matchday) if until_matchday is not None else None

    def counts(matchday, kickoff) -> bool:
        if not in_a_round(matchday, competition.matchdays):
            return False
        if until_matchday is not None:
            if matchday is None or matchday > until_matchday:
                return False
            if cutoff is not None and kickoff > cutoff:
                return False
        return limit is None or kickoff <= limit

    results = [
        (home, away, home_score, away_score)
        for home, away, home_score, away_score, status, matchday, kickoff in rows
        if status == Match.Status.FINISHED
        and home_score is not None
        and away_score is not None
        and counts(matchday, kickoff)
    ]
    teams = {
        team
        for home, away, *_, matchday, _kickoff in rows
        # a team seen only in a friendly or a test match is not in the league
        if in_a_round(matchday, competition.matchdays)
        for team in (home, away)
    }
    return teams, results


def standings_table(**when) -> list[StandingRow]:
    """The table of `competition`, every team that has a match in it included (0 played if need be); the
    arguments are _season's."""
    return _ranked(*_season(**when))


def _ranked(team_ids: set[int], results: list[tuple[int, int, int, int]]) -> list[StandingRow]:
    """The rows, in order: every result added up, then ranked."""
    tallies = {team_id: _Tally() for team_id in team_ids}
    for home, away, home_score, away_score in results:
        tallies[home].add(home_score, away_score)
        tallies[away].add(away_score, home_score)
    teams = Team.objects.in_bulk(tallies)
    head_to_head = _head_to_head(tallies, results)

    def order(team_id: int):
        tally, (h2h_points, h2h_difference) = tallies[team_id], head_to_head[team_id]
        return (
            -tally.points,
            -h2h_points,
            -h2h_difference,
            -tally.goal_difference,
            -tally.goals_for,
            fold(teams[team_id].name),
            team_id,
        )

    return [
        StandingRow(
            position=position,
            team=teams[team_id],
            played=tallies[team_id].played,
            won=tallies[team_id].won,
            drawn=tallies[team_id].drawn,
            lost=tallies[team_id].lost,
            goals_for=tallies[team_id].goals_for,
            goals_against=tallies[team_id].goals_against,
            points=tallies[team_id].points,
        )
        for position, team_id in enumerate(sorted(tallies, key=order), 1)
    ]


@dataclass(frozen=True)
class LiveRow:
    """A row of the table "if it ended like this": the row, how many places it moved, whether the team is
    playing right now."""

    row: StandingRow
    movement: int  # places gained (+) or lost (−) against the table before the round
    playing: bool

    @property
    def places(self) -> int:
        return abs(self.movement)


def live_table(*, competition: Competition, round_matches: list[Match]) -> list[LiveRow]:
    """The table as it would stand if the round's scores held: the table before the round's matchday, plus
    every match of the round with a score (live ones at their current score, finished ones as they ended).
    `round_matches`: one matchday's matches (a replayed round: the replays, which stand for the originals)."""
    teams, results = _season(competition=competition, until_matchday=round_matches[0].matchday - 1)
    was = {row.team.pk: row.position for row in _ranked(teams, results)}
    now = [
        (m.home_team_id, m.away_team_id, m.home_score, m.away_score)
        for m in round_matches
        if m.has_score
        and (m.is_live or m.status == Match.Status.FINISHED)
        and m.home_team_id in teams
        and m.away_team_id in teams
    ]
    rows = _ranked(teams, results + now)
    playing = {t for m in round_matches if m.is_live for t in (m.home_team_id, m.away_team_id)}
    return [
        LiveRow(row=row, movement=was[row.team.pk] - row.position, playing=row.team.pk in playing)
        for row in rows
    ]


def _matchday_end(rows, matchday: int) -> datetime | None:
    """The last kick-off of `matchday` before the next matchday's first; None when nothing follows it."""
    later = [md for _h, _a, _hs, _as, _s, md, _k in rows if md is not None and md > matchday]
    if not later:
        return None
    following = min(later)
    start = min(k for _h, _a, _hs, _as, _s, md, k in rows if md == following)
    own = [k for _h, _a, _hs, _as, _s, md, k in rows if md == matchday and k < start]
    return max(own) if own else None


def _head_to_head(tallies: dict[int, _Tally], results) -> dict[int, tuple[int, int]]:
    """For each team, points and goal difference in the matches among the teams level with it on points."""
    level: dict[int, set[int]] = defaultdict(set)
    for team_id, tally in tallies.items():
        level[tally.points].add(team_id)
    group_of = {team_id: frozenset(group) for group in level.values() for team_id in group}
    mini: dict[int, _Tally] = defaultdict(_Tally)
    for home, away, home_score, away_score in results:
        if len(group_of[home]) > 1 and away in group_of[home]:
            mini[home].add(home_score, away_score)
            mini[away].add(away_score, home_score)
    return {team_id: (mini[team_id].points, mini[team_id].goal_difference) for team_id in tallies}
