"""Line-ups pasted as the "Tabellino" of a match report (Italian press format; English labels work too).

    Milan (4-2-3-1): Maignan; Florenzi (57′ Calabria), Thiaw, …; Giroud. Allenatore: Pioli
    Marcatori: 3′ Leao e 42′ rig. Koopmeiners
    Arbitro: Orsato
    Ammoniti: De Roon, Holm, Leao, Lookman ed Ederson

`parse_tabellino` is pure (text in, dataclasses out, no database): names stay as written. `tabellino_resolve`
then matches those names against the match's squads with one query, accent- and case-insensitively, and
lists every name it cannot match, or could match to several players, instead of guessing.
"""

import re
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _

from .models import Match, Player, Team
from .names import fold


class TabellinoError(ValueError):
    """The text holds no usable tabellino; the message is for the editor who pasted it."""


# --- What the text says ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Substitution:
    minute: int | None
    added: int
    off: str
    on: str


@dataclass(frozen=True)
class TeamSheet:
    name: str
    formation: str | None
    coach: str | None
    starters: tuple[str, ...]
    substitutions: tuple[Substitution, ...]  # in the order the players came on


@dataclass(frozen=True)
class Goal:
    minute: int | None
    added: int
    player: str
    penalty: bool = False
    own_goal: bool = False


@dataclass(frozen=True)
class SendingOff:
    minute: int | None
    added: int
    player: str


@dataclass(frozen=True)
class Tabellino:
    teams: tuple[TeamSheet, TeamSheet]  # as written: home first
    scorers: tuple[Goal, ...] = ()
    referee: str | None = None
    booked: tuple[str, ...] = ()
    sent_off: tuple[SendingOff, ...] = ()
    # Lines that look like data but could not be read; they are skipped, not fatal.
    warnings: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {
            "teams": [
                {
                    "name": team.name,
                    "formation": team.formation,
                    "coach": team.coach,
                    "starters": list(team.starters),
                    "substitutions": [
                        {"minute": s.minute, "added": s.added, "off": s.off, "on": s.on}
                        for s in team.substitutions
                    ],
                }
                for team in self.teams
            ],
            "scorers": [
                {
                    "minute": g.minute,
                    "added": g.added,
                    "player": g.player,
                    "penalty": g.penalty,
                    "own_goal": g.own_goal,
                }
                for g in self.scorers
            ],
            "referee": self.referee,
            "booked": list(self.booked),
            "sent_off": [{"minute": s.minute, "added": s.added, "player": s.player} for s in self.sent_off],
        }


# --- Parsing -----------------------------------------------------------------------------------------------

EXAMPLE_LINE = "Milan (4-2-3-1): Maignan; …"
MARKS = "′'’‘`´°"
LABELS = {
    "scorers": ("marcatori", "marcatore", "reti", "gol", "goal", "goals", "scorers", "goalscorers", "scorer"),
    "referee": ("arbitro", "referee"),
    "booked": ("ammoniti", "ammonito", "ammonizioni", "booked", "bookings", "yellow cards", "cautioned"),
    "sent_off": ("espulsi", "espulso", "espulsioni", "sent off", "sent-off", "red cards", "red card"),
}
# Parts of a tabellino that Diretta does not use: skipped without a warning.
IGNORED_LABELS = (
    "note",
    "notes",
    "spettatori",
    "attendance",
    "assistenti",
    "assistants",
    "quarto uomo",
    "iv uomo",
    "fourth official",
    "var",
    "avar",
    "recupero",
    "stoppage time",
    "added time",
    "angoli",
    "calci d'angolo",
    "corners",
    "stadio",
    "stadium",
    "venue",
    "a disposizione",
    "panchina",
    "subs",
    "substitutes",
    "bench",
)
BENCH_LABELS = ("a disposizione", "panchina", "subs", "substitutes", "bench")
LABEL_KIND = {label: kind for kind, labels in LABELS.items() for label in labels}
NOTHING = {"nessuno", "nessuna", "none", "no", "nil", "-", "–", "—"}

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_LABEL_LINE = re.compile(r"^(?P<label>[^\W\d][^:\d()]{0,29}?)\s*:\s*(?P<value>.*)$")
# Where a label starts mid-line ("… Allenatore: Pioli. Arbitro: Orsato"); the coach stays with the team.
_MIDLINE_LABEL = re.compile(
    r"(?<=[.;])\s+(?=(?:"
    + "|".join(
        re.escape(label)
        for label in sorted(
            LABEL_KIND.keys() | (set(IGNORED_LABELS) - set(BENCH_LABELS)), key=len, reverse=True
        )
    )
    + r")\s*:)",
    re.IGNORECASE,
)
_TEAM_LINE = re.compile(
    r"^(?P<name>[^():;,]{1,60}?)\s*\(\s*(?P<formation>\d{1,2}(?:\s*[-–—]\s*\d{1,2}){1,5})\s*\)\s*[:.]?\s*"
    r"(?P<body>.*)$"
)
_TEAM_LINE_NO_FORMATION = re.compile(r"^(?P<name>[^\W\d][^:;()\d]{0,39}?)\s*:\s*(?P<body>.*;.*)$")
_LOOKS_LIKE_TEAM = re.compile(r"\(\s*\d\s*[-–—]\s*\d\s*[-–—]\s*\d")
_COACH = re.compile(
    r"(?<![\w'’-])(?:allenatore|all\.|head coach|coach|manager)(?![\w])\s*:?\s*", re.IGNORECASE
)
_COACH_LINE = re.compile(
    r"^(?:allenatore|all\.|head coach|coach|manager)\s*:?\s*(?P<coach>.+)$", re.IGNORECASE
)
_BENCH = re.compile(
    r"(?<![\w'’-])(?:" + "|".join(re.escape(label) for label in BENCH_LABELS) + r")\s*:", re.IGNORECASE
)
_PAREN = re.compile(r"\(([^()]*)\)")
_CAPTAIN = re.compile(r"c|cap\.?|capt\.?|k|capitano|captain", re.IGNORECASE)
_MINUTE = rf"(?P<minute>\d{{1,3}})(?:\s*\+\s*(?P<added>\d{{1,2}}))?\s*[{MARKS}]?"
_SUB_MINUTE_FIRST = re.compile(rf"^(?:(?i:dal|dall['’]|from)\s*)?{_MINUTE}\s*(?P<name>\D*)$")
_SUB_NAME_FIRST = re.compile(rf"^(?P<name>\D*?[^\W\d])\s*\(?{_MINUTE}\)?$")
_MINUTES = re.compile(rf"(?<![\w+])(?:(?:al|at|min\.?)\s+)?{_MINUTE}(?!\w)")
_PENALTY = re.compile(
    r"\(\s*(?:rig|rigore|pen|penalty|p|r)\.?\s*\)"
    r"|(?<![\w])(?:su\s+)?(?:rig\.|rigore|penalty|pen\.|rig(?![\w])|pen(?![\w]))",
    re.IGNORECASE,
)
_OWN_GOAL = re.compile(
    r"\(\s*(?:aut|autogol|autorete|og|o\.\s?g)\.?\s*\)"
    r"|(?<![\w])(?:autogol|autorete|aut\.|aut(?![\w])|o\.\s?g\.|o\.\s?g(?![\w])|og(?![\w]))",
    re.IGNORECASE,
)
_LIST_AND = re.compile(r"\s+(?:e|ed|and|&)\s+")


def parse_tabellino(text: str) -> Tabellino:
    """Read both teams' line-ups, the scorers, the referee and the cards from a pasted tabellino.

    Lines before the first team line (a title, the report itself) are skipped; lines after it that cannot be
    read become warnings. Raises TabellinoError unless exactly two team lines are found.
    """
    teams: list[TeamSheet] = []
    scorers: list[Goal] = []
    referee: str | None = None
    booked: list[str] = []
    sent_off: list[SendingOff] = []
    warnings: list[str] = []
    started = False
    for segment in _segments(text):
        team = _team_line(segment, warnings)
        if team is not None:
            teams.append(team)
            started = True
            continue
        coach_line = _COACH_LINE.match(segment)
        if coach_line and teams and teams[-1].coach is None:  # the coach on a line of his own
            teams[-1] = replace(teams[-1], coach=_clean(coach_line["coach"]))
            continue
        label = _label_line(segment)
        if label is not None:
            kind, value = label
            if kind is None:
                continue
            if not value:
                warnings.append(_("Riga senza dati: «%(line)s»") % {"line": segment})
            elif kind == "scorers":
                scorers.extend(_scorers(value, warnings))
            elif kind == "referee":
                name = _clean(value)
                if referee is None:
                    referee = name
                elif name != referee:
                    warnings.append(_("Secondo arbitro ignorato: «%(name)s»") % {"name": name})
            elif kind == "booked":
                booked.extend(_booked(value, warnings))
            elif kind == "sent_off":
                sent_off.extend(_sent_off(value, warnings))
            continue
        if started or _LOOKS_LIKE_TEAM.search(segment):
            warnings.append(_("Riga non riconosciuta: «%(line)s»") % {"line": segment})
    if not teams:
        raise TabellinoError(
            _("Nessuna formazione trovata: attese due righe come '%(example)s'") % {"example": EXAMPLE_LINE}
        )
    if len(teams) == 1:
        raise TabellinoError(
            _("Trovata una sola formazione (%(team)s): attese due righe, una per squadra, come '%(example)s'")
            % {"team": teams[0].name, "example": EXAMPLE_LINE}
        )
    if len(teams) > 2:
        raise TabellinoError(
            _("Trovate %(count)d formazioni (%(teams)s): attese due, una per squadra.")
            % {"count": len(teams), "teams": ", ".join(t.name for t in teams)}
        )
    return Tabellino(
        teams=(teams[0], teams[1]),
        scorers=tuple(sorted(scorers, key=_chronological)),
        referee=referee,
        booked=tuple(booked),
        sent_off=tuple(sorted(sent_off, key=_chronological)),
        warnings=tuple(warnings),
    )


def _segments(text: str) -> list[str]:
    """Non-empty lines, a team line wrapped over several lines joined again, labels mid-line split off."""
    lines = [
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ]
    lines = [line.lstrip("\ufeff") for line in lines if line.strip("\ufeff ")]
    joined: list[str] = []
    for line in lines:
        if joined and _unfinished(joined[-1]) and not _is_data_line(line):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    segments = []
    for line in joined:
        if _is_data_line(line):
            segments.extend(part.strip() for part in _MIDLINE_LABEL.split(line) if part.strip())
        else:
            segments.append(line)
    return segments


def _is_team_line(line: str) -> bool:
    return _team_line(line, []) is not None


def _is_data_line(line: str) -> bool:
    return _is_team_line(line) or _label_line(line) is not None


def _unfinished(line: str) -> bool:
    """A team line that stops mid-list, or before its players: the paste broke it over several lines."""
    team = _team_line(line, [])
    if team is None or team.coach is not None:
        return False
    return not team.starters or line.endswith((",", ";")) or line.count("(") > line.count(")")


def _label_line(line: str) -> tuple[str | None, str] | None:
    """(kind, value) for a "Label: value" line; kind None for labels Diretta skips; None for other lines."""
    m = _LABEL_LINE.match(line)
    if not m:
        return None
    label = " ".join(m["label"].casefold().split())
    if label in LABEL_KIND:
        return LABEL_KIND[label], m["value"].strip()
    if label in IGNORED_LABELS:
        return None, m["value"].strip()
    return None


def _team_line(line: str, warnings: list[str]) -> TeamSheet | None:
    m = _TEAM_LINE.match(line)
    formation = None
    if m:
        parts = [int(p) for p in re.split(r"\s*[-–—]\s*", m["formation"])]
        # "(2-1)" is a score; a formation has three lines or ten outfield players.
        if len(parts) < 3 and sum(parts) != 10:
            m = None
        else:
            formation = "-".join(str(p) for p in parts)
    if m is None:
        m = _TEAM_LINE_NO_FORMATION.match(line)
        if m is None or _label_line(line) is not None:
            return None
        if len(_split_top(m["body"], ",;")) < 7:
            return None
    name = _clean(m["name"])
    body = m["body"]
    coach = None
    coach_match, bench_match = _COACH.search(body), _BENCH.search(body)
    if coach_match:
        # The unused substitutes ("A disposizione: …") may come before or after the coach: neither is kept.
        end = bench_match.start() if bench_match and bench_match.start() > coach_match.start() else len(body)
        coach = _clean(body[coach_match.end() : end]) or None
    cuts = [m.start() for m in (coach_match, bench_match) if m]
    body = body[: min(cuts)] if cuts else body
    starters: list[str] = []
    substitutions: list[Substitution] = []
    for item in _split_top(body, ",;"):
        player, subs = _team_item(item, name, warnings)
        if player:
            starters.append(player)
            substitutions.extend(subs)
    if len(starters) != 11:
        warnings.append(
            _("%(team)s: %(count)d titolari invece di 11") % {"team": name, "count": len(starters)}
        )
    return TeamSheet(
        name=name,
        formation=formation,
        coach=coach,
        starters=tuple(starters),
        substitutions=tuple(sorted(substitutions, key=_chronological)),
    )


def _team_item(item: str, team: str, warnings: list[str]) -> tuple[str, list[Substitution]]:
    """ "Rice (74′ Henderson, 120′ Rashford)": Rice started; Henderson replaced him, Rashford Henderson."""
    notes = _PAREN.findall(item)
    name = _clean(_PAREN.sub(" ", item).replace("(", " ").replace(")", " "))
    if item.count("(") != item.count(")"):
        warnings.append(_("%(team)s: parentesi non chiusa in «%(item)s»") % {"team": team, "item": item})
    if name and any(c.isdigit() for c in name):
        warnings.append(_("%(team)s: nome non valido «%(name)s»") % {"team": team, "name": name})
    substitutions = []
    on_pitch = name
    for note in notes:
        if _CAPTAIN.fullmatch(note.strip()):
            continue
        for part in _split_top(note, ",;"):
            minute, added, player = _substitute(part)
            if not player:
                warnings.append(
                    _("%(team)s: cambio non riconosciuto «%(item)s»") % {"team": team, "item": part}
                )
                continue
            substitutions.append(Substitution(minute=minute, added=added, off=on_pitch, on=player))
            on_pitch = player
    return name, substitutions


def _substitute(text: str) -> tuple[int | None, int, str]:
    """ "57′ Calabria", "Calabria 57'", "dal 90+2′ Calabria" or just "Calabria": (minute, added, name)."""
    text = text.strip()
    for pattern in (_SUB_MINUTE_FIRST, _SUB_NAME_FIRST):
        if m := pattern.match(text):
            return int(m["minute"]), int(m["added"] or 0), _clean(m["name"])
    if any(c.isdigit() for c in text):
        return None, 0, ""
    return None, 0, _clean(text)


def _scorers(value: str, warnings: list[str]) -> list[Goal]:
    """ "3′ Leao e 42′ rig. Koopmeiners", "Kane 12', 45+2' (pen.)", "Rossi (aut.) 60′"."""
    goals: list[Goal] = []
    pending: list[tuple[int | None, int, bool, bool]] = []  # minutes written before their scorer's name
    last_name_first: Goal | None = None
    for item in _list_items(value):
        penalty = bool(_PENALTY.search(item))
        own_goal = bool(_OWN_GOAL.search(item))
        rest = _OWN_GOAL.sub(" ", _PENALTY.sub(" ", item)).strip()
        minutes = [(int(m["minute"]), int(m["added"] or 0)) for m in _MINUTES.finditer(rest)]
        name_first = bool(rest) and not rest[0].isdigit()
        name = _clean(_PAREN.sub(" ", _MINUTES.sub(" ", rest)))
        if not name:
            if not minutes:
                warnings.append(_("Marcatori: voce non riconosciuta «%(item)s»") % {"item": item})
            elif last_name_first is not None:  # "Kane 12', 45'": the 45' is Kane's too
                goals.extend(
                    Goal(minute=m, added=a, player=last_name_first.player, penalty=penalty, own_goal=own_goal)
                    for m, a in minutes
                )
            else:  # "12' e 45' Kane": wait for the name
                pending.extend((m, a, penalty, own_goal) for m, a in minutes)
            continue
        if any(c.isdigit() for c in name):
            warnings.append(_("Marcatori: voce non riconosciuta «%(item)s»") % {"item": item})
            continue
        new = [Goal(minute=m, added=a, player=name, penalty=p, own_goal=o) for m, a, p, o in pending]
        new += [
            Goal(minute=m, added=a, player=name, penalty=penalty, own_goal=own_goal) for m, a in minutes
        ] or [Goal(minute=None, added=0, player=name, penalty=penalty, own_goal=own_goal)]
        pending = []
        goals.extend(new)
        last_name_first = new[-1] if name_first else None
    if pending:
        warnings.append(_("Marcatori: minuti senza nome del marcatore in «%(value)s»") % {"value": value})
    return goals


def _booked(value: str, warnings: list[str]) -> list[str]:
    names = []
    for item in _list_items(value):
        name = _clean(_PAREN.sub(" ", _MINUTES.sub(" ", item)))
        if not name or any(c.isdigit() for c in name):
            warnings.append(_("Ammoniti: voce non riconosciuta «%(item)s»") % {"item": item})
        else:
            names.append(name)
    return names


def _sent_off(value: str, warnings: list[str]) -> list[SendingOff]:
    result = []
    for item in _list_items(value):
        minutes = list(_MINUTES.finditer(item))
        name = _clean(_PAREN.sub(" ", _MINUTES.sub(" ", item)))
        if not name or any(c.isdigit() for c in name):
            warnings.append(_("Espulsi: voce non riconosciuta «%(item)s»") % {"item": item})
            continue
        minute, added = (int(minutes[0]["minute"]), int(minutes[0]["added"] or 0)) if minutes else (None, 0)
        result.append(SendingOff(minute=minute, added=added, player=name))
    return result


def _list_items(value: str) -> list[str]:
    """ "De Roon, Holm, Lookman ed Ederson" → four items; "nessuno"/"none" → none."""
    if _clean(value).casefold() in NOTHING:
        return []
    items = []
    for part in _split_top(value, ",;"):
        items.extend(p.strip() for p in _LIST_AND.split(part) if p.strip())
    return items


def _split_top(text: str, separators: str) -> list[str]:
    """Split on separators outside parentheses: "Florenzi (57′ Calabria), Thiaw" is two items, not three."""
    parts, current, depth = [], [], 0
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        if char in separators and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [p.strip() for p in parts if p.strip(" .")]


def _clean(text: str) -> str:
    return " ".join(text.split()).strip(" .,;:-–—")


def _chronological(event: Substitution | Goal | SendingOff) -> tuple[bool, int, int]:
    """Sort key: by minute and added minute, events without a minute last, ties kept as written."""
    return event.minute is None, event.minute or 0, event.added


# --- Matching the names to the squads ----------------------------------------------------------------------


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

    @property
    def bench(self) -> list[Player | None]:
        """The players who came on, in the order they did."""
        return [s.on.player for s in self.substitutions]


@dataclass(frozen=True)
class ResolvedGoal:
    goal: Goal
    player: NameMatch


@dataclass(frozen=True)
class ResolvedSendingOff:
    sending_off: SendingOff
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
    booked: tuple[NameMatch, ...]
    sent_off: tuple[ResolvedSendingOff, ...]
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
    resolved_teams = {}
    for sheet, (team, matched) in zip(tabellino.teams, sides, strict=True):
        resolved_teams[team.pk] = _resolve_team(sheet, team, matched, squads[team.pk], problems)
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

    scorers = tuple(ResolvedGoal(g, across(g.player, _("Marcatori"))) for g in tabellino.scorers)
    booked = tuple(across(name, _("Ammoniti")) for name in tabellino.booked)
    sent_off = tuple(ResolvedSendingOff(s, across(s.player, _("Espulsi"))) for s in tabellino.sent_off)
    return ResolvedTabellino(
        match=match,
        tabellino=tabellino,
        home=home,
        away=away,
        scorers=scorers,
        booked=booked,
        sent_off=sent_off,
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
    return ResolvedTeam(
        sheet=sheet,
        team=team,
        team_matched=matched,
        starters=starters,
        substitutions=tuple(substitutions),
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
