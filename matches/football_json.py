"""Read openfootball's football.json fixtures and results, and match the names it uses to our teams.

The format: `{"name": "Italian Serie A 2023/24", "matches": [{"round": "Matchday 1", "date": "2023-08-19",
"time": "18:30", "team1": …, "team2": …, "score": {"ht": [0, 0], "ft": [0, 1]}}, …]}`; older files group the
matches under `"rounds": [{"name": …, "matches": […]}]`. Times are local to the competition's country unless
they say otherwise (`"18:30 UTC+2"`). Nothing here touches the database but `TeamResolver.from_db`.
"""

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from django.utils.translation import gettext

from .models import Team
from .names import fold

DATA_DIR = Path(__file__).parent / "data"
FOOTBALL_JSON_FILE = DATA_DIR / "openfootball" / "it.1.json"
TEAM_TABLE_FILE = DATA_DIR / "serie_a_2023_24_teams.json"
ROME = ZoneInfo("Europe/Rome")
# A fixture without a time: the traditional Sunday afternoon slot, so that it sorts within its day.
DEFAULT_TIME = time(15, 0)

# Leading country adjectives of openfootball competition names ("Italian Serie A 2023/24").
COUNTRY_ADJECTIVES = (
    "Italian",
    "English",
    "Scottish",
    "Welsh",
    "Spanish",
    "German",
    "Deutsche",
    "French",
    "Dutch",
    "Belgian",
    "Portuguese",
    "Austrian",
    "Swiss",
    "Turkish",
    "Greek",
    "Danish",
    "Swedish",
    "Norwegian",
    "Polish",
    "Czech",
    "Russian",
    "Ukrainian",
    "Brazilian",
    "Argentine",
    "Argentinian",
    "Mexican",
    "American",
    "Japanese",
    "Chinese",
)
SEASON = re.compile(r"\s+(?P<start>\d{4})(?:\s*[/-]\s*(?P<end>\d{2}|\d{4}))?$")
MATCHDAY = re.compile(r"^(?:matchday|round|giornata|week|spieltag|jornada|journée)\s*(?P<n>\d+)$", re.I)
CLOCK = re.compile(
    r"^(?P<h>\d{1,2})[:.](?P<m>\d{2})"
    r"(?:\s*UTC\s*(?P<offset>[+-]\d{1,2})(?::?(?P<om>\d{2}))?)?$"  # "18:30", "18:30 UTC+2"
)
SQUAD_HEADER = re.compile(r"^=+\s*(?P<team>.+?)\s+-\s+(?P<competition>.+?)\s*$")
# Words that say what kind of club a name is, not which: dropped to make a short name for unknown teams.
CLUB_WORDS = {"ac", "acf", "as", "bc", "calcio", "cf", "cfc", "fc", "sc", "ss", "ssc", "us", "afc", "ssd"}


class FootballJsonError(ValueError):
    """The data is not football.json as we know it; the message says where."""


@dataclass(frozen=True)
class Fixture:
    round: str
    matchday: int | None
    kickoff: datetime
    team1: str
    team2: str
    score: tuple[int, int] | None
    half_time: tuple[int, int] | None

    @property
    def round_name(self) -> str:
        """The round's name when it is not a numbered matchday ("Semifinale", "Final")."""
        return "" if self.matchday is not None else self.round


def competition_from_name(name: str) -> tuple[str, str | None]:
    """ "Italian Serie A 2023/24" → ("Serie A", "2023/24"); 2023-24 and 2023/2024 become 2023/24."""
    name = " ".join(name.split())
    season = None
    if m := SEASON.search(name):
        start, end = m["start"], m["end"]
        season = start if end is None else f"{start}/{end[-2:]}"
        name = name[: m.start()]
    first, _, rest = name.partition(" ")
    if rest and first in COUNTRY_ADJECTIVES:
        name = rest
    return name.strip(), season


def parse_football_json(data: dict, *, tz: ZoneInfo = ROME) -> list[Fixture]:
    if not isinstance(data, dict):
        raise FootballJsonError(gettext("Il file non contiene un oggetto JSON."))
    if "matches" in data:
        raw = [(m.get("round", ""), m) for m in data["matches"]]
    elif "rounds" in data:
        raw = [(r.get("name", ""), m) for r in data["rounds"] for m in r.get("matches", [])]
    else:
        raise FootballJsonError(gettext("Il file non ha né «matches» né «rounds»."))
    return [_fixture(index, round_, m, tz) for index, (round_, m) in enumerate(raw, 1)]


def _fixture(index: int, round_: str, m: dict, tz: ZoneInfo) -> Fixture:
    def problem(what: str) -> FootballJsonError:
        return FootballJsonError(
            gettext("Partita n. %(index)s (%(match)s): %(problem)s")
            % {"index": index, "match": f"{m.get('team1', '?')} – {m.get('team2', '?')}", "problem": what}
        )

    team1, team2 = (str(m.get(key) or "").strip() for key in ("team1", "team2"))
    if not team1 or not team2:
        raise problem(gettext("manca una squadra"))
    if team1 == team2:
        raise problem(gettext("la stessa squadra in casa e fuori"))
    round_ = " ".join(str(m.get("round") or round_ or "").split())
    matchday = int(found["n"]) if (found := MATCHDAY.match(round_)) else None
    try:
        day = date.fromisoformat(str(m["date"]))
    except (KeyError, ValueError):
        raise problem(gettext("data mancante o non valida")) from None
    kickoff = _kickoff(day, m.get("time"), tz)
    if kickoff is None:
        raise problem(gettext("orario non valido: %(time)s") % {"time": m.get("time")})
    score = half_time = None
    if isinstance(m.get("score"), dict):
        sheet = m["score"]
        # After extra time the result is the extra-time score; a shoot-out does not change it.
        score = _pair(sheet.get("et")) or _pair(sheet.get("ft"))
        half_time = _pair(sheet.get("ht"))
        if score == (0, 0) and half_time is None:
            half_time = (0, 0)  # goals are never taken back: goalless at the end means goalless at the break
    elif "score1" in m and "score2" in m:  # the older flat format
        score = _pair([m["score1"], m["score2"]])
        half_time = _pair([m.get("score1i"), m.get("score2i")])
    return Fixture(round_, matchday, kickoff, team1, team2, score, half_time)


def _kickoff(day: date, clock, tz: ZoneInfo) -> datetime | None:
    if not clock:
        return datetime.combine(day, DEFAULT_TIME, tzinfo=tz)
    m = CLOCK.match(str(clock).strip())
    if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
        return None
    zone = tz
    if m["offset"] is not None:
        hours = int(m["offset"])
        minutes = int(m["om"] or 0) * (-1 if hours < 0 else 1)
        zone = timezone(timedelta(hours=hours, minutes=minutes))
    return datetime.combine(day, time(int(m["h"]), int(m["m"])), tzinfo=zone)


def _pair(value) -> tuple[int, int] | None:
    if not isinstance(value, list | tuple) or len(value) != 2:
        return None
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        return None
    return value[0], value[1]


def squad_file_team_name(text: str) -> str | None:
    """The team named in an openfootball squad file's header: "=  AC Milan - Italian Serie A 2023/24"."""
    for line in text.splitlines():
        if line.startswith("="):
            m = SQUAD_HEADER.match(line)
            return m["team"] if m else line.strip("= \t") or None
    return None


@dataclass(frozen=True)
class TeamSpec:
    name: str
    short_name: str
    code: str
    primary_colour: str | None = None
    secondary_colour: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def create_kwargs(self) -> dict:
        kwargs = {"name": self.name, "short_name": self.short_name, "code": self.code}
        if self.primary_colour:
            kwargs["primary_colour"] = self.primary_colour
        if self.secondary_colour:
            kwargs["secondary_colour"] = self.secondary_colour
        return kwargs


@cache
def team_table() -> dict[str, TeamSpec]:
    """Our table of known teams, by every name they go by (exact spelling)."""
    raw = json.loads(TEAM_TABLE_FILE.read_text(encoding="utf-8"))["teams"]
    table: dict[str, TeamSpec] = {}
    for name, spec in raw.items():
        team = TeamSpec(
            name=name,
            short_name=spec["short_name"],
            code=spec["code"],
            primary_colour=spec.get("primary_colour"),
            secondary_colour=spec.get("secondary_colour"),
            aliases=tuple(spec.get("aliases", ())),
        )
        for alias in team.names:
            table[alias] = team
    return table


def team_spec(name: str) -> TeamSpec:
    """How to create a team we do not have: from our table, or made up from its name ("Genoa CFC" → Genoa)."""
    if spec := team_table().get(name):
        return spec
    words = [w for w in name.split() if fold(w) not in CLUB_WORDS and not w.isdigit()]
    short_name = " ".join(words) or name
    letters = [c for c in fold(short_name).upper() if c.isalpha()]
    return TeamSpec(name=name, short_name=short_name[:30], code="".join(letters[:3]) or "XXX")


class TeamResolver:
    """Finds the team a data file means: exact name, our table's aliases, short name, then accents and case
    ignored. A name that could be more than one team at some step matches none at that step."""

    def __init__(self, teams: Iterable[Team] = (), table: dict[str, TeamSpec] | None = None):
        self.table = team_table() if table is None else table
        self.by_name: dict[str, Team] = {}
        self.by_short: dict[str, list[Team]] = {}
        self.by_normal: dict[str, list[Team]] = {}
        for team in teams:
            self.add(team)

    @classmethod
    def from_db(cls) -> "TeamResolver":
        return cls(Team.objects.only("pk", "name", "short_name"))

    def add(self, team: Team) -> None:
        self.by_name[team.name] = team
        self.by_short.setdefault(team.short_name, []).append(team)
        for key in {fold(team.name), fold(team.short_name)}:
            self.by_normal.setdefault(key, []).append(team)

    def resolve(self, name: str) -> Team | None:
        spec = self.table.get(name)
        names = (name, *spec.names) if spec else (name,)
        for candidate in names:
            if team := self.by_name.get(candidate):
                return team
        short_names = (*names, spec.short_name) if spec else names
        for index, keys in (
            (self.by_short, short_names),
            (self.by_normal, [fold(n) for n in short_names]),
        ):
            found = {team.pk: team for key in keys for team in index.get(key, ())}
            if len(found) == 1:
                return next(iter(found.values()))
        return None
