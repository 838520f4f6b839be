"""The tabellino's text read into dataclasses: pure, no database; names stay as written."""

import re
from dataclasses import dataclass, replace

from django.utils.translation import gettext as _


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
