"""Parse openfootball squad files: ` 10,  Rafael Leão (POR),   FW,   b. 1999,   Lille`."""

import re
from dataclasses import dataclass
from pathlib import Path

SQUADS_DIR = Path(__file__).parent / "data" / "openfootball" / "squads"
LINE = re.compile(
    r"^\s*(?P<number>\d+),\s*(?P<name>[^,]+?)\s*(?:\([A-Z]{3}\))?,\s*(?P<position>GK|DF|MF|FW),"
)


@dataclass(frozen=True)
class SquadPlayer:
    shirt_number: int
    name: str
    position: str


def parse_squad(text: str) -> list[SquadPlayer]:
    players = []
    for line in text.splitlines():
        if m := LINE.match(line):
            players.append(SquadPlayer(int(m["number"]), m["name"].strip(), m["position"]))
    return players


def known_as(name: str) -> str:
    """How a live desk writes a player: the surname ("Leão", "De Roon"); one-word names stay as they are."""
    first, _, rest = name.partition(" ")
    if not rest:
        return name
    return rest[0].upper() + rest[1:]
