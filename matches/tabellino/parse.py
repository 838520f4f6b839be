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
    bench: tuple[str, ...] = ()  # "A disposizione": the substitutes as listed (some may have come on)


@dataclass(frozen=True)
class Goal:
    minute: int | None
    added: int
    player: str
    penalty: bool = False
    own_goal: bool = False


@dataclass(frozen=True)
class Card:
    """A booking or a sending-off; the minute is None where the tabellino gives none."""

    minute: int | None
    added: int
    player: str


SCORED, SAVED, MISSED = "scored", "saved", "missed"


@dataclass(frozen=True)
class Kick:
    """One kick of a shoot-out; `team` is the name of its team line, None where the text does not say."""

    team: str | None
    player: str
    outcome: str  # SCORED, SAVED or MISSED

    @property
    def scored(self) -> bool:
        return self.outcome == SCORED


@dataclass(frozen=True)
class Tabellino:
    teams: tuple[TeamSheet, TeamSheet]  # as written: home first
    scorers: tuple[Goal, ...] = ()
    referee: str | None = None
    booked: tuple[Card, ...] = ()
    sent_off: tuple[Card, ...] = ()
    shootout: tuple[Kick, ...] = ()  # in kick order
    extra_time: bool = False  # the text says "d.t.s." / "a.e.t."
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
                    "bench": list(team.bench),
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
            "booked": [_card_dict(card) for card in self.booked],
            "sent_off": [_card_dict(card) for card in self.sent_off],
            "shootout": [
                {"team": kick.team, "player": kick.player, "scored": kick.scored, "outcome": kick.outcome}
                for kick in self.shootout
            ],
            "extra_time": self.extra_time,
        }


def _card_dict(card: Card) -> dict:
    return {"minute": card.minute, "added": card.added, "player": card.player}


# --- Parsing -----------------------------------------------------------------------------------------------

EXAMPLE_LINE = "Milan (4-2-3-1): Maignan; …"
MARKS = "′'’‘`´°"
LABELS = {
    "scorers": ("marcatori", "marcatore", "reti", "gol", "goal", "goals", "scorers", "goalscorers", "scorer"),
    "referee": ("arbitro", "referee"),
    "booked": ("ammoniti", "ammonito", "ammonizioni", "booked", "bookings", "yellow cards", "cautioned"),
    "sent_off": ("espulsi", "espulso", "espulsioni", "sent off", "sent-off", "red cards", "red card"),
    "shootout": (
        "rigori",
        "sequenza dei rigori",
        "sequenza rigori",
        "calci di rigore",
        "penalties",
        "penalty shoot-out",
        "penalty shootout",
        "shoot-out",
        "shootout",
    ),
    "bench": ("a disposizione", "panchina", "subs", "substitutes", "bench"),
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
)
BENCH_LABELS = LABELS["bench"]
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
            (LABEL_KIND.keys() - set(BENCH_LABELS)) | set(IGNORED_LABELS), key=len, reverse=True
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
_EXTRA_TIME = re.compile(
    r"(?<![\w.])(?:d\.\s?t\.\s?s\.?|dts|a\.\s?e\.\s?t\.?|aet|dopo i tempi supplementari|after extra time)"
    r"(?![\w])",
    re.IGNORECASE,
)
# How a shoot-out kick ended, as written after (or around) the taker's name.
_OUTCOMES = {
    SCORED: (
        "gol",
        "goal",
        "rete",
        "segnato",
        "segna",
        "realizzato",
        "trasformato",
        "a segno",
        "sì",
        "si",
        "scored",
        "converted",
        "✓",
        "✔",
        "●",
    ),
    SAVED: ("parato", "parata", "respinto", "saved", "○"),
    MISSED: (
        "sbagliato",
        "fuori",
        "alto",
        "a lato",
        "palo",
        "traversa",
        "no",
        "missed",
        "wide",
        "over",
        "off target",
        "post",
        "hit the post",
        "bar",
        "crossbar",
        "✗",
        "✘",
        "x",
    ),
}
_OUTCOME = re.compile(
    r"(?<![\w])(?P<word>"
    + "|".join(
        re.escape(w) for w in sorted((w for ws in _OUTCOMES.values() for w in ws), key=len, reverse=True)
    )
    + r")(?![\w])",
    re.IGNORECASE,
)
_OUTCOME_OF = {word.casefold(): outcome for outcome, words in _OUTCOMES.items() for word in words}
_RUNNING_SCORE = re.compile(r"\d{1,2}\s*[-–]\s*\d{1,2}")
_SHIRT = re.compile(r"^\d{1,2}\s+|\s+\d{1,2}$")


def parse_tabellino(text: str) -> Tabellino:
    """Read both teams' line-ups, the scorers, the referee and the cards from a pasted tabellino.

    Lines before the first team line (a title, the report itself) are skipped; lines after it that cannot be
    read become warnings. Raises TabellinoError unless exactly two team lines are found.
    """
    teams: list[TeamSheet] = []
    scorers: list[Goal] = []
    referee: str | None = None
    booked: list[Card] = []
    sent_off: list[Card] = []
    shootout_values: list[str] = []
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
                booked.extend(_cards(value, _("Ammoniti"), warnings))
            elif kind == "sent_off":
                sent_off.extend(_cards(value, _("Espulsi"), warnings))
            elif kind == "shootout":
                shootout_values.append(value)  # read once both teams are known
            elif kind == "bench" and teams and not teams[-1].bench:  # the bench on a line of its own
                teams[-1] = replace(teams[-1], bench=_bench(value, teams[-1].name, warnings))
            else:
                warnings.append(_("Panchina senza la sua squadra: «%(line)s»") % {"line": segment})
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
    shootout = [kick for value in shootout_values for kick in _shootout(value, teams, warnings)]
    return Tabellino(
        teams=(teams[0], teams[1]),
        scorers=tuple(sorted(scorers, key=_chronological)),
        referee=referee,
        booked=tuple(sorted(booked, key=_chronological)),
        sent_off=tuple(sorted(sent_off, key=_chronological)),
        shootout=tuple(shootout),
        extra_time=bool(_EXTRA_TIME.search(text)) or any(_extra(e) for e in (*scorers, *booked, *sent_off)),
        warnings=tuple(warnings),
    )


def _extra(event: "Goal | Card | Substitution") -> bool:
    return event.minute is not None and event.minute > 90


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
    coach, bench = None, ()
    coach_match, bench_match = _COACH.search(body), _BENCH.search(body)
    if coach_match:
        # The substitutes ("A disposizione: …") may come before or after the coach.
        end = bench_match.start() if bench_match and bench_match.start() > coach_match.start() else len(body)
        coach = _clean(body[coach_match.end() : end]) or None
    if bench_match:
        end = coach_match.start() if coach_match and coach_match.start() > bench_match.start() else len(body)
        bench = _bench(body[bench_match.end() : end], name, warnings)
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
        bench=bench,
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


def _cards(value: str, label: str, warnings: list[str]) -> list[Card]:
    """ "De Roon, 55′ Holm, Leao (90+1′)": a card for each name, with its minute where one is written."""
    result = []
    for item in _list_items(value):
        minutes = list(_MINUTES.finditer(item))
        name = _clean(_PAREN.sub(" ", _MINUTES.sub(" ", item)))
        if not name or any(c.isdigit() for c in name):
            warnings.append(_("%(label)s: voce non riconosciuta «%(item)s»") % {"label": label, "item": item})
            continue
        minute, added = (int(minutes[0]["minute"]), int(minutes[0]["added"] or 0)) if minutes else (None, 0)
        result.append(Card(minute=minute, added=added, player=name))
    return result


def _bench(value: str, team: str, warnings: list[str]) -> tuple[str, ...]:
    """ "12 Sportiello, 83 Mirante, Calabria": the names, without their shirt numbers."""
    names = []
    for item in _list_items(value):
        name = _clean(_SHIRT.sub(" ", _PAREN.sub(" ", item)))
        if not name or any(c.isdigit() for c in name):
            warnings.append(
                _("%(team)s: panchina, voce non riconosciuta «%(item)s»") % {"team": team, "item": item}
            )
        else:
            names.append(name)
    return tuple(names)


def _shootout(value: str, teams: list[TeamSheet], warnings: list[str]) -> list[Kick]:
    """The kicks in the order they were taken.

    Either one list, each kick with its team where written ("Mbappé (F) gol, Messi (A) gol, Coman (F) parato")
    or one list per team ("Francia: Mbappé gol, Coman parato; Argentina: Messi gol, …"), which alternate from
    the team written first. The outcome is a word or a mark: gol/parato/fuori, scored/saved/missed, ✓/✗.
    """
    groups: list[tuple[bool, list[Kick]]] = []  # (one team's list, its kicks)
    for part in _split_top(value, ";"):
        head, sep, rest = part.partition(":")
        if sep and head.strip() and not _OUTCOME.search(head):
            groups.append((True, _kicks(rest, _team_named(head, teams), teams, warnings)))
        else:
            groups.append((False, _kicks(part, None, teams, warnings)))
    if len(groups) == 2 and all(per_team for per_team, _kicks_ in groups):
        (_a, first), (_b, second) = groups
        order = [kick for pair in zip(first, second, strict=False) for kick in pair]
        longer = first if len(first) > len(second) else second
        return order + longer[min(len(first), len(second)) :]
    return [kick for _per_team, kicks in groups for kick in kicks]


def _kicks(body: str, team: str | None, teams: list[TeamSheet], warnings: list[str]) -> list[Kick]:
    kicks = []
    for item in _list_items(body):
        words = list(_OUTCOME.finditer(item))
        rest = _RUNNING_SCORE.sub(" ", _OUTCOME.sub(" ", item))
        kick_team = team
        for note in _PAREN.findall(rest):
            kick_team = _team_named(note, teams) or kick_team
        name = _clean(_PAREN.sub(" ", rest).replace("(", " ").replace(")", " "))
        outcomes = {_OUTCOME_OF[w["word"].casefold()] for w in words}
        if not name or any(c.isdigit() for c in name) or len(outcomes) != 1:
            warnings.append(
                _("Rigori: tiro non riconosciuto «%(item)s» (atteso: nome ed esito, come «Messi gol»)")
                % {"item": item}
            )
            continue
        kicks.append(Kick(team=kick_team, player=name, outcome=outcomes.pop()))
    return kicks


def _team_named(written: str, teams: list[TeamSheet]) -> str | None:
    """The team line that `written` names: its name, or the start of it ("F", "Fra" for "Francia")."""
    key = _clean(written).casefold()
    if not key:
        return None
    exact = [t.name for t in teams if t.name.casefold() == key]
    prefix = [t.name for t in teams if t.name.casefold().startswith(key)]
    found = exact or prefix
    return found[0] if len(found) == 1 else None


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


def _chronological(event: Substitution | Goal | Card) -> tuple[bool, int, int]:
    """Sort key: by minute and added minute, events without a minute last, ties kept as written."""
    return event.minute is None, event.minute or 0, event.added
