"""Writes to the football world: squads and line-ups."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from .football_json import Fixture, TeamResolver, parse_football_json, squad_file_team_name, team_spec
from .models import Competition, LineupEntry, Match, Player, Team
from .signals import match_changed
from .squads import SquadPlayer, known_as, parse_squad
from .tabellino.resolve import ResolvedTabellino


def squad_import(
    *, team: Team, players: Sequence[SquadPlayer], known_as_overrides: dict[str, str] | None = None
) -> list[Player]:
    """Create or refresh a team's players by name; running it twice changes nothing."""
    overrides = known_as_overrides or {}
    result = []
    with transaction.atomic():
        for p in players:
            player, _ = Player.objects.update_or_create(
                team=team,
                name=p.name,
                defaults={
                    "shirt_number": p.shirt_number,
                    "position": p.position,
                    "known_as": overrides.get(p.name, known_as(p.name)),
                },
            )
            result.append(player)
    return result


def lineup_set(
    *,
    match: Match,
    team: Team,
    starters: Sequence[Player],
    bench: Sequence[Player] = (),
    formation: str | None = None,
    coach: str | None = None,
) -> None:
    """Replace one side's team sheet (starters in order, then the bench) and its formation and coach."""
    with transaction.atomic():
        _lineup_write(
            match=match, team=team, starters=starters, bench=bench, formation=formation, coach=coach
        )
        match_changed.send(sender=Match, match=match)


def _lineup_write(
    *, match: Match, team: Team, starters, bench, formation: str | None, coach: str | None
) -> None:
    side = match.team_side(team.pk)
    LineupEntry.objects.filter(match=match, team=team).delete()
    LineupEntry.objects.bulk_create(
        [
            LineupEntry(match=match, team=team, player=p, role=LineupEntry.Role.STARTER, order=i)
            for i, p in enumerate(starters, 1)
        ]
        + [
            LineupEntry(match=match, team=team, player=p, role=LineupEntry.Role.BENCH, order=i)
            for i, p in enumerate(bench, 1)
        ]
    )
    fields = []
    if formation is not None:
        setattr(match, f"{side}_formation", formation)
        fields.append(f"{side}_formation")
    if coach is not None:
        setattr(match, f"{side}_coach", coach)
        fields.append(f"{side}_coach")
    if fields:
        match.save(update_fields=fields)


def match_copy_for_replay(*, source: Match, kickoff, clock_speed: float = 1.0) -> Match:
    """A fresh, scheduled copy of a match (teams, officials, line-ups) to play its commentary again."""
    with transaction.atomic():
        match = Match.objects.create(
            competition=source.competition,
            matchday=source.matchday,
            round_name=source.round_name,
            home_team=source.home_team,
            away_team=source.away_team,
            kickoff=kickoff,
            venue=source.venue,
            referee=source.referee,
            home_formation=source.home_formation,
            away_formation=source.away_formation,
            home_coach=source.home_coach,
            away_coach=source.away_coach,
            replay_of=source,
            clock_speed=clock_speed,
        )
        LineupEntry.objects.bulk_create(
            LineupEntry(
                match=match, team_id=row.team_id, player_id=row.player_id, role=row.role, order=row.order
            )
            for row in source.lineup.all()
        )
    return match


def tabellino_apply(*, match: Match, resolved: ResolvedTabellino) -> None:
    """Save what a pasted tabellino says about the team sheets: both line-ups, formations, coaches, referee.

    Starters keep the tabellino's order; each side's bench is the players who came on, in the order they did.
    Scorers, substitutions and cards are not saved here: they become commentary entries, written by the live
    desk (a later change may import them). Refuses, saving nothing, while any name is unresolved.
    """
    if resolved.match.pk != match.pk:
        raise ValidationError(gettext("Le formazioni sono state lette per un'altra partita."))
    if resolved.problems:
        raise ValidationError(
            gettext("Formazioni non salvate: %(problems)s")
            % {"problems": "; ".join(str(problem) for problem in resolved.problems)}
        )
    with transaction.atomic():
        for side in resolved.teams:
            _lineup_write(
                match=match,
                team=side.team,
                starters=[entry.player for entry in side.starters],
                bench=side.bench,
                formation=side.sheet.formation,
                coach=side.sheet.coach,
            )
        if resolved.tabellino.referee is not None:
            match.referee = resolved.tabellino.referee
            match.save(update_fields=["referee"])
        match_changed.send(sender=Match, match=match)


@dataclass
class ImportReport:
    """What a fixtures-and-results import did; `warnings` lists what it found but chose not to change."""

    competition: Competition
    competition_created: bool = False
    teams_created: list[Team] = field(default_factory=list)
    teams_found: list[Team] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.competition_created or self.teams_created or self.created or self.updated)


def football_json_import(*, data: dict, competition_name: str, season: str) -> ImportReport:
    """Create or complete a competition's fixtures and results from football.json data; idempotent.

    Teams are matched to existing ones (see TeamResolver), else created from our team table. A fixture is
    the pair (home team, away team) within the competition (replays aside), so a match that already exists,
    such as one followed live, is completed and never duplicated: its matchday is set if missing, and its
    score and status only while it has no score. A stored score is never overwritten (it may come from the
    commentary); a disagreement is reported as a warning. Raises FootballJsonError on malformed data.
    """
    fixtures = parse_football_json(data)
    with transaction.atomic():
        competition, competition_created = Competition.objects.get_or_create(
            name=competition_name, season=season
        )
        report = ImportReport(competition=competition, competition_created=competition_created)
        rounds = max((f.matchday for f in fixtures if f.matchday is not None), default=None)
        if rounds is not None and (competition.matchdays or 0) < rounds:
            competition.matchdays = rounds  # a league's calendar says how many matchdays it has
            competition.save(update_fields=["matchdays"])
        teams = _teams_for(names=[name for f in fixtures for name in (f.team1, f.team2)], report=report)
        existing: dict[tuple[int, int], list[Match]] = {}
        for match in Match.objects.filter(competition=competition, replay_of__isnull=True).order_by(
            "kickoff", "pk"
        ):
            existing.setdefault((match.home_team_id, match.away_team_id), []).append(match)
        new = []
        for fixture in fixtures:
            home, away = teams[fixture.team1], teams[fixture.team2]
            match = _claim(existing.get((home.pk, away.pk), []), fixture)
            if match is None:
                new.append(_new_match(competition=competition, home=home, away=away, fixture=fixture))
            elif _complete(match=match, fixture=fixture, warnings=report.warnings):
                report.updated += 1
            else:
                report.unchanged += 1
        Match.objects.bulk_create(new)
        report.created = len(new)
    return report


def _teams_for(*, names: Iterable[str], report: ImportReport) -> dict[str, Team]:
    resolver = TeamResolver.from_db()
    teams: dict[str, Team] = {}
    for name in dict.fromkeys(names):
        team = resolver.resolve(name)
        if team is None:
            team = Team.objects.create(**team_spec(name).create_kwargs())
            resolver.add(team)
            report.teams_created.append(team)
        elif team not in report.teams_found and team not in report.teams_created:
            report.teams_found.append(team)
        teams[name] = team
    return teams


def _claim(candidates: list[Match], fixture: Fixture) -> Match | None:
    """The stored match a fixture is, taken off the candidates: same matchday first, then same day."""
    if not candidates:
        return None
    day = fixture.kickoff.date()
    for same in (
        lambda m: fixture.matchday is not None and m.matchday == fixture.matchday,
        lambda m: timezone.localtime(m.kickoff, fixture.kickoff.tzinfo).date() == day,
    ):
        for match in candidates:
            if same(match):
                candidates.remove(match)
                return match
    return candidates.pop(0)


def _new_match(*, competition: Competition, home: Team, away: Team, fixture: Fixture) -> Match:
    match = Match(
        competition=competition,
        matchday=fixture.matchday,
        round_name=fixture.round_name,
        home_team=home,
        away_team=away,
        kickoff=fixture.kickoff,
    )
    if fixture.score is not None:
        _set_result(match, fixture)
    return match


def _set_result(match: Match, fixture: Fixture) -> None:
    match.status = Match.Status.FINISHED
    match.home_score, match.away_score = fixture.score
    if fixture.half_time is not None:
        match.home_score_half_time, match.away_score_half_time = fixture.half_time


def _complete(*, match: Match, fixture: Fixture, warnings: list[str]) -> bool:
    """Fill in what the stored match lacks; tell whether anything changed."""
    fields = []
    if match.matchday is None and fixture.matchday is not None:
        match.matchday = fixture.matchday
        fields.append("matchday")
    if not match.round_name and fixture.round_name:
        match.round_name = fixture.round_name
        fields.append("round_name")
    if match.kickoff != fixture.kickoff:
        warnings.append(
            gettext(
                "%(match)s: calcio d'inizio salvato %(stored)s, nel file %(file)s; tenuto quello salvato."
            )
            % {
                "match": match,
                "stored": timezone.localtime(match.kickoff).strftime("%Y-%m-%d %H:%M"),
                "file": timezone.localtime(fixture.kickoff).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if fixture.score is not None:
        if match.home_score is None and match.away_score is None:
            if match.is_live:
                warnings.append(gettext("%(match)s è in corso: risultato non importato.") % {"match": match})
            else:
                _set_result(match, fixture)
                fields += ["status", "home_score", "away_score"]
                if fixture.half_time is not None:
                    fields += ["home_score_half_time", "away_score_half_time"]
        elif (match.home_score, match.away_score) != fixture.score:
            warnings.append(
                gettext("%(match)s: risultato salvato %(stored)s, nel file %(file)s; tenuto quello salvato.")
                % {
                    "match": match,
                    "stored": f"{match.home_score}–{match.away_score}",
                    "file": "–".join(map(str, fixture.score)),
                }
            )
    if fields:
        match.save(update_fields=fields)
    return bool(fields)


@dataclass
class SquadsReport:
    imported: list[tuple[Team, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def squad_files_import(*, paths: Iterable[Path]) -> SquadsReport:
    """Import openfootball squad files (`=  AC Milan - Italian Serie A 2023/24`, then one player a line)
    into the teams they name, matched like the fixtures' teams; a file naming no team of ours is skipped
    with a warning. A player's existing `known_as` (perhaps an editor's choice) is kept."""
    report = SquadsReport()
    resolver = TeamResolver.from_db()
    for path in sorted(paths):
        text = Path(path).read_text(encoding="utf-8")
        name = squad_file_team_name(text)
        team = resolver.resolve(name) if name else None
        if team is None:
            report.warnings.append(
                gettext("%(file)s: nessuna squadra corrisponde a «%(name)s».")
                % {"file": Path(path).name, "name": name or "?"}
            )
            continue
        kept = dict(team.players.exclude(known_as="").values_list("name", "known_as"))
        players = squad_import(team=team, players=parse_squad(text), known_as_overrides=kept)
        report.imported.append((team, len(players)))
    return report


def players_add(*, team: Team, names: Iterable[str]) -> list[Player]:
    """Add players to a team's squad by name (a tabellino's names found in no squad, on the editor's word)."""
    with transaction.atomic():
        return [
            Player.objects.get_or_create(team=team, name=name, defaults={"known_as": known_as(name)})[0]
            for name in names
        ]
