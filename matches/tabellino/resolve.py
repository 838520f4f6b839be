"""The tabellino's names matched against the match's squads (one query), accent- and case-insensitively.

Every name that cannot be matched, or could be several players, is listed with the reason, never guessed.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..models import Match, Player, Team
from ..names import fold
from .parse import Card, Goal, Kick, Tabellino, TeamSheet


@dataclass(frozen=True)
class NameMatch:
    """A name as written and the squad player it stands for (None, with the reason, when it is unresolved)."""

    written: str
    player: Player | None
    reason: str = ""


@dataclass(frozen=True)
class ResolvedSubstitution:
    minute: int | None
    added: int
    off: NameMatch
    on: NameMatch


@dataclass(frozen=True)
class ResolvedTeam:
    sheet: TeamSheet
    team: Team
    team_matched: bool  # False: the team line's name matched neither team; `team` is a guess by position
    starters: tuple[NameMatch, ...]
    substitutions: tuple[ResolvedSubstitution, ...]
    unused: tuple[NameMatch, ...] = ()  # the substitutes listed who did not come on

    @property
    def bench(self) -> list[Player | None]:
        """The players who came on, in the order they did, then the other substitutes as listed."""
        return [s.on.player for s in self.substitutions] + [m.player for m in self.unused]


@dataclass(frozen=True)
class ResolvedGoal:
    goal: Goal
    player: NameMatch


@dataclass(frozen=True)
class ResolvedCard:
    card: Card
    player: NameMatch


@dataclass(frozen=True)
class ResolvedKick:
    kick: Kick
    team: Team | None
    player: NameMatch


@dataclass(frozen=True)
class Problem:
    name: str  # as written
    where: str
    reason: str  # "non trovato", "ambiguo: A, B", …

    def __str__(self):
        return f"{self.where}: «{self.name}» {self.reason}"


@dataclass(frozen=True)
class ResolvedTabellino:
    match: Match
    tabellino: Tabellino
    home: ResolvedTeam
    away: ResolvedTeam
    scorers: tuple[ResolvedGoal, ...]
    booked: tuple[ResolvedCard, ...]
    sent_off: tuple[ResolvedCard, ...]
    shootout: tuple[ResolvedKick, ...] = ()
    problems: tuple[Problem, ...] = ()

    @property
    def teams(self) -> tuple[ResolvedTeam, ResolvedTeam]:
        return self.home, self.away


def tabellino_resolve(*, match: Match, tabellino: Tabellino) -> ResolvedTabellino:
    """Match every name in `tabellino` to the squads of `match` (one query); unresolved names become problems.

    Team-line names are looked up in that team's squad; scorers (own goals too), booked and sent-off players
    first among the players of the two line-ups, then in both squads.
    """
    problems: list[Problem] = []
    home_team, away_team = match.home_team, match.away_team
    squads: dict[int, list[Player]] = {home_team.pk: [], away_team.pk: []}
    for player in Player.objects.filter(team__in=[home_team, away_team]).order_by("shirt_number", "name"):
        squads[player.team_id].append(player)

    sides = _assign_teams(tabellino, home_team, away_team, problems)
    resolved_teams, team_of_sheet = {}, {}
    for sheet, (team, matched) in zip(tabellino.teams, sides, strict=True):
        resolved_teams[team.pk] = _resolve_team(sheet, team, matched, squads[team.pk], problems)
        team_of_sheet[sheet.name] = resolved_teams[team.pk]
    home, away = resolved_teams[home_team.pk], resolved_teams[away_team.pk]

    in_lineups = [
        m.player
        for team in (home, away)
        for m in (*team.starters, *(s.on for s in team.substitutions))
        if m.player is not None
    ]
    everyone = squads[home_team.pk] + squads[away_team.pk]

    def across(name: str, where: str) -> NameMatch:
        found = _candidates(name, in_lineups) or _candidates(name, everyone)
        return _name_match(name, found, where, problems)

    def kick(kick: Kick) -> ResolvedKick:
        side = team_of_sheet.get(kick.team)
        if side is None:  # the team is the taker's
            taker = across(kick.player, _("Rigori"))
            return ResolvedKick(kick, taker.player.team if taker.player else None, taker)
        players = [m.player for m in (*side.starters, *(s.on for s in side.substitutions)) if m.player]
        found = _candidates(kick.player, players) or _candidates(kick.player, squads[side.team.pk])
        return ResolvedKick(kick, side.team, _name_match(kick.player, found, _("Rigori"), problems))

    scorers = tuple(ResolvedGoal(g, across(g.player, _("Marcatori"))) for g in tabellino.scorers)
    booked = tuple(ResolvedCard(c, across(c.player, _("Ammoniti"))) for c in tabellino.booked)
    sent_off = tuple(ResolvedCard(c, across(c.player, _("Espulsi"))) for c in tabellino.sent_off)
    shootout = tuple(kick(k) for k in tabellino.shootout)
    return ResolvedTabellino(
        match=match,
        tabellino=tabellino,
        home=home,
        away=away,
        scorers=scorers,
        booked=booked,
        sent_off=sent_off,
        shootout=shootout,
        problems=tuple(problems),
    )


def _assign_teams(
    tabellino: Tabellino, home: Team, away: Team, problems: list[Problem]
) -> list[tuple[Team, bool]]:
    """Which of the match's teams each team line is, by name; a line that matches neither keeps its place."""
    choices: list[Team | None] = []
    for sheet in tabellino.teams:
        home_score, away_score = _team_likeness(sheet.name, home), _team_likeness(sheet.name, away)
        if home_score > away_score:
            choices.append(home)
        elif away_score > home_score:
            choices.append(away)
        else:
            choices.append(None)
    reported = False
    if choices[0] is not None and choices[0] == choices[1]:
        problems.append(
            Problem(tabellino.teams[1].name, _("Squadre"), _("è di nuovo %(team)s") % {"team": choices[0]})
        )
        choices[1], reported = None, True
    result = []
    for index, (sheet, choice) in enumerate(zip(tabellino.teams, choices, strict=True)):
        if choice is not None:
            result.append((choice, True))
            continue
        if not (reported and index == 1):
            problems.append(
                Problem(
                    sheet.name,
                    _("Squadre"),
                    _("non trovata: la partita è %(home)s – %(away)s") % {"home": home, "away": away},
                )
            )
        other = choices[1 - index]
        guess = (home, away)[index] if other is None else (away if other == home else home)
        result.append((guess, False))
    return result


def _team_likeness(written: str, team: Team) -> int:
    """2: the name, short name or code; 1: every word of one is in the other ("Milan", "AC Milan"); 0: no."""
    key = fold(written)
    names = {fold(team.name), fold(team.short_name), fold(team.code)}
    if key in names:
        return 2
    words = set(key.split())
    for name in names:
        if name and words and (words <= set(name.split()) or set(name.split()) <= words):
            return 1
    return 0


def _resolve_team(
    sheet: TeamSheet, team: Team, matched: bool, squad: list[Player], problems: list[Problem]
) -> ResolvedTeam:
    label = str(team) if matched else sheet.name
    seen: set[int] = set()

    def resolve(name: str, where: str) -> NameMatch:
        result = _name_match(name, _candidates(name, squad), f"{label} – {where}", problems)
        if result.player is None:
            return result
        if result.player.pk in seen:
            reason = _("compare più volte nella formazione")
            problems.append(Problem(name, f"{label} – {where}", reason))
            return NameMatch(name, None, reason)
        seen.add(result.player.pk)
        return result

    starters = tuple(resolve(name, _("titolari")) for name in sheet.starters)
    on_pitch = {m.written: m for m in starters}
    substitutions = []
    for sub in sheet.substitutions:
        on = resolve(sub.on, _("sostituzioni"))
        off = on_pitch.get(sub.off) or NameMatch(sub.off, None, _("non trovato"))
        on_pitch[sub.on] = on
        substitutions.append(ResolvedSubstitution(minute=sub.minute, added=sub.added, off=off, on=on))
    came_on = {s.on.player.pk for s in substitutions if s.on.player}
    unused = []
    for name in sheet.bench:
        found = _candidates(name, squad)
        if len(found) == 1 and found[0].pk in came_on:
            continue  # listed among the substitutes and already counted as one who came on
        unused.append(resolve(name, _("panchina")))
    return ResolvedTeam(
        sheet=sheet,
        team=team,
        team_matched=matched,
        starters=starters,
        substitutions=tuple(substitutions),
        unused=tuple(unused),
    )


def _name_match(name: str, found: list[Player], where: str, problems: list[Problem]) -> NameMatch:
    if len(found) == 1:
        return NameMatch(name, found[0])
    if found:
        reason = _("ambiguo: %(players)s") % {"players": ", ".join(p.name for p in found)}
    else:
        reason = _("non trovato")
    problems.append(Problem(name, where, reason))
    return NameMatch(name, None, reason)


def _candidates(written: str, players: list[Player]) -> list[Player]:
    """The players `written` may stand for: by full name or known_as, else by surname (the last words of
    either), else by initial and surname ("T. Hernandez"). The first of these that finds anyone wins."""
    key = fold(written)
    if not key:
        return []
    exact, by_surname, by_initial = [], [], []
    words = key.split()
    initial, surname = (words[0], " ".join(words[1:])) if len(words) > 1 and len(words[0]) == 1 else ("", "")
    for player in players:
        full_names = [fold(n) for n in (player.name, player.known_as) if n]
        if key in full_names:
            exact.append(player)
            continue
        surnames = {" ".join(n.split()[i:]) for n in full_names for i in range(1, len(n.split()))}
        if key in surnames:
            by_surname.append(player)
        elif initial and surname in surnames and any(n.startswith(initial) for n in full_names):
            by_initial.append(player)
    return _unique(exact) or _unique(by_surname) or _unique(by_initial)


def _unique(players: list[Player]) -> list[Player]:
    return list({p.pk: p for p in players}.values())


def missing_players(resolved: ResolvedTabellino) -> list[tuple[Team, str]]:
    """The team-line names (starters, substitutes, bench) found in no player of their team's squad: the
    players an editor may add (`import_tabellino --add-players`). Ambiguous names are not among them."""
    missing = []
    for side in resolved.teams:
        if not side.team_matched:
            continue
        names = (*side.starters, *(s.on for s in side.substitutions), *side.unused)
        for name in names:
            if (
                name.player is None
                and name.reason == _("non trovato")
                and (side.team, name.written) not in missing
            ):
                missing.append((side.team, name.written))
    return missing
