"""Writes to the football world: squads and line-ups."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from .models import LineupEntry, Match, Player, Team
from .squads import SquadPlayer, known_as
from .tabellino import ResolvedTabellino


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
    side = match.team_side(team.pk)
    with transaction.atomic():
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
            lineup_set(
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
