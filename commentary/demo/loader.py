"""The demo match, Milan 1–1 Atalanta (Serie A 2023/24, matchday 26), built through the services.

Facts from the match report in shared/seed; the commentary in milan-atalanta.json is our own.
"""

import json
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction

from commentary.domain import services
from commentary.domain.drafts import EntryDraft
from commentary.models import Entry
from matches.models import Competition, Match, Player, Team
from matches.services import lineup_set, squad_import
from matches.squads import SQUADS_DIR, parse_squad

ENTRIES_FILE = Path(__file__).parent / "milan-atalanta.json"
KICKOFF = datetime(2024, 2, 25, 20, 45, tzinfo=ZoneInfo("Europe/Rome"))
HALF_TIME_BREAK = timedelta(minutes=15)

TEAMS = {
    "home": {
        "name": "AC Milan",
        "short_name": "Milan",
        "code": "MIL",
        "primary_colour": "#d2001f",
        "secondary_colour": "#111111",
        "squad": "milan.txt",
        "known_as": {"Théo Hernández": "Theo Hernández"},
        "formation": "4-2-3-1",
        "coach": "Stefano Pioli",
        "starters": [
            "Mike Maignan",
            "Alessandro Florenzi",
            "Malick Thiaw",
            "Matteo Gabbia",
            "Théo Hernández",
            "Ismaël Bennacer",
            "Yacine Adli",
            "Christian Pulisic",
            "Ruben Loftus-Cheek",
            "Rafael Leão",
            "Olivier Giroud",
        ],
        "bench": ["Davide Calabria", "Yunus Musah", "Noah Okafor"],
    },
    "away": {
        "name": "Atalanta BC",
        "short_name": "Atalanta",
        "code": "ATA",
        "primary_colour": "#1b5aa6",
        "secondary_colour": "#111111",
        "squad": "atalanta.txt",
        "known_as": {},
        "formation": "3-4-2-1",
        "coach": "Gian Piero Gasperini",
        "starters": [
            "Marco Carnesecchi",
            "Giorgio Scalvini",
            "Berat Djimsiti",
            "Sead Kolašinac",
            "Emil Holm",
            "Marten de Roon",
            "Éderson",
            "Matteo Ruggeri",
            "Teun Koopmeiners",
            "Aleksey Miranchuk",
            "Charles De Ketelaere",
        ],
        "bench": ["Davide Zappacosta", "Ademola Lookman", "Gianluca Scamacca", "Isak Hien", "Rafael Tolói"],
    },
}


def _moment(entry: dict, index: int, half_time_at: datetime) -> datetime:
    """When an entry was written, from its period and minute: the demo's timestamps follow the match."""
    period, minute, added = entry["period"], entry["minute"] or 0, entry["added"] or 0
    second_half = half_time_at + HALF_TIME_BREAK
    if period == Entry.Period.PRE_MATCH:
        return KICKOFF - timedelta(minutes=40) + timedelta(minutes=2 * index)
    if period == Entry.Period.FIRST_HALF:
        return KICKOFF + timedelta(minutes=minute - 1 + added, seconds=30)
    if period == Entry.Period.HALF_TIME:
        return half_time_at + timedelta(minutes=2 + index % 10)
    if period == Entry.Period.SECOND_HALF:
        return second_half + timedelta(minutes=minute - 46 + added, seconds=30)
    return second_half + timedelta(minutes=52 + index % 10)


def demo_entries() -> list[dict]:
    return json.loads(ENTRIES_FILE.read_text(encoding="utf-8"))["entries"]


def demo_load(*, author=None, competition_name: str = "Serie A", season: str = "2023/24") -> Match:
    """Create (once) the demo match with its line-ups and commentary; a second call changes nothing."""
    with transaction.atomic():
        competition, _ = Competition.objects.get_or_create(name=competition_name, season=season)
        teams: dict[str, Team] = {}
        players: dict[str, dict[str, Player]] = {}
        for side, spec in TEAMS.items():
            team, _ = Team.objects.get_or_create(
                name=spec["name"],
                defaults={k: spec[k] for k in ("short_name", "code", "primary_colour", "secondary_colour")},
            )
            squad = parse_squad((SQUADS_DIR / spec["squad"]).read_text(encoding="utf-8"))
            teams[side] = team
            players[side] = {
                p.name: p for p in squad_import(team=team, players=squad, known_as_overrides=spec["known_as"])
            }
        match, created = Match.objects.get_or_create(
            competition=competition,
            home_team=teams["home"],
            away_team=teams["away"],
            kickoff=KICKOFF,
            defaults={"matchday": 26, "venue": "Stadio San Siro", "referee": "Daniele Orsato"},
        )
        if not created:
            return match
        for side, spec in TEAMS.items():
            lineup_set(
                match=match,
                team=teams[side],
                starters=[players[side][n] for n in spec["starters"]],
                bench=[players[side][n] for n in spec["bench"]],
                formation=spec["formation"],
                coach=spec["coach"],
            )
        publish_demo_entries(match=match, teams=teams, players=players, author=author)
        match.refresh_from_db()
        return match


def publish_demo_entries(
    *,
    match: Match,
    teams: dict[str, Team],
    players: dict[str, dict[str, Player]],
    author=None,
    entries: list[dict] | None = None,
    at=None,
) -> None:
    """Publish the demo commentary on `match`; `at(entry, index)` overrides the historical timestamps."""
    half_time_at = KICKOFF + timedelta(minutes=48)
    for index, spec in enumerate(entries or demo_entries()):
        side = spec["team"]

        def player(name, side=side):
            if name is None:
                return None
            return players[side].get(name) or players["away" if side == "home" else "home"][name]

        if spec["kind"] == Entry.Kind.HALF_TIME:
            half_time_at = KICKOFF + timedelta(minutes=45 + (spec["added"] or 0))
        draft = EntryDraft(
            kind=spec["kind"],
            text=spec["text"],
            minute=spec["minute"],
            added_minute=spec["added"] or 0,
            period=spec["period"],
            team=teams[side] if side else None,
            player=player(spec["player"]),
            player2=player(spec["player2"]),
            var_outcome=spec.get("var_outcome") or "",
            stoppage_minutes=spec.get("stoppage_minutes"),
        )
        services.entry_publish(
            match=match,
            draft=draft,
            author=author,
            at=at(spec, index) if at else _moment(spec, index, half_time_at),
        )
